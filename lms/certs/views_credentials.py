"""Credential downloads, the issuer's published keys and the status lists. Thin:
the documents are built in lms.certs.credentials, signing and status_list."""

import json

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from lms.certs import credentials, signing, status_list

CREDENTIAL_MEDIA_TYPE = "application/vc+ld+json"


def _json(document, *, content_type="application/json", max_age=None, public=True):
    body = json.dumps(document, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    if public:
        response["Cache-Control"] = f"public, max-age={max_age}"
        # Anyone may verify, from any origin.
        response["Access-Control-Allow-Origin"] = "*"
    else:
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def credential_download(request, serial):
    """The signed credential of a record, for its holder and for staff who may see
    the holder; 404 for everyone else (the serial's existence is not revealed)."""
    record = get_object_or_404(
        credentials.records_downloadable_by(request.user), serial=serial
    )
    response = _json(
        credentials.signed_credential(record),
        content_type=CREDENTIAL_MEDIA_TYPE,
        public=False,
    )
    response["Content-Disposition"] = f'attachment; filename="{record.serial}.json"'
    return response


@require_GET
def keys(request):
    return _json(signing.jwks(), max_age=getattr(settings, "CERTS_KEYS_MAX_AGE", 3600))


@require_GET
def issuer(request):
    return _json(
        signing.controller_document(),
        max_age=getattr(settings, "CERTS_KEYS_MAX_AGE", 3600),
    )


@require_GET
def status_list_view(request, purpose):
    """``message`` is the 2-bit list new credentials name; ``revocation`` and
    ``suspension`` are the 1-bit lists that credentials downloaded earlier name
    (still served, so those still verify)."""
    if purpose not in status_list.PURPOSES:
        raise Http404
    return _json(
        status_list.status_list_credential(purpose),
        content_type=CREDENTIAL_MEDIA_TYPE,
        max_age=getattr(settings, "CERTS_STATUS_LIST_MAX_AGE", 60),
    )
