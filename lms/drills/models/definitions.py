"""Drills and the skills each type of drill checks."""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from lms.drills.constants import DrillType, WalkIns


def _new_secret():
    return secrets.token_hex(16)


class SkillItem(models.Model):
    """One practical skill checked at every drill of a type (e.g. fire: pull the
    pin, aim at the base of the fire)."""

    drill_type = models.CharField(
        _("drill type"), max_length=16, choices=DrillType.choices
    )
    title = models.CharField(_("skill"), max_length=200)
    required = models.BooleanField(_("required to pass"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("drill_type"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("required"), FieldPanel("sort_order")]),
    ]

    class Meta:
        verbose_name = _("skill to assess")
        verbose_name_plural = _("skills to assess")
        ordering = ["drill_type", "sort_order", "pk"]

    def __str__(self):
        return f"{self.get_drill_type_display()} · {self.title}"


class Drill(ClusterableModel):
    title = models.CharField(_("title"), max_length=200)
    drill_type = models.CharField(_("type"), max_length=16, choices=DrillType.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location_name = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    radius_m = models.PositiveIntegerField(
        _("radius (m)"),
        default=300,
        help_text=_("Check-ins farther away are flagged, not refused."),
    )
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructors"),
        blank=True,
        related_name="drills_led",
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    organisations = models.ManyToManyField(
        "people.Organisation", verbose_name=_("organisations invited"), blank=True
    )
    teams = models.ManyToManyField(
        "people.Team", verbose_name=_("teams invited"), blank=True
    )
    people = models.ManyToManyField(
        "people.Person", verbose_name=_("people invited"), blank=True
    )
    walk_ins = models.CharField(
        _("people not invited"),
        max_length=8,
        choices=WalkIns.choices,
        default=WalkIns.FLAG,
    )
    practical_hours = models.DecimalField(
        _("practical hours"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(2),
        validators=[MinValueValidator(Decimal(0))],
    )
    counts_toward = models.CharField(
        _("counts toward"),
        max_length=200,
        blank=True,
        help_text=_("Codes of the qualification types this drill counts toward."),
    )
    checkin_opens_minutes = models.PositiveSmallIntegerField(
        _("check-in opens (minutes before the start)"), default=30
    )
    late_after_minutes = models.PositiveSmallIntegerField(
        _("late after (minutes from the start)"), default=10
    )
    token_seconds = models.PositiveSmallIntegerField(
        _("QR code changes every (seconds)"),
        default=20,
        validators=[MinValueValidator(10), MaxValueValidator(300)],
    )
    closed_at = models.DateTimeField(_("check-in closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Signs this drill's check-in codes together with SECRET_KEY; never shown.
    secret = models.CharField(max_length=32, default=_new_secret, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("drill_type")]),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        MultiFieldPanel(
            [
                FieldPanel("location_name"),
                FieldRowPanel(
                    [
                        FieldPanel("latitude"),
                        FieldPanel("longitude"),
                        FieldPanel("radius_m"),
                    ]
                ),
            ],
            heading=_("Place"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("organisations"),
                FieldPanel("teams"),
                FieldPanel("people"),
                FieldPanel("walk_ins"),
                FieldPanel("capacity"),
            ],
            heading=_("Who is invited"),
        ),
        FieldPanel("instructors"),
        FieldRowPanel([FieldPanel("practical_hours"), FieldPanel("counts_toward")]),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("checkin_opens_minutes"),
                        FieldPanel("late_after_minutes"),
                        FieldPanel("token_seconds"),
                    ]
                ),
            ],
            heading=_("Check-in"),
        ),
    ]

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="drills_drill_ends_after"
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The drill must end after it starts.")})

    @property
    def checkin_opens_at(self):
        return self.starts_at - timedelta(minutes=self.checkin_opens_minutes)

    @property
    def late_at(self):
        return self.starts_at + timedelta(minutes=self.late_after_minutes)

    @property
    def checkin_closes_at(self):
        return min(self.closed_at, self.ends_at) if self.closed_at else self.ends_at

    def checkin_open(self, at):
        return self.checkin_opens_at <= at < self.checkin_closes_at
