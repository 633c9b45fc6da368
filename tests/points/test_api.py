"""The points API: schema, authentication and scoping like the roster API, and
dispatch order."""

import pytest

from lms.certs.api_keys import api_key_create


def get(client, url, key=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {key}"} if key else {}
    return client.get(url, params, **headers)


@pytest.mark.django_db
def test_schema_names_both_routes(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/points" in schema["paths"]
    assert "/api/v1/points/{code}" in schema["paths"]
    operation = schema["paths"]["/api/v1/points"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "near",
        "post",
        "qualification",
        "date",
    }
    assert {"ApiKeyAuth": []} in operation["security"]


@pytest.mark.django_db
def test_a_key_is_needed(points_world, client):
    assert get(client, "/api/v1/points").status_code == 401
    assert get(client, "/api/v1/points", key="sw_bad.key").status_code == 401


@pytest.mark.django_db
def test_a_key_sees_its_station_only(points_world, client):
    w = points_world
    data = get(client, "/api/v1/points", key=w.plaintext).json()
    assert [p["code"] for p in data["results"]] == ["PT-A", "PT-A2"]
    assert get(client, "/api/v1/points/PT-B", key=w.plaintext).status_code == 404
    _key, other = api_key_create(
        station=w.other_station, name="乙系统", actor=w.site_admin.user
    )
    data = get(client, "/api/v1/points", key=other).json()
    assert [p["code"] for p in data["results"]] == ["PT-B"]
    assert data["results"][0]["posts"][0]["deployable"] == 1


@pytest.mark.django_db
def test_dispatch_nearest_first_for_a_post(points_world, client):
    w = points_world
    data = get(
        client,
        "/api/v1/points",
        key=w.plaintext,
        near="22.545,114.049",
        post="PATROL",
    ).json()
    assert [p["code"] for p in data["results"]] == ["PT-A2", "PT-A"]
    first = data["results"][0]
    assert first["distance_km"] < 0.2
    assert first["posts"] == [
        {
            "post": "PATROL",
            "name": "巡逻",
            "need": 1,
            "assigned": 1,
            "deployable": 1,
            "gap": 0,
        }
    ]
    bad = get(client, "/api/v1/points", key=w.plaintext, near="north")
    assert bad.status_code == 400


@pytest.mark.django_db
def test_a_points_people_with_reasons(points_world, client):
    w = points_world
    data = get(client, "/api/v1/points/PT-A", key=w.plaintext).json()
    people = {p["name"]: p for p in data["people"]}
    assert people[w.trainee.name]["deployable"] is True
    assert people[w.colleague.name]["reasons"] == ["missing"]
    assert people[w.colleague.name]["id_number"].startswith("*")
