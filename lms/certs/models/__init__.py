from lms.certs.models.definitions import (  # noqa: F401
    ApiKey,
    Post,
    QualificationType,
    Requirement,
)
from lms.certs.models.records import (  # noqa: F401
    QualificationRecord,
    Reminder,
    SerialCounter,
    VerificationLog,
)
