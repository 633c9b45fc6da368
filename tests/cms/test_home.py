import pytest
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase

from cms.models import HomePage


class HomePageTests(WagtailPageTestCase):
    def test_a_fresh_install_serves_our_home_page_at_the_root(self):
        site = Site.objects.get(is_default_site=True)
        assert isinstance(site.root_page.specific, HomePage)
        self.assertPageIsRenderable(site.root_page.specific)

    def test_only_one_home_page_under_the_root(self):
        self.assertCanCreateAt(Page, HomePage)
        assert not HomePage.can_create_at(Page.get_first_root_node())  # max_count 1


@pytest.mark.django_db
def test_home_page_renders_for_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "守望" in response.content.decode()


@pytest.mark.django_db
def test_home_page_factory_builds_a_renderable_page():
    from tests.factories import HomePageFactory

    root = Page.get_first_root_node()
    HomePage.objects.all().delete()
    page = HomePageFactory(parent=root, slug="home2")
    assert page.get_parent().pk == root.pk


def test_h5p_media_is_never_served_on_the_site_origin():
    import re

    from cms.urls import MEDIA_OUTSIDE_H5P

    assert re.match(MEDIA_OUTSIDE_H5P, "media/h5p/abc/content/content.json") is None
    assert re.match(MEDIA_OUTSIDE_H5P, "media/original_images/extinguisher.jpg")


@pytest.mark.django_db
def test_the_favicon_is_a_static_file_not_a_404(client):
    """/favicon.ico was a 12 KB 404 page on every first visit."""
    from django.templatetags.static import static

    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("img/favicon.ico")
    page = client.get("/").content.decode()
    assert f'<link rel="icon" href="{static("img/favicon.ico")}"' in page


@pytest.mark.django_db
def test_my_learning_links_to_every_course(client_for, world):
    from tests.factories import CourseIndexPageFactory
    from tests.factories.courses import home

    catalogue = CourseIndexPageFactory(parent=home(), slug="courses")
    page = client_for(world.trainee.user).get("/").content.decode()
    assert f'href="{catalogue.url}" data-catalogue-link' in page
