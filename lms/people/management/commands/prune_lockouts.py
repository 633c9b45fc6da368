"""Delete the sign-in lock-out counts whose window has passed (a timer runs it with
axes_reset_failure_logs: deploy/systemd/shouwang-prune-lockouts.*). Axes' own
axes_reset deletes every count, live lock-outs too, so it does not fit."""

from django.core.management.base import BaseCommand

from lms.people.services.login_guard import lockouts_prune


class Command(BaseCommand):
    help = "Delete sign-in lock-out counts older than LOGIN_FAILURE_WINDOW."

    def handle(self, *args, **options):
        self.stdout.write(f"{lockouts_prune()} expired lock-out count(s) deleted.")
