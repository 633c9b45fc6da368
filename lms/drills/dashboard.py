"""The instructor's phone pages at a drill: the live dashboard (numbers, flagged
check-ins, missing people, and the actions on them) and the skill assessment.
Each POST calls one service and comes back to its page with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lms.drills import selectors, services
from lms.drills.models import Attendance
from lms.drills.views import _led_drill


def _back(drill):
    return redirect(reverse("drill_dashboard", args=[drill.pk]))


def _reason(request):
    return request.POST.get("reason", "").strip()


def _pk(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def dashboard(request, pk):
    drill = _led_drill(request, pk)
    context = {
        "drill": drill,
        "attendance_url": reverse("drill_attendance", args=[drill.pk]),
        **selectors.dashboard_of(drill),
    }
    template = (
        "drills/includes/dashboard_lists.html"
        if request.GET.get("part") == "lists"
        else "drills/dashboard.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def void(request, pk):
    drill = _led_drill(request, pk)
    attendance = Attendance.objects.filter(
        drill=drill, pk=_pk(request.POST.get("attendance"))
    ).first()
    reason = _reason(request)
    if attendance is None:
        messages.error(request, _("That check-in is not part of this drill."))
    elif attendance.voided_at is not None:
        messages.error(request, _("That check-in was already voided."))
    elif not reason:
        messages.error(request, _("Give a reason to void a check-in."))
    else:
        services.attendance_void(
            attendance=attendance, actor=request.user, reason=reason
        )
        messages.success(
            request,
            _("Check-in of %(name)s voided.") % {"name": attendance.person.name},
        )
    return _back(drill)


def _invited_person(drill, request):
    return (
        selectors.invited_people(drill)
        .filter(pk=_pk(request.POST.get("person")))
        .first()
    )


@login_required
@require_POST
def excuse(request, pk):
    drill = _led_drill(request, pk)
    person = _invited_person(drill, request)
    reason = _reason(request)
    if person is None:
        messages.error(request, _("That person is not invited to this drill."))
    elif not reason:
        messages.error(request, _("Give a reason to excuse someone."))
    elif not selectors.missing_people(drill).filter(pk=person.pk).exists():
        # Excusing overwrites the row: never a check-in that counts.
        messages.error(
            request,
            _("%(name)s is already checked in or excused; nothing changed.")
            % {"name": person.name},
        )
    else:
        services.attendance_excuse(
            drill=drill, person=person, actor=request.user, reason=reason
        )
        messages.success(request, _("%(name)s excused.") % {"name": person.name})
    return _back(drill)


@login_required
@require_POST
def mark_present(request, pk):
    drill = _led_drill(request, pk)
    person = _invited_person(drill, request)
    if person is None:
        messages.error(request, _("That person is not invited to this drill."))
        return _back(drill)
    try:
        attendance, created = services.checkin_by_instructor(
            drill=drill, actor=request.user, person=person
        )
    except services.CheckinRefused as error:
        messages.error(request, error.message)
        return _back(drill)
    if created:
        messages.success(
            request,
            _("%(name)s checked in (%(status)s).")
            % {"name": person.name, "status": attendance.get_status_display()},
        )
    else:
        messages.error(
            request,
            _("%(name)s already has a record at this drill; nothing changed.")
            % {"name": person.name},
        )
    return _back(drill)


@login_required
@require_POST
def close(request, pk):
    drill = _led_drill(request, pk)
    if drill.closed_at is not None:
        messages.error(request, _("Check-in is already closed."))
    elif request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm closing check-in."))
    else:
        absent = services.drill_close(drill=drill, actor=request.user)
        messages.success(
            request,
            _("Check-in closed; %(count)s people marked absent.") % {"count": absent},
        )
    return _back(drill)


def _skill_choices(post, items):
    """{item: passed} for the items the form marked pass or fail."""
    results = {}
    for item in items:
        value = post.get(f"item-{item.pk}")
        if value in ("pass", "fail"):
            results[item] = value == "pass"
    return results


@login_required
@require_http_methods(["GET", "POST"])
def skills(request, pk):
    """Pass or fail per present person and skill: one form per person."""
    drill = _led_drill(request, pk)
    items = selectors.skill_items_for(drill)
    attendances = selectors.present_attendance_of(drill)
    if request.method == "POST":
        by_pk = {a.pk: a for a in attendances}
        attendance = by_pk.get(_pk(request.POST.get("attendance")))
        results = _skill_choices(request.POST, items)
        if attendance is None:
            messages.error(request, _("That person is not present at this drill."))
        elif not results:
            messages.error(request, _("Mark at least one skill pass or fail."))
        else:
            services.skill_results_record(
                attendance=attendance, results=results, actor=request.user
            )
            messages.success(
                request,
                _("Saved for %(name)s.") % {"name": attendance.person.name},
            )
        url = reverse("drill_skills", args=[drill.pk])
        return redirect(f"{url}#a{attendance.pk}" if attendance else url)
    rows = []
    for attendance in attendances:
        marks = {r.item_id: r.passed for r in attendance.skill_results.all()}
        rows.append(
            {
                "attendance": attendance,
                "items": [(item, marks.get(item.pk)) for item in items],
                "passed": selectors.drill_passed(attendance, items),
            }
        )
    return render(
        request, "drills/skills.html", {"drill": drill, "rows": rows, "items": items}
    )
