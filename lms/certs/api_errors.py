"""The public API's error answers, for the OpenAPI schema: one body for every error
but 400 (``{"detail": "..."}``, in the client's language), DRF's field errors for
400, and the headers that come with 401 and 429. Each operation lists the statuses
it really answers (``error_responses``); tests/certs/test_api.py provokes every one
of them and reads the schema."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField(
        help_text="What went wrong, in the client's language (Accept-Language)."
    )


# DRF's answer to bad parameters: each parameter with its messages.
FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"date": ["日期格式错误。请从这些格式中选择：YYYY-MM-DD。"]},
}

DESCRIPTIONS = {
    400: "A query parameter is not valid; each one is named with its messages.",
    401: (
        "An unknown or revoked API key, or (where the operation needs them) no "
        "credentials; `WWW-Authenticate: Api-Key`. A bad key counts toward the "
        "address's lock-out."
    ),
    403: "Signed in, but without the right to read qualification records.",
    404: "No such page of results.",
    429: (
        "Too many requests or failed authentications from this address; "
        "`Retry-After` says how many seconds to wait."
    ),
}


def error_responses(*codes):
    """``extend_schema(responses=...)`` entries for these statuses."""
    return {
        code: OpenApiResponse(
            response=FIELD_ERRORS if code == 400 else ErrorOut,
            description=DESCRIPTIONS[code],
        )
        for code in codes
    }


def error_headers(*codes):
    """The response headers that go with these statuses, as schema parameters."""
    headers = []
    if 401 in codes:
        headers.append(
            OpenApiParameter(
                "WWW-Authenticate",
                str,
                OpenApiParameter.HEADER,
                response=[401],
                description="`Api-Key`: the scheme to authenticate with.",
            )
        )
    if 429 in codes:
        headers.append(
            OpenApiParameter(
                "Retry-After",
                int,
                OpenApiParameter.HEADER,
                response=[429],
                description="Seconds to wait before trying again.",
            )
        )
    return headers
