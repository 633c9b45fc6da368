"""The admin's upload form: an .h5p file and an optional title."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.h5p.services import h5p_package_validate


class H5PPackageUploadForm(WagtailAdminModelForm):
    package_file = forms.FileField(
        label=_("H5P file"),
        help_text=_(
            "An .h5p file exported from an H5P editor, with its libraries. It is "
            "checked before anything is stored."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".h5p"}),
    )

    class Meta:
        fields = ["package_file", "title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _(
            "Leave empty to use the package's own title."
        )

    def clean_package_file(self):
        upload = self.cleaned_data["package_file"]
        try:
            h5p_package_validate(file=upload)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        return upload
