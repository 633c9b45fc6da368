from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's form with labels that say a phone number works too."""

    username = forms.CharField(
        label=_("Phone number or username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "username",
                "autocapitalize": "none",
            }
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "The phone number or username and the password do not match. "
            "Passwords are case-sensitive."
        ),
        "inactive": _(
            "This account is disabled. Ask your organisation's administrator."
        ),
    }


class ActivationForm(forms.Form):
    """/activate/: the phone number, the code from the sheet and a new password.
    The field is named ``username`` as on the login form, which is the name
    django-axes counts a lock-out under."""

    username = forms.CharField(
        label=_("Mobile phone number"),
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "inputmode": "tel",
                "autocapitalize": "none",
            }
        ),
    )
    code = forms.CharField(
        label=_("Activation code"),
        max_length=40,
        help_text=_("12 digits, from the sheet your organisation gave you."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords are not the same."))
        return cleaned


class PeopleSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name or phone"), required=False, max_length=60
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        required=False,
        empty_label=_("All organisations"),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    dry_run = forms.BooleanField(
        label=_("Check only (import nothing)"), required=False, initial=False
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()


class ElderModeForm(forms.Form):
    """The 长辈版 switch: one button that posts the state it turns on, and the page
    to go back to."""

    elder_mode = forms.TypedChoiceField(
        choices=[("on", _("On")), ("off", _("Off"))],
        coerce=lambda value: value == "on",
    )
    next = forms.CharField(required=False, max_length=512)
