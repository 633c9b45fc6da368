"""Importing people from a spreadsheet: all rows or none.

The same service serves the admin upload and ``manage.py import_people``. A file
with any bad row imports nothing, and the report names every bad row (as numbered
in the spreadsheet, the header being row 1) and column, in the user's language.
"""

from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from lms.people.constants import AuditAction
from lms.people.resources import (
    COLUMN_LABELS,
    COLUMNS,
    REQUIRED_COLUMNS,
    PersonResource,
    canonical_header,
    spreadsheet_row,
)
from lms.people.selectors import organisations_managed_by

FIELD_BY_COLUMN = {column: name for name, column in COLUMNS.items()}


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

    @property
    def ok(self):
        return not self.errors

    @property
    def bad_rows(self):
        return sorted({error.row for error in self.errors})


def _decode_csv(content):
    # Excel in China saves CSV as GB18030 (GBK); everything else sends UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The CSV file is neither UTF-8 nor GB18030 text."))


def dataset_from_upload(filename, content):
    """Read a CSV or XLSX upload into a dataset with our column names."""
    if len(content) > settings.PEOPLE_IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(mb)s MB.")
            % {"mb": settings.PEOPLE_IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    name = (filename or "").lower()
    try:
        if name.endswith(".xlsx"):
            dataset = tablib.Dataset().load(content, format="xlsx")
        elif name.endswith(".csv"):
            dataset = tablib.Dataset().load(_decode_csv(content), format="csv")
        else:
            raise ImportFileError(_("Upload a .xlsx or .csv file."))
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - any parser failure means a bad file
        raise ImportFileError(
            _("The file could not be read as a spreadsheet: %(error)s")
            % {"error": error}
        ) from error
    return normalise_dataset(dataset)


def normalise_dataset(dataset):
    if not dataset.headers:
        raise ImportFileError(_("The file is empty."))
    dataset.headers = [canonical_header(header) for header in dataset.headers]
    repeated = sorted(
        {h for h in dataset.headers if h and dataset.headers.count(h) > 1}
    )
    if repeated:
        raise ImportFileError(
            _("These columns appear twice: %(columns)s. Keep one of each.")
            % {"columns": "、".join(repeated)}
        )
    missing = [
        f"{COLUMN_LABELS[name]}（{COLUMNS[name]}）"
        for name in REQUIRED_COLUMNS
        if COLUMNS[name] not in dataset.headers
    ]
    if missing:
        raise ImportFileError(
            _("Missing columns: %(columns)s. Download the template to see the columns.")
            % {"columns": "、".join(missing)}
        )
    # Drop rows that are entirely blank (spreadsheets often carry them), but remember
    # each kept row's number in the spreadsheet (header = row 1) for the report.
    kept = [
        (number, row)
        for number, row in enumerate(dataset, start=2)
        if any(str(v or "").strip() for v in row)
    ]
    rows = [row for _number, row in kept]
    if not rows:
        raise ImportFileError(_("The file has a header but no people."))
    if len(rows) > settings.PEOPLE_IMPORT_MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(max)s rows; split it into smaller files.")
            % {"max": settings.PEOPLE_IMPORT_MAX_ROWS}
        )
    cleaned = tablib.Dataset(*rows, headers=dataset.headers)
    cleaned.source_rows = [number for number, _row in kept]
    return cleaned


def _column_label(attribute):
    name = attribute if attribute in COLUMNS else FIELD_BY_COLUMN.get(attribute)
    return str(COLUMN_LABELS.get(name, attribute))


def _report_from(result, *, dataset, dry_run):
    report = ImportReport(dry_run=dry_run, total_rows=len(dataset))
    for invalid in result.invalid_rows:
        for attribute, messages in invalid.error_dict.items():
            for message in messages:
                report.errors.append(
                    RowError(
                        row=spreadsheet_row(dataset, invalid.number),
                        column=_column_label(attribute),
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


def people_import(*, organisation, dataset, actor=None, dry_run=False, source=""):
    """Import ``dataset`` into ``organisation``: everything or nothing.

    ``actor`` None means the command line (an operator with shell access). A person
    is matched by the keyed hash of their ID number, so importing the same file
    again updates instead of duplicating.
    """
    if actor is not None and not (
        actor.has_perm("people.import_people")
        and organisations_managed_by(actor).filter(pk=organisation.pk).exists()
    ):
        raise PermissionDenied(_("You may not import people into this organisation."))
    resource = PersonResource(organisation=organisation)
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            raise_errors=False,
        )
        report = _report_from(result, dataset=dataset, dry_run=dry_run)
        if report.ok and not dry_run:
            log(
                organisation,
                AuditAction.PEOPLE_IMPORT,
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


def people_export(*, queryset, actor, file_format="xlsx"):
    """Export people as a spreadsheet. ID numbers are masked unless the actor holds
    ``people.view_full_id_number``; every export is in the audit log."""
    unmasked = actor.has_perm("people.view_full_id_number")
    resource = PersonResource(unmasked=unmasked)
    dataset = resource.export(queryset=queryset)
    log(
        actor,
        AuditAction.PEOPLE_EXPORT,
        user=actor,
        data={"rows": len(dataset), "unmasked": unmasked, "format": file_format},
    )
    return dataset.export(file_format), unmasked


def template_dataset():
    """An empty spreadsheet with the import columns and one example row."""
    headers = [
        COLUMNS[name]
        for name in ("name", "phone", "id_number", "kind", "team", "status")
    ]
    example = ["张三", "13800138000", "440305198001010013", "保安员", "", "在岗"]
    return tablib.Dataset(example, headers=headers)
