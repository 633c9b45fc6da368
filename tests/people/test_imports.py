"""Spreadsheet import: all rows or none, every bad row named."""

import io
import random

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import translation
from wagtail.models import ModelLogEntry

from lms.people import idnumber
from lms.people.constants import AuditAction, PersonStatus
from lms.people.models import Person
from lms.people.services.imports import (
    ImportFileError,
    dataset_from_upload,
    people_import,
)
from tests.factories import OrganisationFactory, PersonFactory, TeamFactory

HEADER = "姓名,手机号,身份证号,人员类别,队组,状态"
rng = random.Random(99)


def valid_id():
    return idnumber.synthetic(rng=rng)


def csv_bytes(*rows, header=HEADER, encoding="utf-8"):
    return "\n".join([header, *rows]).encode(encoding)


def xlsx_bytes(rows, header=None):
    header = header or HEADER.split(",")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def company(db):
    company = OrganisationFactory(code="CO-1", name="中安保安")
    TeamFactory(organisation=company, name="一队")
    return company


def run(company, content, filename="people.csv", **kwargs):
    return people_import(
        organisation=company, dataset=dataset_from_upload(filename, content), **kwargs
    )


def test_a_good_file_imports_everyone(company):
    ids = [valid_id() for _ in range(3)]
    report = run(
        company,
        csv_bytes(
            f"张三,13800138000,{ids[0]},保安员,一队,在岗",
            f"李四,,{ids[1]},义警,,",
            f"王五,+86 139 0000 0000,{ids[2].lower()},property_security,,休假",
        ),
    )
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    zhang = Person.objects.get(name="张三")
    assert zhang.organisation == company and zhang.team.name == "一队"
    assert zhang.id_number == ids[0]
    assert Person.objects.get(name="王五").status == PersonStatus.ON_LEAVE
    assert Person.objects.get(name="王五").phone == "13900000000"


def test_reimporting_updates_instead_of_duplicating(company):
    an_id = valid_id()
    run(company, csv_bytes(f"张三,13800138000,{an_id},保安员,,"))
    again = run(company, csv_bytes(f"张三,13800138000,{an_id},保安员,,"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    changed = run(company, csv_bytes(f"张三丰,13800138001,{an_id},保安员,一队,"))
    assert (changed.created, changed.updated) == (0, 1)
    person = Person.objects.get()
    assert (person.name, person.phone, person.team.name) == (
        "张三丰",
        "13800138001",
        "一队",
    )


def test_one_bad_id_refuses_the_whole_file_and_names_the_row(company):
    good = valid_id()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    report = run(
        company,
        csv_bytes(
            f"张三,13800138000,{good},保安员,,", f"李四,13800138001,{bad},保安员,,"
        ),
    )
    assert not report.ok
    assert Person.objects.count() == 0
    assert report.bad_rows == [3]  # the header is row 1
    (error,) = report.errors
    assert error.column == "身份证号"
    assert "校验码" in error.message and bad in error.message


def test_every_bad_row_and_field_is_named(company):
    other = OrganisationFactory(code="CO-2")
    theirs = PersonFactory(organisation=other)
    dup = valid_id()
    report = run(
        company,
        csv_bytes(
            f"甲,12345,{valid_id()},保安员,,",  # row 2: bad phone
            f"乙,13800138000,{dup},保安员,,",  # row 3: fine on its own
            f"丙,13800138001,{dup},保安员,,",  # row 4: duplicate of row 3
            f"丁,13800138002,{theirs.id_number},保安员,,",  # row 5: other organisation
            f"戊,13800138003,{valid_id()},保安员,三队,",  # row 6: unknown team
            f",13800138004,{valid_id()},厨师,,",  # row 7: no name, unknown kind
            "己,13800138005,110105194902300021,保安员,,",  # row 8: 30 February
        ),
    )
    assert Person.objects.filter(organisation=company).count() == 0
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (2, "手机号"),
        (4, "身份证号"),
        (5, "身份证号"),
        (6, "队组"),
        (7, "姓名"),
        (7, "人员类别"),
        (8, "身份证号"),
    }
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert "第 3 行" in messages[(4, "身份证号")]
    assert "其他单位" in messages[(5, "身份证号")]
    assert "三队" in messages[(6, "队组")] and "一队" in messages[(6, "队组")]


def test_errors_are_in_the_users_language(company):
    with translation.override("en"):
        report = run(company, csv_bytes(f"甲,12345,{valid_id()},保安员,,"))
    (error,) = report.errors
    assert error.column == "Mobile phone"
    assert "11 digits" in error.message


def test_xlsx_with_english_headers_imports(company):
    rows = [
        ["Zhang San", "13800138000", valid_id(), "Security guard", "一队", "Active"]
    ]
    content = xlsx_bytes(
        rows, header=["Name", "Phone", "ID number", "Kind", "Team", "Status"]
    )
    report = run(company, content, filename="people.xlsx")
    assert report.ok, report.errors
    assert Person.objects.get().name == "Zhang San"


def test_an_id_that_excel_turned_into_a_number_is_refused_with_advice(company):
    content = xlsx_bytes([["张三", 13800138000, 110105194912310020, "保安员", "", ""]])
    report = run(company, content, filename="people.xlsx")
    (error,) = report.errors
    assert error.column == "身份证号" and "文本" in error.message


def test_masked_numbers_from_an_export_are_explained(company):
    report = run(company, csv_bytes("张三,13800138000,**************002X,保安员,,"))
    assert "脱敏" in report.errors[0].message


def test_gb18030_csv_from_chinese_excel_is_read(company):
    content = csv_bytes(
        f"张三,13800138000,{valid_id()},保安员,一队,在岗", encoding="gb18030"
    )
    assert run(company, content).created == 1


def test_dry_run_checks_but_imports_nothing(company):
    report = run(
        company, csv_bytes(f"张三,13800138000,{valid_id()},保安员,,"), dry_run=True
    )
    assert report.ok and report.created == 1
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    ("filename", "content", "fragment"),
    [
        ("people.txt", b"x", ".xlsx"),
        ("people.csv", b"", "empty"),
        ("people.csv", "姓名,手机号\n张三,13800138000".encode(), "身份证号"),
        ("people.csv", HEADER.encode(), "no people"),
        ("people.xlsx", b"not a zip", "could not be read"),
        ("people.csv", b"\xff\xfe\x00\x81\xff", "GB18030"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(filename, content, fragment):
    with translation.override("en"), pytest.raises(ImportFileError) as error:
        dataset_from_upload(filename, content)
    assert fragment in str(error.value)


def test_files_over_the_size_limit_are_refused(settings):
    settings.PEOPLE_IMPORT_MAX_BYTES = 10
    with pytest.raises(ImportFileError):
        dataset_from_upload("people.csv", csv_bytes("张三,,11010519491231002X,,,"))


def test_a_successful_import_is_audited(company, world):
    world.org_admin.organisation = company
    world.org_admin.save()
    run(
        company,
        csv_bytes(f"张三,13800138000,{valid_id()},保安员,,"),
        actor=world.org_admin.user,
        source="people.csv",
    )
    entry = ModelLogEntry.objects.get(action=AuditAction.PEOPLE_IMPORT)
    assert entry.object_id == str(company.pk)
    assert entry.user_id == world.org_admin.user_id
    assert entry.data["created"] == 1 and entry.data["source"] == "people.csv"


def test_org_admins_cannot_import_into_another_organisation(company, world):
    with pytest.raises(PermissionDenied):
        run(
            company,
            csv_bytes(f"张三,13800138000,{valid_id()},保安员,,"),
            actor=world.org_admin.user,
        )
    with pytest.raises(PermissionDenied):
        run(
            world.company,
            csv_bytes(f"张三,13800138000,{valid_id()},保安员,,"),
            actor=world.station_staff.user,
        )


def test_the_command_imports_and_refuses(company, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(f"张三,13800138000,{valid_id()},保安员,一队,"))
    call_command("import_people", str(good), "--org", "CO-1", "--dry-run")
    assert Person.objects.count() == 0
    call_command("import_people", str(good), "--org", "CO-1")
    assert Person.objects.count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes("李四,13800138001,110105194912310021,保安员,,"))
    with pytest.raises(CommandError):
        call_command("import_people", str(bad), "--org", "CO-1", "--language", "en")
    assert "Row 2, ID number" in capsys.readouterr().err
    with pytest.raises(CommandError):
        call_command("import_people", str(good), "--org", "NOPE")


def test_blank_cells_keep_what_is_on_file_for_known_people(company):
    team = company.teams.get()
    person = PersonFactory(
        organisation=company,
        team=team,
        status=PersonStatus.LEFT,
        kind="volunteer",
        phone="13800138009",
    )
    report = run(company, csv_bytes(f"{person.name},,{person.id_number},,,"))
    assert report.ok, report.errors
    person.refresh_from_db()
    assert (person.status, person.kind, person.phone, person.team) == (
        PersonStatus.LEFT,
        "volunteer",
        "13800138009",
        team,
    )


def test_full_width_digits_are_the_same_number(company):
    an_id = valid_id()
    run(company, csv_bytes(f"张三,13800138000,{an_id},保安员,,"))
    full_width = an_id.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    report = run(
        company, csv_bytes(f"张三,１３８００１３８０００,{full_width},保安员,,")
    )
    assert report.ok and report.unchanged == 1
    assert Person.objects.count() == 1


def test_repeated_columns_are_refused():
    with pytest.raises(ImportFileError):
        dataset_from_upload(
            "p.csv",
            "姓名,身份证号,手机号,联系电话\n张三,11010519491231002X,1,2".encode(),
        )


def test_names_that_look_like_formulas_are_refused(company):
    report = run(company, csv_bytes(f'=HYPERLINK("x"),13800138000,{valid_id()},,,'))
    assert [(e.row, e.column) for e in report.errors] == [(2, "姓名")]


def test_row_numbers_count_the_blank_rows_people_left_in(company):
    an_id = valid_id()
    report = run(
        company,
        csv_bytes(
            f"张三,13800138000,{an_id},保安员,,",
            ",,,,,",
            f"李四,13800138001,{an_id},保安员,,",
        ),
    )
    (error,) = report.errors
    assert error.row == 4
    assert "第 2 行" in error.message


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("在职", PersonStatus.ACTIVE),
        ("在岗", PersonStatus.ACTIVE),
        ("active", PersonStatus.ACTIVE),
        ("离职", PersonStatus.LEFT),
        ("left", PersonStatus.LEFT),
        ("休假", PersonStatus.ON_LEAVE),
        ("请假", PersonStatus.ON_LEAVE),
        ("停职", PersonStatus.SUSPENDED),
        ("suspended", PersonStatus.SUSPENDED),
    ],
)
def test_status_accepts_the_words_people_write_and_the_codes(company, written, status):
    report = run(company, csv_bytes(f"张三,13800138000,{valid_id()},保安员,,{written}"))
    assert report.ok, report.errors
    assert Person.objects.get().status == status


def test_an_unknown_status_still_lists_what_is_accepted(company):
    report = run(company, csv_bytes(f"张三,13800138000,{valid_id()},保安员,,出差"))
    (error,) = report.errors
    assert error.column == "状态" and "出差" in error.message


def test_an_id_whose_county_does_not_exist_is_refused(company):
    first17 = "449999" + valid_id()[6:17]  # 广东 exists, county 9999 does not
    bad = first17 + idnumber.check_character(first17)
    report = run(company, csv_bytes(f"张三,13800138000,{bad},保安员,,"))
    (error,) = report.errors
    assert error.column == "身份证号" and "449999" in error.message
    assert "GB/T 2260" in error.message


def test_ids_written_in_groups_are_read_and_matched(company):
    an_id = valid_id()
    run(company, csv_bytes(f"张三,13800138000,{an_id},保安员,,"))
    spaced = f"{an_id[:6]} {an_id[6:14]} {an_id[14:]}"
    hyphens = f"{an_id[:6]}-{an_id[6:14]}-{an_id[14:]}"
    report = run(
        company,
        csv_bytes(f"张三,13800138000,{spaced},保安员,,"),
        filename="people.csv",
    )
    assert report.ok and report.unchanged == 1, report.errors
    content = xlsx_bytes([["张三", "13800138000", hyphens, "保安员", "", "在职"]])
    report = run(company, content, filename="people.xlsx")
    assert report.ok and report.unchanged == 1, report.errors
    assert Person.objects.get().id_number == an_id
