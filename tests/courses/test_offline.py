"""Study offline, the server's part (lms/courses/offline.py): what a course's
download holds and who may have it, the service worker at the site's root and
the web app manifest. The browser's part: tests/e2e/test_offline.py."""

import json

import pytest
from django.test import Client

from lms.courses.constants import EnrolmentSource
from lms.courses.models import Enrolment

pytestmark = pytest.mark.django_db


def offline_url(course):
    return f"/learn/offline/{course.pk}/"


def enrol(person, course):
    Enrolment.objects.create(person=person, page=course, source=EnrolmentSource.SELF)


def test_an_enrolled_trainee_gets_the_course_pages(client_for, world, course):
    enrol(world.trainee, course)
    response = client_for(world.trainee.user).get(offline_url(course))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = response.json()
    assert body["id"] == course.pk and body["title"] == course.title
    lessons = [lesson.url for lesson in course.lessons_in_order]
    # Home (where the site opens from the home screen), the course, every
    # lesson, optional ones too.
    assert body["pages"][:2] == ["/", course.url]
    assert set(lessons + [course.optional.url]) <= set(body["pages"])


def test_a_course_merely_open_to_enrol_in_is_not_downloaded(client_for, world, course):
    client = client_for(world.trainee.user)
    assert client.get(offline_url(course)).status_code == 403
    page = client.get(course.url).content.decode()
    assert "data-offline-course" not in page


def test_the_course_page_offers_the_download_once_enrolled(client_for, world, course):
    enrol(world.trainee, course)
    page = client_for(world.trainee.user).get(course.url).content.decode()
    assert f'data-offline-course="{offline_url(course)}"' in page
    assert "下载离线学习" in page
    assert "/static/js/offline.js" in page


def test_a_closed_course_is_not_downloaded(client_for, world, course):
    course.open_enrolment = False
    course.save_revision().publish()
    assert client_for(world.trainee.user).get(offline_url(course)).status_code == 403


def test_signing_in_is_needed(course):
    response = Client().get(offline_url(course))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_service_worker_is_served_from_the_root(db):
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert 'addEventListener("fetch"' in body and "shouwang-course-" in body
    # The site's own policy: the worker may fetch from this origin only.
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_manifest_names_the_site_and_its_icons(db):
    response = Client().get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["short_name"] == "守望"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"]: icon["src"] for icon in manifest["icons"]}
    assert sizes == {
        "192x192": "/static/img/icon-192.png",
        "512x512": "/static/img/icon-512.png",
    }
    for src in sizes.values():
        icon = Client().get(src)
        assert icon.status_code == 200


def test_every_page_links_the_manifest(db):
    page = Client().get("/login/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page


def test_the_offline_list_page_is_for_signed_in_users(client_for, world):
    assert Client().get("/learn/offline/").status_code == 302
    page = client_for(world.trainee.user).get("/learn/offline/").content.decode()
    assert "data-offline-list" in page and "本机上的课程" in page
