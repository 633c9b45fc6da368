import pytest

from tests.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
)
from tests.factories.courses import home


@pytest.fixture
def catalogue(db):
    return CourseIndexPageFactory(parent=home(), slug="courses")


def build_course(catalogue=None):
    """A course of three required lessons (one inside a module) and an optional one."""
    catalogue = catalogue or CourseIndexPageFactory(parent=home(), slug="courses")
    course = CoursePageFactory(parent=catalogue, slug="fire", study_hours=2)
    first = LessonPageFactory(parent=course, slug="l1")
    module = ModulePageFactory(parent=course, slug="m1")
    course.lessons_in_order = [
        first,
        LessonPageFactory(parent=module, slug="l2"),
        LessonPageFactory(parent=course, slug="l3"),
    ]
    course.optional = LessonPageFactory(parent=course, slug="extra", required=False)
    return course


@pytest.fixture
def course(catalogue):
    return build_course(catalogue)
