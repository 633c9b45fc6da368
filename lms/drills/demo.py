"""Demo drills for ``seed_demo``: the fire and first-aid skill checklists, two past
drills of 深圳中安保安 with their attendance (present, late, absent, one flagged
walk-in) and skill results, and one drill starting in ten minutes, led by the demo
``instructor``, whose check-in is open at once. Idempotent: drills are found by
title; the upcoming one is moved to "in ten minutes" again while nobody has
checked in to it.

The second station's company (深圳福安保安) has one past fire drill with its own
attendance and skill results: what the first station's roles must not see."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lms.drills import services
from lms.drills.constants import CheckinMethod, DrillType
from lms.drills.models import Drill, SkillItem
from lms.people.models import Organisation, Person, User

COMPANY = "SEC-ZA"  # 深圳中安保安服务有限公司, in lms.people.demo
WALK_IN_FROM = "PROP-XM"
SKILLS = {
    DrillType.FIRE: ["检查压力表", "拔掉保险销", "对准火焰根部", "左右扫射"],
    DrillType.FIRST_AID: ["判断意识", "胸外按压", "人工呼吸", "使用AED"],
}
PLACE = ("香蜜湖消防站训练场", Decimal("22.543100"), Decimal("114.020600"))
PAST = [
    # title, type, days ago, practical hours
    ("中安保安灭火器实操演练", DrillType.FIRE, 14, Decimal(2)),
    ("中安保安急救技能演练", DrillType.FIRST_AID, 7, Decimal("1.5")),
]
UPCOMING_TITLE = "中安保安消防疏散演练"
# The second station (lms.people.demo.STATION_2): company, walk-in from, drill.
COMPANY_2 = "SEC-FA"
WALK_IN_FROM_2 = "FTJ-A01"
PAST_2 = ("福安保安灭火器实操演练", DrillType.FIRE, 10, Decimal(2))


def _skills():
    items = {}
    for drill_type, titles in SKILLS.items():
        items[drill_type] = [
            SkillItem.objects.get_or_create(
                drill_type=drill_type, title=title, defaults={"sort_order": order}
            )[0]
            for order, title in enumerate(titles)
        ]
    return items


def _drill(title, drill_type, starts_at, hours, company, instructor):
    drill = Drill.objects.filter(title=title).first()
    if drill is not None:
        return drill, False
    drill = Drill.objects.create(
        title=title,
        drill_type=drill_type,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        location_name=PLACE[0],
        latitude=PLACE[1],
        longitude=PLACE[2],
        practical_hours=hours,
        counts_toward="security_guard_certificate",
    )
    drill.organisations.add(company)
    drill.instructors.add(instructor)
    return drill, True


def _attendance(drill, people, walk_in, instructor, items):
    """The first people present (a few by badge), two late, one flagged walk-in,
    everyone else absent when check-in closes; skill results for those present,
    one of whom fails a required skill."""
    present, late = people[:10], people[10:12]
    for index, person in enumerate(present):
        services.attendance_record(
            drill=drill,
            person=person,
            method=CheckinMethod.BADGE if index % 4 == 3 else CheckinMethod.QR,
            scanned_at=drill.starts_at - timedelta(minutes=10 - index % 8),
            recorded_by=instructor if index % 4 == 3 else None,
        )
    for person in late:
        services.attendance_record(
            drill=drill,
            person=person,
            method=CheckinMethod.QR,
            scanned_at=drill.late_at + timedelta(minutes=5),
        )
    services.attendance_record(
        drill=drill,
        person=walk_in,
        method=CheckinMethod.QR,
        scanned_at=drill.starts_at - timedelta(minutes=2),
    )
    services.drill_close(drill=drill, actor=instructor, at=drill.ends_at)
    for index, attendance in enumerate(
        drill.attendances.filter(person__in=present + late).order_by("pk")
    ):
        for number, item in enumerate(items):
            services.skill_result_record(
                attendance=attendance,
                item=item,
                passed=not (index == 4 and number == 2),
                actor=instructor,
            )


@transaction.atomic
def seed_drills():
    items = _skills()
    company = Organisation.objects.get(code=COMPANY)
    instructor = User.objects.get(username="instructor")
    people = list(
        Person.objects.filter(organisation=company, user__isnull=True).order_by("pk")
    )
    # The demo trainees first, so that trainee1's home shows hours at once.
    people = [
        *Person.objects.filter(user__username__in=["trainee1", "trainee2"]).order_by(
            "user__username"
        ),
        *people,
    ]
    walk_in = (
        Person.objects.filter(organisation__code=WALK_IN_FROM).order_by("pk").first()
    )
    now = timezone.now().replace(second=0, microsecond=0)
    drills = 0
    for title, drill_type, days, hours in PAST:
        starts = timezone.localtime(now - timedelta(days=days)).replace(
            hour=9, minute=0
        )
        drill, created = _drill(title, drill_type, starts, hours, company, instructor)
        if created:
            _attendance(drill, people, walk_in, instructor, items[drill_type])
        drills += 1
    drills += _seed_second_station(now, instructor, items)
    upcoming, created = _drill(
        UPCOMING_TITLE,
        DrillType.FIRE,
        now + timedelta(minutes=10),
        Decimal(2),
        company,
        instructor,
    )
    if not created and upcoming.closed_at is None and not upcoming.attendances.exists():
        upcoming.starts_at = now + timedelta(minutes=10)
        upcoming.ends_at = upcoming.starts_at + timedelta(hours=2)
        upcoming.save(update_fields=["starts_at", "ends_at"])
    return {"drills": drills + 1, "skills": sum(len(v) for v in items.values())}


def _seed_second_station(now, instructor, items):
    company = Organisation.objects.get(code=COMPANY_2)
    people = list(
        Person.objects.filter(organisation=company)
        .exclude(user__username="orgadmin2")
        .order_by("pk")
    )
    walk_in = (
        Person.objects.filter(organisation__code=WALK_IN_FROM_2).order_by("pk").first()
    )
    title, drill_type, days, hours = PAST_2
    starts = timezone.localtime(now - timedelta(days=days)).replace(hour=9, minute=0)
    drill, created = _drill(title, drill_type, starts, hours, company, instructor)
    if created:
        _attendance(drill, people, walk_in, instructor, items[drill_type])
    return 1
