from django.core.management.base import BaseCommand

from lms.quizzes.services.attempts import attempts_close_expired


class Command(BaseCommand):
    help = (
        "Close and score, with what was saved, every quiz attempt whose time ran out. "
        "Run it every minute (deploy/systemd/shouwang-close-expired-attempts.timer); "
        "safe on several machines at once. Trainees' pages also close their own "
        "expired attempts when they open them."
    )

    def handle(self, *args, **options):
        closed = attempts_close_expired()
        self.stdout.write(f"closed {closed} expired attempt(s)")
