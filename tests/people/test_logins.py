"""Logins for imported people (lms/people/services/logins.py, logins_admin.py and
/activate/): given in bulk by the organisation's admin, one-time codes stored
hashed and shown once, exchanged by the trainee for a password of their own;
password and badge resets; scope, lock-out and audit."""

import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from lms.people.constants import AuditAction, LoginState, PersonStatus
from lms.people.models import ActivationCode, Person, User
from lms.people.services.badges import badge_token, person_from_badge_token
from lms.people.services.logins import (
    SheetAlreadyShown,
    login_state,
    logins_issue,
)
from lms.people.services.roles import role_names_of
from tests.factories import PersonFactory, UserFactory
from tests.factories.people import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "guard-Shenzhen-2025"  # noqa: S105


def give(people, actor, **kwargs):
    return logins_issue(people=people, actor=actor, sheet_key=uuid.uuid4(), **kwargs)


@pytest.fixture
def imported(world):
    """Three people of the org admin's company, as an import leaves them: no login."""
    return [
        PersonFactory(
            organisation=world.company, name=f"新员工{n}", phone=f"1390000000{n}"
        )
        for n in range(3)
    ]


def activate(client, phone, code, password=NEW_PASSWORD, again=None):
    return client.post(
        reverse("activate"),
        {
            "username": phone,
            "code": code,
            "new_password1": password,
            "new_password2": again or password,
        },
    )


# -- giving logins --------------------------------------------------------------


def test_logins_are_the_phone_numbers_and_only_a_hash_of_each_code_is_kept(
    world, imported
):
    result = give(imported, world.org_admin.user)
    assert [i.person for i in result.issued] == imported and not result.refused
    for issued in result.issued:
        user = User.objects.get(person=issued.person)
        assert user.username == user.phone == issued.person.phone == issued.login
        assert not user.has_usable_password()
        assert role_names_of(user) == ["TRAINEE"]
        assert re.fullmatch(r"\d{12}", issued.code)
        stored = ActivationCode.objects.get(user=user)
        assert issued.code not in stored.code_hash
        assert stored.expires_at > timezone.now() + timedelta(days=13)
        assert login_state(issued.person) == LoginState.WAITING
    assert len({i.code for i in result.issued}) == 3
    entries = ModelLogEntry.objects.filter(action=AuditAction.LOGIN_GIVE)
    assert entries.count() == 3
    assert {e.user_id for e in entries} == {world.org_admin.user_id}
    assert {e.object_id for e in entries} == {str(p.pk) for p in imported}


def test_people_who_cannot_get_a_login_are_named_with_the_reason(world, imported):
    no_phone = PersonFactory(organisation=world.company, phone="")
    left = PersonFactory(organisation=world.company, status=PersonStatus.LEFT)
    UserFactory(username="someone", phone=imported[0].phone)
    result = give([*imported, no_phone, left, world.colleague], world.org_admin.user)
    reasons = {r.person: r.reason for r in result.refused}
    assert set(reasons) == {imported[0], no_phone, left, world.colleague}
    assert "手机号" in reasons[no_phone] and "离职" in reasons[left]
    assert "已是其他账号" in reasons[imported[0]]
    assert "已设置密码" in reasons[world.colleague]
    assert [i.person for i in result.issued] == imported[1:]
    assert world.colleague.user.check_password(PASSWORD)  # left alone


def test_only_the_organisations_own_admin_gives_logins(world, imported):
    outsider = PersonFactory(organisation=world.other_company)
    with pytest.raises(PermissionDenied):
        give([imported[0], outsider], world.org_admin.user)
    for user in (world.station_staff.user, world.instructor.user):
        with pytest.raises(PermissionDenied):
            give(imported, user)
    assert not User.objects.filter(phone=imported[0].phone).exists()
    assert give([outsider], world.site_admin.user).issued


def test_a_sheet_is_shown_once(world, imported):
    key = uuid.uuid4()
    logins_issue(people=imported, actor=world.org_admin.user, sheet_key=key)
    with pytest.raises(SheetAlreadyShown):
        logins_issue(people=imported, actor=world.org_admin.user, sheet_key=key)


def test_giving_again_replaces_the_waiting_code(world, imported, client):
    first = give(imported[:1], world.org_admin.user).issued[0].code
    second = give(imported[:1], world.org_admin.user).issued[0].code
    assert ActivationCode.objects.count() == 1
    assert activate(client, imported[0].phone, first).status_code == 200
    assert activate(client, imported[0].phone, second).status_code == 302


# -- activation -----------------------------------------------------------------


def test_the_trainee_exchanges_the_code_for_a_password_and_is_signed_in(
    world, imported, client
):
    issued = give(imported[:1], world.org_admin.user).issued[0]
    spelled = f" {issued.code_display.replace(' ', '-')} "  # as people type it
    response = activate(client, "139 0000 0000", spelled)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(imported[0].user_id)
    user = User.objects.get(pk=imported[0].user_id)
    assert user.check_password(NEW_PASSWORD)
    assert not ActivationCode.objects.exists()
    entry = ModelLogEntry.objects.get(action=AuditAction.LOGIN_ACTIVATE)
    assert entry.user_id == user.pk and entry.object_id == str(imported[0].pk)
    # Used up: the same code does nothing more.
    other = Client()
    assert "不匹配" in activate(other, imported[0].phone, issued.code).content.decode()
    assert other.login(username=imported[0].phone, password=NEW_PASSWORD)


def test_a_password_the_validators_refuse_does_not_use_up_the_code(
    world, imported, client
):
    issued = give(imported[:1], world.org_admin.user).issued[0]
    for weak in ("12345678", "abc"):
        response = activate(client, imported[0].phone, issued.code, password=weak)
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert (
        "不一致"
        in activate(
            client, imported[0].phone, issued.code, again="something-else-9"
        ).content.decode()
    )
    assert ActivationCode.objects.count() == 1
    assert activate(client, imported[0].phone, issued.code).status_code == 302


def test_an_expired_code_is_refused(world, imported, client, settings):
    issued = give(imported[:1], world.org_admin.user).issued[0]
    later = timezone.now() + timedelta(days=settings.ACTIVATION_CODE_DAYS, hours=1)
    with time_machine.travel(later):
        response = activate(client, imported[0].phone, issued.code)
        assert "已过期" in response.content.decode()
        assert login_state(Person.objects.get(pk=imported[0].pk)) == LoginState.NO_CODE


def test_wrong_codes_count_as_failed_sign_ins_and_lock_out(
    world, imported, client, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    issued = give(imported[:1], world.org_admin.user).issued[0]
    for _ in range(2):
        assert activate(client, imported[0].phone, "0" * 12).status_code == 200
    (attempt,) = AccessAttempt.objects.all()
    assert attempt.username == imported[0].phone and attempt.failures_since_start == 2
    # Axes keeps the failed form: neither the code nor the new password in clear.
    assert "0" * 12 not in attempt.post_data and NEW_PASSWORD not in attempt.post_data
    response = activate(client, imported[0].phone, "1" * 12)
    assert response.status_code == 429
    assert "失败次数过多" in response.content.decode()
    assert 'action="/activate/"' in response.content.decode()
    # Locked: even the right code is refused now.
    assert activate(client, imported[0].phone, issued.code).status_code == 429
    assert ActivationCode.objects.count() == 1


def test_one_address_may_try_only_so_many_codes_a_minute(world, client, settings):
    settings.ACTIVATION_TRIES_PER_MINUTE = 3
    people = [PersonFactory(organisation=world.company) for _ in range(4)]
    give(people, world.org_admin.user)
    answers = [activate(client, p.phone, "0" * 12).status_code for p in people]
    assert answers == [200, 200, 200, 429]


def test_the_code_backend_answers_nothing_else(world, imported, rf):
    issued = give(imported[:1], world.org_admin.user).issued[0]
    request = rf.post("/login/")
    # A password sign-in with the code as the password fails.
    assert (
        authenticate(request, username=imported[0].phone, password=issued.code) is None
    )
    assert (
        authenticate(request, username=imported[0].phone, one_time_password=issued.code)
        == imported[0].user
    )


# -- resets ---------------------------------------------------------------------


def test_a_password_reset_stops_the_old_password_and_its_sessions(world, client_for):
    person = world.colleague
    session = Client()
    assert session.login(username="t2", password=PASSWORD)
    AccessAttempt.objects.create(
        username="t2",
        ip_address="10.0.0.1",
        failures_since_start=9,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
        user_agent="",
    )
    admin = client_for(world.org_admin.user)
    url = reverse("people_login_reset", args=[person.pk])
    page = admin.get(url).content.decode()
    key = re.search(r'name="sheet" value="([0-9a-f-]{36})"', page).group(1)
    sheet = admin.post(url, {"sheet": key})
    assert sheet.status_code == 200 and "no-store" in sheet["Cache-Control"]
    html = sheet.content.decode()
    code = re.search(r"data-code>([\d ]+)<", html).group(1)
    user = User.objects.get(pk=person.user_id)
    assert not user.has_usable_password()
    assert session.get(reverse("my_badge")).status_code == 302  # signed out
    assert not AccessAttempt.objects.filter(username="t2").exists()
    entry = ModelLogEntry.objects.get(action=AuditAction.PASSWORD_RESET)
    assert entry.user_id == world.org_admin.user_id
    assert entry.object_id == str(person.pk)
    # Shown once: posting the same form again shows no code.
    again = admin.post(url, {"sheet": key})
    assert again.status_code == 409 and "data-code" not in again.content.decode()
    assert activate(Client(), "t2", code).status_code == 302


def test_a_badge_reset_from_the_persons_page(world, client_for):
    person = world.colleague
    old = badge_token(person)
    admin = client_for(world.org_admin.user)
    url = reverse("people_badge_reset", args=[person.pk])
    assert "身份码" in admin.get(url).content.decode()
    response = admin.post(url)
    assert response.status_code == 302
    assert person_from_badge_token(old) is None
    entry = ModelLogEntry.objects.get(action=AuditAction.BADGE_RESET)
    assert entry.user_id == world.org_admin.user_id


@pytest.mark.parametrize("name", ["people_login_reset", "people_badge_reset"])
def test_resets_reach_only_the_admins_own_people(world, client_for, name):
    admin = client_for(world.org_admin.user)
    url = reverse(name, args=[world.outsider.pk])
    assert admin.get(url).status_code == 404
    assert admin.post(url, {"sheet": str(uuid.uuid4())}).status_code == 404
    for user in (world.instructor.user, world.trainee.user):
        assert client_for(user).get(
            reverse(name, args=[world.colleague.pk])
        ).status_code in (302, 403)
    assert world.outsider.user.check_password(PASSWORD)


def test_the_person_pages_offer_the_resets(world, client_for):
    admin = client_for(world.org_admin.user)
    reset = reverse("people_login_reset", args=[world.colleague.pk])
    for name in ("edit", "inspect"):
        page = admin.get(reverse(f"people:{name}", args=[world.colleague.pk]))
        assert reset in page.content.decode(), name
    assert reset in admin.get(reverse("people:index")).content.decode()
    instructor = client_for(world.instructor.user)
    page = instructor.get(reverse("people:inspect", args=[world.colleague.pk]))
    assert reset not in page.content.decode()


# -- the admin pages ------------------------------------------------------------


def test_the_logins_page_ticks_those_without_a_login_and_shows_their_sheet(
    world, imported, client_for
):
    admin = client_for(world.org_admin.user)
    page = admin.get(reverse("people_logins")).content.decode()
    ticked = set(re.findall(r'name="person" value="(\d+)"[^>]*checked', page))
    assert ticked == {str(p.pk) for p in imported}
    assert world.outsider.name not in page
    # Has a password: not listed, only counted.
    assert f'data-person="{world.colleague.pk}"' not in page
    key = re.search(r'name="sheet" value="([0-9a-f-]{36})"', page).group(1)
    sheet = admin.post(
        reverse("people_logins_sheet"),
        {"sheet": key, "person": [str(p.pk) for p in imported]},
    )
    html = sheet.content.decode()
    assert sheet.status_code == 200 and "no-store" in sheet["Cache-Control"]
    assert len(re.findall(r"data-slip ", html)) == 3
    assert "@page { size: A4" in html and "/activate/" in html
    again = admin.post(
        reverse("people_logins_sheet"),
        {"sheet": key, "person": [str(p.pk) for p in imported]},
    )
    assert again.status_code == 409 and "data-code" not in again.content.decode()


def test_the_sheet_refuses_people_of_another_organisation(world, client_for):
    admin = client_for(world.org_admin.user)
    response = admin.post(
        reverse("people_logins_sheet"),
        {"sheet": str(uuid.uuid4()), "person": [str(world.outsider.pk)]},
    )
    assert response.status_code == 302
    assert "data-code" not in response.content.decode()
    assert not ActivationCode.objects.exists()


def test_the_logins_page_needs_the_right(world, client_for):
    for user in (world.instructor.user, world.station_staff.user):
        response = client_for(user).get(reverse("people_logins"))
        assert response.status_code in (302, 403)


def test_the_login_page_says_how_to_get_a_password(client):
    html = client.get(reverse("login")).content.decode()
    assert 'href="/activate/"' in html and "激活码" in html


def test_an_org_admin_cannot_reset_a_login_with_more_rights(world, client_for):
    """world.instructor works for the org admin's company but sees every
    organisation: with a code of theirs the org admin could sign in as them."""
    admin = world.org_admin.user
    for person in (world.instructor, world.org_admin):
        result = give([person], admin, reset=True)
        assert not result.issued and result.refused
    assert "系统管理员" in give([world.instructor], admin, reset=True).refused[0].reason
    assert world.instructor.user.check_password(PASSWORD)
    page = client_for(admin).post(
        reverse("people_login_reset", args=[world.instructor.pk]),
        {"sheet": str(uuid.uuid4())},
    )
    assert page.status_code == 302 and not ActivationCode.objects.exists()
    assert give([world.instructor], world.site_admin.user, reset=True).issued


def test_the_logins_page_lists_no_other_organisation(world, client_for):
    outsider = PersonFactory(organisation=world.other_company, name="外单位人员")
    admin = client_for(world.org_admin.user)
    page = admin.get(
        reverse("people_logins"), {"organisation": world.other_company.pk}
    ).content.decode()
    assert outsider.name not in page and 'name="person"' not in page


def test_the_logins_page_reads_a_constant_number_of_queries(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = client_for(world.org_admin.user)
    url = reverse("people_logins")
    admin.get(url)
    counts = []
    for _ in range(2):
        PersonFactory.create_batch(5, organisation=world.company)
        give([PersonFactory(organisation=world.company)], world.org_admin.user)
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
