"""A station with two points (one short, one covered), a second station with its
own point, and the posts of the roster: GATE needs DUTY, PATROL needs DUTY and
FIRE; ``counting``, what the board's reads counted (lms/points/count_cache.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lms.certs.api_keys import api_key_create
from lms.points import count_cache
from tests.factories import (
    PersonFactory,
    PointAssignmentFactory,
    PointFactory,
    PointNeedFactory,
    PointSiteFactory,
    PostFactory,
    QualificationRecordFactory,
    QualificationTypeFactory,
)


def make_post(**kwargs):
    post = PostFactory(**kwargs)
    post.save()  # persists the ParentalManyToManyField
    return post


@pytest.fixture
def points_world(world):
    w = world
    w.today = timezone.localdate()
    w.duty = QualificationTypeFactory(code="DUTY", name="上岗")
    w.fire = QualificationTypeFactory(code="FIRE", name="消防", validity_months=None)
    w.gate = make_post(code="GATE", name="门卫", required_types=[w.duty], sort_order=1)
    w.patrol = make_post(
        code="PATROL", name="巡逻", required_types=[w.duty, w.fire], sort_order=2
    )
    # w.point (category B, from ``world``) near 香蜜湖; a second point (A) 2 km east.
    PointSiteFactory(point=w.point, latitude="22.545000", longitude="114.030000")
    w.point_a = PointFactory(
        code="PT-A2",
        name="甲商场点位",
        point_category="A",
        supervising_station=w.station,
    )
    PointSiteFactory(point=w.point_a, latitude="22.545000", longitude="114.050000")
    w.other_point = PointFactory(
        code="PT-B", name="乙口岸点位", supervising_station=w.other_station
    )
    PointSiteFactory(point=w.other_point, latitude="22.545100", longitude="114.030100")
    PointNeedFactory(category="B", post=w.gate, guards=2)
    PointNeedFactory(category="A", post=w.gate, guards=1)
    PointNeedFactory(category="A", post=w.patrol, guards=1)
    # At PT-A (B): the trainee deployable at the gate, the colleague without any
    # qualification: 1 of 2, short by one.
    QualificationRecordFactory(person=w.trainee, qualification_type=w.duty)
    PointAssignmentFactory(person=w.trainee, point=w.point, post=w.gate)
    PointAssignmentFactory(person=w.colleague, point=w.point, post=w.gate)
    # At PT-A2 (A): a guard deployable at the gate and on patrol, whose duty
    # qualification ends in 20 days: covered, but lapsing within 30.
    w.guard = PersonFactory(organisation=w.company, name="丙保安")
    QualificationRecordFactory(
        person=w.guard,
        qualification_type=w.duty,
        valid_until=w.today + timedelta(days=20),
    )
    QualificationRecordFactory(person=w.guard, qualification_type=w.fire)
    PointAssignmentFactory(person=w.guard, point=w.point_a, post=w.gate)
    PointAssignmentFactory(person=w.guard, point=w.point_a, post=w.patrol)
    # The second station's point: its own guard, deployable.
    QualificationRecordFactory(person=w.outsider, qualification_type=w.duty)
    PointAssignmentFactory(person=w.outsider, point=w.other_point, post=w.gate)
    w.key, w.plaintext = api_key_create(
        station=w.station, name="勤务系统", actor=w.station_staff.user
    )
    return w


class Counting(list):
    """What each board read counted: "all", or the set of point pks recounted.
    ``fresh``: count everything, the kept counts neither read nor written."""

    fresh = False


@pytest.fixture
def counting(monkeypatch):
    calls = Counting()
    real = count_cache.counted

    def spy(scope, day, count_all, count_points, changed_between):
        if calls.fresh:
            return count_all()

        def everything():
            calls.append("all")
            return count_all()

        def some(pks):
            calls.append(set(pks))
            return count_points(pks)

        return real(scope, day, everything, some, changed_between)

    monkeypatch.setattr(count_cache, "counted", spy)
    return calls
