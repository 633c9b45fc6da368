"""Content-Security-Policy for every response: django-csp's middleware with what
one fixed policy in settings cannot express.

* ``frame-src`` names the H5P content origin as ``H5P_CONTENT_ORIGIN`` says now,
  not as it was when the settings loaded (one source of truth; tests and
  deployments that change the setting get a matching policy).
* Wagtail's admin (``CSP_ADMIN_PATH_PREFIX``) gets ``CSP_ADMIN_DIRECTIVES`` in place
  of the site's directives of the same names: the relaxation it needs stays there.
* A page previewed in the admin (Wagtail renders it through the middleware as a
  dummy request for the page's own URL) gets ``CSP_PREVIEW_DIRECTIVES``: the
  preview panel frames it.

A response that already has a policy keeps it (django-csp never overwrites nor
duplicates the header): the H5P player and package files send their own.

django-csp builds the header anew for every response (a dataclass copied, every
directive joined), a few per cent of a check-in's CPU. Without a nonce or a
view's own policy the header depends only on the kind of page and the content
origin, so it is built once per kind and origin in each process; anything else
goes through django-csp as it is.
"""

from dataclasses import asdict

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings

from lms.h5p.tokens import content_origin


def admin_request(request):
    return request.path_info.startswith(settings.CSP_ADMIN_PATH_PREFIX)


def preview_request(request):
    # Set by wagtail.models.preview.PreviewableMixin.make_preview_request.
    return getattr(request, "is_dummy", False)


# What a view sets with django-csp's decorators: such a response is built in full.
VIEW_POLICY_ATTRIBUTES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")


class SiteCSPMiddleware(CSPMiddleware):
    def __init__(self, get_response):
        super().__init__(get_response)
        self._headers = {}  # (kind of page, content origin) -> header

    def process_response(self, request, response):
        if (
            HEADER in response
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in VIEW_POLICY_ATTRIBUTES)
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or settings.DEBUG
        ):
            return super().process_response(request, response)
        key = (admin_request(request), preview_request(request), content_origin())
        header = self._headers.get(key)
        if header is None:
            header = self._headers[key] = self.build_header(request, response)
        response[HEADER] = header
        # As django-csp does: a nonce asked for after the header is written fails.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def build_header(self, request, response):
        parts = self.get_policy_parts(request=request, response=response)
        return build_policy(**asdict(parts))

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        replace = {"frame-src": [content_origin()]}
        if admin_request(request):
            admin = settings.CSP_ADMIN_DIRECTIVES
            replace = {
                **admin,
                "frame-src": [*admin.get("frame-src", []), content_origin()],
            }
        elif preview_request(request):
            replace.update(settings.CSP_PREVIEW_DIRECTIVES)
        # A view's own @csp_replace wins over both.
        parts.replace = {**replace, **(parts.replace or {})}
        return parts
