"""The rules engine over facts, table-driven: every requirement kind, windows,
grace periods, and all/any groups. Pure functions: no database."""

from datetime import date
from decimal import Decimal

import pytest

from lms.certs.constants import RequirementKind as K
from lms.certs.constants import Status
from lms.certs.rules import (
    Completion,
    Credential,
    DrillResult,
    ExamResult,
    Facts,
    Held,
    Rule,
    evaluate,
)

DAY = date(2026, 6, 30)

FACTS = Facts(
    completions=[
        Completion(page_id=10, on=date(2026, 3, 1), hours=Decimal("8"), id=1),
        Completion(page_id=11, on=date(2025, 1, 10), hours=Decimal("4"), id=2),
        Completion(page_id=12, on=date(2026, 7, 5), hours=Decimal("6"), id=3),  # future
    ],
    exams=[
        ExamResult(
            quiz_id=20, on=date(2026, 5, 1), percent=Decimal("58"), passed=False
        ),
        ExamResult(quiz_id=20, on=date(2026, 5, 8), percent=Decimal("72"), passed=True),
        ExamResult(quiz_id=21, on=date(2025, 6, 1), percent=Decimal("95"), passed=True),
    ],
    drills=[
        DrillResult(drill_type="fire", on=date(2026, 4, 1), passed=False, id=5),
        DrillResult(drill_type="anti_terror", on=date(2025, 12, 20), passed=True, id=6),
    ],
    records=[
        Held(
            type_id=30,
            status=Status.ACTIVE,
            valid_from=date(2026, 1, 1),
            valid_until=date(2026, 12, 31),
            id=7,
        ),
        Held(
            type_id=31,
            status=Status.ACTIVE,
            valid_from=date(2025, 1, 1),
            valid_until=date(2026, 6, 20),
            id=8,
        ),
        Held(
            type_id=32,
            status=Status.REVOKED,
            valid_from=date(2026, 1, 1),
            valid_until=None,
            id=9,
        ),
    ],
    credentials=[
        Credential(
            kind="security_guard_certificate",
            verified=True,
            voided=False,
            expires_on=None,
            id=11,
        ),
        Credential(
            kind="fire_safety_certificate",
            verified=False,
            voided=False,
            expires_on=None,
            id=12,
        ),
        Credential(
            kind="first_aid_certificate",
            verified=True,
            voided=True,
            expires_on=None,
            id=13,
        ),
    ],
)

CASES = [
    # (name, rule, met)
    ("course done", Rule(K.COURSE_COMPLETED, course_id=10), True),
    ("course not done", Rule(K.COURSE_COMPLETED, course_id=99), False),
    ("course done after the day", Rule(K.COURSE_COMPLETED, course_id=12), False),
    (
        "course too long ago",
        Rule(K.COURSE_COMPLETED, course_id=11, within_months=12),
        False,
    ),
    (
        "course within window",
        Rule(K.COURSE_COMPLETED, course_id=11, within_months=18),
        True,
    ),
    (
        "course saved by grace",
        Rule(K.COURSE_COMPLETED, course_id=11, within_months=17, grace_days=20),
        True,
    ),
    (
        "course just past grace",
        Rule(K.COURSE_COMPLETED, course_id=11, within_months=17, grace_days=19),
        False,
    ),
    ("exam passed (own pass mark)", Rule(K.EXAM_PASSED, quiz_id=20), True),
    (
        "exam with a higher bar",
        Rule(K.EXAM_PASSED, quiz_id=20, min_percent=Decimal("80")),
        False,
    ),
    (
        "exam bar met exactly",
        Rule(K.EXAM_PASSED, quiz_id=20, min_percent=Decimal("72")),
        True,
    ),
    ("exam never taken", Rule(K.EXAM_PASSED, quiz_id=22), False),
    ("exam too old", Rule(K.EXAM_PASSED, quiz_id=21, within_months=12), False),
    ("drill attended", Rule(K.DRILL_ATTENDED, drill_type="fire"), True),
    ("drill attended but not passed", Rule(K.DRILL_PASSED, drill_type="fire"), False),
    ("drill passed", Rule(K.DRILL_PASSED, drill_type="anti_terror"), True),
    (
        "drill passed too long ago",
        Rule(K.DRILL_PASSED, drill_type="anti_terror", within_months=6),
        False,
    ),
    (
        "drill in grace",
        Rule(K.DRILL_PASSED, drill_type="anti_terror", within_months=6, grace_days=10),
        True,
    ),
    ("drill of another type", Rule(K.DRILL_ATTENDED, drill_type="first_aid"), False),
    # No drill type: a drill of any type counts ("any drill within 12 months").
    ("any drill attended", Rule(K.DRILL_ATTENDED), True),
    ("any drill passed", Rule(K.DRILL_PASSED), True),
    ("any drill attended lately", Rule(K.DRILL_ATTENDED, within_months=6), True),
    # The fire drill of April was not passed; the anti-terror pass is too old.
    ("any drill passed lately", Rule(K.DRILL_PASSED, within_months=6), False),
    (
        "any drill passed, in grace",
        Rule(K.DRILL_PASSED, within_months=6, grace_days=10),
        True,
    ),
    ("hours, all time", Rule(K.STUDY_HOURS, hours=Decimal("12")), True),
    ("hours, too many", Rule(K.STUDY_HOURS, hours=Decimal("13")), False),
    (
        "hours in the period",
        Rule(K.STUDY_HOURS, hours=Decimal("8"), within_months=12),
        True,
    ),
    (
        "hours in the period, short",
        Rule(K.STUDY_HOURS, hours=Decimal("9"), within_months=12),
        False,
    ),
    ("qualification held", Rule(K.QUALIFICATION_HELD, other_type_id=30), True),
    ("qualification lapsed", Rule(K.QUALIFICATION_HELD, other_type_id=31), False),
    (
        "qualification lapsed, in grace",
        Rule(K.QUALIFICATION_HELD, other_type_id=31, grace_days=10),
        True,
    ),
    (
        "qualification revoked",
        Rule(K.QUALIFICATION_HELD, other_type_id=32, grace_days=999),
        False,
    ),
    (
        "credential verified",
        Rule(K.EXTERNAL_CREDENTIAL, credential_kind="security_guard_certificate"),
        True,
    ),
    (
        "credential not verified",
        Rule(K.EXTERNAL_CREDENTIAL, credential_kind="fire_safety_certificate"),
        False,
    ),
    (
        "credential voided",
        Rule(K.EXTERNAL_CREDENTIAL, credential_kind="first_aid_certificate"),
        False,
    ),
]


@pytest.mark.parametrize(("name", "rule", "met"), CASES, ids=[c[0] for c in CASES])
def test_each_requirement_kind(name, rule, met):
    outcome = evaluate([rule], FACTS, DAY)
    assert outcome.met is met
    assert bool(outcome.evidence) is met
    assert (outcome.missing == [rule]) is not met


YES = Rule(K.COURSE_COMPLETED, course_id=10, id=1)
NO = Rule(K.COURSE_COMPLETED, course_id=99, id=2)


def _grouped(rule, group, any_of):
    return Rule(
        rule.kind,
        group=group,
        any_of_group=any_of,
        course_id=rule.course_id,
        id=rule.id,
    )


GROUPS = [
    ("all of one group, all met", [(YES, 1, False), (YES, 1, False)], True),
    ("all of one group, one missing", [(YES, 1, False), (NO, 1, False)], False),
    ("any of one group, one met", [(NO, 1, True), (YES, 1, True)], True),
    ("any of one group, none met", [(NO, 1, True), (NO, 1, True)], False),
    ("two groups, both met", [(YES, 1, False), (NO, 2, True), (YES, 2, True)], True),
    ("two groups, second not met", [(YES, 1, False), (NO, 2, False)], False),
    ("mixed ticks count as all", [(YES, 1, True), (NO, 1, False)], False),
]


@pytest.mark.parametrize(("name", "rules", "met"), GROUPS, ids=[g[0] for g in GROUPS])
def test_groups(name, rules, met):
    outcome = evaluate([_grouped(*r) for r in rules], FACTS, DAY)
    assert outcome.met is met


def test_no_rules_is_never_met():
    assert evaluate([], FACTS, DAY).met is False


def test_evidence_names_what_met_each_rule():
    outcome = evaluate(
        [
            Rule(K.EXAM_PASSED, quiz_id=20, id=3),
            Rule(K.DRILL_ATTENDED, drill_type="fire", id=4),
        ],
        FACTS,
        DAY,
    )
    assert outcome.evidence == [
        {"rule": 3, "kind": "exam", "attempt": 0, "percent": "72", "on": "2026-05-08"},
        {"rule": 4, "kind": "drill_attended", "attendance": 5, "on": "2026-04-01"},
    ]


def test_an_expired_prerequisite_counts_during_its_grace():
    lapsed = Held(
        type_id=40,
        status=Status.EXPIRED,
        valid_from=date(2025, 1, 1),
        valid_until=date(2026, 6, 20),
    )
    facts = Facts(records=[lapsed])
    rule = Rule(K.QUALIFICATION_HELD, other_type_id=40, grace_days=10)
    assert evaluate([rule], facts, DAY).met
    assert not evaluate([rule], facts, date(2026, 7, 1)).met


def test_fresh_facts_keep_courses_and_drop_older_exams_and_drills():
    fresh = FACTS.fresh_since(date(2026, 4, 1))
    assert fresh.completions == FACTS.completions
    assert [e.on for e in fresh.exams] == [date(2026, 5, 1), date(2026, 5, 8)]
    assert fresh.drills == []  # the fire drill was on the day itself
    assert FACTS.fresh_since(None) is FACTS


def test_any_drill_evidence_is_the_latest_drill_of_whatever_type():
    rule = Rule(K.DRILL_ATTENDED, within_months=12, id=9)
    assert evaluate([rule], FACTS, DAY).evidence == [
        {"rule": 9, "kind": "drill_attended", "attendance": 5, "on": "2026-04-01"}
    ]
    assert not evaluate([rule], Facts(), DAY).met
