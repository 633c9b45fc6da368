"""The shared page-tree cache (lms/core/site_cache.py): a Site lookup is cached, and any
change to the tree starts a new generation so no visitor sees stale pages."""

import pytest
from django.core.cache import cache
from wagtail.models import Page, PageViewRestriction, Site

from cms.models import HomePage
from lms.core.site_cache import (
    GENERATION_KEY,
    SITES_KEY,
    SiteCacheMiddleware,
    tree_changed,
    tree_generation,
    without_page_tree,
)
from tests.factories import CourseIndexPageFactory
from tests.factories.courses import home

pytestmark = pytest.mark.django_db


def test_site_lookup_is_cached_after_the_first_request(
    client, django_assert_max_num_queries
):
    client.get("/")
    assert cache.get(SITES_KEY)["generation"] == cache.get(GENERATION_KEY)
    # Sites and root page come from the cache; only the page's privacy is read.
    with django_assert_max_num_queries(2) as queries:
        assert client.get("/").status_code == 200
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "wagtailcore_site" not in sql
    assert "cms_homepage" not in sql


def test_publishing_the_home_page_starts_a_new_generation(client):
    client.get("/")
    before = tree_generation()
    page = HomePage.objects.get()
    page.intro = "<p>新的欢迎词</p>"
    page.save_revision().publish()
    assert tree_generation() != before
    assert "新的欢迎词" in client.get("/").content.decode()


def test_a_second_sites_root_is_fresh_after_publishing(client):
    other_root = CourseIndexPageFactory(parent=home(), slug="b-root", intro="<p>旧</p>")
    Site.objects.create(hostname="b.test", port=80, root_page=other_root)
    assert "旧" in client.get("/", HTTP_HOST="b.test").content.decode()
    other_root.intro = "<p>新的介绍</p>"
    other_root.save_revision().publish()
    assert "新的介绍" in client.get("/", HTTP_HOST="b.test").content.decode()


@pytest.mark.parametrize(
    "change",
    [
        lambda page: page.save_revision().publish(),
        lambda page: page.unpublish(),
        lambda page: page.move(Page.objects.get(depth=1), pos="last-child"),
        lambda page: PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.LOGIN
        ),
        lambda page: page.delete(),
        lambda page: Site.objects.update_or_create(
            hostname="c.test", defaults={"root_page": page}
        ),
    ],
    ids=["publish", "unpublish", "move", "privacy", "delete", "site"],
)
def test_every_kind_of_tree_change_starts_a_new_generation(change):
    page = CourseIndexPageFactory(parent=home(), slug="catalogue")
    before = tree_generation()
    change(page)
    assert tree_generation() != before


def test_other_models_leave_the_generation_alone(world):
    before = tree_generation()
    world.trainee.save()
    assert tree_generation() == before


def _through_middleware(view, request):
    """As Django's handler runs it: process_view once the view is known."""
    middleware = SiteCacheMiddleware(
        lambda r: middleware.process_view(r, view, (), {}) or view(r)
    )
    return middleware(request)


def _finds_the_site(request):
    Site.find_for_request(request)


def test_an_entry_built_during_a_change_is_never_served(rf):
    """A request that read generation G and then saw the tree change writes its
    entry stamped G: the next request, under the new generation, ignores it."""

    def view(request):
        Site.find_for_request(request)
        tree_changed()  # an editor publishes while this request runs

    request = rf.get("/")
    _through_middleware(view, request)
    assert cache.get(SITES_KEY)["generation"] != tree_generation()
    later = rf.get("/")
    _through_middleware(lambda r: None, later)
    assert not hasattr(later, "_wagtail_site")


def test_a_view_without_pages_skips_the_cache(rf, django_assert_num_queries):
    warm = rf.get("/")
    _through_middleware(_finds_the_site, warm)
    assert cache.get(SITES_KEY)["hosts"]
    marked = without_page_tree(lambda r: None)
    request = rf.get("/")
    _through_middleware(marked, request)
    assert not hasattr(request, "page_tree_generation")
    assert not hasattr(request, "_wagtail_site")
    plain = rf.get("/")
    with django_assert_num_queries(0):
        _through_middleware(_finds_the_site, plain)
    assert plain._wagtail_site is not None
