"""Reads for learning: what a person has to study, how far they are, their hours.
Each function makes a fixed number of queries, whatever the number of courses."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from lms.core.hooks import first_answer
from lms.core.site_cache import TIMEOUT as CATALOGUE_URL_TIMEOUT
from lms.core.site_cache import tree_generation
from lms.courses.access import (
    assignments_for,
    classes_opening,
    in_window,
    lesson_access,
    lesson_holders,
    study_access,
    study_access_many,
)
from lms.courses.constants import (
    AccessReason,
    Audience,
    EnrolmentStatus,
    ProgressStatus,
)
from lms.courses.models import (
    Assignment,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    SeasonalClassPage,
)
from lms.people.constants import PersonKind
from lms.people.selectors import user_person

# fn(*, person, course_ids) -> {"held": [records], "toward": [types]}: what completed
# courses count toward among qualifications (lms.certs answers; lms.core.hooks).
QUALIFICATIONS_FROM_COURSES = "shouwang_qualifications_from_courses"

AUDIENCE_OF_KIND = {
    PersonKind.GUARD: Audience.GUARDS,
    PersonKind.VOLUNTEER: Audience.VOLUNTEERS,
    PersonKind.PROPERTY_SECURITY: Audience.PROPERTY_SECURITY,
}


def seasonal_classes_active(*, parent=None, person=None, at=None):
    at = at or timezone.now()
    classes = SeasonalClassPage.objects.live().filter(in_window(at))
    if parent is not None:
        classes = classes.child_of(parent)
    if person is not None and person.kind in AUDIENCE_OF_KIND:
        classes = classes.filter(
            audience__in=[Audience.EVERYONE, AUDIENCE_OF_KIND[person.kind]]
        )
    return classes.order_by("-go_live_at", "title")


def seasonal_classes_archived(*, parent=None, at=None):
    at = at or timezone.now()
    classes = SeasonalClassPage.objects.filter(Q(expired=True) | Q(expire_at__lte=at))
    if parent is not None:
        classes = classes.child_of(parent)
    return classes.order_by("-expire_at")


def _linked_ids(page):
    return page.linked_lesson_ids() if isinstance(page, SeasonalClassPage) else []


def lessons_of(pages, *, required_only=True):
    """The live lessons of courses or seasonal classes: those below them in the tree
    and those a seasonal class links. The one definition every progress figure uses."""
    in_scope = Q(pk__in=[pk for page in pages for pk in _linked_ids(page)])
    for page in pages:
        in_scope |= Q(path__startswith=page.path, depth__gt=page.depth)
    lessons = LessonPage.objects.live().filter(in_scope)
    return lessons.filter(required=True) if required_only else lessons


def lesson_ids_by_learnable(pages):
    """{learnable page id: [required lesson ids in study order]} in one query."""
    courses = [p for p in pages if isinstance(p, CoursePage | SeasonalClassPage)]
    if not courses:
        return {}
    linked = {p.pk: _linked_ids(p) for p in courses}
    lessons = list(lessons_of(courses).order_by("path").values_list("pk", "path"))
    result = {}
    for page in courses:
        own = [
            pk for pk, path in lessons if path.startswith(page.path) and pk != page.pk
        ]
        extra = [pk for pk in linked.get(page.pk, []) if pk in {p for p, _ in lessons}]
        result[page.pk] = own + [pk for pk in extra if pk not in own]
    return result


@dataclass
class LearningItem:
    page: object
    source: str
    due_date: object = None
    done: int = 0
    total: int = 0
    completed_at: object = None

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def completed(self):
        return self.completed_at is not None


@dataclass
class Learning:
    assigned: list = field(default_factory=list)
    in_progress: list = field(default_factory=list)
    completed: list = field(default_factory=list)
    seasonal: list = field(default_factory=list)
    hours_this_year: Decimal = Decimal(0)

    def __bool__(self):
        return bool(
            self.assigned or self.in_progress or self.completed or self.seasonal
        )


def learning_for(person, *, at=None):
    """The trainee's "my learning": assigned, in progress, completed, seasonal."""
    at = at or timezone.now()
    learning = Learning()
    if person is None:
        return learning
    due = {}
    for assignment in assignments_for(person).order_by("due_date"):
        due.setdefault(assignment.page_id, assignment.due_date)
    enrolments = {e.page_id: e for e in Enrolment.objects.filter(person=person)}
    seasonal = list(seasonal_classes_active(person=person, at=at))
    page_ids = set(due) | set(enrolments)
    pages = {p.pk: p for p in CoursePage.objects.live().filter(pk__in=page_ids)}
    pages.update(
        {p.pk: p for p in SeasonalClassPage.objects.live().filter(pk__in=page_ids)}
    )
    pages.update({p.pk: p for p in seasonal})
    lessons = lesson_ids_by_learnable(pages.values())
    all_lessons = {pk for ids in lessons.values() for pk in ids}
    done = set(
        LessonCompletion.objects.filter(
            person=person, lesson_id__in=all_lessons
        ).values_list("lesson_id", flat=True)
    )
    for page_id, page in pages.items():
        enrolment = enrolments.get(page_id)
        ids = lessons.get(page_id, [])
        item = LearningItem(
            page=page,
            source=enrolment.source if enrolment else "assigned",
            due_date=due.get(page_id),
            done=len([pk for pk in ids if pk in done]),
            total=len(ids),
            completed_at=enrolment.completed_at if enrolment else None,
        )
        if isinstance(page, SeasonalClassPage) and page_id not in due and not enrolment:
            learning.seasonal.append(item)
        elif item.completed:
            learning.completed.append(item)
        elif enrolment or item.done:
            learning.in_progress.append(item)
        else:
            learning.assigned.append(item)
    learning.assigned.sort(key=lambda i: (i.due_date is None, i.due_date, i.page.title))
    learning.in_progress.sort(
        key=lambda i: (i.due_date is None, i.due_date, i.page.title)
    )
    learning.completed.sort(key=lambda i: i.completed_at, reverse=True)
    learning.hours_this_year = study_hours_by_year(person).get(
        timezone.localdate().year, 0
    )
    return learning


def study_hours_by_year(person):
    """{year: hours credited}: organisations report these to the police."""
    rows = (
        Enrolment.objects.filter(person=person, status=EnrolmentStatus.COMPLETED)
        .annotate(year=ExtractYear("completed_at"))
        .values("year")
        .annotate(hours=Sum("hours_credited"))
    )
    return {row["year"]: row["hours"] for row in rows}


def learnable_overview(*, page, user):
    """For a course or seasonal class page: its lessons, the viewer's progress and
    whether it is open to them (``access``; for a closed course, ``opened_by``
    lists the seasonal classes through which some of its lessons are open, and
    each such lesson's ``opened_by`` names its class)."""
    # Every lesson is listed, optional ones too; progress counts the required ones.
    lessons = list(lessons_of([page], required_only=False).order_by("path"))
    linked = _linked_ids(page)
    if linked:
        # Linked lessons first, in the order the class lists them; its own after.
        order = {pk: n for n, pk in enumerate(linked)}
        lessons.sort(key=lambda lesson: order.get(lesson.pk, len(order)))
    required = {lesson.pk for lesson in lessons if lesson.required}
    person = user_person(user)
    done, enrolment, access, opened_by = set(), None, None, {}
    if person is not None:
        done = set(
            LessonCompletion.objects.filter(
                person=person, lesson_id__in=[lesson.pk for lesson in lessons]
            ).values_list("lesson_id", flat=True)
        )
        enrolment = Enrolment.objects.filter(person=person, page=page).first()
        access = study_access(person=person, page=page)
        if access.closed:
            opened_by = classes_opening(lessons)
    for lesson in lessons:
        # A closed course's lesson that a seasonal class opens to everyone.
        lesson.opened_by = opened_by.get(lesson.pk)
    next_lesson = next((lesson for lesson in lessons if lesson.pk not in done), None)
    return {
        "lessons": lessons,
        "done_ids": done,
        "enrolment": enrolment,
        "access": access,
        "opened_by": list(dict.fromkeys(opened_by.values())),
        "next_lesson": next_lesson if access is None or access.open else None,
        "progress_done": len(done & required),
        "progress_total": len(required),
        "person": person,
        # Enrolling is for courses open to everyone: an assigned course or a
        # running seasonal class is simply started.
        "can_enrol": access is not None
        and access.reason == AccessReason.OPEN_ENROLMENT
        and enrolment is None,
    }


CATALOGUE_URL_KEY = "shouwang:catalogue-url:{generation}:{home}"


def catalogue_url(home, *, request=None):
    """The address of the course catalogue under the home page (linked from "My
    learning"), or "" when there is none. Kept in the shared cache under the
    page-tree generation (lms.core.site_cache): the home page pays no query for it,
    and any change to the tree finds it anew."""
    key = CATALOGUE_URL_KEY.format(generation=tree_generation(request), home=home.pk)
    url = cache.get(key)
    if url is None:
        page = CourseIndexPage.objects.child_of(home).live().first()
        url = page.get_url(request) if page is not None else ""
        cache.set(key, url, CATALOGUE_URL_TIMEOUT)
    return url


def catalogue_for(*, index, user):
    """The catalogue's courses, each with ``access``: whether it is open to the
    viewer (None for a visitor who is not signed in). A fixed number of queries."""
    courses = list(CoursePage.objects.child_of(index).live().select_related("cover"))
    person = user_person(user) if user.is_authenticated else None
    access = study_access_many(person=person, pages=courses) if person else {}
    for course in courses:
        course.access = access.get(course.pk)
    return courses


def lessons_done_of(*, person, page):
    """(required lessons done, required lessons) of a course or seasonal class, in
    one query."""
    from django.db.models import Count, Exists, OuterRef

    counts = lessons_of([page]).aggregate(
        total=Count("pk", distinct=True),
        done=Count(
            "pk",
            distinct=True,
            filter=Q(
                Exists(
                    LessonCompletion.objects.filter(
                        person=person, lesson_id=OuterRef("pk")
                    )
                )
            ),
        ),
    )
    return counts["done"], counts["total"]


# Courses and seasonal classes sit at depth 4 (root, home, catalogue, course); the
# page types' parent rules guarantee it, so a lesson's course is a prefix of its path.
LEARNABLE_DEPTH = 4


def lesson_outline(lesson):
    """The course (or seasonal class) above a lesson and the next live lesson in
    study (tree) order, crossing module boundaries: one query, the same for every
    visitor, so a lesson served from ``lesson_cache`` brings it along."""
    cached = lesson.__dict__.get("_cached_outline")
    if cached is not None:
        return cached
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    course_path = lesson.path[: Page.steplen * LEARNABLE_DEPTH]
    rows = (
        list(
            Page.objects.live()
            .filter(
                Q(path=course_path)
                | Q(
                    path__startswith=course_path,
                    path__gt=lesson.path,
                    content_type=ContentType.objects.get_for_model(LessonPage),
                )
            )
            .only("id", "title", "url_path", "path", "depth", "live", "locale_id")
            .order_by("path")[:2]
        )
        if lesson.depth > LEARNABLE_DEPTH
        else []
    )
    following = [row for row in rows if row.path > lesson.path]
    return {
        "course": rows[0] if rows and rows[0].path == course_path else None,
        "next_lesson": following[0] if following else None,
    }


def lesson_state(*, lesson, user):
    """For a lesson page: is it done and what it earned, is it open to the trainee
    (``access``, asked only while it is not done), what is still needed, the
    course and the next lesson. The outline usually comes from the cache; what is
    personal costs one query for the completion, a few for the access or what was
    earned, and one per kind of activity in the lesson."""
    person = user_person(user)
    completed = (
        person is not None
        and LessonCompletion.objects.filter(person=person, lesson_id=lesson.pk).exists()
    )
    access = None
    if person is not None and not completed:
        access = lesson_access(person=person, lesson=lesson, detailed=False)
    results = activity_results(lesson=lesson, user=user)
    missing = []
    if access is not None and access.open:
        missing = missing_activities(lesson=lesson, results=results)
    return {
        "person": person,
        "lesson_completed": completed,
        "access": access,
        # Read by the activity blocks: no exercise is offered that cannot count.
        "activities_closed": access is not None and not access.open,
        "missing_activities": missing,
        "earned": lesson_earned(person=person, lesson=lesson) if completed else None,
        "h5p_results": results["h5p"],
        "quizzes_passed": results["quizzes"],
        **lesson_outline(lesson),
    }


def lesson_earned(*, person, lesson):
    """What a trainee has earned with a completed lesson, for the lesson page, its
    progress panel and the quiz result: the courses and classes holding it that
    are now completed (with the hours credited) and what those count toward among
    qualifications. One query, three when a course is completed."""
    if person is None:
        return {"completed": [], "held": [], "toward": []}
    holders = {page.pk: page for page in lesson_holders(lesson)}
    completed = list(
        Enrolment.objects.filter(
            person=person, page_id__in=list(holders), status=EnrolmentStatus.COMPLETED
        ).order_by("completed_at")
    )
    for enrolment in completed:
        enrolment.learnable = holders[enrolment.page_id]
    return {
        "completed": completed,
        **(
            first_answer(
                QUALIFICATIONS_FROM_COURSES,
                person=person,
                course_ids=[e.page_id for e in completed],
            )
            or {"held": [], "toward": []}
        ),
    }


def lesson_holding_quiz(*, lesson_id, quiz):
    """The live lesson ``lesson_id`` if its body really holds ``quiz`` (a quiz page
    opened from a lesson, ``lms.quizzes.lessons``)."""
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None:
        return None
    holds = any(
        block.get("type") == "quiz"
        and (block.get("value") or {}).get("quiz") == quiz.pk
        for block in lesson.body.raw_data
    )
    return lesson if holds else None


def lesson_summary(*, person, lesson_id):
    """For a page that leads back to a lesson (a quiz result): the live lesson,
    whether the trainee has completed it and what it earned; None when the lesson
    is gone."""
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None:
        return None
    completed = LessonCompletion.objects.filter(
        person=person, lesson_id=lesson.pk
    ).exists()
    return {
        "lesson": lesson,
        "lesson_completed": completed,
        "earned": lesson_earned(person=person, lesson=lesson) if completed else None,
    }


def activity_results(*, lesson, user):
    """{"h5p": {block id: H5PResult}, "quizzes": {ids of quizzes passed}} for the
    user in this lesson: one query per kind of activity the lesson holds, none for
    a lesson without activities or a visitor who is not signed in."""
    results = {"h5p": {}, "quizzes": set()}
    if not user.is_authenticated:
        return results
    blocks = [b for b in lesson.body.raw_data if b.get("type") in ("h5p", "quiz")]
    if any(block["type"] == "h5p" for block in blocks):
        from lms.h5p.models import H5PResult

        results["h5p"] = {
            result.block_id: result
            for result in H5PResult.objects.filter(user=user, lesson_id=lesson.pk)
        }
    quiz_ids = {(b.get("value") or {}).get("quiz") for b in blocks} - {None}
    person = user_person(user)
    if quiz_ids and person is not None:
        from lms.quizzes.selectors import quizzes_passed

        results["quizzes"] = quizzes_passed(person=person, quiz_ids=quiz_ids)
    return results


def missing_activities(*, lesson, results):
    """Block ids of the required activities not passed yet, given ``results``."""
    missing = []
    for block_id, (block_type, value) in lesson.required_activities().items():
        if block_type == "quiz":
            passed = value.get("quiz") in results["quizzes"]
        else:
            result = results["h5p"].get(block_id)
            passed = bool(result and result.passed)
        if not passed:
            missing.append(block_id)
    return missing


def activities_not_passed(*, lesson, user):
    if not lesson.required_activities():
        return []
    results = activity_results(lesson=lesson, user=user)
    return missing_activities(lesson=lesson, results=results)


def _due_dates(assignments, people):
    """{person id: the earliest due date of the assignments that reach them}, from
    assignments already loaded: a person is reached through their organisation or
    their team, and the stricter date is the one that counts."""
    by_organisation, by_team = {}, {}
    for assignment in assignments:
        if assignment.due_date is None:
            continue
        if assignment.organisation_id:
            by_organisation.setdefault(assignment.organisation_id, []).append(
                assignment.due_date
            )
        else:
            by_team.setdefault(assignment.team_id, []).append(assignment.due_date)
    due = {}
    for person in people:
        dates = by_organisation.get(person.organisation_id, []) + by_team.get(
            person.team_id, []
        )
        if dates:
            due[person.pk] = min(dates)
    return due


def progress_report(*, page, people, today=None):
    """For the instructor's report: every person of ``people`` the course concerns
    (assigned to their organisation or team, enrolled, or with a lesson done),
    whether they started or not, with lessons done, due date, status and whether
    they are overdue. A fixed number of queries, and it never loads everyone an
    instructor may see."""
    today = today or timezone.localdate()
    lesson_ids = lesson_ids_by_learnable([page]).get(page.pk, [])
    assignments = list(Assignment.objects.filter(page=page))
    concerned = (
        Q(enrolments__page=page)
        | Q(lesson_completions__lesson_id__in=lesson_ids)
        | Q(
            organisation__in=[
                a.organisation_id for a in assignments if a.organisation_id
            ]
        )
        | Q(team__in=[a.team_id for a in assignments if a.team_id])
    )
    people = list(
        people.filter(pk__in=people.model.objects.filter(concerned).values("pk"))
        .select_related("organisation", "team")
        .order_by("organisation__code", "name", "pk")
    )
    ids = [p.pk for p in people]
    done = defaultdict(int)
    for person_id in LessonCompletion.objects.filter(
        person_id__in=ids, lesson_id__in=lesson_ids
    ).values_list("person_id", flat=True):
        done[person_id] += 1
    enrolments = {
        e.person_id: e for e in Enrolment.objects.filter(person_id__in=ids, page=page)
    }
    due_dates = _due_dates(assignments, people)
    rows = []
    for person in people:
        enrolment = enrolments.get(person.pk)
        completed_at = enrolment.completed_at if enrolment else None
        if completed_at:
            status = ProgressStatus.COMPLETED
        elif done[person.pk] or enrolment:
            status = ProgressStatus.IN_PROGRESS
        else:
            status = ProgressStatus.NOT_STARTED
        due_date = due_dates.get(person.pk)
        rows.append(
            {
                "person": person,
                "done": done[person.pk],
                "total": len(lesson_ids),
                "enrolment": enrolment,
                "completed_at": completed_at,
                "due_date": due_date,
                "status": status,
                "overdue": bool(due_date and not completed_at and due_date < today),
            }
        )
    return rows


def _assignments_within(user, organisations):
    from lms.people.selectors import sees_everyone

    assignments = Assignment.objects.select_related("page", "organisation", "team")
    if sees_everyone(user):
        return assignments
    ids = organisations.values("pk")
    return assignments.filter(Q(organisation__in=ids) | Q(team__organisation__in=ids))


def assignments_visible_to(user):
    from lms.people.selectors import organisations_visible_to

    return _assignments_within(user, organisations_visible_to(user))


def assignments_managed_by(user):
    from lms.people.selectors import organisations_managed_by

    return _assignments_within(user, organisations_managed_by(user))
