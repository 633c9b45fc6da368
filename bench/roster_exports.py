"""The roster's full exports, for bench/roster.py: the current paths
(lms.certs.roster_export) beside the old one (bench/roster_baseline.py) in the
same run, so that their ratios hold however loaded the shared VM is, and beside
the Python path's own query read alone (the floor: PostgreSQL and the driver
reading people LEFT JOIN records, nothing built).

CSV paths: "old" (the baseline), "python" (``csv_chunks(copy=False)``: the rows
built in Python and written by the csv module, the export until issue 17's CSV
work and still the path on SQLite) and "new" (``csv_chunks``: on PostgreSQL one
COPY, lms.certs.roster_copy). XLSX: "old" and "new".

Per export: the median of REPEAT plain runs, the paths interleaved round by round
so that a change of load falls on all of them alike (the old path once: it takes
minutes); peak Python memory of one more run under tracemalloc (current paths
only); and, in a fresh process (``python bench/roster_exports.py --rss …``, on the
same database), the RSS before the export, its high-water mark after, and the
growth between them: what the export itself costs a server worker. The CSV's
bytes are hashed: every path's CSV must be identical; the XLSX files are read
back with openpyxl for the station and compared cell by cell.
"""

import hashlib
import io
import json
import os
import statistics
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

        return module.csv_chunks, module.xlsx_file
    from lms.certs import roster_export as module

    if which == "python":
        return lambda query: module.csv_chunks(query, copy=False), module.xlsx_file
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


def interleaved(makes, repeat):
    """{label: (median seconds, every run's seconds, the last run's result)}:
    ``repeat`` rounds, each running every make once, in turn."""
    runs = {label: [] for label in makes}
    results = {}
    for _ in range(repeat):
        for label, make in makes.items():
            t0 = time.perf_counter()
            results[label] = make()
            runs[label].append(round(time.perf_counter() - t0, 3))
    return {
        label: (statistics.median(times), times, results[label])
        for label, times in runs.items()
    }


def peak_python_mb(make):
    """Peak Python memory of one run. Not for the old path: tracemalloc slows it
    several times over (15 min for its XLSX of everyone on a loaded VM), so the
    baseline's memory is its RSS alone."""
    tracemalloc.start()
    try:
        make()
        return round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
    finally:
        tracemalloc.stop()


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
                "seconds": round(seconds, 3),
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


def measure_exports(
    station, station_query, everyone_query, day, baseline=True, repeat=5
):
    """Every export of the station and of all people, old and current."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out = {"exports": [], "same_content": {}, "repeat": repeat}
    for which in ("python", "new"):
        with CaptureQueriesContext(connection) as captured:
            make_csv(which, everyone_query)
        out[f"export_queries_{which}"] = len(captured)
    scopes = (
        ("station", station_query, str(station.pk)),
        ("all", everyone_query, "all"),
    )
    for scope, query, scope_arg in scopes:
        label = "the station" if scope == "station" else "all people"
        makes = {
            ("floor", "query"): lambda q=query: read_floor(q),
            ("csv", "python"): lambda q=query: make_csv("python", q),
            ("csv", "new"): lambda q=query: make_csv("new", q),
            ("xlsx", "new"): lambda q=query, s=scope: make_xlsx(
                "new", q, keep=s == "station"
            ),
        }
        if baseline:
            old = {
                ("csv", "old"): lambda q=query: make_csv("old", q),
                ("xlsx", "old"): lambda q=query, s=scope: make_xlsx(
                    "old", q, keep=s == "station"
                ),
            }
            timed = interleaved(old, 1) | interleaved(makes, repeat)
        else:
            timed = interleaved(makes, repeat)
        floor = timed[("floor", "query")][0]
        for (file_format, which), (seconds, runs, (size, _extra)) in timed.items():
            result = {
                "export": f"{file_format.upper()}, {label}, {which}",
                "path": which,
                "scope": scope,
                "format": file_format,
                "seconds": round(seconds, 3),
                "runs": runs,
                "x_floor": round(seconds / floor, 2),
            }
            if file_format == "floor":
                result["db_rows"] = size
            else:
                result["bytes"] = size
                if which != "old":
                    result["peak_python_mb"] = peak_python_mb(
                        makes[(file_format, which)]
                    )
                rss = rss_in_fresh_process(file_format, which, scope_arg, day)
                rss["seconds_fresh_process"] = rss.pop("seconds")
                result |= rss
            for other in ("old", "python"):
                if which == "new" and (file_format, other) in timed:
                    ratio = timed[(file_format, other)][0] / seconds
                    result[f"{other}_over_new"] = round(ratio, 2)
            say(f"[roster] {result}")
            out["exports"].append(result)
        new_csv = timed[("csv", "new")][2]
        out["same_content"][f"csv_{scope}_python"] = (
            timed[("csv", "python")][2] == new_csv
        )
        if baseline:
            out["same_content"][f"csv_{scope}_old"] = (
                timed[("csv", "old")][2] == new_csv
            )
            if scope == "station":
                out["same_content"]["xlsx_station"] = _xlsx_rows(
                    timed[("xlsx", "old")][2][1]
                ) == _xlsx_rows(timed[("xlsx", "new")][2][1])
    say(f"[roster] same content: {out['same_content']}")
    if not all(out["same_content"].values()):
        sys.exit("[roster] the exports differ")
    return out


if __name__ == "__main__" and sys.argv[1:2] == ["--rss"]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bench_settings")
    _rss_child(*sys.argv[2:6])
