"""The points map and the coverage bars, drawn on the server as SVG.

The map works without JavaScript and without tiles: each point is a circle on a
plain background, placed by an equirectangular projection of its coordinates
(longitude scaled by the cosine of the mean latitude, so a few kilometres look
right), coloured by category, ringed in red when short, and a link to its page.
With a tile provider configured (``POINTS_TILE_URL``) the page lays Leaflet over it
(static/js/points-map.js); with none, nothing leaves the origin.

Built with format strings rather than a template loop: 2,000 points through the
template engine cost more than the whole rest of the page (the 100 ms budget).
"""

import math

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from lms.points.constants import Coverage

WIDTH, HEIGHT, MARGIN = 360, 280, 18
CATEGORY_COLOURS = {"A": "#b3261e", "B": "#8a5300", "C": "#0b3d91", "D": "#146c2e"}


def _projection(points):
    placed = [p for p in points if p.latitude is not None]
    if not placed:
        return None
    lats = [p.latitude for p in placed]
    lons = [p.longitude for p in placed]
    scale_x = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * scale_x, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)
    left, top = min(lons), max(lats)

    def project(lat, lon):
        return (
            MARGIN + (lon - left) * scale_x * scale,
            MARGIN + (top - lat) * scale,
        )

    return project


def points_map(points, *, day_query=""):
    """The SVG map of ``points`` (PointRows), or "" when none has a location."""
    project = _projection(points)
    if project is None:
        return ""
    base = reverse("points")
    # Out of the f-string: makemessages does not read inside one.
    title = escape(_("Map of the points"))
    parts = [
        f'<svg class="points-map__svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="points-map-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="points-map-title">{title}</title>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" class="points-map__ground"/>'
    ]
    short_word = escape(Coverage.SHORT.label)
    for point in points:
        if point.latitude is None:
            continue
        x, y = project(point.latitude, point.longitude)
        colour = CATEGORY_COLOURS.get(point.category, "#5f6368")
        gap = point.gap  # short when any (PointRow.state), summed once
        short = bool(gap)
        label = escape(
            f"{point.name} ({point.category}) · {point.deployable}/{point.need}"
        )
        if short:
            label += f" · {short_word} {gap}"
        ring = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="14" class="points-map__short"/>'
            if short
            else ""
        )
        parts.append(
            f'<a href="{base}{escape(point.code)}/{day_query}" '
            f'data-point="{escape(point.code)}" data-lat="{point.latitude}" '
            f'data-lon="{point.longitude}" data-colour="{colour}"'
            f"{' data-short' if short else ''}><title>{label}</title>{ring}"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="10" fill="{colour}"/>'
            f'<text x="{x:.1f}" y="{y + 4.5:.1f}" class="points-map__letter">'
            f"{escape(point.category)}</text></a>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def bars(rows, *, width=100):
    """Percentages for CSS bars: (label, deployable, need, gap, percent)."""
    return [
        {
            "label": label,
            "deployable": deployable,
            "need": need,
            "gap": max(0, need - deployable),
            "percent": min(100, round(width * deployable / need)) if need else 100,
        }
        for label, deployable, need in rows
    ]
