"""python manage.py import_assignments FILE [--station CODE] [--dry-run]"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from lms.core.import_commands import dataset_from_path, report_write
from lms.people.models import Organisation
from lms.points.imports import (
    assignments_import,
    dataset_from_upload,
)


class Command(BaseCommand):
    help = "Import point assignments from CSV or XLSX: all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--station", help="Only the points of this station (its code)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check only.")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE)

    def handle(self, *args, file, station, dry_run, language, **options):
        with translation.override(language):
            self._import(file, station, dry_run)

    def _import(self, file, station_code, dry_run):
        station = None
        if station_code:
            station = Organisation.objects.stations().filter(code=station_code).first()
            if station is None:
                raise CommandError(
                    _("No organisation has the code “%(code)s”.")
                    % {"code": station_code}
                )
        dataset = dataset_from_path(file, dataset_from_upload)
        report = assignments_import(
            dataset=dataset, station=station, dry_run=dry_run, source=file.name
        )
        report_write(self, report)
        self.stdout.write(
            _("%(created)s assignments added, %(updated)s updated.")
            % {"created": report.created, "updated": report.updated}
        )
