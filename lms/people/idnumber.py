"""Resident identity card numbers (公民身份号码) as defined by GB 11643-1999.

An 18-character number: a 6-digit administrative region, the birth date as
YYYYMMDD, a 3-digit sequence whose parity gives the gender (odd male, even
female) and an ISO 7064 MOD 11-2 check character (0-9 or X).

python-stdnum does the arithmetic (the check character, the region table). Ours is
what it does not: normalising what people type, one message per fault for the
person who typed it (stdnum's ``validate`` raises one generic error), a region
check that accepts counties created after a birth (``region_is_known``), and
synthetic numbers for the demo.
"""

import datetime
import random
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import numdb
from stdnum.cn import ric

from lms.people.constants import Gender

# Residence permits of Taiwan residents (港澳台居民居住证, GB 11643 as amended in
# 2018) start 830000, which is no division of GB/T 2260; Hong Kong's 810000 and
# Macao's 820000 are.
PERMIT_REGIONS = frozenset({"830000"})
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


# What people put between the groups of digits: spaces of every kind, hyphens and
# dashes, and the invisible characters (zero-width spaces, a byte-order mark) that
# copying from a web page or a chat brings along.
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


def normalise(raw):
    """Strip spaces and separators ("440305 19800101 0013"), turn full-width digits
    (typed with a Chinese IME) into ASCII and make a trailing x upper-case; people
    write all of these."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return SEPARATORS.sub("", text).upper()


@lru_cache(maxsize=4096)
def region_is_known(code):
    """Whether six digits are a division code of GB/T 2260, now or at any time since
    1980: a number keeps the code of the county that issued it after the county is
    merged or renamed (崇文区 110103, gone in 2010, is on millions of cards).

    The codes come from python-stdnum's ``cn/loc`` data (a maintained package,
    version in pyproject.toml; compiled from the tables of 中华人民共和国行政区划代码,
    which follow GB/T 2260 and its yearly changes and give the years each code
    was in use). Its own ``cn.ric`` also
    compares a county's years with the birth year, which would refuse everyone
    registered after birth in a county created later; only the code is checked here.
    """
    if code in PERMIT_REGIONS:
        return True
    found = {}
    for _part, properties in numdb.get("cn/loc").info(code):
        found.update(properties)
    return "county" in found


def check_character(first17):
    """The ISO 7064 MOD 11-2 check character of the first 17 digits (python-stdnum's
    ``cn.ric``, which expects a placeholder where the check character goes)."""
    return ric.calc_check_digit(first17 + "0")


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
    if not region_is_known(value[:6]):
        raise ValidationError(
            _(
                "The first six digits (%(region)s) are not the code of a county or "
                "city (GB/T 2260)."
            )
            % {"region": value[:6]},
            code="region",
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


# What stands for the 14 characters of a number that are never shown.
MASK = "*" * 14


def mask(last4):
    """How an ID number is shown: only its last four characters."""
    return f"{MASK}{last4}" if last4 else ""


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
