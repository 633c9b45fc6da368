"""The roster page (/certs/roster/), its exports, and the station's API keys page
(/certs/api-keys/). Thin: parse the form, call roster selectors or key services,
render."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lms.certs import api_keys
from lms.certs.models import ApiKey, Post, QualificationType
from lms.certs.roster import (
    RosterFilters,
    roster_coverage,
    roster_query,
    roster_rows,
    roster_scope_for_user,
)
from lms.certs.roster_export import csv_chunks, xlsx_file
from lms.core.admin_helpers import SPREADSHEET_TYPES
from lms.people.constants import OrganisationKind
from lms.people.selectors import organisations_visible_to, teams_visible_to, user_person

PER_PAGE = 50
CHART_BAR = 18  # height of one bar in the coverage chart, in SVG units


class RosterFilterForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, required=False
    )
    point = forms.ModelChoiceField(
        label=_("Co-governance point"), queryset=None, required=False
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    post = forms.ModelChoiceField(
        label=_("Duty post"), queryset=Post.objects.all(), required=False
    )
    qualification_type = forms.ModelChoiceField(
        label=_("Qualification"),
        queryset=QualificationType.objects.all(),
        required=False,
    )
    deployable = forms.NullBooleanField(
        label=_("Deployable"),
        required=False,
        widget=forms.Select(
            choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )
    expiring_within = forms.IntegerField(
        label=_("Expiring within (days)"), required=False, min_value=0, max_value=3650
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = organisations_visible_to(user).select_related(None)
        self.fields["organisation"].queryset = organisations.exclude(
            kind=OrganisationKind.CO_GOVERNANCE_POINT
        )
        self.fields["point"].queryset = organisations.filter(
            kind=OrganisationKind.CO_GOVERNANCE_POINT
        )
        self.fields["team"].queryset = teams_visible_to(user)

    def filters(self):
        # An invalid field is left out (the page shows its error); the valid ones
        # still filter, so a bad date does not turn into the whole roster.
        self.is_valid()
        data = getattr(self, "cleaned_data", {})

        def pk(name):
            value = data.get(name)
            return value.pk if value is not None else None

        return RosterFilters(
            day=data.get("date") or timezone.localdate(),
            organisation=pk("organisation"),
            point=pk("point"),
            team=pk("team"),
            post=pk("post"),
            qualification_type=pk("qualification_type"),
            deployable=data.get("deployable"),
            expiring_within=data.get("expiring_within"),
        )


def _query(request):
    form = RosterFilterForm(request.GET or None, user=request.user)
    query = roster_query(roster_scope_for_user(request.user), form.filters())
    return form, query


def coverage_chart(coverage, posts):
    """Bars per organisation: people, and deployable for each post (SVG units)."""
    if not coverage:
        return None
    top = max(item.people for item in coverage) or 1
    left, width = 150, 300
    groups, y = [], 10
    for item in coverage:
        bars = [(str(_("People")), item.people, "people")]
        bars += [
            (post.name, count, "deployable")
            for post, count in zip(posts, item.deployable, strict=True)
        ]
        drawn = []
        for label, count, kind in bars:
            drawn.append(
                {
                    "label": label,
                    "count": count,
                    "kind": kind,
                    "y": y,
                    "width": max(round(width * count / top), 1 if count else 0),
                    "text_y": y + CHART_BAR - 5,
                }
            )
            y += CHART_BAR + 2
        groups.append({"item": item, "bars": drawn, "title_y": drawn[0]["text_y"]})
        y += 8
    return {
        "groups": groups,
        "left": left,
        "width": left + width + 60,
        "height": y,
        "count_x": left + 4,
    }


@login_required
@permission_required("certs.view_qualificationrecord", raise_exception=True)
def roster(request):
    form, query = _query(request)
    page = Paginator(query.people, PER_PAGE).get_page(request.GET.get("page"))
    rows = roster_rows(query, page.object_list)
    coverage = roster_coverage(query)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "certs/roster/roster.html",
        {
            "form": form,
            "query": query,
            "page_obj": page,
            "rows": rows,
            "coverage": coverage,
            "chart": coverage_chart(coverage, query.posts),
            "query_string": params.urlencode(),
        },
    )


@login_required
@permission_required("certs.view_qualificationrecord", raise_exception=True)
def roster_export(request, file_format):
    """The whole filtered roster, streamed (docs/certs-roster.md)."""
    if file_format not in SPREADSHEET_TYPES:
        raise Http404
    _form, query = _query(request)
    stem = f"roster-{query.filters.day.isoformat()}"
    if file_format == "csv":
        response = StreamingHttpResponse(
            csv_chunks(query), content_type=SPREADSHEET_TYPES["csv"]
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    return FileResponse(
        xlsx_file(query),
        as_attachment=True,
        filename=f"{stem}.xlsx",
        content_type=SPREADSHEET_TYPES["xlsx"],
    )


# --- API keys ------------------------------------------------------------------------


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("System"), max_length=100)


def _own_station(request, permission):
    """The station whose keys the user manages (their own), or 403."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
    person = user_person(request.user)
    if person is None or not person.organisation.is_station:
        raise PermissionDenied
    return person.organisation


# The session key under which a new key's plaintext waits for its one display.
NEW_KEY_SESSION = "certs_new_api_key"


@login_required
def api_key_list(request):
    """POST makes a key and redirects (Post/Redirect/Get): the plaintext waits in
    the session and the next GET shows it once and drops it, so reloading the
    page shows no key again and never makes a second one."""
    station = _own_station(request, "certs.view_apikey")
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("certs.add_apikey"):
            raise PermissionDenied
        if form.is_valid():
            _key, plaintext = api_keys.api_key_create(
                station=station, name=form.cleaned_data["name"], actor=request.user
            )
            request.session[NEW_KEY_SESSION] = plaintext
            return redirect("certs-api-keys")
    response = render(
        request,
        "certs/roster/api_keys.html",
        {
            "station": station,
            "keys": api_keys.api_keys_of(station),
            "form": form,
            "plaintext": request.session.pop(NEW_KEY_SESSION, None),
        },
    )
    # The page shows a key once: never keep it in a cache.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_key_revoke(request, pk):
    station = _own_station(request, "certs.change_apikey")
    key = get_object_or_404(ApiKey, pk=pk, station=station)
    api_keys.api_key_revoke(key=key, actor=request.user)
    messages.success(request, _("The key is revoked."))
    return redirect("certs-api-keys")
