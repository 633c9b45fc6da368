"""Logs: every request error with its traceback, as a JSON line with the request's
id, never a phone or ID number (cms/logs.py); the request id itself
(cms/middleware.py)."""

import json
import logging
import logging.config
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path

from cms.logs import PersonalDataFilter, config, mask
from tests.cms.test_settings import PRODUCTION_ENV

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"
ROOT = Path(__file__).resolve().parents[2]


def broken_view(request):
    raise RuntimeError(f"lookup failed for {PHONE} / {ID_NUMBER}")


urlpatterns = [path("broken/", broken_view)]
handler500 = "cms.middleware.server_error"


# --- masking -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"phone {PHONE}.", "phone *******5678."),
        (f"id={ID_NUMBER}", "id=**************002X"),
        ("id 110105194912310021 ok", "id **************0021 ok"),
        (f"{PHONE},{ID_NUMBER}", "*******5678,**************002X"),
        ("url /people/13900000001/edit", "url /people/*******0001/edit"),
        # The spellings the sign-in accepts.
        ("login +8613812345678 failed", "login *******5678 failed"),
        ("login 86-138-1234-5678 failed", "login *******5678 failed"),
        ("login 138 1234 5678 failed", "login *******5678 failed"),
        ("login 138-1234-5678 failed", "login *******5678 failed"),
    ],
)
def test_phone_and_id_numbers_are_masked(text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "serial SW-2026-900001",
        "an order 1381234567890 (13 digits)",  # not a phone number
        "12345678901",  # 11 digits that are no mobile number (starts 12)
        "drill 1-20790-a345bfebf6126a3e",
        "uuid 6297393ab20f4cda9f87ac00e12fedfc",
    ],
)
def test_other_numbers_are_left_alone(text):
    assert mask(text) == text


def test_the_filter_masks_arguments_and_tracebacks():
    try:
        raise ValueError(f"duplicate phone {PHONE}")
    except ValueError:
        record = logging.LogRecord(
            "shouwang.test",
            logging.ERROR,
            __file__,
            1,
            "Failed sign-in for %r",
            (ID_NUMBER,),
            sys.exc_info(),
        )
    PersonalDataFilter().filter(record)
    line = logging.Formatter().format(record)
    assert PHONE not in line and ID_NUMBER not in line
    assert "*******5678" in line and "**************002X" in line
    assert "Traceback" in line and "ValueError" in line


# --- the request id --------------------------------------------------------------


def test_each_response_carries_a_new_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second
    assert uuid.UUID(first).version == 4


def test_a_request_id_from_a_client_is_ignored(client, settings):
    settings.TRUSTED_PROXIES = []
    response = client.get("/healthz", HTTP_X_REQUEST_ID="forged-id-123")
    assert response["X-Request-ID"] != "forged-id-123"


def test_a_trusted_proxys_request_id_is_kept(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client = Client(REMOTE_ADDR="127.0.0.1")
    response = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-3f2a9c0d41")
    assert response["X-Request-ID"] == "nginx-3f2a9c0d41"
    # Not a plain token (a line break, spaces): replaced.
    bad = client.get("/healthz", HTTP_X_REQUEST_ID="a b\nINFO forged line")
    assert bad["X-Request-ID"] != "a b\nINFO forged line"
    assert uuid.UUID(bad["X-Request-ID"])


# --- the error line -------------------------------------------------------------


@pytest.fixture
def json_logging(settings):
    """``json_logging()``: the production logging configuration, writing to the
    test's stdout. Called in the test itself: capsys replaces stdout anew for each
    phase, so a handler made while fixtures are set up writes to a closed file."""
    yield lambda: logging.config.dictConfig(config(json_lines=True))
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.urls(__name__)
def test_a_server_error_is_one_json_line_with_id_and_traceback_and_no_pii(
    json_logging, capsys
):
    json_logging()
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    out = capsys.readouterr().out
    assert PHONE not in out and ID_NUMBER not in out
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert error["logger"] == "django.request"
    assert error["request_id"] == response["X-Request-ID"]
    assert error["status"] == 500
    assert (error["method"], error["path"]) == ("GET", "/broken/")
    assert "Traceback" in error["exc"] and "RuntimeError" in error["exc"]
    assert "broken_view" in error["exc"]
    assert "*******5678" in error["exc"]


def test_production_logs_json_and_exempts_the_probes_from_https():
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PII_", "SECRET", "CERTS_"))
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("LOG_FORMAT", None)
    code = (
        "import cms.settings.production as p; "
        "print(p.LOGGING['handlers']['console']['formatter']); "
        "print(p.SECURE_REDIRECT_EXEMPT)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    formatter, exempt = result.stdout.splitlines()
    assert formatter == "json"
    assert "healthz" in exempt and "readyz" in exempt
