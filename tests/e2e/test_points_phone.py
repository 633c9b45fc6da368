"""Station staff on a 360-px phone open the points from the home page, see the
station's 22 points with their counts and gaps, tap a point and see its people
with the reason anyone is not deployable."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lms.people.models import Person
from lms.points import services
from lms.points.demo import POINTS
from lms.points.models import PointAssignment
from tests.e2e.conftest import screenshot
from tests.e2e.points_station import points_station
from tests.e2e.test_login import no_horizontal_scroll, sign_in
from tests.factories import (
    PersonFactory,
    PointAssignmentFactory,
    PointFactory,
    PointNeedFactory,
    PointSiteFactory,
    QualificationRecordFactory,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def station(transactional_db):
    """The demo's 22 points under one station; at XMH-D01 one deployable guard
    and one without the qualification (short by one)."""
    made = points_station()
    station, company, duty, gate = made.station, made.company, made.duty, made.gate
    for category in "ABCD":
        PointNeedFactory(category=category, post=gate, guards=2)
    points = {}
    for code, name, category, lat, lon in POINTS:
        points[code] = PointFactory(
            code=code, name=name, point_category=category, supervising_station=station
        )
        PointSiteFactory(
            point=points[code], latitude=Decimal(lat), longitude=Decimal(lon)
        )
    ready = PersonFactory(organisation=company, name="王建国")
    QualificationRecordFactory(person=ready, qualification_type=duty)
    waiting = PersonFactory(organisation=company, name="李新春")
    for person in (ready, waiting):
        PointAssignmentFactory(person=person, point=points["XMH-D01"], post=gate)
    station.made = made
    return station


def test_station_staff_find_points_and_a_points_people(narrow_phone, station):
    page = narrow_phone
    page.goto("/login/")
    sign_in(page, "station1")
    page.get_by_role("link", name="共治点位").click()

    expect(page.get_by_role("heading", name="共 22 个点位")).to_be_visible()
    map_points = page.locator("#points-map a[data-point]")
    expect(map_points).to_have_count(22)
    listed = page.locator("li.point")
    expect(listed).to_have_count(22)
    d01 = page.locator('li.point[data-point="XMH-D01"]')
    expect(d01).to_contain_text("门卫: 1/2")
    expect(d01).to_contain_text("缺 1 人")
    expect(page.locator("li.point--short")).to_have_count(22)
    assert no_horizontal_scroll(page)
    screenshot(page, "points-list-360")

    d01.get_by_role("link").click()
    expect(page.get_by_role("heading", name="竹子林小区警保联动点位 D")).to_be_visible()
    people = page.locator("li.person")
    expect(people).to_have_count(2)
    expect(people.filter(has_text="王建国")).to_contain_text("可派遣")
    expect(people.filter(has_text="李新春")).to_contain_text("保安员证: 未取得")
    assert no_horizontal_scroll(page)
    screenshot(page, "points-detail-360")


def test_station_staff_search_the_points_near_an_incident(narrow_phone, station):
    """The dispatch question on a phone: the points near a place, nearest first,
    each with its distance, from the filters' form (no URL typed)."""
    page = narrow_phone
    page.goto("/login/")
    sign_in(page, "station1")
    page.get_by_role("link", name="共治点位").click()
    page.get_by_text("日期、岗位与派遣搜索").click()
    page.get_by_label("附近（纬度,经度）").fill("22.5348,114.0331")  # at XMH-D01
    page.get_by_label("半径（公里）").fill("1")
    page.get_by_role("button", name="查看").click()

    listed = page.locator("li.point")
    expect(listed.first).to_have_attribute("data-point", "XMH-D01")
    expect(listed.first.locator(".point__distance")).to_have_text("0.0 km")
    expect(listed.first).to_contain_text("门卫: 1/2")
    distances = [
        float(text.removesuffix(" km"))
        for text in listed.locator(".point__distance").all_inner_texts()
    ]
    assert 1 < len(distances) < 22 and distances == sorted(distances)
    assert distances[-1] <= 1.0
    assert no_horizontal_scroll(page)
    screenshot(page, "points-near-360")


def test_what_changes_elsewhere_shows_at_the_next_look(narrow_phone, station):
    """The board a station reads is counted again for what changed, whoever
    changed it and wherever (lms/points/count_cache.py): a qualification issued
    by the company, an assignment ended, the next day looked at."""
    page = narrow_phone
    page.goto("/login/")
    sign_in(page, "station1")
    page.get_by_role("link", name="共治点位").click()
    d01 = page.locator('li.point[data-point="XMH-D01"]')
    expect(d01).to_contain_text("门卫: 1/2")

    # The company records 李新春's certificate: D01 is covered.
    waiting = Person.objects.get(name="李新春")
    QualificationRecordFactory(person=waiting, qualification_type=station.made.duty)
    page.reload()
    expect(d01).to_contain_text("门卫: 2/2")
    expect(d01).not_to_have_class(re.compile(r"point--short"))
    expect(page.locator("li.point--short")).to_have_count(21)
    screenshot(page, "points-list-covered-360")

    # 王建国's assignment ends today: from tomorrow D01 is short again.
    services.assignment_end(
        assignment=PointAssignment.objects.get(person__name="王建国"),
        last_day=timezone.localdate(),
    )
    page.reload()
    expect(d01).to_contain_text("门卫: 2/2")
    page.get_by_text("日期、岗位与派遣搜索").click()
    tomorrow = timezone.localdate() + timedelta(days=1)
    page.get_by_label("日期").fill(tomorrow.isoformat())
    page.get_by_role("button", name="查看").click()
    expect(d01).to_contain_text("门卫: 1/2")
    expect(d01).to_contain_text("缺 1 人")
    assert no_horizontal_scroll(page)
    screenshot(page, "points-list-tomorrow-360")
