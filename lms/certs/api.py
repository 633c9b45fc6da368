"""The roster API (/api/v1/roster): a station's deployable guards as JSON, for
dispatch systems (an ``Authorization: Api-Key <key>`` header) and for signed-in
station staff (their session). Thin: parse, call the roster selectors, serialize."""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.views import APIView

from lms.certs.api_auth import ApiKeyAuthentication
from lms.certs.api_errors import error_headers, error_responses
from lms.certs.models import ApiKey, Post, QualificationType
from lms.certs.roster import (
    RosterFilters,
    roster_query,
    roster_rows,
    roster_scope_for_station,
    roster_scope_for_user,
)
from lms.people.constants import OrganisationKind
from lms.people.models import Organisation

# --- authentication (the scheme itself: lms/certs/api_auth.py) -----------------------


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "lms.certs.api_auth.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A station's API key, made by its staff at /certs/api-keys/: "
                "`Authorization: Api-Key <key>`."
            ),
        }


def public_api_only(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: the schema covers /api/ only (not the
    Wagtail admin's internal API)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]


class RosterAccess(BasePermission):
    """A valid API key, or a signed-in user who may read qualification records."""

    def has_permission(self, request, view):
        if isinstance(request.auth, ApiKey):
            return True
        user = request.user
        return user.is_authenticated and user.has_perm("certs.view_qualificationrecord")


# --- serializers -------------------------------------------------------------------


class RosterParams(serializers.Serializer):
    date = serializers.DateField(
        required=False, help_text="The day (YYYY-MM-DD); today when absent."
    )
    organisation = serializers.CharField(
        required=False, help_text="An organisation's code."
    )
    point = serializers.CharField(
        required=False,
        help_text="A co-governance point's code: the people assigned there that day.",
    )
    team = serializers.IntegerField(required=False, help_text="A team's id.")
    post = serializers.CharField(
        required=False, help_text="A duty post's code: only that post is shown."
    )
    qualification = serializers.CharField(
        required=False,
        help_text="A qualification type's code: only people who hold it that day.",
    )
    deployable = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: deployable for the post (or any post); false: not.",
    )
    expiring_within = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=3650,
        help_text="Only people with a qualification ending within this many days.",
    )
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=500)

    def _pk(self, model, code, **extra):
        if code in (None, ""):
            return None
        # -1 matches nothing: an unknown code gives an empty roster, not everyone.
        found = model.objects.filter(code=code, **extra).values_list("pk", flat=True)
        return next(iter(found), -1)

    def filters(self):
        data = self.validated_data
        return RosterFilters(
            day=data.get("date") or timezone.localdate(),
            organisation=self._pk(Organisation, data.get("organisation")),
            point=self._pk(
                Organisation,
                data.get("point"),
                kind=OrganisationKind.CO_GOVERNANCE_POINT,
            ),
            team=data.get("team"),
            post=self._pk(Post, data.get("post")),
            qualification_type=self._pk(QualificationType, data.get("qualification")),
            deployable=data.get("deployable"),
            expiring_within=data.get("expiring_within"),
        )


class OrganisationRef(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class HeldOut(serializers.Serializer):
    qualification = serializers.CharField(help_text="The type's code.")
    name = serializers.CharField()
    serial = serializers.CharField()
    valid_until = serializers.DateField(allow_null=True)


class ReasonOut(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=[
            "inactive",
            "suspended",
            "not_yet_valid",
            "revoked",
            "expired",
            "missing",
        ]
    )
    qualification = serializers.CharField(
        allow_null=True, help_text="The type's code; null for 'inactive'."
    )


class PostStandingOut(serializers.Serializer):
    post = serializers.CharField(help_text="The post's code.")
    deployable = serializers.BooleanField()
    reasons = ReasonOut(many=True)


class RosterRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    id_number = serializers.CharField(help_text="Masked: only the last 4 digits.")
    status = serializers.CharField()
    organisation = OrganisationRef()
    team = serializers.CharField(allow_null=True)
    qualifications = HeldOut(many=True)
    posts = PostStandingOut(many=True)


class PostOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    requires = serializers.ListField(child=serializers.CharField())


class RosterPageOut(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    date = serializers.DateField()
    posts = PostOut(many=True)
    results = RosterRowOut(many=True)


def row_data(row, query):
    person = row.person
    codes = {pk: code for pk, (code, _name) in query.type_names.items()}
    return {
        "id": person.pk,
        "name": person.name,
        "id_number": person.id_number_masked,
        "status": person.status,
        "organisation": {
            "code": person.organisation.code,
            "name": person.organisation.name,
            "kind": person.organisation.kind,
        },
        "team": person.team.name if person.team else None,
        "qualifications": [
            {
                "qualification": held.type_code,
                "name": held.type_name,
                "serial": held.serial,
                "valid_until": held.valid_until,
            }
            for held in row.held
        ],
        "posts": [
            {
                "post": standing.post.code,
                "deployable": standing.deployable,
                "reasons": [
                    {
                        "reason": str(missing.reason),
                        "qualification": codes.get(missing.type_id),
                    }
                    for missing in standing.reasons
                ],
            }
            for standing in row.posts
        ],
    }


# --- the view ---------------------------------------------------------------------


class RosterPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


# Bad parameters; no or a bad key; a session without the right; a page past the
# end; a locked-out address.
ROSTER_ERRORS = (400, 401, 403, 404, 429)


class RosterApi(APIView):
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [RosterAccess]

    @extend_schema(
        operation_id="roster",
        summary="Roster of deployable guards",
        description=(
            "The people of the key's station (or, for a signed-in user, the people "
            "they may see) with the qualifications they hold on the day and, per "
            "duty post, whether they are deployable and why not. ID numbers are "
            "masked. Paginated (50 a page, `page_size` up to 500)."
        ),
        parameters=[RosterParams, *error_headers(*ROSTER_ERRORS)],
        responses={200: RosterPageOut, **error_responses(*ROSTER_ERRORS)},
    )
    def get(self, request):
        params = RosterParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        if isinstance(request.auth, ApiKey):
            scope = roster_scope_for_station(request.auth.station)
        else:
            scope = roster_scope_for_user(request.user)
        query = roster_query(scope, params.filters())
        paginator = RosterPagination()
        people = paginator.paginate_queryset(query.people, request, view=self)
        rows = roster_rows(query, people)
        response = paginator.get_paginated_response(
            [row_data(row, query) for row in rows]
        )
        response.data["date"] = query.filters.day
        response.data["posts"] = [
            {
                "code": post.code,
                "name": post.name,
                "requires": [query.type_names[pk][0] for pk in post.type_ids],
            }
            for post in query.posts
        ]
        return response
