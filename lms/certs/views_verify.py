"""Verification: the public page /v/<code>, its JSON twin /api/v1/verify/<code>, the
certificates (HTML and PDF) and the station scanner. Thin views: the work is in
lms.certs.verification and lms.certs.certificates."""

import logging

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.certs import certificates
from lms.certs.api_errors import error_headers, error_responses
from lms.certs.constants import Channel, Verdict
from lms.certs.models import QualificationRecord
from lms.certs.verification import (
    RATE_LIMIT_MESSAGE,
    VERDICT_COLOURS,
    RateLimited,
    check_rate,
    is_well_formed,
    mask_name,
    normalise_code,
    photo_url,
    scan_lookup,
    show_photo,
    verify,
)
from lms.certs.views import record_actions
from lms.core.client import client_meta
from lms.people import photos

MAX_SCAN_LENGTH = 1000
# Longer than any code as printed or typed (16 characters, perhaps in groups with
# spaces or hyphens; the form takes 40): a longer one is refused with the form,
# and none of it is echoed (a 60,000-character code used to come back twice).
MAX_CODE_INPUT = 64
# The rate limit's window is one minute (lms.certs.verification.check_rate).
RETRY_AFTER_SECONDS = "60"

logger = logging.getLogger("shouwang.certs")


def _not_a_code_message():
    return _(
        "That is not a verification code: 16 letters and digits, as printed under "
        "the QR code."
    )


def _rate_limited(response):
    """A 429 tells when to come back, on the page as in the API."""
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


# --- the public page -----------------------------------------------------------


@never_cache
@require_GET
def verify_form(request):
    """``/v/``: type a code (from the paper) instead of scanning it."""
    code = normalise_code(request.GET.get("code", ""))
    if code and is_well_formed(code):
        return redirect("verify", code=code)
    context = {}
    if code:  # typed, but not a code: say so and keep what was typed
        context = {
            "error": _not_a_code_message(),
            "typed": request.GET.get("code", "")[:40],
        }
    return render(
        request, "certs/verify/form.html", context, status=400 if code else 200
    )


@never_cache
@require_GET
def verify_page(request, code):
    """``/v/<code>``: what the QR code on a certificate opens. No login. A code
    longer than any real one counts against the limit but is neither looked up nor
    logged as a check: the form comes back with a short message and none of the
    code."""
    meta = client_meta(request)
    too_long = len(code) > MAX_CODE_INPUT
    # Switching language from such a page leads to the form, not back to the code.
    echo_none = {"language_next": reverse("verify-form")} if too_long else {}
    try:
        if too_long:
            check_rate(meta["ip"])
            logger.info(
                "Verification page: refused a %d-character code from %s",
                len(code),
                meta["ip"],
            )
            context = {"error": _not_a_code_message(), **echo_none}
            return render(request, "certs/verify/form.html", context, status=400)
        result = verify(code, channel=Channel.PAGE, user=request.user, **meta)
    except RateLimited:
        return _rate_limited(
            render(
                request,
                "certs/verify/limited.html",
                {"message": RATE_LIMIT_MESSAGE, **echo_none},
                status=429,
            )
        )
    return render(request, "certs/verify/result.html", {"result": result})


@require_GET
def verify_photo(request, code):
    """``/v/<code>/photo``: the holder's photo that the page shows, for whoever holds
    the code. Its own per-address limit; not logged as a check (the page was)."""
    if not show_photo():
        raise Http404
    try:
        check_rate(client_meta(request)["ip"], scope="certs-verify-photo")
    except RateLimited:
        return _rate_limited(HttpResponse(RATE_LIMIT_MESSAGE, status=429))
    record = (
        QualificationRecord.objects.filter(code=normalise_code(code))
        .select_related("person")
        .first()
    )
    if record is None:
        raise Http404
    return photos.photo_response(record.person)


# --- the API -------------------------------------------------------------------


class SuccessorSerializer(serializers.Serializer):
    serial = serializers.CharField()
    verdict = serializers.ChoiceField(choices=Verdict.choices)


class VerificationSerializer(serializers.Serializer):
    """The same facts as the page. Not found: only verdict, code and checked_at are
    set, whatever the reason (unknown, malformed)."""

    verdict = serializers.ChoiceField(choices=Verdict.choices)
    verdict_label = serializers.CharField()
    colour = serializers.CharField(help_text="The page's colour for the verdict.")
    code = serializers.CharField(help_text="The code as checked (normalised).")
    holder_name = serializers.CharField(help_text="Partly masked: 张*明.")
    photo_url = serializers.URLField(allow_null=True)
    organisation = serializers.CharField()
    qualification = serializers.CharField()
    serial = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(
        allow_null=True, help_text="Empty: valid without an end date."
    )
    issuer = serializers.CharField()
    superseded_by = SuccessorSerializer(allow_null=True)
    checked_at = serializers.DateTimeField()


def result_data(request, result):
    data = VerificationSerializer(result).data
    if result.photo_url:
        data["photo_url"] = request.build_absolute_uri(result.photo_url)
    return data


class VerifyAPIView(APIView):
    """``/api/v1/verify/<code>``: no login; our own per-address limit applies."""

    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(
        operation_id="verify_code",
        summary="Check a qualification's verification code",
        description=(
            "The verdict and facts the public page /v/<code> shows. Every call is "
            "logged. Unknown and malformed codes answer 200 with verdict "
            "'not_found'. Limited per client address (CERTS_VERIFY_RATE_PER_MINUTE "
            "checks a minute, default 30)."
        ),
        parameters=[
            OpenApiParameter(
                "code",
                str,
                OpenApiParameter.PATH,
                description="16 characters; spaces and hyphens are ignored.",
            ),
            *error_headers(401, 429),
        ],
        # No 400 or 404: unknown and malformed codes are a 200 'not_found'.
        responses={200: VerificationSerializer, **error_responses(401, 429)},
        tags=["verification"],
    )
    def get(self, request, code):
        try:
            result = verify(
                code, channel=Channel.API, user=request.user, **client_meta(request)
            )
        except RateLimited:
            return Response(
                {"detail": str(RATE_LIMIT_MESSAGE)},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": RETRY_AFTER_SECONDS},
            )
        response = Response(result_data(request, result))
        response["Cache-Control"] = "no-store"
        return response


# --- certificates --------------------------------------------------------------


@login_required
@require_GET
def certificate(request, serial):
    record = certificates.certificate_record(request.user, serial)
    return HttpResponse(certificates.certificate_html(request, record))


@login_required
@require_GET
def certificate_pdf(request, serial):
    record = certificates.certificate_record(request.user, serial)
    response = HttpResponse(
        certificates.certificate_pdf(request, record), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{record.serial}.pdf"'
    return response


# --- the station scanner -------------------------------------------------------


@login_required
@permission_required("certs.view_qualificationrecord", raise_exception=True)
@require_GET
def scanner(request):
    return render(request, "certs/verify/scan.html")


def _date(value):
    return formats.date_format(value, "Y-m-d") if value else ""


# The changes a station officer makes on the spot, one tap from the scan result:
# the button opens the record page at that form, its reason focused.
SCAN_ACTIONS = {"suspend": _lazy("Suspend"), "reinstate": _lazy("Reinstate")}


def _scan_action(record, user, own):
    for name in record_actions(record, user, own=own):
        if name in SCAN_ACTIONS:
            url = reverse("certs_record", args=[record.serial])
            return {
                "name": name,
                "label": str(SCAN_ACTIONS[name]),
                # No #fragment: Chrome skips autofocus on a URL with one.
                "url": f"{url}?action={name}",
            }
    return None


def _record_row(record, day, user=None, own=False):
    verdict = record.verdict_on(day)
    return {
        "serial": record.serial,
        "url": reverse("certs_record", args=[record.serial]),
        "action": _scan_action(record, user, own) if user is not None else None,
        "qualification": record.qualification_type.name,
        "verdict": verdict,
        "verdict_label": str(verdict.label),
        "colour": VERDICT_COLOURS[verdict],
        "issued_on": _date(record.issued_on),
        "valid_from": _date(record.valid_from),
        "valid_until": _date(record.valid_until),
    }


@login_required
@permission_required("certs.view_qualificationrecord", raise_exception=True)
@require_POST
def scan_lookup_view(request):
    """POST the scanned (or typed) text; CSRF as every POST. Answers JSON."""
    text = request.body[: MAX_SCAN_LENGTH + 1].decode("utf-8", "replace")
    if len(text) > MAX_SCAN_LENGTH:
        text = ""
    result = scan_lookup(text, user=request.user, **client_meta(request))
    if not result.found:
        return JsonResponse(
            {
                "found": False,
                "message": _(
                    "Not found: this code or badge is unknown, or the person is "
                    "not one you may check."
                ),
            }
        )
    person = result.person
    scanned = result.scanned
    own = person.user_id == request.user.pk

    def row(record):
        return _record_row(record, result.day, request.user, own)

    return JsonResponse(
        {
            "found": True,
            "person": {
                "name": mask_name(person.name),
                "photo_url": photo_url(person),
                "organisation": person.organisation.name,
            },
            "scanned": row(scanned.record) if scanned is not None else None,
            "records": [row(r) for r in result.records],
            "open": _("Open record"),
            "empty": _("No current or recent qualifications."),
        }
    )
