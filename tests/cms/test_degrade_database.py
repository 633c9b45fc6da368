"""The database cannot be reached: pages answer a clear 503 in the user's language,
the API a JSON 503, whether the error comes from a view or from a middleware, and
the error is logged with its traceback (cms/middleware.py ``server_error``)."""

import logging

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from tests.cms import degrade

database_down = degrade.database_down


def session_writing_view(request):
    """The view itself never touches the database; the session middleware saves
    the session after it."""
    request.session["seen"] = True
    return HttpResponse("ok")


def broken_view(request):
    raise RuntimeError("not the database")


urlpatterns = [
    path("writes-session/", session_writing_view),
    path("broken/", broken_view),
]
handler500 = "cms.middleware.server_error"


def get(path, **headers):
    return Client(raise_request_exception=False).get(path, **headers)


def test_a_page_answers_503_in_chinese(database_down):
    response = get("/")
    assert response.status_code == 503
    assert response["Retry-After"]
    page = response.content.decode()
    assert "服务暂时不可用" in page and "暂时无法使用" in page
    assert 'lang="zh-Hans"' in page


def test_a_page_answers_503_in_english_for_an_english_reader(database_down):
    response = get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    page = response.content.decode()
    assert "temporarily unavailable" in page and 'lang="en"' in page


def test_a_signed_in_visitor_gets_the_503_too(database_down):
    """The session and the user are read from the database: that fails inside the
    view's request, and the answer is still the 503 page."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "x" * 32
    response = client.get("/learn/")
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()


def test_the_api_answers_json_503(database_down):
    response = get("/api/v1/verify/ABCDEFGHJKMNPQRS")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "service_unavailable"


def test_the_check_in_script_gets_json_503(database_down):
    response = get("/c/1-1-0123456789abcdef", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response.json()["error"] == "service_unavailable"


@pytest.mark.urls(__name__)
def test_a_database_error_in_a_middleware_after_the_view_is_a_503(database_down):
    response = get("/writes-session/")
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()


def test_the_error_is_logged_with_its_traceback(database_down, caplog):
    caplog.set_level(logging.ERROR, logger="django.request")
    get("/")
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR and record.status_code == 503
    assert record.exc_info and "OperationalError" in repr(record.exc_info[1].__class__)


@pytest.mark.urls(__name__)
def test_other_errors_keep_the_500_page():
    response = get("/broken/")
    assert response.status_code == 500
    assert "出错了" in response.content.decode()
