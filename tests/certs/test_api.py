"""API keys (lms.certs.api_keys), the roster API and its schema (lms.certs.api)."""

import base64
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from lms.certs.api_keys import api_key_check, api_key_create, api_key_revoke
from lms.certs.models import ApiKey, Post, VerificationLog
from lms.people.constants import Role
from lms.points.models import PointAssignment
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PostFactory,
    QualificationRecordFactory,
    QualificationTypeFactory,
    person_with_role,
)
from tests.factories.people import PASSWORD

URL = "/api/v1/roster"
POINTS = "/api/v1/points"


def make_post(**kwargs):
    post = PostFactory(**kwargs)
    post.save()  # persists the ParentalManyToManyField (see test_roster)
    return post


@pytest.fixture
def api_world(world):
    duty = QualificationTypeFactory(code="DUTY", name="上岗")
    make_post(code="GATE", name="门卫", required_types=[duty])
    QualificationRecordFactory(person=world.trainee, qualification_type=duty)
    world.duty = duty
    world.key, world.plaintext = api_key_create(
        station=world.station, name="勤务系统", actor=world.station_staff.user
    )
    return world


def _get(client, key=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {key}"} if key else {}
    return client.get(URL, params, **headers)


# --- keys ------------------------------------------------------------------------


@pytest.mark.django_db
def test_key_is_stored_hashed(api_world):
    key, plaintext = api_world.key, api_world.plaintext
    assert reverse("api-roster") == URL
    assert plaintext.startswith(f"sw_{key.prefix}.")
    assert len(plaintext) > 40
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM certs_apikey")
        dump = repr(cursor.fetchall())
    assert plaintext not in dump
    assert plaintext.split(".", 1)[1] not in dump
    assert len(key.key_hash) == 64


@pytest.mark.django_db
def test_only_own_station_staff_make_keys(api_world):
    w = api_world
    with pytest.raises(PermissionDenied):
        api_key_create(station=w.other_station, name="x", actor=w.station_staff.user)
    with pytest.raises(PermissionDenied):
        api_key_create(station=w.station, name="x", actor=w.trainee.user)
    with pytest.raises(PermissionDenied):
        api_key_revoke(key=w.key, actor=w.org_admin.user)


@pytest.mark.django_db
def test_valid_key_reads_its_station(api_world, client):
    w = api_world
    response = _get(client, w.plaintext)
    assert response.status_code == 200
    data = response.json()
    names = {row["name"] for row in data["results"]}
    assert w.trainee.name in names and w.point_guard.name in names
    assert w.outsider.name not in names
    trainee = next(r for r in data["results"] if r["name"] == w.trainee.name)
    assert trainee["id_number"] == w.trainee.id_number_masked
    assert w.trainee.id_number not in response.content.decode()
    assert trainee["posts"] == [{"post": "GATE", "deployable": True, "reasons": []}]
    colleague = next(r for r in data["results"] if r["name"] == w.colleague.name)
    assert colleague["posts"][0]["reasons"] == [
        {"reason": "missing", "qualification": "DUTY"}
    ]
    assert data["posts"] == [{"code": "GATE", "name": "门卫", "requires": ["DUTY"]}]


@pytest.mark.django_db
def test_filters_as_parameters(api_world, client):
    w = api_world
    data = _get(client, w.plaintext, deployable="true", post="GATE").json()
    assert [r["name"] for r in data["results"]] == [w.trainee.name]
    # The people assigned to the point that day (lms/points), not its employees.
    PointAssignment.objects.create(
        person=w.colleague,
        point=w.point,
        post=Post.objects.get(code="GATE"),
        valid_from=timezone.localdate(),
    )
    data = _get(client, w.plaintext, point=w.point.code).json()
    assert [r["name"] for r in data["results"]] == [w.colleague.name]
    data = _get(client, w.plaintext, organisation="NO-SUCH").json()
    assert data["count"] == 0
    assert _get(client, w.plaintext, expiring_within="-1").status_code == 400


@pytest.mark.django_db
def test_other_stations_key_sees_only_its_station(api_world, client):
    w = api_world
    user = person_with_role(Role.STATION_STAFF, organisation=w.other_station).user
    _key, plaintext = api_key_create(station=w.other_station, name="乙", actor=user)
    names = {r["name"] for r in _get(client, plaintext).json()["results"]}
    assert w.outsider.name in names
    assert w.trainee.name not in names and w.point_guard.name not in names


@pytest.mark.django_db
@pytest.mark.parametrize(
    "mangle",
    [
        lambda k: k[:-2] + ("ab" if not k.endswith("ab") else "cd"),
        lambda k: "sw_0000000000.nothing",
        lambda k: "garbage",
        lambda k: "",
    ],
)
def test_wrong_key_is_401(api_world, client, mangle):
    key = mangle(api_world.plaintext)
    response = client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert response.status_code == 401


@pytest.mark.django_db
def test_no_credentials_is_401(client, db):
    response = client.get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


@pytest.mark.django_db
def test_revoked_key_is_401(api_world, client):
    w = api_world
    assert _get(client, w.plaintext).status_code == 200
    api_key_revoke(key=w.key, actor=w.station_staff.user)
    assert _get(client, w.plaintext).status_code == 401
    assert api_key_check(w.plaintext) is None


@pytest.mark.django_db
def test_last_used_at_is_written_at_most_once_a_minute(api_world, client):
    w = api_world
    assert _get(client, w.plaintext).status_code == 200
    first = ApiKey.objects.get(pk=w.key.pk).last_used_at
    assert first is not None
    assert _get(client, w.plaintext).status_code == 200
    assert ApiKey.objects.get(pk=w.key.pk).last_used_at == first
    ApiKey.objects.filter(pk=w.key.pk).update(last_used_at=first - timedelta(minutes=2))
    assert _get(client, w.plaintext).status_code == 200
    assert ApiKey.objects.get(pk=w.key.pk).last_used_at > first - timedelta(seconds=1)


@pytest.mark.django_db
def test_session_of_station_staff(api_world, client_for):
    w = api_world
    response = client_for(w.station_staff.user).get(URL)
    assert response.status_code == 200
    names = {r["name"] for r in response.json()["results"]}
    assert w.trainee.name in names and w.outsider.name not in names
    assert client_for(w.trainee.user).get(URL).status_code == 403


@pytest.mark.django_db
def test_api_queries_do_not_grow(api_world, client, django_assert_max_num_queries):
    w = api_world
    company = OrganisationFactory(supervising_station=w.station)
    counts = []
    for n in (3, 27):
        for _ in range(n):
            person = PersonFactory(organisation=company)
            QualificationRecordFactory(person=person, qualification_type=w.duty)
        ApiKey.objects.filter(pk=w.key.pk).update(last_used_at=timezone.now())
        with django_assert_max_num_queries(10) as captured:
            assert _get(client, w.plaintext).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- key pages -------------------------------------------------------------------


@pytest.mark.django_db
def test_key_page_shows_key_once_and_revokes(world, client_for):
    client = client_for(world.station_staff.user)
    response = client.post(reverse("certs-api-keys"), {"name": "调度"})
    assert response.status_code == 302 and response.url == reverse("certs-api-keys")
    key = ApiKey.objects.get(station=world.station)
    shown = client.get(response.url)
    assert shown["Cache-Control"] == "no-store"
    plaintext = re.search(r"data-api-key>([^<]+)<", shown.content.decode()).group(1)
    assert plaintext.startswith(f"sw_{key.prefix}.")
    assert api_key_check(plaintext) == key
    # Reloading shows the list, not the key, and makes nothing.
    again = client.get(reverse("certs-api-keys")).content.decode()
    assert "调度" in again
    assert f"sw_{key.prefix}." not in again
    assert ApiKey.objects.filter(station=world.station).count() == 1
    response = client.post(reverse("certs-api-key-revoke", args=[key.pk]))
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


@pytest.mark.django_db
def test_key_page_is_per_station(world, client_for):
    other_key, _plain = api_key_create(
        station=world.other_station, name="乙系统", actor=_superuser()
    )
    client = client_for(world.station_staff.user)
    assert "乙系统" not in client.get(reverse("certs-api-keys")).content.decode()
    response = client.post(reverse("certs-api-key-revoke", args=[other_key.pk]))
    assert response.status_code == 404
    assert (
        client_for(world.trainee.user).get(reverse("certs-api-keys")).status_code == 403
    )


def _superuser():
    from lms.people.models import User

    return User.objects.create_superuser("root", password="x")


# --- schema and docs ----------------------------------------------------------------


@pytest.mark.django_db
def test_schema_documents_roster_and_key_scheme(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/roster" in schema["paths"]
    scheme = schema["components"]["securitySchemes"]["ApiKeyAuth"]
    assert scheme == {
        **scheme,
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
    }
    operation = schema["paths"]["/api/v1/roster"]["get"]
    assert {"ApiKeyAuth": []} in operation["security"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "date",
        "post",
        "deployable",
        "page",
    }
    assert not any(path.startswith("/admin") for path in schema["paths"])


@pytest.mark.django_db
def test_docs_page_uses_no_cdn(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html and "jsdelivr" not in html and "unpkg" not in html
    assert "drf_spectacular_sidecar" in html


# --- what the API authenticates (issue 12: no password oracle) ----------------------


def _basic(username, password):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.mark.django_db
def test_only_api_keys_and_sessions_authenticate():
    from rest_framework.authentication import BasicAuthentication
    from rest_framework.settings import api_settings

    from lms.certs.api_auth import ApiKeyAuthentication

    classes = api_settings.DEFAULT_AUTHENTICATION_CLASSES
    assert BasicAuthentication not in classes
    assert classes[0] is ApiKeyAuthentication


@pytest.mark.django_db
def test_basic_credentials_never_reach_the_password_check(world, client):
    """A Basic header is ignored: the right password and a wrong one get the same
    answer, nobody is signed in, and no password is ever checked (was: a wrong
    password answered 403, the right one 200, unthrottled)."""
    record = QualificationRecordFactory(person=world.trainee)
    url = reverse("api-verify", args=[record.code])
    user = world.station_staff.user
    with mock.patch.object(
        type(user), "check_password", autospec=True, return_value=True
    ) as check_password:
        right = client.get(url, **_basic(user.username, PASSWORD))
        wrong = [client.get(url, **_basic(user.username, "guess")) for _ in range(3)]
    check_password.assert_not_called()
    assert right.status_code == 200
    assert [r.status_code for r in wrong] == [200] * 3
    assert right.json()["verdict"] == wrong[0].json()["verdict"]
    assert not VerificationLog.objects.exclude(user=None).exists()


@pytest.mark.django_db
def test_basic_credentials_do_not_open_the_roster(api_world, client):
    user = api_world.station_staff.user
    for password in (PASSWORD, "guess"):
        response = client.get(URL, **_basic(user.username, password))
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Api-Key"


# --- every status in the schema (issue 12, 3) ---------------------------------------

ERROR_BODY = {"$ref": "#/components/schemas/ErrorOut"}
DOCUMENTED = {
    ("/api/v1/roster", "get"): {"200", "400", "401", "403", "404", "429"},
    ("/api/v1/verify/{code}", "get"): {"200", "401", "429"},
    ("/api/v1/points", "get"): {"200", "400", "401", "403", "404", "429"},
    ("/api/v1/points/{code}", "get"): {"200", "400", "401", "403", "404", "429"},
}


def _schema(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_schema_documents_every_status_of_every_operation(client):
    schema = _schema(client)
    operations = {
        (path, method): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    assert set(operations) == set(DOCUMENTED)  # no public operation left out
    for name, codes in DOCUMENTED.items():
        responses = operations[name]["responses"]
        assert set(responses) == codes, name
        for code in codes - {"200", "400"}:
            body = responses[code]["content"]["application/json"]["schema"]
            assert body == ERROR_BODY, (name, code)
            assert responses[code]["description"], (name, code)
        assert "Retry-After" in responses["429"]["headers"]
        assert "WWW-Authenticate" in responses["401"]["headers"]
        assert {"ApiKeyAuth": []} in operations[name]["security"]
        assert not any(
            "basic" in str(item).lower() for item in operations[name]["security"]
        )
    roster_400 = operations[("/api/v1/roster", "get")]["responses"]["400"]
    field_errors = roster_400["content"]["application/json"]["schema"]
    assert field_errors["additionalProperties"]["type"] == "array"
    error = schema["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"]
    assert "basicAuth" not in schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_every_documented_status_is_one_the_api_really_answers(
    api_world, client, client_for, settings
):
    """The other half: each documented status is provoked, with its body."""
    settings.AXES_FAILURE_LIMIT = 2
    settings.CERTS_VERIFY_RATE_PER_MINUTE = 3
    w = api_world
    good = {"HTTP_AUTHORIZATION": f"Api-Key {w.plaintext}"}
    bad = {"HTTP_AUTHORIZATION": "Api-Key sw_0000000000.nothing"}
    locked = {"REMOTE_ADDR": "198.51.100.66"}
    client.get(URL, **bad, **locked)  # one failure; the next one locks
    record = QualificationRecordFactory(person=w.trainee)
    verify_url = reverse("api-verify", args=[record.code])
    point_url = reverse("api-point", args=[w.point.code])
    answers = {
        "/api/v1/roster": {
            "200": client.get(URL, **good),
            "400": client.get(URL, {"date": "yesterday"}, **good),
            "401": client.get(URL),
            "403": client_for(w.trainee.user).get(URL),
            "404": client.get(URL, {"page": 99}, **good),
            "429": client.get(URL, **bad, **locked),
        },
        "/api/v1/points": {
            "200": client.get(POINTS, **good),
            "400": client.get(POINTS, {"date": "yesterday"}, **good),
            "401": client.get(POINTS),
            "403": client_for(w.trainee.user).get(POINTS),
            "404": client.get(POINTS, {"page": 99}, **good),
            "429": client.get(POINTS, **bad, **locked),
        },
        "/api/v1/points/{code}": {
            "200": client.get(point_url, **good),
            "400": client.get(point_url, {"date": "yesterday"}, **good),
            "401": client.get(point_url),
            "403": client_for(w.trainee.user).get(point_url),
            "404": client.get(reverse("api-point", args=["NO-SUCH"]), **good),
            "429": client.get(point_url, **bad, **locked),
        },
        "/api/v1/verify/{code}": {
            "200": client.get(verify_url),
            "401": client.get(verify_url, **bad),
            "429": [client.get(verify_url) for _ in range(3)][-1],
        },
    }
    for (path, _method), codes in DOCUMENTED.items():
        assert set(answers[path]) == codes
        for code, response in answers[path].items():
            assert response.status_code == int(code), (path, code)
            body = response.json()
            if code == "400":
                assert body == {"date": [mock.ANY]}
            elif code != "200":
                assert set(body) == {"detail"} and body["detail"], (path, code)
        assert answers[path]["429"]["Retry-After"].isdigit()
        assert answers[path]["401"]["WWW-Authenticate"] == "Api-Key"
