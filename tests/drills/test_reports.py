"""Attendance exports: one drill's from the dashboard, any period's from the admin
report, scoped to what the user may see."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms.drills import services
from tests.factories import DrillFactory, PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db

REPORT = "drill_attendance_report"


@pytest.fixture
def drill(world):
    drill = DrillFactory(organisations=[world.company, world.other_company])
    drill.instructors.add(world.instructor.user)
    services.attendance_record(
        drill=drill, person=world.trainee, method="qr", scanned_at=timezone.now()
    )
    services.attendance_record(
        drill=drill, person=world.outsider, method="qr", scanned_at=timezone.now()
    )
    return drill


def rows_of_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return [line.split(",") for line in text[1:].strip().splitlines()]


def test_drill_export_csv_and_xlsx(client_for, world, drill):
    client = client_for(world.instructor.user)
    url = reverse("drill_export", args=[drill.pk])
    response = client.get(url + "?format=csv")
    assert response["Content-Disposition"].endswith(f'drill-{drill.pk}.csv"')
    rows = rows_of_csv(response)
    assert len(rows) == 3 and len(rows[0]) == 11
    names = {row[2] for row in rows[1:]}
    assert names == {world.trainee.name, world.outsider.name}
    assert {row[10] for row in rows[1:]} == {"2"}  # two practical hours each
    book = openpyxl.load_workbook(io.BytesIO(client.get(url).content))
    sheet = book.active
    assert sheet.max_row == 3 and sheet.cell(2, 1).value == drill.title


def test_drill_export_is_for_instructors_only(client_for, world, drill):
    url = reverse("drill_export", args=[drill.pk])
    assert client_for(world.trainee.user).get(url).status_code == 403


def test_voided_and_absent_rows_count_no_hours(client_for, world, drill):
    attendance = drill.attendances.get(person=world.outsider)
    services.attendance_void(
        attendance=attendance, actor=world.instructor.user, reason="代签"
    )
    response = client_for(world.instructor.user).get(
        reverse("drill_export", args=[drill.pk]) + "?format=csv"
    )
    by_name = {row[2]: row for row in rows_of_csv(response)[1:]}
    assert by_name[world.outsider.name][10] == "0"
    assert "代签" in by_name[world.outsider.name][9]
    assert by_name[world.trainee.name][10] == "2"


def report(client, **params):
    query = {"station": "", "organisation": "", "team": "", **params}
    return client.get(reverse(REPORT), query)


def test_instructors_see_everyone_org_admins_their_organisation(
    client_for, world, drill
):
    everyone = report(client_for(world.instructor.user))
    assert {a.person for a in everyone.context["rows"]} == {
        world.trainee,
        world.outsider,
    }
    own = report(client_for(world.org_admin.user))
    assert [a.person for a in own.context["rows"]] == [world.trainee]
    csv = report(client_for(world.org_admin.user), format="csv")
    assert world.outsider.name not in csv.content.decode()


def test_station_staff_are_scoped_to_their_stations(world, drill):
    """Station staff have no admin access (by role); the selector under the
    report scopes them all the same."""
    from lms.drills.selectors import attendance_visible_to

    people = {a.person for a in attendance_visible_to(world.station_staff.user)}
    assert people == {world.trainee}


def test_filters(client_for, world, drill):
    client = client_for(world.instructor.user)
    team = TeamFactory(organisation=world.company)
    world.trainee.team = team
    world.trainee.save()
    by_station = report(client, station=world.other_station.pk)
    assert [a.person for a in by_station.context["rows"]] == [world.outsider]
    by_org = report(client, organisation=world.company.pk)
    assert [a.person for a in by_org.context["rows"]] == [world.trainee]
    by_team = report(client, team=team.pk)
    assert [a.person for a in by_team.context["rows"]] == [world.trainee]
    # The drill's own local day (not today's: a drill that starts before midnight
    # in Shanghai falls on yesterday when the test runs just after it).
    today = timezone.localdate(drill.starts_at)
    assert len(report(client, date_from=today, date_to=today).context["rows"]) == 2
    later = today + timedelta(days=1)
    assert report(client, date_from=later).context["rows"] == []
    bad = report(client, date_from=later, date_to=today)
    assert bad.context["form"].errors and "rows" not in bad.context


def test_trainees_cannot_open_the_report(client_for, world, drill):
    assert client_for(world.trainee.user).get(reverse(REPORT)).status_code in (
        302,
        403,
    )


def test_the_report_makes_constant_queries(client_for, world, drill):
    client = client_for(world.instructor.user)
    report(client)
    with CaptureQueriesContext(connection) as before:
        report(client)
    other = DrillFactory(starts_at=timezone.now() - timedelta(days=1))
    team = TeamFactory(organisation=world.company)
    for _ in range(4):
        person = PersonFactory(organisation=world.company, team=team)
        services.attendance_record(
            drill=drill, person=person, method="qr", scanned_at=timezone.now()
        )
        services.checkin_by_instructor(
            drill=other,
            actor=world.instructor.user,
            person=person,
            scanned_at=other.starts_at,
        )
    with CaptureQueriesContext(connection) as after:
        response = report(client)
    assert len(response.context["rows"]) == 10
    assert len(after) == len(before)
