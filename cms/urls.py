"""URL configuration. docs/architecture.md lists the public contract: URLs that
never change."""

from django.conf import settings
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import health
from lms.courses import offline as courses_offline
from lms.drills import views as drill_views
from lms.people import reports
from lms.people import urls as people_urls

# Development media route: everything under media/ except H5P packages.
MEDIA_OUTSIDE_H5P = r"^media/(?!h5p/)(?P<path>.*)$"

# A database that cannot be reached answers 503, not 500 (cms/middleware.py).
handler500 = "cms.middleware.server_error"


class FaviconRedirect(RedirectView):
    """/favicon.ico, which browsers and in-app browsers ask for whatever the page
    says: a permanent redirect to the static icon (cached for a year), where a 404
    page cost a first visit 12 KB. Pages name the static icon themselves."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("img/favicon.ico")


urlpatterns = [
    # Printed in every drill's QR code (public contract): never change these.
    # First: a burst of a thousand phones opens and posts them at once, and the
    # patterns tried before a match cost every one of those requests.
    path("c/<str:token>", drill_views.checkin, name="checkin"),
    path("c/", drill_views.checkin_by_code, name="checkin_code"),
    # Probes (cms/health.py): no session, no page tree.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("favicon.ico", FaviconRedirect.as_view(), name="favicon"),
    # At the root: a service worker's scope is the folder its script comes from
    # (lms/courses/offline.py, docs/offline.md).
    path("sw.js", courses_offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", courses_offline.web_manifest, name="web_manifest"),
    # Ahead of Wagtail's own routes for the same paths (see lms/people/reports.py).
    path("admin/reports/site-history/", reports.site_history),
    path("admin/reports/site-history/results/", reports.site_history_results),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("h5p/", include("lms.h5p.urls")),
    path("learn/", include("lms.courses.urls")),
    path("quizzes/", include("lms.quizzes.urls")),
    path("drills/", include("lms.drills.urls")),
    # Qualifications: /v/<code> is printed on every certificate (public contract).
    path("", include("lms.certs.urls")),
    # Co-governance points, their map and dispatch API (lms/points).
    path("", include("lms.points.urls")),
    path("", include(people_urls)),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += staticfiles_urlpatterns()
    # Uploaded media, except H5P packages: those are untrusted code and are served
    # only on the H5P content origin (lms/h5p/views.py). Production: the same rule
    # in nginx.
    urlpatterns += [
        re_path(
            MEDIA_OUTSIDE_H5P,
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

# Wagtail's page tree last: it serves "/" (the trainee's home) and every CMS page.
urlpatterns += [path("", include(wagtail_urls))]
