"""Admin → 点位位置与需求 (lms/points/admin_views.py): who reaches it, that every
page reads through the user's scope, what bad input shows (the values kept,
nothing written), the audit entries, and the boards counting the new need."""

import json
import re

import pytest
from django.urls import reverse
from wagtail.admin.utils import get_user_display_name
from wagtail.models import ModelLogEntry

from lms.people.constants import Role
from lms.points.constants import AuditAction
from lms.points.models import PointNeed, PointSite
from tests.factories import PointFactory, PointSiteFactory, person_with_role

INDEX = reverse("points_setup_index")
CATEGORIES = reverse("points_setup_categories")


def edit_url(code):
    return reverse("points_setup_point", args=[code])


@pytest.fixture
def other_staff(points_world):
    return person_with_role(
        Role.STATION_STAFF, organisation=points_world.other_station, username="ss2"
    )


def posted(w, **changes):
    """The point page's form as it comes, with ``changes``."""
    data = {
        "latitude": "22.545000",
        "longitude": "114.030000",
        f"need_{w.gate.pk}": "",
        f"need_{w.patrol.pk}": "",
    }
    data.update(changes)
    return data


def refused(response):
    """Wagtail answers an admin view's PermissionDenied with a redirect to the
    admin's home and a message (403 for a modal's XHR)."""
    return response.status_code == 403 or (
        response.status_code == 302
        and response["Location"] == reverse("wagtailadmin_home")
    )


def own_needs(point):
    return dict(
        PointNeed.objects.filter(point=point).values_list("post__code", "guards")
    )


def menu_urls(client):
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    return re.findall(r'"url": "([^"]+)"', json.dumps(json.loads(props.group(1))))


@pytest.mark.django_db
def test_the_menu_item_is_for_those_who_may_define(points_world, client_for):
    w = points_world
    for who, shown in [
        ("station_staff", True),
        ("site_admin", True),
        ("org_admin", False),
        ("instructor", False),
    ]:
        assert (INDEX in menu_urls(client_for(getattr(w, who).user))) is shown, who


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["org_admin", "instructor"])
def test_admin_users_who_may_not_define_are_refused(points_world, client_for, who):
    client = client_for(getattr(points_world, who).user)
    for url in (INDEX, edit_url("PT-A"), CATEGORIES):
        assert refused(client.get(url)), url
    assert refused(client.post(edit_url("PT-A"), posted(points_world)))
    assert not PointNeed.objects.filter(point__isnull=False).exists()


@pytest.mark.django_db
def test_a_trainee_never_reaches_the_admin(points_world, client_for):
    response = client_for(points_world.trainee.user).get(INDEX)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_station_staff_list_their_stations_points_only(points_world, client_for):
    w = points_world
    html = client_for(w.station_staff.user).get(INDEX).content.decode()
    assert 'data-point="PT-A"' in html and 'data-point="PT-A2"' in html
    assert "PT-B" not in html and "乙口岸点位" not in html
    assert "22.545000, 114.030000" in html
    # PT-A (B) follows its category at the gate: 2 (category B).
    row = html.split('data-point="PT-A"')[1].split("</tr>")[0]
    assert "2 <span" in row and "B 类" in row
    assert CATEGORIES not in html  # the categories are the site admin's


@pytest.mark.django_db
def test_the_other_station_gets_404_for_the_first_stations_points(
    points_world, other_staff, client_for
):
    w = points_world
    client = client_for(other_staff.user)
    html = client.get(INDEX).content.decode()
    assert 'data-point="PT-B"' in html and "甲点位" not in html
    assert client.get(INDEX, {"q": "甲点位"}).content.decode().count("data-point=") == 0
    for code in ("PT-A", "PT-A2", "NO-SUCH"):
        assert client.get(edit_url(code)).status_code == 404
        assert (
            client.post(
                edit_url(code), posted(w, **{f"need_{w.gate.pk}": "9"})
            ).status_code
            == 404
        )
    assert refused(client.get(CATEGORIES))
    assert not PointNeed.objects.filter(point__isnull=False).exists()
    assert client.get(edit_url("PT-B")).status_code == 200


@pytest.mark.django_db
def test_site_admins_see_every_point_and_the_categories(points_world, client_for):
    w = points_world
    client = client_for(w.site_admin.user)
    html = client.get(INDEX).content.decode()
    assert all(f'data-point="{c}"' in html for c in ("PT-A", "PT-A2", "PT-B"))
    assert CATEGORIES in html
    filtered = client.get(INDEX, {"category": "A"}).content.decode()
    assert re.findall(r'data-point="([^"]+)"', filtered) == ["PT-A2", "PT-B"]


@pytest.mark.django_db
def test_the_listing_reads_a_constant_number_of_queries(
    points_world, client_for, django_assert_max_num_queries
):
    w = points_world
    client = client_for(w.station_staff.user)
    client.get(INDEX)  # the session and permission caches
    with django_assert_max_num_queries(12) as few:
        client.get(INDEX)
    for n in range(30):
        point = PointFactory(code=f"PT-X{n:02}", supervising_station=w.station)
        PointSiteFactory(point=point)
        PointNeed.objects.create(point=point, post=w.gate, guards=n % 4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(INDEX).content.decode()
    assert html.count("data-point=") == 32


@pytest.mark.django_db
def test_station_staff_place_a_point_and_set_its_needs(points_world, client_for):
    w = points_world
    user = w.station_staff.user
    client = client_for(user)
    page = client.get(edit_url("PT-A")).content.decode()
    assert 'value="22.545000"' in page
    assert 'placeholder="2"' in page  # the gate follows category B's 2
    response = client.post(
        edit_url("PT-A"),
        posted(
            w,
            latitude="22.5501",
            longitude="114.0402",
            **{f"need_{w.gate.pk}": "3", f"need_{w.patrol.pk}": "0"},
        ),
    )
    assert response.status_code == 302 and response["Location"] == INDEX
    assert own_needs(w.point) == {"GATE": 3, "PATROL": 0}
    site = PointSite.objects.get(point=w.point)
    assert (str(site.latitude), str(site.longitude)) == ("22.550100", "114.040200")
    logged = ModelLogEntry.objects.filter(object_id=str(w.point.pk), user=user)
    assert sorted(logged.values_list("action", flat=True)) == sorted(
        [AuditAction.NEED_SET, AuditAction.NEED_SET, AuditAction.SITE_SET]
    )
    listing = client.get(INDEX).content.decode()
    assert "已保存 3 个更改" in listing  # the message, with the link to the coverage
    # Clearing the gate's figure follows the category again; nothing else moves.
    client.post(
        edit_url("PT-A"),
        posted(
            w,
            latitude="22.5501",
            longitude="114.0402",
            **{f"need_{w.patrol.pk}": "0"},
        ),
    )
    assert own_needs(w.point) == {"PATROL": 0}
    assert ModelLogEntry.objects.filter(action=AuditAction.NEED_REMOVE).count() == 1


@pytest.mark.django_db
def test_a_point_not_yet_placed_may_stay_so(points_world, client_for):
    w = points_world
    point = PointFactory(code="PT-NEW", supervising_station=w.station)
    client = client_for(w.station_staff.user)
    assert "尚未定位" in client.get(INDEX, {"unplaced": "on"}).content.decode()
    response = client.post(
        edit_url("PT-NEW"),
        posted(w, latitude="", longitude="", **{f"need_{w.gate.pk}": "1"}),
    )
    assert response.status_code == 302
    assert own_needs(point) == {"GATE": 1}
    assert not PointSite.objects.filter(point=point).exists()


@pytest.mark.django_db
def test_a_pasted_position_fills_both_boxes(points_world, client_for):
    w = points_world
    client = client_for(w.station_staff.user)
    # As a Chinese input method types it: full-width digits and comma.
    client.post(
        edit_url("PT-A"), posted(w, latitude="２２．５６，114.05", longitude="")
    )
    site = PointSite.objects.get(point=w.point)
    assert (str(site.latitude), str(site.longitude)) == ("22.560000", "114.050000")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"latitude": "95"}, ["纬度在 -90 到 90 度之间"]),
        ({"longitude": "-181"}, ["经度在 -180 到 180 度之间"]),
        ({"latitude": "22°32′40″"}, ["请填写十进制的度数"]),
        ({"longitude": ""}, ["请同时填写纬度和经度"]),
        ({"latitude": "", "longitude": ""}, ["已定位的点位须保留位置"]),
        (
            {"latitude": "114.03", "longitude": "22.545"},
            ["纬度在 -90 到 90 度之间", "纬度和经度似乎填反了"],
        ),
        ({"need": "-1"}, ["需求人数不能小于 0"]),
        ({"need": "1000"}, ["最多 999 人"]),
        ({"need": "两"}, ["请填写整数人数，或留空"]),
    ],
)
def test_bad_input_is_shown_with_the_values_and_nothing_is_saved(
    points_world, client_for, changes, errors
):
    w = points_world
    need = changes.pop("need", "4")
    data = posted(w, **{f"need_{w.gate.pk}": need, **changes})
    response = client_for(w.station_staff.user).post(edit_url("PT-A"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "未保存任何内容" in html
    for error in errors:
        assert error in html, error
    for name, value in data.items():
        if value:
            assert f'name="{name}" value="{value}"' in html or (
                f'value="{value}"' in html
            ), name
    assert own_needs(w.point) == {}
    site = PointSite.objects.get(point=w.point)
    assert (str(site.latitude), str(site.longitude)) == ("22.545000", "114.030000")
    assert not ModelLogEntry.objects.filter(
        action__startswith="shouwang.points"
    ).exists()


@pytest.mark.django_db
def test_site_admins_set_the_category_needs(points_world, client_for):
    w = points_world
    client = client_for(w.site_admin.user)
    page = client.get(CATEGORIES).content.decode()
    assert f'name="need_B_{w.gate.pk}" value="2"' in page
    bad = client.post(CATEGORIES, {f"need_B_{w.gate.pk}": "-3"})
    assert bad.status_code == 200 and "需求人数不能小于 0" in bad.content.decode()
    assert 'value="-3"' in bad.content.decode()
    assert PointNeed.objects.get(category="B", post=w.gate).guards == 2
    data = {f"need_{c}_{p.pk}": "" for c in "ABCD" for p in (w.gate, w.patrol)} | {
        f"need_A_{w.gate.pk}": "1",
        f"need_A_{w.patrol.pk}": "1",
    }
    data[f"need_B_{w.gate.pk}"] = "5"
    response = client.post(CATEGORIES, data)
    assert response.status_code == 302
    assert PointNeed.objects.get(category="B", post=w.gate).guards == 5
    [entry] = ModelLogEntry.objects.filter(action=AuditAction.NEED_SET)
    assert entry.data == {"category": "B", "post": "GATE", "guards": 5, "before": 2}
    assert entry.user_id == w.site_admin.user.pk


@pytest.mark.django_db
def test_the_links_to_the_set_up_pages(points_world, other_staff, client_for):
    w = points_world
    coverage = reverse("points_coverage")
    staff = client_for(w.station_staff.user)
    assert edit_url("PT-A") in staff.get("/points/PT-A/").content.decode()
    assert INDEX in staff.get(coverage).content.decode()
    org_admin = client_for(w.org_admin.user)
    assert "data-setup-link" not in org_admin.get("/points/PT-A/").content.decode()
    assert "data-setup-link" not in org_admin.get(coverage).content.decode()
    instructor = client_for(w.instructor.user)
    assert "data-setup-link" not in instructor.get("/points/PT-A/").content.decode()


@pytest.mark.django_db
def test_the_boards_count_against_the_new_need(points_world, client_for):
    """The coverage page (cached, lms/points/board_cache.py) and /points/ show the
    need set on the point page at once."""
    w = points_world
    client = client_for(w.station_staff.user)
    coverage = reverse("points_coverage")
    before = client.get(coverage).content.decode()
    assert "<strong>1</strong>/2" in client.get("/points/").content.decode()
    assert '<strong class="points-short-count">1</strong>' in before
    client.post(edit_url("PT-A"), posted(w, **{f"need_{w.gate.pk}": "1"}))
    after = client.get(coverage).content.decode()
    assert '<strong class="points-short-count">0</strong>' in after
    board = client.get("/points/").content.decode()
    assert 'class="card point point--met" data-point="PT-A"' in board


@pytest.mark.django_db
def test_the_point_page_lists_its_recent_changes(points_world, client_for):
    w = points_world
    client = client_for(w.station_staff.user)
    client.post(edit_url("PT-A"), posted(w, **{f"need_{w.gate.pk}": "3"}))
    client.post(edit_url("PT-A"), posted(w, latitude="22.55"))
    html = client.get(edit_url("PT-A")).content.decode()
    changes = html.split("data-point-changes")[1].split("</ul>")[0]
    assert "点位需求，GATE：无 → 3" in changes
    assert "点位需求，GATE：3 → 无" in changes  # the second form left it empty
    assert "定位于 22.550000, 114.030000" in changes
    assert get_user_display_name(w.station_staff.user) in changes
    # Site history (site admins) names the change too.
    site_history = client_for(w.site_admin.user).get(
        reverse("wagtailadmin_reports:site_history")
    )
    assert "点位需求，GATE：无 → 3" in site_history.content.decode()


@pytest.mark.django_db
def test_a_bad_pasted_position_is_marked_where_it_was_typed(points_world, client_for):
    w = points_world
    response = client_for(w.station_staff.user).post(
        edit_url("PT-A"), posted(w, latitude="22.5,abc", longitude="")
    )
    form = response.context["location_form"]
    assert list(form.errors) == ["latitude"]
    assert 'value="22.5,abc"' in response.content.decode()
