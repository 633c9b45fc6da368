"""Importing assignments: all rows or none, every bad row named."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lms.points.imports import assignments_import, dataset_from_upload
from lms.points.models import PointAssignment
from tests.factories import PersonFactory

HEADER = ["点位编码", "姓名", "身份证号", "岗位", "起始日期", "截止日期"]


def csv_bytes(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def run(actor, rows, dry_run=False):
    dataset = dataset_from_upload("assignments.csv", csv_bytes(rows))
    return assignments_import(dataset=dataset, actor=actor, dry_run=dry_run)


@pytest.mark.django_db
def test_a_good_file_imports_and_again_updates(points_world):
    w = points_world
    newcomer = PersonFactory(organisation=w.company, name="新保安")
    rows = [
        ["PT-A", "新保安", newcomer.id_number, "门卫", "2026-03-01", ""],
        ["PT-A2", "", newcomer.id_number, "PATROL", "2026/4/1", "2026年12月31日"],
    ]
    report = run(w.station_staff.user, rows)
    assert report.ok, report.errors
    assert report.created == 2
    made = PointAssignment.objects.filter(person=newcomer).order_by("valid_from")
    assert [(a.point.code, a.post.code, str(a.valid_until)) for a in made] == [
        ("PT-A", "GATE", "None"),
        ("PT-A2", "PATROL", "2026-12-31"),
    ]
    assert made[0].created_by == w.station_staff.user
    rows[0][5] = "2026-06-30"
    report = run(w.station_staff.user, rows)
    assert report.ok, report.errors
    assert PointAssignment.objects.filter(person=newcomer).count() == 2
    first = PointAssignment.objects.get(person=newcomer, point=w.point)
    assert str(first.valid_until) == "2026-06-30"


@pytest.mark.django_db
def test_a_bad_file_imports_nothing_and_names_every_bad_row(points_world):
    w = points_world
    good = PersonFactory(organisation=w.company, name="好保安")
    before = PointAssignment.objects.count()
    rows = [
        ["PT-A", "好保安", good.id_number, "门卫", "2026-03-01", ""],  # row 2: good
        ["PT-X", "", good.id_number, "门卫", "2026-03-01", ""],  # 3: no such point
        ["PT-B", "", good.id_number, "门卫", "2026-03-01", ""],  # 4: other station
        ["PT-A", "", w.outsider.id_number, "门卫", "2026-03-01", ""],  # 5: not ours
        ["PT-A", "", good.id_number, "厨师", "2026-03-01", ""],  # 6: no such post
        ["PT-A", "", good.id_number, "巡逻", "next monday", ""],  # 7: bad date
        ["PT-A", "", good.id_number, "巡逻", "2026-03-01", "2026-02-01"],  # 8
        ["PT-A", "张冒名", good.id_number, "巡逻", "2026-05-01", ""],  # 9: name
        ["PT-A", "", good.id_number, "门卫", "2026-03-01", ""],  # 10: repeats 2
        ["PT-A", "", "4403051980010100**", "门卫", "2026-03-01", ""],  # 11: masked
    ]
    report = run(w.station_staff.user, rows)
    assert not report.ok
    assert report.bad_rows == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    messages = {e.row: e.message for e in report.errors}
    assert "PT-X" in messages[3] and "PT-B" in messages[4]
    assert "厨师" in messages[6] and "next monday" in messages[7]
    assert "好保安" in messages[9]
    assert "2" in messages[10]
    assert PointAssignment.objects.count() == before


@pytest.mark.django_db
def test_an_org_admin_imports_their_own_people_only(points_world):
    w = points_world
    report = run(
        w.org_admin.user,
        [["PT-A", "", w.station_staff.id_number, "门卫", "2026-03-01", ""]],
    )
    assert report.bad_rows == [2]
    report = run(
        w.org_admin.user,
        [["PT-A", "", w.trainee.id_number, "巡逻", "2026-03-01", ""]],
    )
    assert report.ok, report.errors


@pytest.mark.django_db
def test_the_command_refuses_a_bad_file(points_world, tmp_path):
    w = points_world
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([["PT-X", "", w.trainee.id_number, "门卫", "x", ""]]))
    with pytest.raises(CommandError):
        call_command("import_assignments", str(path), "--station", "PCS-A")
    path.write_bytes(
        csv_bytes([["PT-A", "", w.trainee.id_number, "巡逻", "2026-03-01", ""]])
    )
    call_command("import_assignments", str(path), "--station", "PCS-A")
    assert PointAssignment.objects.filter(person=w.trainee, post=w.patrol).exists()
