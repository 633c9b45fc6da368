"""Choices used by the people app. Stored values are short English keys; labels are
translated, Chinese by default."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrganisationKind(models.TextChoices):
    POLICE_STATION = "police_station", _("Police station")
    SECURITY_COMPANY = "security_company", _("Security company")
    PROPERTY_FIRM = "property_firm", _("Property management firm")
    VOLUNTEER_TEAM = "volunteer_team", _("Volunteer police team")
    CO_GOVERNANCE_POINT = "co_governance_point", _("Co-governance point")
    TRAINING_UNIT = "training_unit", _("Training unit")


class PointCategory(models.TextChoices):
    """Category of a co-governance point (警保联动点位), A the most demanding."""

    A = "A", _("Category A")
    B = "B", _("Category B")
    C = "C", _("Category C")
    D = "D", _("Category D")


class PersonKind(models.TextChoices):
    GUARD = "guard", _("Security guard")
    VOLUNTEER = "volunteer", _("Volunteer police")
    PROPERTY_SECURITY = "property_security", _("Property security")
    STAFF = "staff", _("Staff")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ON_LEAVE = "on_leave", _("On leave")
    LEFT = "left", _("Left")
    SUSPENDED = "suspended", _("Suspended")


class LoginState(models.TextChoices):
    """Where a person's login stands (lms/people/services/logins.py)."""

    NONE = "none", _("No login")
    NO_CODE = "no_code", _("Not activated; the code has expired")
    WAITING = "waiting", _("Waiting for activation")
    ACTIVE = "active", pgettext_lazy("login state", "Active")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class CredentialKind(models.TextChoices):
    SECURITY_GUARD_CERTIFICATE = (
        "security_guard_certificate",
        _("Security guard certificate"),
    )
    FIRE_SAFETY_CERTIFICATE = (
        "fire_safety_certificate",
        _("Fire safety operator certificate"),
    )
    OTHER = "other", _("Other credential")


class Role(models.TextChoices):
    """Roles are Django groups. The stored value is the group's name, which is
    bilingual so that it reads well in the admin whatever the user's language."""

    TRAINEE = "学员 Trainee", _("Trainee")
    INSTRUCTOR = "教官 Instructor", _("Instructor")
    STATION_STAFF = "派出所民警 Station staff", _("Station staff")
    TRAINING_MANAGER = "培训经理 Training manager", _("Training manager")
    ORG_ADMIN = "单位管理员 Organisation admin", _("Organisation admin")
    SITE_ADMIN = "系统管理员 Site admin", _("Site admin")


class AuditAction:
    """Actions written to Wagtail's log (one audit mechanism for the project)."""

    PEOPLE_IMPORT = "shouwang.people.import"
    PEOPLE_EXPORT = "shouwang.people.export"
    ROLE_CHANGE = "shouwang.role.change"
    BADGE_RESET = "shouwang.badge.reset"
    # Logins organisation admins give (lms/people/services/logins.py).
    LOGIN_GIVE = "shouwang.login.give"
    PASSWORD_RESET = "shouwang.login.reset"  # noqa: S105 - an action name
    LOGIN_ACTIVATE = "shouwang.login.activate"
