"""Daily: reminders to holders whose qualifications end soon, digests to their
organisations' admins. Safe to run twice."""

from django.core.management.base import BaseCommand

from lms.certs.tasks import reminders_send


class Command(BaseCommand):
    help = "Send expiry reminders (60, 30, 14, 7, 1 days before) and digests."

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"{len(sent)} reminders")
