"""Printable certificates (A4 landscape, Chinese) as HTML and PDF.

The certificate is the holder's own document, so it shows the full name. What makes
a printed copy trustworthy is not the paper but the QR code: it opens /v/<code>, where
the database's serial, dates, photo and status can be compared with the paper.
"""

import base64
import mimetypes

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lms.certs.constants import Status
from lms.certs.selectors import records_visible_to
from lms.certs.verification import issuer_name
from lms.core.qr import qr_svg

TEMPLATE = "certs/certificate/certificate.html"
# Fontconfig's name of Debian's fonts-wqy-microhei (installed by make system-deps).
FONT_FAMILY = "WenQuanYi Micro Hei"
# A photo larger than this is left out of the PDF rather than slowing it down.
MAX_PHOTO_BYTES = 5 * 1024 * 1024


def font_family():
    return getattr(settings, "CERTS_CERTIFICATE_FONT", FONT_FAMILY)


def certificate_record(user, serial):
    """The record with ``serial`` if ``user`` may open its certificate; 404 for a
    record that does not exist and for one they may not see alike."""
    record = get_object_or_404(
        records_visible_to(user).select_related(
            "person__organisation",
            "qualification_type",
            "issued_by__person",
            "external_credential",
        ),
        serial=serial,
    )
    return record


def _photo_data_uri(person):
    """The photo inlined for WeasyPrint, which would otherwise fetch it over HTTP
    from the very server that is rendering (and fail behind some proxies)."""
    if not person.photo:
        return None
    try:
        with person.photo.open("rb") as handle:
            data = handle.read(MAX_PHOTO_BYTES + 1)
    except (OSError, ValueError):
        return None
    if len(data) > MAX_PHOTO_BYTES:
        return None
    mime = mimetypes.guess_type(person.photo.name)[0] or "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def certificate_context(request, record, *, for_pdf=False):
    verify_url = request.build_absolute_uri(reverse("verify", args=[record.code]))
    person = record.person
    if for_pdf:
        photo = _photo_data_uri(person)
    else:
        photo = person.photo.url if person.photo else None
    return {
        "record": record,
        "person": person,
        "photo": photo,
        "qualification": record.qualification_type,
        "issuer": issuer_name(record),
        "verify_url": verify_url,
        "verify_form_url": request.build_absolute_uri(reverse("verify-form")),
        "qr": qr_svg(verify_url, box_size=10, border=1),
        "revoked": record.status == Status.REVOKED,
        "font_family": font_family(),
        "for_pdf": for_pdf,
        "printed_at": timezone.now(),
        "pdf_url": reverse("certificate-pdf", args=[record.serial]),
        "back_url": _back_url(request, record),
    }


def _back_url(request, record):
    """Where the certificate's back link goes: the holder's own qualifications
    (where they opened it), staff to the record's page."""
    if record.person.user_id is not None and record.person.user_id == request.user.pk:
        return f"{reverse('my_qualifications')}#record-{record.serial}"
    return reverse("certs_record", args=[record.serial])


def certificate_html(request, record):
    return render_to_string(
        TEMPLATE, certificate_context(request, record), request=request
    )


def certificate_pdf(request, record):
    """PDF bytes. WeasyPrint is imported here: it loads Pango and Cairo, which the
    rest of the site never needs."""
    from weasyprint import HTML

    html = render_to_string(
        TEMPLATE, certificate_context(request, record, for_pdf=True), request=request
    )
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
