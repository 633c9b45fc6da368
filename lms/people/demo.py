"""Demo people for ``seed_demo``: a Shenzhen police station with its co-governance
points, two security companies, a property firm, a volunteer team and a training
unit, about 60 people with valid synthetic ID numbers, and one login per role.

A second, neighbouring station (福田派出所) has its own security company and
co-governance point, trainees, a station staff login (``station2``) and an
organisation admin (``orgadmin2``), so that every role of each station has
something of the other station it must not see (tests/test_access_matrix.py).
Its people carry compound surnames (欧阳, 司马 ...) that the first station's never
do: a name on a page is then proof of where it came from.

Deterministic (a fixed seed) and idempotent: people are matched by their ID number's
hash, users by username, so running it again changes nothing.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from lms.people import crypto, idnumber
from lms.people.constants import (
    CredentialKind,
    OrganisationKind,
    PersonKind,
    PersonStatus,
    Role,
)
from lms.people.models import ExternalCredential, Organisation, Person, Team, User
from lms.people.services.roles import role_group, roles_ensure

COMPANY = "SEC-ZA"  # 深圳中安保安服务有限公司, the first station's company
COMPANY_2 = "SEC-FA"  # 深圳福安保安服务有限公司, the second station's

DEMO_PASSWORD = "demo1234"  # noqa: S105 - demo data only, listed in the README
STATION = (
    "XMH-PCS",
    "深圳市公安局福田分局香蜜湖派出所",
    OrganisationKind.POLICE_STATION,
    "",
)
ORGANISATIONS = [
    ("XMH-A01", "香蜜湖商圈警保联动点位", OrganisationKind.CO_GOVERNANCE_POINT, "A"),
    (
        "XMH-B01",
        "香蜜湖学校周边警保联动点位",
        OrganisationKind.CO_GOVERNANCE_POINT,
        "B",
    ),
    ("XMH-C01", "农园社区警保民共治工作站", OrganisationKind.CO_GOVERNANCE_POINT, "C"),
    ("XMH-D01", "竹子林小区警保联动点位", OrganisationKind.CO_GOVERNANCE_POINT, "D"),
    ("SEC-ZA", "深圳中安保安服务有限公司", OrganisationKind.SECURITY_COMPANY, ""),
    ("SEC-HW", "深圳华卫押运保安有限公司", OrganisationKind.SECURITY_COMPANY, ""),
    ("PROP-XM", "香蜜物业管理有限公司", OrganisationKind.PROPERTY_FIRM, ""),
    ("VOL-XMH", "香蜜湖义警队", OrganisationKind.VOLUNTEER_TEAM, ""),
    ("TRN-FT", "福田区保安员培训中心", OrganisationKind.TRAINING_UNIT, ""),
]
# The second station, under the same district: what each role of the first station
# must not see.
STATION_2 = (
    "FTJ-PCS",
    "深圳市公安局福田分局福田派出所",
    OrganisationKind.POLICE_STATION,
    "",
)
ORGANISATIONS_2 = [
    ("FTJ-A01", "福田口岸警保联动点位", OrganisationKind.CO_GOVERNANCE_POINT, "A"),
    ("SEC-FA", "深圳福安保安服务有限公司", OrganisationKind.SECURITY_COMPANY, ""),
]
TEAMS = {
    "SEC-ZA": ["一队", "二队", "巡逻队"],
    "SEC-HW": ["押运组", "门卫组"],
    "PROP-XM": ["秩序维护部", "消控室"],
    "VOL-XMH": ["第一分队", "第二分队"],
    "SEC-FA": ["福安一队", "福安二队"],
}
# (organisation, kind, how many) for people without a login.
STAFFING = [
    ("SEC-ZA", PersonKind.GUARD, 18),
    ("SEC-HW", PersonKind.GUARD, 10),
    ("PROP-XM", PersonKind.PROPERTY_SECURITY, 12),
    ("VOL-XMH", PersonKind.VOLUNTEER, 12),
]
STAFFING_2 = [
    ("SEC-FA", PersonKind.GUARD, 8),
    ("FTJ-A01", PersonKind.GUARD, 3),
]
# Compound surnames for the second station only (see the module docstring).
SURNAMES_2 = ("欧阳", "司马", "上官", "诸葛", "东方") + (
    "皇甫",
    "令狐",
    "慕容",
    "夏侯",
    "公孙",
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
    "郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
    "于杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平"
    "刚桂英华建国志红文斌海波宁晨立新春燕德福永"
)

# username, role, organisation, name, phone, kind, superuser
DEMO_USERS = [
    (
        "admin",
        Role.SITE_ADMIN,
        "XMH-PCS",
        "系统管理员",
        "13800000100",
        PersonKind.STAFF,
        True,
    ),
    (
        "instructor",
        Role.INSTRUCTOR,
        "TRN-FT",
        "陈教官",
        "13800000101",
        PersonKind.STAFF,
        False,
    ),
    (
        "manager",
        Role.TRAINING_MANAGER,
        "TRN-FT",
        "赵经理",
        "13800000104",
        PersonKind.STAFF,
        False,
    ),
    (
        "station",
        Role.STATION_STAFF,
        "XMH-PCS",
        "李警官",
        "13800000102",
        PersonKind.STAFF,
        False,
    ),
    (
        "orgadmin",
        Role.ORG_ADMIN,
        "SEC-ZA",
        "周经理",
        "13800000103",
        PersonKind.STAFF,
        False,
    ),
    (
        "trainee1",
        Role.TRAINEE,
        "SEC-ZA",
        "王建国",
        "13800000001",
        PersonKind.GUARD,
        False,
    ),
    (
        "trainee2",
        Role.TRAINEE,
        "SEC-ZA",
        "刘秀兰",
        "13800000002",
        PersonKind.GUARD,
        False,
    ),
    (
        "trainee3",
        Role.TRAINEE,
        "PROP-XM",
        "张德福",
        "13800000003",
        PersonKind.PROPERTY_SECURITY,
        False,
    ),
    (
        "trainee4",
        Role.TRAINEE,
        "VOL-XMH",
        "林志红",
        "13800000004",
        PersonKind.VOLUNTEER,
        False,
    ),
    (
        "trainee5",
        Role.TRAINEE,
        "SEC-HW",
        "黄永明",
        "13800000005",
        PersonKind.GUARD,
        False,
    ),
]
# The second station's logins. Seeded with their own random generator after the
# first station's people, so that the first station's synthetic ID numbers (by
# which people are matched) are those of earlier versions of the demo.
DEMO_USERS_2 = [
    (
        "station2",
        Role.STATION_STAFF,
        "FTJ-PCS",
        "欧阳警官",
        "13800000202",
        PersonKind.STAFF,
        False,
    ),
    (
        "orgadmin2",
        Role.ORG_ADMIN,
        "SEC-FA",
        "司马经理",
        "13800000203",
        PersonKind.STAFF,
        False,
    ),
    (
        "trainee6",
        Role.TRAINEE,
        "SEC-FA",
        "上官志强",
        "13800000006",
        PersonKind.GUARD,
        False,
    ),
    (
        "trainee7",
        Role.TRAINEE,
        "FTJ-A01",
        "诸葛秀英",
        "13800000007",
        PersonKind.GUARD,
        False,
    ),
]
DEMO_LOGINS = [
    ("admin", "系统管理员 site admin (Wagtail admin, everything)"),
    ("instructor", "教官 instructor (Wagtail admin: courses, drills)"),
    ("manager", "培训经理 training manager (approves and publishes courses)"),
    ("station", "派出所民警 station staff (read-only: people under the station)"),
    ("orgadmin", "单位管理员 organisation admin of 深圳中安保安 (import people)"),
    ("trainee1", "学员 trainee (phone: 13800000001); also trainee2 … trainee5"),
    ("station2", "派出所民警 station staff of the second station, 福田派出所"),
    ("orgadmin2", "单位管理员 organisation admin of 深圳福安保安 (second station)"),
    ("trainee6", "学员 trainee of the second station; also trainee7"),
]
FUTIAN = "440304"


def _station(station, organisations, address, by_code):
    station, _ = Organisation.objects.update_or_create(
        code=station[0],
        defaults={"name": station[1], "kind": station[2], "address": address},
    )
    by_code[station.code] = station
    for code, name, kind, category in organisations:
        organisation, _ = Organisation.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "point_category": category,
                "supervising_station": station,
            },
        )
        by_code[code] = organisation


def _organisations():
    by_code = {}
    _station(STATION, ORGANISATIONS, "深圳市福田区香蜜湖街道", by_code)
    _station(STATION_2, ORGANISATIONS_2, "深圳市福田区福田街道", by_code)
    teams = {}
    for code, names in TEAMS.items():
        for name in names:
            team, _ = Team.objects.get_or_create(organisation=by_code[code], name=name)
            teams.setdefault(code, []).append(team)
    return by_code, teams


def _person(
    rng, *, organisation, kind, name, phone, team=None, status=PersonStatus.ACTIVE
):
    birth = datetime.date(1962, 1, 1) + datetime.timedelta(days=rng.randrange(14000))
    number = idnumber.synthetic(rng=rng, birth_date=birth, region=FUTIAN)
    person = Person.objects.filter(id_number_hash=crypto.keyed_hash(number)).first()
    if person is None:
        person = Person(id_number=number)
    person.name = name
    person.phone = phone
    person.organisation = organisation
    person.team = team
    person.kind = kind
    person.status = status
    person.save()
    return person


def _groups_for(role):
    """Staff are trainees too: they study and keep their own qualifications."""
    roles = {role} if role in (Role.TRAINEE, Role.SITE_ADMIN) else {role, Role.TRAINEE}
    return [role_group(r) for r in roles]


def _login(rng, organisations, teams, row):
    username, role, org_code, name, phone, kind, superuser = row
    user, _created = User.objects.get_or_create(username=username)
    user.phone = phone
    user.first_name = name
    user.is_superuser = superuser
    user.is_staff = superuser
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.add(*_groups_for(role))
    team = (teams.get(org_code) or [None])[0] if role == Role.TRAINEE else None
    person = _person(
        rng,
        organisation=organisations[org_code],
        kind=kind,
        name=name,
        phone=phone,
        team=team,
    )
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user", "updated_at"])


@transaction.atomic
def seed_people():
    roles_ensure()
    rng = random.Random(11643)  # noqa: S311 - deterministic demo data
    organisations, teams = _organisations()
    count = 0
    for row in DEMO_USERS:
        _login(rng, organisations, teams, row)
        count += 1
    serial = 0
    for org_code, kind, how_many in STAFFING:
        org_teams = teams.get(org_code, [])
        for index in range(how_many):
            serial += 1
            name = (
                rng.choice(SURNAMES)
                + rng.choice(GIVEN)
                + rng.choice(["", rng.choice(GIVEN)])
            )
            status = PersonStatus.ON_LEAVE if index == 5 else PersonStatus.ACTIVE
            if index == 7:
                status = PersonStatus.LEFT
            _person(
                rng,
                organisation=organisations[org_code],
                kind=kind,
                name=name,
                phone=f"139{serial:08d}",
                team=org_teams[index % len(org_teams)] if org_teams else None,
                status=status,
            )
            count += 1
    return {
        "organisations": len(organisations),
        "people": count + _seed_second_station(organisations, teams, serial),
    }


def _seed_second_station(organisations, teams, serial):
    rng = random.Random(11644)  # noqa: S311 - deterministic demo data
    count = 0
    for row in DEMO_USERS_2:
        _login(rng, organisations, teams, row)
        count += 1
    for org_code, kind, how_many in STAFFING_2:
        org_teams = teams.get(org_code, [])
        for index in range(how_many):
            serial += 1
            _person(
                rng,
                organisation=organisations[org_code],
                kind=kind,
                name=rng.choice(SURNAMES_2) + rng.choice(GIVEN) + rng.choice(GIVEN),
                phone=f"139{serial:08d}",
                team=org_teams[index % len(org_teams)] if org_teams else None,
            )
            count += 1
    return count


def results_cohorts():
    """Who has results in the demo, for seed_demo to hand to the apps' demos: the
    first station's trainees (trainee1, trainee2) and its company's first eight
    guards without a login; the second station's company, its admin aside."""
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
    second = list(
        Person.objects.filter(organisation__code=COMPANY_2)
        .exclude(user__username="orgadmin2")
        .order_by("pk")
    )
    return trainees, guards, second


def credentials_seed(people, *, verifier):
    """A verified 保安员证 for each of ``people``."""
    today = timezone.localdate()
    for index, person in enumerate(people):
        ExternalCredential.objects.get_or_create(
            kind=CredentialKind.SECURITY_GUARD_CERTIFICATE,
            number=f"粤深保{20240000 + person.pk:08d}",
            defaults={
                "person": person,
                "issuing_authority": "深圳市公安局",
                "issued_on": today - datetime.timedelta(days=400 + index),
                "verified_at": timezone.now(),
                "verified_by": verifier,
            },
        )
