"""What makes a question valid: one rule for the admin form and the spreadsheet
import, so a question that can be typed in can be imported and vice versa."""

from django.utils.translation import gettext as _

from lms.quizzes.constants import FALSE, TRUE, QuestionKind

MAX_OPTIONS = 6  # A to F: the admin form and the spreadsheet columns


def question_problems(*, kind, options, answer, stem):
    """Every reason the question cannot be used, in the user's language; [] if none.
    ``options`` are the option texts, ``answer`` the indices of the correct ones."""
    problems = []
    if not (stem or "").strip():
        problems.append(_("The question text is empty."))
    if kind not in QuestionKind.values:
        problems.append(_("Unknown question type."))
        return problems
    options = list(options or [])
    answer = list(answer or [])
    if any(not isinstance(i, int) or isinstance(i, bool) for i in answer):
        return [*problems, _("The correct answer must be given as option letters.")]
    if len(set(answer)) != len(answer):
        problems.append(_("An option is marked correct twice."))
    if kind == QuestionKind.TRUE_FALSE:
        if options:
            problems.append(_("A true/false question has no options of its own."))
        if len(answer) != 1 or answer[0] not in (TRUE, FALSE):
            problems.append(
                _("A true/false question needs the answer true or false (正确/错误).")
            )
        return problems
    if any(not str(text).strip() for text in options):
        problems.append(_("An option is empty."))
    if len(options) < 2:
        problems.append(_("A choice question needs at least two options."))
    if len(options) > MAX_OPTIONS:
        problems.append(
            _("A question can have at most %(count)s options.") % {"count": MAX_OPTIONS}
        )
    if any(i < 0 or i >= len(options) for i in answer):
        problems.append(_("The correct answer names an option that does not exist."))
    elif kind == QuestionKind.SINGLE and len(answer) != 1:
        problems.append(_("A single-choice question needs exactly one correct option."))
    elif kind == QuestionKind.MULTIPLE and not answer:
        problems.append(
            _("A multiple-choice question needs at least one correct option.")
        )
    return problems
