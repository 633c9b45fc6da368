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


class PreviewTests(WagtailPageTestCase):
    def test_every_page_type_previews_with_every_block(self):
        from wagtail.rich_text import RichText

        from tests.factories import (
            CourseIndexPageFactory,
            CoursePageFactory,
            LessonPageFactory,
            SeasonalClassPageFactory,
        )
        from tests.h5p.conftest import upload_fixture

        home = Page.objects.get(depth=2)
        catalogue = CourseIndexPageFactory(parent=home, slug="courses")
        course = CoursePageFactory(parent=catalogue, slug="fire")
        package = upload_fixture("h5p-standalone-h5p-test.h5p")
        lesson = LessonPageFactory(
            parent=course,
            slug="l1",
            body=[
                ("heading", "标题"),
                ("paragraph", RichText("<p>正文</p>")),
                ("warning", {"title": "注意", "text": "先断电"}),
                ("checklist", {"title": "要点", "items": ["报警"]}),
                (
                    "procedure",
                    {"title": "四步", "steps": [{"title": "提", "text": ""}]},
                ),
                ("h5p", {"package": package, "title": "判断", "pass_mark": 60}),
            ],
        )
        seasonal = SeasonalClassPageFactory(
            parent=catalogue, slug="winter", lessons=[("lesson", lesson)]
        )
        # Preview renders the unsaved page through its own templates (Wagtail's
        # dummy request), every block included.
        for page in (catalogue, course, lesson, seasonal):
            response = page.make_preview_request()
            assert response.status_code == 200, page
        assert "先断电" in lesson.make_preview_request().content.decode()
