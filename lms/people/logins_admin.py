"""Admin pages for the logins of an organisation's people (``people.manage_logins``:
organisation admins for their own people, site admins for all).

- *Logins* (``people_logins``): the people of one organisation who have no login
  yet or have not activated it, ticked; one button gives them logins and shows the
  activation sheet.
- The sheet (``people_logins_sheet``, POST only): A4, one slip a person, shown once.
  It is the answer to the POST, never stored and never cached (``never_cache``); the
  form's ``sheet`` key is used up by the first answer, so a reload says that the
  codes were shown and must be issued anew.
- A person's *Reset password* and *Reset badge* (``people_login_reset``,
  ``people_badge_reset``): a page that says what will happen, and a POST that does
  it; on the person's edit and inspect pages and in the listing's "More" menu.

Views parse, call ``lms.people.services.logins`` or ``badges``, and render.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView, View
from wagtail.admin.widgets import Button

from lms.core.admin_helpers import AdminPageMixin
from lms.core.qr import qr_svg
from lms.people import selectors
from lms.people.admin_forms import IssueForm, PeopleChoiceForm
from lms.people.constants import LoginState
from lms.people.models import Person
from lms.people.services.badges import badge_reset
from lms.people.services.logins import (
    PERMISSION,
    SheetAlreadyShown,
    login_state,
    logins_issue,
)

# People listed (and issued) at once: a sheet of 20 pages, ten slips a page.
MAX_PER_SHEET = 200
# States whose people are ticked when the page opens: those who cannot sign in.
TICKED = {LoginState.NONE, LoginState.NO_CODE}


class LoginsView(AdminPageMixin, TemplateView):
    permission = PERMISSION
    page_title = gettext_lazy("Logins")
    header_icon = "key"
    template_name = "people/admin/logins.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = PeopleChoiceForm(self.request.GET or None, user=self.request.user)
        organisation = team = None
        if form.is_valid():
            organisation = form.cleaned_data["organisation"]
            team = form.cleaned_data["team"]
        elif not self.request.GET:
            organisation = form.fields["organisation"].initial
        rows, active = [], 0
        if organisation is not None:
            now = timezone.now()
            waiting, active = selectors.login_candidates(
                self.request.user, organisation=organisation, team=team
            )
            for person in waiting[: MAX_PER_SHEET + 1]:
                state = login_state(person, now=now)
                rows.append(
                    {
                        "person": person,
                        "state": state,
                        "state_label": LoginState(state).label,
                        "ticked": state in TICKED and bool(person.phone),
                    }
                )
        context.update(
            form=form,
            organisation=organisation,
            rows=rows[:MAX_PER_SHEET],
            more=len(rows) > MAX_PER_SHEET,
            active=active,
            max_per_sheet=MAX_PER_SHEET,
            sheet_key=uuid.uuid4(),
        )
        return context


def sheet_response(request, result, *, back_url):
    """The A4 sheet of slips; the codes are in this response and nowhere else."""
    activate_url = request.build_absolute_uri(reverse("activate"))
    response = render(
        request,
        "people/admin/activation_sheet.html",
        {
            "result": result,
            "activate_url": activate_url,
            "activate_qr": qr_svg(activate_url, box_size=4, border=1),
            "back_url": back_url,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def already_shown(request, back_url):
    return render(
        request,
        "people/admin/sheet_shown.html",
        {"back_url": back_url, "page_title": _("Activation sheet")},
        status=409,
    )


@method_decorator(never_cache, name="dispatch")
class IssueSheetView(AdminPageMixin, View):
    """POST: give the ticked people logins and show their sheet."""

    permission = PERMISSION
    http_method_names = ["post"]

    def post(self, request):
        ids = [value for value in request.POST.getlist("person") if value.isdigit()]
        people = list(
            selectors.people_managed_by(request.user)
            .filter(pk__in=ids)
            .select_related("user", "organisation")
            .order_by("team__name", "name", "pk")
        )
        form = IssueForm(request.POST, people=people)
        back_url = reverse("people_logins")
        if people:
            back_url += f"?organisation={people[0].organisation_id}"
        if not form.is_valid() or not people:
            messages.error(request, _("Tick the people who should get a login."))
            return redirect(back_url)
        try:
            result = logins_issue(
                people=people, actor=request.user, sheet_key=form.cleaned_data["sheet"]
            )
        except SheetAlreadyShown:
            return already_shown(request, back_url)
        return sheet_response(request, result, back_url=back_url)


class PersonLoginActionView(AdminPageMixin, TemplateView):
    """A confirmation page (GET) and the action (POST) for one person the user
    manages; anyone else's person is a 404, like a missing one."""

    permission = PERMISSION
    template_name = "people/admin/confirm_login_action.html"

    def dispatch(self, request, *args, pk, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        self.person = get_object_or_404(
            selectors.people_managed_by(request.user).select_related("user"), pk=pk
        )
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        people = {
            "url": reverse("people:index"),
            "label": Person._meta.verbose_name_plural,
        }
        person = {
            "url": reverse("people:edit", args=[self.person.pk]),
            "label": str(self.person),
        }
        return [
            *self.breadcrumbs_items,
            people,
            person,
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            person=self.person,
            state_label=LoginState(login_state(self.person)).label,
            sheet_key=uuid.uuid4(),
            action_url=self.request.path,
            **kwargs,
        )

    def person_url(self):
        return reverse("people:edit", args=[self.person.pk])


@method_decorator(never_cache, name="dispatch")
class ResetPasswordView(PersonLoginActionView):
    page_title = gettext_lazy("Reset password")
    header_icon = "key"
    explanation = gettext_lazy(
        "The current password stops working at once and every device signed in "
        "with it is signed out. A new activation code is shown once, on a sheet to "
        "print or read out; with it the person chooses a new password at the "
        "activation page. A person without a login gets one (their phone number)."
    )
    button_label = gettext_lazy("Reset password and show the code")

    def post(self, request, *args, **kwargs):
        form = IssueForm(
            {"person": [self.person.pk], "sheet": request.POST.get("sheet")},
            people=[self.person],
        )
        if not form.is_valid():
            return redirect(request.path)
        try:
            result = logins_issue(
                people=[self.person],
                actor=request.user,
                sheet_key=form.cleaned_data["sheet"],
                reset=True,
            )
        except SheetAlreadyShown:
            return already_shown(request, self.person_url())
        if not result.issued:
            messages.error(request, result.refused[0].reason)
            return redirect(self.person_url())
        return sheet_response(request, result, back_url=self.person_url())


class ResetBadgeView(PersonLoginActionView):
    page_title = gettext_lazy("Reset badge")
    header_icon = "rotate"
    explanation = gettext_lazy(
        "The person's check-in badge (the QR code on their phone and any printed "
        "card) stops working at once; their phone shows the new one the next time "
        "they open “My badge”. Print a new card if they use one."
    )
    button_label = gettext_lazy("Reset badge")

    def post(self, request, *args, **kwargs):
        badge_reset(person=self.person, actor=request.user)
        messages.success(
            request,
            _("The badge of %(name)s was reset; earlier badges no longer work.")
            % {"name": self.person.name},
        )
        return redirect(self.person_url())


def person_login_buttons(user, person, button_class=Button):
    """ "Reset password" and "Reset badge" for a person's pages and listing row."""
    if not user.has_perm(PERMISSION):
        return []
    return [
        button_class(
            _("Reset password"),
            url=reverse("people_login_reset", args=[person.pk]),
            icon_name="key",
            priority=40,
        ),
        button_class(
            _("Reset badge"),
            url=reverse("people_badge_reset", args=[person.pk]),
            icon_name="rotate",
            priority=41,
        ),
    ]
