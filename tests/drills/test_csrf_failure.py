"""A failed CSRF check shows the site's page in the user's language (it was
Django's bare English "403 Forbidden"): on /c/ it says to scan again."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from lms.drills import tokens
from lms.drills.models import Attendance
from tests.factories import DrillFactory

pytestmark = pytest.mark.django_db

SCAN_AGAIN = (
    "Your check-in was not sent: the page was open too long, or this phone's "
    "cookies were cleared. Scan the code on the screen again."
)
TRY_AGAIN = (
    "What you sent was not saved: the page was open too long, or your cookies "
    "were cleared. Go back, refresh the page and try again."
)


def csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_check_in_without_its_csrf_token_says_scan_again(world, language):
    drill = DrillFactory(organisations=[world.company])
    url = reverse("checkin", args=[tokens.token_for(drill, timezone.now())])
    response = csrf_client(world.trainee.user).post(
        url, {"scan": ""}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert 'class="site-header"' in page and "data-csrf-failure" in page
    assert "Forbidden" not in page
    with translation.override(language):
        assert gettext(SCAN_AGAIN) in page and gettext(TRY_AGAIN) not in page
    if language == "zh-hans":
        assert SCAN_AGAIN not in page and "扫描" in page
    assert not Attendance.objects.exists()


def test_other_forms_say_refresh_and_try_again(world):
    response = csrf_client(world.trainee.user).post(
        reverse("logout"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "data-csrf-failure" in page and 'class="site-header"' in page
    assert "refresh the page and try again" in page
    assert "Scan the code" not in page
