"""Expiry reminders: to the holder at 60, 30, 14, 7 and 1 days before the end (in
the app, and by e-mail where the login has an address), and one digest per
organisation to its admins, listing what expires soon and renewals that are
overdue. Each reminder is sent once, also when two runs overlap (a constraint, and
each run sends only the rows it created); a day the job did not run is caught up at
the next run with the reminder now due. The e-mails go through background tasks
(lms.certs.tasks: by the worker in production, so a slow mail server holds up
neither the job nor the other e-mails), which carry the reminders' ids. A failed
e-mail is logged and does not stop the others."""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from lms.certs.constants import REMINDER_DAYS, Status
from lms.certs.models import QualificationRecord, Reminder
from lms.certs.selectors import overdue_renewals
from lms.people.constants import Role

logger = logging.getLogger("shouwang.certs")


def _due_threshold(days_left):
    """The reminder due for a record ending in ``days_left`` days, or None."""
    due = [d for d in sorted(REMINDER_DAYS) if days_left <= d]
    return due[0] if due and days_left >= 0 else None


def reminders_claim(day):
    """Create the reminders now due on ``day`` and return them (the rows this run
    claimed). The caller queues their e-mails in the same transaction
    (``lms.certs.tasks.reminders_send``)."""
    ending = (
        QualificationRecord.objects.filter(
            status=Status.ACTIVE,
            valid_until__gte=day,
            valid_until__lte=day + timedelta(days=max(REMINDER_DAYS)),
        )
        .select_related("person__user", "person__organisation", "qualification_type")
        .order_by("valid_until", "pk")
    )
    wanted = []
    for record in ending:
        threshold = _due_threshold((record.valid_until - day).days)
        if threshold is not None:
            wanted.append(Reminder(record=record, days_before=threshold))
    existing = set(
        Reminder.objects.filter(record__in=[r.record for r in wanted]).values_list(
            "record_id", "days_before"
        )
    )
    return [
        reminder
        for reminder in wanted
        if (reminder.record_id, reminder.days_before) not in existing
        and _claimed(reminder)
    ]


def _reminders(ids):
    return (
        Reminder.objects.filter(pk__in=ids)
        .select_related(
            "record__person__user",
            "record__person__organisation",
            "record__qualification_type",
        )
        .order_by("record__valid_until", "record__pk", "pk")
    )


def _claimed(reminder):
    """Create the reminder row; False when another run of the job made it first (the
    constraint), which then sends its e-mails: a reminder goes out once even when two
    runs overlap."""
    try:
        with transaction.atomic():
            reminder.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def _send(subject_template, body_template, context, to, about):
    """One e-mail; a failure is logged (``about``: what it was for, not the
    address, which is personal data) and the job goes on with the others. It is
    not sent again: the reminder stays in the app."""
    try:
        send_mail(
            render_to_string(subject_template, context).strip(),
            render_to_string(body_template, context),
            settings.DEFAULT_FROM_EMAIL,
            to,
        )
    except Exception:  # noqa: BLE001 - any mail failure: logged, the job goes on
        logger.exception("expiry reminder e-mail failed: %s", about)
        return False
    return True


def reminders_email_holders(reminder_ids):
    """E-mail each holder their reminder (task ``email_reminders``). Each reminder
    is claimed (marked e-mailed, a conditional update that commits at once) before
    its e-mail goes: a second run of the task (requeued while the first still runs,
    or run again by hand) skips what the first has claimed, so no e-mail goes twice.
    A failed e-mail is logged and un-claimed, left as not e-mailed. Returns how
    many went."""
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for reminder in _reminders(reminder_ids).filter(emailed=False):
            user = reminder.record.person.user
            if user is None or not user.email:
                continue
            mine = Reminder.objects.filter(pk=reminder.pk, emailed=False)
            if not mine.update(emailed=True):
                continue  # another run of the task has it
            context = {"record": reminder.record, "days": reminder.days_before}
            if _send(
                "certs/email/reminder_subject.txt",
                "certs/email/reminder.txt",
                context,
                [user.email],
                f"record {reminder.record.serial}, {reminder.days_before} days",
            ):
                sent += 1
            else:
                Reminder.objects.filter(pk=reminder.pk).update(emailed=False)
    return sent


def reminders_email_digests(reminder_ids, day):
    """One digest per organisation to its admins (task ``email_digests``). An
    organisation's reminders are claimed (marked digested) before its digest goes,
    as the holders' e-mails are: a second run of the task sends none of the
    digests the first sent or is sending. A failed digest is logged and
    un-claimed. Returns how many went."""
    by_org = defaultdict(list)
    ids_by_org = defaultdict(list)
    for reminder in _reminders(reminder_ids).filter(digested=False):
        by_org[reminder.record.person.organisation].append(reminder.record)
        ids_by_org[reminder.record.person.organisation.pk].append(reminder.pk)
    if not by_org:
        return 0
    admins = defaultdict(list)
    for user in (
        get_user_model()
        .objects.filter(
            groups__name=Role.ORG_ADMIN.value,
            is_active=True,
            person__organisation__in=list(by_org),
        )
        .exclude(email="")
        .select_related("person")
    ):
        admins[user.person.organisation_id].append(user.email)
    overdue = defaultdict(list)  # one query for every organisation's digest
    for record in overdue_renewals(list(admins), day=day):
        overdue[record.person.organisation_id].append(record)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for organisation, records in by_org.items():
            to = admins.get(organisation.pk)
            if not to:
                continue
            mine = Reminder.objects.filter(
                pk__in=ids_by_org[organisation.pk], digested=False
            )
            if not mine.update(digested=True):
                continue  # another run of the task has this digest
            context = {
                "organisation": organisation,
                "records": records,
                "overdue": overdue[organisation.pk],
            }
            if _send(
                "certs/email/digest_subject.txt",
                "certs/email/digest.txt",
                context,
                to,
                f"digest to organisation {organisation.pk}",
            ):
                sent += 1
            else:
                Reminder.objects.filter(pk__in=ids_by_org[organisation.pk]).update(
                    digested=False
                )
    return sent
