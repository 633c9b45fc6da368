import pytest

from tests.e2e.conftest import TRAINEE_PHONE
from tests.e2e.elder_pages import elder_pages, start_exam
from tests.e2e.test_login import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_shots(narrow_phone, trainee):
    paths = elder_pages(trainee)
    page = narrow_phone
    page.goto("/login/")
    sign_in(page, TRAINEE_PHONE)
    page.wait_for_url("**/")
    page.screenshot(path="docs/screenshots/elder-before-home.png", full_page=True)
    page.goto(paths["lesson"])
    page.screenshot(path="docs/screenshots/elder-before-lesson.png", full_page=True)
    start_exam(page, paths["exam"])
    page.screenshot(path="docs/screenshots/elder-before-exam.png", full_page=True)
