import pytest
from django.urls import reverse
from wagtail.rich_text import RichText

from lms.courses.models import Enrolment, LessonCompletion
from tests.factories import LessonPageFactory

BLOCKS = [
    ("heading", "灭火器的种类"),
    ("paragraph", RichText("<p>发现火情先报警。</p>")),
    ("warning", {"title": "注意", "text": "电器起火先断电。"}),
    ("checklist", {"title": "要点", "items": ["报警", "疏散"]}),
    (
        "procedure",
        {"title": "四步", "steps": [{"title": "提", "text": "提起", "image": None}]},
    ),
]


def test_lesson_page_renders_blocks_and_the_complete_button(client_for, world, course):
    lesson = course.lessons_in_order[0]
    lesson.body = BLOCKS
    lesson.save_revision().publish()
    page = client_for(world.trainee.user).get(lesson.url).content.decode()
    assert "灭火器的种类" in page and "电器起火先断电" in page
    assert reverse("lesson_complete", args=[lesson.pk]) in page


def test_viewing_a_lesson_changes_nothing(client_for, world, course):
    client_for(world.trainee.user).get(course.lessons_in_order[0].url)
    assert not LessonCompletion.objects.exists()
    assert not Enrolment.objects.exists()


def test_completing_a_lesson_shows_it_done_and_offers_the_next(
    client_for, world, course
):
    """Back to the lesson's own progress panel (not a "lesson completed" message on
    the next lesson, which would seem to speak of that one)."""
    first, second = course.lessons_in_order[:2]
    client = client_for(world.trainee.user)
    response = client.post(reverse("lesson_complete", args=[first.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{first.url}#lesson-done"
    assert LessonCompletion.objects.filter(person=world.trainee, lesson=first).exists()
    page = client.get(first.url).content.decode()
    assert 'data-lesson-completed="true"' in page
    assert reverse("lesson_complete", args=[first.pk]) not in page
    assert f'href="{second.url}"' in page
    assert 'class="messages"' not in client.get(second.url).content.decode()


def test_complete_needs_post_and_login(client, course):
    url = reverse("lesson_complete", args=[course.lessons_in_order[0].pk])
    assert client.post(url).status_code == 302  # to login
    assert not LessonCompletion.objects.exists()


def test_course_page_shows_progress_and_enrol(client_for, world, course):
    client = client_for(world.trainee.user)
    page = client.get(course.url).content.decode()
    assert 'role="progressbar"' in page
    assert reverse("course_enrol", args=[course.pk]) in page
    client.post(reverse("course_enrol", args=[course.pk]))
    assert Enrolment.objects.filter(person=world.trainee, page=course).exists()


def test_home_page_lists_my_learning(client_for, world, course):
    client = client_for(world.trainee.user)
    client.post(reverse("course_enrol", args=[course.pk]))
    page = client.get("/").content.decode()
    assert course.title in page


@pytest.mark.django_db
def test_lesson_with_50_blocks_makes_few_queries(
    client_for, world, course, django_assert_max_num_queries
):
    """The peer's H5P lesson page makes 15 queries; ours must need at most half, and
    the number must not grow with the blocks."""
    lesson = course.lessons_in_order[0]
    client = client_for(world.trainee.user)
    client.get(lesson.url)
    with django_assert_max_num_queries(3) as few:
        client.get(lesson.url)
    baseline = len(few.captured_queries)  # read now: the next request resets the log
    lesson.body = BLOCKS * 10
    lesson.save_revision().publish()
    client.get(lesson.url)
    with django_assert_max_num_queries(baseline):
        response = client.get(lesson.url)
    assert response.content.decode().count("灭火器的种类") == 10


def test_lesson_factory_parent(course):
    lesson = LessonPageFactory(parent=course, slug="x")
    assert lesson.get_parent().pk == course.pk


def test_lesson_with_an_h5p_activity_makes_at_most_half_the_peers_queries(
    client_for, world, course, django_assert_max_num_queries
):
    """wagtail-lms 0.11.1 makes 15 queries for its H5P lesson page: we need ≤ 7.
    Warm: session, user, completion, H5P results; the body comes from the cache."""
    from tests.h5p.conftest import upload_fixture

    package = upload_fixture("h5p-standalone-h5p-test.h5p")
    lesson = course.lessons_in_order[0]
    lesson.body = [
        *BLOCKS,
        (
            "h5p",
            {"package": package, "title": "判断", "pass_mark": 100, "required": True},
        ),
    ]
    lesson.save_revision().publish()
    client = client_for(world.trainee.user)
    client.get(lesson.url)
    with django_assert_max_num_queries(4):
        response = client.get(lesson.url)
    assert "<iframe" in response.content.decode()


def test_private_courses_cannot_be_completed_or_enrolled_by_post(
    client_for, world, course
):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="某单位内部"))
    client = client_for(world.trainee.user)
    lesson = course.lessons_in_order[0]
    assert client.post(reverse("lesson_complete", args=[lesson.pk])).status_code == 404
    assert client.post(reverse("course_enrol", args=[course.pk])).status_code == 404
    assert not LessonCompletion.objects.exists()
    assert not Enrolment.objects.exists()


def test_course_page_lists_optional_lessons_but_counts_required_ones(
    client_for, world, course
):
    page = client_for(world.trainee.user).get(course.url).content.decode()
    assert course.optional.title in page
    assert 'aria-valuemax="3"' in page  # three required lessons, the optional not


def test_the_progress_panel_alone_says_what_the_lesson_page_says(
    client_for, client, world, course
):
    """What the lesson page fetches once an activity is passed."""
    *done, last = course.lessons_in_order
    url = reverse("lesson_progress", args=[last.pk])
    assert client.get(url).status_code == 302  # to the login
    trainee = client_for(world.trainee.user)
    panel = trainee.get(url)
    assert panel["Cache-Control"] == "private, no-store"
    assert reverse("lesson_complete", args=[last.pk]) in panel.content.decode()
    for lesson in [*done, last]:
        trainee.post(reverse("lesson_complete", args=[lesson.pk]))
    panel = trainee.get(url).content.decode()
    assert 'data-lesson-completed="true"' in panel
    # What it earned: the course, with its hours.
    assert f"“{course.title}”已完成：计入 2 学时。" in panel
