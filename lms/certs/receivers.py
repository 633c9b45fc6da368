"""Listeners of the events records announce (lms/core/events.py): each only hands
over to a task or a service."""

from lms.certs import tasks


def result_recorded(sender, person_ids, **kwargs):
    """A result rules read has landed: the engine runs for those people."""
    tasks.after_results_changed(person_ids)
