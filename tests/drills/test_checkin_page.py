"""The check-in page is rendered once per drill, language and time zone in each
worker, with slots for the CSRF token, the scan stamp and the path: each phone still
gets its own working form, in its language, with the drill as it is now."""

import re

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from lms.drills import tokens
from lms.drills.models import Attendance
from lms.drills.selectors import drill_forget
from tests.drills.test_checkin import form_stamp
from tests.factories import DrillFactory

pytestmark = pytest.mark.django_db

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_each_phone_gets_its_own_form_from_the_shared_page(world):
    drill = DrillFactory(organisations=[world.company], title="<b>夜间</b> 演练")
    url = reverse("checkin", args=[tokens.token_for(drill, timezone.now())])
    pages = {}
    for person, language in ((world.trainee, "zh-hans"), (world.colleague, "en")):
        client = csrf_client(person.user)
        page = client.get(f"{url}?a=1&b=2", HTTP_ACCEPT_LANGUAGE=language)
        pages[person] = (client, page)
        content = page.content.decode()
        assert "&lt;b&gt;夜间&lt;/b&gt; 演练" in content and "<b>" not in content
        assert f'name="next" type="hidden" value="{url}?a=1&amp;b=2"' in content
        assert "__shouwang" not in content
        with translation.override(language):
            assert gettext("Sending your check-in…") in content
            assert gettext("Sign out") in content
    stamps = {form_stamp(page) for _client, page in pages.values()}
    assert len(stamps) == 2
    for person, (client, page) in pages.items():
        token = CSRF_FIELD.findall(page.content.decode())
        assert len(token) == 3  # the check-in, sign-out and language forms
        posted = client.post(
            url,
            {"csrfmiddlewaretoken": token[0], "scan": form_stamp(page)},
            HTTP_ACCEPT="application/json",
        )
        assert posted.status_code == 200 and posted.json()["ok"]
        assert Attendance.objects.filter(person=person).exists()


def test_the_page_shows_the_drill_as_it_is_now(client_for, world):
    drill = DrillFactory(organisations=[world.company], title="第一次")
    url = reverse("checkin", args=[tokens.token_for(drill, timezone.now())])
    client = client_for(world.trainee.user)
    assert "第一次" in client.get(url).content.decode()
    drill.title = "改过的标题"
    drill.save()
    drill_forget(instance=drill)
    page = client.get(url).content.decode()
    assert "改过的标题" in page and "第一次" not in page


def test_a_message_waiting_is_shown_on_the_page(client_for, world, rf):
    drill = DrillFactory(organisations=[world.company])
    url = reverse("checkin", args=[tokens.token_for(drill, timezone.now())])
    client = client_for(world.trainee.user)
    storage = CookieStorage(rf.get("/"))
    client.cookies[storage.cookie_name] = storage._encode(
        [Message(message_levels.INFO, "一条等待显示的消息")]
    )
    page = client.get(url).content.decode()
    assert "一条等待显示的消息" in page and 'name="scan"' in page
    assert "一条等待显示的消息" not in client.get(url).content.decode()


def test_an_account_without_a_trainee_record_is_refused_on_the_post(client_for):
    """The page's GET reads only the session; the post checks the user."""
    from lms.drills.constants import Refusal
    from lms.drills.models import CheckinLog
    from tests.factories import UserFactory

    drill = DrillFactory()
    url = reverse("checkin", args=[tokens.token_for(drill, timezone.now())])
    client = client_for(UserFactory())
    assert client.get(url).status_code == 200
    refused = client.post(url, {"scan": form_stamp(client.get(url))})
    assert refused.status_code == 400
    assert CheckinLog.objects.get().reason == Refusal.NO_PERSON
    assert not Attendance.objects.exists()


def test_a_phone_holding_its_csrf_cookie_gets_a_fresh_mask_of_it(world):
    """The page's own masking (lms.drills.csrf): every page a new token, each the
    cookie's secret under another mask, accepted by Django's CSRF check; the
    cookie the phone holds is not sent again with every page."""
    from django.middleware.csrf import _unmask_cipher_token

    drill = DrillFactory(organisations=[world.company])
    url = reverse("checkin", args=[tokens.token_for(drill, timezone.now())])
    client = csrf_client(world.trainee.user)
    first = client.get(url)
    assert "csrftoken" in first.cookies  # a first visit: Django's get_token
    secret = client.cookies["csrftoken"].value
    pages = [client.get(url) for _ in range(3)]
    masked = [CSRF_FIELD.findall(page.content.decode())[0] for page in pages]
    assert len(set(masked)) == 3
    for token in masked:
        assert len(token) == 64 and token.isalnum() and token.isascii()
        assert _unmask_cipher_token(token) == secret and token[32:] != secret
    assert all("csrftoken" not in page.cookies for page in pages)
    posted = client.post(
        url,
        {"csrfmiddlewaretoken": masked[-1], "scan": form_stamp(pages[-1])},
        HTTP_ACCEPT="application/json",
    )
    assert posted.status_code == 200 and posted.json()["ok"]
    tampered = client.post(
        url,
        {"csrfmiddlewaretoken": masked[0][:40] + "A" * 24, "scan": ""},
        HTTP_ACCEPT="application/json",
    )
    assert tampered.status_code == 403


def test_a_malformed_csrf_cookie_gets_a_new_secret(world):
    drill = DrillFactory(organisations=[world.company])
    url = reverse("checkin", args=[tokens.token_for(drill, timezone.now())])
    client = csrf_client(world.trainee.user)
    client.cookies["csrftoken"] = "short!"
    page = client.get(url)
    secret = page.cookies["csrftoken"].value
    assert len(secret) == 32 and secret != "short!"
    token = CSRF_FIELD.findall(page.content.decode())[0]
    posted = client.post(
        url,
        {"csrfmiddlewaretoken": token, "scan": form_stamp(page)},
        HTTP_ACCEPT="application/json",
    )
    assert posted.status_code == 200 and posted.json()["ok"]
