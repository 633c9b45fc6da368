"""Spreadsheet imports the apps share (people, question banks).

A CSV (UTF-8 or GB18030) or XLSX upload becomes a tablib Dataset with our column
names (``dataset_from_upload``), read from the header row wherever it is
(``lms.core.spreadsheet_tables``); django-import-export imports it; its result becomes
an ``ImportReport`` naming every bad row as numbered in the spreadsheet and column,
in the user's language, and every row left out (``report_from_result``).
"""

from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import View
from import_export import widgets
from wagtail.log_actions import log

from lms.core import spreadsheet_tables as tables
from lms.core.admin_helpers import SPREADSHEET_TYPES
from lms.core.spreadsheet_tables import cell_text


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing was imported."""


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    dry_run: bool
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Where the table was found, and the rows outside it that were left out.
    header_row: int = 1
    skipped: list[tables.SkippedRow] = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    @property
    def bad_rows(self):
        return sorted({error.row for error in self.errors})


@dataclass(frozen=True)
class Columns:
    """One import's columns. ``headers`` maps our field names to the headers written
    in files (Chinese, as the users' own files have them), ``labels`` to the names
    shown in the user's language, ``aliases`` other headers people write (keys
    without spaces or underscores, lower case) to field names."""

    headers: dict
    labels: dict
    aliases: dict
    required: tuple = ()

    def canonical(self, header):
        """Our header for a header as people write it, or the header unchanged."""
        key = "".join(str(header or "").split()).replace("_", "").lower()
        name = self.aliases.get(key)
        return self.headers[name] if name else str(header or "").strip()

    def label(self, name):
        """The user's-language name of a field (or of its header); "" for errors
        about the row as a whole."""
        if name == NON_FIELD_ERRORS:
            return ""
        if name not in self.headers:
            name = next((k for k, v in self.headers.items() if v == name), name)
        return str(self.labels.get(name, name))


def spreadsheet_row(dataset, number):
    """The spreadsheet's row number for import-export's 1-based data row ``number``:
    the rows above the header and blank rows dropped before the import count."""
    source_rows = getattr(dataset, "source_rows", None)
    return source_rows[number - 1] if source_rows else number + 1


def _decode_csv(content):
    # Excel in China saves CSV as GB18030 (GBK); everything else sends UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The CSV file is neither UTF-8 nor GB18030 text."))


def dataset_from_upload(
    filename, content, *, columns, max_bytes, max_rows, no_rows_message
):
    """Read a CSV or XLSX upload into a dataset with our column names: the table
    found under its header row (``lms.core.spreadsheet_tables``), whichever row that
    is, without the titles above it and the notes below it, which the dataset
    lists as ``skipped_rows``."""
    if len(content) > max_bytes:
        raise ImportFileError(
            _("The file is larger than %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)}
        )
    name = (filename or "").lower()
    if not name.endswith((".xlsx", ".csv")):
        raise ImportFileError(_("Upload a .xlsx or .csv file."))

    def too_many():
        return ImportFileError(
            _("The file has more than %(max)s rows; split it into smaller files.")
            % {"max": max_rows}
        )

    try:
        with tables.sheets_in(name, content, csv_text=_decode_csv) as sheets:
            table = tables.find_table(
                sheets, columns=columns, max_rows=max_rows, too_many=too_many
            )
    except ImportFileError:
        raise
    except tables.NoTable as error:
        raise ImportFileError(tables.no_table_message(error, columns)) from None
    except Exception as error:  # noqa: BLE001 - any parser failure means a bad file
        raise ImportFileError(
            _("The file could not be read as a spreadsheet: %(error)s")
            % {"error": error}
        ) from error
    repeated = sorted({h for h in table.headers if table.headers.count(h) > 1})
    if repeated:
        raise ImportFileError(
            _("These columns appear twice: %(columns)s. Keep one of each.")
            % {"columns": "、".join(repeated)}
        )
    if not table.rows:
        raise ImportFileError(str(no_rows_message))
    dataset = tablib.Dataset(*[row for _n, row in table.rows], headers=table.headers)
    # Each row's number in the spreadsheet, for the report (spreadsheet_row).
    dataset.source_rows = [number for number, _row in table.rows]
    dataset.header_row = table.header_row
    dataset.skipped_rows = table.skipped
    return dataset


def report_from_result(result, *, dataset, dry_run, columns):
    """import-export's ``Result`` as the report users read: every bad row and
    column, or the counts of what was (or, on a dry run, would be) done."""
    report = ImportReport(
        dry_run=dry_run,
        total_rows=len(dataset),
        header_row=getattr(dataset, "header_row", 1),
        skipped=list(getattr(dataset, "skipped_rows", [])),
    )
    for invalid in result.invalid_rows:
        for attribute, messages in invalid.error_dict.items():
            for message in messages:
                report.errors.append(
                    RowError(
                        row=spreadsheet_row(dataset, invalid.number),
                        column=columns.label(attribute),
                        message=str(message),
                    )
                )
    for number, row_errors in result.row_errors():
        for error in row_errors:
            report.errors.append(
                RowError(
                    row=spreadsheet_row(dataset, number),
                    column="",
                    message=_("Could not be saved: %(error)s") % {"error": error.error},
                )
            )
    for error in result.base_errors:
        report.errors.append(RowError(row=0, column="", message=str(error.error)))
    report.errors.sort(key=lambda e: (e.row, e.column))
    if report.ok:
        report.created = result.totals.get("new", 0)
        report.updated = result.totals.get("update", 0)
        report.unchanged = result.totals.get("skip", 0)
    return report


def all_or_nothing_import(
    *, resource, dataset, columns, dry_run, audited, action, actor, source
):
    """Import ``dataset`` with the import-export ``resource``: every row or none, in
    one transaction. A dry run checks and counts, writing nothing; a real import
    that succeeds is recorded in the audit log as ``action`` on ``audited``."""
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            raise_errors=False,
        )
        report = report_from_result(
            result, dataset=dataset, dry_run=dry_run, columns=columns
        )
        if report.ok and not dry_run:
            log(
                audited,
                action,
                user=actor,
                data={
                    "source": source,
                    "rows": report.total_rows,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                },
            )
    return report


class RowCheckMixin:
    """For import-export resources whose rows need more than each cell's widget:
    ``row_problems`` adds what only the whole row (or file) shows, reported with
    the cells' own errors, so a bad row is named once with all its problems.
    ``_current_row`` is the row's number, which import-export does not pass to
    ``get_instance`` or ``skip_row``."""

    def import_row(self, row, instance_loader, **kwargs):
        self._current_row = kwargs.get("row_number")
        return super().import_row(row, instance_loader, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field_name, message in self.row_problems(
            instance, row, failed=set(errors), **kwargs
        ):
            errors.setdefault(field_name, []).append(ValidationError(message))
        if errors:
            raise ValidationError(errors)

    def row_problems(self, instance, row, *, failed, **kwargs):
        """(field name, message) pairs; ``failed`` names the fields whose cells
        were refused already."""
        return ()


class ChoiceLabelWidget(widgets.Widget):
    """Accepts a choice's key or its label in any site language, or a synonym; blank
    gives ``default`` (None: the column must be filled in). ``written`` maps values
    to the text exports write and errors suggest (default: the label)."""

    def __init__(self, choices, default, synonyms=None, written=None):
        super().__init__()
        self.choices = choices
        self.default = default
        self.synonyms = synonyms or {}
        self.written = written or {}

    @cached_property
    def table(self):
        """Keys and labels in every site language: built once per import, not per
        cell (it activates each language in turn)."""
        table = {str(value).lower(): value for value in self.choices.values}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for value, label in self.choices.choices:
                    table[str(label).lower()] = value
        table.update(self.synonyms)
        return table

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.default is None:
                raise ValueError(_("This column must not be empty."))
            return self.default
        found = self.table.get(text.lower())
        if found is None:
            allowed = "、".join(
                str(self.written.get(value, label))
                for value, label in self.choices.choices
            )
            raise ValueError(
                _("“%(value)s” is not one of: %(allowed)s.")
                % {"value": text, "allowed": allowed}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return str(self.written.get(value) or self.choices(value).label)


class NamedObjectWidget(widgets.Widget):
    """One of a set of things created on purpose (a team, a category), by name: an
    unknown name is an error listing the known ones, not a typo that makes a new
    one. ``objects`` (a queryset of objects with a ``name``) is read once per
    import; ``unknown(name=, known=)`` words the error."""

    def __init__(self, objects, *, unknown, required=False):
        super().__init__()
        self.objects = objects
        self.unknown = unknown
        self.required = required

    @cached_property
    def by_name(self):
        return {obj.name: obj for obj in self.objects}

    def clean(self, value, row=None, **kwargs):
        name = cell_text(value)
        if not name:
            if self.required:
                raise ValueError(_("This column must not be empty."))
            return None
        found = self.by_name.get(name)
        if found is None:
            known = "、".join(sorted(self.by_name)) or _("none yet")
            raise ValueError(self.unknown(name=name, known=known))
        return found

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class SpreadsheetDownloadView(View):
    """A GET that returns a spreadsheet; ``?format=csv`` or XLSX by default."""

    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        self.file_format = request.GET.get("format", "xlsx")
        if self.file_format not in SPREADSHEET_TYPES:
            self.file_format = "xlsx"
        return super().dispatch(request, *args, **kwargs)
