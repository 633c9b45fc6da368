"""Content-Security-Policy (cms/csp.py, the CSP block of cms/settings/base.py): every
page has the site's policy, the H5P player keeps its own, Wagtail's admin and its
previews get their scoped relaxation, the API docs run their one inline script by
nonce, and no site template carries inline code the policy would block."""

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import path

from lms.h5p.tokens import content_origin
from lms.h5p.views import _player_csp
from lms.people.constants import Role
from tests.factories import person_with_role
from tests.factories.cms import site_tree
from tests.h5p.conftest import CONTENT_HOST, upload_fixture

ROOT = Path(__file__).resolve().parents[2]
HEADER = "Content-Security-Policy"
SITE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}


def boom(request):
    raise RuntimeError("a server error, for the 500 page")


# This module is also the URLconf of the 500-page test.
urlpatterns = [path("boom/", boom)]


def policy(response):
    """The header as {directive: [sources]}; fails if there is not exactly one."""
    assert HEADER in response, f"no {HEADER} on {response}"
    assert "Content-Security-Policy-Report-Only" not in response
    directives = {}
    for part in response[HEADER].split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} twice"
        directives[name] = sources
    return directives


def nonce_of(directives, name):
    nonces = [s for s in directives[name] if s.startswith("'nonce-")]
    assert len(nonces) == 1, directives[name]
    return nonces[0][len("'nonce-") : -1]


@pytest.fixture
def home(db):
    return site_tree()


# --- the site's pages ------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/login/", "/v/", "/v/ABCDEFGHJKLMNPQR", "/c/", "/no-such-page/"]
)
def test_every_page_has_the_site_policy(client, home, url):
    response = client.get(url)
    directives = policy(response)
    for name, sources in SITE_POLICY.items():
        assert directives[name] == sources, (url, name)
    assert directives["frame-src"] == [content_origin()]
    # Styles: our files, and the 500 page's one inline style by its hash.
    assert directives["style-src"] == ["'self'", django_settings.CSP_ERROR_PAGE_STYLE]
    assert "'unsafe-inline'" not in response[HEADER]
    assert "'unsafe-eval'" not in response[HEADER]


def test_the_home_page_of_a_trainee_has_it_too(client, home):
    trainee = person_with_role(Role.TRAINEE)
    client.force_login(trainee.user)
    response = client.get("/")
    assert response.status_code == 200
    assert policy(response)["script-src"] == ["'self'"]


def test_frames_are_allowed_from_the_h5p_content_origin_as_set_now(
    client, home, settings
):
    settings.H5P_CONTENT_ORIGIN = "https://h5p.example.cn"
    assert policy(client.get("/login/"))["frame-src"] == ["https://h5p.example.cn"]


def test_the_header_is_built_once_per_kind_of_page(client, home, monkeypatch):
    """Built once per kind of page and content origin in a process, then reused;
    a nonce-carrying page (the API docs) is still built for itself."""
    from cms.csp import SiteCSPMiddleware

    built = []
    build = SiteCSPMiddleware.build_header
    monkeypatch.setattr(
        SiteCSPMiddleware,
        "build_header",
        lambda self, *a: built.append(1) or build(self, *a),
    )
    first, second = client.get("/login/"), client.get("/v/")
    assert first[HEADER] == second[HEADER]
    assert len(built) == 1
    assert "'nonce-" in client.get("/api/v1/docs/")[HEADER]
    assert len(built) == 1


@pytest.mark.urls("tests.cms.test_csp")
def test_the_500_page_style_is_allowed_by_its_hash(db):
    """The hash in settings is the one of 500.html's <style>: an edit of that style
    must update CSP_ERROR_PAGE_STYLE (this test says so)."""
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    style = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S)[1]
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy(response)["style-src"]


# --- pages with a policy of their own ---------------------------------------------


def test_the_h5p_player_keeps_its_own_policy(db):
    package = upload_fixture("h5p-standalone-h5p-test.h5p")
    url = f"/h5p/play/{package.content_hash}/"
    response = Client().get(url, HTTP_HOST=CONTENT_HOST)
    assert response.status_code == 200
    assert response[HEADER] == _player_csp(django_settings.WAGTAILADMIN_BASE_URL)
    directives = policy(response)
    assert directives["frame-ancestors"] == ["http://127.0.0.1:8000"]
    files = Client().get(
        f"/h5p/content/{package.content_hash}/h5p.json", **{"HTTP_HOST": CONTENT_HOST}
    )
    assert files[HEADER] == "default-src 'none'; sandbox"


def test_the_admin_gets_its_relaxation_and_only_it(client, home):
    admin = person_with_role(Role.SITE_ADMIN)
    client.force_login(admin.user)
    response = client.get("/admin/")
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["frame-src"] == ["'self'", content_origin()]
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["img-src"] == ["'self'", "data:"]
    # The same signed-in user on a site page: the site's policy.
    assert "'unsafe-inline'" not in client.get("/v/")[HEADER]


def test_a_preview_may_be_framed_by_the_admin(home):
    """Wagtail renders a preview through the middleware as a dummy request for the
    page's own URL; the admin's preview panel frames it."""
    response = home.make_preview_request(RequestFactory().get("/admin/"))
    directives = policy(response)
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]


def test_the_api_docs_run_their_inline_setup_by_nonce(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    directives = policy(response)
    nonce = nonce_of(directives, "script-src")
    assert nonce_of(directives, "style-src") == nonce
    html = response.content.decode()
    assert f'<script nonce="{nonce}">' in html
    assert f'<style nonce="{nonce}">' in html
    assert "SwaggerUIBundle(" in html
    again = policy(client.get("/api/v1/docs/"))
    assert nonce_of(again, "script-src") != nonce


def test_pages_without_inline_code_carry_no_nonce(client, home):
    assert not [s for s in policy(client.get("/login/"))["script-src"] if "nonce" in s]


# --- templates -------------------------------------------------------------------

# Templates under their own policy: the H5P player (lms/h5p/views.py), admin views
# (CSP_ADMIN_DIRECTIVES), and 500.html (its style by hash, tested above).
OWN_POLICY = {
    "lms/h5p/templates/h5p/player.html",
    "lms/quizzes/templates/quizzes/admin/statistics.html",
    "cms/templates/500.html",
}
FORBIDDEN = [
    ("a style attribute", re.compile(r"\sstyle\s*=", re.I)),
    ("an event-handler attribute", re.compile(r"\son[a-z]+\s*=", re.I)),
    ("a javascript: URL", re.compile(r"javascript:", re.I)),
]


def site_templates():
    found = [
        *ROOT.glob("cms/templates/**/*.html"),
        *ROOT.glob("lms/*/templates/**/*.html"),
    ]
    return sorted(
        str(p.relative_to(ROOT))
        for p in found
        if str(p.relative_to(ROOT)) not in OWN_POLICY
    )


def test_there_are_templates_to_check():
    assert len(site_templates()) > 40


@pytest.mark.parametrize("name", site_templates())
def test_site_templates_have_no_inline_code(name):
    """script-src 'self' and style-src 'self' block all of these on site pages: an
    inline script or <style> needs the request's nonce, a style or handler
    attribute cannot have one (use a class, a data- attribute and a static file)."""
    text = (ROOT / name).read_text()
    for what, pattern in FORBIDDEN:
        assert not pattern.search(text), f"{name} has {what}"
    for tag in re.findall(r"<script\b[^>]*>", text, re.I):
        assert "src=" in tag or "nonce=" in tag or "application/json" in tag, tag
    for tag in re.findall(r"<style\b[^>]*>", text, re.I):
        assert "nonce=" in tag, tag
