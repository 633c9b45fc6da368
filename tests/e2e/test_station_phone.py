"""Station staff on a 360-px phone: a new API key is shown once and reloading the
page neither shows it again nor makes a second key; every field of the roster's
filter form is at least 44 px tall."""

import pytest
from playwright.sync_api import expect

from lms.certs.api_keys import api_key_check
from lms.certs.models import ApiKey
from lms.people.constants import Role
from tests.e2e.conftest import screenshot
from tests.e2e.test_login import no_horizontal_scroll, sign_in
from tests.factories import OrganisationFactory, StationFactory, person_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

MIN_TAP = 44


@pytest.fixture
def station(transactional_db):
    """A station, a company it supervises with a guard, and the station's staff."""
    from lms.people.services.roles import roles_ensure

    roles_ensure()  # the browser tests' flush empties the role groups' permissions
    station = StationFactory(name="甲派出所")
    company = OrganisationFactory(name="甲保安公司", supervising_station=station)
    person_with_role(Role.TRAINEE, organisation=company, username="guard")
    person_with_role(Role.STATION_STAFF, organisation=station, username="station1")
    return station


def test_a_new_key_is_shown_once_and_a_reload_makes_no_second_one(
    narrow_phone, station
):
    page = narrow_phone
    page.goto("/login/")
    sign_in(page, "station1")
    page.get_by_role("link", name="勤务调度系统接口密钥").click()
    page.get_by_label("系统").fill("勤务调度")
    page.get_by_role("button", name="生成密钥").click()

    shown = page.locator("[data-api-key]")
    expect(shown).to_be_visible()
    plaintext = shown.inner_text()
    key = ApiKey.objects.get(station=station)
    assert api_key_check(plaintext) == key
    # The long key wraps inside a 360-px screen, and the header to send is whole.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.get_by_role("status")).to_contain_text("Api-Key <key>")
    screenshot(page, "api-key-shown-once")

    page.reload()
    keys = page.locator("ul.people > li")
    expect(keys).to_have_count(1)  # the reload re-posted the form and made another
    expect(keys).to_contain_text("勤务调度")
    expect(page.locator("[data-api-key]")).to_have_count(0)
    assert ApiKey.objects.filter(station=station).count() == 1
    screenshot(page, "api-key-after-reload")


def test_every_roster_field_is_tall_enough_to_tap(narrow_phone, station):
    page = narrow_phone
    page.goto("/login/")
    sign_in(page, "station1")
    page.get_by_role("link", name="可派遣人员名册").click()
    form = page.locator("form[role=search]")
    fields = form.locator("input:visible, select:visible")
    expect(fields.first).to_be_visible()
    heights = {
        fields.nth(i).get_attribute("name"): fields.nth(i).bounding_box()["height"]
        for i in range(fields.count())
    }
    assert {"date", "expiring_within", "organisation"} <= set(heights)
    short = {name: h for name, h in heights.items() if h < MIN_TAP}
    assert not short, short
    # A date typed on the phone still filters.
    form.locator('input[name="date"]').fill("2026-06-01")
    form.get_by_role("button", name="查看").click()
    expect(page.get_by_text("2026-06-01")).to_be_visible()
    assert no_horizontal_scroll(page)
    screenshot(page, "roster-fields-360")
