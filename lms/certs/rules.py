"""The rules engine, as pure functions over a person's *facts* (facts.py loads them
in bulk): whether a qualification type's requirement groups are met on a day, with
the evidence that met them and what is still missing. No database access here, so
every requirement kind is tested table-driven without fixtures."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from lms.certs.constants import RequirementKind, Status


@dataclass(frozen=True)
class Completion:
    page_id: int
    on: date
    hours: Decimal = Decimal(0)
    id: int = 0


@dataclass(frozen=True)
class ExamResult:
    quiz_id: int
    on: date
    percent: Decimal
    passed: bool
    id: int = 0


@dataclass(frozen=True)
class DrillResult:
    drill_type: str
    on: date
    passed: bool
    id: int = 0


@dataclass(frozen=True)
class Held:
    type_id: int
    status: str
    valid_from: date
    valid_until: date | None
    id: int = 0
    changed_on: date | None = None  # when its status last changed (a revocation)


@dataclass(frozen=True)
class Credential:
    kind: str
    verified: bool
    voided: bool
    expires_on: date | None
    id: int = 0


@dataclass
class Facts:
    completions: list = field(default_factory=list)
    exams: list = field(default_factory=list)
    drills: list = field(default_factory=list)
    records: list = field(default_factory=list)
    credentials: list = field(default_factory=list)

    def fresh_since(self, day):
        """These facts with only exams and drills after ``day``: a renewal, or an
        issue after a revocation, needs a new exam and new drills (a course is done
        once, so completions and their hours carry over)."""
        if day is None:
            return self
        return Facts(
            completions=self.completions,
            exams=[e for e in self.exams if e.on > day],
            drills=[d for d in self.drills if d.on > day],
            records=self.records,
            credentials=self.credentials,
        )


@dataclass(frozen=True)
class Rule:
    """The fields of a Requirement the engine reads (see models.Requirement)."""

    kind: str
    group: int = 1
    any_of_group: bool = False
    course_id: int | None = None
    quiz_id: int | None = None
    min_percent: Decimal | None = None
    drill_type: str = ""  # empty: a drill of any type
    hours: Decimal | None = None
    within_months: int | None = None
    other_type_id: int | None = None
    credential_kind: str = ""
    grace_days: int = 0
    id: int = 0

    @classmethod
    def of(cls, requirement):
        return cls(
            kind=requirement.kind,
            group=requirement.group,
            any_of_group=requirement.any_of_group,
            course_id=requirement.course_id,
            quiz_id=requirement.quiz_id,
            min_percent=requirement.min_percent,
            drill_type=requirement.drill_type,
            hours=requirement.hours,
            within_months=requirement.within_months,
            other_type_id=requirement.other_type_id,
            credential_kind=requirement.credential_kind,
            grace_days=requirement.grace_days,
            id=requirement.pk or 0,
        )


def add_months(day, months):
    return day + relativedelta(months=months)


def _since(rule, day):
    """The earliest date that still counts, or None for any time."""
    if rule.within_months is None:
        return None
    return add_months(day, -rule.within_months) - timedelta(days=rule.grace_days)


def _recent(items, rule, day):
    since = _since(rule, day)
    return [i for i in items if i.on <= day and (since is None or i.on >= since)]


def _latest(items):
    return max(items, key=lambda i: (i.on, i.id)) if items else None


def _course(rule, facts, day):
    done = _latest(
        _recent(
            [c for c in facts.completions if c.page_id == rule.course_id], rule, day
        )
    )
    return done and {"completion": done.id, "on": done.on.isoformat()}


def _exam(rule, facts, day):
    def good(e):
        if rule.min_percent is None:
            return e.passed
        return e.percent >= rule.min_percent

    tries = _recent([e for e in facts.exams if e.quiz_id == rule.quiz_id], rule, day)
    best = max(
        (e for e in tries if good(e)), key=lambda e: (e.percent, e.on), default=None
    )
    return best and {
        "attempt": best.id,
        "percent": str(best.percent),
        "on": best.on.isoformat(),
    }


def _drill(rule, facts, day, *, must_pass):
    found = _latest(
        _recent(
            [
                d
                for d in facts.drills
                if (not rule.drill_type or d.drill_type == rule.drill_type)
                and (d.passed or not must_pass)
            ],
            rule,
            day,
        )
    )
    return found and {"attendance": found.id, "on": found.on.isoformat()}


def _hours(rule, facts, day):
    counted = _recent(facts.completions, rule, day)
    total = sum((c.hours for c in counted), Decimal(0))
    if total < rule.hours:
        return None
    return {"hours": str(total), "completions": sorted(c.id for c in counted)}


def _held(rule, facts, day):
    grace = timedelta(days=rule.grace_days)
    for held in facts.records:
        if (
            held.type_id == rule.other_type_id
            # Expired by the nightly run but still inside the grace period.
            and held.status in (Status.ACTIVE, Status.EXPIRED)
            and held.valid_from <= day
            and (held.valid_until is None or day <= held.valid_until + grace)
        ):
            return {"record": held.id}
    return None


def _credential(rule, facts, day):
    grace = timedelta(days=rule.grace_days)
    for cred in facts.credentials:
        if (
            cred.kind == rule.credential_kind
            and cred.verified
            and not cred.voided
            and (cred.expires_on is None or day <= cred.expires_on + grace)
        ):
            return {"credential": cred.id}
    return None


CHECKS = {
    RequirementKind.COURSE_COMPLETED: _course,
    RequirementKind.EXAM_PASSED: _exam,
    RequirementKind.DRILL_ATTENDED: lambda r, f, d: _drill(r, f, d, must_pass=False),
    RequirementKind.DRILL_PASSED: lambda r, f, d: _drill(r, f, d, must_pass=True),
    RequirementKind.STUDY_HOURS: _hours,
    RequirementKind.QUALIFICATION_HELD: _held,
    RequirementKind.EXTERNAL_CREDENTIAL: _credential,
}


def check(rule, facts, day):
    """The evidence that meets one rule on ``day``, or None."""
    found = CHECKS[rule.kind](rule, facts, day)
    return {"rule": rule.id, "kind": str(rule.kind), **found} if found else None


@dataclass
class Outcome:
    met: bool
    evidence: list
    missing: list  # the rules of the groups not met


def evaluate(rules, facts, day):
    """Every group met (all of it, or any one where it says so). No rules: never
    met, so an empty type is not issued to everyone."""
    if not rules:
        return Outcome(False, [], [])
    groups = {}
    for rule in rules:
        groups.setdefault(rule.group, []).append(rule)
    evidence, missing = [], []
    for number in sorted(groups):
        members = groups[number]
        found = [(rule, check(rule, facts, day)) for rule in members]
        hits = [e for _rule, e in found if e]
        any_of = all(rule.any_of_group for rule in members)
        if (any_of and hits) or (not any_of and len(hits) == len(members)):
            evidence.extend(hits[:1] if any_of else hits)
        else:
            missing.extend(rule for rule, e in found if not e)
    return Outcome(not missing, evidence, missing)
