import pytest
from django.core.management import CommandError, call_command

from lms.people import idnumber
from lms.people.constants import Role
from lms.people.demo import DEMO_PASSWORD
from lms.people.models import Organisation, Person, User


def test_refuses_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Person.objects.exists()


def test_is_idempotent_and_realistic(db, capsys):
    call_command("seed_demo", "--force")
    counts = (
        Organisation.objects.count(),
        Person.objects.count(),
        User.objects.count(),
    )
    call_command("seed_demo", "--force")
    assert counts == (
        Organisation.objects.count(),
        Person.objects.count(),
        User.objects.count(),
    )
    assert Person.objects.count() >= 60
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds >= {
        "police_station",
        "security_company",
        "property_firm",
        "volunteer_team",
        "co_governance_point",
    }
    assert set(
        Organisation.objects.filter(kind="co_governance_point").values_list(
            "point_category", flat=True
        )
    ) == {"A", "B", "C", "D"}
    for person in Person.objects.all():
        idnumber.parse(person.id_number)
    assert "trainee1" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("admin", Role.SITE_ADMIN),
        ("instructor", Role.INSTRUCTOR),
        ("station", Role.STATION_STAFF),
        ("orgadmin", Role.ORG_ADMIN),
        ("trainee1", Role.TRAINEE),
        ("station2", Role.STATION_STAFF),
        ("orgadmin2", Role.ORG_ADMIN),
        ("trainee6", Role.TRAINEE),
    ],
)
def test_demo_logins_work(db, client, username, role):
    call_command("seed_demo", "--force")
    user = User.objects.get(username=username)
    assert user.groups.filter(name=role.value).exists()
    assert client.login(username=username, password=DEMO_PASSWORD)


def test_demo_quizzes_are_ready_to_take(db, client):
    from lms.courses.models import LessonPage
    from lms.quizzes.demo import EXAM_TITLE, PRACTICE_TITLE
    from lms.quizzes.drawing import rules_problems
    from lms.quizzes.models import Question, Quiz

    call_command("seed_demo", "--force")
    call_command("seed_demo", "--force")  # idempotent: no second bank or exam
    assert Question.objects.count() >= 100
    categories = set(Question.objects.values_list("category__name", flat=True))
    assert categories == {"法律法规", "巡逻防范", "消防安全", "应急救护", "反诈宣传"}
    exam = Quiz.objects.get(title=EXAM_TITLE)
    assert exam.total_points == 100 and exam.pass_mark == 60
    assert not rules_problems(list(exam.rules.all()))
    practice = Quiz.objects.get(title=PRACTICE_TITLE)
    lesson = LessonPage.objects.get(slug="evacuation")
    assert [b.value["quiz"].pk for b in lesson.body if b.block_type == "quiz"] == [
        practice.pk
    ]
    client.login(username="trainee1", password=DEMO_PASSWORD)
    assert EXAM_TITLE in client.get("/").content.decode()


def test_demo_drills_are_ready_to_try(db, client):
    from django.utils import timezone

    from lms.drills import selectors
    from lms.drills.constants import AttendanceStatus, Flag
    from lms.drills.demo import PAST, UPCOMING_TITLE
    from lms.drills.models import Attendance, Drill, SkillItem, SkillResult

    call_command("seed_demo", "--force")
    counts = (
        Drill.objects.count(),
        Attendance.objects.count(),
        SkillResult.objects.count(),
    )
    call_command("seed_demo", "--force")  # idempotent
    assert counts == (
        Drill.objects.count(),
        Attendance.objects.count(),
        SkillResult.objects.count(),
    )
    assert SkillItem.objects.filter(drill_type="fire").count() == 4
    assert SkillItem.objects.filter(drill_type="first_aid").count() == 4
    for title, *_rest in PAST:
        drill = Drill.objects.get(title=title)
        statuses = set(drill.attendances.values_list("status", flat=True))
        assert statuses == {
            AttendanceStatus.PRESENT,
            AttendanceStatus.LATE,
            AttendanceStatus.ABSENT,
        }
        flagged = [a for a in drill.attendances.all() if Flag.WALK_IN in a.flags]
        assert len(flagged) == 1
        passed = [
            selectors.drill_passed(a) for a in drill.attendances.all() if a.counts
        ]
        assert any(passed) and not all(passed)
    upcoming = Drill.objects.get(title=UPCOMING_TITLE)
    assert upcoming.checkin_open(timezone.now())
    assert upcoming.instructors.filter(username="instructor").exists()
    client.login(username="trainee1", password=DEMO_PASSWORD)
    home = client.get("/").content.decode()
    assert UPCOMING_TITLE in home and PAST[0][0] in home
    client.login(username="instructor", password=DEMO_PASSWORD)
    page = client.get(f"/drills/{upcoming.pk}/dashboard/")
    assert page.status_code == 200


def test_demo_qualifications_follow_the_issue(
    db, client, django_capture_on_commit_callbacks
):
    """trainee2 holds 警保联勤上岗资格 and is deployable for 巡逻; trainee1 is issued it
    by passing the exam, and the roster then lists them as deployable."""
    from django.utils import timezone

    from lms.certs.models import Post, QualificationRecord, QualificationType
    from lms.certs.roster import (
        RosterFilters,
        roster_query,
        roster_rows,
        roster_scope_for_station,
    )
    from lms.quizzes.demo import EXAM_TITLE
    from lms.quizzes.models import Quiz
    from lms.quizzes.services.attempts import attempt_start, attempt_submit

    call_command("seed_demo", "--force")
    records = QualificationRecord.objects.count()
    call_command("seed_demo", "--force")  # idempotent
    assert QualificationRecord.objects.count() == records
    codes = set(QualificationType.objects.values_list("code", flat=True))
    assert codes == {"JB-DUTY", "FIRE-OK", "AT-DRILL", "YJ-BASIC", "BAY-ZHENG"}
    patrol = Post.objects.get(code="PATROL")
    assert {t.code for t in patrol.required_types.all()} == {"JB-DUTY", "BAY-ZHENG"}

    def held(username):
        return set(
            QualificationRecord.objects.filter(
                person__user__username=username, status="active"
            ).values_list("qualification_type__code", flat=True)
        )

    assert held("trainee2") >= {"JB-DUTY", "BAY-ZHENG"}
    assert "JB-DUTY" not in held("trainee1")
    trainee1 = Person.objects.get(user__username="trainee1")
    attempt = attempt_start(quiz=Quiz.objects.get(title=EXAM_TITLE), person=trainee1)
    answers = {q.position: q.snapshot["answer"] for q in attempt.questions.all()}
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(attempt=attempt, answers=answers)
    assert "JB-DUTY" in held("trainee1")
    station = trainee1.organisation.supervising_station
    query = roster_query(
        roster_scope_for_station(station),
        RosterFilters(day=timezone.localdate(), post=patrol.pk),
    )
    [row] = roster_rows(query, query.people.filter(pk=trainee1.pk))
    assert [(s.post.pk, s.deployable) for s in row.posts] == [(patrol.pk, True)]


def test_two_stations_each_with_what_the_other_must_not_see(db, capsys):
    """The second station (福田派出所) has, like the first, a company and a point,
    trainees, a drill with attendance, exam attempts, records, an assignment and an
    API key; its logins are listed; a second run changes none of it."""
    from lms.certs.models import ApiKey, QualificationRecord
    from lms.courses.models import Assignment
    from lms.drills.models import Attendance
    from lms.quizzes.models import Attempt

    def under(station):
        return Person.objects.filter(organisation__supervising_station__code=station)

    def counts():
        return {
            station: (
                under(station).count(),
                Attendance.objects.filter(person__in=under(station)).count(),
                Attempt.objects.filter(person__in=under(station)).count(),
                QualificationRecord.objects.filter(person__in=under(station)).count(),
                Assignment.objects.filter(
                    organisation__supervising_station__code=station
                ).count(),
                ApiKey.objects.filter(station__code=station).count(),
            )
            for station in ("XMH-PCS", "FTJ-PCS")
        }

    call_command("seed_demo", "--force")
    first = counts()
    call_command("seed_demo", "--force")
    assert counts() == first
    for station, numbers in first.items():
        assert all(numbers), (station, numbers)
    second = Organisation.objects.get(code="FTJ-PCS")
    assert set(
        Organisation.objects.filter(supervising_station=second).values_list(
            "kind", flat=True
        )
    ) == {"security_company", "co_governance_point"}
    for username, station in [("station2", "FTJ-PCS"), ("orgadmin2", "FTJ-PCS")]:
        person = Person.objects.get(user__username=username)
        assert station in (
            person.organisation.code,
            person.organisation.supervising_station.code
            if person.organisation.supervising_station
            else "",
        )
    # Its people's names never occur among the first station's (the access
    # matrix reads a name on a page as proof of where it came from).
    first_names = " ".join(under("XMH-PCS").values_list("name", flat=True))
    assert not [
        n for n in under("FTJ-PCS").values_list("name", flat=True) if n in first_names
    ]
    out = capsys.readouterr().out
    assert "station2" in out and "orgadmin2" in out
