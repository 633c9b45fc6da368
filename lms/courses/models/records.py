"""What people did: assignments, enrolments and lesson completions. Kept apart from
the pages that define courses; never deleted (pages with records cannot be deleted,
see wagtail_hooks.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.courses.constants import EnrolmentSource, EnrolmentStatus


class Assignment(models.Model):
    """A course or seasonal class given to a whole organisation or team."""

    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    team = models.ForeignKey(
        "people.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, team__isnull=True)
                | Q(organisation__isnull=True, team__isnull=False),
                name="courses_assignment_org_xor_team",
            ),
            models.UniqueConstraint(
                fields=["page", "organisation"],
                condition=Q(organisation__isnull=False),
                name="courses_assignment_unique_org",
            ),
            models.UniqueConstraint(
                fields=["page", "team"],
                condition=Q(team__isnull=False),
                name="courses_assignment_unique_team",
            ),
        ]

    def __str__(self):
        return f"{self.page} → {self.team or self.organisation}"


class Enrolment(models.Model):
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(
        _("source"),
        max_length=16,
        choices=EnrolmentSource.choices,
        default=EnrolmentSource.SELF,
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.IN_PROGRESS,
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    hours_credited = models.DecimalField(
        _("study hours credited"), max_digits=5, decimal_places=1, default=0
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "page"], name="courses_enrolment_once"
            )
        ]
        indexes = [models.Index(fields=["person", "completed_at"])]

    def __str__(self):
        return f"{self.person} · {self.page}"


class LessonCompletion(models.Model):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "lesson"], name="courses_lesson_completed_once"
            )
        ]

    def __str__(self):
        return f"{self.person_id} · {self.lesson_id}"
