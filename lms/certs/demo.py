"""Demo qualifications: the five types of the issue, duty posts, verified 保安员证
for the demo trainees and some guards, and results that make the engine issue
records at once. trainee2 holds 警保联勤上岗资格 already; trainee1 has the patrol
course and drills and only needs to pass the exam (保安员资格模拟考试) to be issued
it automatically. The second station's company (深圳福安保安) has verified 保安员证,
the patrol course, passed exams and its fire drill, so the engine issues its people
records too; each station has a duty-roster API key. Idempotent."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Page

from lms.certs.api_keys import api_key_create
from lms.certs.constants import Category, RequirementKind, Source, Status
from lms.certs.models import Post, QualificationRecord, QualificationType, Requirement
from lms.certs.services.engine import qualifications_issue
from lms.certs.services.issuing import record_suspend
from lms.people.constants import CredentialKind
from lms.people.models import Organisation, Person
from lms.quizzes.demo import EXAM_TITLE
from lms.quizzes.models import Quiz

K = RequirementKind
COMPANY = "SEC-ZA"  # 深圳中安保安服务有限公司, in lms.people.demo
# (station code, the station staff login that makes its key)
API_KEYS = [("XMH-PCS", "station"), ("FTJ-PCS", "station2")]
API_KEY_NAME = "派出所勤务排班系统"

TYPES = [
    # code, name, category, months, source, credential kind
    ("JB-DUTY", "警保联勤上岗资格", Category.DUTY, 12, Source.ISSUED, ""),
    ("FIRE-OK", "消防培训合格", Category.FIRE, 12, Source.ISSUED, ""),
    ("AT-DRILL", "反恐防暴演练合格", Category.ANTI_TERROR, 6, Source.ISSUED, ""),
    ("YJ-BASIC", "义警基础培训合格", Category.VOLUNTEER, None, Source.ISSUED, ""),
    (
        "BAY-ZHENG",
        "保安员证",
        Category.LICENCE,
        None,
        Source.EXTERNAL,
        CredentialKind.SECURITY_GUARD_CERTIFICATE,
    ),
]

POSTS = [
    ("GATE", "门卫", ["BAY-ZHENG"]),
    ("PATROL", "巡逻", ["BAY-ZHENG", "JB-DUTY"]),
    ("GUARD", "守护", ["BAY-ZHENG", "FIRE-OK"]),
    ("ESCORT", "押运", ["BAY-ZHENG", "JB-DUTY", "AT-DRILL"]),
    ("CHECK", "安全检查", ["BAY-ZHENG", "AT-DRILL"]),
    ("ORDER", "秩序维护", ["BAY-ZHENG", "JB-DUTY"]),
    ("YJ-PATROL", "义警巡防", ["YJ-BASIC"]),
]


def _course(slug):
    return Page.objects.filter(slug=slug, depth__gte=4).first()


def _rules(types):
    patrol, fire, aid = _course("patrol"), _course("fire-safety"), _course("first-aid")
    exam = Quiz.objects.filter(title=EXAM_TITLE).first()
    return {
        "JB-DUTY": [
            (1, False, {"kind": K.COURSE_COMPLETED, "course": patrol}),
            (1, False, {"kind": K.EXAM_PASSED, "quiz": exam}),
            # Any drill of these types within the last 12 months (30 days' grace).
            *[
                (
                    2,
                    True,
                    {
                        "kind": K.DRILL_ATTENDED,
                        "drill_type": t,
                        "within_months": 12,
                        "grace_days": 30,
                    },
                )
                for t in ("patrol", "fire", "combined")
            ],
        ],
        "FIRE-OK": [
            (1, False, {"kind": K.COURSE_COMPLETED, "course": fire}),
            (
                1,
                False,
                {"kind": K.DRILL_PASSED, "drill_type": "fire", "within_months": 12},
            ),
        ],
        "AT-DRILL": [
            (
                1,
                False,
                {
                    "kind": K.DRILL_PASSED,
                    "drill_type": "anti_terror",
                    "within_months": 6,
                },
            ),
        ],
        "YJ-BASIC": [
            (1, False, {"kind": K.COURSE_COMPLETED, "course": aid}),
            (1, False, {"kind": K.STUDY_HOURS, "hours": Decimal(4)}),
        ],
    }


def _types():
    types = {}
    for order, (code, name, category, months, source, kind) in enumerate(TYPES):
        types[code], _ = QualificationType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "validity_months": months,
                "source": source,
                "credential_kind": kind,
                "sort_order": order,
            },
        )
    for code, rules in _rules(types).items():
        qtype = types[code]
        if qtype.requirements.exists():
            continue
        for order, (group, any_of, fields) in enumerate(rules):
            if any(v is None for v in fields.values()):
                continue  # a course or the exam missing from this demo
            Requirement.objects.create(
                qualification_type=qtype,
                group=group,
                any_of_group=any_of,
                sort_order=order,
                **fields,
            )
    return types


def _posts(types):
    for order, (code, name, required) in enumerate(POSTS):
        post, _ = Post.objects.update_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
        post.required_types.set([types[c] for c in required])
        post.save()  # a ParentalManyToManyField is written by save()


@transaction.atomic
def seed_qualifications():
    """Types, rules, posts and API keys, then the engine over the results the other
    apps' demos recorded (seed_demo runs them first)."""
    types = _types()
    _posts(types)
    _api_keys()
    report = qualifications_issue()
    # One suspended record, so the roster shows a reason.
    station = get_user_model().objects.filter(username="station").first()
    guard = (
        Person.objects.filter(organisation__code=COMPANY, user__isnull=True)
        .order_by("pk")
        .first()
    )
    if (
        guard is not None
        and station is not None
        and not QualificationRecord.objects.filter(status=Status.SUSPENDED).exists()
    ):
        record = QualificationRecord.objects.filter(
            person=guard, qualification_type=types["JB-DUTY"], status=Status.ACTIVE
        ).first()
        if record is not None:
            record_suspend(record=record, actor=station, reason="演示：证件待核查")
    return {"types": len(types), "posts": len(POSTS), "issued": len(report.issued)}


def _api_keys():
    users = get_user_model().objects
    for code, username in API_KEYS:
        station = Organisation.objects.filter(code=code).first()
        actor = users.filter(username=username).first()
        if station is None or actor is None or station.api_keys.exists():
            continue
        api_key_create(station=station, name=API_KEY_NAME, actor=actor)
