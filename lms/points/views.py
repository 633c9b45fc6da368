"""The points pages (/points/, /points/<code>/, the import) and the dashboard.
Thin: parse the form, call selectors or services, render."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.people.selectors import people_visible_to
from lms.points import board_cache, cards, drawing, prepared, scope, services
from lms.points.board_cache import day_query
from lms.points.forms import AssignForm, BoardForm, EndForm, ImportForm
from lms.points.imports import ImportFileError, assignments_import, dataset_from_upload
from lms.points.models import PointAssignment
from lms.points.selectors import point_board, point_people

PER_PAGE = 50


def _readable(user):
    if not user.has_perm(scope.READ_PERMISSION):
        raise PermissionDenied
    return scope.points_visible_to(user)


def tiles():
    """The operator's tile provider, or None: then no request leaves the origin."""
    url = settings.POINTS_TILE_URL
    if not url:
        return None
    return {
        "url": url,
        "attribution": settings.POINTS_TILE_ATTRIBUTION,
        "subdomains": settings.POINTS_TILE_SUBDOMAINS,
        "origin": tile_origin(url),
    }


def tile_origin(url):
    """The CSP source of a tile URL template: ``https://t{s}.tianditu.gov.cn/...``
    becomes ``https://*.tianditu.gov.cn``."""
    parts = urlsplit(url)
    host = parts.netloc
    if "{" in host:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def board_context(request, board, form, *, map_svg=None, options=None):
    """What the board and dashboard templates show (also the admin's page).
    ``map_svg``: the map already drawn (kept in the cache with the board)."""
    options = options or form.options()
    points = board.points
    if form.is_valid() and form.cleaned_data.get("short"):
        points = board.short_points
    page = Paginator(points, PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "form": form,
        "board": board,
        "page_obj": page,
        "query_string": params.urlencode(),
        "day_query": day_query(options),
        "near": options["near"],
        "radius": options["radius_km"],
        "map_svg": (
            map_svg
            if map_svg is not None
            else drawing.points_map(
                board.points,
                day_query=day_query(options),
                zoom_query=drawing.zoom_query(options),
            )
        ),
        "map_clustered": drawing.is_clustered(board.points),
        "post_bars": drawing.bars(
            [(c.post.name, c.deployable, c.need) for c in board.totals]
        ),
        "gap_bars": drawing.bars(
            [(p.name, p.deployable, p.need) for p in board.short_points[:20]]
        ),
        "short_count": len(board.short_points),
        "tiles": tiles(),
    }


@login_required
def points_index(request):
    points = _readable(request.user)
    form = BoardForm(request.GET or None)
    options = form.options()
    prepared.reader_seen(request.user)
    board, map_svg = board_cache.board_and_map(
        points,
        people_visible_to(request.user),
        day_query=day_query(options),
        **options,
    )
    context = board_context(request, board, form, map_svg=map_svg, options=options)
    context["may_edit"] = scope.may_edit_points(request.user)
    context["point_cards"] = cards.point_cards(
        context["page_obj"].object_list, day_query=context["day_query"]
    )
    response = render(request, "points/index.html", context)
    if context["tiles"]:
        # This page only: the operator's tile host may serve images.
        response._csp_update = {"img-src": [context["tiles"]["origin"]]}
    return response


def _point_or_404(user, code):
    return get_object_or_404(_readable(user), code=code)


@login_required
def point_detail(request, code):
    point = _point_or_404(request.user, code)
    form = BoardForm(request.GET or None)
    options = form.options()
    people = people_visible_to(request.user)
    board = point_board(
        scope.all_points().filter(pk=point.pk), people, day=options["day"]
    )
    rows = point_people(point, people, day=options["day"])
    may_assign = scope.points_assignable_by(request.user).filter(pk=point.pk).exists()
    may_define = scope.points_definable_by(request.user).filter(pk=point.pk).exists()
    return render(
        request,
        "points/detail.html",
        {
            "point": point,
            "form": form,
            "day": options["day"],
            "summary": board.points[0] if board.points else None,
            "rows": rows,
            "may_assign": may_assign,
            "may_define": may_define,
            "assign_form": AssignForm(
                people=scope.people_assignable_by(request.user),
                initial={"valid_from": options["day"]},
            ),
            "end_form": EndForm(initial={"last_day": options["day"]}),
        },
    )


@login_required
@require_POST
def point_assign(request, code):
    point = _point_or_404(request.user, code)
    form = AssignForm(request.POST, people=scope.people_assignable_by(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.assignment_create(
                person=data["id_number"],
                point=point,
                post=data["post"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Assigned."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("point", code=point.code)


@login_required
@require_POST
def assignment_end(request, pk):
    assignment = get_object_or_404(
        PointAssignment.objects.filter(point__in=_readable(request.user).values("pk")),
        pk=pk,
    )
    form = EndForm(request.POST)
    if not form.is_valid():
        raise Http404
    services.assignment_end(
        assignment=assignment,
        last_day=form.cleaned_data["last_day"],
        reason=form.cleaned_data["reason"],
        actor=request.user,
    )
    messages.success(request, _("The assignment was ended."))
    return redirect("point", code=assignment.point.code)


@login_required
def points_import(request):
    if not scope.may_edit_points(request.user):
        raise PermissionDenied
    report, error = None, None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            dataset = dataset_from_upload(upload.name, upload.read())
        except ImportFileError as problem:
            error = str(problem)
        else:
            report = assignments_import(
                dataset=dataset,
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
                source=upload.name,
            )
    return render(
        request,
        "points/import.html",
        {"form": form, "report": report, "file_error": error},
    )
