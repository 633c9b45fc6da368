"""Admin → 共治点位覆盖: the coverage dashboard of /points/ in the Wagtail admin,
for the points the user may see (organisation admins and training managers work
there rather than on the site's pages)."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from lms.core.admin_helpers import AdminPageMixin
from lms.people.selectors import people_visible_to
from lms.points import board_cache, scope
from lms.points.forms import BoardForm
from lms.points.views import board_context, day_query


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
        return context
