"""Question bank spreadsheets: all rows or none, every bad row named, re-imports
update, exports import again unchanged, thousands of rows in a few queries."""

from pathlib import Path

import pytest
import tablib
from django.core.exceptions import PermissionDenied
from django.utils import translation
from wagtail.models import ModelLogEntry

from bench.quiz_import import CATEGORIES, questions_xlsx
from lms.quizzes.constants import FALSE, TRUE, Difficulty, QuestionKind
from lms.quizzes.models import Question
from lms.quizzes.services.imports import (
    QUESTIONS_IMPORT,
    ImportFileError,
    questions_dataset_from_upload,
    questions_export,
    questions_import,
    questions_template,
    questions_template_dataset,
)
from tests.factories import CategoryFactory, QuestionBankFactory, QuestionFactory

DEMO_BANK = (
    Path(__file__).resolve().parents[2]
    / "lms"
    / "quizzes"
    / "demo_content"
    / "question_bank.csv"
)
HEADER = "编号,题型,分类,题干,选项A,选项B,选项C,选项D,选项E,选项F,答案,解析,难度,标签"


def csv_bytes(*rows, header=HEADER, encoding="utf-8"):
    return "\n".join([header, *rows]).encode(encoding)


@pytest.fixture
def bank(db):
    bank = QuestionBankFactory(name="保安员题库")
    for name in CATEGORIES:
        CategoryFactory(bank=bank, name=name)
    return bank


def run(bank, content, filename="bank.csv", **kwargs):
    dataset = questions_dataset_from_upload(filename, content)
    return questions_import(bank=bank, dataset=dataset, **kwargs)


def test_a_good_csv_imports_every_kind_and_spelling(bank):
    report = run(
        bank,
        csv_bytes(
            "Q1,单选,法律法规,保安员证由谁发放？,公安机关,保安公司,,,,,b,条例规定。,易,条例、证件",
            "Q2,多选题,消防安全,电器着火应当：,切断电源,用水扑救,用干粉灭火器,报警,,,"
            '"A, c、D",,难,',
            "Q3,判断,巡逻防范,巡逻时可以搜身。,,,,,,,×,,1,",
            "Q4,判断题,巡逻防范,发现火情应报警。,,,,,,,对,,,",
            "Q5,multiple,应急救护,急救电话有：,120,110,119,,,,AC,,medium,",
            "Q6,true_false,应急救护,AED可以由经过培训的保安员使用。,,,,,,,T,,3,AED",
        ),
    )
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (6, 0, 0)
    q1, q2, q3, q4, q5, q6 = Question.objects.filter(bank=bank).order_by("code")
    assert (q1.kind, q1.options, q1.answer) == (
        QuestionKind.SINGLE,
        ["公安机关", "保安公司"],
        [1],
    )
    assert q1.category.name == "法律法规" and q1.difficulty == Difficulty.EASY
    assert sorted(q1.tags.names()) == ["条例", "证件"]
    assert (q2.kind, q2.answer, q2.difficulty) == (
        QuestionKind.MULTIPLE,
        [0, 2, 3],
        Difficulty.HARD,
    )
    assert (q3.kind, q3.options, q3.answer) == (QuestionKind.TRUE_FALSE, [], [FALSE])
    assert q3.difficulty == Difficulty.EASY
    assert (q4.answer, q4.difficulty) == ([TRUE], Difficulty.MEDIUM)
    assert (q5.kind, q5.answer, q5.difficulty) == (
        QuestionKind.MULTIPLE,
        [0, 2],
        Difficulty.MEDIUM,
    )
    assert (q6.answer, q6.difficulty, list(q6.tags.names())) == (
        [TRUE],
        Difficulty.HARD,
        ["AED"],
    )


def test_xlsx_with_english_headers_and_numeric_cells_imports(bank):
    header = ["code", "kind", "category", "stem", "option_a", "option_b"]
    header += ["answer", "explanation", "difficulty", "tags"]
    content = tablib.Dataset(
        *[
            [1001, "single", "法律法规", "年满几周岁可申请保安员证？", 16, 18]
            + ["B", None, 2, None],
            [1002, "Multiple choice", "消防安全", "灭火器有：", "干粉", "二氧化碳"]
            + ["ab", None, 3.0, "消防"],
        ],
        headers=header,
    ).export("xlsx")
    report = run(bank, content, filename="bank.xlsx")
    assert report.ok, report.errors
    first, second = Question.objects.order_by("code")
    assert (first.code, first.options, first.answer) == ("1001", ["16", "18"], [1])
    assert (second.kind, second.answer, second.difficulty) == (
        QuestionKind.MULTIPLE,
        [0, 1],
        Difficulty.HARD,
    )


def test_the_demo_bank_imports_all_166_questions(bank):
    report = run(bank, DEMO_BANK.read_bytes())
    assert report.ok, report.errors[:5]
    assert report.created == 166 == Question.objects.filter(bank=bank).count()
    kinds = set(Question.objects.values_list("kind", flat=True))
    assert kinds == set(QuestionKind.values)


def test_every_bad_row_is_named_and_nothing_is_imported(bank):
    rows = [
        "G1,单选,法律法规,有效的题目,甲,乙,,,,,A,,,",  # row 2: fine
        "B1,单选,法律法规,单选两个答案,甲,乙,丙,,,,AB,,,",  # 3: two answers
        "B2,单选,法律法规,单选没有答案,甲,乙,,,,,,,,",  # 4: no answer
        "B3,多选,法律法规,多选没有答案,甲,乙,丙,,,,,,,",  # 5: no answer
        "B4,判断,法律法规,判断题带选项,甲,乙,,,,,正确,,,",  # 6: options
        "B5,单选,法律法规,,甲,乙,,,,,A,,,",  # 7: empty stem
        "B6,单选,交通安全,未知分类,甲,乙,,,,,A,,,",  # 8: unknown category
        "B7,单选,法律法规,字母不对,甲,乙,,,,,G,,,",  # 9: bad letter
        "B8,单选,法律法规,难度不对,甲,乙,,,,,A,,很难,",  # 10: bad difficulty
        "B9,填空,法律法规,未知题型,甲,乙,,,,,A,,,",  # 11: unknown type
        "B10,单选,法律法规,没有的选项,甲,乙,,,,,D,,,",  # 12: no option D
        "G1,单选,法律法规,重复编号,甲,乙,,,,,A,,,",  # 13: code of row 2
        "B11,判断,法律法规,判断题答案不对,,,,,,,A,,,",  # 14: A for true/false
    ]
    with translation.override("en"):
        report = run(bank, csv_bytes(*rows))
    assert not report.ok
    assert Question.objects.count() == 0
    assert report.bad_rows == list(range(3, 15))
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (3, "Answer"),
        (4, "Answer"),
        (5, "Answer"),
        (6, "Answer"),
        (7, "Question text"),
        (8, "Category"),
        (9, "Answer"),
        (10, "Difficulty"),
        (11, "Type"),
        (12, "Answer"),
        (13, "Code"),
        (14, "Answer"),
    }
    message = {(e.row, e.column): e.message for e in report.errors}
    assert "exactly one" in message[(3, "Answer")]
    assert "at least one" in message[(5, "Answer")]
    assert "true/false" in message[(6, "Answer")]
    assert "empty" in message[(7, "Question text")]
    assert "交通安全" in message[(8, "Category")]
    assert "法律法规" in message[(8, "Category")]
    assert "“G”" in message[(9, "Answer")]
    assert "很难" in message[(10, "Difficulty")] and "难" in message[(10, "Difficulty")]
    assert "单选" in message[(11, "Type")]
    assert "does not exist" in message[(12, "Answer")]
    assert "Row 2" in message[(13, "Code")]
    assert "正确" in message[(14, "Answer")]


def test_row_numbers_count_blank_rows_and_the_header(bank):
    report = run(
        bank,
        csv_bytes(
            "Q1,单选,法律法规,题目一,甲,乙,,,,,A,,,",
            ",,,,,,,,,,,,,",
            "Q2,单选,法律法规,,甲,乙,,,,,A,,,",
        ),
    )
    assert report.bad_rows == [4]


def test_reimport_updates_instead_of_duplicating(bank):
    run(
        bank,
        csv_bytes(
            "Q1,单选,法律法规,旧题干,甲,乙,,,,,A,,,旧",
            ",判断,法律法规,没有编号的题目。,,,,,,,正确,,,",
        ),
    )
    report = run(
        bank,
        csv_bytes(
            "Q1,单选,法律法规,新题干,甲,乙,丙,,,,C,新解析,难,新、标签",
            ",判断,法律法规,没有编号的题目。,,,,,,,错误,,,",
            "Q2,判断,法律法规,新题目。,,,,,,,正确,,,",
        ),
    )
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (1, 2, 0)
    assert Question.objects.count() == 3
    q1 = Question.objects.get(code="Q1")
    assert (q1.stem, q1.options, q1.answer, q1.explanation) == (
        "新题干",
        ["甲", "乙", "丙"],
        [2],
        "新解析",
    )
    assert sorted(q1.tags.names()) == ["新", "标签"]
    assert Question.objects.get(stem="没有编号的题目。").answer == [FALSE]
    again = run(
        bank,
        csv_bytes(
            "Q1,单选,法律法规,新题干,甲,乙,丙,,,,C,新解析,难,标签、新",
            ",判断,法律法规,没有编号的题目。,,,,,,,错误,,,",
            "Q2,判断,法律法规,新题目。,,,,,,,正确,,,",
        ),
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_numbering_a_bank_later_keeps_its_questions(bank):
    run(bank, csv_bytes(",判断,法律法规,先没有编号。,,,,,,,正确,,,"))
    report = run(bank, csv_bytes("F-1,判断,法律法规,先没有编号。,,,,,,,正确,,,"))
    assert (report.created, report.updated) == (0, 1)
    assert Question.objects.get().code == "F-1"
    # A row without code finds it by its text and keeps the code.
    run(bank, csv_bytes(",判断,法律法规,先没有编号。,,,,,,,错误,,,"))
    assert Question.objects.values_list("code", "answer").get() == ("F-1", [FALSE])


def test_a_text_shared_by_two_questions_needs_a_code(bank):
    category = bank.categories.get(name="法律法规")
    QuestionFactory(category=category, code="A-1", stem="同一题干")
    QuestionFactory(category=category, code="A-2", stem="同一题干")
    with translation.override("en"):
        report = run(bank, csv_bytes(",单选,法律法规,同一题干,甲,乙,,,,,A,,,"))
    (error,) = report.errors
    assert (error.row, error.column) == (2, "Question text")
    assert "2 questions" in error.message


def test_tags_replace_and_a_missing_tags_column_keeps_them(bank):
    run(bank, csv_bytes("Q1,判断,法律法规,题目。,,,,,,,正确,,,甲、乙"))
    header = "编号,题型,分类,题干,答案"
    report = run(bank, csv_bytes("Q1,判断,法律法规,题目。,错误", header=header))
    assert report.updated == 1
    question = Question.objects.get()
    assert sorted(question.tags.names()) == ["乙", "甲"]
    run(bank, csv_bytes("Q1,判断,法律法规,题目。,,,,,,,错误,,,丙"))
    assert list(Question.objects.get().tags.names()) == ["丙"]


def test_the_bank_comes_from_the_caller_not_the_file(bank):
    other = QuestionBankFactory(name="另一个题库")
    CategoryFactory(bank=other, name="法律法规")
    run(bank, csv_bytes("Q1,判断,法律法规,题目。,,,,,,,正确,,,"))
    report = run(other, csv_bytes("Q1,判断,法律法规,题目。,,,,,,,正确,,,"))
    assert report.created == 1
    assert Question.objects.filter(code="Q1").count() == 2
    assert Question.objects.get(bank=other).category.bank == other


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_an_export_imports_again_unchanged(bank, file_format):
    category = bank.categories.get(name="消防安全")
    QuestionFactory(category=category, code="E-1")
    QuestionFactory(category=category, code="E-2", multiple=True, difficulty=3)
    tf = QuestionFactory(category=category, code="E-3", true_false=True, answer=[1])
    tf.tags.add("火灾", "报警")
    tf.save()
    QuestionFactory(category=category, code="", stem="没有编号的导出题。")
    data = questions_export(queryset=bank.questions.all(), file_format=file_format)
    content = data if file_format == "xlsx" else data.encode()
    exported = tablib.Dataset().load(data, format=file_format)
    assert exported.headers[:4] == ["编号", "题型", "分类", "题干"]
    by_code = {
        row[0]: dict(zip(exported.headers, row, strict=True)) for row in exported
    }
    assert by_code["E-2"]["答案"] == "ABD" and by_code["E-2"]["难度"] == "难"
    assert by_code["E-3"]["答案"] == "错误" and by_code["E-3"]["题型"] == "判断"
    assert set(by_code["E-3"]["标签"].split("、")) == {"火灾", "报警"}
    before = {q.pk: (q.options, q.answer, q.updated_at) for q in Question.objects.all()}
    report = run(bank, content, filename=f"export.{file_format}")
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    after = {q.pk: (q.options, q.answer, q.updated_at) for q in Question.objects.all()}
    assert after == before


def test_a_generated_2000_question_xlsx_imports_in_a_few_queries(
    bank, django_assert_max_num_queries
):
    """The bank's questions, categories and tags are read once and everything is
    written in bulk: the queries are those of the bulk statements, which the
    database splits by its parameter limit (999 on SQLite: one statement per ~70
    questions), never one per row."""
    dataset = questions_dataset_from_upload("big.xlsx", questions_xlsx(2000))
    with django_assert_max_num_queries(100):
        report = questions_import(bank=bank, dataset=dataset)
    assert report.ok, report.errors[:5]
    assert report.created == 2000 == Question.objects.count()
    assert Question.objects.filter(tags__name="生成").count() == 2000
    changed = questions_dataset_from_upload(
        "big.xlsx", questions_xlsx(2000, revision=1)
    )
    with django_assert_max_num_queries(60):
        report = questions_import(bank=bank, dataset=changed)
    assert (report.created, report.updated) == (0, 2000)
    assert Question.objects.count() == 2000


def test_a_dry_run_counts_but_writes_nothing(bank):
    report = run(
        bank, csv_bytes("Q1,判断,法律法规,题目。,,,,,,,正确,,,甲"), dry_run=True
    )
    assert report.ok and report.dry_run and report.created == 1
    assert Question.objects.count() == 0
    assert not ModelLogEntry.objects.filter(action=QUESTIONS_IMPORT).exists()


def test_imports_are_audited_and_need_the_permission(bank, world):
    content = csv_bytes("Q1,判断,法律法规,题目。,,,,,,,正确,,,")
    with pytest.raises(PermissionDenied):
        run(bank, content, actor=world.org_admin.user)
    run(bank, content, actor=world.instructor.user, source="bank.csv")
    entry = ModelLogEntry.objects.get(action=QUESTIONS_IMPORT)
    assert entry.object_id == str(bank.pk)
    assert entry.user_id == world.instructor.user_id
    assert entry.data["created"] == 1 and entry.data["source"] == "bank.csv"


def test_the_template_examples_import(bank):
    report = run(bank, questions_template(file_format="xlsx"), filename="t.xlsx")
    assert report.ok, report.errors
    assert report.created == len(questions_template_dataset()) == 2
    csv = questions_template(file_format="csv").encode()
    assert run(bank, csv).unchanged == 2


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("编号,题型,题干\nQ1,单选,题目", "Category"),
        (HEADER, "no questions"),
        ("编号,题型,分类,题干,答案,题型\n", "twice"),
    ],
)
def test_files_without_what_is_needed_are_refused_as_a_whole(content, fragment):
    with translation.override("en"), pytest.raises(ImportFileError) as error:
        questions_dataset_from_upload("bank.csv", content.encode())
    assert fragment in str(error.value)


# -- sheets as offices keep them: a title above the header, notes below the data --

COLUMNS_OF_HEADER = HEADER.split(",")


def office_xlsx(data_rows, *, cover_sheet=False):
    """A question sheet as a training unit keeps it: a merged title row, a line
    saying who it is for, then the header; under the data a 制表人 line (one cell,
    merged across) and a line with 审核人 and 日期 in two cells."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if cover_sheet:
        sheet.title = "说明"
        sheet.append(["本题库供2025年保安员培训使用。"])
        sheet = book.create_sheet("题库")
    sheet.append(["2025年保安员培训题库"] + [None] * (len(COLUMNS_OF_HEADER) - 1))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=14)
    sheet.append(["适用：保安员初任培训", None, None, None, None, None, "第一版"])
    sheet.append(COLUMNS_OF_HEADER)
    for row in data_rows:
        sheet.append(row.split(","))
    last = sheet.max_row
    sheet.append(["制表人：张三"])
    sheet.merge_cells(
        start_row=last + 1, start_column=1, end_row=last + 1, end_column=14
    )
    sheet.append(
        ["审核人：李四", None, None, None, None, None, None, "日期：2025-05-01"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD_ROWS = [
    "T1,单选,法律法规,保安员证由谁发放？,公安机关,保安公司,,,,,A,,易,",
    "T2,判断,巡逻防范,巡逻时可以搜身。,,,,,,,错误,,,",
]


def test_a_title_above_the_header_and_notes_below_are_left_out_and_named(bank):
    report = run(bank, office_xlsx(GOOD_ROWS), filename="bank.xlsx")
    assert report.ok, report.errors
    assert report.created == 2
    assert report.header_row == 3
    skipped = [(s.row, s.text) for s in report.skipped]
    assert skipped == [
        (1, "2025年保安员培训题库"),
        (2, "适用：保安员初任培训 第一版"),
        (6, "制表人：张三"),
        (7, "审核人：李四 日期：2025-05-01"),
    ]
    reasons = [s.reason for s in report.skipped]
    assert "表头" in reasons[0] and "表格下方" in reasons[2]


def test_bad_rows_keep_their_spreadsheet_numbers_under_a_title(bank):
    rows = [*GOOD_ROWS, "T3,单选,法律法规,没有答案,甲,乙,,,,,,,,"]
    report = run(bank, office_xlsx(rows), filename="bank.xlsx")
    assert report.bad_rows == [6]  # title, subtitle, header, T1, T2, T3
    assert [s.row for s in report.skipped] == [1, 2, 7, 8]
    assert Question.objects.count() == 0


def test_a_csv_with_a_title_line_and_a_note_imports(bank):
    content = "\n".join(
        ["保安员题库（第二版）,,,", HEADER, *GOOD_ROWS, ",,,", "注：答案以教材为准"]
    ).encode()
    report = run(bank, content)
    assert report.ok, report.errors
    assert report.header_row == 2
    assert [s.row for s in report.skipped] == [1, 6]


def test_the_table_is_found_on_a_later_sheet(bank):
    report = run(bank, office_xlsx(GOOD_ROWS, cover_sheet=True), filename="b.xlsx")
    assert report.ok, report.errors
    assert report.created == 2 and report.header_row == 3


def test_a_row_inside_the_table_is_data_not_a_note(bank):
    """Only the edges are trimmed: a one-cell row between questions is refused."""
    rows = [GOOD_ROWS[0], "一、判断题", GOOD_ROWS[1]]
    report = run(bank, office_xlsx(rows), filename="bank.xlsx")
    assert report.bad_rows == [5]
    assert [s.row for s in report.skipped] == [1, 2, 7, 8]


def test_without_a_header_row_the_message_names_the_closest_row():
    content = "题库\n编号,题型,题干,答案\nQ1,单选,题目,A\n".encode()
    with translation.override("en"), pytest.raises(ImportFileError) as error:
        questions_dataset_from_upload("bank.csv", content)
    message = str(error.value)
    assert "Category（分类）" in message and "Row 2" in message
    content = "2025年题库\n第一章\n".encode()
    with translation.override("en"), pytest.raises(ImportFileError) as error:
        questions_dataset_from_upload("bank.csv", content)
    assert "No header row" in str(error.value) and "题型" in str(error.value)
