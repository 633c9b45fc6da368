"""The instructor's live dashboard on a phone at the drill: the figures of the
invited add up (present + excused + missing = expected) and walk-ins are shown
apart, not counted as present against an expected figure they are not in."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lms.drills import services
from lms.drills.constants import WalkIns
from lms.people.constants import Role
from tests.e2e.test_login import sign_in
from tests.factories import (
    DrillFactory,
    OrganisationFactory,
    PersonFactory,
    person_with_role,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_the_figures_add_up_and_walk_ins_are_apart(narrow_phone, trainee):
    instructor = person_with_role(Role.INSTRUCTOR, username="instructor1")
    colleagues = PersonFactory.create_batch(3, organisation=trainee.organisation)
    drill = DrillFactory(organisations=[trainee.organisation], walk_ins=WalkIns.FLAG)
    drill.instructors.add(instructor.user)
    now = timezone.now()
    neighbours = OrganisationFactory(name="福田物业")
    for person in (trainee, *PersonFactory.create_batch(2, organisation=neighbours)):
        services.attendance_record(
            drill=drill, person=person, method="qr", scanned_at=now
        )
    services.attendance_excuse(
        drill=drill, person=colleagues[0], actor=instructor.user, reason="病假"
    )

    page = narrow_phone
    page.goto(f"/login/?next=/drills/{drill.pk}/dashboard/")
    sign_in(page, "instructor1")

    def figure(label):
        """The big number under ``label`` (its first figure, once the feed has
        filled it in)."""
        number = page.locator(
            ".dashboard__number", has=page.locator("dt", has_text=label)
        )
        return number.locator("dd")

    expected = {"应到": 4, "出勤": 1, "请假": 1, "未到": 2, "现场加入": 2, "有标记": 2}
    for label, value in expected.items():
        expect(figure(label)).to_have_text(re.compile(rf"^\s*{value}\b"))
    expect(figure("出勤")).to_contain_text("其中迟到 0")
    shown = {
        label: int(re.match(r"\s*(\d+)", figure(label).inner_text()).group(1))
        for label in ("应到", "出勤", "请假", "未到")
    }
    assert shown["出勤"] + shown["请假"] + shown["未到"] == shown["应到"]
    # Walk-ins are apart from the figures of the invited.
    expect(page.locator(".dashboard__numbers").first).not_to_contain_text("现场加入")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
