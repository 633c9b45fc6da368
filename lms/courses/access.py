"""Who may study what: the one place that decides whether a course, a seasonal
class or a lesson is open to a trainee.

The catalogue, the course and class pages, the lesson page and the completion
service all ask here, so a trainee is told before starting what the server will
accept at the end (a course that looked open and refused the completion was the
bug this module ends). A course is open to a trainee who is enrolled in it, whose
organisation or team it is assigned to, or to everyone when its enrolment is
open; a seasonal class is open to everyone inside its window; a lesson is open
through any course or class that holds it (or, for a class, links it) and is open.

Each function makes a fixed number of queries, whatever the number of pages.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from lms.courses.constants import AccessReason
from lms.courses.models import (
    Assignment,
    CoursePage,
    Enrolment,
    SeasonalClassPage,
)

OPEN_REASONS = frozenset(
    {
        AccessReason.ENROLLED,
        AccessReason.ASSIGNED,
        AccessReason.OPEN_ENROLMENT,
        AccessReason.SEASONAL_CLASS,
    }
)


@dataclass(frozen=True)
class StudyAccess:
    """Whether a page is open to a trainee, and why. ``via`` is the course or class
    itself, or for a lesson the one that opens it (when none does, the course the
    lesson belongs to); ``enrolment`` the trainee's enrolment in it, if any. For a
    lesson, ``learnables`` holds the access to every open course or class that
    holds it: completing the lesson counts toward each of them."""

    reason: str
    via: object = None
    enrolment: object = None
    learnables: list = field(default_factory=list)

    @property
    def open(self):
        return self.reason in OPEN_REASONS

    @property
    def closed(self):
        return self.reason == AccessReason.CLOSED

    @property
    def label(self):
        return AccessReason(self.reason).label

    @property
    def seasonal(self):
        """Whether ``via`` is a seasonal class (which has no one to ask: it opens
        and closes by its dates)."""
        return isinstance(self.via, SeasonalClassPage)


def in_window(at):
    """A seasonal class inside its scheduled window, even before
    ``publish_scheduled`` has run."""
    return (Q(go_live_at__isnull=True) | Q(go_live_at__lte=at)) & (
        Q(expire_at__isnull=True) | Q(expire_at__gt=at)
    )


def _class_in_window(page, at):
    started = page.go_live_at is None or page.go_live_at <= at
    ended = page.expire_at is not None and page.expire_at <= at
    return started and not ended


def assignments_for(person):
    scope = Q(organisation_id=person.organisation_id)
    if person.team_id:
        scope |= Q(team_id=person.team_id)
    return Assignment.objects.filter(scope)


def study_access_many(*, person, pages, at=None):
    """{page id: StudyAccess} for courses and seasonal classes: two queries at most
    (the person's enrolments among them, then their assignments to the others)."""
    at = at or timezone.now()
    pages = list(pages)
    if person is None:
        return {page.pk: StudyAccess(AccessReason.NO_PROFILE) for page in pages}
    enrolments = {
        enrolment.page_id: enrolment
        for enrolment in Enrolment.objects.filter(
            person=person, page_id__in=[page.pk for page in pages]
        )
    }
    found, undecided = {}, []
    for page in pages:
        if page.pk in enrolments:
            found[page.pk] = StudyAccess(
                AccessReason.ENROLLED, via=page, enrolment=enrolments[page.pk]
            )
        else:
            undecided.append(page)
    assigned = set()
    if undecided:
        # Asked even of open pages: an assignment also sets a due date and makes
        # the enrolment "assigned" rather than "self".
        assigned = set(
            assignments_for(person)
            .filter(page_id__in=[page.pk for page in undecided])
            .values_list("page_id", flat=True)
        )
    for page in undecided:
        if page.pk in assigned:
            reason = AccessReason.ASSIGNED
        else:
            reason = _open_to_everyone(page, at) or AccessReason.CLOSED
        found[page.pk] = StudyAccess(reason, via=page)
    return found


def study_access(*, person, page, at=None):
    return study_access_many(person=person, pages=[page], at=at)[page.pk]


def lesson_holders(lesson):
    """The live course above a lesson and the live seasonal classes that hold or
    link it, whatever their window: the same for every visitor, so a lesson served
    from ``lesson_cache`` brings them along. Seasonal classes are few, so they are
    checked in Python (one query) rather than by searching StreamField JSON, whose
    text form differs between databases."""
    cached = lesson.__dict__.get("_cached_holders")
    if cached is not None:
        return cached
    found = list(CoursePage.objects.live().ancestor_of(lesson))
    found += [
        page
        for page in SeasonalClassPage.objects.live()
        if lesson.pk in page.linked_lesson_ids() or lesson.is_descendant_of(page)
    ]
    return found


def _open_to_everyone(page, at):
    """The reason anyone may study the page now, or None."""
    if isinstance(page, SeasonalClassPage):
        return AccessReason.SEASONAL_CLASS if _class_in_window(page, at) else None
    return AccessReason.OPEN_ENROLMENT if page.open_enrolment else None


def learnables_of_lesson(lesson, *, at=None):
    """The course above a lesson and the seasonal classes in their window that hold
    or link it."""
    at = at or timezone.now()
    return [
        page
        for page in lesson_holders(lesson)
        if not isinstance(page, SeasonalClassPage) or _class_in_window(page, at)
    ]


def lesson_access(*, person, lesson, at=None, detailed=True):
    """Whether a lesson is open to a trainee: open through every course or class
    that holds it and is open to them (a lesson a course shares with a seasonal
    class stays open through the class). Two queries at most, the holders coming
    from the cache or two more.

    ``detailed=False`` is for pages, which need only the answer: a lesson that a
    course or class opens to everyone is then open without asking about the
    trainee's enrolments and assignments. The answer is the same either way; the
    completion service asks for the details (which enrolments exist, which are
    assigned) that it records."""
    at = at or timezone.now()
    candidates = learnables_of_lesson(lesson, at=at)
    if person is None:
        return StudyAccess(AccessReason.NO_PROFILE)
    if not detailed:
        for page in candidates:
            if reason := _open_to_everyone(page, at):
                return StudyAccess(reason, via=page)
    access = study_access_many(person=person, pages=candidates, at=at)
    learnables = [access[page.pk] for page in candidates if access[page.pk].open]
    if learnables:
        first = learnables[0]
        return StudyAccess(first.reason, via=first.via, learnables=learnables)
    return StudyAccess(AccessReason.CLOSED, via=candidates[0] if candidates else None)


def classes_opening(lessons, *, at=None):
    """{lesson id: seasonal class} for the lessons a seasonal class in its window
    links: a closed course's lessons that are open to everyone through a class.
    One query."""
    at = at or timezone.now()
    ids = {lesson.pk for lesson in lessons}
    opening = {}
    for page in SeasonalClassPage.objects.live().filter(in_window(at)):
        for pk in page.linked_lesson_ids():
            if pk in ids:
                opening.setdefault(pk, page)
    return opening
