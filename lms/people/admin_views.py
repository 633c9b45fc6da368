"""Admin pages to import and export people (organisation admins and site admins)."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.admin_helpers import spreadsheet_response
from cms.spreadsheets import SpreadsheetDownloadView
from lms.people import selectors
from lms.people.forms import ImportForm
from lms.people.services.imports import (
    ImportFileError,
    dataset_from_upload,
    people_export,
    people_import,
    template_dataset,
)


class ImportPeopleView(WagtailAdminTemplateMixin, FormView):
    page_title = gettext_lazy("Import people")
    header_icon = "upload"
    template_name = "people/admin/import.html"
    form_class = ImportForm

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("people.import_people"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["organisations"] = selectors.organisations_managed_by(self.request.user)
        return kwargs

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        organisation = form.cleaned_data["organisation"]
        dry_run = form.cleaned_data["dry_run"]
        context = {"form": form, "organisation": organisation, "filename": upload.name}
        try:
            dataset = dataset_from_upload(upload.name, upload.read())
        except ImportFileError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        report = people_import(
            organisation=organisation,
            dataset=dataset,
            actor=self.request.user,
            dry_run=dry_run,
            source=upload.name,
        )
        context["report"] = report
        return self.render_to_response(self.get_context_data(**context))


class ExportPeopleView(SpreadsheetDownloadView):
    permission = "people.view_person"

    def get(self, request):
        file_format = self.file_format
        people = selectors.people_visible_to(request.user)
        if (organisation := request.GET.get("organisation", "")).isdigit():
            people = people.filter(organisation_id=organisation)
        data, _unmasked = people_export(
            queryset=people.order_by("organisation__code", "name", "pk"),
            actor=request.user,
            file_format=file_format,
        )
        stem = f"people-{timezone.localdate():%Y%m%d}"
        return spreadsheet_response(data, file_format, stem)


class ImportTemplateView(SpreadsheetDownloadView):
    permission = "people.import_people"

    def get(self, request):
        data = template_dataset().export(self.file_format)
        return spreadsheet_response(data, self.file_format, "people-import-template")
