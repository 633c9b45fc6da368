"""cms/db/postgresql: a kept connection is checked on its socket before a request
uses it (no round trip), and one the server ended is replaced without a failed
request."""

import select
import time

import psycopg
import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's health check"
    ),
]


def new_request():
    """What Django's close_old_connections does to a kept connection when a
    request starts (the tests' connection is not kept, CONN_MAX_AGE 0): the next
    query checks it first."""
    assert connection.health_check_enabled
    connection.health_check_done = False


def statements_sent(monkeypatch):
    sent = []
    cursor = connection.connection.cursor

    def counting_cursor(*args, **kwargs):
        sent.append(args)
        return cursor(*args, **kwargs)

    monkeypatch.setattr(connection.connection, "cursor", counting_cursor)
    return sent


def test_a_live_idle_connection_is_kept_without_a_round_trip(monkeypatch):
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    new_request()
    sent = statements_sent(monkeypatch)
    assert connection.is_usable()
    assert sent == []  # Django's own check would have sent SELECT 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == pid


def test_a_connection_the_server_ended_is_replaced_before_the_query():
    connection.ensure_connection()
    ended = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [ended])
    # The backend's termination notice and the end of the stream reach the socket.
    poller = select.poll()
    poller.register(connection.connection.fileno(), select.POLLIN)
    deadline = time.monotonic() + 5
    while not poller.poll(50) and time.monotonic() < deadline:
        pass
    new_request()
    with connection.cursor() as cursor:  # no error: a fresh connection
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != ended


def test_a_broken_or_busy_connection_gets_django_s_check(monkeypatch):
    connection.ensure_connection()
    sent = statements_sent(monkeypatch)
    with connection.connection.transaction():  # not idle: asked with SELECT 1
        assert connection.is_usable()
    assert len(sent) == 1
    monkeypatch.setattr(type(connection.connection), "broken", True, raising=False)
    assert not connection.is_usable()
