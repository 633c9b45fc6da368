"""What the roster and points benchmarks share: their settings from the
environment, a fresh PostgreSQL database, people and qualification records loaded
by COPY, a station staff login, timing, and the results file.

Each benchmark keeps only its own shape of data (bench/roster.py: 20 stations
with companies, points and teams; bench/points.py: one station with 2,000 points,
their needs and assignments) and what it measures.
"""

import json
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from bench.pg import db_create, db_drop

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/shouwang-bench"))  # noqa: S108
HOST = "127.0.0.1"  # the bench settings allow only loopback hosts


def say(*parts):
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


@dataclass(frozen=True)
class Config:
    """A benchmark's settings, from BENCH_<NAME>_DATABASE_URL, _PEOPLE, _REPEAT
    and _KEEP_DB (and --quick: 10,000 people)."""

    name: str
    db_url: str
    people: int
    repeat: int
    keep_db: bool
    quick: bool

    @property
    def results(self):
        return BENCH_DIR / f"{self.name}-results.json"


def configure(name, default_db):
    """The benchmark's Config; points Django at the bench settings and its
    database (before django.setup())."""
    prefix = f"BENCH_{name.upper()}_"
    quick = "--quick" in sys.argv
    config = Config(
        name=name,
        db_url=os.environ.get(
            f"{prefix}DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{default_db}"
        ),
        people=10_000 if quick else int(os.environ.get(f"{prefix}PEOPLE", "100000")),
        repeat=int(os.environ.get(f"{prefix}REPEAT", "5")),
        keep_db=os.environ.get(f"{prefix}KEEP_DB") == "1",
        quick=quick,
    )
    os.environ["BENCH_DATABASE_URL"] = config.db_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"
    return config


# --- data ---------------------------------------------------------------------


def migrate():
    """django.setup() and the migrations; the seconds they took."""
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    return round(time.perf_counter() - started, 1)


def qualification_types(count):
    from lms.certs.models import QualificationType

    return QualificationType.objects.bulk_create(
        QualificationType(code=f"BQ{t}", name=f"压测资格{t}", category="duty")
        for t in range(count)
    )


def duty_posts(types, needs):
    """A post per entry of ``needs`` (the indexes of the types it requires)."""
    from lms.certs.models import Post

    posts = []
    for p, required in enumerate(needs):
        post = Post.objects.create(code=f"BP{p}", name=f"压测岗位{p}", sort_order=p)
        post.required_types.set([types[t] for t in required])
        post.save()  # a ParentalManyToManyField writes on save
        posts.append(post)
    return posts


def copy_people(cursor, count, *, organisation_of, status_of, team_of=None):
    """COPY ``count`` guards: person i works for ``organisation_of(i)`` (a pk),
    in ``team_of(i)`` (a pk or None; asked first), with ``status_of()``. Their
    ids, in order."""
    from django.utils import timezone

    now = timezone.now()
    columns = "name, phone, id_number_encrypted, id_number_last4, gender, photo,"
    columns += " kind, organisation_id, team_id, status, badge_key,"
    columns += " created_at, updated_at"
    with cursor.cursor.copy(f"COPY people_person ({columns}) FROM STDIN") as copy:
        for i in range(count):
            team = team_of(i) if team_of else None
            copy.write_row(
                (
                    f"压测{i:06d}",
                    "",
                    "",
                    f"{i % 10000:04d}",
                    "",
                    "",
                    "guard",
                    organisation_of(i),
                    team,
                    status_of(),
                    f"bench{i}",
                    now,
                    now,
                )
            )
    cursor.execute("SELECT id FROM people_person ORDER BY id")
    return [row[0] for row in cursor.fetchall()]


def copy_records(cursor, person_ids, types, *, per_person, rng, record_of):
    """COPY ``per_person`` records of distinct types for each person;
    ``record_of(t)`` gives the (status, valid_from, valid_until) of one of type
    index t. How many were written."""
    from django.utils import timezone

    now = timezone.now()
    columns = "serial, code, person_id, qualification_type_id, status, issued_on,"
    columns += " valid_from, valid_until, evidence, status_reason, created_at"
    n = 0
    with cursor.cursor.copy(
        f"COPY certs_qualificationrecord ({columns}) FROM STDIN"
    ) as copy:
        for pk in person_ids:
            for t in rng.sample(range(len(types)), per_person):
                status, start, until = record_of(t)
                copy.write_row(
                    (
                        f"B-{n:08d}",
                        f"BC{n:010d}",
                        pk,
                        types[t].pk,
                        status,
                        start,
                        start,
                        until,
                        "{}",
                        "",
                        now,
                    )
                )
                n += 1
    return n


def station_staff(station, username):
    """A station staff login at ``station``."""
    from lms.people.constants import Role
    from lms.people.models import Person, User
    from lms.people.services.roles import role_group

    user = User.objects.create(username=username)
    user.groups.add(role_group(Role.STATION_STAFF))
    Person.objects.create(
        user=user, name="压测民警", organisation=station, badge_key="bench-staff"
    )
    return user


# --- measuring ----------------------------------------------------------------


class Timing(NamedTuple):
    ms: float  # the median
    queries: int  # of the last run
    result: object  # of the last run
    beside_ms: float | None = None  # the median of ``beside``, when given


def timed(fn, repeat, *, warm_up=False, before=None, beside=None):
    """The Timing of ``repeat`` runs of ``fn``. ``warm_up`` runs it once untimed
    first; ``before`` runs ahead of each run, untimed; ``beside`` (a baseline) runs
    ahead of each run, timed on its own, so that the ratio of the two medians
    compares the same moments of a shared, loaded machine."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if warm_up:
        fn()
    times, beside_times = [], []
    for _ in range(repeat):
        if beside is not None:
            started = time.perf_counter()
            beside()
            beside_times.append((time.perf_counter() - started) * 1000)
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - started) * 1000)
    return Timing(
        round(statistics.median(times), 1),
        len(captured),
        result,
        round(statistics.median(beside_times), 1) if beside_times else None,
    )


def run(config, *, headline, setup, measure, describe):
    """Create the database, ``setup()`` (a dict with migrate_s and load_s),
    ``measure(made)``, drop the database (unless kept) and write the results:
    the common fields, ``describe(made)``'s and the measurements."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    tag = f"[{config.name}]"
    name = urlsplit(config.db_url).path.lstrip("/")
    say(f"{tag} fresh database {name}: {headline}")
    db_create(config.db_url)
    try:
        made = setup()
        say(f"{tag} setup: migrate {made['migrate_s']} s, load {made['load_s']} s")
        results = measure(made)
    finally:
        if config.keep_db:
            say(f"{tag} BENCH_{config.name.upper()}_KEEP_DB=1: database kept")
        else:
            db_drop(config.db_url)
    out = {
        "project": "shouwang",
        "benchmark": config.name,
        "quick": config.quick,
        "db": "postgres",
        "nproc": os.cpu_count(),
        "load_avg_after": os.getloadavg(),
        "python": sys.version.split()[0],
        "people": config.people,
        **describe(made),
        "setup": {k: made[k] for k in ("migrate_s", "load_s")},
        "results": results,
    }
    text = json.dumps(out, indent=2, ensure_ascii=False, default=str)
    config.results.write_text(text)
    say(text)
    say(f"{tag} results in {config.results}")
