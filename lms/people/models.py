"""Organisations, teams, people and their outside credentials.

Anonymising a production copy (``manage.py anonymise_people``): names become
"学员<pk>", phones and ID numbers are replaced by synthetic ones, photos are
dropped; organisations and teams are kept (they are not personal data).
"""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.people import crypto, idnumber, phones, photos
from lms.people.constants import (
    CredentialKind,
    Gender,
    OrganisationKind,
    PersonKind,
    PersonStatus,
    PointCategory,
)


def new_badge_key():
    return secrets.token_urlsafe(16)


class User(AbstractUser):
    """The login. Created from the first migration so that it never has to be
    swapped later; people sign in with their phone number or their username."""

    phone = models.CharField(
        _("mobile phone"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[phones.validate_mobile],
        help_text=_("Can be used instead of the username to sign in."),
    )
    # On the login rather than the profile: staff without a profile read pages too,
    # and the user row is loaded (from the cache) by every request anyway, so
    # every page can honour it without a query.
    elder_mode = models.BooleanField(
        _("elders' version"),
        default=False,
        help_text=_(
            "Larger text, larger buttons and lessons read aloud, on every device "
            "this person signs in on."
        ),
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self):
        super().clean()
        self.phone = phones.normalise(self.phone) or None


class OrganisationQuerySet(models.QuerySet):
    def stations(self):
        return self.filter(kind=OrganisationKind.POLICE_STATION)


class Organisation(models.Model):
    """A police station, company, property firm, volunteer team, co-governance point
    or training unit. Everything but a station sits under a supervising station."""

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("Short unique code, used by imports and the API, e.g. XH-PCS."),
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    point_category = models.CharField(
        _("point category"),
        max_length=1,
        choices=PointCategory.choices,
        blank=True,
        help_text=_("Only for co-governance points: A (most demanding) to D."),
    )
    supervising_station = models.ForeignKey(
        "self",
        verbose_name=_("supervising police station"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_organisations",
        limit_choices_to={"kind": OrganisationKind.POLICE_STATION},
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=OrganisationKind.CO_GOVERNANCE_POINT)
                | models.Q(point_category=""),
                name="people_org_category_only_for_points",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        is_point = self.kind == OrganisationKind.CO_GOVERNANCE_POINT
        if is_point and not self.point_category:
            raise ValidationError(
                {"point_category": _("A co-governance point needs a category (A–D).")}
            )
        if not is_point and self.point_category:
            raise ValidationError(
                {"point_category": _("Only co-governance points have a category.")}
            )
        if self.kind == OrganisationKind.POLICE_STATION and self.supervising_station_id:
            raise ValidationError(
                {
                    "supervising_station": _(
                        "A police station is not supervised by another."
                    )
                }
            )
        if (
            self.kind != OrganisationKind.POLICE_STATION
            and not self.supervising_station_id
        ):
            raise ValidationError(
                {
                    "supervising_station": _(
                        "Choose the police station that supervises it."
                    )
                }
            )

    @property
    def is_station(self):
        return self.kind == OrganisationKind.POLICE_STATION


class Team(models.Model):
    """A team (队组) inside one organisation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="teams",
    )
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["organisation__code", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="people_team_unique_name"
            )
        ]

    def __str__(self):
        return f"{self.organisation.name} · {self.name}"


class Person(models.Model):
    """A trainee's profile: who they are and where they work. The login (User) is
    optional, because some guards have no smartphone and are checked in by badge."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="person",
    )
    name = models.CharField(_("full name"), max_length=60)
    phone = models.CharField(
        _("mobile phone"),
        max_length=11,
        blank=True,
        validators=[phones.validate_mobile],
    )
    id_number_encrypted = models.TextField(editable=False, blank=True)
    # NULL, not "", when unknown: a unique column allows many NULLs.
    id_number_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    id_number_last4 = models.CharField(
        _("ID number (last 4)"), max_length=4, blank=True, editable=False
    )
    gender = models.CharField(
        _("gender"), max_length=8, choices=Gender.choices, blank=True, editable=False
    )
    birth_date = models.DateField(
        _("birth date"), null=True, blank=True, editable=False
    )
    # Private storage, random names, served through checked views (photos.py).
    photo = models.ImageField(
        _("photo"),
        upload_to=photos.photo_name,
        storage=photos.photo_storage,
        blank=True,
    )
    kind = models.CharField(
        _("kind"), max_length=24, choices=PersonKind.choices, default=PersonKind.GUARD
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PersonStatus.choices,
        default=PersonStatus.ACTIVE,
    )
    badge_key = models.CharField(
        max_length=32, unique=True, default=new_badge_key, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__code", "name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [
            ("view_full_id_number", _("Can see and export full ID numbers")),
            ("import_people", _("Can import people from spreadsheets")),
            (
                "manage_logins",
                _("Can give logins and reset passwords and badges"),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self):
        return self.name

    @classmethod
    def from_db(cls, db, field_names, values):
        # Remembered for the user cache: a profile moved to another login must be
        # forgotten under the login it had (lms.people.user_cache).
        instance = super().from_db(db, field_names, values)
        instance._loaded_user_id = instance.__dict__.get("user_id")
        return instance

    def clean(self):
        if (
            self.team_id
            and self.organisation_id
            and self.team.organisation_id != self.organisation_id
        ):
            raise ValidationError(
                {"team": _("The team belongs to another organisation.")}
            )

    # The ID number is never stored in clear. Reading it decrypts; setting it
    # validates, encrypts, hashes and derives gender and birth date in one place,
    # like set_password(), so no code path can store half of it.
    @property
    def id_number(self):
        return (
            crypto.decrypt(self.id_number_encrypted) if self.id_number_encrypted else ""
        )

    @id_number.setter
    def id_number(self, raw):
        parsed = idnumber.parse(raw)
        digest = crypto.keyed_hash(parsed.value)
        if digest == self.id_number_hash:
            return
        self.id_number_encrypted = crypto.encrypt(parsed.value)
        self.id_number_hash = digest
        self.id_number_last4 = parsed.last4
        self.gender = parsed.gender
        self.birth_date = parsed.birth_date

    @property
    def id_number_masked(self):
        return idnumber.mask(self.id_number_last4)

    # The label the admin's inspect view gives the property (Django reads it).
    id_number_masked.fget.short_description = _("ID number")

    @property
    def phone_masked(self):
        return phones.mask(self.phone)


class ExternalCredential(models.Model):
    """A credential issued by an outside authority, such as the 保安员证 issued by
    the city police. The certs issue reads these; a credential is voided with a
    reason, never deleted."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="external_credentials",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=CredentialKind.choices)
    number = models.CharField(_("certificate number"), max_length=64)
    issuing_authority = models.CharField(_("issuing authority"), max_length=120)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)

    class Meta:
        ordering = ["person__name", "kind"]
        verbose_name = _("external credential")
        verbose_name_plural = _("external credentials")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number"], name="people_credential_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def clean(self):
        if self.expires_on and self.issued_on and self.expires_on < self.issued_on:
            raise ValidationError(
                {"expires_on": _("It cannot expire before it was issued.")}
            )


class ActivationSheet(models.Model):
    """One sheet of activation codes, shown once. Its ``key`` comes from the form
    that asked for it, so a reload or a second click cannot issue (and show) the
    codes again: the key is taken, the codes are not shown twice (the database's
    unique constraint decides, whatever the number of app servers)."""

    key = models.UUIDField(unique=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activation sheet")
        verbose_name_plural = _("activation sheets")

    def __str__(self):
        return f"{self.issued_at:%Y-%m-%d %H:%M}"


class ActivationCode(models.Model):
    """A login's one-time activation code, which its owner exchanges for a password
    of their own at /activate/. Only a hash is stored (Django's password hasher),
    so the code on the printed sheet is the only copy; a new code replaces the old
    one, and using it deletes it (the audit log keeps the history).

    Anonymising a copy: the rows are deleted (``anonymise_people``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activation_code",
    )
    code_hash = models.CharField(max_length=128, editable=False)
    sheet = models.ForeignKey(
        ActivationSheet, on_delete=models.PROTECT, related_name="codes"
    )
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")

    def __str__(self):
        return str(self.user)
