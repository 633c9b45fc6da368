"""What a qualification is and what earns it: types, their requirement rules, and
the duty posts that need them. Records of who holds what are in records.py."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from lms.certs.constants import Category, RequirementKind, Source
from lms.drills.constants import DrillType
from lms.people.constants import CredentialKind


class QualificationType(ClusterableModel):
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("Short code, used by drills' 'counts toward' and the API."),
    )
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.ISSUED
    )
    credential_kind = models.CharField(
        _("outside credential"),
        max_length=32,
        choices=CredentialKind.choices,
        blank=True,
        help_text=_(
            "For qualifications from an outside authority: the kind of credential "
            "that, once verified, is recorded as this qualification."
        ),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: it does not expire."),
    )
    renewal_window_days = models.PositiveSmallIntegerField(
        _("renewal window (days)"),
        default=60,
        help_text=_(
            "How many days before the end a holder who meets the rules again gets "
            "a renewal."
        ),
    )
    requires_approval = models.BooleanField(
        _("needs approval"),
        default=False,
        help_text=_("Records wait for a training manager instead of being issued."),
    )
    is_active = models.BooleanField(_("issued now"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("name")]),
        FieldRowPanel([FieldPanel("category"), FieldPanel("sort_order")]),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("source"), FieldPanel("credential_kind")]),
                FieldRowPanel(
                    [FieldPanel("validity_months"), FieldPanel("renewal_window_days")]
                ),
                FieldRowPanel(
                    [FieldPanel("requires_approval"), FieldPanel("is_active")]
                ),
            ],
            heading=_("Issuing"),
        ),
        InlinePanel("requirements", heading=_("Rules"), label=_("requirement")),
    ]

    class Meta:
        verbose_name = _("qualification type")
        verbose_name_plural = _("qualification types")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def is_external(self):
        return self.source == Source.EXTERNAL

    def clean(self):
        if self.is_external and not self.credential_kind:
            raise ValidationError(
                {"credential_kind": _("Say which outside credential it records.")}
            )
        if not self.is_external and self.credential_kind:
            raise ValidationError(
                {"credential_kind": _("Only for qualifications from outside.")}
            )


class Requirement(Orderable):
    """One condition. Requirements with the same group number form a group; every
    group must be met; a group is met by all its requirements, or by any one of
    them when its requirements say 'any'."""

    qualification_type = ParentalKey(
        QualificationType, related_name="requirements", on_delete=models.CASCADE
    )
    group = models.PositiveSmallIntegerField(_("group"), default=1)
    any_of_group = models.BooleanField(
        _("any one of the group is enough"),
        default=False,
        help_text=_("Tick on every requirement of the group, or on none."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RequirementKind.choices)
    course = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quiz = models.ForeignKey(
        "quizzes.Quiz",
        verbose_name=_("exam"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    min_percent = models.DecimalField(
        _("minimum score in percent"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        # 0 would pass any attempt: everyone who sat the exam would qualify.
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(100))],
        help_text=_("Empty: the exam's own pass mark."),
    )
    # Empty, not NULL, is "any type": one empty value for a string field (DJ001).
    drill_type = models.CharField(
        _("drill type"),
        max_length=16,
        choices=DrillType.choices,
        blank=True,
        help_text=_("Empty: a drill of any type counts."),
    )
    hours = models.DecimalField(
        _("study hours"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        # 0 hours would be met by everyone, and the engine would issue to all.
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    within_months = models.PositiveSmallIntegerField(
        _("within the last (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: at any time."),
    )
    other_type = models.ForeignKey(
        QualificationType,
        verbose_name=_("qualification"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    credential_kind = models.CharField(
        _("outside credential"),
        max_length=32,
        choices=CredentialKind.choices,
        blank=True,
    )
    grace_days = models.PositiveSmallIntegerField(
        _("grace (days)"),
        default=0,
        help_text=_("Still counts this many days after it would have lapsed."),
    )

    panels = [
        FieldRowPanel(
            [FieldPanel("group"), FieldPanel("any_of_group"), FieldPanel("kind")]
        ),
        FieldRowPanel([FieldPanel("course"), FieldPanel("quiz")]),
        FieldRowPanel(
            [FieldPanel("min_percent"), FieldPanel("drill_type"), FieldPanel("hours")]
        ),
        FieldRowPanel([FieldPanel("other_type"), FieldPanel("credential_kind")]),
        FieldRowPanel([FieldPanel("within_months"), FieldPanel("grace_days")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.group}"

    def describe(self):
        """What to do to meet it, as a sentence (lms.certs.wording)."""
        from lms.certs.wording import requirement_text

        return requirement_text(self)

    # The fields each kind cannot do without. A drill rule needs no drill type:
    # without one, a drill of any type counts ("any drill in the last 12 months").
    NEEDS = {
        RequirementKind.COURSE_COMPLETED: ("course",),
        RequirementKind.EXAM_PASSED: ("quiz",),
        RequirementKind.STUDY_HOURS: ("hours",),
        RequirementKind.QUALIFICATION_HELD: ("other_type",),
        RequirementKind.EXTERNAL_CREDENTIAL: ("credential_kind",),
    }

    def clean(self):
        missing = {
            name: _("Needed for this kind of requirement.")
            for name in self.NEEDS.get(self.kind, ())
            if getattr(self, name) in (None, "")
        }
        if missing:
            raise ValidationError(missing)
        if (
            self.kind == RequirementKind.QUALIFICATION_HELD
            and self.other_type_id
            and self.other_type_id == self.qualification_type_id
        ):
            raise ValidationError(
                {"other_type": _("A qualification cannot require itself.")}
            )


class Post(ClusterableModel):
    """A duty post (门卫, 巡逻, …): who may be deployed to it is who holds every
    qualification it requires."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    required_types = ParentalManyToManyField(
        QualificationType,
        verbose_name=_("required qualifications"),
        related_name="posts",
        blank=True,
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldRowPanel(
            [FieldPanel("code"), FieldPanel("name"), FieldPanel("sort_order")]
        ),
        FieldPanel("description"),
        FieldPanel("required_types", widget=forms.CheckboxSelectMultiple),
    ]

    class Meta:
        verbose_name = _("duty post")
        verbose_name_plural = _("duty posts")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class ApiKey(models.Model):
    """A key for another system (a station's duty roster) to read the roster API.
    Only a hash is stored; the key is shown once when it is made."""

    name = models.CharField(_("system"), max_length=100)
    station = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("police station"),
        on_delete=models.PROTECT,
        related_name="api_keys",
    )
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
