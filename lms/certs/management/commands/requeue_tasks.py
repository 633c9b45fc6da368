"""Put background tasks back in the queue (database backend). The worker's unit runs
it with --worker before the worker starts (what that worker left running when it
was killed), a timer with --stale (a worker whose machine never came back); a site
admin runs it with --failed once the cause of a failure is fixed. Our tasks are
safe to run again, also while the first run is still going: the engine issues once
by constraint, and the reminder and digest e-mails are each claimed before they go
(lms/certs/tasks.py), so none goes twice."""

from django.core.management.base import BaseCommand, CommandError

from lms.certs.tasks import tasks_requeue


class Command(BaseCommand):
    help = "Requeue tasks left running by a worker that stopped, or that failed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker",
            dest="worker_id",
            help="tasks left running by this worker id (it is about to start again)",
        )
        parser.add_argument(
            "--stale",
            action="store_true",
            help="tasks running longer than TASKS_STALE_AFTER_MINUTES",
        )
        parser.add_argument("--failed", action="store_true", help="tasks that failed")

    def handle(self, *args, worker_id=None, stale=False, failed=False, **options):
        if not (worker_id or stale or failed):
            raise CommandError("Give --worker ID, --stale or --failed.")
        count = tasks_requeue(worker_id=worker_id, stale=stale, failed=failed)
        self.stdout.write(f"requeued {count} task(s)")
