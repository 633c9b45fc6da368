"""Importing people from a spreadsheet: all rows or none.

The same service serves the admin upload and ``manage.py import_people``. A file
with any bad row imports nothing, and the report names every bad row (as numbered
in the spreadsheet) and column, in the user's language, and the rows left out
around the table (titles above the header, notes below the data).
"""

import tablib
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from lms.core import spreadsheets
from lms.core.spreadsheets import ImportFileError  # noqa: F401 - part of this API
from lms.people.constants import AuditAction
from lms.people.resources import COLUMNS, PEOPLE_COLUMNS, PersonResource
from lms.people.selectors import organisations_managed_by


def dataset_from_upload(filename, content):
    """Read a CSV or XLSX upload of people into a dataset with our column names."""
    return spreadsheets.dataset_from_upload(
        filename,
        content,
        columns=PEOPLE_COLUMNS,
        max_bytes=settings.PEOPLE_IMPORT_MAX_BYTES,
        max_rows=settings.PEOPLE_IMPORT_MAX_ROWS,
        no_rows_message=_("The file has a header but no people."),
    )


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
    return spreadsheets.all_or_nothing_import(
        resource=PersonResource(organisation=organisation),
        dataset=dataset,
        columns=PEOPLE_COLUMNS,
        dry_run=dry_run,
        audited=organisation,
        action=AuditAction.PEOPLE_IMPORT,
        actor=actor,
        source=source,
    )


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
