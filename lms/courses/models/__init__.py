from lms.courses.models.pages import (  # noqa: F401
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModulePage,
    SeasonalClassPage,
)
from lms.courses.models.records import (  # noqa: F401
    Assignment,
    Enrolment,
    LessonCompletion,
)
