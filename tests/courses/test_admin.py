import io

import openpyxl
import pytest
from django.urls import reverse

from lms.courses import services
from lms.courses.models import Assignment


def test_progress_report_by_organisation_and_export(client_for, world, course):
    services.lesson_complete(person=world.trainee, lesson=course.lessons_in_order[0])
    client = client_for(world.instructor.user)
    page = client.get(reverse("course_progress"), {"page": course.pk}).content.decode()
    assert world.trainee.name in page and "1 / 3" in page
    response = client.get(
        reverse("course_progress"), {"page": course.pk, "format": "xlsx"}
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "姓名"
    assert any(row[0] == world.trainee.name and row[3] == 1 for row in rows[1:])


def test_progress_report_is_scoped(client_for, world, course):
    services.lesson_complete(person=world.outsider, lesson=course.lessons_in_order[0])
    page = (
        client_for(world.org_admin.user)
        .get(reverse("course_progress"), {"page": course.pk})
        .content.decode()
    )
    assert world.outsider.name not in page


def test_progress_report_closed_to_trainees(client_for, world):
    assert client_for(world.trainee.user).get(
        reverse("course_progress")
    ).status_code in (
        302,
        403,
    )


def test_org_admin_assigns_through_the_admin_only_to_their_organisation(
    client_for, world, course
):
    client = client_for(world.org_admin.user)
    url = reverse("assignments:add")
    client.post(url, {"page": course.pk, "organisation": world.other_company.pk})
    assert not Assignment.objects.exists()
    response = client.post(
        url,
        {"page": course.pk, "organisation": world.company.pk, "due_date": "2026-12-31"},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.assigned_by == world.org_admin.user


@pytest.mark.django_db
def test_pages_people_studied_cannot_be_deleted(client_for, world, course):
    lesson = course.lessons_in_order[0]
    services.lesson_complete(person=world.trainee, lesson=lesson)
    client = client_for(world.site_admin.user)
    response = client.post(reverse("wagtailadmin_pages:delete", args=[lesson.pk]))
    assert response.status_code == 302
    assert type(lesson).objects.filter(pk=lesson.pk).exists()


def test_progress_report_lists_only_the_people_the_course_concerns(
    client_for, world, course
):
    services.assignment_create(
        page=course, organisation=world.point, actor=world.instructor.user
    )
    services.lesson_complete(person=world.trainee, lesson=course.lessons_in_order[0])
    page = (
        client_for(world.instructor.user)
        .get(reverse("course_progress"), {"page": course.pk})
        .content.decode()
    )
    assert world.point.name in page  # assigned, not started: counted in the summary
    assert world.trainee.name in page  # started on their own
    assert world.outsider.name not in page
    assert world.other_company.name not in page  # nobody there is concerned
