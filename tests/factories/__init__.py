"""Factories for every model, so tests say only what matters to them."""

from tests.factories.certs import (  # noqa: F401
    PostFactory,
    QualificationRecordFactory,
    QualificationTypeFactory,
    RequirementFactory,
)
from tests.factories.cms import HomePageFactory  # noqa: F401
from tests.factories.courses import (  # noqa: F401
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    SeasonalClassPageFactory,
)
from tests.factories.drills import DrillFactory  # noqa: F401
from tests.factories.h5p import H5PPackageFactory, H5PResultFactory  # noqa: F401
from tests.factories.people import (  # noqa: F401
    ExternalCredentialFactory,
    OrganisationFactory,
    PersonFactory,
    PointFactory,
    StationFactory,
    TeamFactory,
    UserFactory,
    person_with_role,
)
from tests.factories.points import (  # noqa: F401
    PointAssignmentFactory,
    PointNeedFactory,
    PointSiteFactory,
)
from tests.factories.quizzes import (  # noqa: F401
    CategoryFactory,
    QuestionBankFactory,
    QuestionFactory,
    QuizFactory,
    QuizRuleFactory,
    quiz_with_questions,
)
