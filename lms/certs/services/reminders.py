"""Expiry reminders: to the holder at 60, 30, 14, 7 and 1 days before the end (in
the app, and by e-mail where the login has an address), and one digest per
organisation to its admins, listing what expires soon and renewals that are
overdue. Each reminder is sent once (a constraint); a day the job did not run is
caught up at the next run with the reminder now due."""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lms.certs.constants import REMINDER_DAYS, Status
from lms.certs.models import QualificationRecord, Reminder
from lms.certs.selectors import overdue_renewals
from lms.people.constants import Role


def _due_threshold(days_left):
    """The reminder due for a record ending in ``days_left`` days, or None."""
    due = [d for d in sorted(REMINDER_DAYS) if days_left <= d]
    return due[0] if due and days_left >= 0 else None


def reminders_send(day=None):
    """Create and send the reminders now due. Returns the new Reminder rows."""
    day = day or timezone.localdate()
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
    fresh = [r for r in wanted if (r.record_id, r.days_before) not in existing]
    started = timezone.now()
    # ignore_conflicts: a second job running at once makes no second row.
    Reminder.objects.bulk_create(fresh, ignore_conflicts=True)
    pairs = {(r.record_id, r.days_before) for r in fresh}
    created = [
        r
        for r in Reminder.objects.filter(
            record__in=[r.record for r in fresh], sent_at__gte=started
        ).select_related(
            "record__person__user",
            "record__person__organisation",
            "record__qualification_type",
        )
        if (r.record_id, r.days_before) in pairs
    ]
    _email_holders(created)
    _email_digests(created, day)
    return created


def _email_holders(reminders):
    with translation.override(settings.LANGUAGE_CODE):
        for reminder in reminders:
            user = reminder.record.person.user
            if user is None or not user.email:
                continue
            context = {"record": reminder.record, "days": reminder.days_before}
            send_mail(
                render_to_string("certs/email/reminder_subject.txt", context).strip(),
                render_to_string("certs/email/reminder.txt", context),
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
            reminder.emailed = True
    Reminder.objects.bulk_update([r for r in reminders if r.emailed], ["emailed"])


def _email_digests(reminders, day):
    by_org = defaultdict(list)
    for reminder in reminders:
        by_org[reminder.record.person.organisation].append(reminder.record)
    if not by_org:
        return
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
    with translation.override(settings.LANGUAGE_CODE):
        for organisation, records in by_org.items():
            to = admins.get(organisation.pk)
            if not to:
                continue
            context = {
                "organisation": organisation,
                "records": records,
                "overdue": overdue_renewals([organisation.pk], day=day),
            }
            send_mail(
                render_to_string("certs/email/digest_subject.txt", context).strip(),
                render_to_string("certs/email/digest.txt", context),
                settings.DEFAULT_FROM_EMAIL,
                to,
            )
