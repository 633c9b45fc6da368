"""Wagtail admin: H5P packages as snippets (upload, correct the maximum score)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView

from lms.h5p.constants import AuditAction
from lms.h5p.forms import H5PPackageUploadForm
from lms.h5p.models import H5PPackage
from lms.h5p.services import h5p_package_upload
from lms.people.admin_views import ScopedSnippetViewSet


class H5PPackageUploadView(CreateView):
    """Adding a package means uploading a file: the service validates, extracts
    and deduplicates it, instead of the model form saving a bare row."""

    def save_instance(self):
        package, _created = h5p_package_upload(
            file=self.form.cleaned_data["package_file"],
            title=self.form.cleaned_data.get("title", ""),
            uploaded_by=self.request.user,
        )
        self.new_revision = None
        return package


class H5PPackageViewSet(ScopedSnippetViewSet):
    model = H5PPackage
    icon = "pick"
    menu_label = _("H5P packages")
    menu_name = "h5p_packages"
    add_to_admin_menu = True
    menu_order = 160
    add_view_class = H5PPackageUploadView
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "title",
        Column("library_label", label=_("Content type")),
        "max_score",
        "file_count",
        DateColumn("created_at", label=_("Uploaded at")),
    ]
    list_filter = ["main_library"]
    search_fields = ["title"]
    inspect_view_fields = [
        "title",
        "main_library",
        "main_library_version",
        "libraries",
        "max_score",
        "file_count",
        "size_bytes",
        "uncompressed_bytes",
        "content_hash",
        "uploaded_by",
        "created_at",
    ]
    # Editing corrects what an instructor may correct; the files never change
    # (a changed package is a new upload with a new hash).
    panels = [FieldPanel("title"), FieldPanel("max_score")]

    def get_add_view_kwargs(self, **kwargs):
        panel = ObjectList(
            [FieldPanel("package_file"), FieldPanel("title")],
            base_form_class=H5PPackageUploadForm,
        ).bind_to_model(self.model)
        return super().get_add_view_kwargs(
            panel=panel, form_class=panel.get_form_class(), **kwargs
        )


register_snippet(H5PPackageViewSet)


@hooks.register("register_log_actions")
def register_h5p_audit_actions(actions):
    actions.register_action(
        AuditAction.PACKAGE_UPLOAD, _("Upload H5P package"), _("H5P package uploaded")
    )
