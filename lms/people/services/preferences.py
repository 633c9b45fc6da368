"""A person's own choices about how the site looks to them.

The 长辈版 (elders' version, after MIIT's 2021 rules for elder-friendly sites) is
kept on the login, not in a cookie: a guard who turns it on at home finds it on at
the drill, on a colleague's phone or in WeChat's own browser, which shares no
cookies with the phone's other browsers.
"""

from django.db import transaction


def elder_mode_set(*, user, on: bool) -> bool:
    """Turn the elders' version on or off for ``user``; True if it changed. Only
    ever for the signed-in user themself (the view passes ``request.user``): it is
    their own choice about their own screen, so there is nothing to audit."""
    if not user.is_authenticated:
        raise ValueError("Only a signed-in user has an elders' version to set.")
    if user.elder_mode == on:
        return False
    with transaction.atomic():
        user.elder_mode = on
        # Only this column: the request's user may come from the user cache, and
        # its save (post_save) is what makes that cache forget the old copy.
        user.save(update_fields=["elder_mode"])
    return True
