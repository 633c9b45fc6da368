"""Lessons served from the page-tree cache (lms/courses/lesson_cache.py) are exactly
what the database says after any editor's change; only personal state is read."""

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from lms.courses.models import LessonCompletion
from tests.factories import LessonPageFactory

pytestmark = pytest.mark.django_db


def test_a_warm_lesson_reads_only_session_and_completion(
    client_for, world, course, django_assert_num_queries
):
    client = client_for(world.trainee.user)
    lesson = course.lessons_in_order[0]
    client.get(lesson.url)
    # session, the trainee's completion (no H5P: no results query); the user and
    # person come from the user cache
    with django_assert_num_queries(2):
        response = client.get(lesson.url)
    assert response.context["next_lesson"].pk == course.lessons_in_order[1].pk
    assert response.context["course"].pk == course.pk


def test_a_new_lesson_becomes_the_next_lesson_at_once(client_for, world, course):
    client = client_for(world.trainee.user)
    first = course.lessons_in_order[0]
    client.get(first.url)
    new = LessonPageFactory(parent=course, slug="a-new", title="新插入的课")
    new.move(first, pos="right")
    assert client.get(first.url).context["next_lesson"].pk == new.pk


def test_an_unpublished_lesson_is_gone_at_once(client_for, world, course):
    client = client_for(world.trainee.user)
    lesson = course.lessons_in_order[0]
    assert client.get(lesson.url).status_code == 200
    lesson.unpublish()
    assert client.get(lesson.url).status_code == 404


def test_a_new_privacy_rule_applies_at_once(client, course):
    lesson = course.lessons_in_order[0]
    assert client.get(lesson.url).status_code == 200
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get(lesson.url)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_published_edit_shows_at_once(client, course):
    lesson = course.lessons_in_order[0]
    client.get(lesson.url)
    lesson.title = "改过的标题"
    lesson.save_revision().publish()
    assert "改过的标题" in client.get(lesson.url).content.decode()


def test_completion_is_personal_and_never_cached(client_for, world, course):
    from tests.factories import PersonFactory, UserFactory

    lesson = course.lessons_in_order[0]
    other = UserFactory()
    PersonFactory(user=other, organisation=world.trainee.organisation)
    trainee, neighbour = client_for(world.trainee.user), client_for(other)
    trainee.post(reverse("lesson_complete", args=[lesson.pk]))
    assert LessonCompletion.objects.filter(person=world.trainee).exists()
    assert trainee.get(lesson.url).context["lesson_completed"] is True
    assert neighbour.get(lesson.url).context["lesson_completed"] is False


def test_a_package_title_change_shows_at_once(client_for, world, course):
    from tests.h5p.conftest import upload_fixture

    package = upload_fixture("h5p-standalone-h5p-test.h5p")
    lesson = course.lessons_in_order[0]
    lesson.body = [("h5p", {"package": package, "title": "", "pass_mark": 60})]
    lesson.save_revision().publish()
    client = client_for(world.trainee.user)
    client.get(lesson.url)
    package.title = "换了名字的练习"
    package.save()
    assert "换了名字的练习" in client.get(lesson.url).content.decode()


def test_h5p_blocks_are_rendered_for_each_visitor(client_for, world, course):
    """The body's HTML is shared; an activity's token names the user who sees it."""
    import re

    from lms.h5p.tokens import activity_from_token
    from tests.factories import PersonFactory, UserFactory
    from tests.h5p.conftest import upload_fixture

    package = upload_fixture("h5p-standalone-h5p-test.h5p")
    lesson = course.lessons_in_order[0]
    lesson.body = [
        ("heading", "共同的标题"),
        ("h5p", {"package": package, "title": "判断", "pass_mark": 60}),
    ]
    lesson.save_revision().publish()
    other = UserFactory()
    PersonFactory(user=other, organisation=world.trainee.organisation)
    for user in (world.trainee.user, other):
        page = client_for(user).get(lesson.url).content.decode()
        assert "共同的标题" in page
        token = re.search(r'data-token="([^"]+)"', page).group(1)
        assert activity_from_token(token).user_id == user.pk
