from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _

# Models whose rows appear in cached lesson bodies besides images and documents:
# saving or deleting one changes the pages that show it (lms.core.site_cache).
BODY_MODELS = ("h5p.H5PPackage", "quizzes.Quiz")


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import PageViewRestriction, Site
        from wagtail.signals import page_unpublished, post_page_move

        from lms.core.site_cache import page_changed, tree_changed

        # Receivers only start a new page-tree generation (see lms/core/site_cache.py).
        # Cached lesson bodies hold images, documents, H5P packages and quizzes.
        tree_models = (
            Site,
            PageViewRestriction,
            get_image_model(),
            get_document_model(),
            *map(apps.get_model, BODY_MODELS),
        )
        for signal in (post_save, post_delete):
            signal.connect(page_changed, dispatch_uid=f"tree-page-{signal}")
            for model in tree_models:
                signal.connect(
                    tree_changed, sender=model, dispatch_uid=f"tree-{model}-{signal}"
                )
        # Unpublishing and moving update pages in bulk, without post_save.
        for signal in (page_unpublished, post_page_move):
            signal.connect(tree_changed, dispatch_uid=f"tree-{signal}")
