"""Spreadsheet columns for people (django-import-export).

The column names are Chinese, as in the files organisations keep; English names are
accepted too (see ``HEADER_ALIASES``). Widgets raise ``ValueError`` with a message in
the user's language; import-export collects them per row and field, and the import
service (``services.imports``) turns them into the report the user reads.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from lms.core.spreadsheets import (
    ChoiceLabelWidget,
    Columns,
    NamedObjectWidget,
    RowCheckMixin,
    spreadsheet_row,
)
from lms.people import crypto, idnumber, phones
from lms.people.constants import PersonKind, PersonStatus
from lms.people.models import Person

COLUMNS = {
    "name": "姓名",
    "phone": "手机号",
    "id_number": "身份证号",
    "kind": "人员类别",
    "team": "队组",
    "status": "状态",
    "organisation": "单位",
}
REQUIRED_COLUMNS = ("name", "id_number")
COLUMN_LABELS = {
    "name": gettext_lazy("Name"),
    "phone": gettext_lazy("Mobile phone"),
    "id_number": gettext_lazy("ID number"),
    "kind": gettext_lazy("Kind"),
    "team": gettext_lazy("Team"),
    "status": gettext_lazy("Status"),
    "organisation": gettext_lazy("Organisation"),
}
HEADER_ALIASES = {
    "name": "name",
    "姓名": "name",
    "名字": "name",
    "phone": "phone",
    "mobile": "phone",
    "mobilephone": "phone",
    "手机号": "phone",
    "手机": "phone",
    "手机号码": "phone",
    "联系电话": "phone",
    "idnumber": "id_number",
    "id": "id_number",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "kind": "kind",
    "type": "kind",
    "人员类别": "kind",
    "类别": "kind",
    "team": "team",
    "队组": "team",
    "班组": "team",
    "小组": "team",
    "status": "status",
    "状态": "status",
    "人员状态": "status",
    "organisation": "organisation",
    "organization": "organisation",
    "单位": "organisation",
}


# The words organisations' own files use for a person's status, beside the labels
# (在岗, 休假, 离职, 停职) and the codes (active...), which the widget knows already.
STATUS_SYNONYMS = {
    **dict.fromkeys(("在职", "在岗", "正常"), PersonStatus.ACTIVE),
    **dict.fromkeys(("休假", "请假", "休假中", "请假中"), PersonStatus.ON_LEAVE),
    **dict.fromkeys(("离职", "已离职", "辞职", "退休"), PersonStatus.LEFT),
    **dict.fromkeys(("停职", "停岗"), PersonStatus.SUSPENDED),
}

PEOPLE_COLUMNS = Columns(COLUMNS, COLUMN_LABELS, HEADER_ALIASES, REQUIRED_COLUMNS)


class RequiredTextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            raise ValueError(_("This column must not be empty."))
        if len(text) > 60:
            raise ValueError(_("Too long: at most 60 characters."))
        if text[0] in "=+-@":
            # A cell starting like a formula would run in Excel when exported.
            raise ValueError(_("Must not start with = + - or @."))
        return text


class PhoneWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        number = phones.normalise(value)
        if not number:
            return ""
        try:
            phones.validate_mobile(number)
        except ValidationError as error:
            raise ValueError(f"“{value}”: {error.messages[0]}") from None
        return number


class IdNumberWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(
                _(
                    "Excel stored this ID number as a number, which can change its "
                    "last digits. Format the column as text and enter it again."
                )
            )
        text = idnumber.normalise(value)
        if "*" in text:
            raise ValueError(
                _(
                    "This ID number is masked (it comes from an export). "
                    "Enter the full number."
                )
            )
        try:
            return idnumber.parse(text).value
        except ValidationError as error:
            raise ValueError(f"“{text}”: {error.messages[0]}") from None


def team_widget(organisation):
    """A team of the importing organisation, by name (teams are created on purpose,
    not by a typo in a spreadsheet)."""
    return NamedObjectWidget(
        organisation.teams.all(),
        unknown=lambda name, known: (
            _("Unknown team “%(team)s”. Teams of %(org)s: %(known)s.")
            % {"team": name, "org": organisation.name, "known": known}
        ),
    )


class PersonResource(RowCheckMixin, resources.ModelResource):
    """Import into one organisation; export what the user may see."""

    name = fields.Field(
        attribute="name", column_name=COLUMNS["name"], widget=RequiredTextWidget()
    )
    phone = fields.Field(
        attribute="phone", column_name=COLUMNS["phone"], widget=PhoneWidget()
    )
    id_number = fields.Field(
        attribute="id_number", column_name=COLUMNS["id_number"], widget=IdNumberWidget()
    )
    kind = fields.Field(
        attribute="kind",
        column_name=COLUMNS["kind"],
        widget=ChoiceLabelWidget(
            PersonKind,
            PersonKind.GUARD,
            synonyms={
                "保安": PersonKind.GUARD,
                "义警队员": PersonKind.VOLUNTEER,
                "物业": PersonKind.PROPERTY_SECURITY,
            },
        ),
    )
    status = fields.Field(
        attribute="status",
        column_name=COLUMNS["status"],
        widget=ChoiceLabelWidget(
            PersonStatus, PersonStatus.ACTIVE, synonyms=STATUS_SYNONYMS
        ),
    )
    organisation = fields.Field(
        attribute="organisation__name",
        column_name=COLUMNS["organisation"],
        readonly=True,
    )

    class Meta:
        model = Person
        fields = (
            "name",
            "phone",
            "id_number",
            "kind",
            "team",
            "status",
            "organisation",
        )
        export_order = fields
        import_id_fields = ()
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        clean_model_instances = False

    def __init__(self, *, organisation=None, unmasked=False):
        super().__init__()
        self.organisation = organisation
        self.unmasked = unmasked
        self.fields["team"] = fields.Field(
            attribute="team",
            column_name=COLUMNS["team"],
            widget=team_widget(organisation) if organisation else widgets.Widget(),
        )
        self._row_hashes = {}

    # -- import ---------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        """Hash every valid ID number once, to find duplicates within the file and
        to find the people the file updates."""
        column = COLUMNS["id_number"]
        self._dataset = dataset
        self._row_hashes = {}
        for number, row in enumerate(dataset.dict, start=1):
            try:
                parsed = idnumber.parse(row.get(column))
            except ValidationError:
                continue
            self._row_hashes[number] = crypto.keyed_hash(parsed.value)
        first_row_of = {}
        self._duplicate_of = {}
        for number, digest in self._row_hashes.items():
            if digest in first_row_of:
                self._duplicate_of[number] = first_row_of[digest]
            else:
                first_row_of[digest] = number
        self._existing = {
            person.id_number_hash: person
            for person in Person.objects.filter(
                id_number_hash__in=set(self._row_hashes.values())
            )
        }

    def get_instance(self, instance_loader, row):
        digest = self._row_hashes.get(self._current_row)
        return self._existing.get(digest) if digest else None

    def row_problems(self, instance, row, *, failed, **kwargs):
        number = kwargs.get("row_number")
        if number in self._duplicate_of:
            yield (
                "id_number",
                _("The same ID number is already on row %(row)s of this file.")
                % {"row": spreadsheet_row(self._dataset, self._duplicate_of[number])},
            )
        elif instance.pk and instance.organisation_id != self.organisation.pk:
            yield (
                "id_number",
                _("This person is already registered with another organisation."),
            )

    # Columns where an empty cell means "keep what is on file" for a known person
    # (a blank status must not make someone who has left deployable again).
    KEEP_WHEN_BLANK = frozenset({"phone", "kind", "status", "team"})

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        blank = not str(row.get(field.column_name) or "").strip()
        if instance.pk and blank and field.attribute in self.KEEP_WHEN_BLANK:
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            instance.organisation = self.organisation

    def before_save_instance(self, instance, row, **kwargs):
        instance.organisation = self.organisation

    # -- export ---------------------------------------------------------------

    def dehydrate_id_number(self, person):
        return person.id_number if self.unmasked else person.id_number_masked

    def dehydrate_kind(self, person):
        return str(person.get_kind_display())

    def dehydrate_status(self, person):
        return str(person.get_status_display())

    def dehydrate_team(self, person):
        return person.team.name if person.team_id else ""
