"""Reads of the admin's set-up pages (lms/points/admin_views.py): the points a
user defines with their location, and each point's needs per post beside its
category's. A page of points costs the same few queries whatever its size: the
points with their sites (one join), the posts, the needs of those points and of
every category (one query).

Apart from lms/points/selectors.py, which counts the board against these needs:
these pages show the definitions themselves, including the figures a point
inherits and the ones it overrides.
"""

from dataclasses import dataclass

from django.db.models import Q

from lms.certs.models import Post
from lms.people.constants import PointCategory
from lms.points.selectors import need_figures


@dataclass(frozen=True)
class PostNeed:
    """What one post needs at one point: the point's own figure (None: it follows
    its category) and its category's (None: the category sets none)."""

    post: Post
    own: int | None
    category: int | None

    @property
    def guards(self):
        """The figure the board counts against (0 when neither is set)."""
        if self.own is not None:
            return self.own
        return self.category or 0

    @property
    def overrides(self):
        return self.own is not None


def posts():
    """Every duty post, in the roster's order."""
    return list(Post.objects.order_by("sort_order", "code"))


def setup_points(points, *, query="", category="", unplaced=False):
    """``points`` (a queryset of the user's definable points) with their site
    joined, filtered as the listing asks, by code."""
    rows = points.select_related("site").order_by("code", "pk")
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(code__icontains=query))
    if category:
        rows = rows.filter(point_category=category)
    if unplaced:
        rows = rows.filter(site__isnull=True)
    return rows


def needs_for(points, posts):
    """({point pk: [PostNeed per post]} for ``points`` (a list), {(category, post
    pk): guards} of every category), in one query."""
    own, by_category = need_figures(points, posts)
    rows = {
        point.pk: [
            PostNeed(
                post,
                own.get((point.pk, post.pk)),
                by_category.get((point.point_category, post.pk)),
            )
            for post in posts
        ]
        for point in points
    }
    return rows, by_category


def category_needs(posts):
    """{(category, post pk): guards} of every category."""
    return need_figures([], posts)[1]


def category_table(by_category, posts):
    """[(category, [guards or None per post])], A to D."""
    return [
        (category, [by_category.get((category.value, post.pk)) for post in posts])
        for category in PointCategory
    ]
