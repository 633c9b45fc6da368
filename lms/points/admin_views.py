"""Admin pages of the points: 共治点位覆盖, the coverage dashboard of /points/ in
the Wagtail admin, for the points the user may see (organisation admins and
training managers work there rather than on the site's pages); and the set-up
pages, where a point is placed and its needs are set."""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import ModelLogEntry

from lms.core.admin_helpers import AdminPageMixin
from lms.people.constants import PointCategory
from lms.people.selectors import people_visible_to
from lms.points import board_cache, definitions, scope, services
from lms.points.board_cache import day_query
from lms.points.constants import AuditAction
from lms.points.forms import (
    BoardForm,
    CategoryNeedsForm,
    PointLocationForm,
    PointNeedsForm,
    SetupFilterForm,
)
from lms.points.selectors import point_board
from lms.points.views import board_context


class CoverageView(AdminPageMixin, TemplateView):
    page_title = _("Coverage of co-governance points")
    header_icon = "site"
    template_name = "points/admin/coverage.html"
    permission = "certs.view_qualificationrecord"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        form = BoardForm(request.GET or None)
        options = form.options()
        board, map_svg = board_cache.board_and_map(
            scope.points_visible_to(request.user),
            people_visible_to(request.user),
            day_query=day_query(options),
            **options,
        )
        context.update(
            board_context(request, board, form, map_svg=map_svg, options=options)
        )
        context["may_define"] = scope.may_define_points(request.user)
        return context


# -- Admin → 点位位置与需求: where each point is and what it needs ------------------
# Site admins set every point and the categories' needs; station staff their
# station's points (lms/points/scope.py, points_definable_by). Every view reads
# the point through that scope: another station's point is a 404, as a missing
# one. Writes go through lms/points/services.py (scope check, audit log; the
# board's cache follows the saves, lms/points/board_cache.py).

SETUP_PER_PAGE = 50
RECENT_CHANGES = 10
DEFINITION_ACTIONS = (
    AuditAction.NEED_SET,
    AuditAction.NEED_REMOVE,
    AuditAction.SITE_SET,
)


def _site(point):
    """The point's PointSite or None (a reverse one-to-one raises when missing)."""
    try:
        return point.site
    except ObjectDoesNotExist:
        return None


def _form_error(form, error):
    """A service's ValidationError on the form it came from: on the fields it
    names when the form has them, else above the form."""
    if hasattr(error, "error_dict") and set(error.error_dict) <= set(form.fields):
        form.add_error(None, error)
    else:
        form.add_error(None, error.messages)


class SetupMixin(AdminPageMixin):
    header_icon = "crosshairs"
    index_title = _("Point locations and needs")

    def has_permission(self, user):
        return scope.may_define_points(user)

    def index_crumb(self):
        return {"url": reverse("points_setup_index"), "label": self.index_title}


class PointSetupIndexView(SetupMixin, TemplateView):
    """The points the user defines, with their location and needs per post."""

    page_title = SetupMixin.index_title
    template_name = "points/admin/setup_index.html"

    @cached_property
    def header_buttons(self):
        buttons = [
            HeaderButton(
                _("Coverage"),
                reverse("points_coverage"),
                icon_name="view",
                priority=20,
            )
        ]
        if scope.may_define_categories(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Category needs"),
                    reverse("points_setup_categories"),
                    icon_name="edit",
                    priority=10,
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SetupFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        points = definitions.setup_points(
            scope.points_definable_by(self.request.user),
            query=(filters.get("q") or "").strip(),
            category=filters.get("category") or "",
            unplaced=filters.get("unplaced") or False,
        )
        page = Paginator(points, SETUP_PER_PAGE).get_page(self.request.GET.get("p"))
        posts = definitions.posts()
        rows = list(page.object_list)
        needs, by_category = definitions.needs_for(rows, posts)
        context.update(
            filter_form=form,
            filtering=any(filters.values()),
            page_obj=page,
            elided_page_range=page.paginator.get_elided_page_range(page.number),
            posts=posts,
            rows=[(point, _site(point), needs[point.pk]) for point in rows],
            categories=definitions.category_table(by_category, posts),
            may_define_categories=scope.may_define_categories(self.request.user),
        )
        return context


class PointSetupView(SetupMixin, TemplateView):
    """One point: its location and its own need per post, in one form."""

    template_name = "points/admin/setup_point.html"

    @cached_property
    def point(self):
        points = scope.points_definable_by(self.request.user).select_related(
            "site", "supervising_station"
        )
        return get_object_or_404(points, code=self.kwargs["code"])

    @cached_property
    def posts(self):
        return definitions.posts()

    @cached_property
    def needs(self):
        needs, _by_category = definitions.needs_for([self.point], self.posts)
        return needs[self.point.pk]

    def get_page_title(self):
        return self.point.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            self.index_crumb(),
            {"url": "", "label": self.point.name},
        ]

    def changes(self):
        """The point's last set-up entries in the audit log, newest first (the
        organisation's history page needs a right to change organisations)."""
        return (
            ModelLogEntry.objects.for_instance(self.point)
            .filter(action__in=DEFINITION_ACTIONS)
            .select_related("user")
            .order_by("-timestamp", "-pk")[:RECENT_CHANGES]
        )

    def forms(self, data=None):
        site = _site(self.point)
        location = PointLocationForm(
            data,
            placed=site is not None,
            initial=(
                {"latitude": site.latitude, "longitude": site.longitude} if site else {}
            ),
        )
        needs = PointNeedsForm(
            data,
            posts=self.posts,
            inherited={n.post.pk: n.category for n in self.needs},
            initial={f"need_{n.post.pk}": n.own for n in self.needs},
        )
        return location, needs

    def render_forms(self, location, needs):
        deployable = self.deployable()
        return self.render_to_response(
            self.get_context_data(
                point=self.point,
                site=_site(self.point),
                location_form=location,
                needs_form=needs,
                need_rows=[
                    (n, needs[f"need_{n.post.pk}"], deployable.get(n.post.pk, 0))
                    for n in self.needs
                ],
                changes=self.changes(),
            )
        )

    def deployable(self):
        """{post pk: deployable guards today}, counted as the board counts them
        for the people the user may see."""
        board = point_board(
            scope.all_points().filter(pk=self.point.pk),
            people_visible_to(self.request.user),
            day=timezone.localdate(),
        )
        if not board.points:
            return {}
        return {count.post.pk: count.deployable for count in board.points[0].posts}

    def get(self, request, *args, **kwargs):
        return self.render_forms(*self.forms())

    def post(self, request, *args, **kwargs):
        location, needs = self.forms(request.POST)
        valid = [location.is_valid(), needs.is_valid()]  # both, for every error
        if all(valid):
            try:
                changed = services.point_define(
                    point=self.point,
                    needs=needs.needs(),
                    latitude=location.cleaned_data["latitude"],
                    longitude=location.cleaned_data["longitude"],
                    actor=request.user,
                )
            except ValidationError as error:
                _form_error(location, error)
            else:
                return self.saved(changed)
        messages.error(
            request, _("Nothing was saved: correct the fields marked below.")
        )
        return self.render_forms(location, needs)

    def saved(self, changed):
        name = self.point.name
        if changed:
            messages.success(
                self.request,
                ngettext(
                    "“%(name)s”: %(count)s change saved.",
                    "“%(name)s”: %(count)s changes saved.",
                    changed,
                )
                % {"name": name, "count": changed},
                buttons=[
                    messages.button(reverse("points_coverage"), _("See the coverage"))
                ],
            )
        else:
            messages.info(
                self.request, _("“%(name)s”: nothing changed.") % {"name": name}
            )
        return redirect("points_setup_index")


class CategoryNeedsView(SetupMixin, TemplateView):
    """What a post needs at every point of a category (site admins): each
    point follows it unless it sets its own."""

    page_title = _("Category needs")
    template_name = "points/admin/setup_categories.html"

    def has_permission(self, user):
        return scope.may_define_categories(user)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            self.index_crumb(),
            {"url": "", "label": self.page_title},
        ]

    @cached_property
    def posts(self):
        return definitions.posts()

    def form(self, data=None):
        figures = definitions.category_needs(self.posts)
        return CategoryNeedsForm(
            data,
            posts=self.posts,
            initial={
                f"need_{category}_{post_id}": guards
                for (category, post_id), guards in figures.items()
            },
        )

    def render_form(self, form):
        grid = [
            (category, [form[f"need_{category}_{post.pk}"] for post in self.posts])
            for category in PointCategory
        ]
        return self.render_to_response(
            self.get_context_data(form=form, posts=self.posts, grid=grid)
        )

    def get(self, request, *args, **kwargs):
        return self.render_form(self.form())

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                changed = services.category_needs_define(
                    needs=form.needs(), actor=request.user
                )
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Category needs: %(count)s change saved.",
                        "Category needs: %(count)s changes saved.",
                        changed,
                    )
                    % {"count": changed},
                )
                return redirect("points_setup_index")
        messages.error(
            request, _("Nothing was saved: correct the fields marked below.")
        )
        return self.render_form(form)
