"""Resident identity card numbers (公民身份号码) as defined by GB 11643-1999.

An 18-character number: a 6-digit administrative region, the birth date as
YYYYMMDD, a 3-digit sequence whose parity gives the gender (odd male, even
female) and an ISO 7064 MOD 11-2 check character (0-9 or X).
"""

import datetime
import random
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lms.people.constants import Gender

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
# First two digits: provinces, plus 71/81/82/83 (Taiwan, Hong Kong, Macao and the
# residence permits that use them).
PROVINCE_CODES = frozenset(
    {
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
        71,
        81,
        82,
        83,
    }
)
SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
EARLIEST_BIRTH = datetime.date(1900, 1, 1)


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: datetime.date
    gender: str

    @property
    def last4(self):
        return self.value[-4:]


def normalise(raw):
    """Strip spaces, turn full-width digits (typed with a Chinese IME) into ASCII
    and make a trailing x upper-case; people type all of these."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return re.sub(r"\s+", "", text).upper()


def check_character(first17):
    total = sum(
        int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True)
    )
    return CHECK_CHARACTERS[total % 11]


def parse(raw, *, today=None):
    """Return the parsed number, or raise ValidationError with a message that says
    exactly what is wrong (length, region, birth date or check digit)."""
    value = normalise(raw)
    if not value:
        raise ValidationError(_("The ID number is empty."), code="empty")
    if not SHAPE.match(value):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits and a final digit or X."),
            code="shape",
        )
    if int(value[:2]) not in PROVINCE_CODES:
        raise ValidationError(
            _("The ID number does not start with a valid region code."), code="region"
        )
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date inside the ID number is not a real date."),
            code="birth_date",
        ) from None
    today = today or datetime.date.today()
    if not EARLIEST_BIRTH <= birth <= today:
        raise ValidationError(
            _("The birth date inside the ID number is out of range."), code="birth_date"
        )
    if check_character(value[:17]) != value[17]:
        raise ValidationError(
            _("The check digit of the ID number is wrong; please check for a typo."),
            code="check_digit",
        )
    gender = Gender.MALE if int(value[16]) % 2 else Gender.FEMALE
    return IdNumber(value=value, birth_date=birth, gender=gender)


def mask(last4):
    """How an ID number is shown: only its last four characters."""
    return f"**************{last4}" if last4 else ""


def synthetic(*, rng=None, birth_date=None, gender=None, region="440305"):
    """A valid but made-up number for demo data and tests (never a real person's:
    real numbers are not generated from a seeded RNG in a public repository)."""
    rng = rng or random.Random()  # noqa: S311 - not used for security
    if birth_date is None:
        birth_date = datetime.date(1960, 1, 1) + datetime.timedelta(
            days=rng.randrange(16000)
        )
    sequence = rng.randrange(0, 999)
    if gender is not None:
        wants_odd = gender == Gender.MALE
        if (sequence % 2 == 1) != wants_odd:
            sequence = (sequence + 1) % 1000
    first17 = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
