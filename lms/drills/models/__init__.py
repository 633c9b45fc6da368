from lms.drills.models.definitions import Drill, SkillItem  # noqa: F401
from lms.drills.models.records import (  # noqa: F401
    Attendance,
    CheckinLog,
    SkillResult,
)
