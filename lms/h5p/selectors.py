"""Reads for the H5P app."""

from lms.h5p.models import H5PPackage, H5PResult


def h5p_result_for(*, user, package_id, lesson_id, block_id):
    """The user's best result for one block, or None (one query)."""
    if not user.is_authenticated:
        return None
    return H5PResult.objects.filter(
        user=user, package_id=package_id, lesson_id=lesson_id, block_id=block_id
    ).first()


def h5p_package_title(content_hash):
    """The package's title (the player page's document title), or None when
    there is no such package."""
    return (
        H5PPackage.objects.filter(content_hash=content_hash)
        .values_list("title", flat=True)
        .first()
    )


def h5p_results_of(user):
    """Every H5P result of one user, newest first, with the package joined."""
    return (
        H5PResult.objects.filter(user=user)
        .select_related("package")
        .order_by("-updated_at")
    )
