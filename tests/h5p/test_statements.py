"""The server scores statements; forged ones are refused and kept for audit."""

import json
import threading

import pytest
from django.db import IntegrityError, transaction
from django.test import Client, TestCase

from lms.h5p.constants import RefusalReason, XapiVerb
from lms.h5p.models import H5PResult, H5PStatement
from lms.h5p.services import h5p_statement_record
from lms.h5p.tokens import Activity, activity_iri, activity_token
from tests.concurrency import run_concurrently
from tests.factories import H5PPackageFactory, H5PResultFactory, UserFactory

URL = "/h5p/statements/"
LESSON_ID = 4242
BLOCK_ID = "0b8a1a3c-2f5e-4d8e-9c61-3f2d1e0a9b77"


@pytest.fixture
def package(db):
    return H5PPackageFactory(max_score=1)


@pytest.fixture
def trainee(db):
    return UserFactory()


def issue(user, package, *, pass_mark=60, block_id=BLOCK_ID):
    iri = activity_iri(
        lesson_id=LESSON_ID, block_id=block_id, content_hash=package.content_hash
    )
    token = activity_token(
        Activity(
            user_id=user.pk,
            package_id=package.pk,
            lesson_id=LESSON_ID,
            block_id=block_id,
            pass_mark=pass_mark,
            iri=iri,
        )
    )
    return token, iri


def statement(iri, *, raw=1, score_max=1, verb=XapiVerb.ANSWERED, **extra):
    data = {
        "actor": {"account": {"name": "random-browser-id", "homePage": "x"}},
        "verb": {"id": str(verb), "display": {"en-US": "answered"}},
        "object": {"id": iri, "objectType": "Activity"},
        "result": {
            "score": {"min": 0, "max": score_max, "raw": raw},
            "success": True,
            "completion": True,
            "response": "true",
        },
    }
    data.update(extra)
    return data


def post(client, token, body):
    # The courses app is told on commit; a test's transaction never commits, so run
    # the callbacks as a real request's commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            URL,
            data=json.dumps({"token": token, "statement": body}),
            content_type="application/json",
        )


# --- the happy path ---------------------------------------------------------


def test_passing_statement_records_best_score_and_calls_courses_once(
    client_for, trainee, package, courses_hook
):
    client = client_for(trainee)
    token, iri = issue(trainee, package)
    response = post(client, token, statement(iri, raw=1))
    assert response.status_code == 200, response.content
    verdict = response.json()
    assert verdict["outcome"] == "scored"
    assert verdict["passed"] and verdict["newly_passed"]
    assert verdict["message"] == "Score: 1 / 1, passed"
    result = H5PResult.objects.get()
    assert (result.best_raw, result.max_score, result.passed) == (1, 1, True)
    assert (result.lesson_id, result.block_id, result.attempts) == (
        LESSON_ID,
        BLOCK_ID,
        1,
    )
    assert result.passed_at is not None
    courses_hook.assert_called_once_with(
        user=trainee, lesson_id=LESSON_ID, block_id=BLOCK_ID
    )
    stored = H5PStatement.objects.get()
    assert stored.accepted and stored.result == result and stored.raw == 1
    assert stored.payload["version"] == 1
    assert stored.payload["statement"]["object"]["id"] == iri

    # Passing again: recorded, but the courses app hears about it only once.
    assert post(client, token, statement(iri, raw=1)).json()["newly_passed"] is False
    courses_hook.assert_called_once()
    assert H5PResult.objects.get().attempts == 2


def test_lower_later_score_keeps_the_best(client_for, trainee, courses_hook):
    package = H5PPackageFactory(max_score=4)
    client = client_for(trainee)
    token, iri = issue(trainee, package, pass_mark=75)
    assert post(client, token, statement(iri, raw=2)).json()["passed"] is False
    assert not courses_hook.called
    assert post(client, token, statement(iri, raw=3)).json()["passed"] is True
    verdict = post(client, token, statement(iri, raw=1)).json()
    assert verdict["best_raw"] == 3 and verdict["passed"]
    result = H5PResult.objects.get()
    assert (result.best_raw, result.attempts, result.passed) == (3, 3, True)
    courses_hook.assert_called_once()


def test_pass_decision_ignores_result_success(client_for, trainee, courses_hook):
    package = H5PPackageFactory(max_score=10)
    token, iri = issue(trainee, package, pass_mark=60)
    body = statement(iri, raw=5, score_max=5)  # the browser says 5/5 and success
    verdict = post(client_for(trainee), token, body).json()
    assert verdict["outcome"] == "scored"
    assert verdict["passed"] is False  # 5 / 10 = 50% < 60%
    assert not courses_hook.called


def test_completed_verb_scores(client_for, trainee, package, courses_hook):
    token, iri = issue(trainee, package)
    body = statement(iri, verb=XapiVerb.COMPLETED)
    assert post(client_for(trainee), token, body).json()["outcome"] == "scored"


def test_uses_the_real_courses_hook(client_for, trainee, package):
    """Without the mock: the lead's lesson_activity_passed accepts our call even
    for a lesson id that is not a lesson page."""
    token, iri = issue(trainee, package)
    assert post(client_for(trainee), token, statement(iri)).status_code == 200
    assert H5PResult.objects.get().passed


# --- forged and refused -------------------------------------------------------


def assert_refused(response, status, reason):
    assert response.status_code == status, response.content
    assert response.json()["outcome"] == "refused"
    assert response.json()["reason"] == reason
    assert not H5PResult.objects.exists()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (999, RefusalReason.SCORE_OUT_OF_RANGE),
        (2, RefusalReason.SCORE_OUT_OF_RANGE),
        (-1, RefusalReason.SCORE_OUT_OF_RANGE),
        ("1", RefusalReason.NO_SCORE),
        (None, RefusalReason.NO_SCORE),
        (True, RefusalReason.NO_SCORE),
        ([1], RefusalReason.NO_SCORE),
    ],
)
def test_bad_scores_are_refused_and_kept_for_audit(
    client_for, trainee, package, courses_hook, raw, reason
):
    token, iri = issue(trainee, package)
    response = post(client_for(trainee), token, statement(iri, raw=raw, score_max=999))
    assert_refused(response, 400, reason)
    assert response.json()["message"]
    stored = H5PStatement.objects.get()
    assert not stored.accepted and stored.refusal_reason == reason
    assert stored.result is None
    assert not courses_hook.called


def test_score_over_max_names_the_range(client_for, trainee, package):
    token, iri = issue(trainee, package)
    response = post(client_for(trainee), token, statement(iri, raw=999, score_max=999))
    assert (
        response.json()["message"] == "The score 999 is outside 0 to 1 and was refused."
    )


def test_missing_result_is_refused(client_for, trainee, package):
    token, iri = issue(trainee, package)
    body = statement(iri)
    del body["result"]
    assert_refused(post(client_for(trainee), token, body), 400, "no_score")


def test_wrong_object_id_is_refused(client_for, trainee, package):
    token, iri = issue(trainee, package)
    other = activity_iri(lesson_id=1, block_id="x", content_hash=package.content_hash)
    assert_refused(
        post(client_for(trainee), token, statement(other)), 400, "wrong_object"
    )
    assert H5PStatement.objects.get().refusal_reason == "wrong_object"


def test_sub_content_statements_are_stored_not_scored(client_for, trainee, package):
    token, iri = issue(trainee, package)
    client = client_for(trainee)
    by_id = statement(iri + "?subContentId=3f4c2511-2e53-4fa9")
    by_parent = statement(iri, context={"contextActivities": {"parent": [{"id": iri}]}})
    for body in (by_id, by_parent):
        response = post(client, token, body)
        assert response.status_code == 200
        assert response.json()["outcome"] == "not_scored"
    assert not H5PResult.objects.exists()
    assert list(H5PStatement.objects.values_list("refusal_reason", flat=True)) == [
        "sub_content",
        "sub_content",
    ]


def test_other_verbs_are_stored_not_scored(client_for, trainee, package):
    token, iri = issue(trainee, package)
    body = statement(iri, verb="http://adlnet.gov/expapi/verbs/passed")
    assert post(client_for(trainee), token, body).json()["outcome"] == "not_scored"
    assert not H5PResult.objects.exists()
    assert H5PStatement.objects.get().refusal_reason == "other_verb"


def test_unscorable_package_stores_without_scoring(client_for, trainee):
    package = H5PPackageFactory(max_score=None, main_library="H5P.Accordion")
    token, iri = issue(trainee, package)
    verdict = post(client_for(trainee), token, statement(iri)).json()
    assert verdict["outcome"] == "not_scored" and verdict["reason"] == "not_scorable"
    assert not H5PResult.objects.exists()


def test_token_of_another_user(client_for, trainee, package, caplog):
    token, iri = issue(UserFactory(), package)
    with caplog.at_level("WARNING", logger="shouwang.h5p"):
        response = post(client_for(trainee), token, statement(iri))
    assert_refused(response, 403, "wrong_user")
    assert "wrong_user" in caplog.text
    assert H5PStatement.objects.get().user == trainee


def test_tampered_token(client_for, trainee, package):
    token, iri = issue(trainee, package)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert_refused(
        post(client_for(trainee), tampered, statement(iri)), 403, "bad_token"
    )


def test_token_from_another_purpose(client_for, trainee, package):
    from django.core import signing

    _token, iri = issue(trainee, package)
    forged = signing.dumps(
        {"u": trainee.pk, "p": package.pk, "l": 1, "b": "b", "m": 0, "i": iri}
    )
    assert_refused(post(client_for(trainee), forged, statement(iri)), 403, "bad_token")


def test_missing_token(client_for, trainee, package):
    _token, iri = issue(trainee, package)
    assert_refused(post(client_for(trainee), None, statement(iri)), 403, "bad_token")


def test_anonymous_is_refused(package, trainee):
    token, iri = issue(trainee, package)
    response = post(Client(), token, statement(iri))
    assert response.status_code == 401
    assert not H5PStatement.objects.exists()


def test_csrf_is_required(trainee, package):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)
    token, iri = issue(trainee, package)
    assert post(client, token, statement(iri)).status_code == 403
    assert not H5PStatement.objects.exists()


def test_get_is_not_allowed(client_for, trainee):
    assert client_for(trainee).get(URL).status_code == 405


def test_oversized_statement(client_for, trainee, package, settings):
    settings.H5P_STATEMENT_MAX_BYTES = 2000
    token, iri = issue(trainee, package)
    body = statement(iri, padding="x" * 10_000)
    response = post(client_for(trainee), token, body)
    assert response.status_code == 413
    assert not H5PStatement.objects.exists()


def test_oversized_statement_refused_by_the_service_too(trainee, package, settings):
    settings.H5P_STATEMENT_MAX_BYTES = 500
    token, iri = issue(trainee, package)
    verdict = h5p_statement_record(
        user=trainee, token=token, statement=statement(iri, padding="x" * 600)
    )
    assert verdict.reason == RefusalReason.TOO_LARGE
    assert not H5PStatement.objects.exists()


def test_not_json(client_for, trainee):
    response = client_for(trainee).post(
        URL, data=b"{oops", content_type="application/json"
    )
    assert response.status_code == 400


def test_rate_limit(client_for, trainee, package, settings):
    settings.H5P_STATEMENTS_PER_MINUTE = 3
    token, iri = issue(trainee, package)
    client = client_for(trainee)
    body = statement(iri, verb="http://adlnet.gov/expapi/verbs/interacted")
    assert [post(client, token, body).status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]
    assert H5PStatement.objects.count() == 3
    # Another user has their own allowance.
    other = UserFactory()
    other_token, _ = issue(other, package)
    assert post(client_for(other), other_token, body).status_code == 200


def test_not_answered_on_the_content_origin(client_for, trainee, package):
    token, iri = issue(trainee, package)
    response = client_for(trainee).post(
        URL,
        data=json.dumps({"token": token, "statement": statement(iri)}),
        content_type="application/json",
        HTTP_HOST="localhost:8000",
    )
    assert response.status_code == 404


# --- budget and concurrency -------------------------------------------------


def test_repeated_statement_query_budget(
    client_for, trainee, package, courses_hook, django_assert_max_num_queries
):
    client = client_for(trainee)
    token, iri = issue(trainee, package)
    assert post(client, token, statement(iri)).status_code == 200
    with django_assert_max_num_queries(11):
        response = post(client, token, statement(iri))
    assert response.json()["attempts"] == 2


def test_one_result_per_user_package_lesson_block(db):
    result = H5PResultFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        H5PResultFactory(
            user=result.user,
            package=result.package,
            lesson_id=result.lesson_id,
            block_id=result.block_id,
        )
    H5PResultFactory(
        user=result.user,
        package=result.package,
        lesson_id=result.lesson_id,
        block_id="another-block",
    )
    assert H5PResult.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_statements_make_one_result(courses_hook):
    """Four threads, four connections, one result row (SQLite serialises the
    writers with IMMEDIATE transactions; PostgreSQL locks the row)."""
    package = H5PPackageFactory(max_score=1)
    trainee = UserFactory()
    token, iri = issue(trainee, package)
    barrier = threading.Barrier(4)

    def send():
        barrier.wait()
        h5p_statement_record(user=trainee, token=token, statement=statement(iri))

    errors = run_concurrently(*[send] * 4)
    assert errors == []
    result = H5PResult.objects.get()
    assert result.attempts == 4
    assert H5PStatement.objects.filter(accepted=True).count() == 4
    courses_hook.assert_called_once()
