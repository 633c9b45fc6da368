"""The roster's full exports, for bench/roster.py: the current path
(lms.certs.roster_export) beside the old one (bench/roster_baseline.py) in the
same run, so that their ratio holds however loaded the shared VM is, and beside the
export's own query read alone (the floor: PostgreSQL and the driver).

Per export: time of a plain run; peak Python memory of a second run under
tracemalloc (current path only); and, in a fresh process (``python
bench/roster_exports.py --rss …``, on the same database), the RSS before the
export, its high-water mark after, and the growth between them: what the export
itself costs a server worker. The CSV's
bytes are hashed: the old and current CSV must be identical; the XLSX files are
read back with openpyxl for the station and compared cell by cell.
"""

import hashlib
import io
import json
import os
import subprocess
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def say(*parts):
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def _exports(which):
    if which == "old":
        from bench import roster_baseline as module
    else:
        from lms.certs import roster_export as module
    return module.csv_chunks, module.xlsx_file


def make_csv(which, query):
    """(bytes, sha256) of the CSV export."""
    csv_chunks, _xlsx = _exports(which)
    digest, size = hashlib.sha256(), 0
    for chunk in csv_chunks(query):
        data = chunk.encode()
        digest.update(data)
        size += len(data)
    return size, digest.hexdigest()


def make_xlsx(which, query, keep=False):
    """(bytes, the file's content when ``keep``) of the XLSX export."""
    _csv, xlsx_file = _exports(which)
    with xlsx_file(query) as handle:
        size = handle.seek(0, 2)
        handle.seek(0)
        return size, handle.read() if keep else None


def read_floor(query):
    """The export's own query read to the end, nothing built: the floor."""
    from lms.certs.roster_export import RosterSheet

    return sum(1 for _row in RosterSheet(query).values()), None


def timed_and_traced(make, label, trace=True):
    """Time a plain run, then (``trace``) the peak Python memory of a second one:
    tracemalloc slows the old path several times over (15 min for its XLSX of
    everyone on a loaded VM), so the baseline's memory is its RSS alone."""
    t0 = time.perf_counter()
    size, extra = make()
    seconds = time.perf_counter() - t0
    result = {"export": label, "seconds": round(seconds, 2), "bytes": size}
    if trace:
        tracemalloc.start()
        make()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["peak_python_mb"] = round(peak / 1e6, 1)
    say(f"[roster] {label}: {result}")
    return result, extra


def rss_in_fresh_process(file_format, which, scope, day):
    """RSS of one export run alone in a new Python process (same env and DB)."""
    out = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [sys.executable, __file__, "--rss", file_format, which, scope, day.isoformat()],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _status_mb(field):
    """VmRSS (now) or VmHWM (high-water mark) of this process, in MB. Not
    getrusage's ru_maxrss: Linux carries it over exec from the forked parent, so a
    child started by a 200 MB bench reports the bench's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _rss_child(file_format, which, scope, day):
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from lms.certs.roster import RosterFilters, roster_query, roster_scope_for_station
    from lms.people.models import Organisation, Person

    if scope == "all":
        people = Person.objects.all()
    else:
        people = roster_scope_for_station(Organisation.objects.get(pk=int(scope)))
    query = roster_query(people, RosterFilters(day=date.fromisoformat(day)))
    _exports(which)  # imports done before the baseline is read
    # Reset the high-water mark to the RSS now (Linux 4.0+), so that it shows the
    # export's peak, not Django's start-up.
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_mb("VmRSS")
    t0 = time.perf_counter()
    if file_format == "csv":
        make_csv(which, query)
    else:
        make_xlsx(which, query)
    seconds = time.perf_counter() - t0
    high = _status_mb("VmHWM")
    say(
        json.dumps(
            {
                "rss_before_mb": round(before, 1),
                "rss_high_water_mb": round(high, 1),
                "rss_growth_mb": round(high - before, 1),
                "seconds": round(seconds, 2),
            }
        )
    )


def _xlsx_rows(content):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return [list(row) for row in book.active.iter_rows(values_only=True)]
    finally:
        book.close()


def measure_exports(station, station_query, everyone_query, day, baseline=True):
    """Every export of the station and of all people, old and current."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out = {"exports": [], "same_content": {}}
    with CaptureQueriesContext(connection) as captured:
        make_csv("new", everyone_query)
    out["export_queries"] = len(captured)
    scopes = (
        ("station", station_query, str(station.pk)),
        ("all", everyone_query, "all"),
    )
    for scope, query, scope_arg in scopes:
        label = "the station" if scope == "station" else "all people"
        result, _ = timed_and_traced(
            lambda q=query: read_floor(q), f"query only, {label}"
        )
        result["db_rows"] = result.pop("bytes")
        out["exports"].append(result | {"path": "floor", "scope": scope})
        for file_format in ("csv", "xlsx"):
            made = {}
            for which in ("old", "new") if baseline else ("new",):
                if file_format == "csv":

                    def make(w=which, q=query):
                        return make_csv(w, q)
                else:

                    def make(w=which, q=query, s=scope):
                        return make_xlsx(w, q, keep=s == "station")

                result, extra = timed_and_traced(
                    make, f"{file_format.upper()}, {label}, {which}", which == "new"
                )
                rss = rss_in_fresh_process(file_format, which, scope_arg, day)
                rss["seconds_fresh_process"] = rss.pop("seconds")
                result |= rss | {"path": which, "scope": scope, "format": file_format}
                say(f"[roster]   RSS: {result}")
                out["exports"].append(result)
                made[which] = extra
            if baseline and file_format == "csv":
                out["same_content"][f"csv_{scope}"] = made["old"] == made["new"]
            if baseline and file_format == "xlsx" and scope == "station":
                out["same_content"]["xlsx_station"] = _xlsx_rows(
                    made["old"]
                ) == _xlsx_rows(made["new"])
    say(f"[roster] same content: {out['same_content']}")
    return out


if __name__ == "__main__" and sys.argv[1:2] == ["--rss"]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bench_settings")
    _rss_child(*sys.argv[2:6])
