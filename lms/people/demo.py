"""Demo people for ``seed_demo``: a Shenzhen police station with its co-governance
points, two security companies, a property firm, a volunteer team and a training
unit, about 60 people with valid synthetic ID numbers, and one login per role.

Deterministic (a fixed seed) and idempotent: people are matched by their ID number's
hash, users by username, so running it again changes nothing.
"""

import datetime
import random

from django.db import transaction

from lms.people import crypto, idnumber
from lms.people.constants import OrganisationKind, PersonKind, PersonStatus, Role
from lms.people.models import Organisation, Person, Team, User
from lms.people.services.roles import role_group, roles_ensure

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
TEAMS = {
    "SEC-ZA": ["一队", "二队", "巡逻队"],
    "SEC-HW": ["押运组", "门卫组"],
    "PROP-XM": ["秩序维护部", "消控室"],
    "VOL-XMH": ["第一分队", "第二分队"],
}
# (organisation, kind, how many) for people without a login.
STAFFING = [
    ("SEC-ZA", PersonKind.GUARD, 18),
    ("SEC-HW", PersonKind.GUARD, 10),
    ("PROP-XM", PersonKind.PROPERTY_SECURITY, 12),
    ("VOL-XMH", PersonKind.VOLUNTEER, 12),
]
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
DEMO_LOGINS = [
    ("admin", "系统管理员 site admin (Wagtail admin, everything)"),
    ("instructor", "教官 instructor (Wagtail admin: courses, drills)"),
    ("manager", "培训经理 training manager (approves and publishes courses)"),
    ("station", "派出所民警 station staff (read-only: people under the station)"),
    ("orgadmin", "单位管理员 organisation admin of 深圳中安保安 (import people)"),
    ("trainee1", "学员 trainee (phone: 13800000001); also trainee2 … trainee5"),
]
FUTIAN = "440304"


def _organisations():
    station, _ = Organisation.objects.update_or_create(
        code=STATION[0],
        defaults={
            "name": STATION[1],
            "kind": STATION[2],
            "address": "深圳市福田区香蜜湖街道",
        },
    )
    by_code = {station.code: station}
    for code, name, kind, category in ORGANISATIONS:
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


@transaction.atomic
def seed_people():
    roles_ensure()
    rng = random.Random(11643)  # noqa: S311 - deterministic demo data
    organisations, teams = _organisations()
    count = 0
    for username, role, org_code, name, phone, kind, superuser in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username)
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
    return {"organisations": len(organisations), "people": count}
