"""Faults for the degrade tests (tests/cms/test_degrade_*.py): a real Redis of our
own that can be stopped or paused, a server that accepts and never answers, a
database that cannot be reached, and a deadline so that a test of a hang fails
instead of hanging."""

import contextlib
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest
from django.db import connection

REDIS_PORT = 8185
HANGING_PORT = 8186
CLOSED_PORT = 8199  # nothing listens here


def _wait_for_port(port, timeout=5.0):
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=0.2),
        ):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


class RedisServer:
    """``redis-server`` on ``REDIS_PORT`` (no persistence), owned by the test."""

    def __init__(self, port=REDIS_PORT):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - a fixed local binary
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=5)

    def pause(self):
        """SIGSTOP: the port still accepts connections, nothing answers."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def redis_server():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def hanging_server():
    """A TCP server on ``HANGING_PORT`` that accepts connections and never answers:
    a Redis (or anything) that hangs. Yields its redis:// URL."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", HANGING_PORT))
    listener.listen(64)
    held = []
    stopping = threading.Event()

    def accept():
        while not stopping.is_set():
            try:
                conn, _addr = listener.accept()
            except OSError:
                return
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{HANGING_PORT}/0"
    stopping.set()
    # shutdown() wakes the thread blocked in accept(); close() alone would not, and
    # the port would stay open for the next test.
    with contextlib.suppress(OSError):
        listener.shutdown(socket.SHUT_RDWR)
    listener.close()
    thread.join(timeout=5)
    for conn in held:
        conn.close()


def redis_caches(url, **options):
    """A CACHES setting with the production backend and options at ``url``."""
    from django.conf import settings

    return {
        "default": {
            "BACKEND": "lms.core.redis_cache.TolerantRedisCache",
            "LOCATION": url,
            "OPTIONS": {**settings.REDIS_CACHE_OPTIONS, **options},
        }
    }


@pytest.fixture(autouse=True)
def _fresh_outage_state():
    """The outage state is per process and per Redis address: forget it between
    tests that use the same port."""
    from lms.core import ratelimit, redis_cache

    redis_cache._outages.clear()
    ratelimit._reported.clear()
    yield
    redis_cache._outages.clear()
    ratelimit._reported.clear()


@contextlib.contextmanager
def deadline(seconds):
    """Fail (instead of hanging) when the block takes longer than ``seconds``: a
    SIGALRM interrupts a blocking socket read in this thread."""

    def expired(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def database_down(django_db_blocker):
    """The default database cannot be reached: PostgreSQL on a closed port, SQLite
    in a directory that does not exist. Restored afterwards."""
    saved = dict(connection.settings_dict)
    with django_db_blocker.unblock():
        connection.close()
        if connection.vendor == "sqlite":
            connection.settings_dict["NAME"] = "/nonexistent/shouwang/down.sqlite3"
        else:
            connection.settings_dict["HOST"] = "127.0.0.1"
            connection.settings_dict["PORT"] = str(CLOSED_PORT)
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)
