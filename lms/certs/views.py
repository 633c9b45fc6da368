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


@login_required
@require_http_methods(["GET", "POST"])
def record_detail(request, serial):
    record, own, staff = _record_for(request, serial)
    # Nobody approves, reinstates or otherwise changes their own record.
    actions = [
        name
        for name, (perm, _service, _reason) in ACTIONS.items()
        if staff
        and not own
        and request.user.has_perm(perm)
        and record.status in ALLOWED_FROM[name]
    ]
    form = ReasonForm()
    if request.method == "POST":
        name = request.POST.get("action")
        if name not in actions:
            messages.error(request, _("That change is not possible for this record."))
            return redirect("certs_record", serial=serial)
        _perm, service, needs_reason = ACTIONS[name]
        form = ReasonForm(request.POST)
        if not needs_reason or form.is_valid():
            kwargs = {"reason": form.cleaned_data["reason"]} if needs_reason else {}
            try:
                service(record=record, actor=request.user, **kwargs)
            except issuing.LifecycleError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Saved."))
            return redirect("certs_record", serial=serial)
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
            "form": form,
            "history": history,
            "newer": newer,
            "staff": staff,
            "evidence": selectors.evidence_items(record) if staff else [],
        },
    )
