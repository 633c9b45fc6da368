"""Forms of the points pages: the board's filters, assigning, ending, import."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from lms.certs.models import Post, QualificationType
from lms.people import crypto, idnumber
from lms.points.constants import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, AssignmentEnd


def parse_near(text):
    """ "lat,lon" as two floats within range, or ValidationError."""
    try:
        lat, lon = (float(part) for part in str(text).split(","))
    except ValueError:
        raise ValidationError(
            _("Give a location as latitude,longitude, e.g. 22.5445,114.0325.")
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError(_("Latitude or longitude out of range."))
    return lat, lon


class NearField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return parse_near(value) if value else None


class ChoicesOnce(BaseChoiceIterator):
    """A ModelChoiceField's choices, read from the database once. Rendering a
    select reads them twice otherwise (whether an empty first choice makes it
    required, then the options): on PostgreSQL each a server-side cursor."""

    def __init__(self, field):
        self.field = field
        self.items = None

    def __iter__(self):
        if self.items is None:
            # iter(): list() of the iterator itself would count the rows first.
            self.items = list(iter(ModelChoiceIterator(self.field)))
        return iter(self.items)


class BoardForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    post = forms.ModelChoiceField(
        label=_("Duty post"), queryset=Post.objects.all(), required=False
    )
    qualification = forms.ModelChoiceField(
        label=_("Qualification"),
        queryset=QualificationType.objects.all(),
        required=False,
    )
    near = NearField(
        label=_("Near (latitude,longitude)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    radius = forms.FloatField(
        label=_("Radius (km)"),
        required=False,
        min_value=0.1,
        max_value=MAX_RADIUS_KM,
    )
    short = forms.BooleanField(label=_("Only points that are short"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("post", "qualification"):
            field = self.fields[name]
            field.choices = ChoicesOnce(field)

    def options(self):
        """The board's arguments; an invalid field is left out (shown as an error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        post = data.get("post")
        qualification = data.get("qualification")
        return {
            "day": data.get("date") or timezone.localdate(),
            "post": post.pk if post else None,
            "qualification": qualification.pk if qualification else None,
            "near": data.get("near"),
            "radius_km": data.get("radius") or DEFAULT_RADIUS_KM,
        }


class AssignForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    post = forms.ModelChoiceField(label=_("Duty post"), queryset=Post.objects.all())
    valid_from = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people

    def clean_id_number(self):
        try:
            value = idnumber.parse(self.cleaned_data["id_number"]).value
        except ValidationError as error:
            raise ValidationError(error.messages[0]) from None
        person = self.people.filter(id_number_hash=crypto.keyed_hash(value)).first()
        if person is None:
            raise ValidationError(
                _("Nobody with this ID number among the people you may assign.")
            )
        return person


class EndForm(forms.Form):
    last_day = forms.DateField(
        label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=AssignmentEnd.choices)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))
    dry_run = forms.BooleanField(label=_("Check only"), required=False)
