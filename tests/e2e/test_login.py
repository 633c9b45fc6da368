"""Signing in, in a real browser: a trainee on a phone, an instructor at a desk."""

import re

import pytest
from playwright.sync_api import expect

from lms.people.constants import Role
from tests.e2e.conftest import TRAINEE_PHONE
from tests.factories import person_with_role
from tests.factories.people import PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    # WhiteNoise warns that STATIC_ROOT is missing; the live server serves the
    # static files from the app directories instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

LOGIN_FORM = 'form[action="/login/"]'


def sign_in(page, username, password=PASSWORD):
    form = page.locator(LOGIN_FORM)
    form.locator('input[name="username"]').fill(username)
    form.locator('input[name="password"]').fill(password)
    form.locator('button[type="submit"]').click()


def path_is(path):
    """A URL matcher for ``expect(page).to_have_url``: exactly this path (and
    query), whatever the live server's host and port."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}$")


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def instructor():
    return person_with_role(Role.INSTRUCTOR, username="instructor1", name="李教官")


def test_trainee_signs_in_on_a_phone_with_their_number(phone, trainee):
    page = phone
    page.goto("/")
    expect(page.locator("main .hero h1")).to_be_visible()
    page.locator('main a[href="/login/"]').click()
    expect(page).to_have_url(path_is("/login/"))

    sign_in(page, TRAINEE_PHONE)

    expect(page).to_have_url(path_is("/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1.greeting")).to_contain_text("王小明")
    for section in ("#my-learning", "#my-drills", "#my-qualifications"):
        expect(page.locator(section)).to_be_visible()
    badge = page.locator('section[aria-labelledby="my-badge"]')
    expect(page.locator("#my-badge")).to_be_visible()
    expect(badge.locator("svg")).to_be_visible()
    assert no_horizontal_scroll(page)


def test_sign_in_returns_to_the_page_that_was_asked_for(phone, trainee):
    page = phone
    page.goto("/me/badge/")
    expect(page).to_have_url(path_is("/login/?next=/me/badge/"))

    sign_in(page, TRAINEE_PHONE)

    expect(page).to_have_url(path_is("/me/badge/"))
    expect(page.locator("main h1")).to_have_text("王小明")
    expect(page.locator(".badge-full__qr svg")).to_be_visible()


def test_login_page_fits_a_small_phone(phone):
    page = phone
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/login/")

    assert no_horizontal_scroll(page)
    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font_size >= 16
    button = page.locator(f'{LOGIN_FORM} button[type="submit"]').bounding_box()
    assert button is not None
    assert button["height"] >= 44


def test_wrong_password_shows_an_error_and_stays_on_the_login_page(phone, trainee):
    page = phone
    page.goto("/login/")

    sign_in(page, TRAINEE_PHONE, password="not-the-password")

    alert = page.locator(f'{LOGIN_FORM} .error-summary[role="alert"]')
    expect(alert).to_be_visible()
    expect(alert).not_to_be_empty()
    expect(page).to_have_url(path_is("/login/"))
    expect(page.locator(f'{LOGIN_FORM} input[name="username"]')).to_have_value(
        TRAINEE_PHONE
    )


def test_instructor_lands_in_the_admin(desktop, instructor):
    page = desktop
    page.goto("/login/")

    sign_in(page, "instructor1")

    expect(page).to_have_url(path_is("/admin/"))
    expect(page.locator("#wagtail-sidebar")).to_be_attached()
    expect(page.locator("main#main")).to_be_visible()


def test_trainee_cannot_open_the_admin(phone, trainee):
    page = phone
    page.goto("/login/")
    sign_in(page, TRAINEE_PHONE)
    expect(page).to_have_url(path_is("/"))

    response = page.goto("/admin/")

    # Wagtail sends them to /login/?next=/admin/, which refuses with a 403 page
    # that says why (no redirect loop), never the dashboard.
    assert response is not None
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("无权访问")
    expect(page.locator("#wagtail-sidebar")).to_have_count(0)
