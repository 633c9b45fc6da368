"""Asking a floor above for an answer, through Wagtail's hooks.

An app may not import the apps above it (docs/architecture.md, "The house"), yet a
page of a lower app sometimes shows something an upper app knows: a quiz result
leads back to its lesson (courses), a completed lesson says which qualifications
it counts toward (certs). The lower app names a hook and asks it; the upper app
registers the answer in its ``wagtail_hooks.py``, as Wagtail's own apps extend one
another. Nobody registered: no answer, and the page shows less.
"""

from wagtail import hooks


def first_answer(hook_name, **kwargs):
    """The first answer that is not None of the functions registered for
    ``hook_name``, called with ``kwargs``; None if there is none."""
    for fn in hooks.get_hooks(hook_name):
        answer = fn(**kwargs)
        if answer is not None:
            return answer
    return None
