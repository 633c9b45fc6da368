"""Real packages upload, are stored once, and get the server's maximum score."""

import hashlib
import io

import pytest
from django.core.files.storage import default_storage
from wagtail.models import ModelLogEntry

from lms.h5p.constants import AuditAction
from lms.h5p.maxscore import library_max_score, package_max_score
from lms.h5p.models import H5PPackage
from lms.h5p.services import h5p_package_upload
from tests.factories import UserFactory
from tests.h5p.conftest import FIXTURES, fixture_bytes, stored_files, upload_fixture

EXPECTED = {
    "h5p-standalone-h5p-test.h5p": ("H5P.TrueFalse", "1.6", 1),
    "lumi-H5P.TrueFalse.h5p": ("H5P.TrueFalse", "1.6", 1),
    "lumi-H5P.MultiChoice.h5p": ("H5P.MultiChoice", "1.14", 1),  # singlePoint
    "lumi-H5P.Blanks.h5p": ("H5P.Blanks", "1.12", 3),  # *blue*, *Cloud*, *black*
    "lumi-H5P.SingleChoiceSet.h5p": ("H5P.SingleChoiceSet", "1.11", 3),
    # Nine sub-questions of the Hub's "all types" sample, mostly left empty by its
    # author: 2 TrueFalse (1 each), 2 MultiChoice without a correct answer (1
    # each), a DragQuestion without a correct drop (1), empty Blanks, MarkTheWords
    # and DragText (0 each).
    "lumi-H5P.QuestionSet.h5p": ("H5P.QuestionSet", "1.17", 5),
}


def test_every_fixture_is_listed():
    assert {p.name for p in FIXTURES.glob("*.h5p")} == set(EXPECTED)


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_fixture_uploads(db, name, expected):
    library, version, max_score = expected
    user = UserFactory()
    data = fixture_bytes(name)
    package, created = h5p_package_upload(file=io.BytesIO(data), uploaded_by=user)
    assert created
    assert package.content_hash == hashlib.sha256(data).hexdigest()
    assert (package.main_library, package.main_library_version) == (library, version)
    assert package.max_score == max_score
    assert package.libraries[library] == version
    assert package.size_bytes == len(data)
    assert package.uploaded_by == user
    files = stored_files(package.storage_root)
    assert len(files) == package.file_count > 10
    with default_storage.open(f"{package.storage_root}/h5p.json") as handle:
        assert b"mainLibrary" in handle.read()
    assert default_storage.exists(f"{package.storage_root}/content/content.json")
    assert ModelLogEntry.objects.filter(
        action=AuditAction.PACKAGE_UPLOAD, object_id=str(package.pk)
    ).exists()


def test_same_file_twice_is_stored_once(db):
    first = upload_fixture("lumi-H5P.TrueFalse.h5p")
    files = stored_files()
    again, created = h5p_package_upload(
        file=io.BytesIO(fixture_bytes("lumi-H5P.TrueFalse.h5p")), title="Another title"
    )
    assert not created
    assert again == first
    assert again.title == first.title
    assert H5PPackage.objects.count() == 1
    assert stored_files() == files


def test_title_defaults_to_the_package_title(db):
    assert upload_fixture("lumi-H5P.Blanks.h5p").title == "Fill in the Blanks"


@pytest.mark.parametrize(
    ("library", "params", "expected"),
    [
        ("H5P.TrueFalse 1.6", {}, 1),
        (
            "H5P.MultiChoice 1.14",
            {
                "behaviour": {"singlePoint": False},
                "answers": [{"correct": True}, {"correct": True}, {"correct": False}],
            },
            2,
        ),
        (
            "H5P.MultiChoice 1.14",
            {"behaviour": {"singlePoint": True}, "answers": [{"correct": True}] * 3},
            1,
        ),
        ("H5P.Blanks 1.12", {"questions": ["<p>*a* and *b/c:tip*</p>", "*d*"]}, 3),
        ("H5P.SingleChoiceSet 1.11", {"choices": [{}, {}]}, 2),
        ("H5P.MarkTheWords 1.9", {"textField": "The *quick* brown *fox*"}, 2),
        ("H5P.DragText 1.8", {"textField": "Drag *one* and *two*"}, 2),
        ("H5P.CoursePresentation 1.25", {}, None),
    ],
)
def test_max_score_rules(library, params, expected):
    assert library_max_score(library, params) == expected


def test_question_set_sums_its_questions_and_is_unknown_if_one_is():
    questions = [
        {"library": "H5P.TrueFalse 1.6", "params": {}},
        {"library": "H5P.Blanks 1.12", "params": {"questions": ["*x* *y*"]}},
    ]
    assert package_max_score("H5P.QuestionSet", {"questions": questions}) == 3
    questions.append({"library": "H5P.Essay 1.5", "params": {}})
    assert package_max_score("H5P.QuestionSet", {"questions": questions}) is None


def test_unknown_content_type_is_not_scorable(db):
    import json

    from tests.h5p.conftest import H5P_JSON, build_zip

    h5p_json = {**H5P_JSON, "mainLibrary": "H5P.Accordion"}
    package, _ = h5p_package_upload(
        file=io.BytesIO(build_zip({"h5p.json": json.dumps(h5p_json).encode()}))
    )
    assert package.max_score is None
