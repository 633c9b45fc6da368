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
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from lms.certs.models import Post, QualificationRecord
        from lms.core.events import records_changed
        from lms.people.models import Organisation, Person
        from lms.points import receivers
        from lms.points.models import PointAssignment, PointNeed, PointSite

        # What the board counts (lms/points/board_cache.py and count_cache.py):
        # assignments (their points); records (issued, suspended, revoked) and
        # people (status, employer): the points where they serve; points and
        # companies (names, categories, supervision): themselves and where their
        # people serve; sites: their points (a board near somewhere counts the
        # points within its radius); posts and the types they require:
        # everything; needs: the board, not the counts.
        listeners = (
            (PointAssignment, receivers.assignment_changed),
            (QualificationRecord, receivers.record_changed),
            (Person, receivers.person_changed),
            (Organisation, receivers.organisation_changed),
            (Post, receivers.post_changed),
            (PointNeed, receivers.need_changed),
            (PointSite, receivers.site_changed),
        )
        for signal in (post_save, post_delete):
            for sender, listener in listeners:
                signal.connect(
                    listener,
                    sender=sender,
                    dispatch_uid=f"points-board-{sender._meta.label}-{id(signal)}",
                )
        m2m_changed.connect(
            receivers.post_changed,
            sender=Post.required_types.through,
            dispatch_uid="points-board-post-types",
        )
        records_changed.connect(
            receivers.records_changed, dispatch_uid="points-board-records"
        )
