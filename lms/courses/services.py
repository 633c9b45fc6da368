"""Writes for learning: assignment, enrolment, lesson and course completion."""

import contextlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from lms.core import events
from lms.courses import access, selectors
from lms.courses.constants import (
    AccessReason,
    CourseAuditAction,
    EnrolmentSource,
    EnrolmentStatus,
)
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
    """One enrolment per person and course, however often or concurrently asked:
    get_or_create retries the read when a concurrent insert wins the constraint."""
    enrolment, _created = Enrolment.objects.get_or_create(
        person=person, page=page, defaults={"source": source}
    )
    return enrolment


def course_enrol(*, person, page):
    if not access.study_access(person=person, page=page).open:
        raise PermissionDenied(_("This course is not open; ask your organisation."))
    return enrolment_ensure(person=person, page=page)


def lesson_complete(*, person, lesson, activities_checked=False):
    """Mark a lesson done (idempotent), then complete every course or seasonal class
    of the person's whose required lessons are now all done.

    It runs once per lesson and trainee, often inside the H5P scoring transaction, so
    it is written for few queries: checks first (they raise before anything is
    written; whether the lesson is open is asked of ``access``, as every page
    does, which reads the enrolments once and the assignments only when needed),
    the completion one INSERT that ignores a duplicate, and the course completed
    by one conditional UPDATE that only one of two concurrent requests can win."""
    learnables = access.lesson_access(person=person, lesson=lesson).learnables
    if not learnables:
        raise PermissionDenied(_("This lesson is not part of a course you may study."))
    if (
        not activities_checked
        and person.user_id
        and selectors.activities_not_passed(lesson=lesson, user=person.user)
    ):
        raise ValidationError(_("Pass the exercises in this lesson first."))
    LessonCompletion.objects.bulk_create(
        [LessonCompletion(person=person, lesson=lesson)], ignore_conflicts=True
    )
    for learnable in learnables:
        page, enrolment = learnable.via, learnable.enrolment
        if enrolment is None:
            source = (
                EnrolmentSource.ASSIGNED
                if learnable.reason == AccessReason.ASSIGNED
                else EnrolmentSource.SELF
            )
            enrolment = enrolment_ensure(person=person, page=page, source=source)
        _complete_if_done(enrolment=enrolment, person=person, page=page)


def _complete_if_done(*, enrolment, person, page):
    if enrolment.status == EnrolmentStatus.COMPLETED:
        return
    done, total = selectors.lessons_done_of(person=person, page=page)
    if not total or done < total:
        return
    now = timezone.now()
    won = Enrolment.objects.filter(
        pk=enrolment.pk, status=EnrolmentStatus.IN_PROGRESS
    ).update(
        status=EnrolmentStatus.COMPLETED,
        completed_at=now,
        hours_credited=page.study_hours,
    )
    if won:  # the hours are credited and logged once, whoever else raced us
        enrolment.status = EnrolmentStatus.COMPLETED
        enrolment.completed_at = now
        enrolment.hours_credited = page.study_hours
        log(
            enrolment,
            CourseAuditAction.COMPLETE,
            user=person.user,
            title=f"{person.name} · {page.title}",  # no queries to build the label
            data={"person": person.pk, "hours": str(page.study_hours)},
        )
        events.result_announce(sender="courses", person_ids=[person.pk])


def lesson_activity_passed(*, user, lesson_id, block_id=None):
    """An activity was passed (``lms.core.events.activity_passed``, announced by the
    H5P and quiz apps): completes the
    lesson once nothing else in it is missing. ``block_id``, when known, is the
    block just passed, so a lesson with no other activity needs no check."""
    person = user_person(user)
    lesson = LessonPage.objects.filter(pk=lesson_id).first()
    if person is None or lesson is None:
        return
    others = [b for b in lesson.required_activity_ids() if b != str(block_id)]
    if others and selectors.activities_not_passed(lesson=lesson, user=user):
        return
    # Not studying this course (or something else still missing): the result is
    # kept, and the lesson completes when the trainee comes back to it.
    with contextlib.suppress(PermissionDenied, ValidationError):
        lesson_complete(person=person, lesson=lesson, activities_checked=True)
