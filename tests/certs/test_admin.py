"""The Qualifications admin menu: types and posts are edited there; records are
listed and inspected, never added, edited or deleted."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from lms.certs.constants import RequirementKind
from lms.people.constants import Role
from tests.factories import (
    QualificationRecordFactory,
    QualificationTypeFactory,
    RequirementFactory,
    person_with_role,
)

pytestmark = pytest.mark.django_db


def test_records_are_read_only_in_the_admin(client_for, world):
    record = QualificationRecordFactory(person=world.trainee)
    manager = person_with_role(Role.TRAINING_MANAGER, organisation=world.company)
    client = client_for(manager.user)
    listing = client.get("/admin/snippets/certs/qualificationrecord/")
    assert listing.status_code == 200 and record.serial in listing.content.decode()
    base = "/admin/snippets/certs/qualificationrecord"
    assert client.get(f"{base}/inspect/{record.pk}/").status_code == 200
    for url in (
        f"{base}/add/",
        f"{base}/edit/{record.pk}/",
        f"{base}/delete/{record.pk}/",
    ):
        assert client.get(url).status_code in (302, 403), url
    assert f"/certs/records/{record.serial}/" in listing.content.decode()


def test_training_managers_edit_types(client_for, world):
    manager = person_with_role(Role.TRAINING_MANAGER, organisation=world.company)
    page = client_for(manager.user).get("/admin/snippets/certs/qualificationtype/add/")
    assert page.status_code == 200


def test_the_expiry_report_lists_ending_and_overdue_in_scope(client_for, world):
    from datetime import timedelta

    from django.utils import timezone

    from lms.certs.services.issuing import records_expire

    ending = QualificationRecordFactory(person=world.trainee, days_ago=340)
    lapsed = QualificationRecordFactory(
        days_ago=400, person__organisation=world.company
    )
    records_expire()
    elsewhere = QualificationRecordFactory(
        days_ago=340, person__organisation=world.other_company
    )
    admin = person_with_role(Role.ORG_ADMIN, organisation=world.company)
    page = client_for(admin.user).get("/admin/certs/expiry/?days=60")
    html = page.content.decode()
    assert ending.serial in html and lapsed.serial in html
    assert elsewhere.serial not in html
    assert [r.pk for r in page.context["overdue"]] == [lapsed.pk]
    assert timezone.localdate() + timedelta(days=60) >= ending.valid_until


def test_the_admin_shows_records_only_of_people_the_user_may_see(client_for, world):
    own = QualificationRecordFactory(person=world.trainee)
    other = QualificationRecordFactory(person=world.outsider)
    admin = person_with_role(Role.ORG_ADMIN, organisation=world.company)
    client = client_for(admin.user)
    base = "/admin/snippets/certs/qualificationrecord"
    listing = client.get(f"{base}/").content.decode()
    assert own.serial in listing and other.serial not in listing
    assert client.get(f"{base}/inspect/{other.pk}/").status_code == 404
    inspect = client.get(f"{base}/inspect/{own.pk}/").content.decode()
    assert own.serial in inspect and own.code not in inspect


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        (RequirementKind.STUDY_HOURS, "hours", Decimal(0)),
        (RequirementKind.STUDY_HOURS, "hours", Decimal(-4)),
        (RequirementKind.EXAM_PASSED, "min_percent", Decimal(0)),
        (RequirementKind.EXAM_PASSED, "min_percent", Decimal(120)),
    ],
)
def test_a_rule_everyone_or_no_one_meets_is_refused(world, kind, field, value):
    """0 study hours (or a 0 % pass mark) would be met by everyone, and the engine
    would issue the qualification to all of them: the form says so instead."""
    requirement = RequirementFactory.build(
        qualification_type=QualificationTypeFactory(), kind=kind, **{field: value}
    )
    with pytest.raises(ValidationError) as refused:
        requirement.full_clean(exclude=["quiz", "course", "other_type"])
    assert field in refused.value.message_dict


def test_the_expiry_report_queries_do_not_grow_with_overdue_rows(client_for, world):
    """Each overdue row shows the holder's organisation: joined, not one query a
    row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lms.certs.services.issuing import records_expire

    admin = person_with_role(Role.ORG_ADMIN, organisation=world.company)
    client = client_for(admin.user)
    counts = []
    for _ in range(2):
        for _ in range(3):
            QualificationRecordFactory(days_ago=400, person__organisation=world.company)
        records_expire()
        client.get("/admin/certs/expiry/?days=60")  # warm
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/admin/certs/expiry/?days=60")
        counts.append((len(page.context["overdue"]), len(captured)))
    (three, first), (six, second) = counts
    assert (three, six) == (3, 6) and first == second


@pytest.mark.parametrize(
    "kind", [RequirementKind.DRILL_ATTENDED, RequirementKind.DRILL_PASSED]
)
def test_a_drill_rule_may_leave_the_drill_type_empty(world, kind):
    """Stations ask for "any drill within 12 months": no type means any type."""
    requirement = RequirementFactory.build(
        qualification_type=QualificationTypeFactory(),
        kind=kind,
        drill_type="",
        within_months=12,
    )
    requirement.full_clean(exclude=["quiz", "course", "other_type"])


def test_other_rules_still_need_their_field(world):
    requirement = RequirementFactory.build(
        qualification_type=QualificationTypeFactory(),
        kind=RequirementKind.COURSE_COMPLETED,
        drill_type="",
    )
    with pytest.raises(ValidationError) as refused:
        requirement.full_clean()
    assert "course" in refused.value.message_dict
