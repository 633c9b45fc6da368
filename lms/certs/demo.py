"""Demo qualifications: the five types of the issue, duty posts, verified 保安员证
for the demo trainees and some guards, and results that make the engine issue
records at once. trainee2 holds 警保联勤上岗资格 already; trainee1 has the patrol
course and drills and only needs to pass the exam (保安员资格模拟考试) to be issued
it automatically. The second station's company (深圳福安保安) has verified 保安员证,
the patrol course, passed exams and its fire drill, so the engine issues its people
records too; each station has a duty-roster API key. Idempotent."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from lms.certs.api_keys import api_key_create
from lms.certs.constants import Category, RequirementKind, Source, Status
from lms.certs.models import Post, QualificationRecord, QualificationType, Requirement
from lms.certs.services.engine import qualifications_issue
from lms.certs.services.issuing import record_suspend
from lms.courses.constants import EnrolmentStatus
from lms.courses.models import Enrolment
from lms.people.constants import CredentialKind
from lms.people.models import ExternalCredential, Organisation, Person
from lms.quizzes.demo import EXAM_TITLE
from lms.quizzes.models import Quiz
from lms.quizzes.services.attempts import attempt_start, attempt_submit

K = RequirementKind
COMPANY = "SEC-ZA"  # 深圳中安保安服务有限公司, in lms.people.demo
COMPANY_2 = "SEC-FA"  # 深圳福安保安服务有限公司, the second station's
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


def _credentials(people, verifier):
    for index, person in enumerate(people):
        ExternalCredential.objects.get_or_create(
            kind=CredentialKind.SECURITY_GUARD_CERTIFICATE,
            number=f"粤深保{20240000 + person.pk:08d}",
            defaults={
                "person": person,
                "issuing_authority": "深圳市公安局",
                "issued_on": timezone.localdate() - timedelta(days=400 + index),
                "verified_at": timezone.now(),
                "verified_by": verifier,
            },
        )


def _complete(person, page, days_ago):
    if page is None:
        return
    Enrolment.objects.update_or_create(
        person=person,
        page=page,
        defaults={
            "status": EnrolmentStatus.COMPLETED,
            "completed_at": timezone.now() - timedelta(days=days_ago),
            "hours_credited": getattr(page.specific, "study_hours", 0) or 0,
        },
    )


def _pass_exam(person, quiz):
    """A real attempt answered from its own key: a full score."""
    if quiz is None or quiz.attempts.filter(person=person, passed=True).exists():
        return
    attempt = attempt_start(quiz=quiz, person=person)
    answers = {
        item.position: item.snapshot["answer"] for item in attempt.questions.all()
    }
    attempt_submit(attempt=attempt, answers=answers)


@transaction.atomic
def seed_qualifications():
    types = _types()
    _posts(types)
    users = get_user_model().objects
    station = users.filter(username="station").first()
    trainees = list(
        Person.objects.filter(user__username__in=["trainee1", "trainee2"]).order_by(
            "user__username"
        )
    )
    guards = list(
        Person.objects.filter(organisation__code=COMPANY, user__isnull=True).order_by(
            "pk"
        )[:8]
    )
    _credentials([*trainees, *guards], station)
    exam = Quiz.objects.filter(title=EXAM_TITLE).first()
    patrol = _course("patrol")
    for person in [*trainees, *guards[:5]]:
        _complete(person, patrol, days_ago=20)
    for person in [*trainees[1:], *guards[:4]]:
        _pass_exam(person, exam)
    _second_station(station, exam, patrol)
    _api_keys()
    report = qualifications_issue()
    # One suspended record, so the roster shows a reason.
    if (
        guards
        and not QualificationRecord.objects.filter(status=Status.SUSPENDED).exists()
    ):
        record = QualificationRecord.objects.filter(
            person=guards[0], qualification_type=types["JB-DUTY"], status=Status.ACTIVE
        ).first()
        if record is not None and station is not None:
            record_suspend(record=record, actor=station, reason="演示：证件待核查")
    return {"types": len(types), "posts": len(POSTS), "issued": len(report.issued)}


def _second_station(verifier, exam, patrol):
    """The second station's trainees and guards: credentials and the patrol course
    for all; the exam (a quarter of a second each) passed by trainee6 and two
    guards, who are then issued 警保联勤上岗资格."""
    people = list(
        Person.objects.filter(organisation__code=COMPANY_2)
        .exclude(user__username="orgadmin2")
        .order_by("pk")
    )
    _credentials(people, verifier)
    for person in people:
        _complete(person, patrol, days_ago=15)
    for person in people[:3]:
        _pass_exam(person, exam)


def _api_keys():
    users = get_user_model().objects
    for code, username in API_KEYS:
        station = Organisation.objects.filter(code=code).first()
        actor = users.filter(username=username).first()
        if station is None or actor is None or station.api_keys.exists():
            continue
        api_key_create(station=station, name=API_KEY_NAME, actor=actor)
