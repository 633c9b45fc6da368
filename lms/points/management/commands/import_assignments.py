"""python manage.py import_assignments FILE [--station CODE] [--dry-run]"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from lms.people.models import Organisation
from lms.points.imports import (
    ImportFileError,
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
        if not file.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        try:
            dataset = dataset_from_upload(file.name, file.read_bytes())
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        report = assignments_import(
            dataset=dataset, station=station, dry_run=dry_run, source=file.name
        )
        if not report.ok:
            for error in report.errors:
                self.stderr.write(
                    _("Row %(row)s, %(column)s: %(message)s")
                    % {
                        "row": error.row,
                        "column": error.column or "-",
                        "message": error.message,
                    }
                )
            raise CommandError(_("Nothing was imported."))
        self.stdout.write(
            _("%(created)s assignments added, %(updated)s updated.")
            % {"created": report.created, "updated": report.updated}
        )
