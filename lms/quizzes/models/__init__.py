from lms.quizzes.models.definitions import (  # noqa: F401
    Category,
    Question,
    QuestionBank,
    Quiz,
    QuizRule,
    TaggedQuestion,
)
from lms.quizzes.models.records import Attempt, AttemptQuestion  # noqa: F401
