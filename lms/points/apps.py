from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    """Who serves where: co-governance points on a map, the guards assigned to them
    and the gap against what each point needs (docs/points.md). Above lms.certs in
    the house: it reads the roster's rules, nothing below imports it."""

    name = "lms.points"
    label = "points"
    verbose_name = _("Co-governance points")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from lms.certs.models import Post, QualificationRecord
        from lms.people.models import Organisation, Person
        from lms.points.board_cache import board_changed
        from lms.points.models import PointAssignment, PointNeed, PointSite

        # What the cached board counts (lms/points/board_cache.py): assignments,
        # needs, sites; records (issued, suspended, revoked); people (status,
        # employer); points and stations (names, categories, supervision); posts
        # and the types they require.
        senders = (
            PointAssignment,
            PointNeed,
            PointSite,
            QualificationRecord,
            Person,
            Organisation,
            Post,
            Post.required_types.through,
        )
        for signal in (post_save, post_delete):
            for sender in senders:
                signal.connect(
                    board_changed,
                    sender=sender,
                    dispatch_uid=f"points-board-{sender._meta.label}-{id(signal)}",
                )
