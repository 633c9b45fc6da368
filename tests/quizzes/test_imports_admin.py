"""The question import, export and template pages in the Wagtail admin."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from lms.people.constants import Role
from lms.quizzes.models import Question
from lms.quizzes.services.imports import QUESTIONS_IMPORT
from tests.factories import (
    CategoryFactory,
    QuestionBankFactory,
    QuestionFactory,
    person_with_role,
)

HEADER = "编号,题型,分类,题干,选项A,选项B,答案"
GOOD = f"{HEADER}\nQ1,单选,法律法规,题目一,甲,乙,A\nQ2,判断,法律法规,题目二,,,对\n"


@pytest.fixture
def bank(db):
    bank = QuestionBankFactory(name="保安员题库")
    CategoryFactory(bank=bank, name="法律法规")
    return bank


def upload(client, bank, content, name="bank.csv"):
    return client.post(
        reverse("quizzes_import"),
        {"bank": bank.pk, "file": SimpleUploadedFile(name, content.encode())},
    )


def token_of(page):
    marker = 'name="upload" value="'
    start = page.index(marker) + len(marker)
    return page[start : start + 32]


def test_upload_check_then_confirm_imports(client_for, world, bank):
    client = client_for(world.instructor.user)
    page = client.get(reverse("quizzes_import"), {"bank": bank.pk}).content.decode()
    assert "data-import-columns" in page and "选项A…选项F" in page
    checked = upload(client, bank, GOOD).content.decode()
    assert 'data-import-result="ok"' in checked and "data-import-confirm" in checked
    assert Question.objects.count() == 0
    response = client.post(
        reverse("quizzes_import_confirm"), {"upload": token_of(checked)}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?bank={bank.pk}")
    assert set(Question.objects.values_list("code", flat=True)) == {"Q1", "Q2"}
    entry = ModelLogEntry.objects.get(action=QUESTIONS_IMPORT)
    assert entry.user_id == world.instructor.user_id
    assert entry.data["source"] == "bank.csv"
    listing = client.get(response["Location"]).content.decode()
    assert "题目一" in listing
    # The checked file is used once.
    again = client.post(
        reverse("quizzes_import_confirm"), {"upload": token_of(checked)}
    )
    assert again.status_code == 302 and Question.objects.count() == 2


def test_a_bad_file_lists_every_bad_row_and_cannot_be_confirmed(
    client_for, world, bank
):
    content = (
        f"{HEADER}\nQ1,单选,法律法规,题目一,甲,乙,AB\nQ2,单选,交通,题目二,甲,乙,A\n"
    )
    page = upload(client_for(world.instructor.user), bank, content).content.decode()
    assert 'data-import-result="refused"' in page
    assert "<td>2</td>" in page and "<td>3</td>" in page and "交通" in page
    assert "data-import-confirm" not in page
    assert Question.objects.count() == 0


def test_an_unreadable_file_is_refused_on_the_form(client_for, world, bank):
    page = upload(
        client_for(world.instructor.user), bank, "x", name="bank.txt"
    ).content.decode()
    assert "data-import-result" not in page and ".xlsx" in page


def test_someone_elses_checked_file_cannot_be_confirmed(client_for, world, bank):
    checked = upload(client_for(world.instructor.user), bank, GOOD).content.decode()
    other = person_with_admin_role(world)
    response = client_for(other).post(
        reverse("quizzes_import_confirm"), {"upload": token_of(checked)}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes_import")
    assert Question.objects.count() == 0


def person_with_admin_role(world):
    return person_with_role(
        Role.TRAINING_MANAGER, organisation=world.company, username="tm"
    ).user


@pytest.mark.parametrize(
    "name", ["quizzes_import", "quizzes_import_template", "quizzes_import_confirm"]
)
def test_pages_need_the_question_permissions(client_for, world, bank, name):
    for person in (world.org_admin, world.trainee):
        response = client_for(person.user).get(reverse(name))
        assert response.status_code in (302, 403)
    # Wagtail answers a PermissionDenied in its admin with a redirect home.
    export = client_for(world.org_admin.user).get(
        reverse("quizzes_export", args=[bank.pk])
    )
    assert export.status_code in (302, 403) and not export.has_header(
        "Content-Disposition"
    )


def read_xlsx(content, sheet=0):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in book.worksheets[sheet].iter_rows(values_only=True)]


def test_export_downloads_the_bank_in_the_import_columns(client_for, world, bank):
    category = bank.categories.get()
    QuestionFactory(category=category, code="E-1")
    QuestionFactory(category=CategoryFactory(name="别的题库"), code="X-1")
    client = client_for(world.instructor.user)
    response = client.get(reverse("quizzes_export", args=[bank.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header, *rows = read_xlsx(response.content)
    assert header[:4] == ["编号", "题型", "分类", "题干"]
    assert [row[0] for row in rows] == ["E-1"]
    text = client.get(
        reverse("quizzes_export", args=[bank.pk]), {"format": "csv"}
    ).content.decode("utf-8-sig")
    assert text.startswith("编号,题型") and "E-1,单选,法律法规" in text


def test_the_template_documents_its_columns(client_for, world):
    client = client_for(world.instructor.user)
    content = client.get(reverse("quizzes_import_template")).content
    header, *examples = read_xlsx(content)
    assert header[:4] == ["编号", "题型", "分类", "题干"] and len(examples) == 2
    docs = read_xlsx(content, sheet=1)
    assert [row[0] for row in docs[1:]][:4] == ["编号", "题型", "分类", "题干"]
    csv = client.get(reverse("quizzes_import_template"), {"format": "csv"})
    assert csv.content.decode("utf-8-sig").startswith("编号,题型,分类,题干")


def test_the_bank_listing_links_to_import_and_export(client_for, world, bank):
    page = (
        client_for(world.instructor.user)
        .get(reverse("wagtailsnippets_quizzes_questionbank:list"))
        .content.decode()
    )
    assert f"{reverse('quizzes_import')}?bank={bank.pk}" in page
    assert reverse("quizzes_export", args=[bank.pk]) in page


def test_the_check_names_the_header_row_and_every_row_left_out(client_for, world, bank):
    client = client_for(world.instructor.user)
    content = f"2025年保安员题库,,,\n{GOOD}制表人：张三\n"
    checked = upload(client, bank, content).content.decode()
    assert 'data-import-result="ok"' in checked
    assert "data-import-skipped" in checked
    assert "表头在第 2 行" in checked
    assert "2025年保安员题库" in checked and "制表人：张三" in checked
    response = client.post(
        reverse("quizzes_import_confirm"), {"upload": token_of(checked)}
    )
    assert response.status_code == 302
    assert Question.objects.count() == 2
