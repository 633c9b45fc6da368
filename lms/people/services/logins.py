"""Logins for the people an organisation imports, given by its own administrator.

A person's login is their mobile phone number. The administrator gives logins in
bulk (or resets one person's password) and prints a sheet of one-time activation
codes; each trainee opens /activate/, types their number and code, and chooses a
password of their own. So nobody but the trainee ever knows their password, and no
e-mail is needed (most guards have none on file).

- A code is 12 digits (``CODE_DIGITS``), printed in groups of four: digits, because
  people over 45 type them on an old phone's number pad; twelve, because an
  attacker may try one guess against each of many waiting logins, and 10^12 keeps
  that hopeless. Guessing is held off too by django-axes, which counts a wrong code
  like a wrong password (per account and address, ``ActivationCodeBackend``), by a
  per-address limit on /activate/, and by the code's expiry
  (``ACTIVATION_CODE_DAYS``).
- Only a hash is stored (``ActivationCode``, Django's password hasher). The clear
  codes exist in the memory of the request that issues them and on the sheet it
  shows; a sheet is shown once (``ActivationSheet.key``), after which the codes can
  only be issued anew, which makes the old ones stop working.
- Every login given, password reset and activation is in the audit log, on the
  person, with the actor.
"""

import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from lms.people.constants import AuditAction, LoginState, PersonStatus, Role
from lms.people.models import ActivationCode, ActivationSheet, Person, User
from lms.people.selectors import manages_everyone, people_managed_by
from lms.people.services.roles import role_group

CODE_DIGITS = 12
PERMISSION = "people.manage_logins"
TAKEN = gettext_lazy("This phone number is already the login of another account.")


class SheetAlreadyShown(Exception):
    """The sheet asked for was issued and shown already; its codes are not shown
    again (issue new ones)."""


@dataclass
class IssuedCode:
    person: Person
    login: str
    code: str  # in clear: only here, for the sheet

    @property
    def code_display(self):
        """The code as printed: groups of four digits, easier to copy."""
        return " ".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


@dataclass
class Refusal:
    person: Person
    reason: str


@dataclass
class Sheet:
    sheet: ActivationSheet
    expires_at: object
    issued: list[IssuedCode] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def new_code():
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def normalise_code(raw):
    """What people type: spaces, hyphens, full-width digits (a Chinese IME)."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return "".join(char for char in text if char.isdigit())


def may_manage_logins(user, person=None):
    """The right to give logins (``people.manage_logins``), for ``person`` if named:
    organisation admins for their own organisation's people, site admins for all."""
    if not user.has_perm(PERMISSION):
        return False
    return person is None or people_managed_by(user).filter(pk=person.pk).exists()


def login_state(person, *, now=None):
    """Where a person's login stands (``LoginState``); reads ``person.user`` and
    its ``activation_code``, which a list joins (``select_related``)."""
    user = person.user
    if user is None:
        return LoginState.NONE
    if user.has_usable_password():
        return LoginState.ACTIVE
    try:
        pending = user.activation_code
    except ActivationCode.DoesNotExist:
        return LoginState.NO_CODE
    if pending.expires_at <= (now or timezone.now()):
        return LoginState.NO_CODE
    return LoginState.WAITING


def _beyond_trainee(user):
    """Whether a login can do more than a trainee: a role beyond trainee, a
    permission of its own, staff or superuser. Its password is not an organisation
    admin's to reset: with the code they could sign in as an instructor (who sees
    every organisation) or as another admin."""
    if user.is_superuser or user.is_staff or user.user_permissions.exists():
        return True
    trainee = Role.TRAINEE.value
    return user.groups.exclude(name=trainee).exists()


def _refusal(person, *, reset, actor):
    if person.status == PersonStatus.LEFT:
        return _("Has left the organisation.")
    user = person.user
    if user is None:
        if not person.phone:
            return _("No mobile phone on file: add one first; it becomes the login.")
        taken = User.objects.filter(Q(username=person.phone) | Q(phone=person.phone))
        return str(TAKEN) if taken.exists() else None
    if not user.is_active:
        return _("The login is disabled.")
    if user.pk == actor.pk:
        return _("This is your own login: change your password in your account.")
    if not manages_everyone(actor) and _beyond_trainee(user):
        return _(
            "This login holds more rights than a trainee's: only a site "
            "administrator can reset it."
        )
    if user.is_superuser and not actor.is_superuser:
        return _("Only a superuser can reset a superuser's login.")
    if user.has_usable_password() and not reset:
        return _(
            "Already has a password. To give a new code, reset the password on "
            "the person's page."
        )
    return None


def _new_login(person):
    """A trainee's login named by their phone number, with no password until they
    choose one; None when another login took the number meanwhile (the unique
    columns decide, as two administrators may give logins at the same moment)."""
    user = User(username=person.phone, phone=person.phone)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        return None
    user.groups.add(role_group(Role.TRAINEE))
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    return user


def _clear_lockout(user):
    """A reset is the way out of a lock-out the login page offers ("ask your
    organisation's administrator"): lift the account's locks, from any address."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username=user.get_username()).delete()


def logins_issue(*, people, actor, sheet_key, reset=False):
    """Give each of ``people`` a login (their phone number) and a new activation
    code, on one sheet: all or, for a person it cannot serve, a refusal with the
    reason (no phone, already a password, the number taken...).

    ``reset`` (one person's page): the login's password stops working at once (and
    every session it had, as Django ties sessions to the password) and the account's
    sign-in lock-outs are lifted; without ``reset`` a login that already has a
    password is left alone. Raises PermissionDenied for anyone outside the actor's
    organisations, SheetAlreadyShown for a ``sheet_key`` used before.
    """
    people = list(people)
    if not may_manage_logins(actor):
        raise PermissionDenied
    managed = set(
        people_managed_by(actor)
        .filter(pk__in=[p.pk for p in people])
        .values_list("pk", flat=True)
    )
    if any(person.pk not in managed for person in people):
        raise PermissionDenied
    expires_at = timezone.now() + timedelta(days=settings.ACTIVATION_CODE_DAYS)
    action = AuditAction.PASSWORD_RESET if reset else AuditAction.LOGIN_GIVE
    with transaction.atomic():
        try:
            with transaction.atomic():
                sheet = ActivationSheet.objects.create(key=sheet_key, issued_by=actor)
        except IntegrityError:
            raise SheetAlreadyShown from None
        result = Sheet(sheet=sheet, expires_at=expires_at)
        for person in people:
            if reason := _refusal(person, reset=reset, actor=actor):
                result.refused.append(Refusal(person, reason))
                continue
            user = person.user or _new_login(person)
            if user is None:
                result.refused.append(Refusal(person, str(TAKEN)))
                continue
            if reset and user.has_usable_password():
                user.set_unusable_password()
                user.save(update_fields=["password"])
            if reset:
                _clear_lockout(user)
            code = new_code()
            ActivationCode.objects.update_or_create(
                user=user,
                defaults={
                    "code_hash": make_password(code),
                    "sheet": sheet,
                    "expires_at": expires_at,
                },
            )
            log(person, action, user=actor, data={"sheet": str(sheet.key)})
            result.issued.append(
                IssuedCode(person=person, login=user.phone or user.username, code=code)
            )
    return result


def pending_code(user):
    """The login's activation code still valid now, or None."""
    return ActivationCode.objects.filter(
        user=user, expires_at__gt=timezone.now()
    ).first()


def code_matches(user, code):
    """Whether ``code`` is the login's valid activation code. The hasher runs even
    when there is none, so the time taken does not tell."""
    pending = pending_code(user) if user is not None else None
    code = normalise_code(code)
    if pending is None or len(code) != CODE_DIGITS:
        make_password(code)
        return False
    return check_password(code, pending.code_hash)


def login_activate(*, user, password):
    """The trainee's own password in exchange for their code (checked already by
    ``authenticate``): the code is used up in the same transaction, so two tabs
    submitting it at once set one password and the other is refused."""
    with transaction.atomic():
        pending = ActivationCode.objects.select_for_update().filter(user=user).first()
        if pending is None:
            return False
        user.set_password(password)
        user.save(update_fields=["password"])
        pending.delete()
        person = Person.objects.filter(user=user).first()
        log(person or user, AuditAction.LOGIN_ACTIVATE, user=user)
    return True
