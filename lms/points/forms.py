"""Forms of the points pages (the board's filters, assigning, ending, import) and
of the admin's set-up pages (a point's location and needs, the categories')."""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from lms.certs.models import Post, QualificationType
from lms.people import crypto, idnumber
from lms.people.constants import PointCategory
from lms.points.constants import (
    COORDINATE_PLACES,
    DEFAULT_RADIUS_KM,
    MAX_GUARDS,
    MAX_RADIUS_KM,
    AssignmentEnd,
)


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


# -- the admin's set-up pages (lms/points/admin_views.py) ---------------------------

# The most decimal places a typed coordinate keeps; finer input is rounded.
QUANTUM = Decimal(1).scaleb(-COORDINATE_PLACES)
RANGES = {"latitude": (-90, 90), "longitude": (-180, 180)}


def _plain(text):
    """What a person typed, with a Chinese input method's full-width digits and
    punctuation (２２．５４，１１４．０３) made plain, and a degree sign dropped."""
    return unicodedata.normalize("NFKC", text or "").strip().rstrip("°").strip()


def _degrees(text, name):
    """A coordinate in degrees within its range, rounded to what is stored; or
    ValidationError saying what is wrong."""
    low, high = RANGES[name]
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError(
            _("Give decimal degrees, e.g. 22.5445 (not degrees and minutes).")
        )
    if not low <= value <= high:
        if name == "latitude":
            raise ValidationError(
                _("A latitude is from -90 to 90 degrees (south is negative).")
            )
        raise ValidationError(
            _("A longitude is from -180 to 180 degrees (west is negative).")
        )
    return value.quantize(QUANTUM, rounding=ROUND_HALF_UP)


def _coordinate_field(label, help_text):
    # Text, not a DecimalField: a pasted pair, full-width digits and finer
    # decimals than are stored are read by the form's clean(), not refused.
    return forms.CharField(
        label=label,
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=help_text,
    )


class PointLocationForm(forms.Form):
    """Where a point is: WGS-84/CGCS2000 decimal degrees. Both or neither; a
    point that has a location keeps one. "22.5445,114.0325" pasted into the
    latitude box (as 天地图 copies a position) fills both."""

    latitude = _coordinate_field(
        _("Latitude"), _("North positive, e.g. 22.5445 in Shenzhen.")
    )
    longitude = _coordinate_field(
        _("Longitude"), _("East positive, e.g. 114.0325 in Shenzhen.")
    )

    def __init__(self, *args, placed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.placed = placed

    def clean(self):
        data = super().clean()
        texts = {name: _plain(data.get(name)) for name in RANGES}
        # Which box each value was typed in: a pasted pair's errors go to the
        # latitude box that holds it, not to the empty longitude box.
        typed_in = {name: name for name in RANGES}
        pair = re.split(r"\s*[,;\s]\s*", texts["latitude"])
        if len(pair) == 2 and not texts["longitude"]:
            texts["latitude"], texts["longitude"] = pair
            typed_in["longitude"] = "latitude"
        given = [name for name, text in texts.items() if text]
        if not given:
            if self.placed:
                raise ValidationError(
                    _("A placed point keeps its location: correct the numbers.")
                )
            data.update(latitude=None, longitude=None)
            return data
        for name, text in texts.items():
            if not text:
                self.add_error(name, _("Give both latitude and longitude."))
                continue
            try:
                data[name] = _degrees(text, name)
            except ValidationError as error:
                self.add_error(typed_in[name], error)
        if self.has_error("latitude") and self._swapped(texts):
            self.add_error(
                None,
                _("Latitude and longitude look swapped: latitude comes first."),
            )
        return data

    @staticmethod
    def _swapped(texts):
        try:
            latitude, longitude = (Decimal(texts[n]) for n in ("latitude", "longitude"))
        except InvalidOperation:
            return False
        return abs(latitude) > 90 and abs(longitude) <= 90


def _guards_field(label, placeholder=None):
    attrs = {"min": 0, "max": MAX_GUARDS, "inputmode": "numeric"}
    if placeholder is not None:
        attrs["placeholder"] = placeholder
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_GUARDS,
        widget=forms.NumberInput(attrs=attrs),
        error_messages={
            "invalid": _("Give a whole number of guards, or leave it empty."),
            "min_value": _("A need is 0 guards or more."),
            "max_value": _("At most %(limit_value)s guards."),
        },
    )


class PointNeedsForm(forms.Form):
    """A point's own need per post (``need_<post pk>``): empty follows the point's
    category (shown as the placeholder), 0 needs nobody there."""

    def __init__(self, *args, posts, inherited, **kwargs):
        super().__init__(*args, **kwargs)
        self.posts = list(posts)
        for post in self.posts:
            figure = inherited.get(post.pk)
            self.fields[f"need_{post.pk}"] = _guards_field(
                post.name, placeholder="" if figure is None else str(figure)
            )

    def needs(self):
        """post -> the point's own figure or None (follow the category)."""
        return {post: self.cleaned_data[f"need_{post.pk}"] for post in self.posts}


class CategoryNeedsForm(forms.Form):
    """Every category's need per post (``need_<category>_<post pk>``); empty: no
    need."""

    def __init__(self, *args, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.posts = list(posts)
        for category in PointCategory:
            for post in self.posts:
                self.fields[f"need_{category}_{post.pk}"] = _guards_field(
                    f"{category.label} · {post.name}"
                )

    def needs(self):
        """(category, post) -> guards or None."""
        return {
            (category.value, post): self.cleaned_data[f"need_{category}_{post.pk}"]
            for category in PointCategory
            for post in self.posts
        }


class SetupFilterForm(forms.Form):
    """The set-up listing's filters."""

    q = forms.CharField(label=_("Name or code"), required=False)
    category = forms.ChoiceField(
        label=_("Point category"),
        required=False,
        choices=[("", _("All categories")), *PointCategory.choices],
    )
    unplaced = forms.BooleanField(label=_("Only points not placed"), required=False)
