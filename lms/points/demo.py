"""Demo points for ``seed_demo``: the demo station (香蜜湖派出所) gets 22
co-governance points in categories A–D, as the 花园 article in the seeds describes
("按ABCD四大类下设22个共治站，涵盖医院、学校、大型商场、公共娱乐等人员密集场所、居民
小区、企业"), placed around 香蜜湖 (WGS-84), with needs per category and the demo
guards assigned, those holding the right qualifications first, so that the quieter
points are covered and the busiest ones are short. The second station's one point
gets its own guards: what the first station must never see.

Runs after ``seed_qualifications`` (who is deployable decides who goes where).
Deterministic and idempotent: points by code, assignments by their natural key.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lms.certs.models import Post
from lms.certs.roster import deployable_q, load_posts
from lms.people.constants import OrganisationKind
from lms.people.models import Organisation, Person
from lms.points.models import PointAssignment, PointNeed, PointSite

STATION = "XMH-PCS"
STATION_2 = "FTJ-PCS"
# code, name, category, latitude, longitude (around 香蜜湖, WGS-84).
POINTS = [
    ("XMH-A01", "香蜜湖商圈警保联动点位", "A", "22.54520", "114.02650"),
    ("XMH-A02", "香蜜湖购物中心点位", "A", "22.54190", "114.03120"),
    ("XMH-A03", "农园路综合医院点位", "A", "22.54860", "114.02210"),
    ("XMH-A04", "香蜜湖文体中心点位", "A", "22.54010", "114.02480"),
    ("XMH-A05", "车公庙地铁站点位", "A", "22.53540", "114.02730"),
    ("XMH-B01", "香蜜湖学校周边警保联动点位", "B", "22.55060", "114.02900"),
    ("XMH-B02", "香蜜湖第一小学点位", "B", "22.55210", "114.03350"),
    ("XMH-B03", "农园中学点位", "B", "22.54680", "114.01980"),
    ("XMH-B04", "竹林幼儿园点位", "B", "22.53850", "114.03560"),
    ("XMH-B05", "香梅实验学校点位", "B", "22.55430", "114.02530"),
    ("XMH-C01", "农园社区警保民共治工作站", "C", "22.54700", "114.02400"),
    ("XMH-C02", "香蜜新村小区点位", "C", "22.54400", "114.03700"),
    ("XMH-C03", "香梅花园小区点位", "C", "22.55620", "114.03010"),
    ("XMH-C04", "农科中心小区点位", "C", "22.54290", "114.01820"),
    ("XMH-C05", "侨香村小区点位", "C", "22.55890", "114.02120"),
    ("XMH-C06", "香蜜三村小区点位", "C", "22.53960", "114.03980"),
    ("XMH-C07", "东海花园小区点位", "C", "22.53670", "114.02140"),
    ("XMH-D01", "竹子林小区警保联动点位", "D", "22.53480", "114.03310"),
    ("XMH-D02", "车公庙工业区点位", "D", "22.53290", "114.02420"),
    ("XMH-D03", "香蜜湖写字楼群点位", "D", "22.54950", "114.03820"),
    ("XMH-D04", "农园物流园点位", "D", "22.55150", "114.01760"),
    ("XMH-D05", "泰然科技园点位", "D", "22.53150", "114.03050"),
]
POINTS_2 = [("FTJ-A01", "22.51950", "114.06150")]
# Deployable guards needed per category and post code.
NEEDS = {
    "A": {"GATE": 2, "PATROL": 2, "CHECK": 1},
    "B": {"GATE": 2, "PATROL": 1},
    "C": {"GATE": 1, "PATROL": 1},
    "D": {"GATE": 1},
}
# Filled first: the quieter points get the qualified guards, the busy ones wait.
FILL_ORDER = "DCBA"
ASSIGNED_FROM_DAYS_AGO = 30


@transaction.atomic
def seed_points():
    station = Organisation.objects.filter(code=STATION).first()
    if station is None:
        return {"points": 0, "assignments": 0}
    points = _points(station)
    _needs()
    day = timezone.localdate()
    start = day - datetime.timedelta(days=ASSIGNED_FROM_DAYS_AGO)
    guards = _guards_by_readiness(
        Person.objects.filter(
            organisation__supervising_station=station,
            user__isnull=True,
        ).exclude(organisation__kind=OrganisationKind.CO_GOVERNANCE_POINT),
        day,
    )
    made = _assign(points, guards, start)
    station_2 = Organisation.objects.filter(code=STATION_2).first()
    if station_2 is not None:
        for code, lat, lon in POINTS_2:
            point = Organisation.objects.filter(code=code).first()
            if point is None:
                continue
            _site(point, lat, lon)
            people = Person.objects.filter(organisation__supervising_station=station_2)
            made += _assign([point], list(people.order_by("pk")[:4]), start)
    return {"points": len(points), "assignments": made}


def _points(station):
    points = []
    for code, name, category, lat, lon in POINTS:
        point, _created = Organisation.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": OrganisationKind.CO_GOVERNANCE_POINT,
                "point_category": category,
                "supervising_station": station,
            },
        )
        _site(point, lat, lon)
        points.append(point)
    return points


def _site(point, lat, lon):
    PointSite.objects.update_or_create(
        point=point, defaults={"latitude": Decimal(lat), "longitude": Decimal(lon)}
    )


def _needs():
    posts = {post.code: post for post in Post.objects.all()}
    for category, by_post in NEEDS.items():
        for code, guards in by_post.items():
            if code in posts:
                PointNeed.objects.update_or_create(
                    category=category,
                    point=None,
                    post=posts[code],
                    defaults={"guards": guards},
                )


def _guards_by_readiness(people, day):
    """The people, those deployable for more posts first (then by pk)."""
    posts, _types = load_posts()
    ready = {}
    for post in posts:
        for pk in people.filter(deployable_q(post, day)).values_list("pk", flat=True):
            ready[pk] = ready.get(pk, 0) + 1
    return sorted(people, key=lambda p: (-ready.get(p.pk, 0), p.pk))


def _assign(points, guards, start):
    posts = {post.code: post for post in Post.objects.all()}
    order = sorted(points, key=lambda p: (FILL_ORDER.index(p.point_category), p.code))
    made, pool = 0, list(guards)
    for point in order:
        for code, guards_needed in NEEDS.get(point.point_category, {}).items():
            post = posts.get(code)
            if post is None:
                continue
            for _n in range(guards_needed):
                if not pool:
                    return made
                _assignment, created = PointAssignment.objects.get_or_create(
                    person=pool.pop(0), point=point, post=post, valid_from=start
                )
                made += created
    return made
