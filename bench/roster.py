"""`make bench`, roster: one station's roster out of 100,000 people and 400,000
qualification records, beside a hand-written SQL query, and the full export.

A fresh PostgreSQL database (BENCH_ROSTER_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/shouwang_roster_bench; created and dropped here;
BENCH_ROSTER_KEEP_DB=1 keeps it). Data by COPY: BENCH_ROSTER_PEOPLE (100,000;
10,000 with --quick) people with 4 records each (4 of 6 qualification types;
80 % active, the rest suspended, revoked, expired or superseded; dates spread over
three years) in BENCH_ROSTER_STATIONS (20) stations, each supervising 10 companies
and 10 co-governance points; the measured station has 1/STATIONS of the people.
4 duty posts need 1 to 3 types.

Measured in process (DEBUG off; the median of BENCH_ROSTER_REPEAT runs, 5):
  1. the roster selectors, first page of 50 (query + page + rows + coverage);
  2. the roster of the whole station (roster_iter, every row built);
  3. the hand-written SQL returning the same rows (people, held serials,
     deployable per post; not the reasons, the count or the coverage), first page
     and whole station; its rows are compared with the selectors' (same people,
     order, serials and verdicts); the selectors' page also without the count and
     coverage, and the coverage alone;
  4. GET /api/v1/roster with an API key (page_size 50 and 500) and the HTML page
     /certs/roster/ of a station staff session, through Django's test client;
  5. the full CSV and XLSX exports, of the station and of all people, the current
     paths (the CSV by COPY and by Python) beside the old one and the floor
     (bench/roster_exports.py, bench/roster_baseline.py), interleaved, the median
     of BENCH_ROSTER_REPEAT runs (the old path once): time, peak Python memory,
     RSS growth in a fresh process, identical content.
Query counts come from CaptureQueriesContext. Results: BENCH_DIR/roster-results.json.
--exports: step 5 alone; --no-baseline: without the old export path.
"""

import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench import people_data as data  # noqa: E402
from bench.roster_exports import measure_exports  # noqa: E402

CONFIG = data.configure("roster", "shouwang_roster_bench")
EXPORTS_ONLY = "--exports" in sys.argv
BASELINE = "--no-baseline" not in sys.argv
STATIONS = int(os.environ.get("BENCH_ROSTER_STATIONS", "20"))
DAY = date(2026, 6, 1)
RECORDS_PER_PERSON = 4
TYPES = 6


def timed(fn):
    """(median ms, queries of the last run, result of the last run)."""
    return data.timed(fn, CONFIG.repeat)[:3]


# --- data ---------------------------------------------------------------------


def setup():
    migrate_s = data.migrate()
    from django.db import connection

    from lms.people.constants import OrganisationKind
    from lms.people.models import Organisation, Team

    t0 = time.perf_counter()
    rng = random.Random(20260601)  # noqa: S311 (synthetic data)
    stations = Organisation.objects.bulk_create(
        Organisation(
            code=f"B-PCS-{s:02d}",
            name=f"压测第{s}派出所",
            kind=OrganisationKind.POLICE_STATION,
        )
        for s in range(STATIONS)
    )
    orgs = []
    for station in stations:
        for i in range(10):
            orgs.append(
                Organisation(
                    code=f"{station.code}-CO{i}",
                    name=f"{station.name}保安公司{i}",
                    kind=OrganisationKind.SECURITY_COMPANY,
                    supervising_station=station,
                )
            )
            orgs.append(
                Organisation(
                    code=f"{station.code}-PT{i}",
                    name=f"{station.name}点位{i}",
                    kind=OrganisationKind.CO_GOVERNANCE_POINT,
                    point_category="ABCD"[i % 4],
                    supervising_station=station,
                )
            )
    orgs = Organisation.objects.bulk_create(orgs)
    teams = Team.objects.bulk_create(
        Team(organisation=org, name=f"{n}队") for org in orgs for n in range(3)
    )
    teams_of = {}
    for team in teams:
        teams_of.setdefault(team.organisation_id, []).append(team.pk)
    types = data.qualification_types(TYPES)
    data.duty_posts(types, [(0,), (0, 1), (0, 1, 2), (3,)])

    statuses = ["active"] * 16 + ["suspended", "revoked", "expired", "superseded"]

    def record_of(t):
        start = DAY - timedelta(days=rng.randint(-60, 1000))
        until = None if t == 5 else start + timedelta(days=rng.choice((365, 730, 1095)))
        return rng.choice(statuses), start, until

    with connection.cursor() as cursor:
        person_ids = data.copy_people(
            cursor,
            CONFIG.people,
            organisation_of=lambda i: orgs[i % len(orgs)].pk,
            team_of=lambda i: (
                rng.choice(teams_of[orgs[i % len(orgs)].pk]) if i % 3 else None
            ),
            status_of=lambda: "active" if rng.random() < 0.93 else "left",
        )
        n = data.copy_records(
            cursor,
            person_ids,
            types,
            per_person=RECORDS_PER_PERSON,
            rng=rng,
            record_of=record_of,
        )
        cursor.execute("ANALYZE")
    load_s = time.perf_counter() - t0
    station = stations[0]
    return {
        "station": station,
        "staff_user": data.station_staff(station, "bench-roster-staff"),
        "migrate_s": migrate_s,
        "load_s": round(load_s, 1),
        "records": n,
    }


# --- measuring ----------------------------------------------------------------


HAND_SQL = """
WITH scope AS (
    SELECT p.id, p.name, p.id_number_last4, p.status, o.code AS org_code,
           o.name AS org_name, t.name AS team_name
    FROM people_person p
    JOIN people_organisation o ON o.id = p.organisation_id
    LEFT JOIN people_team t ON t.id = p.team_id
    WHERE p.organisation_id IN (
        SELECT id FROM people_organisation
        WHERE id = %(station)s OR supervising_station_id = %(station)s)
    ORDER BY o.code, p.name, p.id
    LIMIT %(limit)s
), held AS (
    SELECT r.person_id, array_agg(r.serial ORDER BY r.serial) AS serials,
           array_agg(r.qualification_type_id::bigint) AS types
    FROM certs_qualificationrecord r
    WHERE r.person_id IN (SELECT id FROM scope)
      AND r.status = 'active' AND r.valid_from <= %(day)s
      AND (r.valid_until IS NULL OR r.valid_until >= %(day)s)
    GROUP BY r.person_id
), needs AS (
    SELECT po.id, po.sort_order, po.code,
           COALESCE(array_agg(pr.qualificationtype_id::bigint)
                    FILTER (WHERE pr.id IS NOT NULL), '{}') AS types
    FROM certs_post po
    LEFT JOIN certs_post_required_types pr ON pr.post_id = po.id
    GROUP BY po.id
)
SELECT s.id, s.name, s.id_number_last4, s.org_name, s.team_name,
       COALESCE(h.serials, '{}') AS held,
       ARRAY(SELECT s.status = 'active'
                    AND n.types <@ COALESCE(h.types, '{}'::bigint[])
             FROM needs n ORDER BY n.sort_order, n.code) AS deployable
FROM scope s
LEFT JOIN held h ON h.person_id = s.id
ORDER BY s.org_code, s.name, s.id
"""


def hand_sql(station, limit):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(HAND_SQL, {"station": station.pk, "limit": limit, "day": DAY})
        return cursor.fetchall()


def as_comparable(rows):
    return [
        (
            row.person.pk,
            sorted(held.serial for held in row.held),
            [standing.deployable for standing in row.posts],
        )
        for row in rows
    ]


def measure(made):
    from lms.certs.roster import RosterFilters, roster_query, roster_scope_for_station
    from lms.people.models import Person

    station = made["station"]
    scope = roster_scope_for_station(station)
    filters = RosterFilters(day=DAY)
    station_people = scope.count()
    out = {"station_people": station_people}
    if not EXPORTS_ONLY:
        out |= measure_selectors(made, scope, filters)
    station_query = roster_query(scope, filters)
    everyone_query = roster_query(Person.objects.all(), filters)
    out |= measure_exports(
        station,
        station_query,
        everyone_query,
        DAY,
        baseline=BASELINE,
        repeat=CONFIG.repeat,
    )
    return out


def measure_selectors(made, scope, filters):
    from django.core.paginator import Paginator
    from django.test import Client

    from lms.certs.api_keys import api_key_create
    from lms.certs.roster import (
        roster_coverage,
        roster_iter,
        roster_query,
        roster_rows,
    )

    station = made["station"]
    out = {}

    def first_page():
        query = roster_query(scope, filters)
        page = Paginator(query.people, 50).get_page(1)
        rows = roster_rows(query, page.object_list)
        roster_coverage(query)
        return rows

    def whole_station():
        return list(roster_iter(roster_query(scope, filters)))

    def first_page_rows():
        query = roster_query(scope, filters)
        return roster_rows(query, query.people[:50])

    ms, queries, page_rows = timed(first_page)
    out["selectors_first_page"] = {"ms": ms, "queries": queries}
    ms, queries, _rows = timed(first_page_rows)
    out["selectors_first_page_rows_only"] = {"ms": ms, "queries": queries}
    ms, queries, _coverage = timed(
        lambda: roster_coverage(roster_query(scope, filters))
    )
    out["selectors_coverage"] = {"ms": ms, "queries": queries}
    ms, queries, all_rows = timed(whole_station)
    out["selectors_whole_station"] = {"ms": ms, "queries": queries}
    ms, queries, sql_page = timed(lambda: hand_sql(station, 50))
    out["hand_sql_first_page"] = {"ms": ms, "queries": queries}
    ms, queries, sql_all = timed(lambda: hand_sql(station, 10**9))
    out["hand_sql_whole_station"] = {"ms": ms, "queries": queries}

    def sql_comparable(rows):
        return [(r[0], sorted(r[5]), list(r[6])) for r in rows]

    out["same_rows"] = {
        "first_page": as_comparable(page_rows) == sql_comparable(sql_page),
        "whole_station": as_comparable(all_rows) == sql_comparable(sql_all),
        "rows": len(all_rows),
        "deployable_somewhere": sum(r.deployable_anywhere for r in all_rows),
    }
    data.say(f"[roster] selectors vs SQL: {out}")

    _key, plaintext = api_key_create(
        station=station, name="bench", actor=made["staff_user"]
    )
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {plaintext}", HTTP_HOST=data.HOST)
    for size in (50, 500):
        ms, queries, response = timed(
            lambda size=size: client.get("/api/v1/roster", {"page_size": size})
        )
        if response.status_code != 200:
            sys.exit(
                f"[roster] API: HTTP {response.status_code} {response.content[:300]}"
            )
        out[f"api_page_{size}"] = {
            "ms": ms,
            "queries": queries,
            "bytes": len(response.content),
        }
    staff = Client(HTTP_HOST=data.HOST)
    staff.force_login(made["staff_user"])
    staff.get("/certs/roster/")
    ms, queries, response = timed(lambda: staff.get("/certs/roster/"))
    if response.status_code != 200:
        sys.exit(f"[roster] page: HTTP {response.status_code}")
    out["html_page"] = {"ms": ms, "queries": queries, "bytes": len(response.content)}
    data.say(f"[roster] API and page: {out['api_page_50']} {out['html_page']}")

    return out


def main():
    data.run(
        CONFIG,
        headline=f"{CONFIG.people} people, {CONFIG.people * RECORDS_PER_PERSON}"
        f" records, {STATIONS} stations",
        setup=setup,
        measure=measure,
        describe=lambda made: {
            "records": made["records"],
            "stations": STATIONS,
            "day": DAY.isoformat(),
        },
    )


if __name__ == "__main__":
    main()
