import wagtail_factories

from lms.courses.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModulePage,
    SeasonalClassPage,
)


def home():
    from tests.factories.cms import site_tree

    return site_tree()


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CourseIndexPage

    title = "培训课程"


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = wagtail_factories.factories.factory.Sequence(lambda n: f"课程{n}")
    study_hours = 2
    open_enrolment = True


class ModulePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ModulePage

    title = "模块"


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = wagtail_factories.factories.factory.Sequence(lambda n: f"第{n}课")


class SeasonalClassPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = SeasonalClassPage

    title = "冬季防火小课堂"
    theme = "winter_fire"
    study_hours = 1
