"""Site history (/admin/reports/site-history/), scoped.

Wagtail lists log entries by content type: whoever holds any permission on a model
reads every entry about it, so an organisation admin would read the names of every
organisation's people there, and the filters list every actor. Here each entry is
shown only when its object is one the user may see (the same scoping selectors as
the site's pages); instructors, training managers and site admins see everyone, as
everywhere else. ``log_entries_visible_to`` also feeds the station staff's own page
(lms.people.views.history) and the record page's history."""

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, IntegerField, Q, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.admin.auth import require_admin_access
from wagtail.admin.filters import ContentTypeFilter
from wagtail.admin.views.reports.audit_logging import (
    LogEntriesView,
    SiteHistoryReportFilterSet,
)
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import PageLogEntry
from wagtail.permissions import policy_registry

from lms.people import selectors
from lms.people.admin_views import ScopedSnippetViewSet
from lms.people.permissions import ScopedPermissionPolicy


def visible_rows(model, user):
    """What ``user`` may see of ``model`` (a queryset), or None when the model has
    no scoping rule here: entries about it are then not shown to scoped users."""
    if model is None:
        return None
    if model is get_user_model():
        return model.objects.filter(person__in=selectors.people_visible_to(user))
    policy = policy_registry.get_by_type(model)
    if isinstance(policy, ScopedPermissionPolicy):
        return policy.readable(user)
    viewset = getattr(model, "snippet_viewset", None)
    if isinstance(viewset, ScopedSnippetViewSet):
        scope = viewset.scope(user)
        # None: a shared definition (a quiz, a skill) that belongs to no station.
        return model._default_manager.all() if scope is None else scope
    return None


def log_entries_visible_to(log_model, user):
    """Entries of ``log_model`` the user may read: Wagtail's rule (a permission on
    the content type, page permissions for pages), narrowed to the user's scope."""
    entries = log_model.objects.viewable_by_user(user)
    if selectors.sees_everyone(user) or issubclass(log_model, PageLogEntry):
        return entries
    allowed = Q(pk__in=[])
    for content_type_id in entries.get_content_type_ids():
        if content_type_id is None:
            continue
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        rows = visible_rows(model, user)
        if rows is not None:
            ids = rows.order_by().annotate(_id=Cast("pk", CharField())).values("_id")
            allowed |= Q(content_type_id=content_type_id, object_id__in=ids)
    return entries.filter(allowed)


def log_entries_for(instance, user):
    """The entries about one object the user may see, newest first."""
    from wagtail.models import ModelLogEntry

    return (
        log_entries_visible_to(ModelLogEntry, user)
        .filter(
            content_type=ContentType.objects.get_for_model(instance),
            object_id=str(instance.pk),
        )
        .select_related("user")
        .order_by("-timestamp", "-pk")
    )


def _visible(user, read):
    values = set()
    for log_model in log_action_registry.get_log_entry_models():
        values.update(read(log_entries_visible_to(log_model, user)))
    return values


def _content_types(request):
    ids = _visible(request.user, lambda entries: entries.get_content_type_ids())
    return ContentType.objects.filter(pk__in=ids).order_by("model")


class ScopedSiteHistoryFilterSet(SiteHistoryReportFilterSet):
    """The filters list only the actors, actions and types of visible entries."""

    label = django_filters.CharFilter(label=_("Name"), lookup_expr="icontains")
    object_type = ContentTypeFilter(
        label=_("Type"), method="filter_object_type", queryset=_content_types
    )

    def get_action_choices(self):
        actions = _visible(self.request.user, lambda entries: entries.get_actions())
        return [c for c in log_action_registry.get_choices() if c[0] in actions]

    def get_user_choices(self):
        ids = _visible(self.request.user, lambda entries: entries.get_user_ids())
        ids &= visible_actor_ids(self.request.user, ids)
        User = get_user_model()
        return User.objects.filter(pk__in=ids).order_by(User.USERNAME_FIELD)


def visible_actor_ids(user, ids):
    """Of the actors ``ids``, those whose names ``user`` may read: everyone for
    those who see everyone; else the people of their scope, and themselves. (An
    instructor of the training unit assigns a course to a company: the company's
    admin sees the assignment, not the name of a person outside their scope.)"""
    if selectors.sees_everyone(user):
        return set(ids)
    visible = get_user_model().objects.filter(
        pk__in=ids, person__in=selectors.people_visible_to(user).values("pk")
    )
    return set(visible.values_list("pk", flat=True)) | {user.pk}


class ScopedLogEntriesView(LogEntriesView):
    filterset_class = ScopedSiteHistoryFilterSet

    def get_filtered_queryset(self):
        # As Wagtail's (a union of one values() query per log model, decorated
        # after pagination), with each model's entries read through the scope.
        self.log_models = list(log_action_registry.get_log_entry_models())
        queryset = None
        for index, log_model in enumerate(self.log_models):
            rows = self.filter_queryset(
                log_entries_visible_to(log_model, self.request.user)
                .values("pk", "timestamp")
                .annotate(log_model_index=Value(index, output_field=IntegerField()))
            ).order_by()
            queryset = rows if queryset is None else queryset.union(rows, all=True)
        return queryset.order_by("-timestamp")

    # Mounted ahead of Wagtail's own routes (cms/urls.py), so outside the admin's
    # URLconf that checks admin access: checked here.
    def decorate_paginated_queryset(self, queryset):
        entries = super().decorate_paginated_queryset(queryset)
        shown = visible_actor_ids(self.request.user, {e.user_id for e in entries})
        for entry in entries:
            if entry.user_id and entry.user_id not in shown:
                entry.user = None
                # A cached_property on Wagtail's entry: set before it is read.
                entry.__dict__["user_display_name"] = str(OUTSIDE_ACTOR)
        return entries


OUTSIDE_ACTOR = _("Staff outside your organisations")

site_history = require_admin_access(ScopedLogEntriesView.as_view())
site_history_results = require_admin_access(
    ScopedLogEntriesView.as_view(results_only=True)
)
