"""The roster export as it was before issue 17's speed work, kept as the baseline
that bench/roster_exports.py times beside the current one in the same run (the
shared VM's speed moves by up to 2 ×, so only ratios within a run compare).

Per person a model instance (``roster_iter``: RosterRows with dataclasses per held
record, post and reason) and a django-import-export resource that dehydrates it;
the XLSX through openpyxl's write-only mode. Same cells as lms.certs.roster_export
(the bench checks that the CSV bytes are identical).
"""

import csv
import io
import tempfile

from django.utils.translation import gettext as _t
from import_export import fields, resources
from openpyxl import Workbook

from lms.certs.roster import roster_iter
from lms.certs.roster_export import COLUMNS, ROWS_PER_CHUNK, _cell


class RosterResource(resources.Resource):
    """Exports RosterRows. The post columns depend on the posts, so they are added
    per instance (``posts`` = RosterQuery.posts)."""

    name = fields.Field(column_name=COLUMNS["name"])
    id_number = fields.Field(column_name=COLUMNS["id_number"])
    organisation = fields.Field(column_name=COLUMNS["organisation"])
    team = fields.Field(column_name=COLUMNS["team"])
    status = fields.Field(column_name=COLUMNS["status"])
    qualifications = fields.Field(column_name=COLUMNS["qualifications"])

    def __init__(self, *, query, **kwargs):
        super().__init__(**kwargs)
        self.query = query
        for index, post in enumerate(query.posts):
            self.fields[f"post_{post.pk}"] = fields.Field(
                column_name=post.name,
                dehydrate_method=lambda row, index=index: self.post_cell(row, index),
            )

    def get_export_fields(self, selected_fields=None):
        return list(self.fields.values())

    def dehydrate_name(self, row):
        return row.person.name

    def dehydrate_id_number(self, row):
        return row.person.id_number_masked

    def dehydrate_organisation(self, row):
        return row.person.organisation.name

    def dehydrate_team(self, row):
        return row.person.team.name if row.person.team else ""

    def dehydrate_status(self, row):
        return str(row.person.get_status_display())

    def dehydrate_qualifications(self, row):
        return "；".join(
            f"{held.type_name} {held.serial}"
            + (f" ≤{held.valid_until.isoformat()}" if held.valid_until else "")
            for held in row.held
        )

    def post_cell(self, row, index):
        standing = row.posts[index]
        if standing.deployable:
            return _t("Yes")
        return "；".join(
            f"{missing.type_name}: {missing.label}"
            if missing.type_name
            else str(missing.label)
            for missing in standing.reasons
        )


def csv_chunks(query):
    """The CSV export, as text chunks (a BOM first, so that Excel reads UTF-8)."""
    resource = RosterResource(query=query)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(resource.get_export_headers())
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(roster_iter(query), start=1):
        writer.writerow([_cell(value) for value in resource.export_resource(row)])
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_file(query):
    """The XLSX export written to a temporary file (rewound)."""
    resource = RosterResource(query=query)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_t("Roster")[:31])
    sheet.append(resource.get_export_headers())
    for row in roster_iter(query):
        sheet.append([_cell(value) for value in resource.export_resource(row)])
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(handle)
    handle.seek(0)
    return handle
