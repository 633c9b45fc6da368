"""Signal receivers: each one only hands over to a service."""

from lms.people.services.roles import roles_ensure


def ensure_roles_after_migrate(sender, using="default", **kwargs):
    roles_ensure(using=using)
