"""Reads that depend on who is asking. Every list the site shows goes through here,
so that the scoping rules of DESIGN.md live in one place:

* site admins (and superusers) and instructors see everyone;
* organisation admins see their own organisation;
* station staff see their station and the organisations it supervises, read-only;
* everyone with a profile sees themself.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Q

from lms.people import phones
from lms.people.constants import PersonStatus, Role
from lms.people.models import ExternalCredential, Organisation, Person, Team


def user_roles(user):
    """The user's roles, read once per request object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_shouwang_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        user._shouwang_roles = cached
    return cached


def user_person(user):
    """The user's profile or None, without raising."""
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def sees_everyone(user):
    roles = user_roles(user)
    return user.is_superuser or bool(
        roles & {Role.SITE_ADMIN, Role.INSTRUCTOR, Role.TRAINING_MANAGER}
    )


def manages_everyone(user):
    return user.is_superuser or Role.SITE_ADMIN in user_roles(user)


def starts_in_admin(user):
    """Where a sign-in without ``next`` lands: the admin for those whose work is
    there (authors, managers, organisation admins, site admins). Station staff
    open the admin only at a desk, to set up their points; their daily work (the
    roster, the scanner, on a phone) starts on the site's home page, as a
    trainee's does."""
    if not user.has_perm("wagtailadmin.access_admin"):
        return False
    roles = user_roles(user)
    station_only = Role.STATION_STAFF in roles and roles <= {
        Role.STATION_STAFF,
        Role.TRAINEE,
    }
    return user.is_superuser or not station_only


def _organisation_scope(user):
    """Q over Organisation for the organisations the user may read, or None for all."""
    if sees_everyone(user):
        return None
    roles = user_roles(user)
    person = user_person(user)
    scope = Q(pk__in=[])
    if person is None:
        return scope
    if Role.ORG_ADMIN in roles:
        scope |= Q(pk=person.organisation_id)
    if Role.STATION_STAFF in roles:
        station = person.organisation_id
        scope |= Q(pk=station) | Q(supervising_station_id=station)
    return scope


def organisations_visible_to(user):
    if not user.is_authenticated:
        return Organisation.objects.none()
    scope = _organisation_scope(user)
    # The admin list shows each organisation's station: join it.
    organisations = Organisation.objects.select_related("supervising_station")
    return organisations if scope is None else organisations.filter(scope)


def organisations_managed_by(user):
    """Organisations whose people the user may add, change and import."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if manages_everyone(user):
        return Organisation.objects.all()
    person = user_person(user)
    if person is None or Role.ORG_ADMIN not in user_roles(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(pk=person.organisation_id)


def people_visible_to(user):
    """People the user may read, with what every list shows already joined."""
    base = Person.objects.select_related("organisation", "team")
    if not user.is_authenticated:
        return base.none()
    scope = _organisation_scope(user)
    if scope is None:
        return base
    person = user_person(user)
    own = Q(pk=person.pk) if person else Q(pk__in=[])
    visible_orgs = Organisation.objects.filter(scope).values("pk")
    return base.filter(own | Q(organisation__in=visible_orgs))


def people_managed_by(user):
    return Person.objects.select_related("organisation", "team").filter(
        organisation__in=organisations_managed_by(user).values("pk")
    )


# No login, or a login without a password of its own (waiting for activation).
WITHOUT_OWN_PASSWORD = Q(user__isnull=True) | Q(
    user__password__startswith=UNUSABLE_PASSWORD_PREFIX
)


def login_candidates(user, *, organisation, team=None):
    """For the logins page: the people of ``organisation`` (of ``team``) whom
    ``user`` manages and who have not left, as (those who cannot sign in yet, by
    name, with their login and its activation code joined; how many can)."""
    people = (
        people_managed_by(user)
        .filter(organisation=organisation)
        .exclude(status=PersonStatus.LEFT)
    )
    if team is not None:
        people = people.filter(team=team)
    waiting = (
        people.filter(WITHOUT_OWN_PASSWORD)
        .select_related("user", "user__activation_code")
        .order_by("name", "pk")
    )
    return waiting, people.exclude(WITHOUT_OWN_PASSWORD).count()


def can_manage_person(user, person):
    return people_managed_by(user).filter(pk=person.pk).exists()


def can_see_full_id_numbers(user):
    return user.has_perm("people.view_full_id_number")


def teams_visible_to(user):
    return Team.objects.select_related("organisation").filter(
        organisation__in=organisations_visible_to(user).values("pk")
    )


def teams_managed_by(user):
    return Team.objects.select_related("organisation").filter(
        organisation__in=organisations_managed_by(user).values("pk")
    )


def credentials_visible_to(user):
    return ExternalCredential.objects.select_related("person").filter(
        person__in=people_visible_to(user).values("pk")
    )


def credentials_managed_by(user):
    return ExternalCredential.objects.select_related("person").filter(
        person__in=people_managed_by(user).values("pk")
    )


def organisations_editable_by(user):
    """Only site admins create and change organisations themselves."""
    return (
        Organisation.objects.all()
        if manages_everyone(user)
        else Organisation.objects.none()
    )


def find_user(identifier):
    """The account a sign-in name points to, or None. A mobile number (in any usual
    spelling) is looked up as a phone first, then as a username. The sign-in
    lock-out resolves names with this too (login_guard.lockout_username), so that
    every spelling of one account counts against that account."""
    users = get_user_model()._default_manager
    number = phones.normalise(identifier)
    user = None
    if phones.MOBILE.match(number):
        user = users.filter(phone=number).first()
    if user is None:
        user = users.filter(username=identifier.strip()).first()
    return user
