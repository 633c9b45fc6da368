"""Thin views: parse, call a selector or service, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from wagtail import hooks

from lms.core.client import lockout_address
from lms.core.qr import qr_svg
from lms.core.ratelimit import address_scope, count_this_minute
from lms.people import phones, photos, selectors
from lms.people.forms import (
    ActivationForm,
    ElderModeForm,
    LoginForm,
    PeopleSearchForm,
)
from lms.people.services.badges import badge_token
from lms.people.services.logins import login_activate
from lms.people.services.preferences import elder_mode_set

PEOPLE_PAGE_SIZE = 30
# Apps above people add what they know of each listed person (lms.certs: their
# qualification records, linked to the record page) without people importing
# them: ``hook(user=, people=)`` returns {person pk: [items with a template]}.
PERSON_ITEMS_HOOK = "shouwang_people_directory_items"


class LoginView(auth_views.LoginView):
    """``/login/`` (public contract). Honours ``next``; without it, people who work
    in the admin land there and everyone else on the home page. Failed sign-ins
    and the lock-out are django-axes' work (lms/people/services/login_guard.py):
    the form passes the request to ``authenticate``, which is all axes needs."""

    form_class = LoginForm
    template_name = "people/login.html"
    redirect_authenticated_user = True

    def dispatch(self, request, *args, **kwargs):
        # Wagtail sends signed-in users without admin access here with
        # next=/admin/; redirecting them back would loop forever. Say no instead.
        if request.user.is_authenticated and not request.user.has_perm(
            "wagtailadmin.access_admin"
        ):
            admin_root = reverse("wagtailadmin_home")
            if self.get_success_url().startswith(admin_root):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_default_redirect_url(self):
        if selectors.starts_in_admin(self.request.user):
            return reverse("wagtailadmin_home")
        return super().get_default_redirect_url()


@login_required
def my_badge(request):
    """Full-screen personal QR badge, bright enough to scan from a phone held up to
    an instructor's camera."""
    person = selectors.user_person(request.user)
    if person is None:
        raise PermissionDenied
    return render(
        request,
        "people/badge.html",
        {"person": person, "badge_svg": qr_svg(badge_token(person), box_size=12)},
    )


@login_required
def my_settings(request):
    """``/me/settings/``: the signed-in user's own settings (the 长辈版 switch)."""
    return render(request, "people/settings.html")


@require_POST
@login_required
def elder_mode(request):
    """Turn the 长辈版 on or off (a plain form post: it works without JavaScript),
    then back to the page the switch was on."""
    form = ElderModeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The setting was not changed. Please try again."))
        return redirect("my_settings")
    on = form.cleaned_data["elder_mode"]
    elder_mode_set(user=request.user, on=on)
    messages.success(
        request,
        _("The elders' version is on.") if on else _("The elders' version is off."),
    )
    next_url = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("my_settings")
    return redirect(next_url)


@login_required
def people_directory(request):
    """Read-only list of the people the user may see (station staff, organisation
    admins, instructors). A constant number of queries whatever the page size."""
    user = request.user
    if not user.has_perm("people.view_person"):
        raise PermissionDenied
    organisations = selectors.organisations_visible_to(user)
    form = PeopleSearchForm(request.GET or None, organisations=organisations)
    people = selectors.people_visible_to(user)
    if form.is_valid():
        if query := form.cleaned_data["q"].strip():
            number = phones.normalise(query)
            people = people.filter(
                Q(name__icontains=query) | Q(phone__startswith=number)
            )
        if organisation := form.cleaned_data["organisation"]:
            people = people.filter(organisation=organisation)
    page = Paginator(
        people.order_by("organisation__code", "name", "pk"), PEOPLE_PAGE_SIZE
    )
    page_obj = page.get_page(request.GET.get("page"))
    people_on_page = list(page_obj.object_list)
    for person in people_on_page:
        person.directory_items = []
    for hook in hooks.get_hooks(PERSON_ITEMS_HOOK):
        found = hook(user=user, people=people_on_page)
        for person in people_on_page:
            person.directory_items.extend(found.get(person.pk, ()))
    page_obj.object_list = people_on_page
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "people/directory.html",
        {"form": form, "page_obj": page_obj, "query_string": query_string.urlencode()},
    )


@login_required
def photo(request, name):
    """A person's ID photo (``person.photo.url``), for those who may see the person;
    everyone else gets 404, as for a photo that does not exist."""
    if not photos.NAME.fullmatch(name):
        raise Http404
    person = selectors.people_visible_to(request.user).filter(photo=name).first()
    if person is None:
        raise Http404
    return photos.photo_response(person)


ACTIVATION_TEMPLATE = "people/activate.html"
SIGN_IN_BACKEND = "lms.people.backends.PhoneOrUsernameBackend"
ACTIVATION_REFUSED = gettext_lazy(
    "The phone number and the code do not match, or the code has expired or been "
    "used. Check both, or ask your organisation's administrator for a new code."
)


def activation_page(request, form, *, status=200, refusal=""):
    return render(
        request,
        ACTIVATION_TEMPLATE,
        {
            "form": form,
            "refusal": refusal,
            "password_rules": password_validation.password_validators_help_texts(),
        },
        status=status,
    )


def too_many_activation_tries(request):
    """Tries per address and minute, whatever the account: axes counts per account
    and address, which one guess at each of many waiting logins would slip past."""
    scope = f"activate:{address_scope(lockout_address(request))}"
    return count_this_minute(scope) > settings.ACTIVATION_TRIES_PER_MINUTE


@sensitive_post_parameters("code", "new_password1", "new_password2")
@never_cache
def activate(request):
    """``/activate/``: a trainee exchanges the one-time code from their
    organisation's sheet for a password of their own, and is signed in. A wrong
    code is a failed sign-in for django-axes (``authenticate`` below); a valid code
    with a password the validators refuse is not used up."""
    form = ActivationForm(request.POST or None)
    if request.method != "POST":
        return activation_page(request, form)
    if too_many_activation_tries(request):
        return activation_page(
            request,
            form,
            status=429,
            refusal=_("Too many tries from this network. Wait a minute and try again."),
        )
    if not form.is_valid():
        return activation_page(request, form)
    data = form.cleaned_data
    user = authenticate(
        request, username=data["username"], one_time_password=data["code"]
    )
    if user is None:
        # A locked (account, address) is answered by axes' middleware
        # (login_guard.lockout_response), whatever is returned here.
        return activation_page(request, form, refusal=ACTIVATION_REFUSED)
    try:
        password_validation.validate_password(data["new_password1"], user)
    except ValidationError as error:
        form.add_error("new_password1", error)
        return activation_page(request, form)
    if not login_activate(user=user, password=data["new_password1"]):
        return activation_page(request, form, refusal=ACTIVATION_REFUSED)
    login(request, user, backend=SIGN_IN_BACKEND)
    messages.success(request, _("Your password is set and you are signed in."))
    return redirect("/")
