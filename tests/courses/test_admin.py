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


def test_a_seasonal_class_window_is_set_in_its_own_form(client_for, world, catalogue):
    """The window was only in the status side panel's dialog, whose date picker
    covered 保存计划; it is now two fields of the class's form."""
    import datetime

    from django.utils import timezone

    from lms.courses.authoring import courses_authoring_setup
    from lms.courses.models import SeasonalClassPage
    from tests.factories import SeasonalClassPageFactory

    courses_authoring_setup(catalogue=catalogue)
    page = SeasonalClassPageFactory(parent=catalogue, slug="winter", title="冬季防火")
    client = client_for(world.site_admin.user)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    html = client.get(url).content.decode()
    assert html.count('name="go_live_at"') == 1
    assert "schedule-publishing-dialog" not in html
    # In the form's own panel (开放时间), not a dialog of the side panel.
    assert 'data-contentpath="go_live_at"' in html
    assert 'data-contentpath="expire_at"' in html

    go_live = timezone.localtime() + datetime.timedelta(days=30)
    expire = go_live + datetime.timedelta(days=60)
    data = {
        "title": "冬季防火",
        "slug": "winter",
        "theme": page.theme,
        "audience": page.audience,
        "summary": "",
        "study_hours": "0.5",
        "go_live_at": go_live.strftime("%Y-%m-%d %H:%M"),
        "expire_at": expire.strftime("%Y-%m-%d %H:%M"),
        "lessons-count": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "action-publish": "publish",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    revision = SeasonalClassPage.objects.get(pk=page.pk).latest_revision
    assert revision.approved_go_live_at is not None  # scheduled, not live yet
    assert revision.as_object().expire_at.date() == expire.date()


def _progress_rows(html):
    """{person id: (status, overdue)} from the report's people table."""
    import re

    return {
        int(pk): (status, bool(overdue))
        for pk, status, overdue in re.findall(
            r'data-person="(\d+)" data-status="(\w+)"( data-overdue)?', html
        )
    }


def test_progress_report_lists_everyone_assigned_with_due_date_status_and_overdue(
    client_for, world, course
):
    """The walker saw 1 of 21 assigned people: those who had not started were left
    out of the table, though they are the ones to chase."""
    import datetime

    from lms.people.models import Person

    services.assignment_create(
        page=course,
        organisation=world.company,
        actor=world.instructor.user,
        due_date=datetime.date(2020, 1, 31),
    )
    services.lesson_complete(person=world.trainee, lesson=course.lessons_in_order[0])
    html = (
        client_for(world.instructor.user)
        .get(reverse("course_progress"), {"page": course.pk})
        .content.decode()
    )
    rows = _progress_rows(html)
    company = set(
        Person.objects.filter(organisation=world.company).values_list("pk", flat=True)
    )
    assert set(rows) == company and len(company) > 2
    assert rows[world.trainee.pk] == ("in_progress", True)
    assert rows[world.colleague.pk] == ("not_started", True)
    assert "2020-01-31" in html
    assert "未开始" in html and "逾期" in html
    assert world.outsider.pk not in rows


def test_progress_report_due_date_from_the_team_and_no_overdue_before_it(
    client_for, world, course
):
    import datetime

    from tests.factories import TeamFactory

    team = TeamFactory(organisation=world.company)
    world.colleague.team = team
    world.colleague.save(update_fields=["team"])
    services.assignment_create(
        page=course,
        team=team,
        actor=world.instructor.user,
        due_date=datetime.date(2999, 1, 1),
    )
    html = (
        client_for(world.instructor.user)
        .get(reverse("course_progress"), {"page": course.pk})
        .content.decode()
    )
    assert _progress_rows(html) == {world.colleague.pk: ("not_started", False)}
    assert "2999-01-01" in html


def test_progress_report_makes_a_fixed_number_of_queries(client_for, world, course):
    """Ten more assigned people, some started, cost no more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PersonFactory

    services.assignment_create(
        page=course, organisation=world.company, actor=world.instructor.user
    )
    client = client_for(world.instructor.user)
    url = reverse("course_progress")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"page": course.pk}).status_code == 200
        return len(queries)

    count()  # the first request also loads what the session and Wagtail cache
    before = count()
    for person in PersonFactory.create_batch(10, organisation=world.company):
        services.lesson_complete(person=person, lesson=course.lessons_in_order[0])
    assert count() == before


def test_progress_export_shows_times_in_the_sites_time_zone(
    client_for, world, course, settings
):
    """Times are stored in UTC; a spreadsheet cell has no zone, so it must hold the
    wall-clock time of settings.TIME_ZONE (Asia/Shanghai, UTC+8)."""
    import datetime

    from lms.courses.models import Enrolment

    assert settings.TIME_ZONE == "Asia/Shanghai"
    services.assignment_create(
        page=course,
        organisation=world.company,
        actor=world.instructor.user,
        due_date=datetime.date(2026, 3, 5),
    )
    Enrolment.objects.create(
        person=world.trainee,
        page=course,
        completed_at=datetime.datetime(2026, 3, 1, 20, 30, tzinfo=datetime.UTC),
    )
    client = client_for(world.instructor.user)
    for file_format in ("xlsx", "csv"):
        response = client.get(
            reverse("course_progress"), {"page": course.pk, "format": file_format}
        )
        if file_format == "xlsx":
            sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
            rows = [list(row) for row in sheet.values]
        else:
            import csv

            text = response.content.decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text)))
        header = rows[0]
        by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
        trainee = by_name[world.trainee.name]
        assert trainee["完成时间"] == "2026-03-02 04:30"
        assert trainee["截止日期"] == "2026-03-05"
        colleague = by_name[world.colleague.name]
        assert colleague["状态"] == "未开始"
        assert colleague["完成时间"] in ("", None)
