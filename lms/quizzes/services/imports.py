"""Importing and exporting a question bank as a spreadsheet: all rows or none.

A file with any bad row imports nothing, and the report names every bad row (as
numbered in the spreadsheet) and column, and every row left out around the table
(a title above the header, a note below the data). Importing the same file again
updates the questions instead of duplicating them (see
``QuestionResource._identify``). The columns are documented for users in
``docs/quizzes.md``, on the import page and in the template's second sheet.
"""

from dataclasses import dataclass

import tablib
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.core import spreadsheets
from lms.core.spreadsheets import ImportFileError  # noqa: F401 - part of this API
from lms.quizzes.resources import (
    COLUMN_LABELS,
    COLUMNS,
    QUESTION_COLUMNS,
    REQUIRED_COLUMNS,
    QuestionResource,
)

QUESTIONS_IMPORT = "quizzes.questions_import"
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
PERMISSIONS = ("quizzes.add_question", "quizzes.change_question")


def questions_import_allowed(user):
    """Importing adds and changes questions: instructors and training managers."""
    return user.has_perms(PERMISSIONS)


def questions_dataset_from_upload(filename, content):
    """Read a CSV or XLSX upload of questions into a dataset with our columns."""
    return spreadsheets.dataset_from_upload(
        filename,
        content,
        columns=QUESTION_COLUMNS,
        max_bytes=MAX_BYTES,
        max_rows=MAX_ROWS,
        no_rows_message=_("The file has a header but no questions."),
    )


def questions_import(*, bank, dataset, actor=None, dry_run=False, source=""):
    """Import ``dataset`` into ``bank``: everything or nothing, in one transaction.

    ``actor`` None means a script or the command line. A dry run checks every row
    and counts what would be created, updated or left unchanged, writing nothing.
    """
    if actor is not None and not questions_import_allowed(actor):
        raise PermissionDenied(_("You may not import questions."))
    return spreadsheets.all_or_nothing_import(
        resource=QuestionResource(bank=bank),
        dataset=dataset,
        columns=QUESTION_COLUMNS,
        dry_run=dry_run,
        audited=bank,
        action=QUESTIONS_IMPORT,
        actor=actor,
        source=source,
    )


def questions_export(*, queryset, file_format="xlsx"):
    """The questions as a spreadsheet in the import's columns: an export imports
    again unchanged. Returns bytes for XLSX, text for CSV."""
    dataset = QuestionResource().export(
        queryset=queryset.select_related("category").order_by("code", "pk")
    )
    return dataset.export(file_format)


@dataclass(frozen=True)
class ColumnDoc:
    header: str
    alias: str
    label: str
    required: bool
    accepts: str


COLUMN_ACCEPTS = {
    "code": gettext_lazy(
        "The question's number in the bank, up to 40 characters. Importing again "
        "updates the question with this code; without a code, the question with "
        "exactly the same text."
    ),
    "kind": gettext_lazy(
        "单选 (single choice), 多选 (multiple choice) or 判断 (true or false); "
        "also 单选题, 多选题, 判断题, single, multiple, true_false."
    ),
    "category": gettext_lazy(
        "The name of a category that already exists in the chosen bank."
    ),
    "stem": gettext_lazy("The question itself. Must not be empty."),
    "option_a": gettext_lazy(
        "Options A to F of a choice question, from A on without gaps; at least two. "
        "Empty for a true/false question."
    ),
    "answer": gettext_lazy(
        "Choice questions: the letters of the correct options in any case, with or "
        "without separators (B, ACD, “A,C”, “A、C”); exactly one for 单选, at least "
        "one for 多选. True/false: 正确 or 错误 (also 对/错, √/×, T/F, true/false)."
    ),
    "explanation": gettext_lazy(
        "Shown to trainees after the quiz, if it shows answers."
    ),
    "difficulty": gettext_lazy("易, 中 or 难 (also 1, 2, 3); empty means 中."),
    "tags": gettext_lazy(
        "Tags separated by 、; they replace the question's tags. Without this "
        "column, the tags stay as they are."
    ),
}


def questions_column_docs():
    """What each column holds and accepts, for the import page and the template.
    The six option columns share one entry."""
    docs = []
    for name, header in COLUMNS.items():
        if name not in COLUMN_ACCEPTS:
            continue
        if name == "option_a":
            header, alias = f"{header}…{COLUMNS['option_f']}", "option_a…option_f"
        else:
            alias = name
        docs.append(
            ColumnDoc(
                header=header,
                alias=alias,
                label=str(COLUMN_LABELS[name]),
                required=name in REQUIRED_COLUMNS,
                accepts=str(COLUMN_ACCEPTS[name]),
            )
        )
    return docs


def questions_template_dataset():
    """The import columns with two example rows: a single choice and a true/false
    question."""
    rows = [
        {
            "code": "FL-001",
            "kind": "单选",
            "category": "法律法规",
            "stem": "申请保安员证，申请人应当年满多少周岁？",
            "option_a": "16周岁",
            "option_b": "18周岁",
            "option_c": "20周岁",
            "option_d": "22周岁",
            "answer": "B",
            "explanation": "《保安服务管理条例》规定，申请保安员证应当年满18周岁。",
            "difficulty": "易",
            "tags": "保安服务管理条例、保安员证",
        },
        {
            "code": "FL-002",
            "kind": "判断",
            "category": "法律法规",
            "stem": "保安员可以扣押他人的身份证件。",
            "answer": "错误",
            "explanation": "保安员不得扣押、没收他人证件、财物。",
            "difficulty": "易",
            "tags": "保安员权限",
        },
    ]
    return tablib.Dataset(
        *[[row.get(name, "") for name in COLUMNS] for row in rows],
        headers=list(COLUMNS.values()),
        title=_("Questions"),
    )


def questions_template(*, file_format):
    """The template file: in XLSX with a second sheet that documents the columns."""
    dataset = questions_template_dataset()
    if file_format != "xlsx":
        return dataset.export(file_format)
    docs = tablib.Dataset(
        *[
            [
                doc.header,
                doc.alias,
                _("yes") if doc.required else "",
                doc.accepts,
            ]
            for doc in questions_column_docs()
        ],
        headers=[_("Column"), _("English header"), _("Required"), _("Accepts")],
        title=_("Columns"),
    )
    return tablib.Databook([dataset, docs]).export("xlsx")
