"""Sign in with a phone number or a username; exchange an activation code."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend

from lms.people.selectors import find_user
from lms.people.services.logins import code_matches
from lms.people.user_cache import user_with_person


class PhoneOrUsernameBackend(ModelBackend):
    """A mobile number (in any usual spelling) finds the user by phone first; anything
    else is a username. The password hasher still runs when nobody matches, so the
    response time does not tell whether an account exists."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        user = find_user(username)
        if user is None:
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        # The profile is read on nearly every page; it comes with the user, from
        # the shared cache when it is there.
        user = user_with_person(user_id)
        return user if user and self.user_can_authenticate(user) else None


class ActivationCodeBackend(BaseBackend):
    """``authenticate(request, username=..., one_time_password=...)``: the login a
    phone number (or username) names, if the code is its valid activation code
    (lms/people/services/logins.py). Going through ``authenticate`` is what makes
    django-axes guard it: a locked (account, address) is refused before the code is
    checked, and a wrong code counts as a failed sign-in. The keyword has
    "password" in it so that Django masks it in the failure signal.

    It never signs anyone in by itself: /activate/ sets the new password and signs
    in through PhoneOrUsernameBackend, and ``get_user`` here finds nobody."""

    def authenticate(self, request, username=None, one_time_password=None, **kwargs):
        if not username or one_time_password is None:
            return None
        user = find_user(username)
        if code_matches(user, one_time_password) and user.is_active:
            return user
        return None

    def get_user(self, user_id):
        return None
