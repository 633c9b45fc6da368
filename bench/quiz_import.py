"""Time importing a generated 2,000-question bank from XLSX.

    .venv/bin/python bench/quiz_import.py [--rows 2000]

Self-contained: the test settings (``cms.settings.test``) on a throw-away SQLite
file, migrated first (``QUIZ_BENCH_DATABASE_URL`` for another database, e.g.
postgres://postgres@127.0.0.1:5432/shouwang_quiz_bench, migrated and reused); the
spreadsheet is generated in memory. Prints seconds and queries for reading the file,
the dry run and the import into a fresh bank, then the same for a re-import of a file
that changes every question (updates) and for one that changes none.
``tests/quizzes/test_imports.py`` imports the same generated file.
"""

import argparse
import io
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CATEGORIES = ("法律法规", "消防安全", "巡逻防范", "应急救护", "反诈宣传")
HEADER = (
    ["编号", "题型", "分类", "题干"]
    + [f"选项{letter}" for letter in "ABCDEF"]
    + ["答案", "解析", "难度", "标签"]
)


def question_rows(count, *, revision=0):
    """``count`` valid questions in the import's columns, a third of each type.
    Another ``revision`` changes every answer and explanation, not the stems."""
    for i in range(1, count + 1):
        kind = ("单选", "多选", "判断")[i % 3]
        options = [f"第{i}题的选项{n}" for n in range(1, 5)] if kind != "判断" else []
        answer = {
            "单选": "ABCD"[(i + revision) % 4],
            "多选": ("ABD", "A、C", "bcd")[(i + revision) % 3],
            "判断": ("正确", "错误")[(i + revision) % 2],
        }[kind]
        yield [
            f"GEN-{i:05d}",
            kind,
            CATEGORIES[i % len(CATEGORIES)],
            f"第{i}题：保安员在执勤中遇到第{i}种情况时，正确的做法是什么？",
            *options,
            *[""] * (6 - len(options)),
            answer,
            f"第{i}题的解析（第{revision + 1}版）。",
            ("易", "中", "难", "")[i % 4],
            f"生成、第{i % 20}组",
        ]


def questions_xlsx(count, *, revision=0):
    """The generated questions as XLSX bytes, as a training unit's Excel saves them."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("题库")
    sheet.append(HEADER)
    for row in question_rows(count, revision=revision):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def say(*parts):
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory(prefix="shouwang-quiz-bench-") as scratch:
        os.environ["DATABASE_URL"] = os.environ.get(
            "QUIZ_BENCH_DATABASE_URL", f"sqlite:///{Path(scratch) / 'db.sqlite3'}"
        )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
        bench(rows)


def bench(rows):
    """Migrate, make a bank with the five categories, then time the three files."""
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lms.quizzes.models import Category, QuestionBank
    from lms.quizzes.services.imports import (
        questions_dataset_from_upload,
        questions_import,
    )

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    say(f"[quiz import] {connection.vendor}, migrated in", seconds(started))
    bank = QuestionBank.objects.create(name=f"bench-{uuid.uuid4().hex[:8]}")
    Category.objects.bulk_create(
        Category(bank=bank, name=name, sort_order=n)
        for n, name in enumerate(CATEGORIES)
    )

    def timed(label, step):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = step()
            elapsed = seconds(started)
        say(f"  {label:<34} {elapsed:>8} {len(queries):>4} queries")
        return result

    for title, revision in (
        (f"{rows} new questions", 0),
        (f"{rows} changed questions (updates)", 1),
        (f"{rows} unchanged questions", 1),
    ):
        say(title)
        content = questions_xlsx(rows, revision=revision)
        dataset = timed(
            "read XLSX",
            lambda content=content: questions_dataset_from_upload(
                "bench.xlsx", content
            ),
        )
        for dry_run in (True, False):
            report = timed(
                "dry run" if dry_run else "import",
                lambda dataset=dataset, dry_run=dry_run: questions_import(
                    bank=bank, dataset=dataset, dry_run=dry_run
                ),
            )
            assert report.ok, report.errors[:5]  # noqa: S101
        say(
            f"  -> {report.created} new, {report.updated} updated,"
            f" {report.unchanged} unchanged"
        )


def seconds(started):
    return f"{time.perf_counter() - started:.2f} s"


if __name__ == "__main__":
    main()
