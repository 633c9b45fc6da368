"""The points map and the coverage bars, drawn on the server as SVG.

The map works without JavaScript and without tiles: each point is a circle on a
plain background, placed by an equirectangular projection of its coordinates
(longitude scaled by the cosine of the mean latitude, so a few kilometres look
right), coloured by category, ringed in red when short, and a link to its page.
With a tile provider configured (``POINTS_TILE_URL``) the page lays Leaflet over it
(static/js/points-map.js); with none, nothing leaves the origin.

More than ``MAX_MARKERS`` points (a station's 2,000) are drawn as clusters: the
points falling in one square of ``CELL`` pixels become one circle with their
number, ringed in red when any is short, and a link to the same board around
them (``?near=`` the cluster's centre, the radius that holds all of them), where
they are drawn one by one. 2,000 circles of 20 pixels on a 360-pixel map cover
each other; the clusters also keep the page (and the cache entry) a tenth of the
size and the cold page's drawing cheap (docs/benchmarks.md, "Points").

Built with format strings in one pass over the board's flat rows rather than a
template loop: 2,000 points through the template engine cost more than the whole
rest of the page (the 100 ms budget).
"""

import math
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.points.constants import MAX_RADIUS_KM, Coverage

WIDTH, HEIGHT, MARGIN = 360, 280, 18
CATEGORY_COLOURS = {"A": "#b3261e", "B": "#8a5300", "C": "#0b3d91", "D": "#146c2e"}
OTHER_COLOUR = "#5f6368"
CLUSTER_COLOUR = "#37474f"
# More points than this with a location are drawn as clusters, on a grid of CELL px.
MAX_MARKERS = 150
CELL = 40
KM_PER_DEGREE = 111.2


def is_clustered(points):
    """Whether the map of ``points`` draws clusters (the legend says what)."""
    return sum(1 for p in points if p.latitude is not None) > MAX_MARKERS


def zoom_query(options):
    """The query string a cluster's link starts with: the board's day, post and
    qualification (``BoardForm.options()``), which are in the cache's key."""
    params = {"date": options["day"].isoformat()}
    for name in ("post", "qualification"):
        if options.get(name) is not None:
            params[name] = options[name]
    return "?" + urlencode(params)


def _projection(placed):
    """(project(lat, lon) -> (x, y)) fitting ``placed`` into the map."""
    lats = [p.latitude for p in placed]
    lons = [p.longitude for p in placed]
    scale_x = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * scale_x, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)
    left, top, sx = min(lons), max(lats), scale_x * scale

    def project(lat, lon):
        return MARGIN + (lon - left) * sx, MARGIN + (top - lat) * scale

    return project


def points_map(points, *, day_query="", zoom_query="?"):
    """The SVG map of ``points`` (PointRows), or "" when none has a location.
    ``day_query`` ends a point's link; ``zoom_query`` starts a cluster's."""
    placed = [p for p in points if p.latitude is not None]
    if not placed:
        return ""
    project = _projection(placed)
    base = reverse("points")
    # Out of the f-string: makemessages does not read inside one.
    title = escape(_("Map of the points"))
    parts = [
        f'<svg class="points-map__svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="points-map-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="points-map-title">{title}</title>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" class="points-map__ground"/>'
    ]
    if len(placed) > MAX_MARKERS:
        cells = {}
        for point in placed:
            x, y = project(point.latitude, point.longitude)
            key = (int(x // CELL), int(y // CELL))
            cell = cells.get(key)
            if cell is None:
                cells[key] = [point]
            else:
                cell.append(point)
        for cell in cells.values():
            if len(cell) == 1:
                parts.append(_marker(cell[0], project, base, day_query))
            else:
                parts.append(_cluster(cell, project, base, zoom_query))
    else:
        parts.extend(_marker(point, project, base, day_query) for point in placed)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def _marker(point, project, base, day_query):
    x, y = project(point.latitude, point.longitude)
    colour = CATEGORY_COLOURS.get(point.category, OTHER_COLOUR)
    code = escape(point.code)
    label = escape(f"{point.name} ({point.category}) · {point.deployable}/{point.need}")
    ring = short = ""
    if point.gap:  # short when any (PointRow.state)
        label += f" · {escape(Coverage.SHORT.label)} {point.gap}"
        ring = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="14" class="points-map__short"/>'
        short = " data-short"
    return (
        f'<a href="{base}{code}/{day_query}" data-point="{code}" '
        f'data-lat="{point.latitude}" data-lon="{point.longitude}" '
        f'data-colour="{colour}"{short}><title>{label}</title>{ring}'
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="10" fill="{colour}"/>'
        f'<text x="{x:.1f}" y="{y + 4.5:.1f}" class="points-map__letter">'
        f"{escape(point.category)}</text></a>"
    )


def _cluster(cell, project, base, zoom_query):
    """One circle for the points of a cell: their number, a red ring when any is
    short, a link to the board around them."""
    count = len(cell)
    lat = sum(p.latitude for p in cell) / count
    lon = sum(p.longitude for p in cell) / count
    # The radius holding every point of the cell: flat-earth kilometres (plenty
    # at this size) with 5 % to spare, rounded up to the form's 0.1 km.
    shrink = math.cos(math.radians(lat))
    reach = math.sqrt(
        max((p.latitude - lat) ** 2 + ((p.longitude - lon) * shrink) ** 2 for p in cell)
    )
    km = reach * KM_PER_DEGREE * 1.05
    radius = min(MAX_RADIUS_KM, max(0.1, math.ceil(km * 10) / 10))
    short = sum(1 for p in cell if p.gap)
    x, y = project(lat, lon)
    # Within its cell with the red ring (r + 4): neighbouring clusters never touch.
    r = min(CELL / 2 - 5, 9 + 1.5 * math.log2(count))
    label = ngettext(
        "%(count)s points: %(short)s short, %(deployable)s/%(need)s deployable",
        "%(count)s points: %(short)s short, %(deployable)s/%(need)s deployable",
        count,
    ) % {
        "count": count,
        "short": short,
        "deployable": sum(p.deployable for p in cell),
        "need": sum(p.need for p in cell),
    }
    ring = (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r + 4:.1f}" class="points-map__short"/>'
        if short
        else ""
    )
    href = f"{base}{zoom_query}&near={lat:.6f},{lon:.6f}&radius={radius}"
    return (
        f'<a href="{escape(href)}" data-count="{count}" data-lat="{lat:.6f}" '
        f'data-lon="{lon:.6f}" data-colour="{CLUSTER_COLOUR}"'
        f"{' data-short' if short else ''}><title>{escape(label)}</title>{ring}"
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{CLUSTER_COLOUR}"/>'
        f'<text x="{x:.1f}" y="{y + 4.5:.1f}" class="points-map__letter">{count}'
        "</text></a>"
    )


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
