"""Admin for qualifications: the menu group and its parts (hooks_*.py)."""

from lms.certs import hooks_credentials, hooks_roster, hooks_verify  # noqa: F401
