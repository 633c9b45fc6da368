"""The light player's files (lms/h5p/light.py): a package's libraries as one
script and one style sheet, on the content origin only, compressed."""

import gzip
import json

import pytest
from django.test import Client

from tests.h5p.conftest import CONTENT_HOST, upload_fixture

MAIN = "H5P.TrueFalse-1.6"


@pytest.fixture
def package(db):
    return upload_fixture("h5p-standalone-h5p-test.h5p")


def get(package, path, **headers):
    url = f"/h5p/light/{package.content_hash}/{path}"
    return Client().get(url, HTTP_HOST=CONTENT_HOST, **headers)


def text(response):
    return b"".join(
        response.streaming_content if response.streaming else [response.content]
    ).decode()


def test_h5p_json_keeps_only_the_main_library(package):
    response = get(package, "h5p.json")
    assert response.status_code == 200
    h5p = json.loads(response.content)
    assert h5p["mainLibrary"] == "H5P.TrueFalse"
    assert [d["machineName"] for d in h5p["preloadedDependencies"]] == ["H5P.TrueFalse"]
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_the_main_library_loads_one_script_and_one_style_sheet(package):
    library = json.loads(get(package, f"{MAIN}/library.json").content)
    assert library["machineName"] == "H5P.TrueFalse"
    assert library["preloadedDependencies"] == []
    assert library["preloadedJs"] == [{"path": "bundle.js"}]
    assert library["preloadedCss"] == [{"path": "bundle.css"}]


def test_the_bundle_holds_every_library_dependencies_first_then_our_storage(package):
    script = get(package, f"{MAIN}/bundle.js").content.decode()
    # H5P.Question is a dependency of H5P.TrueFalse: it must run first.
    question = script.index("/* H5P.Question-1.4/scripts/question.js */")
    true_false = script.index("/* H5P.TrueFalse-1.6/scripts/h5p-true-false.js */")
    assert question < true_false
    # The content frame's in-memory storage, last, where customJs used to put it.
    assert script.rindex("/* js/h5p-storage.js */") > true_false
    assert "shouwangStorageFallback" in script


def test_the_style_sheet_points_at_the_package_files(package):
    css = get(package, f"{MAIN}/bundle.css").content.decode()
    font = (
        f'url("/h5p/content/{package.content_hash}/FontAwesome-4.5/'
        'fontawesome-webfont.woff2?v=4.5.0")'
    )
    assert font in css
    assert "url(../" not in css
    assert css.rstrip().endswith("}") and "/* css/h5p-frame.css */" in css


def test_other_paths_are_the_package_files(package):
    response = get(package, f"{MAIN}/scripts/h5p-true-false.js")
    assert response.status_code == 200
    assert "H5P.TrueFalse" in text(response)
    assert get(package, f"{MAIN}/../h5p.json").status_code == 404
    assert get(package, "nothing/here.js").status_code == 404


def test_light_files_are_gzipped_for_phones_that_accept_it(package):
    response = get(package, f"{MAIN}/bundle.js", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    body = gzip.decompress(response.content)
    assert len(response.content) < len(body) / 3
    assert "Accept-Encoding" in response["Vary"]


def test_light_files_are_not_served_on_the_site_origin(package):
    url = f"/h5p/light/{package.content_hash}/h5p.json"
    assert Client().get(url, HTTP_HOST="127.0.0.1:8000").status_code == 404


def test_an_unknown_package_is_404(db):
    assert (
        Client()
        .get(f"/h5p/light/{'0' * 64}/h5p.json", HTTP_HOST=CONTENT_HOST)
        .status_code
        == 404
    )
