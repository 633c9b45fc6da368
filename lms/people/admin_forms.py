"""Forms for the Wagtail admin: choices limited to what the editor may manage."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.people import crypto, idnumber, phones
from lms.people.models import Person, Team
from lms.people.selectors import (
    organisations_managed_by,
    people_managed_by,
    teams_managed_by,
)


class ScopedFormMixin:
    def managed_organisations(self):
        return organisations_managed_by(self.for_user)


class PersonAdminForm(ScopedFormMixin, WagtailAdminModelForm):
    # Longer than 18: people write the number in groups ("440305 19800101 0013"),
    # which idnumber.parse() reads; a limit of 18 cut them off in the browser.
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=40,
        required=False,
        help_text=_("18 characters. Stored encrypted; only the last 4 are shown."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = self.managed_organisations()
        self.fields["organisation"].queryset = organisations
        self.fields["team"].queryset = Team.objects.filter(
            organisation__in=organisations.values("pk")
        ).select_related("organisation")
        if self.instance.pk and self.instance.id_number_last4:
            self.fields["id_number"].help_text = _(
                "On file: %(masked)s. Leave empty to keep it."
            ) % {"masked": self.instance.id_number_masked}
        else:
            self.fields["id_number"].required = True

    def clean_phone(self):
        number = phones.normalise(self.cleaned_data.get("phone"))
        if number:
            phones.validate_mobile(number)
        return number

    def clean_id_number(self):
        raw = self.cleaned_data.get("id_number")
        if not raw:
            return ""
        value = idnumber.parse(raw).value
        taken = Person.objects.filter(id_number_hash=crypto.keyed_hash(value))
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("Another person already has this ID number."))
        return value

    def save(self, commit=True):
        if self.cleaned_data.get("id_number"):
            self.instance.id_number = self.cleaned_data["id_number"]
        return super().save(commit=commit)


class TeamAdminForm(ScopedFormMixin, WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = self.managed_organisations()


class CredentialAdminForm(ScopedFormMixin, WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people_managed_by(self.for_user)


class PeopleChoiceForm(forms.Form):
    """Which organisation (and team) the logins page lists (logins_admin)."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=None,
        required=False,
        empty_label=_("All teams"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = organisations_managed_by(user)
        self.fields["organisation"].queryset = organisations
        self.fields["team"].queryset = teams_managed_by(user)
        if len(organisations[:2]) == 1:
            self.fields["organisation"].initial = organisations.first()


class IssueForm(forms.Form):
    """The people ticked for an activation sheet, and the sheet's one-time key."""

    person = forms.TypedMultipleChoiceField(coerce=int, choices=())
    sheet = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, p.name) for p in people]
