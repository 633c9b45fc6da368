"""The sign-in lock-out (django-axes, lms/people/services/login_guard.py): every
failed authentication counts (/login/, Wagtail's /admin/login/, the API's bad keys),
per account and address, every spelling of an account as that account, an IPv6
address as its /64; the audit of attempts; the localised lock-out answers."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import override

from lms.certs.api_keys import api_key_create
from lms.people.services.login_guard import (
    API_KEYS,
    api_lockout_message,
    login_lockout_message,
)
from tests.factories import UserFactory
from tests.factories.people import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 3
WRONG = "not-the-password"  # noqa: S105


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


@pytest.fixture
def user():
    return UserFactory(username="wangjg", phone="13912345678")


def sign_in(client, username, password=WRONG, path="/login/", **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


def signed_in(client):
    return "_auth_user_id" in client.session


def test_the_lockout_page_says_so_in_chinese_and_english(client, user):
    for _ in range(LIMIT):
        response = sign_in(client, "wangjg")
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    html = response.content.decode()
    with override("zh-hans"):
        message = login_lockout_message()
    assert message == "失败次数过多。请 15 分钟后再试，或请本单位管理员重置密码。"
    assert message in html and 'role="alert"' in html
    assert 'name="username"' in html  # the form is still there, for later

    client.cookies["django_language"] = "en"
    response = sign_in(client, "wangjg", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    with override("en"):
        assert escape(login_lockout_message()) in response.content.decode()
    assert not signed_in(client)


def test_every_spelling_of_an_account_counts_against_that_account(client, user):
    """A phone number written three ways and the username are one account: the
    old counter kept one count per spelling, so each spelling had its own ten
    tries."""
    for spelling in ("13912345678", "139 1234 5678", "+86 139-1234-5678"):
        sign_in(client, spelling)
    assert sign_in(client, "wangjg", PASSWORD).status_code == 429
    assert sign_in(client, "13912345678", PASSWORD).status_code == 429
    assert not signed_in(client)
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.failures_since_start) == ("wangjg", LIMIT + 2)


def test_failures_at_the_admin_login_count_too(client, user):
    for _ in range(LIMIT):
        response = sign_in(client, "wangjg", path="/admin/login/")
    assert response.status_code == 429
    assert sign_in(client, "13912345678", PASSWORD).status_code == 429
    assert not signed_in(client)


def test_a_locked_account_is_refused_before_its_password_is_checked(
    client, user, monkeypatch
):
    for _ in range(LIMIT):
        sign_in(client, "wangjg")
    checked = []
    monkeypatch.setattr(
        type(user), "check_password", lambda self, raw: checked.append(raw)
    )
    assert sign_in(client, "wangjg", PASSWORD).status_code == 429
    assert checked == []


def test_an_ipv6_64_counts_as_one_address(client, user):
    for host in (1, 2, 3):
        sign_in(client, "wangjg", REMOTE_ADDR=f"2001:db8:1:2::{host}")
    same_64 = sign_in(client, "wangjg", PASSWORD, REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert same_64.status_code == 429
    other_64 = sign_in(client, "wangjg", PASSWORD, REMOTE_ADDR="2001:db8:1:3::1")
    assert other_64.status_code == 302
    assert AccessFailureLog.objects.filter(ip_address="2001:db8:1:2::").count() == 4


def test_ipv4_addresses_seen_through_ipv6_are_not_lumped_together(client, user):
    for _ in range(LIMIT):
        sign_in(client, "wangjg", REMOTE_ADDR="::ffff:198.51.100.7")
    plain = sign_in(client, "wangjg", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert plain.status_code == 429  # the same address, written two ways
    other = sign_in(client, "wangjg", PASSWORD, REMOTE_ADDR="::ffff:198.51.100.8")
    assert other.status_code == 302


def test_behind_a_trusted_proxy_the_client_counts_not_the_proxy(settings, user):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    client = Client()  # its middleware is built now, with the proxy setting
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(LIMIT):
        sign_in(client, "wangjg", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    locked = sign_in(
        client, "wangjg", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy
    )
    assert locked.status_code == 429
    other = sign_in(
        client, "wangjg", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy
    )
    assert other.status_code == 302


def test_the_lock_ends_a_window_after_the_last_failure(client, user):
    for _ in range(LIMIT):
        sign_in(client, "wangjg")
    with time_machine.travel(timezone.now() + timedelta(minutes=14)):
        assert sign_in(client, "wangjg", PASSWORD).status_code == 429
    # That refused try was a failure too: the window runs from it.
    with time_machine.travel(timezone.now() + timedelta(minutes=14 + 16)):
        assert sign_in(client, "wangjg", PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_count(client, user):
    for _ in range(LIMIT - 1):
        sign_in(client, "wangjg")
    assert sign_in(client, "13912345678", PASSWORD).status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        assert sign_in(client, "wangjg").status_code == 200


def test_every_failure_is_in_the_audit(client, user):
    sign_in(client, "139 1234 5678", REMOTE_ADDR="203.0.113.5")
    sign_in(client, "nobody", REMOTE_ADDR="203.0.113.5")
    logs = AccessFailureLog.objects.order_by("attempt_time")
    assert [(log.username, log.ip_address, log.path_info) for log in logs] == [
        ("wangjg", "203.0.113.5", "/login/"),
        ("nobody", "203.0.113.5", "/login/"),
    ]
    assert WRONG not in "".join(
        AccessAttempt.objects.values_list("post_data", flat=True)
    )


# --- the API's bad keys ---------------------------------------------------------------


@pytest.fixture
def key(world):
    _key, plaintext = api_key_create(
        station=world.station, name="勤务系统", actor=world.station_staff.user
    )
    return plaintext


def roster(client, key, address="198.51.100.20"):
    return client.get(
        "/api/v1/roster", HTTP_AUTHORIZATION=f"Api-Key {key}", REMOTE_ADDR=address
    )


def test_bad_api_keys_lock_the_address(client, key):
    assert [roster(client, "sw_0000000000.nothing").status_code for _ in range(2)] == [
        401,
        401,
    ]
    locked = roster(client, "sw_0000000000.nothing")
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    assert locked["Content-Type"] == "application/json"
    with override("zh-hans"):
        assert locked.json() == {"detail": api_lockout_message()}
    # The good key from that address is refused too, before it is looked at, so a
    # lock-out never tells good keys from bad; from elsewhere it works.
    assert roster(client, key).status_code == 429
    assert roster(client, key, address="198.51.100.21").status_code == 200
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == (API_KEYS, "198.51.100.20")


def test_a_good_key_polling_a_locked_address_gets_through_after_the_window(client, key):
    """A refusal during the lock-out is not one more failure: a dispatch system
    polling every 5 minutes with its good key is not kept out for ever by someone
    else's bad keys from its address."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(LIMIT):
            roster(client, "sw_0000000000.nothing")
    polls = []
    for minutes in (5, 10, 14, 16):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            polls.append(roster(client, key).status_code)
    assert polls == [429, 429, 429, 200]
    assert AccessFailureLog.objects.filter(username=API_KEYS).count() == LIMIT


def test_the_api_placeholder_typed_at_sign_in_does_not_lock_the_api(client, key):
    for name in (API_KEYS, API_KEYS.lower(), f" {API_KEYS} "):
        for _ in range(LIMIT):
            sign_in(client, name, REMOTE_ADDR="198.51.100.20")
    assert not AccessAttempt.objects.filter(username=API_KEYS).exists()
    assert roster(client, key).status_code == 200


def test_bad_api_keys_at_the_verify_endpoint_count_too(client, key):
    for _ in range(LIMIT):
        response = client.get(
            "/api/v1/verify/ABCDABCDABCDABCD", HTTP_AUTHORIZATION="Api-Key wrong"
        )
    assert response.status_code == 429
    # Without a key the public check still answers: it is no authentication.
    assert client.get("/api/v1/verify/ABCDABCDABCDABCD").status_code == 200


# --- the audit in the admin -----------------------------------------------------------


def test_site_admins_see_the_audit_and_lift_a_lock_out(client, client_for, world):
    for _ in range(LIMIT):
        sign_in(client, "t1", REMOTE_ADDR="203.0.113.5")
    assert sign_in(client, "t1", PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 429
    admin = client_for(world.site_admin.user)
    listing = admin.get("/admin/lockouts/")
    assert listing.status_code == 200
    assert "203.0.113.5" in listing.content.decode()
    failures = admin.get("/admin/failed-sign-ins/")
    assert failures.status_code == 200 and "t1" in failures.content.decode()
    attempt = AccessAttempt.objects.get()
    assert admin.post(f"/admin/lockouts/delete/{attempt.pk}/").status_code == 302
    assert sign_in(client, "t1", PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 302
    # The log of failures stays.
    assert AccessFailureLog.objects.filter(username="t1").count() == LIMIT + 1


@pytest.mark.parametrize("role", ["org_admin", "station_staff", "instructor"])
def test_nobody_else_sees_the_audit(client, client_for, world, role):
    sign_in(client, "t1")
    other = client_for(getattr(world, role).user)
    for url in ("/admin/lockouts/", "/admin/failed-sign-ins/"):
        assert other.get(url).status_code in (302, 403)
    attempt = AccessAttempt.objects.get()
    other.post(f"/admin/lockouts/delete/{attempt.pk}/")
    assert AccessAttempt.objects.exists()


# --- pruning (deploy/systemd/shouwang-prune-lockouts.*) ------------------------------


def test_prune_lockouts_deletes_only_counts_whose_window_has_passed(client, user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(LIMIT):
            sign_in(client, "wangjg", REMOTE_ADDR="203.0.113.5")
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        sign_in(client, "nobody", REMOTE_ADDR="203.0.113.6")
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        call_command("prune_lockouts", stdout=StringIO())
        # The live count stays; the ended lock-out is gone, its audit kept.
        assert list(AccessAttempt.objects.values_list("username", flat=True)) == [
            "nobody"
        ]
        assert (
            sign_in(client, "wangjg", PASSWORD, REMOTE_ADDR="203.0.113.5").status_code
            == 302
        )
    assert AccessFailureLog.objects.count() == LIMIT + 1


def test_old_failure_logs_are_pruned_by_the_axes_command(client, user):
    with time_machine.travel(timezone.now() - timedelta(days=91), tick=False):
        sign_in(client, "old")
    sign_in(client, "recent")
    call_command("axes_reset_failure_logs", "--age", "90", stdout=StringIO())
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == [
        "recent"
    ]
