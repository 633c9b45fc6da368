"""python manage.py anonymise_people --force: for copies of production only."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lms.people.anonymise import people_anonymise


class Command(BaseCommand):
    help = "Replace personal data with synthetic data (copies of production only)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true")

    def handle(self, *args, force, **options):
        if not force:
            raise CommandError(
                "This rewrites every person irreversibly. Run it only on a copy, "
                f"with --force (database: {settings.DATABASES['default']['NAME']})."
            )
        people_anonymise()
        self.stdout.write(self.style.SUCCESS("People anonymised."))
