"""Skill assessment on the instructor's phone: pass or fail per present person and
skill, one result per pair, and whether a person passed the drill."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.drills import selectors, services
from lms.drills.constants import DrillType
from lms.drills.models import SkillItem, SkillResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def items():
    return [
        SkillItem.objects.create(drill_type=DrillType.FIRE, title="拔掉保险销"),
        SkillItem.objects.create(drill_type=DrillType.FIRE, title="对准火焰根部"),
        SkillItem.objects.create(
            drill_type=DrillType.FIRE, title="左右扫射", required=False
        ),
    ]


def present(drill, person):
    attendance, _ = services.attendance_record(
        drill=drill, person=person, method="qr", scanned_at=timezone.now()
    )
    return attendance


def test_result_record_updates_the_one_row(world, drill, items):
    attendance = present(drill, world.trainee)
    actor = world.instructor.user
    services.skill_result_record(
        attendance=attendance, item=items[0], passed=False, actor=actor
    )
    services.skill_result_record(
        attendance=attendance, item=items[0], passed=True, actor=actor
    )
    assert SkillResult.objects.get().passed is True


def test_passed_needs_every_required_item(world, drill, items):
    attendance = present(drill, world.trainee)
    actor = world.instructor.user
    assert not selectors.drill_passed(attendance)
    services.skill_result_record(
        attendance=attendance, item=items[0], passed=True, actor=actor
    )
    assert not selectors.drill_passed(attendance)
    services.skill_result_record(
        attendance=attendance, item=items[1], passed=True, actor=actor
    )
    assert selectors.drill_passed(attendance)  # the optional one is not needed
    services.skill_result_record(
        attendance=attendance, item=items[1], passed=False, actor=actor
    )
    assert not selectors.drill_passed(attendance)


def test_only_present_people_and_the_drills_skills(world, drill, items):
    attendance = present(drill, world.trainee)
    other = SkillItem.objects.create(drill_type=DrillType.FIRST_AID, title="胸外按压")
    with pytest.raises(ValueError):
        services.skill_result_record(
            attendance=attendance, item=other, passed=True, actor=world.instructor.user
        )
    services.attendance_void(
        attendance=attendance, actor=world.instructor.user, reason="代签"
    )
    with pytest.raises(ValueError):
        services.skill_result_record(
            attendance=attendance,
            item=items[0],
            passed=True,
            actor=world.instructor.user,
        )
    assert not SkillResult.objects.exists()


def test_the_page_lists_present_people_and_saves_a_persons_form(
    client_for, world, drill, items
):
    attendance = present(drill, world.trainee)
    voided = present(drill, world.colleague)
    services.attendance_void(attendance=voided, actor=world.instructor.user, reason="x")
    client = client_for(world.instructor.user)
    url = reverse("drill_skills", args=[drill.pk])
    page = client.get(url)
    html = page.content.decode()
    assert world.trainee.name in html and world.colleague.name not in html
    assert all(item.title in html for item in items)
    response = client.post(
        url,
        {
            "attendance": attendance.pk,
            f"item-{items[0].pk}": "pass",
            f"item-{items[1].pk}": "pass",
            f"item-{items[2].pk}": "fail",
        },
    )
    assert response.status_code == 302
    results = dict(SkillResult.objects.values_list("item__title", "passed"))
    assert results == {"拔掉保险销": True, "对准火焰根部": True, "左右扫射": False}
    assert SkillResult.objects.first().assessed_by == world.instructor.user
    page = client.get(url)
    assert page.context["rows"][0]["passed"] is True


def test_bad_posts_change_nothing(client_for, world, drill, items):
    attendance = present(drill, world.trainee)
    voided = present(drill, world.colleague)
    services.attendance_void(attendance=voided, actor=world.instructor.user, reason="x")
    client = client_for(world.instructor.user)
    url = reverse("drill_skills", args=[drill.pk])
    for data in (
        {"attendance": attendance.pk},  # nothing marked
        {"attendance": attendance.pk, f"item-{items[0].pk}": "maybe"},
        {"attendance": voided.pk, f"item-{items[0].pk}": "pass"},
        {"attendance": "x", f"item-{items[0].pk}": "pass"},
    ):
        response = client.post(url, data, follow=True)
        assert list(response.context["messages"])
    assert not SkillResult.objects.exists()


def test_the_page_is_for_instructors_only(client_for, world, drill, items):
    attendance = present(drill, world.trainee)
    url = reverse("drill_skills", args=[drill.pk])
    client = client_for(world.trainee.user)
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"attendance": attendance.pk, f"item-{items[0].pk}": "pass"}
    )
    assert response.status_code == 403
    assert not SkillResult.objects.exists()


def test_the_page_makes_constant_queries(
    client_for, world, drill, items, django_assert_num_queries
):
    from tests.factories import PersonFactory

    client = client_for(world.instructor.user)
    url = reverse("drill_skills", args=[drill.pk])
    present(drill, world.trainee)
    client.get(url)  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        attendance = present(drill, PersonFactory(organisation=world.company))
        services.skill_result_record(
            attendance=attendance,
            item=items[0],
            passed=True,
            actor=world.instructor.user,
        )
    with django_assert_num_queries(len(few)):
        client.get(url)
