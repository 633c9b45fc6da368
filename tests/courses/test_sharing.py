"""Lessons and seasonal classes shared into a WeChat group show a card: Open Graph
title, description, picture and address, all absolute."""

import re

import pytest
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from tests.factories import LessonPageFactory, SeasonalClassPageFactory

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def og(html):
    return dict(re.findall(r'<meta property="og:(\w+)" content="([^"]*)">', html))


def image():
    return get_image_model().objects.create(title="灭火器", file=get_test_image_file())


def test_a_lesson_card_falls_back_to_its_summary_and_the_site_picture(client, course):
    lesson = course.lessons_in_order[0]
    lesson.summary = "认识四种常见灭火器。"
    lesson.save_revision().publish()
    tags = og(client.get(lesson.url).content.decode())
    assert tags["title"] == lesson.title
    assert tags["description"] == "认识四种常见灭火器。"
    assert tags["image"] == f"{BASE}/static/img/og-share.png"
    assert tags["url"] == f"{BASE}{lesson.url}"
    assert tags["type"] == "article"


def test_the_search_description_and_seo_title_come_first(client, course):
    lesson = course.lessons_in_order[0]
    lesson.summary = "摘要"
    lesson.search_description = "搜索描述：灭火器的使用方法。"
    lesson.seo_title = "灭火器怎么用"
    lesson.save_revision().publish()
    tags = og(client.get(lesson.url).content.decode())
    assert tags["title"] == "灭火器怎么用"
    assert tags["description"] == "搜索描述：灭火器的使用方法。"


def test_a_lesson_without_summary_is_described_by_its_first_paragraph(client, course):
    lesson = LessonPageFactory(
        parent=course,
        slug="text",
        body=[
            ("heading", "开头"),
            ("paragraph", "<p>电器着火时<b>先断电</b>。</p>"),
            ("paragraph", "<p>第二段</p>"),
        ],
    )
    assert og(client.get(lesson.url).content.decode())["description"] == (
        "电器着火时先断电。"
    )


def test_a_lesson_shows_its_first_picture(client, course):
    picture = image()
    lesson = LessonPageFactory(
        parent=course,
        slug="pictured",
        body=[("paragraph", "<p>看图</p>"), ("image", {"image": picture})],
    )
    url = og(client.get(lesson.url).content.decode())["image"]
    assert url.startswith(f"{BASE}/media/images/") and ".fill-1200x630" in url


def test_a_lesson_without_a_picture_shows_its_course_cover(client, course):
    course.cover = image()
    course.save_revision().publish()
    url = og(client.get(course.lessons_in_order[0].url).content.decode())["image"]
    assert url.startswith(f"{BASE}/media/images/") and ".fill-1200x630" in url


def test_the_card_costs_a_warm_lesson_no_query(
    client, course, django_assert_max_num_queries
):
    course.cover = image()
    course.save_revision().publish()
    lesson = course.lessons_in_order[0]
    client.get(lesson.url)
    with django_assert_max_num_queries(1):  # the session only
        html = client.get(lesson.url).content.decode()
    assert ".fill-1200x630" in og(html)["image"]


def test_a_seasonal_class_card(client, catalogue):
    seasonal = SeasonalClassPageFactory(
        parent=catalogue, slug="winter", summary="冬季用火用电安全。", cover=image()
    )
    tags = og(client.get(seasonal.url).content.decode())
    assert tags["title"] == "冬季防火小课堂"
    assert tags["description"] == "冬季用火用电安全。"
    assert tags["image"].startswith(f"{BASE}/media/images/")
    assert tags["url"] == f"{BASE}{seasonal.url}"


def test_a_long_summary_is_cut_short(client, catalogue):
    seasonal = SeasonalClassPageFactory(
        parent=catalogue, slug="long", summary="长" * 300
    )
    description = og(client.get(seasonal.url).content.decode())["description"]
    assert len(description) == 120 and description.startswith("长" * 100)
