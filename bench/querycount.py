"""SQL queries per request for Shouwang's lesson page and H5P statement endpoint.

django.test.Client (CSRF enforced) inside CaptureQueriesContext, on the bench
database (after setup_shouwang.py), warm process (one untimed request first), as
in a long-running gunicorn worker. Prints a table, writes BENCH_DIR/queries-<db>.json
and the SQL to BENCH_DIR/queries-<db>.sql.txt.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bench_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.statement import activity_from_page, make_statement  # noqa: E402
from lms.courses.models import CoursePage, LessonPage  # noqa: E402
from lms.courses.services import enrolment_ensure  # noqa: E402
from lms.h5p.models import H5PResult, H5PStatement  # noqa: E402
from lms.people.models import Organisation, Person, User  # noqa: E402

HOST = "127.0.0.1"
WRITES = ("INSERT", "UPDATE", "DELETE")


def say(*parts):
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")


def main():
    tag = settings.BENCH_DB_TAG
    meta = json.loads((Path(settings.BENCH_DIR) / f"sessions-{tag}.json").read_text())
    lesson = LessonPage.objects.get(pk=meta["lesson_id"])
    course = lesson.get_ancestors().type(CoursePage).last().specific
    user, _ = User.objects.get_or_create(username="benchq")
    person = Person.objects.filter(user=user).first() or Person.objects.create(
        user=user,
        name="查询计数",
        organisation=Organisation.objects.order_by("pk").first(),
    )
    enrolment_ensure(person=person, page=course)
    H5PStatement.objects.filter(user=user).delete()
    H5PResult.objects.filter(user=user).delete()
    cache.clear()

    client = Client(enforce_csrf_checks=True, HTTP_HOST=HOST)
    client.raise_request_exception = False  # a 500 is a result, not a crash
    client.force_login(user)
    client.get(meta["baseline_path"])
    warm = client.get(meta["lesson_path"])
    assert warm.status_code == 200, warm.status_code  # noqa: S101
    H5PResult.objects.filter(user=user).delete()
    act = activity_from_page(warm.content)
    has_endpoint = act is not None

    def post(raw=1, max_=1):
        return client.post(
            act["endpoint"],
            data=json.dumps(
                {
                    "token": act["token"],
                    "statement": make_statement(act["iri"], raw, max_),
                }
            ),
            content_type="application/json",
            HTTP_X_CSRFTOKEN=act["csrf"],
            HTTP_ORIGIN=f"http://{HOST}",
        )

    cases = [
        ("baseline GET /bench-ok/", lambda: client.get(meta["baseline_path"])),
        ("lesson page GET (no result yet)", lambda: client.get(meta["lesson_path"])),
    ]
    if has_endpoint:
        cases += [
            ("statement POST answered 1/1, first", lambda: post()),
            ("statement POST answered 1/1, repeat", lambda: post()),
            ("statement POST forged 999/1", lambda: post(999, 1)),
            ("lesson page GET (after result)", lambda: client.get(meta["lesson_path"])),
        ]
    report, dump = [], []
    for name, fn in cases:
        with CaptureQueriesContext(connection) as ctx:
            resp = fn()
        sql = [q["sql"] for q in ctx.captured_queries]
        outcome = ""
        if resp.get("Content-Type", "").startswith("application/json"):
            body = resp.json()
            outcome = f"{body.get('outcome')}/{body.get('reason') or '-'}"
        report.append(
            {
                "case": name,
                "status": resp.status_code,
                "queries": len(sql),
                "writes": sum(1 for s in sql if s.lstrip().upper().startswith(WRITES)),
                "outcome": outcome,
            }
        )
        dump.append(
            f"### {name}: {len(sql)} queries\n"
            + "\n".join(f"{i + 1:3d} {s}" for i, s in enumerate(sql))
        )
    best = H5PResult.objects.filter(user=user).values_list("best_raw", flat=True)
    out_dir = Path(settings.BENCH_DIR)
    (out_dir / f"queries-{tag}.sql.txt").write_text("\n\n".join(dump) + "\n")
    result = {
        "db": tag,
        "cases": report,
        "stored_best_raw_after_forgery": list(best),
        "statement_endpoint": has_endpoint,
    }
    (out_dir / f"queries-{tag}.json").write_text(json.dumps(result, indent=2))
    say(f"[queries] db={tag}")
    for r in report:
        say(
            f"  {r['queries']:3d} queries ({r['writes']} writes)  HTTP {r['status']}"
            f"  {r['case']}  {r['outcome']}"
        )
    if has_endpoint:
        say(f"  stored best score after the forged 999/1: {list(best)} (max 1)")
    else:
        say("  statement endpoint: no H5P activity data in the lesson page; skipped")


if __name__ == "__main__":
    main()
