"""Writes with business rules for H5P: uploading packages, recording statements."""

from lms.h5p.services.packages import (  # noqa: F401
    h5p_package_upload,
    h5p_package_validate,
)
from lms.h5p.services.statements import (  # noqa: F401
    StatementVerdict,
    h5p_statement_record,
)
