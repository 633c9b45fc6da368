"""Marking, as pure functions of the stored snapshot and the saved response.

Single choice and true/false: full points for the one correct option, else 0.
Multiple choice, by the quiz's ``multiple_scoring``:

- ``all_or_nothing`` (default, as in the national guard exam): full points only
  when the chosen options are exactly the correct ones;
- ``partial`` (多选少选得分，错选不得分): any wrong option scores 0; otherwise the
  points are shared among the correct options and each one chosen earns its share
  (rounded down to 0.01).

An unanswered question scores 0. The attempt's percentage is score / total × 100,
rounded down to 0.01, and it passes at ``percent >= pass_mark``.
"""

from decimal import ROUND_DOWN, Decimal

from lms.quizzes.constants import MultipleScoring, QuestionKind

CENT = Decimal("0.01")


def mark(*, snapshot, response, points, multiple_scoring):
    """(correct, awarded points) for one question."""
    chosen = set(response or [])
    answer = set(snapshot["answer"])
    points = Decimal(points)
    if chosen == answer:
        return True, points
    if (
        snapshot["kind"] == QuestionKind.MULTIPLE
        and multiple_scoring == MultipleScoring.PARTIAL
        and chosen
        and chosen <= answer
    ):
        share = points * len(chosen) / len(answer)
        return False, share.quantize(CENT, rounding=ROUND_DOWN)
    return False, Decimal(0)


def percent_of(score, max_score):
    if not max_score:
        return Decimal(0)
    return (Decimal(score) * 100 / Decimal(max_score)).quantize(
        CENT, rounding=ROUND_DOWN
    )
