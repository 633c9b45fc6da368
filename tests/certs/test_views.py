"""The trainee's qualifications page and a record's page with staff changes."""

import re

import pytest
from django.urls import reverse

from lms.certs.constants import Status
from lms.certs.tasks import reminders_send
from lms.people.constants import Role
from tests.factories import QualificationRecordFactory, person_with_role

pytestmark = pytest.mark.django_db


def test_the_trainee_sees_records_and_what_is_missing(client_for, world, duty):
    record = QualificationRecordFactory(person=world.trainee)
    duty.complete_course(world.trainee)
    page = client_for(world.trainee.user).get("/certs/")
    html = page.content.decode()
    assert record.serial in html and record.qualification_type.name in html
    # The duty type is not held: its missing exam and drill are listed.
    assert duty.type.name in html and duty.quiz.title in html
    assert page.context["progress"][0]["missing"][0].kind == "exam"


def test_the_home_page_lists_current_records_and_reminders(client_for, world):
    record = QualificationRecordFactory(person=world.trainee)
    ending = QualificationRecordFactory(person=world.trainee, days_ago=340)
    reminders_send()
    client = client_for(world.trainee.user)
    home = client.get("/").content.decode()
    assert record.serial in home and ending.serial in home
    assert ending.valid_until.strftime("%Y-%m-%d") in home  # the reminder
    client.get("/certs/")  # reading the page marks it read
    assert client.get("/").context["my_qualifications"].reminders == []


def test_another_trainee_cannot_open_a_record(client_for, world):
    record = QualificationRecordFactory(person=world.trainee)
    other = person_with_role(Role.TRAINEE, organisation=world.company)
    assert (
        client_for(other.user).get(f"/certs/records/{record.serial}/").status_code
        == 404
    )
    assert (
        client_for(world.trainee.user)
        .get(f"/certs/records/{record.serial}/")
        .status_code
        == 200
    )


def test_station_staff_suspend_with_a_reason_and_cannot_revoke(client_for, world):
    record = QualificationRecordFactory(person=world.trainee)
    staff = person_with_role(Role.STATION_STAFF, organisation=world.station)
    client = client_for(staff.user)
    url = f"/certs/records/{record.serial}/"
    assert client.get(url).context["actions"] == ["suspend"]
    client.post(url, {"action": "suspend", "reason": ""})
    record.refresh_from_db()
    assert record.status == Status.ACTIVE  # no reason, no change
    client.post(url, {"action": "suspend", "reason": "证件涂改"})
    record.refresh_from_db()
    assert (record.status, record.status_reason, record.status_changed_by) == (
        Status.SUSPENDED,
        "证件涂改",
        staff.user,
    )
    client.post(url, {"action": "revoke", "reason": "x"})
    record.refresh_from_db()
    assert record.status == Status.SUSPENDED


def test_staff_of_another_station_do_not_see_the_record(client_for, world):
    record = QualificationRecordFactory(person=world.trainee)
    staff = person_with_role(Role.STATION_STAFF, organisation=world.other_station)
    assert (
        client_for(staff.user).get(f"/certs/records/{record.serial}/").status_code
        == 404
    )


def test_nobody_changes_their_own_record(client_for, world):
    manager = person_with_role(Role.TRAINING_MANAGER, organisation=world.company)
    record = QualificationRecordFactory(person=manager, status=Status.PENDING)
    client = client_for(manager.user)
    url = f"/certs/records/{record.serial}/"
    assert client.get(url).context["actions"] == []
    client.post(url, {"action": "approve"})
    record.refresh_from_db()
    assert record.status == Status.PENDING


def test_a_record_page_shows_what_renewed_it_and_the_earlier_records(client_for, world):
    first = QualificationRecordFactory(
        person=world.trainee, status=Status.SUPERSEDED, days_ago=700
    )
    middle = QualificationRecordFactory(
        person=world.trainee,
        qualification_type=first.qualification_type,
        status=Status.SUPERSEDED,
        renews=first,
        days_ago=350,
    )
    latest = QualificationRecordFactory(
        person=world.trainee,
        qualification_type=first.qualification_type,
        renews=middle,
    )
    page = client_for(world.trainee.user).get(f"/certs/records/{middle.serial}/")
    assert page.context["newer"] == latest
    assert page.context["history"] == [first]


def test_a_revoked_record_offers_no_signed_credential(client_for, world):
    """No credential is issued for a revoked record: no button to a 404."""
    active = QualificationRecordFactory(person=world.trainee)
    revoked = QualificationRecordFactory(person=world.trainee, status=Status.REVOKED)
    html = client_for(world.trainee.user).get("/certs/").content.decode()
    assert reverse("certs_credential", args=[active.serial]) in html
    assert reverse("certs_credential", args=[revoked.serial]) not in html
    assert reverse("certificate", args=[revoked.serial]) in html


def test_record_changes_are_logged_with_actor_and_reason_and_shown(client_for, world):
    """Suspensions, reinstatements, revocations and approvals were in no log."""
    from wagtail.models import ModelLogEntry

    from lms.certs.constants import RecordAction

    record = QualificationRecordFactory(person=world.trainee)
    staff = person_with_role(Role.STATION_STAFF, organisation=world.station)
    client = client_for(staff.user)
    url = f"/certs/records/{record.serial}/"
    client.post(url, {"action": "suspend", "reason": "证件涂改"})
    client.post(url, {"action": "reinstate", "reason": "核实无误"})
    entries = ModelLogEntry.objects.filter(object_id=str(record.pk)).order_by("pk")
    assert [(e.action, e.user_id, e.data["reason"]) for e in entries] == [
        (RecordAction.SUSPEND, staff.user.pk, "证件涂改"),
        (RecordAction.REINSTATE, staff.user.pk, "核实无误"),
    ]
    page = client.get(url)
    assert [e.message for e in page.context["changes"]] == [
        "已恢复：核实无误",
        "已暂停：证件涂改",
    ]


def test_the_scanner_offers_suspend_one_tap_away(client_for, world):
    record = QualificationRecordFactory(person=world.trainee)
    staff = person_with_role(Role.STATION_STAFF, organisation=world.station)
    data = (
        client_for(staff.user)
        .post(
            reverse("certs-scan-lookup"),
            data=record.code,
            content_type="text/plain",
        )
        .json()
    )
    row = data["records"][0]
    assert row["url"] == f"/certs/records/{record.serial}/"
    assert row["action"] == {
        "name": "suspend",
        "label": "暂停",
        "url": f"/certs/records/{record.serial}/?action=suspend",
    }


def test_people_directory_and_roster_link_each_record(
    client_for, world, django_assert_max_num_queries
):
    staff = person_with_role(Role.STATION_STAFF, organisation=world.station)
    records = [
        QualificationRecordFactory(person=p)
        for p in (world.trainee, world.colleague, world.point_guard)
    ]
    outsider = QualificationRecordFactory(person=world.outsider)
    client = client_for(staff.user)
    client.get("/people/")
    with django_assert_max_num_queries(12):
        directory = client.get("/people/").content.decode()
    for record in records:
        assert f'href="/certs/records/{record.serial}/"' in directory
    assert outsider.serial not in directory
    roster = client.get("/certs/roster/").content.decode()
    assert f'href="/certs/records/{records[0].serial}/"' in roster


def test_what_i_still_need_names_a_drill_of_any_type(client_for, world):
    from lms.certs.constants import RequirementKind
    from tests.factories import QualificationTypeFactory, RequirementFactory

    qtype = QualificationTypeFactory(name="演练常态化")
    RequirementFactory(
        qualification_type=qtype,
        kind=RequirementKind.DRILL_ATTENDED,
        drill_type="",
        within_months=12,
    )
    html = client_for(world.trainee.user).get("/certs/").content.decode()
    assert "演练常态化" in html
    assert "参加一次任意类型的演练（近 12 个月内）" in html


def test_staff_read_the_evidence_in_words_not_keys(client_for, world):
    """The evidence is stored for the audit with row ids ("attempt 12"); staff read
    which rule it met and when, in their language. The holder sees none of it."""
    record = QualificationRecordFactory(
        person=world.trainee,
        evidence={
            "requirements": [
                {
                    "rule": 1,
                    "kind": "exam",
                    "attempt": 12,
                    "percent": "72.00",
                    "on": "2026-05-08",
                },
                {"rule": 2, "kind": "hours", "hours": "12.0", "completions": [3]},
                {"rule": 3, "kind": "external", "credential": 1},
            ]
        },
    )
    staff = person_with_role(Role.STATION_STAFF, organisation=world.station)
    html = client_for(staff.user).get(f"/certs/records/{record.serial}/")
    html = html.content.decode()
    evidence = html[html.index("data-evidence") :].split("</ul>")[0]
    assert "考试已通过 · 2026-05-08 · 72.00%" in evidence
    assert "学时" in evidence and "外部证书" in evidence
    assert not re.search(r"attempt|credential|external|hours", evidence)
    own = client_for(world.trainee.user).get(f"/certs/records/{record.serial}/")
    assert "data-evidence" not in own.content.decode()
