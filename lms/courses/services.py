"""Writes for learning: assignment, enrolment, lesson and course completion."""

import contextlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page

from lms.courses import selectors
from lms.courses.constants import CourseAuditAction, EnrolmentSource, EnrolmentStatus
from lms.courses.models import Assignment, Enrolment, LessonCompletion, LessonPage
from lms.people.selectors import organisations_managed_by, sees_everyone, user_person


def assignment_create(*, page, actor, organisation=None, team=None, due_date=None):
    """Give a course or seasonal class to an organisation or a team. Instructors may
    assign anywhere; organisation admins within their organisation."""
    target = team.organisation if team else organisation
    if target is None or (organisation and team):
        raise ValidationError(_("Choose either an organisation or a team."))
    allowed = (
        sees_everyone(actor)
        or organisations_managed_by(actor).filter(pk=target.pk).exists()
    )
    if not allowed:
        raise PermissionDenied(_("You may not assign courses to this organisation."))
    with transaction.atomic():
        assignment, created = Assignment.objects.get_or_create(
            page=page,
            organisation=None if team else organisation,
            team=team,
            defaults={"due_date": due_date, "assigned_by": actor},
        )
        if not created and assignment.due_date != due_date:
            assignment.due_date = due_date
            assignment.save(update_fields=["due_date"])
        log(
            assignment,
            CourseAuditAction.ASSIGN,
            user=actor,
            data={
                "organisation": getattr(organisation, "pk", None),
                "team": getattr(team, "pk", None),
                "due_date": due_date.isoformat() if due_date else None,
            },
        )
    return assignment


def enrolment_ensure(*, person, page, source=EnrolmentSource.SELF):
    """One enrolment per person and course, however often or concurrently asked."""
    try:
        with transaction.atomic():
            enrolment, _created = Enrolment.objects.get_or_create(
                person=person, page=page, defaults={"source": source}
            )
    except IntegrityError:  # a concurrent request made it first
        enrolment = Enrolment.objects.get(person=person, page=page)
    return enrolment


def course_enrol(*, person, page):
    if not selectors.can_study(person, page):
        raise PermissionDenied(_("This course is not open; ask your organisation."))
    return enrolment_ensure(person=person, page=page)


def lesson_complete(*, person, lesson):
    """Mark a lesson done (idempotent), then complete every course or seasonal class
    of the person's whose required lessons are now all done."""
    learnables = [
        page
        for page in selectors.learnables_of_lesson(lesson)
        if selectors.can_study(person, page)
    ]
    if not learnables:
        raise PermissionDenied(_("This lesson is not part of a course you may study."))
    if person.user_id and selectors.activities_not_passed(
        lesson=lesson, user=person.user
    ):
        raise ValidationError(_("Pass the exercises in this lesson first."))
    try:
        with transaction.atomic():
            LessonCompletion.objects.get_or_create(person=person, lesson=lesson)
    except IntegrityError:
        pass
    assigned = set(selectors.assignments_for(person).values_list("page_id", flat=True))
    for page in learnables:
        source = (
            EnrolmentSource.ASSIGNED if page.pk in assigned else EnrolmentSource.SELF
        )
        enrolment_ensure(person=person, page=page, source=source)
        enrolment_refresh(person=person, page=page)


def enrolment_refresh(*, person, page):
    """Complete the enrolment when every required lesson is done, and credit the
    study hours once."""
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(person=person, page=page)
        if enrolment.status == EnrolmentStatus.COMPLETED:
            return enrolment
        required = selectors.lesson_ids_by_learnable([page]).get(page.pk, [])
        done = LessonCompletion.objects.filter(
            person=person, lesson_id__in=required
        ).count()
        if required and done == len(required):
            enrolment.status = EnrolmentStatus.COMPLETED
            enrolment.completed_at = timezone.now()
            enrolment.hours_credited = page.study_hours
            enrolment.save(update_fields=["status", "completed_at", "hours_credited"])
            log(
                enrolment,
                CourseAuditAction.COMPLETE,
                user=person.user,
                data={"person": person.pk, "hours": str(page.study_hours)},
            )
    return enrolment


def lesson_activity_passed(*, user, lesson_id, block_id):
    """Called by the H5P app when a required activity is first passed: completes the
    lesson once nothing else in it is missing."""
    person = user_person(user)
    lesson = Page.objects.type(LessonPage).filter(pk=lesson_id).specific().first()
    if person is None or lesson is None:
        return
    if selectors.activities_not_passed(lesson=lesson, user=user):
        return
    # Not studying this course (or something else still missing): the H5P result
    # is kept, and the lesson completes when the trainee comes back to it.
    with contextlib.suppress(PermissionDenied, ValidationError):
        lesson_complete(person=person, lesson=lesson)
