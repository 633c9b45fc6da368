"""What the spreadsheet import commands share (``import_people``,
``import_assignments``): reading the file, and printing the report the way the
admin's import page shows it (rows left out, every bad row), all or nothing."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from lms.core.spreadsheets import ImportFileError


def dataset_from_path(path, read):
    """The file at ``path`` read by the app's ``read(filename, content)`` (its
    columns and limits) as a Dataset, or a CommandError saying what is wrong."""
    if not path.is_file():
        raise CommandError(_("File not found: %(path)s") % {"path": path})
    try:
        return read(path.name, path.read_bytes())
    except ImportFileError as error:
        raise CommandError(str(error)) from error


def report_write(command, report):
    """Print the rows left out and, when the import was refused, every bad row,
    then fail with how many rows have errors."""
    for skipped in report.skipped:
        command.stdout.write(
            _("Row %(row)s left out, %(reason)s: %(text)s")
            % {"row": skipped.row, "reason": skipped.reason, "text": skipped.text}
        )
    if report.ok:
        return
    for error in report.errors:
        command.stderr.write(
            _("Row %(row)s, %(column)s: %(message)s")
            % {
                "row": error.row,
                "column": error.column or "-",
                "message": error.message,
            }
        )
    raise CommandError(
        _("Nothing was imported: %(count)s rows have errors.")
        % {"count": len(report.bad_rows)}
    )
