"""Course pages. Pages hold presentation only; progress and hours are records
(records.py) written by services.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from lms.courses.blocks import LessonStreamBlock
from lms.courses.constants import Audience, SeasonalTheme

# {page class: fn(page, request, context)}: what each page type shows its visitor,
# read through the selectors. The selectors query these classes, so a page may not
# import them (that would close a circle, tests/test_layers.py): CoursesConfig.ready
# fills this from lms/courses/page_context.py, as it connects the app's signals.
page_reads = {}


class ReadsContext:
    """A page whose context adds its type's reads (``page_reads``)."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        page_reads[type(self)](self, request, context)
        return context


class CourseIndexPage(ReadsContext, Page):
    """The catalogue: courses and the seasonal classes that are on now."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.CoursePage", "courses.SeasonalClassPage"]

    class Meta:
        verbose_name = _("course catalogue")


class LearnableMixin(models.Model):
    """What courses and seasonal classes share: an audience, a summary, study hours
    credited on completion, and the lessons that make them up."""

    audience = models.CharField(
        _("audience"),
        max_length=24,
        choices=Audience.choices,
        default=Audience.EVERYONE,
    )
    summary = models.TextField(_("summary"), blank=True)
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    study_hours = models.DecimalField(
        _("study hours"),
        max_digits=5,
        decimal_places=1,
        default=1,
        # 45 = MINUTES_PER_STUDY_HOUR, written out so that the migration does not
        # depend on the language makemigrations happens to run in.
        help_text=_("In study hours (学时) of 45 minutes, credited on completion."),
    )

    class Meta:
        abstract = True

    learnable_panels = [
        FieldPanel("audience"),
        FieldPanel("summary"),
        FieldPanel("cover"),
        FieldPanel("study_hours"),
    ]


class CoursePage(ReadsContext, LearnableMixin, Page):
    counts_toward = models.CharField(
        _("counts toward qualifications"),
        max_length=200,
        blank=True,
        help_text=_(
            "Codes of the qualification types it counts toward, comma-separated."
        ),
    )
    open_enrolment = models.BooleanField(
        _("open enrolment"),
        default=True,
        help_text=_("Anyone may enrol; otherwise only people it is assigned to."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(LearnableMixin.learnable_panels, heading=_("Course")),
        FieldPanel("counts_toward"),
        FieldPanel("open_enrolment"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage", "courses.LessonPage"]

    class Meta:
        verbose_name = _("course")

    def __str__(self):
        return self.title


class ModulePage(Page):
    summary = models.TextField(_("summary"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("module")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = LessonPage.objects.child_of(self).live()
        return context


# Blocks that a trainee passes or fails (see LessonPage.required_activities).
ACTIVITY_BLOCKS = ("h5p", "quiz")


class LessonPage(ReadsContext, Page):
    summary = models.TextField(_("summary"), blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes to study"), default=15)
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Needed to complete the course.")
    )
    body = StreamField(LessonStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("minutes"),
        FieldPanel("required"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = [
        "courses.CoursePage",
        "courses.ModulePage",
        "courses.SeasonalClassPage",
    ]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")

    def get_view_restrictions(self):
        """Wagtail's version takes two queries (ancestors, then restrictions); this
        one query, with aliases' originals in a subquery, runs on every lesson view.
        A lesson served from the page-tree cache brings the restrictions along as a
        list (``lms.courses.lesson_cache``), so serving it needs no query."""
        from wagtail.models import Page, PageViewRestriction

        cached = self.__dict__.get("_cached_view_restrictions")
        if cached is not None:
            return cached

        paths = [
            self.path[:n] for n in range(Page.steplen, len(self.path) + 1, Page.steplen)
        ]
        originals = Page.objects.filter(path__in=paths, alias_of__isnull=False).values(
            "alias_of_id"
        )
        return PageViewRestriction.objects.filter(
            models.Q(page__path__in=paths) | models.Q(page_id__in=originals)
        ).select_related("page")

    def required_activities(self):
        """{block id: (block type, stored value)} of the H5P activities and quizzes
        that must be passed to complete the lesson."""
        # raw_data: no need to load the chosen packages or quizzes to read a flag.
        return {
            block["id"]: (block["type"], block.get("value") or {})
            for block in self.body.raw_data
            if block.get("type") in ACTIVITY_BLOCKS
            and (block.get("value") or {}).get("required")
        }

    def required_activity_ids(self):
        return list(self.required_activities())


class _NoScheduleToggle(type(WagtailAdminPageForm)):
    """Wagtail builds the page form as ``(WagtailAdminDraftStateFormMixin,
    base_form_class)``, so the mixin's ``show_schedule_publishing_toggle`` wins
    over the base form's: the attribute is set on the built class itself."""

    def __new__(mcs, name, bases, attrs):
        attrs.setdefault("show_schedule_publishing_toggle", False)
        return super().__new__(mcs, name, bases, attrs)


class SeasonalClassPageForm(WagtailAdminPageForm, metaclass=_NoScheduleToggle):
    """The class's window is in its own form (SeasonalClassPage.content_panels):
    no schedule toggle in the status side panel, whose dialog is empty without
    the PublishingPanel (and whose date picker covered its 保存计划 button)."""


class SeasonalClassPage(ReadsContext, LearnableMixin, Page):
    """A short seasonal class (小课堂). Its active window is Wagtail's own scheduled
    publishing: "go live" opens it, "expiry" archives it (run ``publish_scheduled``).
    The two dates are fields of the class's own form, not of the side panel."""

    theme = models.CharField(_("theme"), max_length=24, choices=SeasonalTheme.choices)
    lessons = StreamField(
        [("lesson", blocks.PageChooserBlock(page_type="courses.LessonPage"))],
        verbose_name=_("linked lessons"),
        blank=True,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("theme"),
        MultiFieldPanel(
            [FieldPanel("go_live_at"), FieldPanel("expire_at")],
            heading=_("Active window"),
            help_text=_(
                "Trainees see the class from the first date; after the second it "
                "is archived. Leave the first empty to open it on approval."
            ),
        ),
        MultiFieldPanel(LearnableMixin.learnable_panels, heading=_("Class")),
        FieldPanel("lessons"),
    ]
    # Not the PublishingPanel: the window is above, in the content.
    settings_panels = [
        panel
        for panel in Page.settings_panels
        if not getattr(panel, "path", "").endswith("PublishingPanel")
    ]
    base_form_class = SeasonalClassPageForm
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("seasonal class")

    def __str__(self):
        return self.title

    def linked_lesson_ids(self):
        # raw_data avoids loading each chosen page just to learn its id.
        return [item["value"] for item in self.lessons.raw_data if item.get("value")]
