import wagtail_factories

from cms.models import HomePage


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "守望"


def site_tree(*, refresh=False):
    """The rows the data migrations make for Wagtail (root page, locale, our home
    page and its Site), made again if missing, and the home page. ``refresh`` also
    resets the default Site and the role groups (browser tests serve "localhost").

    Transactional tests (threads, the live server of browser tests) end with a flush
    that empties every table, data migrations' rows included; a later test that
    needs the page tree calls this instead of assuming it."""
    from django.core.cache import cache
    from wagtail.models import Locale, Page, Site

    from lms.people.services.roles import roles_ensure

    home = HomePage.objects.first()
    if home is not None and not refresh:
        return home
    cache.clear()  # cached site root paths would point at the old rows
    roles_ensure()
    Locale.objects.get_or_create(language_code="zh-hans")
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root"))
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="守望", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page": home,
            "site_name": "守望",
        },
    )
    return home
