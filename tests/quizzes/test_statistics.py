"""Quiz statistics (lms/quizzes/statistics.py) and their admin page and export."""

import io
import random

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.people.models import Person
from lms.people.selectors import people_visible_to
from lms.quizzes.models import Question
from lms.quizzes.services.attempts import attempt_start, attempt_submit
from lms.quizzes.statistics import group_size, quiz_statistics
from tests.factories import PersonFactory, TeamFactory, quiz_with_questions


def take(quiz, person, right=()):
    """A closed attempt by ``person`` answering exactly the questions ``right``
    (by pk) correctly and the others wrongly."""
    attempt = attempt_start(quiz=quiz, person=person)
    answers = {}
    for row in attempt.questions.all():
        key = row.snapshot["answer"]
        wrong = next(i for i in range(len(row.snapshot["options"])) if i not in key)
        answers[row.position] = key if row.question_id in right else [wrong]
    return attempt_submit(attempt=attempt, answers=answers)


def bank_of(quiz):
    return list(Question.objects.filter(bank=quiz.rules.get().bank).order_by("pk"))


@pytest.fixture
def quiz(db):
    # Five questions of 20 points each, passed at 60%.
    return quiz_with_questions(count=5, points=20, pass_mark=60)


@pytest.fixture
def taken(world, quiz):
    """Ten attempts by eight people, computed by hand below.

    attempt  person (organisation, team)   right        percent
    A10      p1 (company, 一队)            –            0
    A1       p1 (company, 一队)            Q1 Q2 Q3 Q4  80
    A2       p2 (company, 一队)            Q1 Q2 Q3     60
    A5       p3 (company, 二队)            Q1 Q3        40
    A6       p4 (company, no team)        Q2 Q5        40
    A3       p5 (other company)           Q1 Q2 Q3     60
    A4       p6 (other company)           Q1 Q2        40
    A9       p6 (other company)           Q5           20
    A7       p7 (other company)           Q1 Q5        40
    A8       p8 (point)                   Q5           20
    """
    q1, q2, q3, q4, q5 = (q.pk for q in bank_of(quiz))
    first = TeamFactory(organisation=world.company, name="一队")
    second = TeamFactory(organisation=world.company, name="二队")
    p = {
        1: PersonFactory(organisation=world.company, team=first),
        2: PersonFactory(organisation=world.company, team=first),
        3: PersonFactory(organisation=world.company, team=second),
        4: PersonFactory(organisation=world.company),
        5: PersonFactory(organisation=world.other_company),
        6: PersonFactory(organisation=world.other_company),
        7: PersonFactory(organisation=world.other_company),
        8: PersonFactory(organisation=world.point),
    }
    take(quiz, p[1])
    take(quiz, p[1], {q1, q2, q3, q4})
    take(quiz, p[2], {q1, q2, q3})
    take(quiz, p[3], {q1, q3})
    take(quiz, p[4], {q2, q5})
    take(quiz, p[5], {q1, q2, q3})
    take(quiz, p[6], {q1, q2})
    take(quiz, p[6], {q5})
    take(quiz, p[7], {q1, q5})
    take(quiz, p[8], {q5})
    # An attempt still open counts nowhere.
    attempt_start(quiz=quiz, person=PersonFactory(organisation=world.company))
    return p


def test_figures_computed_by_hand(quiz, taken):
    stats = quiz_statistics(quiz=quiz, people=Person.objects.all())
    # Standing attempts (highest score): p1 80, p2 60, p5 60 pass; 3 of 8 people.
    assert (stats.total.attempts, stats.total.people, stats.total.passed) == (10, 8, 3)
    assert stats.total.pass_rate == 37.5
    # Bands of the standing attempts: 20 (p8), 40 ×4 (p3 p4 p6 p7), 60 ×2, 80.
    assert [band.count for band in stats.bands] == [0, 0, 1, 0, 4, 0, 2, 0, 1, 0]
    assert stats.bands[-1].label == "90–100"
    groups = [
        (
            row.organisation_name,
            row.is_organisation,
            row.team_name,
            row.tally.attempts,
            row.tally.people,
            row.tally.passed,
            row.tally.pass_rate,
        )
        for row in stats.groups
    ]
    assert groups == [
        ("甲保安公司", True, None, 5, 4, 2, 50.0),
        ("甲保安公司", False, "一队", 3, 2, 2, 100.0),
        ("甲保安公司", False, "二队", 1, 1, 0, 0.0),
        ("甲保安公司", False, None, 1, 1, 0, 0.0),
        ("乙保安公司", True, None, 4, 3, 1, 33.3),
        ("甲点位", True, None, 1, 1, 0, 0.0),
    ]


def test_questions_share_correct_and_discrimination_by_hand(quiz, taken):
    """10 attempts: groups of round(27% × 10) = 3. Upper: A1 (80), A2, A3 (60);
    lower: A8, A9 (20), A10 (0); the four at 40 are in neither."""
    stats = quiz_statistics(quiz=quiz, people=Person.objects.all())
    assert stats.group_size == 3
    q1, q2, q3, q4, q5 = (q.pk for q in bank_of(quiz))
    rows = {row.question_id: row for row in stats.questions}
    figures = {
        pk: (row.drawn, row.share_correct, round(row.discrimination, 2), row.flagged)
        for pk, row in rows.items()
    }
    assert figures == {
        q1: (10, 60.0, 1.0, False),  # 3/3 − 0/3
        q2: (10, 50.0, 1.0, False),
        q3: (10, 40.0, 1.0, False),
        q4: (10, 10.0, 0.33, True),  # 1/3 − 0/3; only A1 got it: under 20%
        q5: (10, 40.0, -0.67, True),  # 0/3 − 2/3: the weak do better
    }
    # Flagged questions first.
    assert [row.question_id for row in stats.questions][:2] == sorted([q4, q5])


def test_group_size_and_threshold():
    assert [group_size(n) for n in (0, 9, 10, 50, 100)] == [0, 0, 3, 14, 27]


def test_discrimination_needs_ten_attempts(world, quiz):
    q1 = bank_of(quiz)[0].pk
    for _ in range(9):
        take(quiz, PersonFactory(organisation=world.company), {q1})
    stats = quiz_statistics(quiz=quiz, people=Person.objects.all())
    assert not stats.discrimination_shown
    assert all(row.discrimination is None for row in stats.questions)


def _grant_view_attempt(user):
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="quizzes", codename="view_attempt"
        )
    )


def test_org_admin_sees_only_their_organisation(client_for, world, quiz, taken):
    _grant_view_attempt(world.org_admin.user)
    user = type(world.org_admin.user).objects.get(pk=world.org_admin.user.pk)
    stats = quiz_statistics(quiz=quiz, people=people_visible_to(user))
    assert (stats.total.attempts, stats.total.people) == (5, 4)
    assert {row.organisation_name for row in stats.groups} == {"甲保安公司"}
    assert not stats.discrimination_shown  # 5 attempts
    page = client_for(user).get(reverse("quiz_statistics", args=[quiz.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "甲保安公司" in content
    assert "乙保安公司" not in content and "甲点位" not in content


def test_refused_without_the_permission(client_for, world, quiz):
    url = reverse("quiz_statistics", args=[quiz.pk])
    trainee = client_for(world.trainee.user).get(url)
    assert trainee.status_code == 302 and "login" in trainee.url
    # An organisation admin reaches the admin but may not read attempts: Wagtail
    # answers PermissionDenied by sending them home with a message.
    org_admin = client_for(world.org_admin.user).get(url)
    assert org_admin.status_code == 302
    assert org_admin.url == reverse("wagtailadmin_home")


def test_page_renders_chart_and_question_table(client_for, world, quiz, taken):
    response = client_for(world.instructor.user).get(
        reverse("quiz_statistics", args=[quiz.pk])
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert '<svg class="quiz-stats__chart"' in content and 'data-band="90"' in content
    questions = bank_of(quiz)
    for question in questions:
        assert question.code in content
    flagged = content.index(f'data-question="{questions[3].pk}" data-flagged')
    fine = content.index(f'data-question="{questions[0].pk}">')
    assert flagged < fine
    assert "-0.67" in content  # Q5's D


def test_empty_state(client_for, world, quiz):
    response = client_for(world.instructor.user).get(
        reverse("quiz_statistics", args=[quiz.pk])
    )
    assert response.status_code == 200
    assert '<svg class="quiz-stats__chart"' not in response.content.decode()


def test_quiz_listing_links_to_statistics(client_for, world, quiz):
    listing = reverse(quiz.snippet_viewset.get_url_name("list"))
    content = client_for(world.instructor.user).get(listing).content.decode()
    assert reverse("quiz_statistics", args=[quiz.pk]) in content


def test_xlsx_export_holds_the_question_rows(client_for, world, quiz, taken):
    response = client_for(world.instructor.user).get(
        reverse("quiz_statistics", args=[quiz.pk]), {"format": "xlsx"}
    )
    assert response["Content-Disposition"].endswith(f'quiz-statistics-{quiz.pk}.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    summary, groups, questions = book.worksheets
    # Quiz, attempts, people, passed, pass rate (%), then the grading and bands.
    figures = [value for _label, value in summary.values][1:]
    assert figures[:5] == [quiz.title, 10, 8, 3, 37.5]
    assert figures[-10:] == [0, 0, 1, 0, 4, 0, 2, 0, 1, 0]
    assert len(list(groups.values)) == 1 + 6
    rows = list(questions.values)[1:]
    codes = [q.code for q in bank_of(quiz)]
    # Code, stem, drawn, correct, % correct, D, reasons; flagged (Q4, Q5) first.
    assert [row[0] for row in rows] == [codes[3], codes[4], *codes[:3]]
    assert rows[0][2:6] == (10, 1, 10, 0.33)
    assert rows[1][2:6] == (10, 4, 40, -0.67)
    assert rows[0][6] and rows[1][6] and not rows[2][6]


def _attempts(quiz, people, count, rng):
    questions = [q.pk for q in bank_of(quiz)]
    for i in range(count):
        take(
            quiz, people[i % len(people)], set(rng.sample(questions, rng.randint(0, 5)))
        )


def test_constant_number_of_queries(client_for, world, quiz):
    rng = random.Random(7)
    people = [PersonFactory(organisation=world.company) for _ in range(10)]
    people += [PersonFactory(organisation=world.other_company) for _ in range(10)]
    client = client_for(world.instructor.user)
    url = reverse("quiz_statistics", args=[quiz.pk])

    def page_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _attempts(quiz, people, 5, rng)
    page_queries()  # warm up (sessions, Wagtail's first reads)
    few = page_queries()
    _attempts(quiz, people, 45, rng)
    assert page_queries() == few
    with CaptureQueriesContext(connection) as queries:
        stats = quiz_statistics(quiz=quiz, people=Person.objects.all())
    assert stats.total.attempts == 50 and stats.discrimination_shown
    assert len(queries) == 2
