"""Admin → 资格证书 → 到期与逾期: records ending within N days and renewals that are
overdue, for the organisations the user may see (org admins their own, station
staff theirs and those they supervise, training managers and site admins all)."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from lms.certs.constants import Status
from lms.certs.models import QualificationRecord
from lms.certs.selectors import overdue_renewals
from lms.core.admin_helpers import AdminPageMixin
from lms.people.selectors import organisations_visible_to


class ExpiryReportForm(forms.Form):
    days = forms.IntegerField(
        label=_("Ending within (days)"), min_value=1, max_value=366, initial=60
    )


class ExpiryReportView(AdminPageMixin, FormView):
    page_title = _("Expiring and overdue qualifications")
    header_icon = "warning"
    template_name = "certs/admin/expiry_report.html"
    form_class = ExpiryReportForm
    permission = "certs.view_qualificationrecord"

    def get_form_kwargs(self):
        return {"data": self.request.GET or {"days": 60}}

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        context = {"form": form}
        if form.is_valid():
            today = timezone.localdate()
            organisations = list(
                organisations_visible_to(request.user).values_list("pk", flat=True)
            )
            context["ending"] = list(
                QualificationRecord.objects.filter(
                    status=Status.ACTIVE,
                    valid_until__gte=today,
                    valid_until__lte=today + timedelta(days=form.cleaned_data["days"]),
                    person__organisation_id__in=organisations,
                )
                .select_related("person__organisation", "qualification_type")
                .order_by("valid_until", "person__name")[:500]
            )
            context["overdue"] = overdue_renewals(organisations, day=today)[:500]
        return self.render_to_response(self.get_context_data(**context))
