import pytest
from axes.exceptions import AxesBackendRequestParameterRequired
from django.contrib.auth import authenticate as django_authenticate
from django.test import RequestFactory

from tests.factories import UserFactory
from tests.factories.people import PASSWORD


def authenticate(**credentials):
    """Sign-in as the login form does it: with the request, which the lock-out
    (django-axes, first in AUTHENTICATION_BACKENDS) needs."""
    request = RequestFactory().post("/login/", REMOTE_ADDR="203.0.113.9")
    return django_authenticate(request, **credentials)


@pytest.fixture
def user(db):
    return UserFactory(username="wangjg", phone="13912345678")


@pytest.mark.parametrize(
    "identifier", ["13912345678", "139 1234 5678", "+86 139-1234-5678", "wangjg"]
)
def test_signs_in_by_phone_or_username(user, identifier):
    assert authenticate(username=identifier, password=PASSWORD) == user


def test_wrong_password_or_unknown_account_fail(user):
    assert authenticate(username="13912345678", password="wrong") is None
    assert authenticate(username="13900000000", password=PASSWORD) is None


def test_inactive_accounts_cannot_sign_in(user):
    user.is_active = False
    user.save()
    assert authenticate(username="wangjg", password=PASSWORD) is None


@pytest.mark.django_db
def test_a_phone_that_is_someone_elses_username_finds_the_phone_owner():
    owner = UserFactory(username="owner", phone="13700000001")
    UserFactory(username="13700000001", phone="13700000002")
    assert authenticate(username="13700000001", password=PASSWORD) == owner


def test_a_sign_in_without_the_request_is_refused(user):
    """The lock-out cannot be bypassed by a caller that forgets the request."""
    with pytest.raises(AxesBackendRequestParameterRequired):
        django_authenticate(username="wangjg", password=PASSWORD)
