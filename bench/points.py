"""`make bench`, points: /points/ of one station with 2,000 co-governance points
and 100,000 people, beside hand-written SQL computing the same counts.

A fresh PostgreSQL database (BENCH_POINTS_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/pts_points_bench; created and dropped here;
BENCH_POINTS_KEEP_DB=1 keeps it). Data by COPY: BENCH_POINTS_PEOPLE (100,000;
10,000 with --quick) people in 20 companies of the station, 2 qualification
records each (of 3 types; 85 % active, dates spread so some lapse within 60 days),
BENCH_POINTS_POINTS (2,000) points in categories A–D with a location, needs per
category for 3 posts, and 3 assignments per point (6,000; 1 in 10 ended).

Measured in process (DEBUG off; the median of BENCH_POINTS_REPEAT runs, 5), each
run after a run of the hand-written SQL, timed on its own: every row has the
ratio of the two medians (``x_hand_sql``), which compares the same moments of a
shared, loaded machine:
  1. ``point_board`` for the station (every point, counts, needs, lapsing,
     organisations), and its aggregate query alone (``_counts``), both counting
     everything (nothing kept in lms/points/count_cache.py): time, queries;
  2. the hand-written SQL returning the per-point, per-post assigned and
     deployable counts (no needs, no lapsing, no organisations, no reader's
     scope); its counts are compared with the board's;
  3. GET /points/ of a station staff session through Django's test client (the
     whole page: board, map of 2,000 points, list, dashboard) and GET
     /points/?near=... (dispatch), each
     - after a change (before every run an assignment ended or reopened and a
       record suspended or reinstated, as a station's day brings them: the
       board's entry is dropped, the map drawn again, the counts read from
       lms/points/count_cache.py and the two changed points recounted),
     - cold, nothing kept (the board's entry and every kept count dropped before
       every run, as a point, company or post changed, or the first read of a
       scope on a day: everything counted),
     - warm (board and map from the cache, lms/points/board_cache.py),
     - the first read of the next day (``?date=`` a day further each run: the
       counts start from the day before's), and the same prepared the night
       before (lms/points/prepared.py; the board's own entry gone since);
     GET /api/v1/points with the station's API key. The cache is Redis,
     BENCH_REDIS_URL (bench/bench_settings.py; redis://127.0.0.1:6379/15 unless
     set; empty: the settings' own, REDIS_URL or the database cache).
Results: BENCH_DIR/points-results.json.
"""

import os
import pickle
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench import people_data as data  # noqa: E402

CONFIG = data.configure("points", "pts_points_bench")
POINTS = int(os.environ.get("BENCH_POINTS_POINTS", "2000"))
TYPES = 3
PER_POINT = 3


def setup(day):
    migrate_s = data.migrate()
    from django.db import connection
    from django.utils import timezone

    from lms.people.constants import OrganisationKind
    from lms.people.models import Organisation
    from lms.points.models import PointNeed

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
    types = data.qualification_types(TYPES)
    posts = data.duty_posts(types, [(0,), (0, 1), (0, 2)])
    PointNeed.objects.bulk_create(
        PointNeed(category=c, post=post, guards=n)
        for c, n in zip("ABCD", (3, 2, 1, 1), strict=True)
        for post in posts[: 3 if c == "A" else 2]
    )

    def record_of(_t):
        start = day - timedelta(days=rng.randint(-20, 700))
        until = start + timedelta(days=730)
        return ("active" if rng.random() < 0.85 else "suspended"), start, until

    now = timezone.now()
    with connection.cursor() as cursor:
        person_ids = data.copy_people(
            cursor,
            CONFIG.people,
            organisation_of=lambda i: companies[i % len(companies)].pk,
            status_of=lambda: "active" if rng.random() < 0.95 else "left",
        )
        data.copy_records(
            cursor, person_ids, types, per_person=2, rng=rng, record_of=record_of
        )
        raw = cursor.cursor
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
    return {
        "station": station,
        "staff_user": data.station_staff(station, "bench-points-staff"),
        "migrate_s": migrate_s,
        "load_s": round(load_s, 1),
        "assignments": len(assigned),
    }


def timed(fn, before=None, beside=None):
    """The Timing (bench/people_data.py) of CONFIG.repeat runs after one untimed
    run (which reads what later ones cache: posts, roles). ``before`` runs ahead
    of each run, untimed (the cold page bumps the board's generation); ``beside``
    (the hand-written SQL) ahead of each run, timed on its own."""
    return data.timed(fn, CONFIG.repeat, warm_up=True, before=before, beside=beside)


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
    from lms.certs.models import QualificationRecord
    from lms.certs.roster import load_posts
    from lms.people.selectors import people_visible_to
    from lms.points import board_cache, count_cache, drawing, prepared
    from lms.points.models import PointAssignment
    from lms.points.scope import points_of_station
    from lms.points.selectors import _counts, point_board

    station, user = made["station"], made["staff_user"]
    results = {}

    def hand():
        with connection.cursor() as cursor:
            cursor.execute(HAND_SQL, {"station": station.pk, "day": day})
            return cursor.fetchall()

    def board():
        return point_board(points_of_station(station), people_visible_to(user), day=day)

    posts = load_posts()[0]

    def counts():
        """The board's aggregate query alone (nothing laid out)."""
        points, people = points_of_station(station), people_visible_to(user)
        return _counts(points, people, posts, day, None)

    def row(timing, **extra):
        """A result: the median, queries and ratio to the hand-written SQL timed
        alternately with it."""
        return {
            "ms": timing.ms,
            "queries": timing.queries,
            **extra,
            "hand_sql_ms": timing.beside_ms,
            "x_hand_sql": round(timing.ms / timing.beside_ms, 2),
        }

    def nothing_kept():
        board_cache.board_changed()
        count_cache.everything_changed()

    hand_sql = timed(hand)
    rows = hand_sql.result
    results["hand_sql"] = {"ms": hand_sql.ms, "queries": hand_sql.queries}
    # Counted in full: nothing kept (lms/points/count_cache.py).
    board_timing = timed(board, before=nothing_kept, beside=hand)
    made_board = board_timing.result
    results["board"] = row(board_timing)
    results["board_counts_query"] = row(
        timed(counts, before=count_cache.everything_changed, beside=hand)
    )
    from_sql = {(pt, post): (n, d) for pt, post, n, d in rows}
    from_board = {
        (p.pk, c.post.pk): (c.assigned, c.deployable)
        for p in made_board.points
        for c in p.posts
        if c.assigned
    }
    results["same_counts"] = from_sql == from_board
    results["short_points"] = len(made_board.short_points)

    client = Client(HTTP_HOST=data.HOST)
    client.force_login(user)

    def fetch(url):
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"[points] {url}: {response.status_code}")
        return response

    date_q = f"?date={day.isoformat()}"
    assignment = (
        PointAssignment.objects.filter(
            point__supervising_station=station, valid_until__isnull=True
        )
        .order_by("pk")
        .first()
    )
    record = (
        QualificationRecord.objects.filter(
            person__point_assignments__point__supervising_station=station,
            person__point_assignments__valid_until__isnull=True,
            status="active",
        )
        .exclude(person__point_assignments__point=assignment.point_id)
        .order_by("pk")
        .first()
    )
    changes = iter(range(1_000_000))

    def a_change():
        """An assignment ended or reopened and a record suspended or reinstated
        (each save drops the board's entry and marks what it touches)."""
        odd = next(changes) % 2
        assignment.valid_until = day - timedelta(days=1) if odd else None
        assignment.save(update_fields=["valid_until"])
        record.status = "suspended" if odd else "active"
        record.save(update_fields=["status"])

    for name, url in (
        ("page", f"/points/{date_q}"),
        ("page_near", f"/points/{date_q}&near=22.53,114.04&radius=2"),
    ):

        def get(url=url):
            return fetch(url)

        for state, before in (
            ("changed", a_change),
            ("cold", nothing_kept),
            ("warm", None),
        ):
            timing = timed(get, before=before, beside=hand)
            results[f"{name}_{state}"] = row(timing, bytes=len(timing.result.content))
    # The first read of each next day (?date= one day further each run): the
    # counts start from the day before's (lms/points/count_cache.py).
    days_ahead = iter(range(1, 1000))

    def next_day():
        return fetch(f"/points/?date={day + timedelta(days=next(days_ahead))}")

    timing = timed(next_day, beside=hand)
    results["page_next_day"] = row(timing, bytes=len(timing.result.content))
    # The same, prepared at night (lms/points/prepared.py: the recent readers'
    # boards counted for the day) and the board's own entry gone since (it
    # lives minutes, the counts a day): the morning's first look.
    prepared_days = iter(range(500, 1500))
    upcoming = {}

    def prepare_the_night_before():
        upcoming["day"] = day + timedelta(days=next(prepared_days))
        prepared.boards_prepare(day=upcoming["day"])
        board_cache.board_changed()

    def morning():
        return fetch(f"/points/?date={upcoming['day']}")

    prepare_the_night_before()
    timing = data.timed(
        morning,
        CONFIG.repeat,
        warm_up=True,
        before=prepare_the_night_before,
        beside=hand,
    )
    results["page_next_day_prepared"] = row(timing, bytes=len(timing.result.content))
    entry = (
        made_board.state(),
        drawing.points_map(
            made_board.points,
            day_query=date_q,
            zoom_query=drawing.zoom_query({"day": day}),
        ),
    )
    results["cache"] = {
        "backend": settings.CACHES["default"]["BACKEND"],
        "entry_bytes": len(pickle.dumps(entry)),
    }
    _key, plaintext = api_key_create(station=station, name="压测", actor=user)
    api = Client(HTTP_HOST=data.HOST, HTTP_AUTHORIZATION=f"Api-Key {plaintext}")

    def api_near():
        response = api.get(f"/api/v1/points{date_q}&near=22.53,114.04&post=BP1")
        if response.status_code != 200:
            sys.exit(f"[points] /api/v1/points: {response.status_code}")
        return response

    results["api_near"] = row(timed(api_near, beside=hand))
    return results


def main():
    day = date.today()
    data.run(
        CONFIG,
        headline=f"{CONFIG.people} people, {POINTS} points",
        setup=lambda: setup(day),
        measure=lambda made: measure(made, day),
        describe=lambda made: {
            "points": POINTS,
            "assignments": made["assignments"],
            "day": day.isoformat(),
        },
    )


if __name__ == "__main__":
    main()
