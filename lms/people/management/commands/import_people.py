"""python manage.py import_people FILE --org CODE [--dry-run]"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from lms.core.import_commands import dataset_from_path, report_write
from lms.people.models import Organisation
from lms.people.services.imports import (
    dataset_from_upload,
    people_import,
)


class Command(BaseCommand):
    help = "Import people from CSV or XLSX into one organisation: all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="The organisation's code.")
        parser.add_argument("--dry-run", action="store_true", help="Check only.")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE)

    def handle(self, *args, file, org, dry_run, language, **options):
        with translation.override(language):
            return self._import(file, org, dry_run)

    def _import(self, file, org, dry_run):
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise CommandError(
                _("No organisation has the code “%(code)s”.") % {"code": org}
            )
        dataset = dataset_from_path(file, dataset_from_upload)
        report = people_import(
            organisation=organisation,
            dataset=dataset,
            dry_run=dry_run,
            source=file.name,
        )
        report_write(self, report)
        summary = _(
            "%(total)s rows: %(created)s new, %(updated)s updated, "
            "%(unchanged)s unchanged."
        ) % {
            "total": report.total_rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
        prefix = _("Check passed, nothing imported.") if dry_run else _("Imported.")
        self.stdout.write(self.style.SUCCESS(f"{prefix} {summary}"))
