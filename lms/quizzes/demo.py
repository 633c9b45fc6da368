"""Demo quizzes: the 保安员培训题库 (166 questions over law, patrol, fire safety,
first aid and anti-fraud, imported from demo_content/question_bank.csv through the
same import instructors use), the 100-point guard exam and a fire-safety practice
quiz (seed_demo places it in the fire-safety course), and the exam passes of the
demo's qualified people. Idempotent."""

from decimal import Decimal
from pathlib import Path

from django.db import transaction

from lms.quizzes.constants import QuestionKind, QuizKind, Review
from lms.quizzes.models import Category, QuestionBank, Quiz, QuizRule
from lms.quizzes.services.attempts import attempt_start, attempt_submit
from lms.quizzes.services.imports import questions_dataset_from_upload, questions_import

BANK_FILE = Path(__file__).parent / "demo_content" / "question_bank.csv"
BANK_NAME = "保安员培训题库"
CATEGORIES = ["法律法规", "巡逻防范", "消防安全", "应急救护", "反诈宣传"]
EXAM_TITLE = "保安员资格模拟考试"
PRACTICE_TITLE = "消防安全小测验"


def _bank():
    bank, _created = QuestionBank.objects.get_or_create(
        name=BANK_NAME,
        defaults={"description": "保安员、义警和物业安保人员培训用题库（演示数据）。"},
    )
    for order, name in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            bank=bank, name=name, defaults={"sort_order": order}
        )
    dataset = questions_dataset_from_upload(BANK_FILE.name, BANK_FILE.read_bytes())
    report = questions_import(bank=bank, dataset=dataset, source="seed_demo")
    if not report.ok:  # the file ships with the code: a bad row is a bug
        raise RuntimeError(f"demo question bank rows {report.bad_rows} are invalid")
    return bank


def _quiz(title, rules, **fields):
    quiz = Quiz.objects.filter(title=title).first()
    if quiz is not None:
        return quiz
    quiz = Quiz.objects.create(title=title, **fields)
    for order, (bank, category, kind, count, points) in enumerate(rules):
        QuizRule.objects.create(
            quiz=quiz,
            sort_order=order,
            bank=bank,
            category=category,
            kind=kind,
            count=count,
            points=Decimal(points),
        )
    return quiz


@transaction.atomic
def seed_quizzes():
    bank = _bank()
    fire = Category.objects.get(bank=bank, name="消防安全")
    exam = _quiz(
        EXAM_TITLE,
        [
            (bank, None, QuestionKind.SINGLE, 40, 1),
            (bank, None, QuestionKind.MULTIPLE, 20, 2),
            (bank, None, QuestionKind.TRUE_FALSE, 20, 1),
        ],
        kind=QuizKind.EXAM,
        description=(
            "闭卷考试，满分 100 分，60 分及格。单选 40 题每题 1 分，多选 20 题每题 2 分"
            "（多选、少选、错选均不得分），判断 20 题每题 1 分。限时 90 分钟。"
        ),
        pass_mark=60,
        time_limit_minutes=90,
        max_attempts=2,
        review=Review.SCORE,
    )
    practice = _quiz(
        PRACTICE_TITLE,
        [(bank, fire, "", 10, 10)],
        kind=QuizKind.PRACTICE,
        description="10 道消防安全题，交卷后可看正确答案和解析，可反复练习。",
        pass_mark=80,
        review=Review.ANSWERS,
    )
    return {"questions": bank.questions.count(), "quizzes": [exam.pk, practice.pk]}


def exam_passes_seed(people):
    """Each of ``people`` passes the guard exam once: a real attempt answered from
    its own key, a full score."""
    quiz = Quiz.objects.filter(title=EXAM_TITLE).first()
    for person in people:
        if quiz is None or quiz.attempts.filter(person=person, passed=True).exists():
            continue
        attempt = attempt_start(quiz=quiz, person=person)
        answers = {
            item.position: item.snapshot["answer"] for item in attempt.questions.all()
        }
        attempt_submit(attempt=attempt, answers=answers)
