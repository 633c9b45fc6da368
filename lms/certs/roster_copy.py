"""The roster's CSV export on PostgreSQL, written by the database in one COPY.

Why: issue 17 wants the CSV of 100,000 people in 3 s, and the Python path
(``roster_export.RosterSheet.rows`` through the csv module) took 1.6-1.8 s on a
quiet VM and 8 s on a loaded one: it reads one row per person and record (400,000
rows, PostgreSQL sorting them on disk; 1.0 s for the query and the driver alone)
and builds every row in Python. Here PostgreSQL groups each person's records (the
held qualifications' text, the best rank per required type), words and quotes
every cell and writes the CSV; Python only passes the rows on. About 1.6 x as fast
(docs/benchmarks.md, "Exports").

Raw SQL, kept in this module, because a COPY takes a statement, not a queryset,
and an ordered ``string_agg`` with a FILTER is beyond the ORM of Django 5.2 (it
has it only in django.contrib.postgres). Who is listed still comes from the
roster's own queryset (scope and filters, compiled by the ORM), so that is never
written twice. Everything else follows the Python path from the same sources:

* the order: ``ROSTER_ORDER``, as a row number (a join does not keep a
  subquery's order);
* a record's rank: ``record_rank``'s tables (``STATUS_RANK`` and the others);
* the words: the sheet's own (status labels, each required type's reason per rank,
  "yes", "not active"), in the language active when the sheet was made; ID numbers
  masked with ``idnumber.MASK``;
* a cell: as ``roster_export._cell`` (text that starts like a formula gets a
  leading ');
* the CSV: PostgreSQL quotes a field holding a comma, a double quote, CR or LF and
  doubles its quotes, as Python's csv module (excel dialect) does. It also quotes
  an empty string, so empty cells go out as NULL (written bare, as Python writes
  ""); and it ends a row with LF, Python with CRLF, so each row gets CRLF (the
  protocol sends a COPY's rows one message each, and psycopg's ``Copy.read``
  returns one row).

tests/certs/test_roster_export.py compares the two paths byte for byte.
Values are inlined as literals by psycopg's quoting (``compose_sql``): a COPY
cannot take bound parameters.
"""

from django.db import connections
from django.db.models import Window
from django.db.models.functions import RowNumber

from lms.certs.constants import Status
from lms.certs.models import QualificationRecord, QualificationType
from lms.certs.roster import (
    EXPIRED_RANK,
    EXPORT_PERSON_VALUES,
    HELD,
    IGNORED_STATUSES,
    MISSING_RANK,
    NOT_YET_VALID_RANK,
    ROSTER_ORDER,
    STATUS_RANK,
)
from lms.people import idnumber
from lms.people.constants import PersonStatus

# p: the roster's people (EXPORT_PERSON_VALUES, in that order, then their place in
# ROSTER_ORDER); a: per person, the held qualifications' text and, per required
# type, the best rank of its records; line: the cells, unquoted, in column order.
COPY = """COPY (
SELECT {cells} FROM (
  SELECT p.position, p.name, {id_number}, p.organisation, p.team, {status},
         a.held{posts}
  FROM ({people}) AS p (id, name, last4, organisation, team, status, position)
  LEFT JOIN (
    SELECT r.person_id,
           string_agg(t.name || ' ' || r.serial || COALESCE(
                        ' ≤' || to_char(r.valid_until, 'YYYY-MM-DD'), ''),
                      {separator}
                      ORDER BY t.code COLLATE "C", r.serial COLLATE "C")
             FILTER (WHERE r.rank = {held_rank}) AS held{ranks}
    FROM (
      SELECT person_id, qualification_type_id AS type_id, serial, valid_until,
             {rank} AS rank
      FROM {records}
      WHERE person_id IN ({ids}) AND NOT status = ANY({ignored}::text[])
    ) AS r
    JOIN {types} AS t ON t.id = r.type_id
    GROUP BY r.person_id
  ) AS a ON a.person_id = p.id
) AS line (position, {columns})
ORDER BY line.position
) TO STDOUT (FORMAT csv)"""


def csv_row_chunks(sheet, *, formula_starts, rows_per_chunk):
    """The rows of ``sheet`` (a RosterSheet) as CSV text, ``rows_per_chunk`` rows
    a chunk, read from one COPY as the database writes them."""
    connection = connections[sheet.query.people.db]
    statement = copy_statement(sheet, connection, formula_starts)
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        rows = []
        for row in copy:
            rows.append(row[:-1])  # without PostgreSQL's LF
            if len(rows) == rows_per_chunk:
                yield _with_crlf(rows)
                rows = []
        if rows:
            yield _with_crlf(rows)


def _with_crlf(rows):
    return (b"\r\n".join(rows) + b"\r\n").decode()


def copy_statement(sheet, connection, formula_starts):
    """The COPY that writes the rows of ``sheet``, every value a literal."""
    query = sheet.query

    def literal(value):
        return connection.ops.compose_sql("%s", [value])

    def compiled(queryset):
        return connection.ops.compose_sql(*queryset.query.sql_with_params())

    def cell(column):
        # roster_export._cell; and "" as NULL, which the CSV writes bare.
        return (
            f"CASE WHEN left({column}, 1) = ANY({starts}::text[])"
            f" THEN '''' || {column} ELSE NULLIF({column}, '') END"
        )

    starts = literal(list(formula_starts))
    separator = literal("；")
    people = (
        query.people.order_by()
        .values_list(*EXPORT_PERSON_VALUES)
        .annotate(position=Window(RowNumber(), order_by=ROSTER_ORDER))
    )
    day = literal(query.filters.day)
    # roster.record_rank
    rank = (
        f"CASE WHEN status = {literal(Status.ACTIVE.value)} THEN"
        f" CASE WHEN valid_from > {day} THEN {NOT_YET_VALID_RANK}"
        f" WHEN valid_until < {day} THEN {EXPIRED_RANK} ELSE {HELD} END"
        + "".join(
            f" WHEN status = {literal(status)} THEN {int(value)}"
            for status, value in STATUS_RANK.items()
        )
        + f" ELSE {MISSING_RANK} END"
    )
    # RosterSheet.row: the status's label, else the status itself.
    status = (
        "CASE p.status"
        + "".join(
            f" WHEN {literal(value)} THEN {literal(label)}"
            for value, label in sheet.statuses.items()
            if label
        )
        + " ELSE p.status END"
    )
    inactive = (
        f"CASE WHEN p.status <> {literal(PersonStatus.ACTIVE.value)}"
        f" THEN {literal(sheet.inactive)} END"
    )
    # RosterSheet.post_cells: "not active", then each required type's reason for
    # its best rank (NULL when held: concat_ws skips it); no reason at all: yes.
    posts = []
    for post in query.posts:
        reasons = [inactive] + [
            f"({literal(list(sheet.reasons[type_id]))}::text[])"
            f"[COALESCE(a.rank_{int(type_id)}, {MISSING_RANK}) + 1]"
            for type_id in post.type_ids
        ]
        posts.append(
            f"COALESCE(NULLIF(concat_ws({separator}, {', '.join(reasons)}), ''),"
            f" {literal(sheet.yes)})"
        )
    columns = [f"c{n}" for n in range(len(sheet.headers))]
    return COPY.format(
        cells=", ".join(cell(f"line.{column}") for column in columns),
        id_number=(
            f"CASE WHEN p.last4 <> '' THEN {literal(idnumber.MASK)} || p.last4 END"
        ),
        status=status,
        posts="".join(f", {post}" for post in posts),
        people=compiled(people),
        separator=separator,
        held_rank=HELD,
        ranks="".join(
            f", MIN(r.rank) FILTER (WHERE r.type_id = {int(type_id)})"
            f" AS rank_{int(type_id)}"
            for type_id in sheet.required
        ),
        rank=rank,
        records=connection.ops.quote_name(QualificationRecord._meta.db_table),
        ids=compiled(query.people.order_by().values("pk")),
        ignored=literal([str(status) for status in IGNORED_STATUSES]),
        types=connection.ops.quote_name(QualificationType._meta.db_table),
        columns=", ".join(columns),
    )
