"""Quiz statistics for instructors: how a quiz went for the people the user may see.

What is counted (docs/quizzes.md, "Statistics", says it for instructors):

* closed attempts only (submitted or closed when time ran out); an attempt still in
  progress has no score yet;
* people and pass rate by person: a person passes when their *standing* attempt
  passed, the one ``selectors.standing_result`` picks by the quiz's grading (highest,
  latest or first), as the trainee's own quiz page does;
* the score distribution counts each person's standing attempt once, so that a
  trainee who tried five times does not weigh five times;
* per question, over every closed attempt that drew it (retakes included: each is
  an answer to the question): times drawn, share answered fully correctly (a partly
  scored multiple choice counts as not correct), and Kelley's discrimination index
  ``D = p(upper) - p(lower)``, where the upper and lower groups are the 27% best and
  27% worst attempts ranked by attempt percent (ties broken by the earlier attempt)
  and ``p`` is the share of the group's attempts that drew the question and got it
  right. D is only given from ``MIN_ATTEMPTS_FOR_D`` attempts on.

People are counted under their organisation and team as they are now, not as they
were when they took the quiz. Two queries whatever the number of attempts and
questions: the attempts' compact values, then their questions aggregated in the
database by question.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from lms.quizzes.constants import AttemptStatus
from lms.quizzes.models import Attempt, AttemptQuestion
from lms.quizzes.selectors import standing_result

CLOSED = (AttemptStatus.SUBMITTED, AttemptStatus.TIMED_OUT)
# Kelley's 27%: the share of attempts in each of the upper and lower groups.
GROUP_PERCENT = 27
# Below this many attempts the groups are too small for D to mean anything.
MIN_ATTEMPTS_FOR_D = 10
# A question is worth checking when fewer than this share answer it correctly…
FLAG_SHARE_CORRECT = 20
# … or when it separates strong from weak attempts less than this.
FLAG_DISCRIMINATION = 0.2
BANDS = 10
BAND_WIDTH = 100 // BANDS  # percent


class _Attempt(NamedTuple):
    """An attempt's figures, as few columns as the statistics need."""

    pk: int
    person_id: int
    number: int
    status: str
    percent: object  # Decimal
    passed: bool
    organisation_id: int
    organisation_code: str
    organisation_name: str
    team_id: int | None
    team_name: str | None


def _share(part, whole):
    """``part`` of ``whole`` in percent to one decimal, or None when nobody."""
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Tally:
    attempts: int = 0
    people: int = 0
    passed: int = 0

    @property
    def pass_rate(self):
        return _share(self.passed, self.people)

    def add(self, attempts, standing):
        self.attempts += len(attempts)
        self.people += 1
        self.passed += bool(standing.passed)


@dataclass
class GroupRow:
    """An organisation (``team_name`` None, ``is_organisation``) or one of its teams
    (``team_name`` None for its people without a team)."""

    organisation_name: str
    team_name: str | None
    tally: Tally
    is_organisation: bool = False


@dataclass
class Band:
    low: int
    high: int
    count: int

    @property
    def label(self):
        return f"{self.low}–{self.high}"


@dataclass
class QuestionRow:
    question_id: int
    code: str
    stem: str
    drawn: int
    correct: int
    # Kelley's D from -1 to 1, or None (too few attempts, or a group never drew it).
    discrimination: float | None
    reasons: list = field(default_factory=list)

    @property
    def share_correct(self):
        return _share(self.correct, self.drawn)

    @property
    def flagged(self):
        return bool(self.reasons)


@dataclass
class QuizStatistics:
    quiz: object
    total: Tally
    bands: list
    groups: list
    questions: list
    # Attempts in each of the upper and lower groups; 0 when D is not given.
    group_size: int

    @property
    def discrimination_shown(self):
        return self.group_size > 0


def _closed(*, quiz, people, prefix=""):
    """Q for the quiz's closed attempts by ``people``, through ``prefix``."""
    return Q(
        **{
            f"{prefix}quiz": quiz,
            f"{prefix}status__in": CLOSED,
            f"{prefix}person__in": people.values("pk"),
        }
    )


def _attempts(*, quiz, people):
    return [
        _Attempt(*values)
        for values in Attempt.objects.filter(_closed(quiz=quiz, people=people))
        .order_by()
        .values_list(
            "pk",
            "person_id",
            "number",
            "status",
            "percent",
            "passed",
            "person__organisation_id",
            "person__organisation__code",
            "person__organisation__name",
            "person__team_id",
            "person__team__name",
        )
    ]


def _groups(by_person, standing):
    """Organisations by code, each followed by its teams by name (people without a
    team last); a lone "no team" row is left out, it would repeat its organisation."""
    organisations = {}
    teams = defaultdict(dict)
    for person_id, attempts in by_person.items():
        first = attempts[0]
        key = first.organisation_id
        if key not in organisations:
            organisations[key] = GroupRow(
                first.organisation_name, None, Tally(), is_organisation=True
            )
        organisations[key].tally.add(attempts, standing[person_id])
        team = teams[key].setdefault(
            first.team_id, GroupRow(first.organisation_name, first.team_name, Tally())
        )
        team.tally.add(attempts, standing[person_id])
    codes = {a[0].organisation_id: a[0].organisation_code for a in by_person.values()}
    rows = []
    for key in sorted(organisations, key=lambda k: (codes[k], k)):
        rows.append(organisations[key])
        subgroups = sorted(
            teams[key].values(),
            key=lambda row: (row.team_name is None, row.team_name or ""),
        )
        if [row.team_name for row in subgroups] != [None]:
            rows.extend(subgroups)
    return rows


def _bands(standing):
    counts = [0] * BANDS
    for attempt in standing:
        # 100% belongs to the last band, 90–100.
        counts[min(int(attempt.percent // BAND_WIDTH), BANDS - 1)] += 1
    return [
        Band(
            low=i * BAND_WIDTH,
            high=100 if i == BANDS - 1 else (i + 1) * BAND_WIDTH - 1,
            count=count,
        )
        for i, count in enumerate(counts)
    ]


def group_size(attempt_count):
    """Attempts in each of the upper and lower groups: 27% rounded half up, or 0
    (D not given) below ``MIN_ATTEMPTS_FOR_D`` attempts."""
    if attempt_count < MIN_ATTEMPTS_FOR_D:
        return 0
    return (attempt_count * GROUP_PERCENT + 50) // 100


def _group_filters(attempts, size):
    """Q over AttemptQuestion for the upper and lower groups of attempts, ranked by
    percent (best first) then pk: bounded by the last attempt of each group rather
    than by a list of ids, so that the query stays short however many there are."""
    ranked = sorted(attempts, key=lambda a: (-a.percent, a.pk))
    top, bottom = ranked[size - 1], ranked[-size]
    upper = Q(attempt__percent__gt=top.percent) | Q(
        attempt__percent=top.percent, attempt_id__lte=top.pk
    )
    lower = Q(attempt__percent__lt=bottom.percent) | Q(
        attempt__percent=bottom.percent, attempt_id__gte=bottom.pk
    )
    return upper, lower


def _p(correct, drawn):
    return correct / drawn if drawn else None


def _questions(*, quiz, people, attempts, size):
    counts = {
        "drawn": Count("pk"),
        # Not "correct": a values() annotation may not shadow the field it counts.
        "right": Count("pk", filter=Q(correct=True)),
    }
    if size:
        upper, lower = _group_filters(attempts, size)
        counts.update(
            upper_drawn=Count("pk", filter=upper),
            upper_right=Count("pk", filter=upper & Q(correct=True)),
            lower_drawn=Count("pk", filter=lower),
            lower_right=Count("pk", filter=lower & Q(correct=True)),
        )
    aggregated = (
        AttemptQuestion.objects.filter(
            _closed(quiz=quiz, people=people, prefix="attempt__")
        )
        .values("question_id", "question__code", "question__stem")
        .annotate(**counts)
        .order_by()
    )
    rows = []
    for values in aggregated:
        discrimination = None
        if size:
            p_upper = _p(values["upper_right"], values["upper_drawn"])
            p_lower = _p(values["lower_right"], values["lower_drawn"])
            if p_upper is not None and p_lower is not None:
                discrimination = p_upper - p_lower
        row = QuestionRow(
            question_id=values["question_id"],
            code=values["question__code"],
            stem=values["question__stem"],
            drawn=values["drawn"],
            correct=values["right"],
            discrimination=discrimination,
        )
        row.reasons = _reasons(row)
        rows.append(row)
    # Questions to check first; then by code, as the bank lists them.
    rows.sort(key=lambda row: (not row.flagged, row.code, row.question_id))
    return rows


def _reasons(row):
    """Why the question is worth checking, in words (none: it looks fine)."""
    reasons = []
    if row.share_correct < FLAG_SHARE_CORRECT:
        reasons.append(
            _("fewer than %(share)s%% answer it correctly")
            % {"share": FLAG_SHARE_CORRECT}
        )
    d = row.discrimination
    if d is not None and d < 0:
        reasons.append(_("weaker trainees do better on it than stronger ones (D < 0)"))
    elif d is not None and d < FLAG_DISCRIMINATION:
        reasons.append(
            _("it hardly separates stronger from weaker trainees (D < %(d)s)")
            % {"d": FLAG_DISCRIMINATION}
        )
    return reasons


def quiz_statistics(*, quiz, people):
    """The quiz's statistics over the closed attempts of ``people`` (the people the
    requesting user may see: ``people_visible_to``). Two queries."""
    attempts = _attempts(quiz=quiz, people=people)
    by_person = defaultdict(list)
    for attempt in attempts:
        by_person[attempt.person_id].append(attempt)
    standing = {
        person_id: standing_result(person_attempts, quiz.grading)
        for person_id, person_attempts in by_person.items()
    }
    total = Tally()
    for person_id, person_attempts in by_person.items():
        total.add(person_attempts, standing[person_id])
    size = group_size(len(attempts))
    questions = []
    if attempts:
        questions = _questions(quiz=quiz, people=people, attempts=attempts, size=size)
    return QuizStatistics(
        quiz=quiz,
        total=total,
        bands=_bands(standing.values()),
        groups=_groups(by_person, standing),
        questions=questions,
        group_size=size,
    )
