"""`make bench`, points: /points/ of one station with 2,000 co-governance points
and 100,000 people, beside hand-written SQL computing the same counts.

A fresh PostgreSQL database (BENCH_POINTS_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/pts_points_bench; created and dropped here;
BENCH_POINTS_KEEP_DB=1 keeps it). Data by COPY: BENCH_POINTS_PEOPLE (100,000;
10,000 with --quick) people in 20 companies of the station, 2 qualification
records each (of 3 types; 85 % active, dates spread so some lapse within 60 days),
BENCH_POINTS_POINTS (2,000) points in categories A–D with a location, needs per
category for 3 posts, and 3 assignments per point (6,000; 1 in 10 ended).

Measured in process (DEBUG off; the median of BENCH_POINTS_REPEAT runs, 5):
  1. ``point_board`` for the station (every point, counts, needs, lapsing,
     organisations): time and queries;
  2. the hand-written SQL returning the per-point, per-post assigned and
     deployable counts (no needs, no lapsing, no organisations); its counts are
     compared with the board's;
  3. GET /points/ of a station staff session through Django's test client (the
     whole page: board, map of 2,000 points, list, dashboard) and GET
     /points/?near=... (dispatch), each cold (the board's cache generation bumped
     before every run, as any change it counts does: the board is counted and
     the map drawn) and warm (both from the cache, lms/points/board_cache.py),
     with the ratio to the hand-written SQL's time; GET /api/v1/points with the
     station's API key. Set REDIS_URL (e.g. redis://127.0.0.1:6379/11) to measure
     with the production cache; without it the bench settings use the database
     cache.
Results: BENCH_DIR/points-results.json.
"""

import json
import os
import pickle
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

QUICK = "--quick" in sys.argv
DB_URL = os.environ.get(
    "BENCH_POINTS_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/pts_points_bench",
)
os.environ["BENCH_DATABASE_URL"] = DB_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"

from bench.pg import db_create, db_drop  # noqa: E402

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/shouwang-bench"))  # noqa: S108
PEOPLE = 10_000 if QUICK else int(os.environ.get("BENCH_POINTS_PEOPLE", "100000"))
POINTS = int(os.environ.get("BENCH_POINTS_POINTS", "2000"))
REPEAT = int(os.environ.get("BENCH_POINTS_REPEAT", "5"))
KEEP_DB = os.environ.get("BENCH_POINTS_KEEP_DB") == "1"
RESULTS = BENCH_DIR / "points-results.json"
TYPES = 3
PER_POINT = 3
HOST = "127.0.0.1"  # the bench settings allow only loopback hosts


def say(*parts):
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def setup(day):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from lms.certs.models import Post, QualificationType
    from lms.people.constants import OrganisationKind, Role
    from lms.people.models import Organisation, Person, User
    from lms.people.services.roles import role_group
    from lms.points.models import PointNeed

    t0 = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    migrate_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    rng = random.Random(20261203)  # noqa: S311 (synthetic data)
    station = Organisation.objects.create(
        code="B-PCS", name="压测派出所", kind=OrganisationKind.POLICE_STATION
    )
    companies = Organisation.objects.bulk_create(
        Organisation(
            code=f"B-CO{i:02d}",
            name=f"压测保安公司{i}",
            kind=OrganisationKind.SECURITY_COMPANY,
            supervising_station=station,
        )
        for i in range(20)
    )
    points = Organisation.objects.bulk_create(
        Organisation(
            code=f"B-PT{i:04d}",
            name=f"压测点位{i}",
            kind=OrganisationKind.CO_GOVERNANCE_POINT,
            point_category="ABCD"[i % 4],
            supervising_station=station,
        )
        for i in range(POINTS)
    )
    types = QualificationType.objects.bulk_create(
        QualificationType(code=f"BQ{t}", name=f"压测资格{t}", category="duty")
        for t in range(TYPES)
    )
    posts = []
    for p, needs in enumerate([(0,), (0, 1), (0, 2)]):
        post = Post.objects.create(code=f"BP{p}", name=f"压测岗位{p}", sort_order=p)
        post.required_types.set([types[t] for t in needs])
        post.save()  # a ParentalManyToManyField writes on save
        posts.append(post)
    PointNeed.objects.bulk_create(
        PointNeed(category=c, post=post, guards=n)
        for c, n in zip("ABCD", (3, 2, 1, 1), strict=True)
        for post in posts[: 3 if c == "A" else 2]
    )
    now = timezone.now()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(
            "COPY people_person (name, phone, id_number_encrypted, id_number_last4,"
            " gender, photo, kind, organisation_id, status, badge_key,"
            " created_at, updated_at) FROM STDIN"
        ) as copy:
            for i in range(PEOPLE):
                copy.write_row(
                    (
                        f"压测{i:06d}",
                        "",
                        "",
                        f"{i % 10000:04d}",
                        "",
                        "",
                        "guard",
                        companies[i % len(companies)].pk,
                        "active" if rng.random() < 0.95 else "left",
                        f"bench{i}",
                        now,
                        now,
                    )
                )
        cursor.execute("SELECT id FROM people_person ORDER BY id")
        person_ids = [row[0] for row in cursor.fetchall()]
        with raw.copy(
            "COPY certs_qualificationrecord (serial, code, person_id,"
            " qualification_type_id, status, issued_on, valid_from, valid_until,"
            " evidence, status_reason, created_at) FROM STDIN"
        ) as copy:
            n = 0
            for pk in person_ids:
                for t in rng.sample(range(TYPES), 2):
                    start = day - timedelta(days=rng.randint(-20, 700))
                    until = start + timedelta(days=730)
                    copy.write_row(
                        (
                            f"B-{n:08d}",
                            f"BC{n:010d}",
                            pk,
                            types[t].pk,
                            "active" if rng.random() < 0.85 else "suspended",
                            start,
                            start,
                            until,
                            "{}",
                            "",
                            now,
                        )
                    )
                    n += 1
        with raw.copy(
            "COPY points_pointsite (point_id, latitude, longitude) FROM STDIN"
        ) as copy:
            for i, point in enumerate(points):
                copy.write_row(
                    (point.pk, 22.50 + (i % 50) * 0.002, 114.00 + (i // 50) * 0.002)
                )
        assigned = rng.sample(person_ids, POINTS * PER_POINT)
        with raw.copy(
            "COPY points_pointassignment (person_id, point_id, post_id, valid_from,"
            " valid_until, end_reason, created_at) FROM STDIN"
        ) as copy:
            for i, pk in enumerate(assigned):
                ended = i % 10 == 0
                copy.write_row(
                    (
                        pk,
                        points[i // PER_POINT].pk,
                        posts[i % len(posts)].pk,
                        day - timedelta(days=90),
                        day - timedelta(days=5) if ended else None,
                        "other" if ended else "",
                        now,
                    )
                )
        cursor.execute("ANALYZE")
    load_s = time.perf_counter() - t0
    staff_user = User.objects.create(username="bench-points-staff")
    staff_user.groups.add(role_group(Role.STATION_STAFF))
    Person.objects.create(
        user=staff_user, name="压测民警", organisation=station, badge_key="bench-staff"
    )
    return {
        "station": station,
        "staff_user": staff_user,
        "migrate_s": round(migrate_s, 1),
        "load_s": round(load_s, 1),
        "assignments": len(assigned),
    }


def timed(fn, repeat=REPEAT, before=None):
    """(median ms, queries of the last run, result of the last run). ``before``
    runs ahead of each run, untimed (the cold page bumps the board's generation)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm: the first run reads what later ones cache (posts, roles)
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1), len(captured), result


HAND_SQL = """
WITH needs AS (
    SELECT po.id, array_agg(pr.qualificationtype_id::bigint) AS types
    FROM certs_post po JOIN certs_post_required_types pr ON pr.post_id = po.id
    GROUP BY po.id
), held AS (
    SELECT r.person_id, array_agg(r.qualification_type_id::bigint) AS types
    FROM certs_qualificationrecord r
    WHERE r.person_id IN (
        SELECT a.person_id FROM points_pointassignment a
        JOIN people_organisation o ON o.id = a.point_id
        WHERE o.supervising_station_id = %(station)s)
      AND r.status = 'active' AND r.valid_from <= %(day)s
      AND (r.valid_until IS NULL OR r.valid_until >= %(day)s)
    GROUP BY r.person_id
)
SELECT a.point_id, a.post_id, COUNT(DISTINCT a.person_id),
       SUM(CASE WHEN p.status = 'active'
                 AND n.types <@ COALESCE(h.types, '{}'::bigint[]) THEN 1 ELSE 0 END)
FROM points_pointassignment a
JOIN people_organisation o ON o.id = a.point_id
JOIN people_person p ON p.id = a.person_id
JOIN needs n ON n.id = a.post_id
LEFT JOIN held h ON h.person_id = a.person_id
WHERE o.supervising_station_id = %(station)s
  AND a.valid_from <= %(day)s
  AND (a.valid_until IS NULL OR a.valid_until >= %(day)s)
GROUP BY a.point_id, a.post_id
"""


def measure(made, day):
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from lms.certs.api_keys import api_key_create
    from lms.people.selectors import people_visible_to
    from lms.points import board_cache, drawing
    from lms.points.scope import points_of_station
    from lms.points.selectors import point_board

    station, user = made["station"], made["staff_user"]
    results = {}

    def board():
        return point_board(points_of_station(station), people_visible_to(user), day=day)

    ms, queries, made_board = timed(board)
    results["board"] = {"ms": ms, "queries": queries}

    def hand():
        with connection.cursor() as cursor:
            cursor.execute(HAND_SQL, {"station": station.pk, "day": day})
            return cursor.fetchall()

    ms, queries, rows = timed(hand)
    results["hand_sql"] = {"ms": ms, "queries": queries}
    from_sql = {(pt, post): (n, d) for pt, post, n, d in rows}
    from_board = {
        (p.pk, c.post.pk): (c.assigned, c.deployable)
        for p in made_board.points
        for c in p.posts
        if c.assigned
    }
    results["same_counts"] = from_sql == from_board
    results["short_points"] = len(made_board.short_points)

    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    date_q = f"?date={day.isoformat()}"
    hand_ms = results["hand_sql"]["ms"]
    for name, url in (
        ("page", f"/points/{date_q}"),
        ("page_near", f"/points/{date_q}&near=22.53,114.04&radius=2"),
    ):

        def get(url=url):
            response = client.get(url)
            if response.status_code != 200:
                sys.exit(f"[points] {url}: {response.status_code}")
            return response

        # Cold: the board's generation bumped before each run (as any assignment
        # or record change does), so the board is counted and the map drawn.
        # Warm: both read from the cache (lms/points/board_cache.py).
        for state, before in (("cold", board_cache.board_changed), ("warm", None)):
            ms, queries, response = timed(get, before=before)
            results[f"{name}_{state}"] = {
                "ms": ms,
                "queries": queries,
                "bytes": len(response.content),
                "x_hand_sql": round(ms / hand_ms, 2),
            }
    entry = (
        board_cache._pack(made_board),
        drawing.points_map(made_board.points, day_query=date_q),
    )
    results["cache"] = {
        "backend": settings.CACHES["default"]["BACKEND"],
        "entry_bytes": len(pickle.dumps(entry)),
    }
    _key, plaintext = api_key_create(station=station, name="压测", actor=user)
    api = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Api-Key {plaintext}")

    def api_near():
        response = api.get(f"/api/v1/points{date_q}&near=22.53,114.04&post=BP1")
        if response.status_code != 200:
            sys.exit(f"[points] /api/v1/points: {response.status_code}")
        return response

    ms, queries, _response = timed(api_near)
    results["api_near"] = {"ms": ms, "queries": queries}
    return results


def main():
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    day = date.today()
    say(
        f"[points] fresh database {urlsplit(DB_URL).path.lstrip('/')}: {PEOPLE} people,"
        f" {POINTS} points"
    )
    db_create(DB_URL)
    try:
        made = setup(day)
        say(f"[points] setup: migrate {made['migrate_s']} s, load {made['load_s']} s")
        results = measure(made, day)
    finally:
        if KEEP_DB:
            say("[points] BENCH_POINTS_KEEP_DB=1: database kept")
        else:
            db_drop(DB_URL)
    out = {
        "project": "shouwang",
        "benchmark": "points",
        "quick": QUICK,
        "db": "postgres",
        "nproc": os.cpu_count(),
        "load_avg_after": os.getloadavg(),
        "python": sys.version.split()[0],
        "people": PEOPLE,
        "points": POINTS,
        "assignments": made["assignments"],
        "day": day.isoformat(),
        "setup": {k: made[k] for k in ("migrate_s", "load_s")},
        "results": results,
    }
    RESULTS.write_text(json.dumps(out, indent=2, ensure_ascii=False, default=str))
    say(json.dumps(out, indent=2, ensure_ascii=False, default=str))
    say(f"[points] results in {RESULTS}")


if __name__ == "__main__":
    main()
