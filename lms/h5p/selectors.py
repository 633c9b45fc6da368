"""Reads for the H5P app."""

from django.core.cache import cache

from lms.h5p.models import H5PPackage, H5PResult

PACKAGE_KEY = "shouwang:h5p-package:{}"
PACKAGE_TIMEOUT = 24 * 60 * 60


def h5p_packages_in_bulk(ids):
    """{id: H5PPackage} from the cache, the rest from the database. A package's
    files never change (it is stored by content hash), so every lesson that shows
    it can skip the query; ``h5p_package_forget`` runs when its row changes."""
    ids = {pk for pk in ids if pk is not None}
    found = {
        int(key.rsplit(":", 1)[1]): package
        for key, package in cache.get_many(
            [PACKAGE_KEY.format(pk) for pk in ids]
        ).items()
    }
    missing = ids - found.keys()
    if missing:
        loaded = H5PPackage.objects.in_bulk(missing)
        cache.set_many(
            {PACKAGE_KEY.format(pk): package for pk, package in loaded.items()},
            PACKAGE_TIMEOUT,
        )
        found.update(loaded)
    return found


def h5p_package_forget(sender, instance, **kwargs):
    cache.delete(PACKAGE_KEY.format(instance.pk))


def h5p_result_for(*, user, package_id, lesson_id, block_id):
    """The user's best result for one block, or None (one query)."""
    if not user.is_authenticated:
        return None
    return H5PResult.objects.filter(
        user=user, package_id=package_id, lesson_id=lesson_id, block_id=block_id
    ).first()


def h5p_package_exists(content_hash):
    return H5PPackage.objects.filter(content_hash=content_hash).exists()


def h5p_results_of(user):
    """Every H5P result of one user, newest first, with the package joined."""
    return (
        H5PResult.objects.filter(user=user)
        .select_related("package")
        .order_by("-updated_at")
    )
