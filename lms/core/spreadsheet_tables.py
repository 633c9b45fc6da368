"""Finding the table in a spreadsheet people made for themselves.

Files kept in offices rarely start with the header: a merged title row ("2025年保安员
题库"), a line saying who the sheet is for, then the header; and under the data a
"制表人：张三　审核人：李四" or "合计 20 人" line. Reading the first row as the header
turned such a file into "missing columns: 题型、分类…", which told nobody what was
wrong. Here the header is the first row (of the first sheet that has one) holding
every required column; the rows above it and the notes below the data are left out
and named in the report (``SkippedRow``), so nothing is dropped without a word.

Only the edges are trimmed. A row inside the table is data, however odd: a row with
the stem alone is a bad row the import refuses, not a note to skip.
"""

import csv
import datetime
import io
from contextlib import contextmanager
from dataclasses import dataclass

import openpyxl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Header rows further down than this are not looked for: a sheet whose first rows
# hold no header is not the table.
HEADER_SEARCH_ROWS = 20
# What a note line under a table starts with (who made it, when, totals, remarks).
NOTE_WORDS = (
    "制表",
    "填表",
    "填报",
    "编制",
    "审核",
    "复核",
    "审批",
    "负责人",
    "联系人",
    "签字",
    "签名",
    "盖章",
    "日期",
    "备注",
    "说明",
    "注：",
    "注:",
    "合计",
    "共计",
    "总计",
    "打印",
)
# A skipped row is quoted in the report up to this many characters.
QUOTE_LENGTH = 40

ABOVE_HEADER = gettext_lazy("above the header row (a title or a note)")
BELOW_TABLE = gettext_lazy("below the table (a note, not a row of data)")
BESIDE_TABLE = gettext_lazy("nothing under the table's columns")


@dataclass
class SkippedRow:
    row: int  # as numbered in the spreadsheet
    reason: str
    text: str


@dataclass
class Table:
    header_row: int  # as numbered in the spreadsheet
    headers: list  # our column names, one per column kept
    rows: list  # [(spreadsheet row number, [cell values])], blank rows left out
    skipped: list  # [SkippedRow]


class NoTable(Exception):
    """No sheet has a header row: ``empty`` when no cell holds anything, else
    ``row`` is the row that came closest and ``missing`` what it lacks (no ``row``
    when no row has any of the columns)."""

    def __init__(self, *, empty=False, row=None, missing=()):
        super().__init__(empty, row, missing)
        self.empty = empty
        self.row = row
        self.missing = list(missing)


def cell_text(value):
    """A cell as text: Excel's numbers without a spurious ".0", dates as dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


@contextmanager
def sheets_in(filename, content, *, csv_text):
    """The rows of each sheet, read as they are asked for, each a sequence of cell
    values; blank rows are kept, so that counting gives the spreadsheet's row
    numbers. A CSV file (decoded by ``csv_text``) is one sheet."""
    if filename.endswith(".csv"):
        yield [csv.reader(io.StringIO(csv_text(content)))]
        return
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        yield [sheet.iter_rows(values_only=True) for sheet in book.worksheets]
    finally:
        book.close()  # a read-only workbook keeps its archive open until closed


def _header_match(row, columns):
    headers = [columns.canonical(cell_text(cell)) for cell in row]
    present = set(headers) & set(columns.headers.values())
    missing = [
        name for name in columns.required if columns.headers[name] not in present
    ]
    return headers, present, missing


def find_table(sheets, *, columns, max_rows, too_many):
    """The first sheet's table that has a header row with every required column.
    Raises NoTable naming the row that came closest, and ``too_many()`` (an
    exception to raise) past ``max_rows`` rows of data."""
    closest = None  # (columns found, row number, missing)
    anything = False
    for sheet in sheets:
        above = []
        for number, row in enumerate(sheet, start=1):
            row = list(row)
            headers, present, missing = _header_match(row, columns)
            if not missing:
                return _table(sheet, number, headers, above, max_rows, too_many)
            if present and (closest is None or len(present) > closest[0]):
                closest = (len(present), number, missing)
            if any(cell_text(cell) for cell in row):
                anything = True
                above.append(SkippedRow(number, str(ABOVE_HEADER), _quote(row)))
            if number >= HEADER_SEARCH_ROWS:
                break
    if closest is None:
        raise NoTable(empty=not anything)
    raise NoTable(row=closest[1], missing=closest[2])


def _table(sheet, header_row, headers, above, max_rows, too_many):
    kept = [index for index, header in enumerate(headers) if header]
    rows = []
    for number, row in enumerate(sheet, start=header_row + 1):
        row = list(row)
        if not any(cell_text(cell) for cell in row):
            continue
        rows.append((number, row))
        # Notes at the end may come on top of the limit; nothing more.
        if len(rows) > max_rows + HEADER_SEARCH_ROWS:
            raise too_many()
    below = []
    while rows and (reason := _note(rows[-1][1], kept)):
        number, row = rows.pop()
        below.insert(0, SkippedRow(number, str(reason), _quote(row)))
    if len(rows) > max_rows:
        raise too_many()
    return Table(
        header_row=header_row,
        headers=[headers[index] for index in kept],
        rows=[(number, [_at(row, index) for index in kept]) for number, row in rows],
        skipped=above + below,
    )


def _at(row, index):
    return row[index] if index < len(row) else None


def _note(row, kept):
    """Why a row under the data is a note and not data, or None. Under the columns:
    nothing; or every filled cell starts like a note (制表人、日期、合计…); or one
    cell alone (a merged line), which no import can take as a row of data."""
    filled = [cell_text(cell) for cell in row if cell_text(cell)]
    if not any(cell_text(_at(row, index)) for index in kept):
        return BESIDE_TABLE
    if all(text.startswith(NOTE_WORDS) for text in filled) or len(filled) == 1:
        return BELOW_TABLE
    return None


def _quote(row):
    text = " ".join(cell_text(cell) for cell in row if cell_text(cell))
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1] + "…"


def no_table_message(error, columns):
    """What to tell the user when no header row was found."""
    if error.empty:
        return _("The file is empty.")
    if error.row is None:
        wanted = "、".join(
            f"{columns.labels[name]}（{columns.headers[name]}）"
            for name in columns.required
        )
        return _(
            "No header row found in the first %(rows)s rows: the table needs the "
            "columns %(columns)s. Download the template to see the columns."
        ) % {"rows": HEADER_SEARCH_ROWS, "columns": wanted}
    missing = "、".join(
        f"{columns.labels[name]}（{columns.headers[name]}）" for name in error.missing
    )
    return _(
        "Missing columns: %(columns)s. Row %(row)s looks like the header but lacks "
        "them. Download the template to see the columns."
    ) % {"columns": missing, "row": error.row}
