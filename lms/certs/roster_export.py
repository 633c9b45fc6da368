"""The roster as a spreadsheet (export only): one row per person, ID numbers masked,
one column per duty post ("yes", or the reasons). Headers are in the user's
language.

100,000 people must leave in a few seconds (issue 17: CSV ≤ 3 s, XLSX ≤ 10 s) in
bounded memory, so the export does not build the page's ``RosterRow`` objects
(a model instance, dataclasses and an import-export resource per person cost
0.27 ms a row, 27 s in all). It reads plain values from one query, people
LEFT JOIN their records, in the roster's order, through one server-side cursor:
a constant number of queries, and one snapshot, so a change made while the export
runs cannot pair a person with someone else's records. Each person's records are
ranked as the page ranks them (``lms.certs.roster.record_rank``); the post columns
depend only on the person being active and on the rank of each required type, so
they are worked out once per combination (``RosterSheet.post_cells``).

The CSV is written a chunk of rows at a time into a StreamingHttpResponse: on
PostgreSQL by the database itself, in one COPY (``lms.certs.roster_copy``: 1.6 x
as fast for 100,000 people, issue 17's CSV budget), elsewhere by Python's csv
module from ``RosterSheet.rows``; both write the same bytes (tested). The XLSX is
written into a temporary file that is then streamed, by rustpy-xlsxwriter (Python
bindings, by Rahmad Afandi, of rust_xlsxwriter, the Rust port of XlsxWriter) in its
constant-memory mode (strings inline, a row written out when the next starts).
Why that library: speed, measured (docs/benchmarks.md, "Roster"). XlsxWriter's
``constant_memory`` mode took 8.3-8.9 s to write 100,000 rows of 9 cells before
any row was built, and the whole export 13-22 s against issue 17's 10 s;
rustpy-xlsxwriter writes the same cells in 1.0 s, and the whole export takes
4.2-5.9 s (2.6-3.1 x faster in the same run), the worker's RSS growing by 19 MB.
"""

import csv
import io
import tempfile
from operator import itemgetter

import rustpy_xlsxwriter
from django.db import connections
from django.db.models import FilteredRelation, Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from lms.certs import roster_copy
from lms.certs.models import QualificationType
from lms.certs.roster import (
    CHUNK_SIZE,
    EXPORT_PERSON_VALUES,
    HELD,
    IGNORED_STATUSES,
    MISSING_RANK,
    RANKED,
    Reason,
    record_rank,
)
from lms.people import idnumber
from lms.people.constants import PersonStatus

COLUMNS = {
    "name": _("Name"),
    "id_number": _("ID number"),
    "organisation": _("Organisation"),
    "team": _("Team"),
    "status": _("Status"),
    "qualifications": _("Qualifications held"),
}
ROWS_PER_CHUNK = 500
# Post columns kept per combination of ranks; past this many combinations (many
# types required), the cache starts again so that memory stays bounded.
POST_CELLS_KEPT = 10_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ACTIVE = PersonStatus.ACTIVE.value
_CODE_SERIAL = itemgetter(0, 1)


def _reason_text(type_name, reason):
    label = str(reason.label)
    return f"{type_name}: {label}" if type_name else label


def _cell(value):
    """Text for a cell. Names come from admins and imports: a value that Excel
    would run as a formula (=HYPERLINK(…)) is kept as text with a leading '."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class RosterSheet:
    """One export of a RosterQuery: what every row shares, worked out once, in the
    language active when it is made (the view's, not whatever is active when a
    streamed response is finally read), and the rows (``rows``)."""

    def __init__(self, query):
        self.query = query
        self.headers = [str(label) for label in COLUMNS.values()]
        self.headers += [post.name for post in query.posts]
        # Held records name every type, not only those the posts require.
        self.types = {
            pk: (code, name)
            for pk, code, name in QualificationType.objects.values_list(
                "pk", "code", "name"
            )
        }
        self.required = sorted({t for post in query.posts for t in post.type_ids})
        self.statuses = {
            value: _cell(str(label)) for value, label in PersonStatus.choices
        }
        self.yes = _cell(_t("Yes"))
        self.inactive = str(Reason.INACTIVE.label)
        # Per required type, what a post column says of each rank (None: held).
        self.reasons = {
            type_id: tuple(
                None if reason is None else _reason_text(name, reason)
                for reason in RANKED
            )
            for type_id, (_code, name) in query.type_names.items()
        }
        self._post_cells = {}

    def post_cells(self, inactive, ranks):
        """The post columns of a person (active or not, ``ranks``: type pk -> the
        best rank of their records of that type), as ``roster.build_row`` words
        them; the same for everyone with the same ranks of the required types."""
        key = (inactive, *[ranks.get(t, MISSING_RANK) for t in self.required])
        cells = self._post_cells.get(key)
        if cells is not None:
            return cells
        cells = []
        for post in self.query.posts:
            reasons = [self.inactive] if inactive else []
            for type_id in post.type_ids:
                rank = ranks.get(type_id, MISSING_RANK)
                if rank != HELD:
                    reasons.append(self.reasons[type_id][rank])
            cells.append(_cell("；".join(reasons)) if reasons else self.yes)
        if len(self._post_cells) >= POST_CELLS_KEPT:
            self._post_cells.clear()
        self._post_cells[key] = cells
        return cells

    def values(self, chunk_size=CHUNK_SIZE):
        """One tuple per person and record (counting records only; a person
        without any comes once, with Nones), a person's tuples together: the
        person's six values, then the record's type pk (index 6), serial,
        status, valid_from and valid_until (10)."""
        counted = FilteredRelation(
            "qualifications",
            condition=~Q(qualifications__status__in=IGNORED_STATUSES),
        )
        return (
            self.query.people.annotate(record=counted)
            .values_list(
                *EXPORT_PERSON_VALUES,
                "record__qualification_type_id",
                "record__serial",
                "record__status",
                "record__valid_from",
                "record__valid_until",
            )
            .iterator(chunk_size=chunk_size)
        )

    def rows(self, chunk_size=CHUNK_SIZE):
        """Each person's row, as a list of cell texts, in the roster's order."""
        day = self.query.filters.day
        types = self.types
        person = ranks = held = None
        for values in self.values(chunk_size):
            if person is None or values[0] != person[0]:
                if person is not None:
                    yield self.row(person, ranks, held)
                person, ranks, held = values, {}, []
            type_id = values[6]
            if type_id is None:
                continue
            rank = record_rank(values[8], values[9], values[10], day)
            if rank < ranks.get(type_id, MISSING_RANK):
                ranks[type_id] = rank
            if rank == HELD:
                held.append((*types[type_id], values[7], values[10]))
        if person is not None:
            yield self.row(person, ranks, held)

    def row(self, person, ranks, held):
        """One person's cells (``person``: their first tuple from ``values``)."""
        _pk, name, last4, organisation, team, status, *_record = person
        held.sort(key=_CODE_SERIAL)
        qualifications = "；".join(
            f"{type_name} {serial}"
            + (f" ≤{valid_until.isoformat()}" if valid_until else "")
            for _code, type_name, serial, valid_until in held
        )
        return [
            _cell(name),
            # Always masked: the full number never leaves through an export.
            _cell(idnumber.mask(last4)),
            _cell(organisation),
            _cell(team),
            self.statuses.get(status) or _cell(status),
            _cell(qualifications),
            *self.post_cells(status != _ACTIVE, ranks),
        ]


def csv_chunks(query, *, copy=None):
    """The CSV export, as text chunks: a BOM first (so that Excel reads UTF-8) and
    the header row, then ROWS_PER_CHUNK rows a chunk, written by PostgreSQL (a
    COPY) or else by Python. ``copy`` picks a path (tests and the bench compare
    them); a COPY needs PostgreSQL."""
    sheet = RosterSheet(query)
    if copy is None:
        copy = connections[query.people.db].vendor == "postgresql"
    if copy:
        rows = roster_copy.csv_row_chunks(
            sheet, formula_starts=FORMULA_STARTS, rows_per_chunk=ROWS_PER_CHUNK
        )
    else:
        rows = _csv_row_chunks(sheet)
    return _csv_chunks("\ufeff" + _csv_text([sheet.headers]), rows)


def _csv_chunks(header, rows):
    # A generator, so that closing the response closes the rows (and their COPY).
    yield header
    yield from rows


def _csv_text(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _csv_row_chunks(sheet):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for count, row in enumerate(sheet.rows(), start=1):
        writer.writerow(row)
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class _Header(str):
    """A header as a dict key. rustpy-xlsxwriter takes dicts, the first one's keys
    for the header row, but two columns may bear the same text (post names are not
    unique, and one may read like a fixed header: "状态"); a key equal only to
    itself keeps every column, its text as the header. (The library reads each
    row's values in the order of its keys, as the first row's; the rows here are
    all built on the same keys, in the same order.)"""

    __slots__ = ()
    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other


def _records(sheet):
    """The rows as dicts on one tuple of keys, the headers."""
    keys = tuple(_Header(text) for text in sheet.headers)
    empty = True
    for row in sheet.rows():
        empty = False
        yield dict(zip(keys, row, strict=True))
    if empty:
        # No one: a row of blank cells, so that the header row is still written
        # (the library takes the header from the first record). Blank cells are
        # not written, so the sheet holds the header alone, as before.
        yield dict.fromkeys(keys)


def xlsx_file(query):
    """The XLSX export written to a temporary file (rewound); the caller streams
    and closes it. Every cell is written as text (never a formula, link or
    number; the formula-like texts are quoted by _cell already), escaped by the
    library (markup such as "<r>…</r>" stays text, control characters become
    Excel's _xHHHH_). Empty cells are left blank, as openpyxl wrote them before."""
    sheet = RosterSheet(query)
    # Closed by FileResponse once sent (the caller owns it).
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        rustpy_xlsxwriter.write_worksheet(
            _records(sheet), handle, sheet_name=_t("Roster")[:31]
        )
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle
