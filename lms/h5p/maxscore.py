"""The maximum score of a package, known on the server.

The browser reports both a score and a maximum, and both are the browser's word.
The server needs its own maximum to refuse "999 out of 1", so it derives one from
``content/content.json`` the way each content type computes it in its JavaScript.
Only content types whose rule we know are scored; for the rest the result is None
and an instructor may type the maximum in the admin.
"""

import re

# *answer* marks a blank (Blanks), a draggable word (DragText) or a word to mark
# (MarkTheWords). Escaped asterisks (\*) are literal text in those content types.
_STARRED = re.compile(r"(?<!\\)\*[^*\n]+?(?<!\\)\*")


def _starred_count(text):
    return len(_STARRED.findall(text)) if isinstance(text, str) else 0


def _true_false(params):
    return 1


def _multi_choice(params):
    behaviour = params.get("behaviour") or {}
    if behaviour.get("singlePoint"):
        return 1
    correct = sum(
        1
        for answer in params.get("answers") or []
        if isinstance(answer, dict) and answer.get("correct")
    )
    # MultiChoice treats "no correct answer" as "leaving all blank is correct",
    # worth one point.
    return correct or 1


def _blanks(params):
    questions = params.get("questions") or []
    return sum(_starred_count(question) for question in questions)


def _single_choice_set(params):
    return len([c for c in params.get("choices") or [] if isinstance(c, dict)])


def _mark_the_words(params):
    return _starred_count(params.get("textField"))


def _drag_text(params):
    return _starred_count(params.get("textField"))


def _drag_question(params):
    if (params.get("behaviour") or {}).get("singlePoint"):
        return 1
    task = (params.get("question") or {}).get("task") or {}
    elements = task.get("elements") or []
    zones = task.get("dropZones") or []
    total = 0
    for index, element in enumerate(elements):
        correct_zones = [
            zone
            for zone in zones
            if isinstance(zone, dict)
            and str(index) in [str(e) for e in zone.get("correctElements") or []]
        ]
        if correct_zones:
            multiple = isinstance(element, dict) and element.get("multiple")
            total += len(correct_zones) if multiple else 1
    # Like MultiChoice: with no correct placement, an untouched task scores 1.
    return total or 1


def _question_set(params):
    total = 0
    for question in params.get("questions") or []:
        if not isinstance(question, dict):
            return None
        score = library_max_score(question.get("library"), question.get("params"))
        if score is None:
            return None
        total += score
    return total


RULES = {
    "H5P.TrueFalse": _true_false,
    "H5P.MultiChoice": _multi_choice,
    "H5P.Blanks": _blanks,
    "H5P.SingleChoiceSet": _single_choice_set,
    "H5P.QuestionSet": _question_set,
    "H5P.MarkTheWords": _mark_the_words,
    "H5P.DragText": _drag_text,
    "H5P.DragQuestion": _drag_question,
}


def library_max_score(library, params):
    """Maximum for a sub-content's "H5P.Name 1.2" and its params, or None."""
    if not isinstance(library, str) or not isinstance(params, dict):
        return None
    rule = RULES.get(library.split(" ", 1)[0])
    return rule(params) if rule else None


def package_max_score(main_library, content):
    """Maximum for a whole package, or None when we cannot know it."""
    rule = RULES.get(main_library)
    if rule is None or not isinstance(content, dict):
        return None
    return rule(content)
