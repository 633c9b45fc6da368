"""Lessons by URL path, with what every visitor of them needs, from the cache.

A lesson page is the page trainees open most. Finding it, its view restrictions,
its course, the next lesson, the courses and classes that hold it (whether it is
open to a trainee is decided from them) and the HTML of its body are the same for
every visitor and change only when an editor changes the tree, so they are cached
under the current page-tree generation (``lms.core.site_cache``): a publish,
unpublish, move, delete or privacy change anywhere starts a new generation and the
next visit rebuilds the entries. What is personal (completion, H5P and quiz blocks)
is never cached as HTML: those blocks are kept as values and rendered for each visitor.
"""

import hashlib

from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import mark_safe
from wagtail.blocks import StructValue

from lms.core.site_cache import tree_generation
from lms.courses import access, selectors, sharing
from lms.courses.models import LessonPage

TIMEOUT = 60 * 60
NOT_A_LESSON = "-"
# Blocks whose HTML depends on who is looking (tokens, results, buttons).
PERSONAL_BLOCKS = frozenset({"h5p", "quiz"})


def _keys(generation, url_path):
    digest = hashlib.sha1(url_path.encode(), usedforsecurity=False).hexdigest()
    language = translation.get_language()
    return (
        f"shouwang:lesson:{generation}:{digest}",
        f"shouwang:lesson-body:{generation}:{digest}:{language}",
    )


def lesson_at(url_path, *, request=None):
    """The LessonPage (live or not) whose URL path is ``url_path``, or None; one
    cache round trip brings the page and its body's HTML for this language."""
    page_key, body_key = _keys(tree_generation(request), url_path)
    found = cache.get_many([page_key, body_key])
    lesson = found.get(page_key)
    if lesson is None:
        lesson = LessonPage.objects.filter(url_path=url_path).first()
        if lesson is not None:
            # A list, not the queryset: it unpickles faster, and serving only
            # iterates over it (wagtail_hooks.check_view_restrictions).
            lesson._cached_view_restrictions = list(lesson.get_view_restrictions())
            lesson._cached_outline = selectors.lesson_outline(lesson)
            lesson._cached_holders = access.lesson_holders(lesson)
            lesson._cached_share_image = sharing.share_image_path(lesson)
        cache.set(page_key, lesson if lesson is not None else NOT_A_LESSON, TIMEOUT)
    if lesson == NOT_A_LESSON or lesson is None:
        return None
    lesson._body_cache_key = body_key
    lesson._cached_body_parts = found.get(body_key)
    return lesson


def _body_parts(lesson):
    """The body as HTML strings for blocks that look the same to everyone and
    (block type, block id, value as a dict) for personal ones."""
    parts = []
    for block in lesson.body:
        if block.block_type in PERSONAL_BLOCKS:
            parts.append((block.block_type, block.id, dict(block.value)))
        elif parts and isinstance(parts[-1], str):
            parts[-1] += block.render()
        else:
            parts.append(str(block.render()))
    return parts


def body_html(lesson, context):
    """The lesson body for this visitor: cached HTML around personal blocks that are
    rendered now with the page's context dict (request, page, results)."""
    parts = lesson.__dict__.get("_cached_body_parts")
    if parts is None:
        parts = _body_parts(lesson)
        key = lesson.__dict__.get("_body_cache_key")
        if key is not None:  # served by lesson_at, not a preview of a draft
            cache.set(key, parts, TIMEOUT)
    child_blocks = LessonPage.body.field.stream_block.child_blocks
    html = []
    for part in parts:
        if isinstance(part, str):
            html.append(part)
            continue
        block_type, block_id, value = part
        block = child_blocks[block_type]
        html.append(
            block.render(
                StructValue(block, list(value.items())),
                context={**context, "block_id": block_id},
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - rendered by the blocks' templates
