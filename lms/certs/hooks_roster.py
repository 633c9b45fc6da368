"""Wagtail admin hooks of the roster part of lms.certs
(imported by wagtail_hooks): the audit log's names for API key actions."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.certs.api_keys import ApiKeyAction


@hooks.register("register_log_actions")
def register_api_key_actions(actions):
    actions.register_action(
        ApiKeyAction.CREATE, _("Create API key"), _("API key created")
    )
    actions.register_action(
        ApiKeyAction.REVOKE, _("Revoke API key"), _("API key revoked")
    )
