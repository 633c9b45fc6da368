"""Background work: the engine for the people whose results just changed."""

from django.db import transaction
from django_tasks import task

from lms.certs.services.engine import qualifications_issue


@task()
def issue_for_people(person_ids):
    qualifications_issue(person_ids=list(person_ids))


def after_results_changed(person_ids):
    """Called by the quizzes, drills and courses apps when a pass, a drill's close
    or a completion lands: the engine runs once the transaction commits (in a
    worker where a task backend is configured, otherwise at once)."""
    ids = sorted({int(pk) for pk in person_ids})
    if ids:
        transaction.on_commit(lambda: issue_for_people.enqueue(ids))
