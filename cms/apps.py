from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from cms.site_cache import sites_cache_clear, sites_cache_clear_for_root

        # Receivers only clear the cached Site lookup (see cms/site_cache.py).
        for signal in (post_save, post_delete):
            signal.connect(
                sites_cache_clear, sender=Site, dispatch_uid=f"site-{signal}"
            )
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(sites_cache_clear_for_root, dispatch_uid=f"root-{signal}")
