"""Lessons by URL path, with what every visitor of them needs, from the cache.

A lesson page is the page trainees open most. Finding it, its view restrictions,
its course and the next lesson is the same for every visitor and changes only when
an editor changes the tree, so the whole lot is cached under the current page-tree
generation (``cms.site_cache``): a publish, unpublish, move, delete or privacy change
anywhere starts a new generation and the next visit rebuilds the entry. What is
personal (completion, H5P results) is never cached here.
"""

import hashlib

from django.core.cache import cache

from cms.site_cache import tree_generation
from lms.courses import selectors
from lms.courses.models import LessonPage

TIMEOUT = 60 * 60
NOT_A_LESSON = "-"


def _key(generation, url_path):
    digest = hashlib.sha1(url_path.encode(), usedforsecurity=False).hexdigest()
    return f"shouwang:lesson:{generation}:{digest}"


def lesson_at(url_path, *, request=None):
    """The LessonPage (live or not) whose URL path is ``url_path``, or None."""
    key = _key(tree_generation(request), url_path)
    entry = cache.get(key)
    if entry is not None:
        return None if entry == NOT_A_LESSON else entry
    lesson = LessonPage.objects.filter(url_path=url_path).first()
    if lesson is not None:
        restrictions = lesson.get_view_restrictions()
        len(restrictions)  # evaluate: the results travel with the pickled queryset
        lesson._cached_view_restrictions = restrictions
        lesson._cached_outline = selectors.lesson_outline(lesson)
    cache.set(key, lesson if lesson is not None else NOT_A_LESSON, TIMEOUT)
    return lesson
