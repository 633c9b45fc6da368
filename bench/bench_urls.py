"""Root URLconf for the benchmark: a trivial baseline view, then the real site."""

from django.http import HttpResponse
from django.urls import include, path


def bench_ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench-ok/", bench_ok, name="bench_ok"),
    path("", include("cms.urls")),
]
