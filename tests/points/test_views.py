"""The points pages: scoping, the list without JavaScript, a point's people and
reasons, assigning and ending through the forms."""

import pytest
from wagtail.models import ModelLogEntry

from lms.points.constants import AuditAction
from lms.points.models import PointAssignment
from tests.factories import PersonFactory


@pytest.mark.django_db
def test_station_staff_see_their_points_only(points_world, client_for):
    w = points_world
    client = client_for(w.station_staff.user)
    html = client.get("/points/").content.decode()
    assert "甲点位" in html and "甲商场点位" in html
    assert "乙口岸点位" not in html and "PT-B" not in html
    assert client.get("/points/PT-B/").status_code == 404


@pytest.mark.django_db
def test_the_other_station_sees_nothing_of_the_first(points_world, client_for):
    w = points_world
    from lms.people.constants import Role
    from tests.factories import person_with_role

    staff = person_with_role(
        Role.STATION_STAFF, organisation=w.other_station, username="ss2"
    )
    client = client_for(staff.user)
    html = client.get("/points/").content.decode()
    assert "乙口岸点位" in html
    assert "甲点位" not in html and w.trainee.name not in html
    assert client.get("/points/PT-A/").status_code == 404
    data = client.get("/api/v1/points").json()
    assert [p["code"] for p in data["results"]] == ["PT-B"]


@pytest.mark.django_db
def test_list_shows_counts_and_gaps(points_world, client_for):
    w = points_world
    html = client_for(w.station_staff.user).get("/points/").content.decode()
    assert 'class="card point point--short" data-point="PT-A"' in html
    assert 'class="card point point--met" data-point="PT-A2"' in html
    assert "<strong>1</strong>/2" in html  # PT-A's gate: 1 deployable of 2
    assert 'data-point="PT-A" data-lat="22.545"' in html  # on the map too
    assert "<script" not in html.split('id="points-map"')[1].split("</section>")[0]


@pytest.mark.django_db
def test_a_trainee_may_not_read_points(points_world, client_for):
    assert client_for(points_world.trainee.user).get("/points/").status_code == 403


@pytest.mark.django_db
def test_a_point_lists_its_people_and_reasons(points_world, client_for):
    w = points_world
    html = client_for(w.station_staff.user).get("/points/PT-A/").content.decode()
    assert w.trainee.name in html and w.colleague.name in html
    assert "roster__post--no" in html
    assert "上岗: 未持有" in html or "上岗:" in html  # the type and the reason
    record = w.trainee.qualifications.get()
    assert f"/certs/records/{record.serial}/" in html


@pytest.mark.django_db
def test_org_admin_sees_points_where_their_people_serve(points_world, client_for):
    w = points_world
    html = client_for(w.org_admin.user).get("/points/").content.decode()
    assert "甲点位" in html and "乙口岸点位" not in html


@pytest.mark.django_db
def test_station_staff_assign_and_end(points_world, client_for):
    w = points_world
    client = client_for(w.station_staff.user)
    newcomer = PersonFactory(organisation=w.company, name="新保安")
    response = client.post(
        "/points/PT-A/assign/",
        {
            "id_number": newcomer.id_number,
            "post": w.gate.pk,
            "valid_from": w.today.isoformat(),
        },
    )
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == ["已分配。"]
    assignment = PointAssignment.objects.get(person=newcomer)
    assert assignment.created_by == w.station_staff.user
    assert ModelLogEntry.objects.filter(action=AuditAction.ASSIGN).exists()
    response = client.post(
        f"/points/assignments/{assignment.pk}/end/",
        {"last_day": w.today.isoformat(), "reason": "reassigned"},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.valid_until == w.today and assignment.end_reason == "reassigned"
    assert ModelLogEntry.objects.filter(action=AuditAction.END).exists()


@pytest.mark.django_db
def test_nobody_assigns_the_other_stations_people(points_world, client_for):
    w = points_world
    client = client_for(w.station_staff.user)
    client.post(
        "/points/PT-A/assign/",
        {
            "id_number": w.outsider.id_number,
            "post": w.gate.pk,
            "valid_from": w.today.isoformat(),
        },
    )
    assert not PointAssignment.objects.filter(person=w.outsider, point=w.point).exists()
    other = PointAssignment.objects.get(person=w.outsider)
    response = client.post(
        f"/points/assignments/{other.pk}/end/",
        {"last_day": w.today.isoformat(), "reason": "other"},
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_without_a_tile_provider_nothing_leaves_the_origin(points_world, client_for):
    response = client_for(points_world.station_staff.user).get("/points/")
    html = response.content.decode()
    assert "leaflet" not in html and "points-map.js" not in html
    assert "tianditu" not in response["Content-Security-Policy"]
    assert "data-lat=" in html  # the SVG's points, ready for a provider


@pytest.mark.django_db
def test_a_tile_provider_gets_leaflet_and_its_host_in_the_policy(
    points_world, client_for, settings
):
    settings.POINTS_TILE_URL = (
        "https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY&x={x}&y={y}&l={z}"
    )
    response = client_for(points_world.station_staff.user).get("/points/")
    html = response.content.decode()
    assert "vendor/leaflet/leaflet.js" in html and "points-map.js" in html
    img_src = next(
        part
        for part in response["Content-Security-Policy"].split(";")
        if part.strip().startswith("img-src")
    )
    assert "https://*.tianditu.gov.cn" in img_src
    other = client_for(points_world.station_staff.user).get("/points/PT-A/")
    assert "tianditu" not in other["Content-Security-Policy"]


@pytest.mark.django_db
def test_no_inline_style_the_policy_would_refuse(points_world, client_for):
    html = client_for(points_world.station_staff.user).get("/points/").content
    assert b"style=" not in html
    assert b'<rect width="67" height="10" class="bars__fill"/>' in html  # gate 2 of 3


@pytest.mark.django_db
def test_many_points_are_drawn_as_clusters_that_zoom_in(
    points_world, client_for, monkeypatch
):
    import html as html_lib
    import re

    from lms.points import drawing
    from tests.factories import PointFactory, PointSiteFactory

    monkeypatch.setattr(drawing, "MAX_MARKERS", 4)
    w = points_world
    for n in range(3):  # three points within a few metres of PT-A
        point = PointFactory(
            code=f"PT-N{n}", supervising_station=w.station, point_category="C"
        )
        PointSiteFactory(point=point, latitude=f"22.54501{n}", longitude="114.030010")
    client = client_for(w.station_staff.user)
    html = client.get(f"/points/?post={w.gate.pk}").content.decode()
    drawn = html.split('id="points-map"')[1].split("</section>")[0]
    assert "<script" not in drawn
    # Five points with a location, more than 4: PT-A and its three neighbours are
    # one cluster, PT-A2 (2 km east) alone is drawn as itself.
    assert 'data-count="4"' in drawn and 'data-point="PT-A"' not in drawn
    assert 'data-point="PT-A2"' in drawn
    assert "legend--cluster" in drawn
    link = html_lib.unescape(re.search(r'<a href="([^"]+)" data-count', drawn)[1])
    assert f"post={w.gate.pk}" in link and "near=22.5450" in link
    assert "radius=0.1" in link  # all four within 100 m of their centre
    # The cluster's link: the board around them, each point drawn and listed.
    zoomed = client.get(link).content.decode()
    drawn = zoomed.split('id="points-map"')[1].split("</section>")[0]
    assert "data-count" not in drawn
    for code in ("PT-A", "PT-N0", "PT-N1", "PT-N2"):
        assert f'data-point="{code}"' in drawn
    assert 'data-point="PT-A2"' not in zoomed
