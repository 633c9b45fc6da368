"""The player and package files answer on the content origin only."""

import json

import pytest
from django.test import Client

from lms.h5p.tokens import parent_origin_sign
from tests.h5p.conftest import CONTENT_HOST, upload_fixture


@pytest.fixture
def package(db):
    return upload_fixture("h5p-standalone-h5p-test.h5p")


def player_url(package, **query):
    from urllib.parse import urlencode

    url = f"/h5p/play/{package.content_hash}/"
    return f"{url}?{urlencode(query)}" if query else url


def test_player_answers_on_the_content_origin(package):
    iri = "http://127.0.0.1:8000/h5p/activity/1/b/abc"
    response = Client().get(player_url(package, iri=iri), HTTP_HOST=CONTENT_HOST)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors http://127.0.0.1:8000" in csp
    assert "connect-src http://localhost:8000" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    # X_FRAME_OPTIONS = "DENY" site-wide; the player relies on frame-ancestors.
    assert "X-Frame-Options" not in response
    html = response.content.decode()
    assert "http://localhost:8000/static/vendor/h5p-standalone/main.bundle.js" in html
    # Ours are written into the page (two requests fewer on 3G).
    assert "shouwang.h5p.xapi" in html  # js/h5p-player.js
    config = json.loads(
        html.split('id="h5p-config" type="application/json">')[1].split("</script>")[0]
    )
    # The light player (lms/h5p/light.py): libraries bundled, content where it is.
    light = f"http://localhost:8000/h5p/light/{package.content_hash}"
    assert config["h5pJsonPath"] == config["librariesPath"] == light
    assert config["contentJsonPath"] == (
        f"http://localhost:8000/h5p/content/{package.content_hash}/content"
    )
    assert config["xAPIObjectIRI"] == iri
    assert config["parentOrigin"] == "http://127.0.0.1:8000"
    # Storage that works when the browser refuses the (third-party) content origin
    # any: written into its page before the player; in the content's own frame it is
    # inside the bundle (tests/h5p/test_light.py), no longer a customJs file.
    storage = "shouwangStorageFallback"  # js/h5p-storage.js
    assert "customJs" not in config and "customCss" not in config
    assert html.index(storage) < html.index('main.bundle.js"></script>')
    # What the player reads one after the other is asked for at once.
    for url in (
        f"{light}/h5p.json",
        f"{light}/H5P.TrueFalse-1.6/library.json",
        f"{light}/H5P.TrueFalse-1.6/bundle.js",
        f"{light}/H5P.TrueFalse-1.6/bundle.css",
        "http://localhost:8000/static/vendor/h5p-standalone/frame.bundle.js",
    ):
        assert 'rel="preload" as="' in html and f'href="{url}"' in html, url


def test_player_takes_a_signed_parent_origin_only(package):
    signed = parent_origin_sign("https://train.example.cn")
    response = Client().get(player_url(package, parent=signed), HTTP_HOST=CONTENT_HOST)
    assert (
        "frame-ancestors https://train.example.cn"
        in response["Content-Security-Policy"]
    )
    forged = "https://evil.example.com:abc"
    response = Client().get(player_url(package, parent=forged), HTTP_HOST=CONTENT_HOST)
    assert (
        "frame-ancestors http://127.0.0.1:8000" in response["Content-Security-Policy"]
    )


@pytest.mark.parametrize("host", ["testserver", "127.0.0.1:8000", "localhost:8001"])
def test_player_is_not_served_on_the_site_origin(package, host):
    assert Client().get(player_url(package), HTTP_HOST=host).status_code == 404


def test_player_of_unknown_package(db):
    url = "/h5p/play/" + "0" * 64 + "/"
    assert Client().get(url, HTTP_HOST=CONTENT_HOST).status_code == 404


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("h5p.json", "application/json"),
        ("content/content.json", "application/json"),
        ("H5P.TrueFalse-1.6/scripts/h5p-true-false.js", "text/javascript"),
        ("H5P.TrueFalse-1.6/styles/h5p-true-false.css", "text/css"),
        ("FontAwesome-4.5/fontawesome-webfont.woff2", "font/woff2"),
    ],
)
def test_content_files_with_their_content_type(package, path, content_type):
    url = f"/h5p/content/{package.content_hash}/{path}"
    response = Client().get(url, HTTP_HOST=CONTENT_HOST)
    assert response.status_code == 200, path
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content)


def test_content_files_are_not_served_on_the_site_origin(package):
    url = f"/h5p/content/{package.content_hash}/h5p.json"
    assert Client().get(url).status_code == 404
    assert Client().get(url, HTTP_HOST="127.0.0.1:8000").status_code == 404


@pytest.mark.parametrize(
    "path", ["missing.json", "content/../h5p.json", "content/.hidden", "a//b.json"]
)
def test_content_paths_outside_the_package(package, path):
    url = f"/h5p/content/{package.content_hash}/{path}"
    assert Client().get(url, HTTP_HOST=CONTENT_HOST).status_code == 404


def test_vendored_player_is_served_as_static(db):
    response = Client().get(
        "/static/vendor/h5p-standalone/main.bundle.js", HTTP_HOST=CONTENT_HOST
    )
    assert response.status_code == 200


def test_content_origin_middleware_keeps_the_content_host_to_h5p(package, settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:2],
        "lms.h5p.middleware.ContentOriginMiddleware",
        *settings.MIDDLEWARE[2:],
    ]
    client = Client()
    assert client.get("/login/", HTTP_HOST=CONTENT_HOST).status_code == 404
    assert client.get("/admin/", HTTP_HOST=CONTENT_HOST).status_code == 404
    assert client.get(player_url(package), HTTP_HOST=CONTENT_HOST).status_code == 200
    assert client.get("/login/").status_code == 200
