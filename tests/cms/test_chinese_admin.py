"""The admin in Chinese: every staff role walks the admin pages our code adds (our
viewsets and snippets, our reports and imports, the page editor of our page types)
and the staff pages of the site, in zh-Hans, and no English text may be left on
them: not in the text, nor in what a browser shows of the attributes (titles,
placeholders, labels read out by screen readers, tooltips), nor in the sidebar menu.

A walker once met "New: 人员" and "No 人员 match your query." there: strings of
Wagtail 8 that its own zh_Hans catalogue lacks. They are translated in
locale_wagtail/ (see cms/settings/base.py); ours are in locale/.

The data is seed_demo's (the access matrix's ``demo`` fixture, rolled back at the
end of the module). What people named is not text to translate: user names, group
and workflow names (bilingual on purpose), the title of Wagtail's root page and
the machine names of uploaded H5P libraries."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from wagtail import hooks

from lms.people.models import User
from tests import test_access_matrix
from tests.test_access_matrix import (
    STATIONS,
    _body,
    _client,
    _routes,
    model_for,
    urls_for,
)

# The access matrix's seed_demo, once for this module and rolled back after it.
demo = test_access_matrix.demo

STAFF = ["admin", "manager", "instructor", "orgadmin", "station"]

SIDEBAR = re.compile(
    r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', re.S
)
UNREAD = re.compile(
    # Scripts and styles; literals a person types or presses (column keys, keys);
    # the "None" Wagtail leaves in a side panel's hidden counter until its script
    # counts something.
    r"<(script|style|code|kbd)\b.*?</\1>"
    r"|<div[^>]*data-side-panel-toggle-counter[^>]*>\s*None\s*</div>",
    re.S,
)
WORD = re.compile(r"[A-Za-z](?:[A-Za-z]|['’](?=[A-Za-z]))+")  # don't, Wagtail's
# Paths, addresses, file and library names, codes, times, hashes.
NOT_WORDS = re.compile(r"\S*[\d/@._=]\S*")
BRANDS = {"Wagtail", "Shouwang", "JavaScript", "Excel", "Ctrl", "Alt", "Shift", "Esc"}


class _Text(HTMLParser):
    """The text of a page and the attributes a browser shows."""

    SHOWN = (
        "title",
        "placeholder",
        "aria-label",
        "alt",
        "data-w-tooltip-content-value",
    )

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        self.parts += [value for name, value in attrs if name in self.SHOWN and value]

    def handle_data(self, data):
        self.parts.append(data)


def _labels(node):
    """The labels of Wagtail's sidebar menu (JSON its script renders)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "label" and isinstance(value, str):
                yield value
            else:
                yield from _labels(value)
    elif isinstance(node, list):
        for item in node:
            yield from _labels(item)


def english_phrases(html, known=frozenset()):
    """The pieces of text a person reads on the page that hold an English word
    that is not in ``known`` (brands, keys, names people gave things)."""
    parser = _Text()
    parser.feed(UNREAD.sub(" ", html))
    parts = parser.parts
    for sidebar in SIDEBAR.findall(html):
        parts += list(_labels(json.loads(sidebar)))
    phrases = set()
    for part in parts:
        words = WORD.findall(NOT_WORDS.sub(" ", part))
        if any(not w.isupper() and w not in known for w in words):
            phrases.add(" ".join(part.split()))
    return phrases


def known_words():
    """Words that are not text to translate: brands and keys, and what people
    named (the data, not the interface)."""
    from django.contrib.auth.models import Group
    from wagtail.models import Page, Workflow

    from lms.h5p.models import H5PPackage

    names = list(User.objects.values_list("username", flat=True))
    names += Group.objects.values_list("name", flat=True)
    names += Workflow.objects.values_list("name", flat=True)
    names += Page.objects.filter(depth=1).values_list("title", flat=True)
    # The language switch names each language in itself ("English").
    names += [str(name) for _code, name in settings.LANGUAGES]
    for libraries in H5PPackage.objects.values_list("libraries", flat=True):
        names += list(libraries or {})
    return frozenset(BRANDS | {w for name in names for w in WORD.findall(name)})


def _our_admin_url_names():
    names = {"wagtailadmin_home"}
    for register in hooks.get_hooks("register_admin_urls"):
        if register.__module__.startswith(("lms.", "cms.")):
            names |= {p.name for p in register() if getattr(p, "name", None)}
    return names


def _ours(route, names):
    """A route of the site, or an admin route our code adds or whose model is
    ours (Wagtail's own admin of images, sites, settings... is not walked)."""
    if not route.pattern.startswith("admin/"):
        return True
    model = model_for(route)
    return route.name in names or (
        model is not None and model.__module__.startswith("lms.")
    )


def staff_urls(side):
    """Every GET-able URL of ours, filled with ``side``'s objects; listings also
    searched for something no row matches ("No … match your query")."""
    names = _our_admin_url_names()
    urls = []
    for route in _routes():
        if not route.name or route.name in ("logout", "wagtailadmin_logout"):
            continue
        if not _ours(route, names):
            continue
        for url, _is_object in urls_for(route, side) or []:
            urls.append(url)
            if route.name.endswith((":index", ":index_results")):
                urls.append(url + "?q=zzzz")
    return urls + page_editor_urls()


def page_editor_urls():
    """Where instructors write courses: the editor of one page of each of our page
    types, the form for a new page of that type, and the explorer above it."""
    from wagtail.models import get_page_models

    urls = []
    for model in get_page_models():
        page = model.objects.order_by("pk").first()
        if not model.__module__.startswith(("lms.", "cms.")) or page is None:
            continue
        parent = page.get_parent()
        meta = model._meta
        urls += [
            reverse("wagtailadmin_pages:edit", args=[page.pk]),
            reverse(
                "wagtailadmin_pages:add",
                args=[meta.app_label, meta.model_name, parent.pk],
            ),
            reverse("wagtailadmin_explore", args=[parent.pk]),
        ]
    return urls


# -- the detector itself ----------------------------------------------------------


def test_english_is_found_where_a_person_reads_it():
    html = (
        '<h1>新建: 人员</h1><p>No 人员 match your query.</p><a title="Sort by name">'
        '名称</a><script id="wagtail-sidebar-props" type="application/json">'
        '{"label": "Page types usage", "name": "reports"}</script>'
    )
    assert english_phrases(html) == {
        "No 人员 match your query.",
        "Sort by name",
        "Page types usage",
    }


def test_data_codes_and_literals_are_not_text_to_translate():
    html = (
        "<p>trainee1 · SW-2026-000014 · /api/v1/roster · 22:40 · XLSX</p>"
        "<p><code>stem</code> <kbd>Ctrl + c</kbd></p><p>陈教官 instructor</p>"
        "<div data-side-panel-toggle-counter hidden>None</div>"
    )
    assert english_phrases(html, known=frozenset({"instructor"})) == set()


# -- the walk -----------------------------------------------------------------------


@pytest.mark.parametrize("username", STAFF)
def test_every_page_of_ours_is_chinese_for_each_staff_role(demo, db, username):
    side = demo[STATIONS[0]]
    client = _client(username)
    known = known_words()
    found, read = {}, 0
    with translation.override("zh-hans"):
        for url in staff_urls(side):
            response = client.get(url)
            content_type = response.get("Content-Type", "")
            if response.status_code != 200 or not content_type.startswith("text/html"):
                continue
            read += 1
            for phrase in english_phrases(_body(response), known):
                found.setdefault(phrase, url)
    assert read >= 10  # the role reached its pages
    assert not found, "\n".join(f"{url}: {phrase}" for phrase, url in found.items())


def test_wagtail_strings_its_catalogue_lacks_are_chinese():
    from django.utils.translation import gettext

    with translation.override("zh-hans"):
        assert gettext("New: %(model_name)s") == "新建：%(model_name)s"
        assert gettext("No %(model_name)s match your query.") == (
            "没有与查询相符的%(model_name)s。"
        )
