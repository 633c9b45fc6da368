"""The Wagtail admin respects the same scopes as the site."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from lms.people.constants import AuditAction, Role
from lms.people.models import Person
from tests.factories import PersonFactory, TeamFactory, person_with_role


def index(client):
    return client.get(reverse("people:index")).content.decode()


@pytest.mark.django_db
def test_org_admin_lists_only_their_people(client_for, world):
    page = index(client_for(world.org_admin.user))
    assert world.colleague.name in page
    assert world.outsider.name not in page
    assert world.point_guard.name not in page


@pytest.mark.django_db
def test_org_admin_cannot_open_another_organisations_person(client_for, world):
    client = client_for(world.org_admin.user)
    for name in ("edit", "inspect", "history", "usage"):
        url = reverse(f"people:{name}", args=[world.outsider.pk])
        assert client.get(url).status_code == 404, name
    assert (
        client.get(reverse("people:edit", args=[world.colleague.pk])).status_code == 200
    )


@pytest.mark.django_db
def test_nobody_deletes_people(client_for, world):
    client = client_for(world.site_admin.user)
    response = client.post(reverse("people:delete", args=[world.trainee.pk]))
    assert response.status_code in (302, 403)
    assert Person.objects.filter(pk=world.trainee.pk).exists()


@pytest.mark.django_db
def test_instructor_can_inspect_but_not_edit(client_for, world):
    client = client_for(world.instructor.user)
    assert world.outsider.name in index(client)
    assert (
        client.get(reverse("people:inspect", args=[world.outsider.pk])).status_code
        == 200
    )
    assert client.get(reverse("people:edit", args=[world.outsider.pk])).status_code in (
        302,
        403,
    )


@pytest.mark.django_db
def test_org_admin_adds_a_person_only_to_their_organisation(client_for, world):
    client = client_for(world.org_admin.user)
    data = {
        "name": "新人",
        "phone": "13800009999",
        "id_number": "11010519491231002X",
        "kind": "guard",
        "status": "active",
        "organisation": world.other_company.pk,
    }
    response = client.post(reverse("people:add"), data)
    assert response.status_code == 200  # the form refuses the other organisation
    assert not Person.objects.filter(name="新人").exists()
    data["organisation"] = world.company.pk
    response = client.post(reverse("people:add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(name="新人")
    assert (
        person.id_number == "11010519491231002X"
        and person.organisation == world.company
    )


@pytest.mark.django_db
def test_admin_form_refuses_a_bad_or_taken_id_number(client_for, world):
    client = client_for(world.org_admin.user)
    data = {
        "name": "新人",
        "phone": "",
        "kind": "guard",
        "status": "active",
        "organisation": world.company.pk,
    }
    response = client.post(
        reverse("people:add"), {**data, "id_number": "110105194912310021"}
    )
    assert "校验码" in response.content.decode()
    response = client.post(
        reverse("people:add"), {**data, "id_number": world.outsider.id_number}
    )
    assert "已有其他人员使用此身份证号" in response.content.decode()
    assert not Person.objects.filter(name="新人").exists()


@pytest.mark.django_db
def test_admin_form_takes_an_id_number_written_in_groups(client_for, world):
    """An ID number written "110105 19491231 002X" (20 characters) was cut off by
    the field's limit of 18."""
    client = client_for(world.org_admin.user)
    response = client.post(
        reverse("people:add"),
        {
            "name": "新人",
            "phone": "",
            "id_number": "110105 19491231 002X",
            "kind": "guard",
            "status": "active",
            "organisation": world.company.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Person.objects.get(name="新人").id_number == "11010519491231002X"


@pytest.mark.django_db
def test_editing_keeps_the_id_number_when_left_empty(client_for, world):
    client = client_for(world.org_admin.user)
    person = world.colleague
    before = person.id_number
    response = client.post(
        reverse("people:edit", args=[person.pk]),
        {
            "name": "改名",
            "phone": person.phone,
            "id_number": "",
            "kind": "guard",
            "status": "on_leave",
            "organisation": world.company.pk,
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.status, person.id_number) == (
        "改名",
        "on_leave",
        before,
    )


@pytest.mark.django_db
def test_admin_people_index_query_count_is_constant(
    client_for, world, django_assert_max_num_queries
):
    client = client_for(world.site_admin.user)
    client.get(reverse("people:index"))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("people:index"))
    TeamFactory.create_batch(3, organisation=world.company)
    PersonFactory.create_batch(15, organisation=world.company)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("people:index"))


@pytest.mark.django_db
def test_import_page_refuses_a_bad_file_and_names_the_row(client_for, world):
    client = client_for(world.org_admin.user)
    content = "姓名,身份证号\n张三,110105194912310021\n".encode()
    response = client.post(
        reverse("people_import"),
        {
            "file": SimpleUploadedFile("p.csv", content),
            "organisation": world.company.pk,
        },
    )
    page = response.content.decode()
    assert 'data-import-result="refused"' in page
    assert "<td>2</td>" in page and "校验码" in page
    assert not Person.objects.filter(name="张三").exists()


@pytest.mark.django_db
def test_import_page_imports_a_good_file(client_for, world):
    client = client_for(world.org_admin.user)
    content = "姓名,身份证号\n张三,11010519491231002X\n".encode()
    response = client.post(
        reverse("people_import"),
        {
            "file": SimpleUploadedFile("p.csv", content),
            "organisation": world.company.pk,
        },
    )
    assert 'data-import-result="ok"' in response.content.decode()
    assert Person.objects.get(name="张三").organisation == world.company


@pytest.mark.django_db
def test_import_page_is_closed_to_instructors(client_for, world):
    assert client_for(world.instructor.user).get(
        reverse("people_import")
    ).status_code in (
        302,
        403,
    )


def read_xlsx(content):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_export_masks_id_numbers_by_default_and_is_audited(client_for, world):
    response = client_for(world.org_admin.user).get(reverse("people_export"))
    rows = read_xlsx(response.content)
    header, body = rows[0], rows[1:]
    assert "身份证号" in header
    column = header.index("身份证号")
    assert {row[0] for row in body} == {
        p.name
        for p in (world.trainee, world.colleague, world.org_admin, world.instructor)
    }
    assert all(str(row[column]).startswith("****") for row in body)
    entry = ModelLogEntry.objects.get(action=AuditAction.PEOPLE_EXPORT)
    assert entry.data == {"rows": 4, "unmasked": False, "format": "xlsx"}


@pytest.mark.django_db
def test_export_shows_full_numbers_with_the_permission(client_for, world):
    response = client_for(world.site_admin.user).get(
        reverse("people_export"), {"format": "csv"}
    )
    text = response.content.decode("utf-8-sig")
    assert world.outsider.id_number in text


@pytest.mark.django_db
def test_org_admin_manages_teams_and_credentials_only_in_their_organisation(
    client_for, world
):
    from lms.people.models import ExternalCredential, Team

    client = client_for(world.org_admin.user)
    client.post(
        reverse("teams:add"), {"organisation": world.other_company.pk, "name": "X"}
    )
    assert not Team.objects.filter(name="X").exists()
    response = client.post(
        reverse("teams:add"), {"organisation": world.company.pk, "name": "巡逻队"}
    )
    assert response.status_code == 302
    credential = {
        "kind": "security_guard_certificate",
        "number": "粤00000001",
        "issuing_authority": "深圳市公安局",
        "issued_on": "2024-01-02",
    }
    client.post(reverse("credentials:add"), {**credential, "person": world.outsider.pk})
    assert not ExternalCredential.objects.exists()
    response = client.post(
        reverse("credentials:add"), {**credential, "person": world.trainee.pk}
    )
    assert response.status_code == 302
    assert ExternalCredential.objects.get().person == world.trainee


@pytest.mark.django_db
def test_only_site_admins_change_organisations(client_for, world):
    url = reverse("organisations:edit", args=[world.company.pk])
    assert client_for(world.org_admin.user).get(url).status_code in (302, 403, 404)
    assert client_for(world.site_admin.user).get(url).status_code == 200


@pytest.mark.django_db
def test_index_filters_list_only_visible_organisations(client_for, world):
    page = index(client_for(world.org_admin.user))
    assert world.company.name in page
    assert world.other_company.name not in page
    assert world.station.name not in page


@pytest.mark.django_db
def test_export_cannot_reach_another_organisation_by_parameter(client_for, world):
    response = client_for(world.org_admin.user).get(
        reverse("people_export"), {"organisation": world.other_company.pk}
    )
    assert len(read_xlsx(response.content)) == 1  # the header only


@pytest.mark.django_db
def test_export_ignores_a_malformed_organisation_parameter(client_for, world):
    response = client_for(world.org_admin.user).get(
        reverse("people_export"), {"organisation": "abc"}
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_site_history_shows_record_changes_scoped(client_for, world):
    """Training managers were refused site history; organisation admins now see it,
    but only entries about what they may see."""
    from lms.certs.services.issuing import record_suspend
    from tests.factories import QualificationRecordFactory

    own = QualificationRecordFactory(person=world.trainee)
    other = QualificationRecordFactory(person=world.outsider)
    actor = world.site_admin.user
    record_suspend(record=own, actor=actor, reason="证件涂改")
    record_suspend(record=other, actor=actor, reason="冒名顶替")
    url = reverse("wagtailadmin_reports:site_history")
    manager = person_with_role(Role.TRAINING_MANAGER, organisation=world.company)
    page = client_for(manager.user).get(url).content.decode()
    assert "已暂停：证件涂改" in page and "已暂停：冒名顶替" in page
    page = client_for(world.org_admin.user).get(url).content.decode()
    assert own.serial in page and "已暂停：证件涂改" in page
    assert other.serial not in page and "冒名顶替" not in page
    assert world.outsider.name not in page
    # Station staff (in the admin to set up their points): their station's.
    page = client_for(world.station_staff.user).get(url).content.decode()
    assert own.serial in page and "已暂停：证件涂改" in page
    assert other.serial not in page and "冒名顶替" not in page
    assert world.outsider.name not in page
