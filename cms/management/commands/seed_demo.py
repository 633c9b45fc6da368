"""python manage.py seed_demo [--force]: idempotent demo data for every app."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lms.certs.demo import seed_qualifications
from lms.courses.demo import completions_seed, quiz_place, seed_courses
from lms.drills.demo import seed_drills
from lms.people.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    credentials_seed,
    results_cohorts,
    seed_people,
)
from lms.people.demo_photos import seed_demo_photos
from lms.people.models import User
from lms.points.demo import seed_points
from lms.quizzes.demo import PRACTICE_TITLE, exam_passes_seed, seed_quizzes
from lms.quizzes.models import Quiz


def _results():
    """What the demo's qualified people have done, each app building its own records:
    verified 保安员证, the patrol course, the guard exam. trainee2 and four guards
    pass the exam, trainee1 has only to pass it; the second station's first three
    pass it too."""
    trainees, guards, second = results_cohorts()
    verifier = User.objects.filter(username="station").first()
    credentials_seed([*trainees, *guards, *second], verifier=verifier)
    completions_seed([*trainees, *guards[:5]], days_ago=20)
    completions_seed(second, days_ago=15)
    exam_passes_seed([*trainees[1:], *guards[:4], *second[:3]])


class Command(BaseCommand):
    help = "Load demo data (idempotent). Refuses with DEBUG off unless --force."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (never in production).",
        )

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. Demo data has known "
                "passwords; use --force only on a throw-away database."
            )
        summary = seed_people()
        courses = seed_courses()
        quizzes = seed_quizzes()
        quiz_place(Quiz.objects.get(title=PRACTICE_TITLE))
        seed_drills()
        _results()
        certs = seed_qualifications()
        seed_demo_photos()
        points = seed_points()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {summary['organisations']} organisations, "
                f"{summary['people']} people, {courses['courses']} courses, "
                f"{courses['lessons']} lessons, {quizzes['questions']} questions, "
                f"{certs['types']} qualification types ({certs['issued']} records "
                f"issued), {points['points']} co-governance points."
            )
        )
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for username, description in DEMO_LOGINS:
            self.stdout.write(f"  {username:<12} {description}")
