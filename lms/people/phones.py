"""Mainland China mobile numbers: 11 digits starting 13-19.

Ours rather than phonenumbers: the rule is one pattern, and phonenumbers carries
every country's metadata to accept a superset we would still narrow to mainland
mobiles."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def normalise(raw):
    """Accept what people write: spaces, dashes, a +86 prefix, or a number that a
    spreadsheet stored as an integer or a float."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = unicodedata.normalize("NFKC", str(raw or ""))
    value = re.sub(r"[\s\-()]", "", text)
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    elif len(value) == 13 and value.startswith("86"):
        value = value[2:]
    return value


def validate_mobile(value):
    if not MOBILE.match(value or ""):
        raise ValidationError(
            _("Enter a mainland mobile number of 11 digits, such as 13800138000."),
            code="invalid_phone",
        )


def mask(value):
    return f"{value[:3]}****{value[-4:]}" if value and len(value) == 11 else value
