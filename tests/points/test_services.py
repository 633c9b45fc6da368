"""Setting where points are and what they need (lms/points/services.py): who may,
what is refused and leaves nothing behind, and what the audit log keeps."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from lms.people.constants import Role
from lms.people.models import Person
from lms.points import scope, services
from lms.points.constants import MAX_GUARDS, AuditAction
from lms.points.models import PointNeed, PointSite
from lms.points.selectors import point_board
from tests.factories import PointFactory, person_with_role


def entries(action, obj):
    return list(
        ModelLogEntry.objects.filter(action=action, object_id=str(obj.pk)).order_by(
            "pk"
        )
    )


def own_need(point, post):
    need = PointNeed.objects.filter(point=point, post=post).first()
    return need.guards if need else None


@pytest.fixture
def other_staff(points_world):
    return person_with_role(
        Role.STATION_STAFF, organisation=points_world.other_station, username="ss2"
    )


@pytest.mark.django_db
def test_who_may_define_which_points(points_world, other_staff):
    w = points_world
    definable = {
        "station staff": w.station_staff.user,
        "other station staff": other_staff.user,
        "site admin": w.site_admin.user,
        "organisation admin": w.org_admin.user,
        "instructor": w.instructor.user,
        "trainee": w.trainee.user,
    }
    codes = {
        who: set(scope.points_definable_by(user).values_list("code", flat=True))
        for who, user in definable.items()
    }
    assert codes == {
        "station staff": {"PT-A", "PT-A2"},
        "other station staff": {"PT-B"},
        "site admin": {"PT-A", "PT-A2", "PT-B"},
        "organisation admin": set(),
        "instructor": set(),
        "trainee": set(),
    }
    assert [who for who, u in definable.items() if scope.may_define_points(u)] == [
        "station staff",
        "other station staff",
        "site admin",
    ]
    assert [who for who, u in definable.items() if scope.may_define_categories(u)] == [
        "site admin"
    ]


@pytest.mark.django_db
def test_station_staff_set_their_points_need_and_the_log_keeps_both_figures(
    points_world,
):
    w = points_world
    actor = w.station_staff.user
    services.need_set(post=w.gate, guards=3, point=w.point, actor=actor)
    services.need_set(post=w.gate, guards=3, point=w.point, actor=actor)  # again
    services.need_set(post=w.gate, guards=1, point=w.point, actor=actor)
    assert own_need(w.point, w.gate) == 1
    logged = entries(AuditAction.NEED_SET, w.point)
    assert [e.data for e in logged] == [
        {"category": "", "post": "GATE", "guards": 3, "before": None},
        {"category": "", "post": "GATE", "guards": 1, "before": 3},
    ]
    assert all(e.user_id == actor.pk for e in logged)


@pytest.mark.django_db
def test_a_removed_need_follows_the_category_again(points_world):
    w = points_world
    actor = w.station_staff.user
    services.need_set(post=w.gate, guards=5, point=w.point, actor=actor)
    assert services.need_remove(post=w.gate, point=w.point, actor=actor) is True
    assert services.need_remove(post=w.gate, point=w.point, actor=actor) is False
    assert own_need(w.point, w.gate) is None
    [removed] = entries(AuditAction.NEED_REMOVE, w.point)
    assert removed.data == {"category": "", "post": "GATE", "guards": None, "before": 5}
    board = point_board(
        scope.all_points().filter(pk=w.point.pk), Person.objects.all(), day=w.today
    )
    assert {c.post.code: c.need for c in board.points[0].posts}["GATE"] == 2  # B


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who", ["other_staff", "org_admin", "instructor", "trainee", "point_guard"]
)
def test_nobody_else_sets_a_points_need_or_moves_it(points_world, other_staff, who):
    w = points_world
    user = other_staff.user if who == "other_staff" else getattr(w, who).user
    with pytest.raises(PermissionDenied):
        services.need_set(post=w.gate, guards=3, point=w.point, actor=user)
    with pytest.raises(PermissionDenied):
        services.need_remove(post=w.gate, category="B", actor=user)
    with pytest.raises(PermissionDenied):
        services.site_set(point=w.point, latitude=1, longitude=1, actor=user)
    with pytest.raises(PermissionDenied):
        services.point_define(point=w.point, needs={w.gate: 1}, actor=user)
    assert own_need(w.point, w.gate) is None
    assert not ModelLogEntry.objects.filter(
        action__startswith="shouwang.points"
    ).exists()


@pytest.mark.django_db
def test_only_site_admins_set_a_categorys_need(points_world):
    w = points_world
    with pytest.raises(PermissionDenied):
        services.need_set(
            post=w.gate, guards=9, category="B", actor=w.station_staff.user
        )
    with pytest.raises(PermissionDenied):
        services.category_needs_define(
            needs={("B", w.gate): 9}, actor=w.station_staff.user
        )
    changed = services.category_needs_define(
        needs={("B", w.gate): 4, ("A", w.gate): None, ("C", w.patrol): 0},
        actor=w.site_admin.user,
    )
    assert changed == 3
    figures = {
        (n.category, n.post.code): n.guards
        for n in PointNeed.objects.filter(point=None).select_related("post")
    }
    assert figures == {("B", "GATE"): 4, ("A", "PATROL"): 1, ("C", "PATROL"): 0}
    logged = entries(AuditAction.NEED_SET, w.gate)
    assert [e.data["before"] for e in logged] == [2]  # B's gate was 2
    assert entries(AuditAction.NEED_REMOVE, w.gate)[0].data["before"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("guards", [-1, MAX_GUARDS + 1, True, 2.5, "3"])
def test_a_need_outside_its_range_is_refused(points_world, guards):
    w = points_world
    with pytest.raises(ValidationError):
        services.need_set(
            post=w.gate, guards=guards, point=w.point, actor=w.site_admin.user
        )
    assert own_need(w.point, w.gate) is None


@pytest.mark.django_db
def test_a_need_names_a_category_or_a_point(points_world):
    w = points_world
    with pytest.raises(ValidationError):
        services.need_set(post=w.gate, guards=1, actor=w.site_admin.user)
    with pytest.raises(ValidationError):
        services.need_set(post=w.gate, guards=1, category="E", actor=None)
    with pytest.raises(ValidationError):  # a company is no point
        services.need_set(post=w.gate, guards=1, point=w.company, actor=None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "latitude, longitude",
    [("90.000001", "114"), ("22.5", "-180.5"), ("1234.5", "114"), (None, "114")],
)
def test_a_location_out_of_range_writes_nothing(points_world, latitude, longitude):
    w = points_world
    point = PointFactory(code="PT-NEW", supervising_station=w.station)
    with pytest.raises(ValidationError):
        services.site_set(
            point=point,
            latitude=latitude,
            longitude=longitude,
            actor=w.station_staff.user,
        )
    assert not PointSite.objects.filter(point=point).exists()
    assert not entries(AuditAction.SITE_SET, point)


@pytest.mark.django_db
def test_moving_a_point_is_logged_with_where_it_was(points_world):
    w = points_world
    actor = w.station_staff.user
    services.site_set(point=w.point, latitude="22.545", longitude="114.03", actor=actor)
    assert not entries(AuditAction.SITE_SET, w.point)  # where it already was
    services.site_set(
        point=w.point, latitude=Decimal("22.5501"), longitude="114.0402", actor=actor
    )
    site = PointSite.objects.get(point=w.point)
    assert (site.latitude, site.longitude) == (Decimal("22.5501"), Decimal("114.0402"))
    [moved] = entries(AuditAction.SITE_SET, w.point)
    assert moved.data == {
        "latitude": "22.5501",
        "longitude": "114.0402",
        "before": ["22.545000", "114.030000"],
    }


@pytest.mark.django_db
def test_a_points_page_is_saved_whole_or_not_at_all(points_world):
    w = points_world
    actor = w.station_staff.user
    with pytest.raises(ValidationError):
        services.point_define(
            point=w.point,
            needs={w.gate: 4, w.patrol: 1},
            latitude="95",
            longitude="114",
            actor=actor,
        )
    assert not PointNeed.objects.filter(point=w.point).exists()
    assert not ModelLogEntry.objects.filter(
        action__startswith="shouwang.points"
    ).exists()
    changed = services.point_define(
        point=w.point,
        needs={w.gate: 4, w.patrol: None},
        latitude="22.545",  # unchanged
        longitude="114.03",
        actor=actor,
    )
    assert changed == 1
    assert own_need(w.point, w.gate) == 4
