"""The points API (/api/v1/points, /api/v1/points/<code>): a station's points with
their deployable guards per post against need, for dispatch systems. Scoped and
authenticated exactly like the roster API (lms/certs/api.py): a station's API key
sees that station's points and people; a signed-in user, what they may see."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.certs.api import RosterAccess
from lms.certs.api_auth import ApiKeyAuthentication
from lms.certs.api_errors import error_headers, error_responses
from lms.certs.models import ApiKey, Post, QualificationType
from lms.certs.roster import roster_scope_for_station
from lms.people.selectors import people_visible_to
from lms.points import scope
from lms.points.constants import DEFAULT_RADIUS_KM, MAX_RADIUS_KM
from lms.points.forms import parse_near
from lms.points.selectors import point_board, point_people


def _scope(request):
    """(points, people) the caller may read."""
    if isinstance(request.auth, ApiKey):
        station = request.auth.station
        return scope.points_of_station(station), roster_scope_for_station(station)
    return scope.points_visible_to(request.user), people_visible_to(request.user)


class PointsParams(serializers.Serializer):
    date = serializers.DateField(
        required=False, help_text="The day (YYYY-MM-DD); today when absent."
    )
    near = serializers.CharField(
        required=False,
        help_text="latitude,longitude (WGS-84): points within `radius`, nearest first.",
    )
    radius = serializers.FloatField(
        required=False,
        min_value=0.1,
        max_value=MAX_RADIUS_KM,
        help_text=f"Kilometres around `near` (default {DEFAULT_RADIUS_KM}).",
    )
    post = serializers.CharField(
        required=False, help_text="A duty post's code: only that post is counted."
    )
    qualification = serializers.CharField(
        required=False,
        help_text="A qualification type's code: count only deployable guards who "
        "also hold it.",
    )
    page = serializers.IntegerField(required=False, min_value=1)

    def validate_near(self, value):
        try:
            return parse_near(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages[0]) from None

    def _pk(self, model, code):
        if code in (None, ""):
            return None
        found = model.objects.filter(code=code).values_list("pk", flat=True)
        return next(iter(found), -1)  # an unknown code counts nobody

    def options(self):
        from django.utils import timezone

        data = self.validated_data
        return {
            "day": data.get("date") or timezone.localdate(),
            "near": data.get("near"),
            "radius_km": data.get("radius") or DEFAULT_RADIUS_KM,
            "post": self._pk(Post, data.get("post")),
            "qualification": self._pk(QualificationType, data.get("qualification")),
        }


class PostCountOut(serializers.Serializer):
    post = serializers.CharField(help_text="The post's code.")
    name = serializers.CharField()
    need = serializers.IntegerField(help_text="Deployable guards the point needs.")
    assigned = serializers.IntegerField()
    deployable = serializers.IntegerField()
    gap = serializers.IntegerField(help_text="need - deployable, never below 0.")


class PointOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    distance_km = serializers.FloatField(
        allow_null=True, help_text="From `near`, when given."
    )
    state = serializers.ChoiceField(choices=["met", "short", "no_need"])
    posts = PostCountOut(many=True)


class PointsPageOut(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    date = serializers.DateField()
    results = PointOut(many=True)


class AssignedOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    id_number = serializers.CharField(help_text="Masked: only the last 4 digits.")
    organisation = serializers.CharField(help_text="The employer's code.")
    post = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    deployable = serializers.BooleanField()
    reasons = serializers.ListField(
        child=serializers.CharField(),
        help_text="Why not deployable: the roster's reasons (inactive, suspended, "
        "not_yet_valid, revoked, expired, missing).",
    )


class PointDetailOut(PointOut):
    date = serializers.DateField()
    people = AssignedOut(many=True)


def point_data(row):
    return {
        "code": row.code,
        "name": row.name,
        "category": row.category,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "distance_km": round(row.distance_km, 3)
        if row.distance_km is not None
        else None,
        "state": str(row.state),
        "posts": [
            {
                "post": c.post.code,
                "name": c.post.name,
                "need": c.need,
                "assigned": c.assigned,
                "deployable": c.deployable,
                "gap": c.gap,
            }
            for c in row.posts
        ],
    }


class PointsPagination(PageNumberPagination):
    page_size = 100


POINTS_ERRORS = (400, 401, 403, 404, 429)


class PointsApi(APIView):
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [RosterAccess]

    @extend_schema(
        operation_id="points",
        summary="Co-governance points with deployable guards",
        description=(
            "The key's station's points (or, for a signed-in user, the points they "
            "may see) with, per duty post, the guards assigned on the day, how "
            "many are deployable and the gap against need. With `near`, only the "
            "points within `radius` km, nearest first: dispatch. 100 a page."
        ),
        parameters=[PointsParams, *error_headers(*POINTS_ERRORS)],
        responses={200: PointsPageOut, **error_responses(*POINTS_ERRORS)},
    )
    def get(self, request):
        params = PointsParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        points, people = _scope(request)
        options = params.options()
        board = point_board(points, people, **options)
        paginator = PointsPagination()
        page = paginator.paginate_queryset(board.points, request, view=self)
        response = paginator.get_paginated_response([point_data(r) for r in page])
        response.data["date"] = options["day"]
        return response


class PointApi(APIView):
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [RosterAccess]

    @extend_schema(
        operation_id="point",
        summary="One co-governance point and its people",
        description=(
            "A point's counts per post and the people assigned on the day, each "
            "with whether they are deployable for their post and why not. ID "
            "numbers are masked."
        ),
        parameters=[PointsParams, *error_headers(*POINTS_ERRORS)],
        responses={200: PointDetailOut, **error_responses(*POINTS_ERRORS)},
    )
    def get(self, request, code):
        params = PointsParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        points, people = _scope(request)
        point = get_object_or_404(points, code=code)
        options = params.options()
        options.pop("near")
        options.pop("radius_km")
        board = point_board(points.filter(pk=point.pk), people, **options)
        data = point_data(board.points[0])
        data["date"] = options["day"]
        data["people"] = [
            {
                "id": item.row.person.pk,
                "name": item.row.person.name,
                "id_number": item.row.person.id_number_masked,
                "organisation": item.row.person.organisation.code,
                "post": item.assignment.post.code,
                "valid_from": item.assignment.valid_from,
                "valid_until": item.assignment.valid_until,
                "deployable": bool(item.standing and item.standing.deployable),
                "reasons": [str(m.reason) for m in item.standing.reasons]
                if item.standing
                else [],
            }
            for item in point_people(point, people, day=options["day"])
        ]
        return Response(data)
