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

import json
import os
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
EXPORTS_ONLY = "--exports" in sys.argv
BASELINE = "--no-baseline" not in sys.argv
DB_URL = os.environ.get(
    "BENCH_ROSTER_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/shouwang_roster_bench",
)
os.environ["BENCH_DATABASE_URL"] = DB_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"

from bench.pg import db_create, db_drop  # noqa: E402
from bench.roster_exports import measure_exports  # noqa: E402

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/shouwang-bench"))  # noqa: S108
PEOPLE = 10_000 if QUICK else int(os.environ.get("BENCH_ROSTER_PEOPLE", "100000"))
STATIONS = int(os.environ.get("BENCH_ROSTER_STATIONS", "20"))
REPEAT = int(os.environ.get("BENCH_ROSTER_REPEAT", "5"))
KEEP_DB = os.environ.get("BENCH_ROSTER_KEEP_DB") == "1"
RESULTS = BENCH_DIR / "roster-results.json"
DAY = date(2026, 6, 1)
RECORDS_PER_PERSON = 4
TYPES = 6
HOST = "127.0.0.1"  # the bench settings allow only loopback hosts


def say(*parts):
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


# --- database -----------------------------------------------------------------


# --- data ---------------------------------------------------------------------


def setup():
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from lms.certs.models import Post, QualificationType
    from lms.people.constants import OrganisationKind, Role
    from lms.people.models import Organisation, Person, Team, User
    from lms.people.services.roles import role_group

    t0 = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    migrate_s = time.perf_counter() - t0
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
    types = QualificationType.objects.bulk_create(
        QualificationType(code=f"BQ{t}", name=f"压测资格{t}", category="duty")
        for t in range(TYPES)
    )
    for p, needs in enumerate([(0,), (0, 1), (0, 1, 2), (3,)]):
        post = Post.objects.create(code=f"BP{p}", name=f"压测岗位{p}", sort_order=p)
        post.required_types.set([types[t] for t in needs])
        post.save()  # a ParentalManyToManyField writes on save

    now = timezone.now()
    statuses = ["active"] * 16 + ["suspended", "revoked", "expired", "superseded"]
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(
            "COPY people_person (name, phone, id_number_encrypted, id_number_last4,"
            " gender, photo, kind, organisation_id, team_id, status, badge_key,"
            " created_at, updated_at) FROM STDIN"
        ) as copy:
            for i in range(PEOPLE):
                org = orgs[i % len(orgs)]
                team = rng.choice(teams_of[org.pk]) if i % 3 else None
                status = "active" if rng.random() < 0.93 else "left"
                copy.write_row(
                    (
                        f"压测{i:06d}",
                        "",
                        "",
                        f"{i % 10000:04d}",
                        "",
                        "",
                        "guard",
                        org.pk,
                        team,
                        status,
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
                for t in rng.sample(range(TYPES), RECORDS_PER_PERSON):
                    start = DAY - timedelta(days=rng.randint(-60, 1000))
                    until = (
                        None
                        if t == 5
                        else start + timedelta(days=rng.choice((365, 730, 1095)))
                    )
                    copy.write_row(
                        (
                            f"B-{n:08d}",
                            f"BC{n:010d}",
                            pk,
                            types[t].pk,
                            rng.choice(statuses),
                            start,
                            start,
                            until,
                            "{}",
                            "",
                            now,
                        )
                    )
                    n += 1
        cursor.execute("ANALYZE")
    load_s = time.perf_counter() - t0
    station = stations[0]
    staff_user = User.objects.create(username="bench-roster-staff")
    staff_user.groups.add(role_group(Role.STATION_STAFF))
    Person.objects.create(
        user=staff_user, name="压测民警", organisation=station, badge_key="bench-staff"
    )
    return {
        "station": station,
        "staff_user": staff_user,
        "migrate_s": round(migrate_s, 1),
        "load_s": round(load_s, 1),
        "records": n,
    }


# --- measuring ----------------------------------------------------------------


def timed(fn, repeat=REPEAT):
    """(median ms, queries of the last run, result of the last run)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1), len(captured), result


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
        station, station_query, everyone_query, DAY, baseline=BASELINE, repeat=REPEAT
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
    say(f"[roster] selectors vs SQL: {out}")

    _key, plaintext = api_key_create(
        station=station, name="bench", actor=made["staff_user"]
    )
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {plaintext}", HTTP_HOST=HOST)
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
    staff = Client(HTTP_HOST=HOST)
    staff.force_login(made["staff_user"])
    staff.get("/certs/roster/")
    ms, queries, response = timed(lambda: staff.get("/certs/roster/"))
    if response.status_code != 200:
        sys.exit(f"[roster] page: HTTP {response.status_code}")
    out["html_page"] = {"ms": ms, "queries": queries, "bytes": len(response.content)}
    say(f"[roster] API and page: {out['api_page_50']} {out['html_page']}")

    return out


def main():
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    say(
        f"[roster] fresh database {urlsplit(DB_URL).path.lstrip('/')}: {PEOPLE} people,"
        f" {PEOPLE * RECORDS_PER_PERSON} records, {STATIONS} stations"
    )
    db_create(DB_URL)
    try:
        made = setup()
        say(f"[roster] setup: migrate {made['migrate_s']} s, load {made['load_s']} s")
        results = measure(made)
    finally:
        if KEEP_DB:
            say("[roster] BENCH_ROSTER_KEEP_DB=1: database kept")
        else:
            db_drop(DB_URL)
    out = {
        "project": "shouwang",
        "benchmark": "roster",
        "quick": QUICK,
        "db": "postgres",
        "nproc": os.cpu_count(),
        "load_avg_after": os.getloadavg(),
        "python": sys.version.split()[0],
        "people": PEOPLE,
        "records": made["records"],
        "stations": STATIONS,
        "day": DAY.isoformat(),
        "setup": {k: made[k] for k in ("migrate_s", "load_s")},
        "results": results,
    }
    RESULTS.write_text(json.dumps(out, indent=2, ensure_ascii=False, default=str))
    say(json.dumps(out, indent=2, ensure_ascii=False, default=str))
    say(f"[roster] results in {RESULTS}")


if __name__ == "__main__":
    main()
