"""A requirement in words, as a sentence of what to do: "Complete the course
“Fire safety basics”", not the kind's label and a colon ("Course completed:
…", which reads as done). One wording for the trainee's "what I still need" and
for the criteria inside signed credentials, in the active language."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.certs.constants import RequirementKind


def _what(requirement):
    kind = requirement.kind
    if kind == RequirementKind.COURSE_COMPLETED and requirement.course_id:
        return _("Complete the course “%(title)s”") % {
            "title": requirement.course.title
        }
    if kind == RequirementKind.EXAM_PASSED and requirement.quiz_id:
        if requirement.min_percent:
            return _("Pass the exam “%(title)s” with at least %(percent)s%%") % {
                "title": requirement.quiz.title,
                "percent": f"{requirement.min_percent.normalize():f}",
            }
        return _("Pass the exam “%(title)s”") % {"title": requirement.quiz.title}
    # A drill rule without a type: a drill of any type counts.
    if kind == RequirementKind.DRILL_ATTENDED:
        if not requirement.drill_type:
            return _("Attend a drill of any type")
        return _("Attend a drill (%(type)s)") % {
            "type": requirement.get_drill_type_display()
        }
    if kind == RequirementKind.DRILL_PASSED:
        if not requirement.drill_type:
            return _("Pass the skills check at a drill of any type")
        return _("Pass the skills check at a drill (%(type)s)") % {
            "type": requirement.get_drill_type_display()
        }
    if kind == RequirementKind.STUDY_HOURS and requirement.hours:
        return _("Study for %(hours)s study hours in all") % {
            "hours": f"{requirement.hours.normalize():f}"
        }
    if kind == RequirementKind.QUALIFICATION_HELD and requirement.other_type_id:
        return _("Hold the qualification “%(name)s”") % {
            "name": requirement.other_type.name
        }
    if kind == RequirementKind.EXTERNAL_CREDENTIAL and requirement.credential_kind:
        return _("Have your %(credential)s verified by your organisation") % {
            "credential": requirement.get_credential_kind_display()
        }
    return str(requirement.get_kind_display())


def requirement_text(requirement):
    """The requirement as one plain sentence (no internal ids)."""
    text = _what(requirement)
    months = requirement.within_months
    if months:
        text += ngettext(
            " (within the last month)", " (within the last %(months)d months)", months
        ) % {"months": months}
    return text
