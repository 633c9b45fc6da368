"""URL configuration. docs/architecture.md lists the public contract: URLs that
never change."""

from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms.people import reports
from lms.people import urls as people_urls

urlpatterns = [
    # Ahead of Wagtail's own routes for the same paths (see lms/people/reports.py).
    path("admin/reports/site-history/", reports.site_history),
    path("admin/reports/site-history/results/", reports.site_history_results),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("h5p/", include("lms.h5p.urls")),
    path("learn/", include("lms.courses.urls")),
    path("", include(people_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree last: it serves "/" (the trainee's home) and every CMS page.
urlpatterns += [path("", include(wagtail_urls))]
