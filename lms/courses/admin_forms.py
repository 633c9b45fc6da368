from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Page

from lms.courses.models import CoursePage, SeasonalClassPage
from lms.people.models import Organisation, Team
from lms.people.selectors import organisations_managed_by, sees_everyone


class AssignmentForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page"].queryset = Page.objects.type(CoursePage, SeasonalClassPage)
        if sees_everyone(self.for_user):
            organisations = Organisation.objects.all()
        else:
            organisations = organisations_managed_by(self.for_user)
        self.fields["organisation"].queryset = organisations
        self.fields["team"].queryset = Team.objects.filter(
            organisation__in=organisations.values("pk")
        ).select_related("organisation")

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("organisation")) == bool(cleaned.get("team")):
            raise ValidationError(_("Choose either an organisation or a team."))
        if not self.instance.pk:
            self.instance.assigned_by = self.for_user
        return cleaned
