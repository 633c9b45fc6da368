"""The access matrix: every role of one station walks every URL of the site and the
admin, filled with the ids, serials and codes of the OTHER station's objects, and
nothing of the other station may come back.

The data is ``seed_demo``'s two stations (香蜜湖派出所 ``XMH-PCS`` and 福田派出所
``FTJ-PCS``), seeded once for the module inside a transaction that is rolled back
at the end (``demo`` below), so the rest of the suite sees an empty database.

What each role may see, from docs/architecture.md ("Roles and scope") and
lms/people/selectors.py, and what the matrix asserts:

* trainee, station staff, organisation admin (``SCOPED``, walked from each
  station towards the other): nothing of the other station. Every route is
  requested (listings also with ``?q=`` a name and a serial of the other station);
  a response may be anything but a 500 as long as its body (HTML, JSON decoded,
  CSV) names none of the other station's people, organisations, record serials,
  attempts or API keys. A binary body (PDF, XLSX, an image) cannot be read, so an
  object route answering one with 200 fails.
* instructor, training manager, site admin (``SEES_EVERYONE``): the rules give
  them everyone (``selectors.sees_everyone``; instructors legitimately see every
  station's attendance and records), so there is nothing to hide from them. The
  matrix checks that the rules say so and that their listings DO show the other
  station: that proves the markers this test looks for are really on the pages
  when a scope is missing (a check that cannot fail would prove nothing).

A route the matrix does not know how to fill fails ``test_every_route_is_classified``:
a new view forces a decision, either a filler (``SITE_FILL``, ``model_for``) or an
entry in ``ALLOWED`` with the reason it is public or holds no station data.
"""

import contextlib
import io
import json
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.models import Page

from lms.certs.models import ApiKey, Post, QualificationRecord, QualificationType
from lms.courses.models import Assignment, CoursePage, LessonPage
from lms.drills.models import Drill, SkillItem
from lms.h5p.models import H5PPackage
from lms.people import selectors
from lms.people.constants import Role
from lms.people.models import ExternalCredential, Organisation, Person, Team, User
from lms.points.models import PointAssignment
from lms.quizzes.models import Attempt, Question, QuestionBank, Quiz
from tests.factories.people import photo_bytes

STATIONS = ("XMH-PCS", "FTJ-PCS")

# role: (login at the first station, login at the second)
SCOPED = {
    Role.TRAINEE: ("trainee1", "trainee6"),
    Role.STATION_STAFF: ("station", "station2"),
    Role.ORG_ADMIN: ("orgadmin", "orgadmin2"),
}
SEES_EVERYONE = {
    Role.INSTRUCTOR: "instructor",
    Role.TRAINING_MANAGER: "manager",
    Role.SITE_ADMIN: "admin",
}

# Models whose rows belong to nobody's station: shared definitions and content.
# Their routes are walked with any row: their pages must still name nobody.
SHARED_MODELS = {
    Quiz,
    QuestionBank,
    Question,
    SkillItem,
    H5PPackage,
    QualificationType,
    Post,
    Group,
}

# Reviewed: routes with parameters the matrix does not fill, and why that is safe.
# Keys are full URL names, or a namespace prefix ending in ":".
ALLOWED = {
    # Content, not station data; the page tree has its own permissions.
    "wagtailadmin_pages:": "the page tree: courses and lessons are shared content",
    "wagtailadmin_api:pages:": "the page tree (admin API): shared content",
    "wagtailadmin_choose_page_child": "page chooser: shared content",
    "wagtailadmin_explore": "the page explorer: shared content",
    "wagtailadmin_explore_results": "the page explorer: shared content",
    "wagtail_serve": "serves pages: shared content",
    "wagtailcore_authenticate_with_password": "page view restriction form",
    "wagtailforms:list_submissions": "form pages: none in this project",
    "wagtailforms:list_submissions_results": "form pages: none in this project",
    "wagtailforms:delete_submissions": "form pages: none in this project",
    # Images and documents are scoped by Wagtail's collections (left as they are).
    "wagtailimages:": "images: collection-scoped by Wagtail",
    "wagtailimages_chooser:": "images: collection-scoped by Wagtail",
    "wagtailadmin_api:images:": "images: collection-scoped by Wagtail",
    "wagtaildocs:": "documents: collection-scoped by Wagtail",
    "wagtaildocs_chooser:": "documents: collection-scoped by Wagtail",
    "wagtaildocs_serve": "documents: collection-scoped by Wagtail",
    "wagtaildocs_authenticate_with_password": "documents: collection-scoped",
    "wagtailadmin_api:documents:": "documents: collection-scoped by Wagtail",
    # Site configuration, site admins only, no person in it.
    "wagtailsites:": "sites: site admins only, no personal data",
    "wagtailadmin_collections:": "collections: site admins only, no personal data",
    "wagtailredirects:": "redirects: site admins only, no personal data",
    "wagtailsettings:": "settings: site admins only, no personal data",
    "wagtailadmin_workflows:": "workflows and tasks: site admins only, no personal "
    "data",
    # Site admins only; other roles' refusal has its own tests.
    "lockouts:": "sign-in lock-outs: site admins only (tests/people/test_lockout.py)",
    "failed-sign-ins:": "failed sign-ins: site admins only "
    "(tests/people/test_lockout.py)",
    "tasks:": "background tasks: site admins only (tests/certs/test_tasks.py)",
    "wagtailadmin_tag_model_autocomplete": "tags: shared vocabulary",
    "wagtailadmin_password_reset_confirm": "a one-time token mailed to its owner",
    # Public by design, with their own tests.
    "verify": "public: the code printed on a certificate is the secret "
    "(tests/certs/test_verification.py)",
    "verify-photo": "public with the printed code (tests/people/test_photos.py)",
    "api-verify": "public with the printed code (tests/certs/test_api.py)",
    "checkin": "a rotating token shown on the drill's screen is proof of presence "
    "(tests/drills/test_checkin.py)",
    "h5p:player": "shared H5P content by hash, on its own origin",
    "h5p:content": "shared H5P content by hash, on its own origin",
    "h5p:light": "shared H5P content by hash (bundled), on its own origin",
    "certs_status_list": "public status lists: bits, no names",
}
# Unnamed routes (no URL name to reverse), by their pattern.
# (Static and media routes exist only with DEBUG on, never in tests.)
ALLOWED_UNNAMED = {
    "admin/^.*/$": "the admin's catch-all 404",
}
# Requested with GET they would end the session the walk runs in.
NOT_WALKED = {
    "logout": "signs the client out",
    "wagtailadmin_logout": "signs the client out",
    "wagtailadmin_error_test": "raises on purpose (Wagtail's error page test)",
}


@dataclass
class Side:
    """One station's objects: what the other station's roles must not reach."""

    code: str
    people: list = field(default_factory=list)
    markers: set = field(default_factory=set)
    objects: dict = field(default_factory=dict)  # model -> one instance
    attempt: object = None
    photo_name: str = ""


def _side(code, trainee_login):
    people = list(
        Person.objects.filter(
            Q(organisation__code=code) | Q(organisation__supervising_station__code=code)
        ).select_related("user", "organisation")
    )
    organisations = list(
        Organisation.objects.filter(Q(code=code) | Q(supervising_station__code=code))
    )
    records = list(QualificationRecord.objects.filter(person__in=people))
    attempts = list(Attempt.objects.filter(person__in=people))
    keys = list(ApiKey.objects.filter(station__code=code))
    trainee = Person.objects.get(user__username=trainee_login)
    company = trainee.organisation
    side = Side(code=code, people=people)
    side.objects = {
        Person: trainee,
        Organisation: company,
        Team: Team.objects.filter(organisation=company).first(),
        ExternalCredential: ExternalCredential.objects.filter(person=trainee).first(),
        Assignment: Assignment.objects.filter(
            Q(organisation__in=organisations) | Q(team__organisation__in=organisations)
        ).first(),
        QualificationRecord: next(
            (r for r in records if r.person_id == trainee.pk), records[0]
        ),
        Drill: Drill.objects.filter(
            organisations__in=organisations, attendances__isnull=False
        ).first(),
        User: trainee.user,
        ApiKey: keys[0],
        PointAssignment: PointAssignment.objects.filter(
            point__in=organisations
        ).first(),
    }
    assert all(side.objects.values()), f"the demo lacks objects of {code}"
    side.attempt = next((a for a in attempts if a.person_id == trainee.pk), attempts[0])
    trainee.photo.save("photo.png", ContentFile(photo_bytes()))
    side.photo_name = trainee.photo.name
    side.markers = (
        {p.name for p in people}
        | {o.name for o in organisations}
        | {r.serial for r in records}
        | {str(a.public_id) for a in attempts}
        | {k.prefix for k in keys}
    )
    return side


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """seed_demo once for the module, rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", "--force", stdout=io.StringIO())
            sides = {
                code: _side(code, SCOPED[Role.TRAINEE][index])
                for index, code in enumerate(STATIONS)
            }
            # A name of one station inside a name of the other ("马新涛" in
            # "司马新涛") is no proof of a leak: keep such markers out.
            texts = {code: " ".join(side.markers) for code, side in sides.items()}
            for code, side in sides.items():
                others = [t for c, t in texts.items() if c != code]
                side.markers = {
                    m for m in side.markers if not any(m in t for t in others)
                }
            yield sides
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# -- the routes ---------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    pattern: str  # the full pattern, for messages and ALLOWED_UNNAMED
    name: str | None  # the full name with namespaces, for reverse()
    params: tuple  # parameter names; None for unnamed regex groups

    @property
    def namespace(self):
        return (
            self.name.rsplit(":", 1)[0] + ":" if self.name and ":" in self.name else ""
        )


def _routes(patterns=None, prefix="", namespace=""):
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            regex = entry.pattern.regex
            params = tuple(regex.groupindex)
            if regex.groups > len(params):
                params += (None,)  # an unnamed group: cannot be filled by name
            name = f"{namespace}{entry.name}" if entry.name else None
            yield Route(prefix + str(entry.pattern), name, params)


def _allowed(route):
    if route.name is None:
        return ALLOWED_UNNAMED.get(route.pattern)
    return ALLOWED.get(route.name) or ALLOWED.get(route.namespace)


NAMESPACE_MODELS = {
    "people:": Person,
    "organisations:": Organisation,
    "teams:": Team,
    "credentials:": ExternalCredential,
    "assignments:": Assignment,
    "wagtailusers_users:": User,
    "wagtailusers_groups:": Group,
}
SNIPPET_NAMESPACE = re.compile(
    r"^wagtailsnippet(?:s|choosers)_([a-z0-9]+)_([a-z0-9]+):$"
)


def model_for(route):
    """The model a viewset's route is about, from its namespace."""
    if model := NAMESPACE_MODELS.get(route.namespace):
        return model
    if match := SNIPPET_NAMESPACE.match(route.namespace):
        return apps.get_model(*match.groups())
    return None


def _instance(model, side):
    if model in side.objects:
        return side.objects[model]
    if model in SHARED_MODELS:
        return model._default_manager.order_by("pk").first()
    return None


def _page_ids():
    return {
        "course": CoursePage.objects.order_by("pk").first().pk,
        "lesson": LessonPage.objects.order_by("pk").first().pk,
    }


# Named site and admin routes, filled from the other side: name -> kwargs.
SITE_FILL = {
    "quiz_detail": lambda s: {"pk": s.attempt.quiz_id},
    "quiz_start": lambda s: {"pk": s.attempt.quiz_id},
    "quiz_statistics": lambda s: {"pk": s.attempt.quiz_id},
    "quizzes_export": lambda s: {
        "bank_id": QuestionBank.objects.order_by("pk").first().pk
    },
    "quiz_attempt": lambda s: {"public_id": s.attempt.public_id},
    "quiz_attempt_answer": lambda s: {"public_id": s.attempt.public_id},
    "quiz_attempt_submit": lambda s: {"public_id": s.attempt.public_id},
    "lesson_complete": lambda s: {"lesson_id": _page_ids()["lesson"]},
    "lesson_progress": lambda s: {"lesson_id": _page_ids()["lesson"]},
    "course_enrol": lambda s: {"page_id": _page_ids()["course"]},
    "course_offline": lambda s: {"page_id": _page_ids()["course"]},
    "certs_record": lambda s: {"serial": s.objects[QualificationRecord].serial},
    "certificate": lambda s: {"serial": s.objects[QualificationRecord].serial},
    "certificate-pdf": lambda s: {"serial": s.objects[QualificationRecord].serial},
    "certs_credential": lambda s: {"serial": s.objects[QualificationRecord].serial},
    "certs-roster-export": lambda s: {"file_format": "csv"},
    "certs-api-key-revoke": lambda s: {"pk": s.objects[ApiKey].pk},
    "person_photo": lambda s: {"name": s.photo_name},
    "point": lambda s: {"code": s.objects[PointAssignment].point.code},
    "point-assign": lambda s: {"code": s.objects[PointAssignment].point.code},
    "points-assignment-end": lambda s: {"pk": s.objects[PointAssignment].pk},
    "api-point": lambda s: {"code": s.objects[PointAssignment].point.code},
    "points_setup_point": lambda s: {"code": s.objects[PointAssignment].point.code},
    "people_login_reset": lambda s: {"pk": s.objects[Person].pk},
    "people_badge_reset": lambda s: {"pk": s.objects[Person].pk},
    "wagtailadmin_editing_sessions:ping": lambda s: {
        "app_label": "people",
        "model_name": "person",
        "object_id": str(s.objects[Person].pk),
        "session_id": 1,
    },
    "wagtailadmin_editing_sessions:release": lambda s: {"session_id": 1},
}
DRILL_ROUTE = re.compile(r"^drill_")


def urls_for(route, side):
    """[(url, is_object_route)] for the route filled with ``side``'s objects, or
    None when the matrix cannot fill it."""
    if NOT_WALKED.get(route.name):
        return []
    if not route.params:
        if route.name:
            return [(reverse(route.name), False)]
        path = route.pattern.replace("^", "").replace("$", "")
        return None if re.search(r"[\\()\[\]*+?]", path) else [("/" + path, False)]
    if route.name == "wagtail_bulk_action":
        return _bulk_urls(side)
    if fill := SITE_FILL.get(route.name):
        return [(reverse(route.name, kwargs=fill(side)), True)]
    if route.name and DRILL_ROUTE.match(route.name) and route.params == ("pk",):
        return [(reverse(route.name, kwargs={"pk": side.objects[Drill].pk}), True)]
    model = model_for(route)
    instance = model and _instance(model, side)
    if instance is not None and len(route.params) == 1:
        return [(reverse(route.name, args=[instance.pk]), True)]
    return None


def _bulk_urls(side):
    bulk_action_registry._scan_for_bulk_actions()
    urls = []
    for app_label, models in bulk_action_registry.actions.items():
        for model_name, actions in models.items():
            model = apps.get_model(app_label, model_name)
            if issubclass(model, Page) or app_label in {
                "wagtailimages",
                "wagtaildocs",
            }:
                continue  # content and collections, as in ALLOWED
            instance = _instance(model, side)
            assert instance is not None, f"bulk actions of {model} are unclassified"
            for action in actions:
                url = reverse(
                    "wagtail_bulk_action", args=[app_label, model_name, action]
                )
                urls.append((f"{url}?id={instance.pk}", True))
                urls.append((f"{url}?id=all", True))
    return urls


LISTING = re.compile(r"(index|list|choose|results|search|directory|roster|report)")


def _queries(route, side):
    """Listings are also searched for the other side's people and serials."""
    if route.params or not (route.name and LISTING.search(route.name.split(":")[-1])):
        return [""]
    name = side.objects[Person].name
    serial = side.objects[QualificationRecord].serial
    return ["", f"?q={name}", f"?q={serial}"]


# -- reading a response -------------------------------------------------------

TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg")


def _body(response):
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    content_type = response.get("Content-Type", "text/html")
    if not content_type.startswith(TEXT_TYPES):
        return None  # binary: cannot be read
    text = content.decode("utf-8", errors="replace")
    if "json" in content_type:
        # "\u5f20" escapes hide Chinese names from a plain search.
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


def _leaks(client, url, is_object, markers):
    # What the request itself carries comes back in "not found: ..." and in the
    # login redirect's ?next=: only the rest is evidence.
    wanted = re.compile(
        "|".join(re.escape(m) for m in markers if m not in unquote(url))
    )
    try:
        response = client.get(url)
    except Exception as error:  # noqa: BLE001 - reported, not hidden
        return f"{url}: raised {error.__class__.__name__}: {error}"
    if response.status_code >= 500:
        return f"{url}: {response.status_code}"
    if response.status_code in (301, 302, 303, 307, 308):
        location = unquote(response["Location"])
        found = set(wanted.findall(location))
        return f"{url}: redirects to {location} naming {found}" if found else None
    body = _body(response)
    if body is None:
        if response.status_code == 200 and is_object:
            return f"{url}: 200 with an unreadable {response['Content-Type']} body"
        return None
    if found := sorted(set(wanted.findall(body))):
        return f"{url}: {response.status_code} names {found[:5]}"
    return None


def walk(client, side):
    """Every route, filled with ``side``'s objects: the leaks found."""
    leaks, unfilled = [], []
    requests = 0
    for route in _routes():
        if _allowed(route):
            continue
        urls = urls_for(route, side)
        if urls is None:
            unfilled.append(route.pattern)
            continue
        for url, is_object in urls:
            for query in _queries(route, side):
                requests += 1
                if leak := _leaks(client, url + query, is_object, side.markers):
                    leaks.append(leak)
    assert requests > 300  # the walk reached the routes
    return leaks, unfilled


def _client(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


# -- the tests ----------------------------------------------------------------


def test_every_role_is_in_the_matrix():
    """A new role must be given its expectation here."""
    assert set(SCOPED) | set(SEES_EVERYONE) == set(Role)
    assert not set(SCOPED) & set(SEES_EVERYONE)


def test_every_route_is_classified(demo, db):
    """A route the matrix can neither fill nor finds in ALLOWED fails: a new view
    forces a decision. Stale ALLOWED entries fail too."""
    side = demo["FTJ-PCS"]
    routes = list(_routes())
    unfilled = [
        r.pattern for r in routes if not _allowed(r) and urls_for(r, side) is None
    ]
    assert unfilled == [], "\n".join(unfilled)
    names = {r.name for r in routes if r.name}
    namespaces = {r.namespace for r in routes}
    stale = [key for key in ALLOWED if key not in names and key not in namespaces] + [
        key for key in ALLOWED_UNNAMED if key not in {r.pattern for r in routes}
    ]
    assert stale == [], stale


@pytest.mark.parametrize("role", list(SCOPED), ids=lambda r: r.name.lower())
@pytest.mark.parametrize("station", [0, 1], ids=STATIONS)
def test_nothing_of_the_other_station_is_reachable(demo, db, role, station):
    username = SCOPED[role][station]
    user = User.objects.get(username=username)
    assert not selectors.sees_everyone(user)
    other = demo[STATIONS[1 - station]]
    leaks, unfilled = walk(_client(username), other)
    assert unfilled == [], "\n".join(unfilled)
    assert leaks == [], "\n".join(leaks)


@pytest.mark.parametrize("role", list(SEES_EVERYONE), ids=lambda r: r.name.lower())
def test_those_who_see_everyone_see_the_other_station(demo, db, role):
    """The positive control: the markers are on the pages when the rules allow."""
    username = SEES_EVERYONE[role]
    user = User.objects.get(username=username)
    assert selectors.sees_everyone(user)
    other = demo["FTJ-PCS"]
    person = other.objects[Person]
    record = other.objects[QualificationRecord]
    client = _client(username)
    people = client.get(reverse("people:index"), {"q": person.name})
    assert person.name in people.content.decode()
    chooser = client.get(
        reverse("wagtailsnippetchoosers_certs_qualificationrecord:choose_results"),
        {"q": record.serial},
    )
    assert record.serial in _body(chooser)
    # Site history: seed_demo's suspension at 香蜜湖 (with its reason) is there,
    # so the walk above would see its holder's name if a scope let it through.
    history = client.get(reverse("wagtailadmin_reports:site_history"))
    assert "演示：证件待核查" in history.content.decode()
    if role == Role.SITE_ADMIN:
        # The points' set-up pages (site admins and station staff only).
        point = other.objects[PointAssignment].point
        setup = client.get(reverse("points_setup_index"), {"q": point.name})
        assert point.name in setup.content.decode()
        edit = client.get(reverse("points_setup_point", args=[point.code]))
        assert point.name in edit.content.decode()


def _refusal(response):
    home = reverse("wagtailadmin_home")
    if response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == home
    ):
        return "refused"
    return response.status_code


@pytest.mark.parametrize("username", ["orgadmin", "orgadmin2", "instructor"])
def test_choosers_answer_403_without_a_right_on_the_model(demo, db, username):
    """Not an empty list: the question chooser showed the exam bank to an
    organisation admin, who holds no right on quizzes. Wagtail turns the refusal
    into a redirect to the admin's home with a message (403 for a modal's XHR)."""
    from wagtail.snippets.models import get_snippet_models

    user = User.objects.get(username=username)
    client = _client(username)
    refused = []
    for model in get_snippet_models():
        viewset = model.snippet_viewset
        allowed = viewset.permission_policy.user_has_any_permission(
            user,
            ("add", "change", "view"),  # lms.people.admin_views.CHOOSE_ACTIONS
        )
        instance = model._default_manager.order_by("pk").first()
        urls = [
            reverse(viewset.chooser_viewset.get_url_name("choose")),
            reverse(viewset.chooser_viewset.get_url_name("choose_results")),
            reverse(viewset.chooser_viewset.get_url_name("chosen"), args=[instance.pk]),
            reverse(viewset.chooser_viewset.get_url_name("chosen_multiple"))
            + f"?id={instance.pk}",
        ]
        answers = {_refusal(client.get(url)) for url in urls}
        if not allowed:
            refused.append(model._meta.label)
            assert answers == {"refused"}, (model, answers)
        else:
            assert "refused" not in answers, (model, answers)
    if username.startswith("orgadmin"):
        assert "quizzes.Question" in refused
    else:
        assert refused == []


def test_the_record_chooser_lists_the_scope_in_constant_queries(
    demo, db, django_assert_max_num_queries
):
    """An organisation admin's record chooser: their organisation's records only,
    with each row's person and type joined (no query per row)."""
    user = User.objects.get(username="orgadmin")
    own = QualificationRecord.objects.filter(
        person__organisation=user.person.organisation
    )
    assert own.count() >= 10
    client = _client("orgadmin")
    url = reverse("wagtailsnippetchoosers_certs_qualificationrecord:choose_results")
    client.get(url)  # the session and permission caches
    with django_assert_max_num_queries(8):
        body = _body(client.get(url))
    shown = set(re.findall(r"SW-\d{4}-\d{6}", body))
    assert len(shown) == 10  # a full page
    assert shown <= set(own.values_list("serial", flat=True))
    listing = reverse("wagtailsnippets_certs_qualificationrecord:list")
    client.get(listing)
    with django_assert_max_num_queries(20):
        body = client.get(listing).content.decode()
    assert set(re.findall(r"SW-\d{4}-\d{6}", body)) <= set(
        own.values_list("serial", flat=True)
    )
