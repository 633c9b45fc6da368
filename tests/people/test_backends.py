import pytest
from django.contrib.auth import authenticate

from tests.factories import UserFactory
from tests.factories.people import PASSWORD


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
