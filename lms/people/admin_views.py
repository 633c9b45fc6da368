"""Admin pages to import and export people (organisation admins and site admins),
and the scoped snippet views, choosers and bulk actions every app's admin uses."""

import logging

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.search.index import class_is_indexed
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from lms.core.admin_helpers import ReadableInspectMixin, spreadsheet_response
from lms.core.spreadsheets import SpreadsheetDownloadView
from lms.people import selectors
from lms.people.forms import ImportForm
from lms.people.services.imports import (
    ImportFileError,
    dataset_from_upload,
    people_export,
    people_import,
    template_dataset,
)

logger = logging.getLogger(__name__)


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


# -- Scoped snippets ------------------------------------------------------------
# Wagtail's snippet views and choosers read ``Model.objects.all()``: the chooser of
# qualification records listed every record in the system to an organisation
# admin, and its ``chosen/<id>/`` returned any of them. Every snippet viewset of
# the project derives from ScopedSnippetViewSet, whose ``scope(user)`` (the same
# selectors the site's pages use) narrows the listing, each object view, the
# chooser and the bulk actions alike. tests/test_access_matrix.py walks them all.

# Any of these on the model lets a user open its chooser (to fill a form field);
# without one the chooser answers 403, not an empty list.
CHOOSE_ACTIONS = ("add", "change", "view")


def _scope(model, user):
    """What ``user`` may see of ``model`` (a queryset), or None for every row."""
    viewset = getattr(model, "snippet_viewset", None)
    return viewset.scope(user) if isinstance(viewset, ScopedSnippetViewSet) else None


def scoped(model, queryset, user):
    """``queryset`` narrowed to what ``user`` may see of ``model``."""
    scope = _scope(model, user)
    return queryset if scope is None else queryset.filter(pk__in=scope.values("pk"))


class ScopedSnippetObjectMixin:
    """Single-object snippet views: 404 for an object outside the user's scope, as
    for a missing one."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        scope = _scope(self.model, self.request.user)
        if scope is not None and not scope.filter(pk=obj.pk).exists():
            raise Http404
        return obj


def _joined(model, queryset):
    """What each row of a listing prints (its ``__str__``), joined: one query."""
    related = getattr(model.snippet_viewset, "list_select_related", ())
    return queryset.select_related(*related) if related else queryset


class ScopedSnippetIndexView(snippet_views.IndexView):
    def get_base_queryset(self):
        rows = scoped(self.model, super().get_base_queryset(), self.request.user)
        return _joined(self.model, rows)


class ScopedSnippetEditView(ScopedSnippetObjectMixin, snippet_views.EditView):
    pass


class ScopedSnippetCopyView(ScopedSnippetObjectMixin, snippet_views.CopyView):
    pass


class ScopedSnippetDeleteView(ScopedSnippetObjectMixin, snippet_views.DeleteView):
    pass


class ScopedSnippetInspectView(
    ReadableInspectMixin, ScopedSnippetObjectMixin, snippet_views.InspectView
):
    # Wagtail prints an empty relation as the word "None" (a record's issuer,
    # renewal, changer): ReadableInspectMixin shows a dash, yes and no in words.
    pass


class ScopedSnippetHistoryView(ScopedSnippetObjectMixin, snippet_views.HistoryView):
    pass


class ScopedSnippetUsageView(ScopedSnippetObjectMixin, snippet_views.UsageView):
    pass


class ScopedChooserMixin:
    """Every chooser view: 403 without a right on the model; only the user's scope."""

    def dispatch(self, request, *args, **kwargs):
        policy = self.model_class.snippet_viewset.permission_policy
        if not policy.user_has_any_permission(request.user, CHOOSE_ACTIONS):
            log_refusal(request, f"chooser of {self.model_class._meta.label}")
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def scoped(self, queryset):
        return scoped(self.model_class, queryset, self.request.user)


class FieldSearchFilterForm(BaseFilterForm):
    """A chooser's search box for a model outside the search index (Wagtail shows
    none then): each word of the query must be in one of ``search_fields``
    (the viewset's own, e.g. a record's serial and holder's name)."""

    q = forms.CharField(
        label=gettext_lazy("Search term"),
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Search")}),
        required=False,
    )
    search_fields = ()

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            for word in query.split()[:5]:
                match = Q()
                for field in self.search_fields:
                    match |= Q(**{f"{field}__icontains": word})
                objects = objects.filter(match)
            self.is_searching = True
            self.search_query = query
        return objects


class ScopedChooseMixin(ScopedChooserMixin):
    def get_object_list(self):
        return _joined(self.model_class, self.scoped(super().get_object_list()))

    def get_filter_form_class(self):
        fields = getattr(self.model_class.snippet_viewset, "search_fields", None)
        # Wagtail's default is an UNDEFINED sentinel, not an empty list.
        if class_is_indexed(self.model_class) or not isinstance(fields, list | tuple):
            return super().get_filter_form_class()
        return type(
            "FilterForm", (FieldSearchFilterForm,), {"search_fields": tuple(fields)}
        )


class ScopedChooseView(ScopedChooseMixin, snippet_chooser.ChooseView):
    pass


class ScopedChooseResultsView(ScopedChooseMixin, snippet_chooser.ChooseResultsView):
    pass


class ScopedChosenView(ScopedChooserMixin, snippet_chooser.SnippetChosenView):
    def get_object(self, pk):
        return self.scoped(self.model_class._default_manager.all()).get(pk=pk)


class ScopedChosenMultipleView(
    ScopedChooserMixin, snippet_chooser.SnippetChosenMultipleView
):
    def get_objects(self, pks):
        return self.scoped(super().get_objects(pks))


class ScopedChooserCreateView(ScopedChooserMixin, snippet_chooser.SnippetCreateView):
    pass


class ScopedSnippetChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView
    create_view_class = ScopedChooserCreateView


class ScopedSnippetViewSet(SnippetViewSet):
    """A snippet viewset whose every view, chooser and bulk action reads through
    ``scope(user)``: a queryset of what the user may see, or None for shared
    definitions that belong to no station (quizzes, question banks, skills ...),
    which the model permissions alone guard."""

    index_view_class = ScopedSnippetIndexView
    edit_view_class = ScopedSnippetEditView
    copy_view_class = ScopedSnippetCopyView
    delete_view_class = ScopedSnippetDeleteView
    inspect_view_class = ScopedSnippetInspectView
    history_view_class = ScopedSnippetHistoryView
    usage_view_class = ScopedSnippetUsageView
    chooser_viewset_class = ScopedSnippetChooserViewSet
    # Relations each row's __str__ reads, joined in the listing and the chooser.
    list_select_related = ()

    def scope(self, user):
        return None


class ScopedDeleteBulkAction(DeleteBulkAction):
    """Wagtail's bulk delete lists the chosen snippets by name, those the user may
    not delete included (``?id=all`` chooses every row of the model). Registered
    after Wagtail's own (lms/people/wagtail_hooks.py), it replaces it: 403 without
    the model's delete right, and only rows of the user's scope are listed."""

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "delete"):
            log_refusal(request, f"bulk delete of {self.model._meta.label}")
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_all_objects_in_listing_query(self, parent_id):
        rows = scoped(self.model, self.model._default_manager.all(), self.request.user)
        return rows.values_list("pk", flat=True)

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        visible = set(
            scoped(
                self.model,
                self.model._default_manager.filter(
                    pk__in=[o.pk for o in [*objects, *extra["items_with_no_access"]]]
                ),
                self.request.user,
            ).values_list("pk", flat=True)
        )
        return [o for o in objects if o.pk in visible], {
            "items_with_no_access": [
                o for o in extra["items_with_no_access"] if o.pk in visible
            ]
        }


def log_refusal(request, what):
    logger.warning("Refused %s to user %s at %s", what, request.user.pk, request.path)
