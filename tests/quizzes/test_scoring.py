"""Marking rules (lms/quizzes/scoring.py), one by one."""

from decimal import Decimal

import pytest

from lms.quizzes.constants import MultipleScoring, QuestionKind
from lms.quizzes.scoring import mark, percent_of

SINGLE = {"kind": QuestionKind.SINGLE, "answer": [2]}
TRUE_FALSE = {"kind": QuestionKind.TRUE_FALSE, "answer": [1]}
MULTIPLE = {"kind": QuestionKind.MULTIPLE, "answer": [0, 2, 3]}
ALL = MultipleScoring.ALL_OR_NOTHING
PARTIAL = MultipleScoring.PARTIAL


@pytest.mark.parametrize(
    ("snapshot", "response", "policy", "expected"),
    [
        (SINGLE, [2], ALL, (True, Decimal(2))),
        (SINGLE, [1], ALL, (False, Decimal(0))),
        (SINGLE, None, ALL, (False, Decimal(0))),
        (SINGLE, [], PARTIAL, (False, Decimal(0))),
        (TRUE_FALSE, [1], ALL, (True, Decimal(2))),
        (TRUE_FALSE, [0], ALL, (False, Decimal(0))),
        # all or nothing: exactly the right set
        (MULTIPLE, [0, 2, 3], ALL, (True, Decimal(2))),
        (MULTIPLE, [3, 0, 2], ALL, (True, Decimal(2))),
        (MULTIPLE, [0, 2], ALL, (False, Decimal(0))),
        (MULTIPLE, [0, 1, 2, 3], ALL, (False, Decimal(0))),
        # partial: a share per correct option chosen, nothing with a wrong one
        (MULTIPLE, [0, 2, 3], PARTIAL, (True, Decimal(2))),
        (MULTIPLE, [0, 2], PARTIAL, (False, Decimal("1.33"))),
        (MULTIPLE, [3], PARTIAL, (False, Decimal("0.66"))),
        (MULTIPLE, [0, 1], PARTIAL, (False, Decimal(0))),
        (MULTIPLE, [], PARTIAL, (False, Decimal(0))),
        # partial credit never applies to single choice
        (SINGLE, [2, 1], PARTIAL, (False, Decimal(0))),
    ],
)
def test_mark(snapshot, response, policy, expected):
    assert (
        mark(
            snapshot=snapshot,
            response=response,
            points=Decimal(2),
            multiple_scoring=policy,
        )
        == expected
    )


def test_percent_rounds_down_and_survives_an_empty_quiz():
    assert percent_of(Decimal("59.999"), Decimal(100)) == Decimal("59.99")
    assert percent_of(Decimal(2), Decimal(3)) == Decimal("66.66")
    assert percent_of(Decimal(0), Decimal(0)) == Decimal(0)
