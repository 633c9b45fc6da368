"""The data of bench/checkin.py, made and counted in its process (Django set up
by it first): one organisation, trainees with a session each, the drills; the rows
a drill got; this run's keys out of the shared cache."""

import time
from datetime import timedelta
from importlib import import_module

# One token stays valid for the whole run.
TOKEN_SECONDS = 300


def setup(n_users):
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.utils import timezone

    from bench.setup_shouwang import SIGN_IN_BACKEND
    from lms.drills.models import Drill
    from lms.people.constants import OrganisationKind, Role
    from lms.people.models import Organisation, Person, User
    from lms.people.services.roles import role_group

    t0 = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    migrate_s = time.perf_counter() - t0
    station = Organisation.objects.create(
        code="BENCH-PCS", name="压测派出所", kind=OrganisationKind.POLICE_STATION
    )
    company = Organisation.objects.create(
        code="BENCH-SEC",
        name="压测保安公司",
        kind=OrganisationKind.SECURITY_COMPANY,
        supervising_station=station,
    )
    group = role_group(Role.TRAINEE)
    users = []
    for i in range(n_users + 1):  # the last one is for counting queries
        user = User(username=f"drill{i:04d}", first_name=f"压测{i:04d}")
        user.set_unusable_password()
        users.append(user)
    users = User.objects.bulk_create(users)
    forget_cached_rows({}, [u.pk for u in users])  # left by an interrupted run
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users]
    )
    Person.objects.bulk_create(
        [
            Person(user=u, name=f"压测学员{i:04d}", organisation=company)
            for i, u in enumerate(users)
        ]
    )
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    for user in users[:n_users]:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = SIGN_IN_BACKEND
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    now = timezone.now()
    drills = {}
    for key in ("warmup", "burst", "double", "scan", "inproc", "queries"):
        drill = Drill.objects.create(
            title=f"压测演练 {key}",
            drill_type="fire",
            starts_at=now + timedelta(minutes=5),
            ends_at=now + timedelta(hours=2),
            token_seconds=TOKEN_SECONDS,
        )
        drill.organisations.add(company)
        drills[key] = drill
    return {
        "sessions": sessions,
        "drills": drills,
        "query_user": users[-1],
        "user_ids": [u.pk for u in users],
        "organisation": company,
        "migrate_s": round(migrate_s, 1),
    }


def rows_for(drill, expected):
    from lms.drills.models import Attendance, CheckinLog

    rows = Attendance.objects.filter(drill=drill)
    n = rows.count()
    people = rows.values("person_id").distinct().count()
    return {
        "expected": expected,
        "rows": n,
        "distinct_people": people,
        "lost": expected - people,
        "duplicates": n - people,
        "refusals_logged": CheckinLog.objects.filter(drill_id=drill.pk).count(),
    }


def forget_cached_rows(drills, user_ids):
    """This run's drills and users in the shared cache: the next run's fresh
    database reuses their ids."""
    from django.core.cache import cache

    from lms.drills.selectors import DRILL_KEY
    from lms.people.user_cache import KEY as USER_KEY
    from lms.people.user_cache import VERSION_KEY

    cache.delete_many([DRILL_KEY.format(d.pk) for d in drills.values()])
    cache.delete_many([USER_KEY.format(pk) for pk in user_ids])
    cache.delete_many([VERSION_KEY.format(pk) for pk in user_ids])
