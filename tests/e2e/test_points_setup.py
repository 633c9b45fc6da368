"""Station staff at a desk: open the admin, find 点位位置与需求 in the menu, see a
mistyped latitude refused with what they typed kept, place the point, set a
post's need, and see the coverage count against it."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from lms.points.models import PointNeed, PointSite
from tests.e2e.conftest import screenshot as keep
from tests.e2e.points_station import points_station
from tests.e2e.test_login import path_is, sign_in
from tests.factories import (
    PersonFactory,
    PointAssignmentFactory,
    PointFactory,
    PointNeedFactory,
    PointSiteFactory,
    PostFactory,
    QualificationRecordFactory,
    StationFactory,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def screenshot(page, name):
    """From the top: Wagtail's header is sticky, and a click scrolls."""
    page.evaluate("window.scrollTo(0, 0)")
    keep(page, name)


@pytest.fixture
def station(transactional_db):
    """Two points of 香蜜湖派出所: 竹子林 (D, placed) with one deployable guard at
    the gate against category D's 2, and 景田 (C) not placed yet; another
    station's point that must never show."""
    made = points_station()
    station, company, duty, gate = made.station, made.company, made.duty, made.gate
    patrol = PostFactory(code="PATROL", name="巡逻", sort_order=2)
    patrol.save()
    PointNeedFactory(category="D", post=gate, guards=2)
    zhuzilin = PointFactory(
        code="XMH-D01",
        name="竹子林小区警保联动点位",
        point_category="D",
        supervising_station=station,
    )
    PointSiteFactory(
        point=zhuzilin, latitude=Decimal("22.540100"), longitude=Decimal("114.011200")
    )
    PointFactory(
        code="XMH-C01",
        name="景田社区警保联动点位",
        point_category="C",
        supervising_station=station,
    )
    guard = PersonFactory(organisation=company, name="王建国")
    QualificationRecordFactory(person=guard, qualification_type=duty)
    PointAssignmentFactory(person=guard, point=zhuzilin, post=gate)
    other = StationFactory(name="福田派出所")
    PointFactory(code="FTJ-A01", name="福田口岸点位", supervising_station=other)
    return station


def test_station_staff_set_a_points_need_and_see_the_coverage(desktop, station):
    page = desktop
    page.goto("/login/?next=/admin/")
    sign_in(page, "station1")
    expect(page).to_have_url(path_is("/admin/"))

    page.locator("#wagtail-sidebar").get_by_role("link", name="点位位置与需求").click()
    table = page.locator("[data-setup-points]")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).not_to_contain_text("福田口岸点位")
    unplaced = table.locator('tr[data-point="XMH-C01"]')
    expect(unplaced).to_contain_text("尚未定位")
    d01 = table.locator('tr[data-point="XMH-D01"]')
    expect(d01).to_contain_text("22.540100, 114.011200")
    expect(d01).to_contain_text("2 D 类")
    screenshot(page, "points-setup-list")

    # The coverage before: 竹子林's gate is one guard short.
    page.goto("/admin/points/coverage/")
    expect(page.locator(".points-short-count")).to_have_text("1")
    page.locator("[data-setup-link]").click()
    expect(page).to_have_url(path_is("/admin/points/setup/"))

    # 景田: latitude and longitude typed the wrong way round.
    page.locator('tr[data-point="XMH-C01"] a').click()
    expect(page.locator("main")).to_contain_text("该点位尚未定位")
    page.get_by_label("纬度").fill("114.0262")
    page.get_by_label("经度").fill("22.5432")
    page.get_by_label("巡逻").fill("2")
    page.get_by_role("button", name="保存").click()
    expect(page.locator('.messages[role="status"]')).to_contain_text("未保存任何内容")
    expect(page.locator("main")).to_contain_text("纬度和经度似乎填反了")
    expect(page.get_by_label("纬度")).to_have_value("114.0262")
    expect(page.get_by_label("巡逻")).to_have_value("2")
    assert not PointSite.objects.filter(point__code="XMH-C01").exists()
    screenshot(page, "points-setup-error")

    page.get_by_label("纬度").fill("22.5432,114.0262")  # pasted from 天地图
    page.get_by_label("经度").fill("")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(path_is("/admin/points/setup/"))
    expect(page.locator('.messages[role="status"]')).to_contain_text("已保存 2 个更改")
    expect(page.locator('tr[data-point="XMH-C01"]')).to_contain_text(
        "22.543200, 114.026200"
    )

    # 竹子林 needs only one guard at the gate: no longer short.
    page.locator('tr[data-point="XMH-D01"] a').click()
    gate = page.locator('tr[data-post="GATE"]')
    expect(gate.get_by_label("门卫")).to_have_attribute("placeholder", "2")
    expect(gate).to_contain_text("1")  # deployable today
    gate.get_by_label("门卫").fill("1")
    screenshot(page, "points-setup-point")
    page.get_by_role("button", name="保存").click()
    expect(page.locator('.messages[role="status"]')).to_contain_text("已保存 1 个更改")
    assert PointNeed.objects.get(point__code="XMH-D01").guards == 1

    page.locator('.messages[role="status"]').get_by_role(
        "link", name="查看覆盖情况"
    ).click()
    expect(page).to_have_url(re.compile(r"/admin/points/coverage/$"))
    expect(page.locator(".points-short-count")).to_have_text("1")  # 景田's patrol
    expect(page.locator(".points-dashboard")).to_contain_text("门卫")
    screenshot(page, "points-setup-coverage")
