import pytest
from django.http import HttpRequest
from django.test import Client

from lms.people.constants import Role
from tests.factories import OrganisationFactory, StationFactory, person_with_role
from tests.factories.people import PASSWORD


@pytest.fixture(autouse=True)
def _chinese_by_default(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _empty_cache():
    """The local-memory cache outlives a test; counters must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cache_calls(monkeypatch):
    """The names of the default cache's calls (round trips with Redis), in order:
    outermost calls only, as locmem's ``get_many`` calls ``get`` for each key."""
    from django.core.cache import caches

    made, busy = [], []
    cache = caches["default"]
    for name in ("get", "get_many", "set", "add", "delete"):
        original = getattr(cache, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            if not busy:
                made.append(_name)
            busy.append(_name)
            try:
                return _original(*args, **kwargs)
            finally:
                busy.pop()

        monkeypatch.setattr(cache, name, counted)
    return made


@pytest.fixture(autouse=True)
def _test_client_login_passes_a_request(monkeypatch):
    """django-axes, first in AUTHENTICATION_BACKENDS, refuses ``authenticate()``
    without the request (so that nothing can skip the lock-out), and Django's
    ``Client.login()`` (Wagtail's test ``login()`` too) passes none: give it one,
    as axes' documentation advises for the test client."""
    original = Client.login

    def login(self, **credentials):
        credentials.setdefault("request", HttpRequest())
        return original(self, **credentials)

    monkeypatch.setattr(Client, "login", login)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def world(db):
    """Two stations; under the first a company and a point, under the second another
    company; one person of each role where the scoping tests need them."""

    class World:
        pass

    w = World()
    w.station = StationFactory(code="PCS-A", name="甲派出所")
    w.other_station = StationFactory(code="PCS-B", name="乙派出所")
    w.company = OrganisationFactory(
        code="CO-A", name="甲保安公司", supervising_station=w.station
    )
    w.point = OrganisationFactory(
        code="PT-A",
        name="甲点位",
        kind="co_governance_point",
        point_category="B",
        supervising_station=w.station,
    )
    w.other_company = OrganisationFactory(
        code="CO-B", name="乙保安公司", supervising_station=w.other_station
    )
    w.trainee = person_with_role(Role.TRAINEE, organisation=w.company, username="t1")
    w.colleague = person_with_role(Role.TRAINEE, organisation=w.company, username="t2")
    w.outsider = person_with_role(
        Role.TRAINEE, organisation=w.other_company, username="t3"
    )
    w.point_guard = person_with_role(Role.TRAINEE, organisation=w.point, username="t4")
    w.org_admin = person_with_role(
        Role.ORG_ADMIN, organisation=w.company, username="oa"
    )
    w.station_staff = person_with_role(
        Role.STATION_STAFF, organisation=w.station, username="ss"
    )
    w.instructor = person_with_role(
        Role.INSTRUCTOR, organisation=w.company, username="in"
    )
    w.site_admin = person_with_role(
        Role.SITE_ADMIN, organisation=w.station, username="sa"
    )
    return w


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for():
    return login
