"""Background work of the points (django-tasks, as lms/certs/tasks.py): the
boards of recent readers counted after every kept count was dropped
(lms/points/prepared.py). Run twice, it counts twice; nothing else."""

from datetime import date

from django_tasks import task

from lms.points.prepared import boards_prepare


@task()
def prepare_boards(day=None):
    """The default boards of the recent readers on ``day`` (ISO; today)."""
    return boards_prepare(day=date.fromisoformat(day) if day else None)
