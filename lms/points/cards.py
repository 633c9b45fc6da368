"""The cards of ``/points/``'s list (a page of a board's points), written with
format strings in one pass, as the map is (lms/points/drawing.py).

Through the template engine a page of 50 cards was two fifths of the page's CPU,
warm or cold (docs/benchmarks.md, "Points"): each card is some twenty variable
nodes, a URL reversed, a PostCount per post and a translated block per short
post. The markup is the same; every value is escaped here, and the messages are
the catalogue's (``Short %(gap)s``, ``%(gap)s short``).
"""

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from lms.points.constants import Coverage

# The status pill's modifier per state (static/css/points.css).
STATUS_CLASS = {Coverage.SHORT: "short", Coverage.MET: "met", Coverage.NO_NEED: "none"}


def point_cards(points, *, day_query=""):
    """The ``<li>`` of each of ``points`` (PointRows), their links ending with
    ``day_query``."""
    base = reverse("points")
    day_query = escape(day_query)
    parts = []
    for point in points:
        code, category = escape(point.code), escape(point.category)
        distance = ""
        if point.distance_km is not None:
            # Rounded as the template's floatformat was (half up, the locale's mark).
            km = floatformat(point.distance_km, 1)
            distance = f'<span class="point__distance">{km} km</span>'
        state = point.state
        if state == Coverage.SHORT:
            said = _("Short %(gap)s") % {"gap": point.gap}
        else:
            said = state.label  # "Need met", "No need set"
        status = (
            f'<span class="status status--{STATUS_CLASS[state]}">{escape(said)}</span>'
        )
        parts.append(
            f'<li class="card point point--{state.value}" data-point="{code}">'
            f'<a class="point__link" href="{base}{code}/{day_query}">'
            f'<span class="point__category point__category--{category}">'
            f"{category}</span>"
            f'<strong class="point__name">{escape(point.name)}</strong>{distance}</a>'
            f'<p class="point__state">{status}</p><ul class="point__posts">'
        )
        for post, need, deployable in point.post_figures:
            name = escape(post.name)
            if deployable < need:
                short = escape(_("%(gap)s short") % {"gap": need - deployable})
                parts.append(
                    f'<li class="point__post--short">{name}: <strong>{deployable}'
                    f'</strong>/{need} <span class="point__gap">{short}</span></li>'
                )
            else:
                parts.append(f"<li>{name}: <strong>{deployable}</strong>/{need}</li>")
        parts.append("</ul></li>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
