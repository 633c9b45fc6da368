"""Definitions (where a point is, what it needs) apart from records (who is
assigned where, from when until when).

No live location of people is kept (PIPL): a point has coordinates, a person only
an assignment to a point. Coordinates are stored as the operator enters them, in
WGS-84/CGCS2000 (what GPS and 天地图 use); see docs/points.md for GCJ-02.

Anonymising a production copy: assignments name people only by key, and people
are anonymised by lms.people; points are organisations, not personal data.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.people.constants import OrganisationKind, PointCategory
from lms.points.constants import AssignmentEnd

POINTS = {"kind": OrganisationKind.CO_GOVERNANCE_POINT}


class PointSite(models.Model):
    """Where a co-governance point is: one row per point."""

    point = models.OneToOneField(
        "people.Organisation",
        verbose_name=_("co-governance point"),
        on_delete=models.CASCADE,
        related_name="site",
        limit_choices_to=POINTS,
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("WGS-84/CGCS2000 degrees, as GPS and 天地图 give them."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        verbose_name = _("point location")
        verbose_name_plural = _("point locations")
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self):
        return f"{self.point} ({self.latitude}, {self.longitude})"


class PointNeed(models.Model):
    """How many deployable guards a post needs: for every point of a category, or
    for one point (which then overrides its category's figure for that post)."""

    category = models.CharField(
        _("point category"), max_length=1, choices=PointCategory.choices, blank=True
    )
    point = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("co-governance point"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="point_needs",
        limit_choices_to=POINTS,
    )
    post = models.ForeignKey(
        "certs.Post",
        verbose_name=_("duty post"),
        on_delete=models.CASCADE,
        related_name="point_needs",
    )
    guards = models.PositiveSmallIntegerField(_("deployable guards needed"))

    class Meta:
        verbose_name = _("point need")
        verbose_name_plural = _("point needs")
        ordering = ["category", "point_id", "post_id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(category="") & Q(point__isnull=False))
                | (~Q(category="") & Q(point__isnull=True)),
                name="points_need_category_xor_point",
            ),
            models.UniqueConstraint(
                fields=["category", "post"],
                condition=Q(point__isnull=True),
                name="points_need_unique_category_post",
            ),
            models.UniqueConstraint(
                fields=["point", "post"],
                condition=Q(point__isnull=False),
                name="points_need_unique_point_post",
            ),
        ]

    def __str__(self):
        where = self.point or self.get_category_display()
        return f"{where} · {self.post}: {self.guards}"

    def clean(self):
        if bool(self.category) == bool(self.point_id):
            raise ValidationError(_("Give either a category or a point, not both."))


def in_force_q(day, via=""):
    """Q over PointAssignment: in force on ``day`` (an empty end means
    open-ended). ``via`` reaches the assignments through a relation
    (``"point_assignments__"`` from a person), for a FilteredRelation."""
    return Q(**{f"{via}valid_from__lte": day}) & (
        Q(**{f"{via}valid_until__isnull": True}) | Q(**{f"{via}valid_until__gte": day})
    )


class PointAssignmentQuerySet(models.QuerySet):
    def on(self, day):
        """Assignments in force on ``day``."""
        return self.filter(in_force_q(day))


class PointAssignment(models.Model):
    """A person serves at a point on a post from ``valid_from`` until
    ``valid_until`` (inclusive; empty: until further notice). Ended, not deleted."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="point_assignments",
    )
    point = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("co-governance point"),
        on_delete=models.PROTECT,
        related_name="point_assignments_here",
        limit_choices_to=POINTS,
    )
    post = models.ForeignKey(
        "certs.Post",
        verbose_name=_("duty post"),
        on_delete=models.PROTECT,
        related_name="point_assignments",
    )
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"),
        max_length=16,
        choices=AssignmentEnd.choices,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    objects = PointAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("point assignment")
        verbose_name_plural = _("point assignments")
        ordering = ["point_id", "post_id", "valid_from", "pk"]
        indexes = [
            models.Index(fields=["point", "valid_from"]),
            models.Index(fields=["person", "valid_from"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="points_assignment_until_after_from",
            ),
            # The same person, point, post and start once: an import run twice
            # updates instead of duplicating.
            models.UniqueConstraint(
                fields=["person", "point", "post", "valid_from"],
                name="points_assignment_unique_start",
            ),
        ]

    def __str__(self):
        return f"{self.person} @ {self.point} · {self.post}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The point it was read at: a save that moves it changes that point's
        # counts too (lms/points/receivers.py).
        instance.loaded_point_id = instance.__dict__.get("point_id")
        return instance

    loaded_point_id = None
