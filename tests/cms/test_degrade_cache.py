"""Redis stopped, paused or hanging: pages still answer from the database, quickly,
sessions stay readable, the outage is logged once, not per call, and what was
written during the outage cannot be read stale afterwards (lms/core/redis_cache.py)."""

import logging
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lms.core.redis_cache import CacheUnavailable
from lms.drills import tokens
from lms.drills.models import Attendance
from tests.cms import degrade
from tests.cms.degrade import deadline, redis_caches
from tests.courses.conftest import build_course
from tests.factories import DrillFactory, QualificationRecordFactory
from tests.factories.people import PASSWORD

pytestmark = pytest.mark.django_db
# The fault fixtures (tests/cms/degrade.py).
_fresh_outage_state = degrade._fresh_outage_state
redis_server = degrade.redis_server
hanging_server = degrade.hanging_server


@pytest.fixture
def on_redis(settings):
    """``on_redis(url, **options)``: the production cache backend and session
    engine (lms.core.sessions, cached_db), as with REDIS_URL set."""

    def use(url, **options):
        settings.CACHES = redis_caches(url, **options)
        settings.SESSION_ENGINE = "lms.core.sessions"

    return use


@pytest.fixture
def pages(world):
    """What a trainee opens at a drill: the home page, a lesson, a certificate's
    verification page, and the drill's check-in."""
    course = build_course()
    drill = DrillFactory(organisations=[world.company], token_seconds=300)
    record = QualificationRecordFactory(person=world.trainee)
    token = tokens.token_for(drill, timezone.now())
    return {
        "home": "/",
        "lesson": course.lessons_in_order[0].url,
        "verify": f"/v/{record.code}",
        "checkin": reverse("checkin", args=[token]),
    }


def sign_in(client, username="t1"):
    response = client.post(
        reverse("login"), {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]


def visit(client, pages, world):
    """Open each page; each must answer (no 500) as the signed-in trainee."""
    home = client.get(pages["home"])
    assert home.status_code == 200
    assert world.trainee.name in home.content.decode()  # still signed in
    assert client.get(pages["lesson"]).status_code == 200
    assert client.get(pages["verify"]).status_code == 200
    assert client.get(pages["checkin"]).status_code == 200
    done = client.post(pages["checkin"], HTTP_ACCEPT="application/json")
    assert done.status_code == 200 and done.json()["ok"], done.content[:300]


def test_pages_and_sessions_work_after_redis_is_stopped(
    on_redis, redis_server, pages, world, caplog
):
    on_redis(redis_server.url)
    client = Client()
    sign_in(client)  # the session is in Redis and in the database
    client.get(pages["home"])  # warm the caches
    redis_server.stop()

    caplog.set_level(logging.WARNING, logger="shouwang")
    with deadline(10):
        visit(client, pages, world)  # the session is read from the database
        # Signing in works too (the failure counter cannot count: it lets it be).
        other = Client()
        sign_in(other, "t2")
        assert other.get("/").status_code == 200
    assert Attendance.objects.filter(person=world.trainee).count() == 1
    outages = [r for r in caplog.records if r.name == "shouwang.cache"]
    assert len(outages) == 1  # once, not once per cache call
    assert "unreachable" in outages[0].getMessage()


def test_signing_in_while_redis_is_stopped(on_redis, redis_server, pages, world):
    on_redis(redis_server.url)
    redis_server.stop()
    client = Client()
    with deadline(10):
        wrong = client.post(reverse("login"), {"username": "t1", "password": "nope"})
        assert wrong.status_code == 200  # the form again, with its error
        sign_in(client)
        visit(client, pages, world)


def test_a_hanging_redis_costs_a_request_well_under_a_second_or_so(
    on_redis, hanging_server, pages, world
):
    """Redis accepts connections and never answers: the first cache call waits for
    the socket timeout, the rest of the request (and the next ones) skip it."""
    on_redis(hanging_server)
    client = Client()
    slowest = 0.0
    with deadline(20):
        sign_in(client)
        for path in (pages["home"], pages["lesson"], pages["verify"]):
            started = time.monotonic()
            assert client.get(path).status_code == 200
            slowest = max(slowest, time.monotonic() - started)
        started = time.monotonic()
        done = client.post(pages["checkin"], HTTP_ACCEPT="application/json")
        slowest = max(slowest, time.monotonic() - started)
    assert done.json()["ok"]
    assert slowest < 1.2, slowest


def test_the_configured_timeouts_are_well_under_a_second(settings):
    options = settings.REDIS_CACHE_OPTIONS
    assert 0 < options["socket_connect_timeout"] <= 0.5
    assert 0 < options["socket_timeout"] <= 0.5


def test_a_paused_redis_is_skipped_after_the_first_timeout(
    on_redis, redis_server, caplog
):
    on_redis(redis_server.url)
    cache.set("kept", 1)
    redis_server.pause()
    try:
        with deadline(5):
            started = time.monotonic()
            assert cache.get("kept") is None  # a miss, after one timeout
            first = time.monotonic() - started
            started = time.monotonic()
            for _i in range(100):
                assert cache.get("kept") is None
                cache.set("other", 2)
            rest = time.monotonic() - started
    finally:
        redis_server.resume()
    assert first < 1.0
    assert rest < 0.1  # two hundred calls skipped, not timed out
    assert len([r for r in caplog.records if r.name == "shouwang.cache"]) == 1


def test_writes_lost_in_an_outage_are_not_read_stale_afterwards(
    on_redis, redis_server, caplog
):
    """Deleting a key while Redis is paused fails; once Redis answers again, the
    old value must not come back (it was an invalidation)."""
    on_redis(redis_server.url, down_seconds=0.2)
    cache.set("drill", "old")
    redis_server.pause()
    try:
        cache.delete("drill")  # lost
    finally:
        redis_server.resume()
    time.sleep(0.3)  # the outage interval passes
    assert cache.get("drill") is None
    assert any("flushed" in r.getMessage() for r in caplog.records)
    cache.set("drill", "new")
    assert cache.get("drill") == "new"  # and the cache works again


def test_a_counter_says_it_cannot_count(on_redis, redis_server):
    on_redis(redis_server.url)
    redis_server.stop()
    cache.add("n", 0)
    with pytest.raises(CacheUnavailable):
        cache.incr("n")
    assert issubclass(CacheUnavailable, ValueError)  # Django's "no such key"


def test_a_rate_limiter_that_cannot_count_lets_requests_through_and_says_so(
    on_redis, redis_server, settings, world, caplog
):
    settings.CERTS_VERIFY_RATE_PER_MINUTE = 1
    record = QualificationRecordFactory(person=world.trainee)
    on_redis(redis_server.url)
    client = Client()
    assert client.get(f"/v/{record.code}").status_code == 200
    assert client.get(f"/v/{record.code}").status_code == 429  # counting works
    redis_server.stop()
    for _i in range(3):
        assert client.get(f"/v/{record.code}").status_code == 200
    cannot = [r for r in caplog.records if "cannot count" in r.getMessage()]
    assert len(cannot) == 1 and "certs-verify" in cannot[0].getMessage()


def test_a_password_in_the_redis_url_is_not_logged(on_redis, caplog):
    on_redis("redis://:s3cret@127.0.0.1:8199/0")
    assert cache.get("x") is None
    message = next(r.getMessage() for r in caplog.records if "unreachable" in r.msg)
    assert "s3cret" not in message and "127.0.0.1:8199" in message


def test_a_scan_delayed_by_a_slow_cache_counts_when_it_arrived(
    client_for, world, monkeypatch
):
    """The scan's time is taken when the request arrives, before any cache call:
    a check-in held up by a hanging cache is not refused as expired."""
    import time_machine

    from lms.drills import views

    drill = DrillFactory(organisations=[world.company], token_seconds=30)
    arrived = timezone.now()
    token = tokens.token_for(drill, arrived)
    client = client_for(world.trainee.user)
    read_drill = views.selectors.drill_for_checkin
    with time_machine.travel(arrived, tick=False) as clock:

        def slow_cache(pk, **kwargs):
            clock.shift(3 * drill.token_seconds)  # the code moved on meanwhile
            return read_drill(pk, **kwargs)

        monkeypatch.setattr(views.selectors, "drill_for_checkin", slow_cache)
        done = client.post(
            reverse("checkin", args=[token]), HTTP_ACCEPT="application/json"
        )
    assert done.status_code == 200 and done.json()["ok"], done.content[:300]
    attendance = Attendance.objects.get(person=world.trainee)
    assert attendance.scanned_at == arrived
