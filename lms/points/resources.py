"""Spreadsheet columns for assignments (django-import-export), as for people
(lms/people/resources.py): Chinese headers, English accepted, every bad cell named
in the user's language, and the whole file refused when one row is bad.

A row names a point by its code, a person by their ID number (their name is
checked against it, so a typo in either is caught), a post by its name or code,
and the dates. A row already on file (same person, point, post and start) updates
its end date instead of adding a second assignment.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from lms.certs.models import Post
from lms.core.spreadsheet_tables import cell_text
from lms.core.spreadsheets import Columns, RowCheckMixin, spreadsheet_row
from lms.people import crypto, idnumber
from lms.points.models import PointAssignment

COLUMNS = {
    "point": "点位编码",
    "name": "姓名",
    "id_number": "身份证号",
    "post": "岗位",
    "valid_from": "起始日期",
    "valid_until": "截止日期",
}
REQUIRED_COLUMNS = ("point", "id_number", "post", "valid_from")
COLUMN_LABELS = {
    "point": gettext_lazy("Point code"),
    "name": gettext_lazy("Name"),
    "id_number": gettext_lazy("ID number"),
    "post": gettext_lazy("Duty post"),
    "valid_from": gettext_lazy("From"),
    "valid_until": gettext_lazy("Until"),
}
HEADER_ALIASES = {
    "point": "point",
    "pointcode": "point",
    "点位编码": "point",
    "点位代码": "point",
    "共治站编码": "point",
    "name": "name",
    "姓名": "name",
    "idnumber": "id_number",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "post": "post",
    "岗位": "post",
    "勤务岗位": "post",
    "from": "valid_from",
    "validfrom": "valid_from",
    "起始日期": "valid_from",
    "开始日期": "valid_from",
    "until": "valid_until",
    "validuntil": "valid_until",
    "截止日期": "valid_until",
    "结束日期": "valid_until",
}
ASSIGNMENT_COLUMNS = Columns(COLUMNS, COLUMN_LABELS, HEADER_ALIASES, REQUIRED_COLUMNS)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


class DateCellWidget(widgets.Widget):
    """A date as Excel stores it or as people type it (2026-03-01, 2026/3/1,
    2026年3月1日). ``required`` False: a blank cell is no date."""

    def __init__(self, required=True):
        super().__init__()
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(_("This column must not be empty."))
            return None
        for pattern in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007
            except ValueError:
                continue
        raise ValueError(
            _("“%(value)s” is not a date; write it as 2026-03-01.") % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class LookupWidget(widgets.Widget):
    """One of a known set by key (``keys(text)`` gives the keys to try); an
    unknown key is the error ``unknown(text)``."""

    def __init__(self, table, *, unknown, keys=lambda text: (text,)):
        super().__init__()
        self.table = table
        self.unknown = unknown
        self.keys = keys

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            raise ValueError(_("This column must not be empty."))
        for key in self.keys(text):
            if key in self.table:
                return self.table[key]
        raise ValueError(self.unknown(text))


def _id_hash(text):
    if "*" in text:
        raise ValueError(_("This ID number is masked. Enter the full number."))
    try:
        return (crypto.keyed_hash(idnumber.parse(text).value),)
    except ValidationError as error:
        raise ValueError(f"“{text}”: {error.messages[0]}") from None


class AssignmentResource(RowCheckMixin, resources.ModelResource):
    """Import the assignments of the people and points ``actor`` may assign
    (``people`` and ``points``, querysets read once per import)."""

    valid_from = fields.Field(
        attribute="valid_from",
        column_name=COLUMNS["valid_from"],
        widget=DateCellWidget(),
    )
    valid_until = fields.Field(
        attribute="valid_until",
        column_name=COLUMNS["valid_until"],
        widget=DateCellWidget(required=False),
    )

    class Meta:
        model = PointAssignment
        fields = ("point", "person", "post", "valid_from", "valid_until")
        import_id_fields = ()
        skip_html_diff = True
        clean_model_instances = False

    def __init__(self, *, people, points, actor=None):
        super().__init__()
        self.actor = actor
        point_table = {p.code: p for p in points}
        self.fields["point"] = fields.Field(
            attribute="point",
            column_name=COLUMNS["point"],
            widget=LookupWidget(
                point_table,
                unknown=lambda code: (
                    _("No point with the code “%(code)s” that you may assign to.")
                    % {"code": code}
                ),
            ),
        )
        self._people = people
        self.fields["person"] = fields.Field(
            attribute="person",
            column_name=COLUMNS["id_number"],
            widget=LookupWidget(
                {},
                keys=_id_hash,
                unknown=lambda text: _(
                    "Nobody with this ID number among the people you may assign."
                ),
            ),
        )
        posts = {}
        for post in Post.objects.all():
            posts[post.name] = posts[post.code] = posts[post.code.lower()] = post
        self.fields["post"] = fields.Field(
            attribute="post",
            column_name=COLUMNS["post"],
            widget=LookupWidget(
                posts,
                keys=lambda text: (text, text.lower()),
                unknown=lambda text: (
                    _("Unknown post “%(post)s”. Posts: %(known)s.")
                    % {
                        "post": text,
                        "known": "、".join(sorted({p.name for p in posts.values()})),
                    }
                ),
            ),
        )

    def before_import(self, dataset, **kwargs):
        """Read the file's people once: every valid ID number hashed, looked up
        among the people the actor may assign in one query."""
        self._dataset = dataset
        column = COLUMNS["id_number"]
        digests = set()
        for row in dataset.dict:
            try:
                digests.add(crypto.keyed_hash(idnumber.parse(row.get(column)).value))
            except (ValidationError, TypeError, ValueError):
                continue
        self.fields["person"].widget.table = {
            person.id_number_hash: person
            for person in self._people.filter(id_number_hash__in=digests)
        }
        self._seen = {}

    def get_instance(self, instance_loader, row):
        return None  # matched in import_instance, once the cells are clean

    def row_problems(self, instance, row, *, failed, **kwargs):
        number = kwargs.get("row_number")
        name = cell_text(row.get(COLUMNS["name"]))
        if "person" not in failed and name and instance.person.name != name:
            yield (
                "name",
                _("The ID number belongs to “%(name)s”, not “%(given)s”.")
                % {"name": instance.person.name, "given": name},
            )
        if {"valid_from", "valid_until"} & failed:
            return
        if instance.valid_until and instance.valid_until < instance.valid_from:
            yield ("valid_until", _("The end date is before the start date."))
        if {"person", "point", "post"} & failed:
            return
        key = (
            instance.person.pk,
            instance.point.pk,
            instance.post.pk,
            instance.valid_from,
        )
        if key in self._seen:
            yield (
                "id_number",
                _("The same assignment is already on row %(row)s of this file.")
                % {"row": spreadsheet_row(self._dataset, self._seen[key])},
            )
        else:
            self._seen[key] = number

    def do_instance_save(self, instance, is_create):
        """The same person, point, post and start on file: update its end date
        (import-export would insert, as the row was matched to nothing)."""
        existing = PointAssignment.objects.filter(
            person=instance.person,
            point=instance.point,
            post=instance.post,
            valid_from=instance.valid_from,
        ).first()
        if existing is not None:
            existing.valid_until = instance.valid_until
            existing.save(update_fields=["valid_until"])
            instance.pk = existing.pk
            return
        if self.actor is not None:
            instance.created_by = self.actor
        instance.save()
