"""End to end through the lead's lesson page: render, score, complete."""

import json
import re

import pytest
from django.test import TestCase

from lms.courses.models import LessonCompletion
from lms.courses.services import course_enrol
from lms.people.constants import Role
from tests.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    person_with_role,
)
from tests.factories.courses import home
from tests.h5p.conftest import upload_fixture


@pytest.fixture
def lesson(db):
    package = upload_fixture("h5p-standalone-h5p-test.h5p")
    catalogue = CourseIndexPageFactory(parent=home(), slug="courses")
    course = CoursePageFactory(parent=catalogue, slug="fire")
    body = json.dumps(
        [
            {
                "type": "h5p",
                "value": {
                    "package": package.pk,
                    "title": "判断题",
                    "pass_mark": 100,
                    "required": True,
                },
            }
        ]
    )
    return LessonPageFactory(parent=course, slug="l1", body=body)


def test_lesson_with_activity_scores_and_completes(client_for, lesson):
    person = person_with_role(Role.TRAINEE, username="h5p-trainee")
    course_enrol(person=person, page=lesson.get_parent().specific)
    client = client_for(person.user)
    html = client.get(lesson.url).content.decode()
    assert 'sandbox="allow-scripts allow-same-origin"' in html
    token = re.search(r'data-token="([^"]+)"', html).group(1)
    src = re.search(r'<iframe[^>]* src="([^"]+)"', html).group(1)
    from urllib.parse import parse_qs, urlsplit

    iri = parse_qs(urlsplit(src.replace("&amp;", "&")).query)["iri"][0]
    statement = {
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": iri},
        "result": {"score": {"raw": 1, "max": 1}},
    }
    with TestCase.captureOnCommitCallbacks(execute=True):  # completion runs on commit
        response = client.post(
            "/h5p/statements/",
            data=json.dumps({"token": token, "statement": statement}),
            content_type="application/json",
        )
    assert response.json()["passed"] is True
    assert LessonCompletion.objects.filter(person=person, lesson=lesson).exists()
    assert "Score: 1 / 1, passed" in client.get(lesson.url).content.decode()


def test_anonymous_sees_sign_in(client, lesson):
    html = client.get(lesson.url).content.decode()
    assert "Sign in to do this activity." in html
    assert "<iframe" not in html


def test_first_passing_statement_completes_the_course_in_at_most_20_queries(
    client_for, lesson, django_assert_max_num_queries
):
    """wagtail-lms 0.11.1 needs 41 queries for a learner's first statement; the
    issue asks for at most half, everything (scoring, lesson and course completion,
    hours, audit) included."""
    from urllib.parse import parse_qs, urlsplit

    from lms.courses.constants import EnrolmentStatus
    from lms.courses.models import Enrolment

    person = person_with_role(Role.TRAINEE, username="h5p-counted")
    course = lesson.get_parent().specific
    course_enrol(person=person, page=course)
    client = client_for(person.user)
    html = client.get(lesson.url).content.decode()
    token = re.search(r'data-token="([^"]+)"', html).group(1)
    src = re.search(r'<iframe[^>]* src="([^"]+)"', html).group(1)
    iri = parse_qs(urlsplit(src.replace("&amp;", "&")).query)["iri"][0]
    body = json.dumps(
        {
            "token": token,
            "statement": {
                "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                "object": {"id": iri},
                "result": {"score": {"raw": 1, "max": 1}},
            },
        }
    )
    # A running server has the content type of the audit entry cached; a fresh test
    # process has not.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_model(Enrolment)
    with (
        django_assert_max_num_queries(20),
        TestCase.captureOnCommitCallbacks(execute=True),  # completion runs on commit
    ):
        response = client.post(
            "/h5p/statements/", data=body, content_type="application/json"
        )
    assert response.json()["passed"] is True
    enrolment = Enrolment.objects.get(person=person, page=course)
    assert enrolment.status == EnrolmentStatus.COMPLETED
