"""End to end through the lead's lesson page: render, score, complete."""

import json
import re

import pytest

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
