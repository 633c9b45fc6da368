"""Admin pages to import a question bank from a spreadsheet, export it, and download
the template; registered with Wagtail hooks below (``wagtail_hooks`` imports this
module). The import is checked first (a dry run showing what would happen and every
bad row), then confirmed; between the two the upload waits in the cache."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from import_export.tmp_storages import CacheStorage
from wagtail import hooks
from wagtail.admin.widgets import Button

from lms.core.admin_helpers import AdminPageMixin, spreadsheet_response
from lms.core.spreadsheets import SpreadsheetDownloadView
from lms.quizzes.models import QuestionBank
from lms.quizzes.services.imports import (
    PERMISSIONS,
    QUESTIONS_IMPORT,
    ImportFileError,
    questions_column_docs,
    questions_dataset_from_upload,
    questions_export,
    questions_import,
    questions_import_allowed,
    questions_template,
)


class ImportForm(forms.Form):
    bank = forms.ModelChoiceField(
        label=gettext_lazy("Question bank"), queryset=QuestionBank.objects.all()
    )
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ConfirmForm(forms.Form):
    upload = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)


class UploadStorage(CacheStorage):
    # An hour to confirm, not import-export's day: the file holds the answers.
    CACHE_LIFETIME = 60 * 60


class PendingUpload:
    """A checked upload waiting for its confirmation, kept in the cache (shared by
    all workers) with import-export's ``CacheStorage``, for its uploader only."""

    def __init__(self, token=None):
        self.storage = UploadStorage(name=token)

    @classmethod
    def keep(cls, *, user, bank, filename, content):
        pending = cls()
        pending.storage.save(
            {"user": user.pk, "bank": bank.pk, "filename": filename, "content": content}
        )
        return pending.storage.name

    def read(self, user):
        data = self.storage.read()
        return data if data and data["user"] == user.pk else None

    def remove(self):
        self.storage.remove()


class ImportQuestionsView(AdminPageMixin, FormView):
    page_title = gettext_lazy("Import questions")
    header_icon = "upload"
    template_name = "quizzes/admin/import.html"
    form_class = ImportForm

    def has_permission(self, user):
        return questions_import_allowed(user)

    def get_breadcrumbs_items(self):
        banks = {
            "url": reverse("wagtailsnippets_quizzes_questionbank:list"),
            "label": QuestionBank._meta.verbose_name_plural,
        }
        return [*self.breadcrumbs_items, banks, {"url": "", "label": self.page_title}]

    def get_initial(self):
        return {"bank": self.request.GET.get("bank")}

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=questions_column_docs(), **kwargs)

    def form_valid(self, form):
        upload, bank = form.cleaned_data["file"], form.cleaned_data["bank"]
        content = upload.read()
        try:
            dataset = questions_dataset_from_upload(upload.name, content)
        except ImportFileError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        report = questions_import(
            bank=bank, dataset=dataset, actor=self.request.user, dry_run=True
        )
        context = {"form": form, "bank": bank, "filename": upload.name}
        if report.ok:
            token = PendingUpload.keep(
                user=self.request.user, bank=bank, filename=upload.name, content=content
            )
            context["confirm_form"] = ConfirmForm(initial={"upload": token})
        return self.render_to_response(self.get_context_data(report=report, **context))


class ConfirmImportView(ImportQuestionsView):
    """Imports the upload checked a moment ago, then shows the bank's questions."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        confirm = ConfirmForm(request.POST)
        pending = (
            PendingUpload(confirm.cleaned_data["upload"])
            if confirm.is_valid()
            else None
        )
        upload = pending.read(request.user) if pending else None
        if not upload:
            messages.error(
                request, _("The checked file is no longer here; upload it again.")
            )
            return redirect("quizzes_import")
        bank = get_object_or_404(QuestionBank, pk=upload["bank"])
        report = questions_import(
            bank=bank,
            dataset=questions_dataset_from_upload(
                upload["filename"], upload["content"]
            ),
            actor=request.user,
            source=upload["filename"],
        )
        pending.remove()
        if not report.ok:
            # The bank changed since the check (a category renamed, say).
            form = ImportForm(initial={"bank": bank.pk})
            return self.render_to_response(
                self.get_context_data(
                    form=form, bank=bank, filename=upload["filename"], report=report
                )
            )
        messages.success(
            request,
            _(
                "Imported into %(bank)s: %(created)s new, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
            % {
                "bank": bank.name,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
        if report.skipped:
            messages.info(
                request,
                _("Left out, outside the table: rows %(rows)s.")
                % {"rows": "、".join(str(s.row) for s in report.skipped)},
            )
        return redirect(
            reverse("wagtailsnippets_quizzes_question:list") + f"?bank={bank.pk}"
        )


class ExportQuestionsView(SpreadsheetDownloadView):
    permission = PERMISSIONS[0]

    def get(self, request, bank_id):
        bank = get_object_or_404(QuestionBank, pk=bank_id)
        data = questions_export(
            queryset=bank.questions.all(), file_format=self.file_format
        )
        stem = f"question-bank-{bank.pk}-{timezone.localdate():%Y%m%d}"
        return spreadsheet_response(data, self.file_format, stem)


class ImportTemplateView(SpreadsheetDownloadView):
    permission = PERMISSIONS[0]

    def get(self, request):
        data = questions_template(file_format=self.file_format)
        return spreadsheet_response(data, self.file_format, "question-bank-template")


@hooks.register("register_admin_urls")
def register_question_import_urls():
    return [
        path("quizzes-import/", ImportQuestionsView.as_view(), name="quizzes_import"),
        path(
            "quizzes-import/confirm/",
            ConfirmImportView.as_view(),
            name="quizzes_import_confirm",
        ),
        path(
            "quizzes-import/template/",
            ImportTemplateView.as_view(),
            name="quizzes_import_template",
        ),
        path(
            "quizzes-export/<int:bank_id>/",
            ExportQuestionsView.as_view(),
            name="quizzes_export",
        ),
    ]


@hooks.register("register_snippet_listing_buttons")
def question_bank_listing_buttons(snippet, user, next_url=None):
    """ "Import questions" and "Export questions" in each bank's "More" menu."""
    if not isinstance(snippet, QuestionBank) or not questions_import_allowed(user):
        return
    yield Button(
        _("Import questions"),
        reverse("quizzes_import") + f"?bank={snippet.pk}",
        icon_name="upload",
        priority=50,
    )
    export = reverse("quizzes_export", args=[snippet.pk])
    yield Button(
        _("Export questions (XLSX)"), export, icon_name="download", priority=51
    )
    yield Button(
        _("Export questions (CSV)"),
        f"{export}?format=csv",
        icon_name="download",
        priority=52,
    )


@hooks.register("register_log_actions")
def register_question_import_action(actions):
    actions.register_action(
        QUESTIONS_IMPORT, _("Import questions"), _("Questions imported")
    )
