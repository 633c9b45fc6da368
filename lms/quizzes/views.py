"""Trainee pages for quizzes: thin views over ``services.attempts`` and
``selectors``. The attempt page works without JavaScript (one form, one submit);
with it, every answer is saved as it is given (``attempt_answer``)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lms.people.selectors import user_person
from lms.quizzes import selectors
from lms.quizzes.lessons import lesson_holding, lesson_summary
from lms.quizzes.services.attempts import (
    AttemptClosed,
    attempt_answer,
    attempt_close_if_due,
    attempt_start,
    attempt_submit,
    attempts_close_expired,
)

MAX_ANSWER_BYTES = 2048


def _person(request):
    person = user_person(request.user)
    if person is None:
        raise PermissionDenied(_("Your account is not linked to a trainee record."))
    return person


def _lesson(request, quiz):
    """The live lesson a quiz was opened from, if it really holds this quiz."""
    try:
        lesson_id = int(request.POST.get("lesson") or request.GET.get("lesson") or 0)
    except ValueError:
        return None
    return lesson_holding(lesson_id=lesson_id, quiz=quiz) if lesson_id else None


def _lesson_id(request, quiz):
    lesson = _lesson(request, quiz)
    return lesson.pk if lesson else None


def _quiz_or_404(pk):
    quiz = selectors.quiz_for_trainee(pk)
    if quiz is None:
        raise Http404
    return quiz


@login_required
@require_GET
def quiz_detail(request, pk):
    quiz = _quiz_or_404(pk)
    person = _person(request)
    attempts_close_expired(quiz=quiz, person=person)
    lesson = _lesson(request, quiz)
    context = {
        "quiz": quiz,
        "is_open": quiz.is_open(),
        "lesson_id": lesson.pk if lesson else None,
        "lesson": lesson,  # the way back to it
        **selectors.quiz_standing(quiz=quiz, person=person),
    }
    return render(request, "quizzes/quiz_detail.html", context)


@login_required
@require_POST
def quiz_start(request, pk):
    quiz = _quiz_or_404(pk)
    person = _person(request)
    try:
        attempt = attempt_start(
            quiz=quiz, person=person, lesson_id=_lesson_id(request, quiz)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("quiz_detail", pk=quiz.pk)
    return redirect("quiz_attempt", public_id=attempt.public_id)


def _attempt_or_404(request, public_id):
    attempt = selectors.attempt_of(public_id=public_id, person=_person(request))
    if attempt is None:
        raise Http404
    return attempt


@login_required
@require_GET
def attempt_page(request, public_id):
    attempt = attempt_close_if_due(attempt=_attempt_or_404(request, public_id))
    if not attempt.is_open:
        return render(
            request,
            "quizzes/result.html",
            {
                "attempt": attempt,
                "quiz": attempt.quiz,
                "review": selectors.attempt_review(attempt),
                # A quiz taken from a lesson leads back to it, saying what
                # passing earned there (the lesson, its course, hours...).
                "from_lesson": attempt.lesson_id
                and lesson_summary(person=attempt.person, lesson_id=attempt.lesson_id),
                **selectors.quiz_standing(quiz=attempt.quiz, person=attempt.person),
            },
        )
    seconds_left = None
    if attempt.deadline is not None:
        seconds_left = max(int((attempt.deadline - timezone.now()).total_seconds()), 0)
    items = selectors.attempt_items(attempt)
    response = render(
        request,
        "quizzes/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "items": items,
            "answered": sum(item["answered"] for item in items),
            "seconds_left": seconds_left,
        },
    )
    # Answers change on every visit: never let a proxy or the browser's back button
    # show an old copy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def attempt_answer_view(request, public_id):
    """Autosave: {"position": 3, "choices": [0, 2]} → {"saved": true}."""
    attempt = _attempt_or_404(request, public_id)
    if len(request.body) > MAX_ANSWER_BYTES:
        return JsonResponse({"error": _("The answer could not be read.")}, status=400)
    try:
        data = json.loads(request.body)
        position, choices = int(data["position"]), data["choices"]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("The answer could not be read.")}, status=400)
    try:
        attempt_answer(attempt=attempt, position=position, choices=choices)
    except AttemptClosed:
        return JsonResponse(
            {
                "error": _("This attempt is closed."),
                "closed": True,
                "result_url": reverse("quiz_attempt", args=[attempt.public_id]),
            },
            status=409,
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"saved": True, "position": position})


def _form_answers(post):
    """{position: [choices]} from the attempt form's fields ``q<position>``."""
    answers = {}
    for key in post:
        if key.startswith("q") and key[1:].isdigit():
            try:
                answers[int(key[1:])] = [int(v) for v in post.getlist(key)]
            except ValueError:
                continue
    return answers


@login_required
@require_POST
def attempt_submit_view(request, public_id):
    attempt = _attempt_or_404(request, public_id)
    attempt_submit(attempt=attempt, answers=_form_answers(request.POST))
    return redirect("quiz_attempt", public_id=attempt.public_id)
