"""Which questions a quiz's rules draw: checked when an author saves the rules
(``rules_problems``, the quiz form) and drawn when an attempt starts
(``questions_draw``, the attempt service). A read of the bank, apart from both so
that the admin form need not import the services."""

import secrets

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lms.quizzes.models import Question

_random = secrets.SystemRandom()


def _candidates(rules):
    """(pk, bank, category, kind, difficulty) of every question the rules may draw:
    one query whatever the bank's size."""
    return list(
        Question.objects.filter(
            bank_id__in={rule.bank_id for rule in rules}, active=True
        ).values_list("pk", "bank_id", "category_id", "kind", "difficulty")
    )


def _pool(rule, candidates):
    return {
        pk
        for pk, bank, category, kind, difficulty in candidates
        if bank == rule.bank_id
        and (rule.category_id is None or category == rule.category_id)
        and (not rule.kind or kind == rule.kind)
        and (rule.difficulty is None or difficulty == rule.difficulty)
    }


def rules_problems(rules):
    """Why these rules could fail to draw, or []: each rule must find its count
    even after the earlier rules took the most they could from the same questions
    (the draw takes rules in order and never repeats a question)."""
    if not rules:
        return [_("Add at least one rule that draws questions.")]
    candidates = _candidates(rules)
    pools = [_pool(rule, candidates) for rule in rules]
    problems = []
    for number, (rule, pool) in enumerate(zip(rules, pools, strict=True), start=1):
        taken_before = sum(
            min(earlier.count or 0, len(earlier_pool & pool))
            for earlier, earlier_pool in zip(rules[: number - 1], pools, strict=False)
        )
        available = len(pool) - taken_before
        if available < (rule.count or 0):
            problems.append(
                _(
                    "Rule %(number)s asks for %(count)s questions but only "
                    "%(available)s in the bank match it."
                )
                % {
                    "number": number,
                    "count": rule.count,
                    "available": max(available, 0),
                }
            )
    return problems


def questions_draw(*, quiz, rng=None):
    """[(Question, points)] for a new attempt, by the quiz's rules, in the order to
    show. Two queries whatever the bank's size: the candidates, then the chosen
    questions. A rule that cannot be met is a ValidationError."""
    rng = rng or _random
    rules = list(quiz.rules.all())
    if not rules:
        raise ValidationError(_("This quiz has no questions yet."))
    candidates = _candidates(rules)
    taken = set()
    drawn = []
    for number, rule in enumerate(rules, start=1):
        # Sorted: the same order in every process, so that a seeded draw repeats.
        pool = sorted(_pool(rule, candidates) - taken)
        if len(pool) < rule.count:
            raise ValidationError(
                _(
                    "Rule %(number)s asks for %(count)s questions but only "
                    "%(available)s in the bank match it."
                )
                % {"number": number, "count": rule.count, "available": len(pool)}
            )
        if quiz.shuffle_questions:
            picked = rng.sample(pool, rule.count)
        else:
            picked = pool[: rule.count]
        taken.update(picked)
        drawn += [(pk, rule.points) for pk in picked]
    if quiz.shuffle_questions:
        rng.shuffle(drawn)
    questions = Question.objects.select_related("category").in_bulk(
        [pk for pk, _points in drawn]
    )
    return [(questions[pk], points) for pk, points in drawn]
