"""Wagtail admin for organisations, teams, people and credentials.

Every view reads through the scoping selectors: an organisation admin who types
another organisation's person id into the address bar gets a 404, not the person.
"""

import django_filters
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from lms.core.admin_helpers import ReadableInspectMixin
from lms.people import selectors
from lms.people.admin_forms import CredentialAdminForm, PersonAdminForm, TeamAdminForm
from lms.people.logins_admin import person_login_buttons
from lms.people.models import ExternalCredential, Organisation, Person, Team


class ScopedObjectMixin:
    """Single-object views: 404 for an object outside the user's scope."""

    scope_action = "view"

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        policy = self.permission_policy
        if not policy.user_has_permission_for_instance(
            self.request.user, self.scope_action, obj
        ):
            raise Http404
        return obj


class ScopedIndexView(generic.IndexView):
    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_permission_for(
            self.request.user, "view"
        )


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    scope_action = "change"


class ScopedInspectView(ReadableInspectMixin, ScopedObjectMixin, generic.InspectView):
    pass


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, usage.UsageView):
    pass


class ScopedViewSet(ModelViewSet):
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_admin_menu = False


def _visible_organisations(request):
    # django-filter calls this with the request, so the filter lists only the
    # organisations the user may see (their names are scoped data too).
    if request is None:
        return Organisation.objects.none()
    return selectors.organisations_visible_to(request.user)


def _visible_teams(request):
    if request is None:
        return Team.objects.none()
    return selectors.teams_visible_to(request.user)


class PersonFilterSet(WagtailFilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Employer"), queryset=_visible_organisations
    )
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=_visible_teams)

    class Meta:
        model = Person
        fields = ["kind", "status", "organisation", "team"]


class LoginButtonsMixin:
    """A person's "Reset password" and "Reset badge" (lms/people/logins_admin.py)
    in the header's "More" menu of their edit and inspect pages."""

    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            *person_login_buttons(self.request.user, self.object),
        ]


class PersonIndexView(ScopedIndexView):
    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            *person_login_buttons(self.request.user, instance, MenuItem),
        ]


class PersonEditView(LoginButtonsMixin, ScopedEditView):
    pass


class PersonInspectView(LoginButtonsMixin, ScopedInspectView):
    pass


class PersonViewSet(ScopedViewSet):
    model = Person
    index_view_class = PersonIndexView
    edit_view_class = PersonEditView
    inspect_view_class = PersonInspectView
    icon = "user"
    menu_label = _("People")
    name = "people"
    list_display = [
        "name",
        Column("organisation", label=_("Employer")),
        Column("team", label=_("Team")),
        "kind",
        "status",
        Column("id_number_masked", label=_("ID number")),
    ]
    filterset_class = PersonFilterSet
    search_fields = ["name", "phone"]
    inspect_view_fields = [
        "name",
        "phone",
        "id_number_masked",
        "gender",
        "birth_date",
        "kind",
        "organisation",
        "team",
        "status",
        "user",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("phone"), FieldPanel("id_number")]),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("status")]),
            FieldRowPanel([FieldPanel("organisation"), FieldPanel("team")]),
            FieldPanel("photo"),
        ],
        base_form_class=PersonAdminForm,
    )


class OrganisationViewSet(ScopedViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    name = "organisations"
    list_display = ["name", "code", "kind", "point_category", "supervising_station"]
    list_filter = ["kind", "point_category"]
    search_fields = ["name", "code"]
    form_fields = [
        "code",
        "name",
        "kind",
        "point_category",
        "supervising_station",
        "address",
        "contact_phone",
        "is_active",
    ]


class TeamViewSet(ScopedViewSet):
    model = Team
    icon = "list-ul"
    menu_label = _("Teams")
    name = "teams"
    list_display = ["name", "organisation"]
    search_fields = ["name"]
    edit_handler = ObjectList(
        [FieldPanel("organisation"), FieldPanel("name")], base_form_class=TeamAdminForm
    )


class ExternalCredentialViewSet(ScopedViewSet):
    model = ExternalCredential
    icon = "doc-full"
    menu_label = _("External credentials")
    name = "credentials"
    list_display = ["person", "kind", "number", "issuing_authority", "issued_on"]
    list_filter = ["kind"]
    search_fields = ["number", "person__name"]
    edit_handler = ObjectList(
        [
            FieldPanel("person"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("number")]),
            FieldPanel("issuing_authority"),
            FieldRowPanel([FieldPanel("issued_on"), FieldPanel("expires_on")]),
            FieldRowPanel([FieldPanel("voided_at"), FieldPanel("void_reason")]),
        ],
        base_form_class=CredentialAdminForm,
    )


class PeopleViewSetGroup(ModelViewSetGroup):
    menu_label = _("People")
    menu_icon = "group"
    menu_order = 150
    items = (PersonViewSet, OrganisationViewSet, TeamViewSet, ExternalCredentialViewSet)
