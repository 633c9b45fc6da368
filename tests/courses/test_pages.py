from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import HomePage
from lms.courses.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModulePage,
    SeasonalClassPage,
)


class PageTreeTests(WagtailPageTestCase):
    def test_page_types_go_where_they_belong(self):
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage, SeasonalClassPage})
        self.assertAllowedSubpageTypes(CoursePage, {ModulePage, LessonPage})
        self.assertAllowedSubpageTypes(ModulePage, {LessonPage})
        self.assertAllowedParentPageTypes(
            LessonPage, {CoursePage, ModulePage, SeasonalClassPage}
        )
        self.assertAllowedSubpageTypes(LessonPage, set())

    def test_every_page_type_can_be_created_in_the_admin(self):
        self.login()
        home = Page.objects.get(depth=2)
        catalogue = CourseIndexPage(title="课程", slug="courses")
        home.add_child(instance=catalogue)
        self.assertCanCreate(home, CourseIndexPage, {"title": "目录二", "slug": "c2"})
        self.assertCanCreate(
            catalogue,
            CoursePage,
            {
                "title": "消防",
                "slug": "fire",
                "audience": "everyone",
                "study_hours": "2",
                "open_enrolment": "on",
                "counts_toward": "",
                "summary": "",
            },
        )
        course = CoursePage.objects.get(slug="fire")
        self.assertCanCreate(
            course, ModulePage, {"title": "模块", "slug": "m", "summary": ""}
        )
        self.assertCanCreate(
            course,
            LessonPage,
            {
                "title": "第一课",
                "slug": "l1",
                "summary": "",
                "minutes": "10",
                "required": "on",
                "body-count": "0",
            },
        )
        self.assertCanCreate(
            catalogue,
            SeasonalClassPage,
            {
                "title": "冬季",
                "slug": "winter",
                "theme": "winter_fire",
                "audience": "everyone",
                "study_hours": "1",
                "summary": "",
                "lessons-count": "0",
            },
        )
