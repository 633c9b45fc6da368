import datetime
import random

import pytest
from django.core.exceptions import ValidationError

from lms.people import idnumber
from lms.people.constants import Gender

# A number built by hand from the standard: region 110105, born 1949-12-31,
# sequence 001 (odd: male); the MOD 11-2 check character is X.
KNOWN = "11010519491231002X"


def test_known_number_parses_with_birth_date_and_gender():
    parsed = idnumber.parse(KNOWN)
    assert parsed.birth_date == datetime.date(1949, 12, 31)
    assert parsed.gender == Gender.FEMALE  # 002 is even
    assert parsed.last4 == "002X"


def test_lower_case_x_and_spaces_are_accepted():
    assert idnumber.parse(" 110105 19491231 002x ").value == KNOWN


@pytest.mark.parametrize(
    "written",
    [
        "110105-19491231-002X",  # hyphens
        "110105\u300019491231\u3000002X",  # ideographic spaces (a Chinese IME)
        "110105\u200b19491231002X",  # a zero-width space copied from a chat
        "\ufeff１１０１０５１９４９１２３１００２ｘ",  # BOM, full-width digits
    ],
)
def test_separators_and_invisible_characters_are_removed(written):
    assert idnumber.parse(written).value == KNOWN


def with_region(region, rest=KNOWN[6:17]):
    first17 = region + rest
    return first17 + idnumber.check_character(first17)


@pytest.mark.parametrize(
    "region",
    [
        "449999",  # a real province (广东) but no such county
        "110199",  # a real city (北京市辖区) but no such district
        "440399",
        "900000",
    ],
)
def test_the_region_must_be_a_real_county_not_only_a_real_province(region):
    with pytest.raises(ValidationError) as error:
        idnumber.parse(with_region(region))
    assert error.value.code == "region"
    assert region in error.value.messages[0]


@pytest.mark.parametrize(
    "region",
    [
        "440305",  # 南山区
        "110103",  # 崇文区: merged into 东城区 in 2010, still on many cards
        "441900",  # 东莞市 (a city without counties)
        "810000",  # Hong Kong residents' residence permit
        "830000",  # Taiwan residents' residence permit
    ],
)
def test_real_counties_old_ones_and_permit_codes_are_accepted(region):
    assert idnumber.parse(with_region(region)).value[:6] == region


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "empty"),
        ("1101051949123100", "shape"),
        ("11010519491231002A", "shape"),
        ("99010519491231002X", "region"),
        ("110105194902300021", "birth_date"),  # 30 February
        ("110105210001010011", "birth_date"),  # born in 2100
        ("110105194912310021", "check_digit"),
    ],
)
def test_invalid_numbers_say_why(value, code):
    with pytest.raises(ValidationError) as error:
        idnumber.parse(value)
    assert error.value.code == code


def test_every_single_digit_typo_is_caught():
    """The check character's purpose: any one wrong digit fails."""
    for position in range(17):
        for digit in "0123456789":
            if KNOWN[position] == digit:
                continue
            typo = KNOWN[:position] + digit + KNOWN[position + 1 :]
            with pytest.raises(ValidationError):
                idnumber.parse(typo)


def test_synthetic_numbers_are_valid_and_keep_gender():
    rng = random.Random(7)
    for _ in range(500):
        gender = rng.choice([Gender.MALE, Gender.FEMALE])
        parsed = idnumber.parse(idnumber.synthetic(rng=rng, gender=gender))
        assert parsed.gender == gender


def test_mask_shows_only_last_four():
    assert idnumber.mask("002X") == "**************002X"
    assert idnumber.mask("") == ""
