"""Wagtail permission policies that add DESIGN.md's scoping to model permissions."""

from wagtail.permission_policies.base import ModelPermissionPolicy


class ScopedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed to the objects the user's scope contains.

    ``readable(user)`` and ``writable(user)`` return querysets. Nothing is ever
    deleted through the admin: records are ended by a status, not removed.
    """

    def __init__(self, model, *, readable, writable):
        super().__init__(model)
        self.readable = readable
        self.writable = writable

    def user_has_permission(self, user, action):
        if action == "delete":
            return False
        return super().user_has_permission(user, action)

    def _scope_for(self, user, action):
        return (
            self.writable(user) if action in {"add", "change"} else self.readable(user)
        )

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return self._scope_for(user, action).filter(pk=instance.pk).exists()

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model._default_manager.none()
        return self._scope_for(user, action)


def register_policies():
    """Called from the app's ready(), before any viewset asks for a policy."""
    from wagtail.permissions import register_permission_policy

    from lms.people import selectors
    from lms.people.models import ExternalCredential, Organisation, Person, Team

    scopes = {
        Person: (selectors.people_visible_to, selectors.people_managed_by),
        Organisation: (
            selectors.organisations_visible_to,
            selectors.organisations_editable_by,
        ),
        Team: (selectors.teams_visible_to, selectors.teams_managed_by),
        ExternalCredential: (
            selectors.credentials_visible_to,
            selectors.credentials_managed_by,
        ),
    }
    for model, (readable, writable) in scopes.items():
        register_permission_policy(
            model,
            ScopedPermissionPolicy(model, readable=readable, writable=writable),
            exact_class=True,
        )
