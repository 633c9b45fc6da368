"""Study offline (issue 18; docs/offline.md).

A trainee downloads a course they may study to their phone: the course page's
script (static/js/offline.js) asks ``course_offline`` which pages make up the
course, fetches each, follows the images, style sheets, scripts and quiz links
on them and keeps everything in a Cache Storage cache of its own
(``shouwang-course-<id>``). The service worker (static/js/service-worker.js,
served at ``/sw.js`` so that its scope is the whole site) answers from those
caches when the network does not. Completions and quiz answers made offline wait
on the phone and are sent once the network is back (static/js/offline-queue.js,
static/js/quiz-attempt.js).

The H5P player is not kept: it lives on another origin, which this site's
service worker cannot answer for (docs/offline.md, "The H5P exercise").
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.models import Page

from lms.core.static_text import static_text
from lms.courses.models import CoursePage, SeasonalClassPage
from lms.courses.selectors import learnable_overview

SERVICE_WORKER = "js/service-worker.js"
# Who opens the site from the home screen lands on the trainee's home page.
THEME_COLOUR = "#0b3d91"


def downloadable(overview):
    """Whether a trainee may download a course, from ``learnable_overview``: it
    is theirs to study (enrolled, assigned, or a running seasonal class), not
    merely open to enrol in. The course page's block asks the same."""
    access = overview["access"]
    return (
        overview["person"] is not None
        and access is not None
        and access.open
        and not overview["can_enrol"]
    )


def offline_pages(*, page, user):
    """The addresses a phone keeps for ``page`` (a course or seasonal class):
    home, the page and each of its lessons, or None when the viewer may not
    download it (``downloadable``)."""
    overview = learnable_overview(page=page, user=user)
    if not downloadable(overview):
        return None
    # Home too: the site opens from the phone's home screen there ("/").
    home = "/"
    return [home, page.url, *(lesson.url for lesson in overview["lessons"])]


@login_required
@require_GET
def course_offline(request, page_id):
    """What to download for one course, as JSON: its title, address and pages."""
    page = get_object_or_404(
        Page.objects.live().type(CoursePage, SeasonalClassPage).specific(), pk=page_id
    )
    for restriction in page.get_view_restrictions():
        if not restriction.accept_request(request):
            raise Http404
    pages = offline_pages(page=page, user=request.user)
    if pages is None:
        return JsonResponse(
            {"message": _("This course is not open to you.")}, status=403
        )
    response = JsonResponse(
        {"id": page.pk, "title": page.title, "url": page.url, "pages": pages}
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def offline_courses(request):
    """The courses kept on this phone: the list is the phone's own (its caches),
    so the page is filled in by static/js/offline.js."""
    return render(request, "courses/offline_courses.html")


@require_GET
def service_worker(request):
    """The service worker, from the site's root so that it may answer for every
    page (a worker's scope is at most the folder its script is served from; the
    static folder would limit it to /static/). Never cached by the browser for
    long: an updated worker must reach phones at their next visit."""
    response = HttpResponse(
        static_text(SERVICE_WORKER), content_type="text/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def web_manifest(request):
    """The web app manifest: name, colours and icons for "add to home screen"."""
    manifest = {
        "name": _("Shouwang — security training"),
        "short_name": _("Shouwang"),
        "lang": request.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": static(f"img/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "public, max-age=86400"
    return response
