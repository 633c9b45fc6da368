from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import PageViewRestriction, Site
        from wagtail.signals import page_unpublished, post_page_move

        from cms.site_cache import page_changed, tree_changed

        # Receivers only start a new page-tree generation (see cms/site_cache.py).
        for signal in (post_save, post_delete):
            signal.connect(page_changed, dispatch_uid=f"tree-page-{signal}")
            for model in (Site, PageViewRestriction):
                signal.connect(
                    tree_changed, sender=model, dispatch_uid=f"tree-{model}-{signal}"
                )
        # Unpublishing and moving update pages in bulk, without post_save.
        for signal in (page_unpublished, post_page_move):
            signal.connect(tree_changed, dispatch_uid=f"tree-{signal}")
