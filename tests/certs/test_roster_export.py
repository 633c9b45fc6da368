"""The roster's exports (lms.certs.roster_export): the same cells in CSV and XLSX,
worded as the page words them, ID numbers masked, in the roster's order, in a
constant number of queries."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lms.certs.constants import Status
from lms.certs.roster import (
    RosterFilters,
    roster_query,
    roster_rows,
    roster_scope_for_station,
)
from lms.certs.roster_export import RosterSheet, csv_chunks, xlsx_file
from lms.people.constants import PersonStatus
from tests.certs.test_roster import _populate, make_post
from tests.factories import (
    QualificationRecordFactory,
    QualificationTypeFactory,
    TeamFactory,
)

HEADER = ["姓名", "身份证号", "单位", "队组", "状态", "持有资格", "门卫", "巡逻"]


@pytest.fixture
def export_world(world):
    """The company's four people, one per case: a holder (and of a type no post
    requires), someone who left with a suspended and a revoked record, someone
    whose record is not valid yet (beside expired and superseded ones), and a
    name and team that try to be a formula and XLSX markup."""
    w = world
    today = timezone.localdate()
    w.duty = QualificationTypeFactory(code="DUTY", name="上岗")
    w.fire = QualificationTypeFactory(code="FIRE", name="消防")
    w.aid = QualificationTypeFactory(code="AID", name="急救", validity_months=None)
    make_post(code="GATE", name="门卫", sort_order=1, required_types=[w.duty])
    make_post(code="PATROL", name="巡逻", sort_order=2, required_types=[w.duty, w.fire])
    names = {w.trainee: "甲一", w.colleague: "甲二", w.org_admin: "甲三"}
    for person, name in names.items():
        person.name = name
        person.save()
    w.instructor.name = '=HYPERLINK("http://x/","甲四")'
    w.instructor.team = TeamFactory(organisation=w.company, name="<r>一队</r>")
    w.instructor.save()
    w.colleague.status = PersonStatus.LEFT
    w.colleague.save()

    def record(person, qtype, **kwargs):
        return QualificationRecordFactory(
            person=person, qualification_type=qtype, **kwargs
        )

    w.held_duty = record(w.trainee, w.duty)
    w.held_aid = record(w.trainee, w.aid)
    record(w.colleague, w.duty, status=Status.SUSPENDED)
    record(w.colleague, w.fire, status=Status.REVOKED)
    record(w.colleague, w.fire, status=Status.PENDING)  # not counted
    record(w.org_admin, w.duty, valid_from=today + timedelta(days=1))
    record(w.org_admin, w.duty, status=Status.SUPERSEDED, days_ago=800)
    record(w.org_admin, w.fire, status=Status.EXPIRED, days_ago=800)
    record(w.org_admin, w.fire, days_ago=400, valid_until=today - timedelta(days=1))
    return w


def expected_rows(w):
    """The company's rows, written out (name order: the formula's "=" sorts
    first)."""
    ended = w.held_duty.valid_until.isoformat()
    return [
        [
            "'" + w.instructor.name,
            w.instructor.id_number_masked,
            "甲保安公司",
            "<r>一队</r>",
            "在岗",
            "",
            "上岗: 未取得",
            "上岗: 未取得；消防: 未取得",
        ],
        [
            "甲一",
            w.trainee.id_number_masked,
            "甲保安公司",
            "",
            "在岗",
            f"急救 {w.held_aid.serial}；上岗 {w.held_duty.serial} ≤{ended}",
            "是",
            "消防: 未取得",
        ],
        [
            "甲三",
            w.org_admin.id_number_masked,
            "甲保安公司",
            "",
            "在岗",
            "",
            "上岗: 尚未生效",
            "上岗: 尚未生效；消防: 已过期",
        ],
        [
            "甲二",
            w.colleague.id_number_masked,
            "甲保安公司",
            "",
            "离职",
            "",
            "不在岗；上岗: 已暂停",
            "不在岗；上岗: 已暂停；消防: 已撤销",
        ],
    ]


def _get(client, file_format, **params):
    response = client.get(reverse("certs-roster-export", args=[file_format]), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _csv_rows(body):
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx_rows(body):
    book = load_workbook(io.BytesIO(body))
    # A blank cell reads as None, an empty CSV cell as "".
    return [
        ["" if value is None else value for value in row]
        for row in book.active.iter_rows(values_only=True)
    ]


@pytest.mark.django_db
def test_csv_and_xlsx_have_the_same_rows_as_the_page(export_world, client_for):
    w = export_world
    client = client_for(w.station_staff.user)
    csv_rows = _csv_rows(_get(client, "csv", organisation=w.company.pk))
    xlsx_rows = _xlsx_rows(_get(client, "xlsx", organisation=w.company.pk))
    assert csv_rows == xlsx_rows == [HEADER, *expected_rows(w)]
    masked = csv_rows[2][1]
    assert masked == "*" * 14 + w.trainee.id_number[-4:]
    # The page's verdicts, person by person, in the same order.
    query = roster_query(
        roster_scope_for_station(w.station),
        RosterFilters(day=timezone.localdate(), organisation=w.company.pk),
    )
    page = roster_rows(query, query.people)
    assert [row.person.id_number_masked for row in page] == [
        row[1] for row in csv_rows[1:]
    ]
    assert [[s.deployable for s in row.posts] for row in page] == [
        [cell == "是" for cell in row[6:]] for row in csv_rows[1:]
    ]


@pytest.mark.django_db
def test_the_whole_scope_comes_out_once_each_and_never_a_full_id(
    export_world, client_for
):
    w = export_world
    client = client_for(w.station_staff.user)
    csv_body = _get(client, "csv")
    xlsx_rows = _xlsx_rows(_get(client, "xlsx"))
    assert _csv_rows(csv_body) == xlsx_rows
    query = roster_query(
        roster_scope_for_station(w.station), RosterFilters(day=timezone.localdate())
    )
    assert [row[1] for row in xlsx_rows[1:]] == [
        p.id_number_masked for p in query.people
    ]
    assert w.outsider.id_number_masked not in {row[1] for row in xlsx_rows}
    everyone = " ".join(str(cell) for row in xlsx_rows for cell in row)
    for person in query.people:
        assert person.id_number not in everyone
        assert person.id_number not in csv_body.decode("utf-8-sig")


@pytest.mark.django_db
@pytest.mark.parametrize("export", [csv_chunks, xlsx_file])
def test_an_export_makes_the_same_queries_for_3_or_30_people(world, export):
    counts = []
    for n in (3, 27):  # 3 people, then 30
        _populate(world.station, n)
        query = roster_query(
            roster_scope_for_station(world.station),
            RosterFilters(day=timezone.localdate()),
        )
        with CaptureQueriesContext(connection) as captured:
            out = export(query)
            if export is csv_chunks:
                "".join(out)
            else:
                out.close()
        counts.append(len(captured))
    # the types' names, then the people with their records (one cursor)
    assert counts == [2, 2]


@pytest.mark.django_db
def test_rows_read_one_cursor_whatever_its_chunk(export_world):
    """People and records come from one query (one snapshot): a small chunk
    changes how often the cursor is read, not the rows or the query count."""
    w = export_world
    query = roster_query(
        roster_scope_for_station(w.station),
        RosterFilters(day=timezone.localdate(), organisation=w.company.pk),
    )
    sheet = RosterSheet(query)
    with CaptureQueriesContext(connection) as captured:
        rows = list(sheet.rows(chunk_size=2))
    assert rows == expected_rows(w)
    assert len(captured) == 1


@pytest.mark.django_db
def test_xlsx_keeps_columns_whose_headers_repeat(export_world, client_for):
    """Post names are free text: two posts may share one, and a post may be named
    like a fixed column. Every column stays, in order, as in the CSV."""
    w = export_world
    make_post(code="GATE2", name="门卫", sort_order=3, required_types=[w.fire])
    make_post(code="STATE", name="状态", sort_order=4, required_types=[])
    client = client_for(w.station_staff.user)
    csv_rows = _csv_rows(_get(client, "csv", organisation=w.company.pk))
    xlsx_rows = _xlsx_rows(_get(client, "xlsx", organisation=w.company.pk))
    assert xlsx_rows[0] == [*HEADER, "门卫", "状态"]
    assert xlsx_rows == csv_rows
    holder = xlsx_rows[2]
    assert holder[0] == "甲一"
    # 门卫 (duty held), 巡逻 (no fire), 门卫 again (fire only), 状态 (nothing needed)
    assert holder[6:] == ["是", "消防: 未取得", "消防: 未取得", "是"]


def _xlsx_of(w, **filters):
    query = roster_query(
        roster_scope_for_station(w.station),
        RosterFilters(day=timezone.localdate(), **filters),
    )
    with xlsx_file(query) as handle:
        return handle.read()


@pytest.mark.django_db
def test_xlsx_of_no_one_is_the_header_row(export_world):
    body = _xlsx_of(
        export_world, team=TeamFactory(organisation=export_world.company).pk
    )
    assert _xlsx_rows(body) == [HEADER]


@pytest.mark.django_db
def test_xlsx_cells_are_text_whatever_they_hold(export_world):
    """Control characters, markup, Excel's own escapes and text that looks like a
    number or a link: the file opens and each cell reads as its text (control
    characters as Excel's _xHHHH_, which Excel shows as the character)."""
    w = export_world
    names = {
        w.trainee: "甲\x07一\t<b>&</b>",
        w.colleague: "_x0041_",
        w.org_admin: "0012",
        w.instructor: "http://example.com/",
    }
    for person, name in names.items():
        person.name = name
        person.save()
    body = _xlsx_of(w, organisation=w.company.pk)
    assert {row[0] for row in _xlsx_rows(body)[1:]} == {
        "甲_x0007_一\t<b>&</b>",
        "_x005F_x0041_",
        "0012",
        "http://example.com/",
    }
    sheet = load_workbook(io.BytesIO(body)).active
    for row in sheet.iter_rows(min_row=2):
        assert {cell.data_type for cell in row} <= {"s", "n"}  # "n": a blank cell
        assert not any(cell.value is not None and cell.data_type == "n" for cell in row)
        assert not any(cell.hyperlink for cell in row)
