"""The printed table of bench/checkin.py."""

from bench.run import say


def report(out, results_path):
    """The table of bench/checkin.py's results (``out``, as in its JSON)."""
    srv = out["server"]
    say(
        f"\nDrill check-in burst, PostgreSQL, {out['trainees']} trainees, concurrency "
        f"{out['concurrency']}, gunicorn {srv['workers']} {srv['worker_class']} "
        f"workers, {out['nproc']} CPUs, machine {out['busy_pct_before']}% busy before"
    )
    say(
        f"{'scenario':34} {'req':>5} {'err':>4} {'req/s':>7} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'max ms':>7} {'srv ms/req':>10} {'x base':>6} "
        f"{'pg+redis':>9} {'load%':>5} {'busy%':>6} {'nice%':>6}"
    )
    for r in out["results"].values():
        say(
            f"{r['scenario']:34} {r['requests']:5d} {r['errors']:4d} {r['rps']:7.1f} "
            f"{r['p50_ms']:7.1f} {r['p99_ms']:7.1f} {r['max_ms']:7.1f} "
            f"{r['server_cpu_ms_per_req']!s:>10} "
            f"{r.get('cpu_ratio_to_baseline', 1.0)!s:>6} "
            f"{r['db_cache_cpu_ms_per_req']!s:>9} {r['client_cpu_pct']:5.1f} "
            f"{r['machine_busy_pct']:6.1f} {r['niced_pct']:6.1f}"
        )
        if r["error_kinds"]:
            say(f"{'':34} errors: {r['error_kinds']}")
    say(
        "  srv ms/req: CPU of gunicorn (master + workers); pg+redis: CPU ms/req of "
        "the postgres and redis-server processes; load%: the load client's CPU; "
        "busy%: whole machine (200 = both cores), nice%: of which niced processes "
        "(other people's runs)"
    )
    say("\nRows afterwards:")
    for key, r in out["rows"].items():
        say(
            f"  {key:7} expected {r['expected']}, rows {r['rows']}, people "
            f"{r['distinct_people']}, lost {r['lost']}, duplicates {r['duplicates']}, "
            f"refusals logged {r['refusals_logged']}"
        )
    ip = out["in_process"]
    say(
        f"\nIn process (WSGI handler, this process's CPU, {ip['scans']} scans in "
        "blocks alternating with the trivial view), ms per request:"
    )
    for key, label in (
        ("trivial", "trivial view"),
        ("page", "check-in page GET"),
        ("post", "check-in POST"),
        ("scan", "whole scan (GET + POST)"),
    ):
        ratio = ip["ratio_to_trivial"].get(key, 1.0)
        say(f"  {label:26} {ip['cpu_ms'][key]:7.3f} ms  {ratio:5.2f} x trivial")
    q = out["queries_per_checkin"]
    say(f"\nQueries per check-in POST (in process, warm): {q['queries']}")
    for i, sql in enumerate(q["sql"], 1):
        say(f"  {i}. {sql[:110]}")
    say("\nTargets:")
    for name, ok in out["targets"].items():
        say(f"  [{'met' if ok else 'NOT MET'}] {name}")
    if out["gunicorn_tracebacks"]:
        say(f"\n[checkin] tracebacks in {results_path.parent}/gunicorn-checkin.log")
    say(f"\n[checkin] results: {results_path}")
