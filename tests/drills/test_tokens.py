"""Check-in codes with a frozen clock: windows, the previous window, forgeries."""

from datetime import UTC, datetime, timedelta

import pytest

from lms.drills import tokens
from lms.drills.constants import Refusal
from tests.factories import DrillFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 22, 8, 0, 0, tzinfo=UTC)


@pytest.fixture
def drill():
    return DrillFactory(starts_at=T0, ends_at=T0 + timedelta(hours=2))


def check(drill, token, at):
    drill_id, window, signature = tokens.parse_token(token)
    assert drill_id == drill.pk
    tokens.check_token(drill, window, signature, at)


def test_a_token_is_valid_in_its_window_and_the_next(drill):
    token = tokens.token_for(drill, T0)
    check(drill, token, T0)
    check(drill, token, T0 + timedelta(seconds=39))  # 20 s windows: the next one
    with pytest.raises(tokens.TokenError) as error:
        check(drill, token, T0 + timedelta(seconds=40))
    assert error.value.reason == Refusal.EXPIRED


def test_the_code_changes_with_the_window_and_only_then(drill):
    assert tokens.token_for(drill, T0) == tokens.token_for(
        drill, T0 + timedelta(seconds=19)
    )
    assert tokens.token_for(drill, T0) != tokens.token_for(
        drill, T0 + timedelta(seconds=20)
    )


def test_a_token_from_the_future_is_refused(drill):
    token = tokens.token_for(drill, T0 + timedelta(minutes=5))
    with pytest.raises(tokens.TokenError) as error:
        check(drill, token, T0)
    assert error.value.reason == Refusal.EXPIRED


@pytest.mark.parametrize(
    "token",
    ["", "abc", "1-2", "x-1-0123456789abcdef", "1-1-short", "1-1-0123456789abcdef-x"],
)
def test_malformed_tokens(token):
    with pytest.raises(tokens.TokenError) as error:
        tokens.parse_token(token)
    assert error.value.reason == Refusal.MALFORMED


def test_tampered_and_other_drill_tokens_are_forgeries(drill):
    other = DrillFactory(starts_at=T0, ends_at=T0 + timedelta(hours=1))
    token = tokens.token_for(drill, T0)
    drill_id, window, signature = tokens.parse_token(token)
    for forged in (
        f"{drill_id}-{window}-{'0' * 16}",
        f"{drill_id}-{window + 1}-{signature}",  # someone guesses the next window
        tokens.token_for(other, T0).replace(f"{other.pk}-", f"{drill.pk}-", 1),
    ):
        with pytest.raises(tokens.TokenError) as error:
            check(drill, forged, T0)
        assert error.value.reason == Refusal.FORGED


def test_text_codes_are_six_unambiguous_characters(drill):
    code = tokens.text_code_for(drill, T0)
    assert len(code) == 6 and set(code) <= set(tokens.CODE_ALPHABET)
    assert not set(code) & set("01OIL")
    assert tokens.code_matches(drill, code.lower(), T0 + timedelta(seconds=25))
    assert not tokens.code_matches(drill, code, T0 + timedelta(seconds=45))


def test_scan_stamps_carry_the_scan_time_for_one_token_and_one_user(drill):
    token = tokens.token_for(drill, T0)
    stamp = tokens.scan_stamp(token, T0, user_id=7)
    assert tokens.read_stamp(stamp, token) == tokens.Scan(T0, 7)
    assert tokens.read_stamp(tokens.scan_stamp(token, T0), token) == (T0, None)
    assert (
        tokens.read_stamp(stamp, tokens.token_for(drill, T0 + timedelta(minutes=1)))
        is None
    )
    assert tokens.read_stamp(stamp + "x", token) is None
    assert tokens.read_stamp("", token) is None
