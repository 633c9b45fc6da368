"""The trainee's qualifications page, and a record's page with the changes staff
may make to it (suspend, reinstate, revoke, approve). Writes go through
services.issuing; who may do what is checked here and scoped by people_visible_to."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lms.certs import selectors
from lms.certs.constants import Status
from lms.certs.models import QualificationRecord, Reminder
from lms.certs.services import issuing
from lms.people.reports import log_entries_for
from lms.people.selectors import user_person


@login_required
def my_qualifications(request):
    person = user_person(request.user)
    if person is None:
        raise Http404
    today = timezone.localdate()
    records = list(selectors.records_of(person))
    Reminder.objects.filter(record__person=person, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return render(
        request,
        "certs/my_qualifications.html",
        {
            "person": person,
            "records": [(r, r.verdict_on(today)) for r in records],
            "progress": selectors.progress_toward(person, today),
        },
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# action: (permission, service, needs a reason)
ACTIONS = {
    "suspend": ("certs.suspend_qualificationrecord", issuing.record_suspend, True),
    "reinstate": ("certs.suspend_qualificationrecord", issuing.record_reinstate, True),
    "revoke": ("certs.issue_qualificationrecord", issuing.record_revoke, True),
    "approve": ("certs.issue_qualificationrecord", issuing.record_approve, False),
}
ALLOWED_FROM = {
    "suspend": (Status.ACTIVE,),
    "reinstate": (Status.SUSPENDED,),
    "revoke": (Status.ACTIVE, Status.SUSPENDED, Status.PENDING),
    "approve": (Status.PENDING,),
}


def _record_for(request, serial):
    """The record if the user holds it or may see its holder (else 404), whether
    it is their own, and whether they see it as staff."""
    record = get_object_or_404(
        selectors.records_visible_to(request.user).select_related(
            "person__organisation", "qualification_type", "issued_by", "renews"
        ),
        serial=serial,
    )
    person = user_person(request.user)
    own = person is not None and record.person_id == person.pk
    return record, own, request.user.has_perm("certs.view_qualificationrecord")


def _reason_form(name, data=None):
    # One form per action on the page: ids of its own, so labels and the
    # ?action= focus find the right field.
    return ReasonForm(data, auto_id=f"{name}-%s")


def record_actions(record, user, *, own):
    """The changes ``user`` may make to ``record`` now. Nobody approves,
    reinstates or otherwise changes their own record."""
    if own or not user.has_perm("certs.view_qualificationrecord"):
        return []
    return [
        name
        for name, (perm, _service, _reason) in ACTIONS.items()
        if user.has_perm(perm) and record.status in ALLOWED_FROM[name]
    ]


@login_required
@require_http_methods(["GET", "POST"])
def record_detail(request, serial):
    """The record, what may be done to it, and its history. ``?action=suspend``
    (the scanner's 暂停 button) opens with that form first and its reason
    focused."""
    record, own, staff = _record_for(request, serial)
    actions = record_actions(record, request.user, own=own)
    forms = {name: _reason_form(name) for name in actions}
    if request.method == "POST":
        name = request.POST.get("action")
        if name not in actions:
            messages.error(request, _("That change is not possible for this record."))
            return redirect("certs_record", serial=serial)
        _perm, service, needs_reason = ACTIONS[name]
        form = forms[name] = _reason_form(name, request.POST)
        if not needs_reason or form.is_valid():
            kwargs = {"reason": form.cleaned_data["reason"]} if needs_reason else {}
            try:
                service(record=record, actor=request.user, **kwargs)
            except issuing.LifecycleError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Saved."))
            return redirect("certs_record", serial=serial)
    focus = request.GET.get("action")
    if focus in forms:  # the asked-for change first, within thumb reach
        actions = [focus, *[name for name in actions if name != focus]]
    # The person's other records of this qualification, in one query: the one that
    # renewed this record, and the earlier ones (renewed or ended).
    others = list(
        QualificationRecord.objects.filter(
            person_id=record.person_id,
            qualification_type_id=record.qualification_type_id,
        ).exclude(pk=record.pk)
    )
    newer = next((r for r in others if r.renews_id == record.pk), None)
    history = [r for r in others if r.pk < record.pk]
    return render(
        request,
        "certs/record.html",
        {
            "record": record,
            "verdict": record.verdict_on(timezone.localdate()),
            "actions": actions,
            "action_forms": [(name, forms[name]) for name in actions],
            "focus": focus if focus in forms else None,
            "history": history,
            "newer": newer,
            "staff": staff,
            "changes": log_entries_for(record, request.user) if staff else [],
            "evidence": selectors.evidence_items(record) if staff else [],
        },
    )
