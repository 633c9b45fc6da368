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
"""

from csp.middleware import CSPMiddleware
from django.conf import settings

from lms.h5p.tokens import content_origin


def admin_request(request):
    return request.path_info.startswith(settings.CSP_ADMIN_PATH_PREFIX)


def preview_request(request):
    # Set by wagtail.models.preview.PreviewableMixin.make_preview_request.
    return getattr(request, "is_dummy", False)


class SiteCSPMiddleware(CSPMiddleware):
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
