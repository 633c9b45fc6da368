"""The roster's exports (lms.certs.roster_export): the same cells in CSV and XLSX,
worded as the page words them, ID numbers masked, in the roster's order, in a
constant number of queries; the CSV streamed in constant memory, and written by
PostgreSQL (lms.certs.roster_copy) with the bytes Python writes."""

import csv
import io
import tracemalloc
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from lms.certs import roster_export
from lms.certs.constants import Status
from lms.certs.models import Post, QualificationRecord
from lms.certs.roster import (
    RosterFilters,
    roster_query,
    roster_rows,
    roster_scope_for_station,
)
from lms.certs.roster_export import RosterSheet, csv_chunks, xlsx_file
from lms.people.constants import PersonStatus
from lms.people.models import Person
from tests.certs.test_roster import _populate, make_post
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    QualificationRecordFactory,
    QualificationTypeFactory,
    StationFactory,
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


# --- the CSV on PostgreSQL (one COPY) against the CSV written by Python ------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a COPY needs PostgreSQL"
)
# Texts that the CSV must quote (comma, quote, CR, LF), that Excel would run
# (a leading =, +, -, @, tab or CR), and that SQL or a driver might read as
# something else (%, backslash, COPY's end marker, the word NULL).
AWKWARD = [
    "甲,乙",
    'say "hi"',
    "two\nlines",
    "cr\rhere",
    "crlf\r\nend",
    "+86",
    "-1",
    "@at",
    "\ttab",
    "\rcr",
    "=1+1",
    "100% %s %(day)s",
    "back\\slash",
    "\\.",
    " leading space",
    "NULL",
    "",
]


def _both_csv(query):
    """The CSV written by PostgreSQL and by Python, each joined."""
    return "".join(csv_chunks(query, copy=True)), "".join(csv_chunks(query, copy=False))


@pytest.fixture
def awkward_world(export_world):
    """export_world, plus one person per awkward text as their name (the team's
    and the organisation's too), two types whose names are awkward (one empty),
    a person without an ID number and one whose status has no label."""
    w = export_world
    w.odd = QualificationTypeFactory(code="ODD", name='=急救,"一"')
    w.blank = QualificationTypeFactory(code="BLANK", name="")
    make_post(code="ODD", name="=特勤", sort_order=3, required_types=[w.odd, w.blank])
    company = OrganisationFactory(
        code="CO-Z", name='丙"公司",\n二部', supervising_station=w.station
    )
    today = timezone.localdate()
    for n, text in enumerate(AWKWARD):
        person = PersonFactory(
            name=text,
            organisation=company,
            team=TeamFactory(organisation=company, name=text),
        )
        QualificationRecordFactory(
            person=person,
            qualification_type=[w.odd, w.blank, w.duty][n % 3],
            serial=f"Z-{text[:8]}-{n}",
            valid_until=None if n % 2 else today + timedelta(days=n),
            status=[Status.ACTIVE, Status.SUSPENDED, Status.EXPIRED][n % 3],
        )
    # Held qualifications are listed by type code, then serial: neither the
    # serials' order nor the types' creation order.
    holder = PersonFactory(name="多证", organisation=company)
    for code, serial in (("C", "Z-3"), ("A", "Z-2"), ("B", "Z-1")):
        QualificationRecordFactory(
            person=holder,
            qualification_type=QualificationTypeFactory(code=code, name=f"证{code}"),
            serial=serial,
        )
    nobody = PersonFactory(name="无号", organisation=company)
    Person.objects.filter(pk=nobody.pk).update(id_number_last4="", status="=odd")
    return w


@on_postgresql
@pytest.mark.django_db
def test_copy_writes_the_bytes_python_writes(awkward_world):
    w = awkward_world
    station = roster_scope_for_station(w.station)
    day = timezone.localdate()
    for filters in (
        RosterFilters(day=day),
        RosterFilters(day=day, organisation=w.company.pk),
        RosterFilters(day=day, deployable=False),
        RosterFilters(day=day, post=Post.objects.get(code="ODD").pk),
        RosterFilters(day=day, qualification_type=w.duty.pk),
        RosterFilters(day=day + timedelta(days=400)),
    ):
        copied, written = _both_csv(roster_query(station, filters))
        assert copied == written, filters
    copied, _written = _both_csv(roster_query(station, RosterFilters(day=day)))
    rows = _csv_rows(copied.encode())
    assert len(rows) == 1 + station.count()
    assert {row[0] for row in rows} >= {"'=1+1", "'\rcr", "'\ttab", "two\nlines"}
    (nobody,) = (row for row in rows if row[0] == "无号")
    assert nobody[1] == ""  # no number, no mask
    assert nobody[4] == "'=odd"  # a status without a label, as a cell


@on_postgresql
@pytest.mark.django_db
@settings(
    max_examples=25,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    names=st.lists(
        st.text(st.sampled_from(list('甲a ,"\n\r\t=+-@%\\；:')), max_size=6),
        min_size=1,
        max_size=5,
    ),
    type_names=st.lists(
        st.text(st.sampled_from(list('乙b ,"\n=；:')), max_size=4),
        min_size=3,
        max_size=3,
    ),
    codes=st.permutations(["T1", "T2", "T3"]),
    statuses=st.lists(st.sampled_from(list(PersonStatus)), min_size=5, max_size=5),
    post_types=st.lists(st.sets(st.integers(0, 2), max_size=3), max_size=3),
    specs=st.lists(
        st.tuples(
            st.integers(0, 4),
            st.integers(0, 2),
            st.integers(0, 99),  # the serial's order
            st.sampled_from(list(Status)),
            st.integers(-2, 1),
            st.one_of(st.none(), st.integers(-1, 2)),
        ),
        max_size=12,
    ),
)
# Two held records whose serials run against their types' codes.
@example(
    names=["甲"],
    type_names=["乙", "b", ""],
    codes=["T2", "T1", "T3"],
    statuses=[PersonStatus.ACTIVE] * 5,
    post_types=[{0, 1}],
    specs=[(0, 0, 1, Status.ACTIVE, -1, None), (0, 1, 2, Status.ACTIVE, -1, None)],
)
def test_copy_and_python_agree_on_any_roster(
    names, type_names, codes, statuses, post_types, specs
):
    """Random people, types (codes in any order), posts and records (dates around
    the day, every status, serials in any order): the same bytes either way."""
    day = date(2026, 6, 15)
    with transaction.atomic():
        station = StationFactory()
        company = OrganisationFactory(supervising_station=station, name=names[0])
        types = [
            QualificationTypeFactory(code=code, name=name)
            for code, name in zip(codes, type_names, strict=True)
        ]
        for chosen in post_types:
            make_post(name=names[-1], required_types=[types[i] for i in chosen])
        people = [
            PersonFactory(name=name, organisation=company, status=status)
            for name, status in zip(names, statuses, strict=False)
        ]
        current = set()
        for n, (who, kind, serial, status, start, length) in enumerate(specs):
            if who >= len(people):
                continue
            if status in (Status.PENDING, Status.ACTIVE, Status.SUSPENDED):
                if (who, kind) in current:
                    continue  # one current record per person and type
                current.add((who, kind))
            QualificationRecordFactory(
                person=people[who],
                qualification_type=types[kind],
                serial=f"S{serial:02d}-{n}",
                status=status,
                valid_from=day + timedelta(days=start),
                valid_until=None if length is None else day + timedelta(days=length),
            )
        query = roster_query(roster_scope_for_station(station), RosterFilters(day=day))
        copied, written = _both_csv(query)
        assert copied == written
        assert len(_csv_rows(copied.encode())) == 1 + len(people)
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("copy", [pytest.param(True, marks=on_postgresql), False])
def test_the_csv_streams_a_chunk_of_rows_at_a_time(
    export_world, client_for, monkeypatch, copy
):
    monkeypatch.setattr(roster_export, "ROWS_PER_CHUNK", 3)
    w = export_world
    for n in range(4):
        PersonFactory(name=f"乙{n}", organisation=w.company)
    response = client_for(w.station_staff.user).get(
        reverse("certs-roster-export", args=["csv"]), {"organisation": w.company.pk}
    )
    assert isinstance(response, StreamingHttpResponse)
    query = roster_query(
        roster_scope_for_station(w.station),
        RosterFilters(day=timezone.localdate(), organisation=w.company.pk),
    )
    chunks = [chunk for chunk in csv_chunks(query, copy=copy) if chunk]
    # the header, then 8 people 3 at a time
    assert [len(_csv_rows(chunk.encode())) for chunk in chunks] == [1, 3, 3, 2]
    assert "".join(chunks).encode() == b"".join(response.streaming_content)


def _many_people(company, n, duty):
    people = Person.objects.bulk_create(
        Person(name=f"丁{i:05d}", organisation=company, id_number_last4=f"{i:04d}")
        for i in range(n)
    )
    today = timezone.localdate()
    QualificationRecord.objects.bulk_create(
        QualificationRecord(
            serial=f"M-{person.pk}",
            code=f"MC-{person.pk}",
            person=person,
            qualification_type=duty,
            status=Status.ACTIVE,
            issued_on=today,
            valid_from=today,
        )
        for person in people
    )


@pytest.mark.django_db
@pytest.mark.parametrize("copy", [pytest.param(True, marks=on_postgresql), False])
def test_the_csv_takes_the_same_memory_for_4500_or_13500_people(world, copy):
    """Constant memory: Python's peak while the CSV of 13,500 people is read
    chunk by chunk is no higher than for 4,500 (the rows are passed on, never
    gathered; the Python path holds two of its cursor's chunks of 2,000 rows at
    most, so fewer than 4,000 people would not show the peak)."""
    duty = QualificationTypeFactory(code="DUTY")
    make_post(code="GATE", required_types=[duty])
    peaks, sizes = [], []
    for n in (4500, 9000):  # 4,500 people, then 13,500
        _many_people(OrganisationFactory(supervising_station=world.station), n, duty)
        query = roster_query(
            roster_scope_for_station(world.station),
            RosterFilters(day=timezone.localdate()),
        )
        size = 0
        tracemalloc.start()
        try:
            for chunk in csv_chunks(query, copy=copy):
                size += len(chunk)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        sizes.append(size)
    assert sizes[1] > 2.9 * sizes[0]
    assert peaks[1] < 1.25 * peaks[0]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_csv_left_half_read_leaves_the_connection_usable(export_world, monkeypatch):
    """A download abandoned mid-way closes the response's iterator: the COPY is
    cancelled and the connection (kept between requests) serves the next query."""
    monkeypatch.setattr(roster_export, "ROWS_PER_CHUNK", 1)
    w = export_world
    query = roster_query(
        roster_scope_for_station(w.station), RosterFilters(day=timezone.localdate())
    )
    chunks = csv_chunks(query)
    next(chunks)  # the header
    next(chunks)  # the first person
    chunks.close()
    assert Person.objects.filter(organisation=w.company).count() == 4
