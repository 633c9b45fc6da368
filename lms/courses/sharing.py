"""Open Graph tags for lessons and seasonal classes, so that a link shared into a
WeChat group (or any chat that reads them) shows a card: title, summary, picture.

Every address is absolute, as crawlers need. The picture is a rendition of the
page's own picture (a lesson's first image block, else its course's or class's
cover; a class's cover), else the site's default card picture. For a lesson the
rendition's address is worked out once, when ``lms.courses.lesson_cache`` builds
its entry, so a warm lesson view still makes no query for it.
"""

from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.text import Truncator

from lms.courses.models import LessonPage

# A 1.91:1 picture, the shape chat apps and Open Graph readers crop to.
SHARE_RENDITION = "fill-1200x630"
DEFAULT_IMAGE = "img/og-share.png"
DESCRIPTION_WORDS = 120  # characters: Chinese has no spaces to cut at


def _first_image_id(lesson):
    # raw_data: the block's stored value, without loading every image of the body.
    for block in lesson.body.raw_data:
        if block.get("type") == "image":
            image_id = (block.get("value") or {}).get("image")
            if image_id:
                return image_id
    return None


def _lesson_image(lesson):
    from wagtail.images import get_image_model

    from lms.courses.selectors import lesson_outline

    image_id = _first_image_id(lesson)
    if image_id:
        image = get_image_model().objects.filter(pk=image_id).first()
        if image is not None:
            return image
    course = lesson_outline(lesson)["course"]
    return getattr(course.specific_deferred, "cover", None) if course else None


def share_image_path(page):
    """The address (site-relative, or absolute for remote storage) of the picture
    for ``page``'s card, or "" for none of its own."""
    cached = page.__dict__.get("_cached_share_image")
    if cached is not None:
        return cached
    if isinstance(page, LessonPage):
        image = _lesson_image(page)
    else:
        image = getattr(page, "cover", None)
    return image.get_rendition(SHARE_RENDITION).url if image is not None else ""


def _description(page):
    text = page.search_description or getattr(page, "summary", "")
    if not text and isinstance(page, LessonPage):
        for block in page.body.raw_data:
            if block.get("type") == "paragraph" and block.get("value"):
                text = strip_tags(block["value"])
                break
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_WORDS)


def open_graph(page, request):
    """The Open Graph properties of ``page`` as seen at ``request``'s address."""
    image = share_image_path(page) or static(DEFAULT_IMAGE)
    return {
        "title": page.seo_title or page.title,
        "description": _description(page),
        "image": request.build_absolute_uri(image),
        "url": request.build_absolute_uri(request.path),
    }
