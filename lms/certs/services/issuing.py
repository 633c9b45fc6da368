"""Issuing and the lifecycle of qualification records: issue (by the engine or a
person), renew, approve, suspend, reinstate, revoke, expire. Nothing is deleted;
each change says who made it and why."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from lms.certs import rules
from lms.certs.constants import RecordAction, Status
from lms.certs.models import QualificationRecord, SerialCounter
from lms.core.events import records_changed_announce

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols: 5 bits each
CODE_LENGTH = 16  # 80 random bits


def system_reason(message):
    """A reason the system writes on a record: in the site's language, whichever
    user's request happened to run the engine."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


class LifecycleError(Exception):
    """A change the record's status does not allow (a clear message)."""


def new_code():
    """A verification code nobody can guess: 80 random bits, 16 characters that
    survive being read aloud or typed (no 0/O, 1/I/L)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def next_serial(year):
    """SW-<year>-<6 digits>, counted per year. The counter row is updated in the
    caller's transaction, so concurrent issuers queue on it and never share one."""
    SerialCounter.objects.get_or_create(year=year)
    SerialCounter.objects.filter(year=year).update(last=F("last") + 1)
    number = SerialCounter.objects.values_list("last", flat=True).get(year=year)
    return f"SW-{year}-{number:06d}"


def valid_until_for(qtype, valid_from):
    if qtype.validity_months is None:
        return None
    return rules.add_months(valid_from, qtype.validity_months) - timedelta(days=1)


def record_issue(
    *,
    person,
    qtype,
    day=None,
    evidence=(),
    actor=None,
    renews=None,
    valid_until=None,
    credential=None,
):
    """A new record, or None when the person already has a current one of the type
    (another worker got there first: the constraint decides, not a check). Types
    that need approval wait as PENDING unless a person with the right issues it."""
    day = day or timezone.localdate()
    if valid_until is None and credential is None:
        if renews is not None and renews.valid_until and renews.valid_until >= day:
            # Renewed early: the new validity runs on from the old end date.
            valid_until = valid_until_for(qtype, renews.valid_until + timedelta(days=1))
        else:
            valid_until = valid_until_for(qtype, day)
    status = (
        Status.PENDING if qtype.requires_approval and actor is None else Status.ACTIVE
    )
    try:
        with transaction.atomic():
            if renews is not None:
                updated = QualificationRecord.objects.filter(
                    pk=renews.pk, status=Status.ACTIVE
                ).update(
                    status=Status.SUPERSEDED,
                    status_changed_at=timezone.now(),
                    status_reason=system_reason(gettext_lazy("Renewed")),
                )
                if not updated:
                    return None
            record = QualificationRecord.objects.create(
                serial=next_serial(timezone.localdate().year),
                code=new_code(),
                person=person,
                qualification_type=qtype,
                status=status,
                issued_on=day,
                valid_from=day,
                valid_until=valid_until,
                evidence={"requirements": list(evidence)},
                issued_by=actor,
                renews=renews,
                external_credential=credential,
            )
    except IntegrityError:
        return None
    return record


def _change(record, *, to, allowed, actor, reason, action, require_reason=True):
    """Move a record to ``to`` and write the audit entry (actor, reason, from and
    to) in the same transaction: a change is never without its entry."""
    if require_reason and not (reason or "").strip():
        raise LifecycleError(_("Give a reason."))
    with transaction.atomic():
        locked = QualificationRecord.objects.select_for_update().get(pk=record.pk)
        if locked.status not in allowed:
            raise LifecycleError(
                _("A record that is “%(status)s” cannot be changed this way.")
                % {"status": locked.get_status_display()}
            )
        before = locked.status
        locked.status = to
        locked.status_reason = (reason or "").strip()[:300]
        locked.status_changed_by = actor
        locked.status_changed_at = timezone.now()
        locked.save(
            update_fields=[
                "status",
                "status_reason",
                "status_changed_by",
                "status_changed_at",
            ]
        )
        log(
            locked,
            action,
            user=actor,
            data={
                "serial": locked.serial,
                "reason": locked.status_reason,
                "from": before,
                "to": to,
            },
        )
    return locked


def record_suspend(*, record, actor, reason):
    return _change(
        record,
        to=Status.SUSPENDED,
        allowed=(Status.ACTIVE,),
        action=RecordAction.SUSPEND,
        actor=actor,
        reason=reason,
    )


def record_reinstate(*, record, actor, reason):
    return _change(
        record,
        to=Status.ACTIVE,
        allowed=(Status.SUSPENDED,),
        action=RecordAction.REINSTATE,
        actor=actor,
        reason=reason,
    )


def record_revoke(*, record, actor, reason):
    return _change(
        record,
        to=Status.REVOKED,
        allowed=(Status.ACTIVE, Status.SUSPENDED, Status.PENDING),
        action=RecordAction.REVOKE,
        actor=actor,
        reason=reason,
    )


def record_approve(*, record, actor):
    """A pending record becomes active from today (its dates start now)."""
    with transaction.atomic():
        locked = _change(
            record,
            to=Status.ACTIVE,
            allowed=(Status.PENDING,),
            action=RecordAction.APPROVE,
            actor=actor,
            reason="",
            require_reason=False,
        )
        today = timezone.localdate()
        locked.valid_from = locked.issued_on = today
        if locked.external_credential_id is None:
            locked.valid_until = valid_until_for(locked.qualification_type, today)
        locked.issued_by = actor
        locked.save(
            update_fields=["valid_from", "issued_on", "valid_until", "issued_by"]
        )
    return locked


def records_expire(day=None):
    """Active records whose last day has passed become EXPIRED. Returns how many.
    (Reading code never trusts this alone: validity is also checked by date.)"""
    day = day or timezone.localdate()
    expired = QualificationRecord.objects.filter(
        status=Status.ACTIVE, valid_until__lt=day
    ).update(
        status=Status.EXPIRED,
        status_changed_at=timezone.now(),
        status_reason=system_reason(gettext_lazy("Validity ended")),
    )
    if expired:
        # A bulk update sends no model signal. The people are not named (a night
        # can expire thousands); what changed is only how the days before read.
        records_changed_announce(sender="certs", before=day)
    return expired
