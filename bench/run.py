"""`make bench`: Shouwang under gunicorn, beside a trivial view, in one run.

1. setup_shouwang.py (fresh bench database, H5P lesson, BENCH_USERS trainees)
2. querycount.py (SQL queries per request, in-process)
3. gunicorn, 2 sync workers, 127.0.0.1:BENCH_PORT, DEBUG off, then a bounded
   asyncio load (stdlib HTTP/1.1 client, concurrency BENCH_CONCURRENCY) per
   scenario: BENCH_REQUESTS requests or BENCH_SECONDS seconds, whichever first.
   Server CPU per request = CPU time of the gunicorn master and workers
   (/proc/<pid>/stat) over the scenario / requests served.
4. page weight of the lesson for a first visit (HTML + CSS + JS it references).
Results: BENCH_DIR/results-<db>.json; `run.py --compare` prints them beside the
wagtail-lms peer's (bench/peer.sh).
"""

import asyncio
import gzip
import html
import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.statement import activity_from_page, make_statement  # noqa: E402

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/shouwang-bench"))  # noqa: S108
PORT = int(os.environ.get("BENCH_PORT", "8071"))
HOST = "127.0.0.1"  # loopback only, never anything else
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "50"))
SCENARIOS = os.environ.get("BENCH_SCENARIOS", "baseline,page,statement,statement_0")
PEER_ROOT = Path(os.environ.get("WLPEER_ROOT", Path.home() / ".cache" / "wlpeer"))
PY = sys.executable
ENV = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.bench_settings"}


def say(*parts):
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


# --- HTTP over loopback -------------------------------------------------------


async def http(method, path, headers=None, body=b"", timeout=30.0):
    """One request on its own connection (gunicorn's sync workers close it)."""
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(HOST, PORT), timeout
    )
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{PORT}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        lines += [f"Content-Length: {len(body)}", "Connection: close", "", ""]
        writer.write("\r\n".join(lines).encode() + body)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    status = int(head_lines[0].split()[1])
    got = {}
    for line in head_lines[1:]:
        name, _, value = line.partition(":")
        got.setdefault(name.strip().lower(), []).append(value.strip())
    if "chunked" in ",".join(got.get("transfer-encoding", [])):
        payload = dechunk(payload)
    return status, got, payload


def dechunk(data):
    out, rest = b"", data
    for _ in range(100_000):
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2 :]
    return out


def cookie_value(headers, name):
    for value in headers.get("set-cookie", []):
        m = re.match(rf"{name}=([^;]*)", value)
        if m:
            return m.group(1)
    return None


# --- CPU accounting (as the peer's load.py) -------------------------------------


def proc_cpu_seconds(pid):
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                pids += [int(x) for x in fh.read().split()]
    except OSError:
        return None
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
            if p == pid:
                total += int(fields[13]) + int(fields[14])
        except OSError:
            pass
    return total / tick


def machine_busy_seconds():
    with open("/proc/stat") as fh:
        vals = [int(x) for x in fh.readline().split()[1:]]
    return (sum(vals[:8]) - vals[3] - vals[4]) / os.sysconf("SC_CLK_TCK")


def self_cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def pct(values, p):
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


async def scenario(name, do, n, seconds, server_pid):
    latencies, errors = [], Counter()
    issued = 0
    t0 = time.perf_counter()
    deadline = t0 + seconds
    c0, s0, m0 = self_cpu(), proc_cpu_seconds(server_pid), machine_busy_seconds()

    async def worker():
        nonlocal issued
        while issued < n and time.perf_counter() < deadline:
            i = issued
            issued += 1
            ts = time.perf_counter()
            try:
                why = await do(i)
            except Exception as exc:  # transport errors count as errors
                why = type(exc).__name__
            latencies.append(time.perf_counter() - ts)
            if why:
                errors[why] += 1

    tasks = [asyncio.create_task(worker()) for _ in range(CONCURRENCY)]
    _done, pending = await asyncio.wait(tasks, timeout=seconds + 35)
    for task in pending:
        task.cancel()
    elapsed = time.perf_counter() - t0
    c1, s1, m1 = self_cpu(), proc_cpu_seconds(server_pid), machine_busy_seconds()
    lat = sorted(latencies)
    server = (s1 - s0) if s0 is not None and s1 is not None else None
    return {
        "scenario": name,
        "requests": len(lat),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "elapsed_s": round(elapsed, 2),
        "stopped_by": "time" if len(lat) < n else "count",
        "rps": round(len(lat) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(pct(lat, 50) * 1000, 1),
        "p99_ms": round(pct(lat, 99) * 1000, 1),
        "client_cpu_pct": round(100 * (c1 - c0) / elapsed, 1),
        "server_cpu_pct": round(100 * server / elapsed, 1) if server else None,
        "server_cpu_ms_per_req": round(1000 * server / len(lat), 2)
        if server and lat
        else None,
        "other_cpu_pct": round(
            100 * max(0.0, (m1 - m0) - (c1 - c0) - (server or 0)) / elapsed, 1
        ),
    }


# --- the scenarios --------------------------------------------------------------


async def load(meta, server_pid):
    sessions = meta["sessions"]
    activities = {}  # sessionid -> activity read from the page + csrf cookie
    skipped = {}

    def sid(i):
        return sessions[i % len(sessions)]

    async def baseline(i):
        status, _h, body = await http(
            "GET", meta["baseline_path"], {"Cookie": f"sessionid={sid(i)}"}
        )
        return None if status == 200 and body == b"ok" else f"HTTP {status}"

    async def page(i):
        s = sid(i)
        cookie = f"sessionid={s}"
        if s in activities:
            cookie += f"; csrftoken={activities[s]['cookie']}"
        status, headers, body = await http(
            "GET", meta["lesson_path"], {"Cookie": cookie}
        )
        if status != 200:
            return f"HTTP {status}"
        act = activity_from_page(body)
        if act is None:
            return "page without H5P activity"
        secret = cookie_value(headers, "csrftoken") or activities.get(s, {}).get(
            "cookie"
        )
        activities[s] = {**act, "cookie": secret}
        return None

    def statement(raw):
        async def post(i):
            s = sid(i)
            if s not in activities:
                why = await page(i)
                if why:
                    return "page: " + why
            act = activities[s]
            body = json.dumps(
                {"token": act["token"], "statement": make_statement(act["iri"], raw)}
            ).encode()
            status, _h, resp = await http(
                "POST",
                act["endpoint"],
                {
                    "Cookie": f"sessionid={s}; csrftoken={act['cookie']}",
                    "X-CSRFToken": act["csrf"],
                    "Content-Type": "application/json",
                    "Origin": f"http://{HOST}:{PORT}",
                    "Referer": f"http://{HOST}:{PORT}{meta['lesson_path']}",
                },
                body,
            )
            if status != 200:
                return f"HTTP {status}"
            outcome = json.loads(resp).get("outcome")
            return None if outcome == "scored" else f"outcome {outcome}"

        return post

    plan = {
        "baseline": ("baseline GET /bench-ok/", baseline),
        "page": ("lesson page GET", page),
        "statement": ("statement POST 1/1 (pass)", statement(1)),
        "statement_0": ("statement POST 0/1 (fail)", statement(0)),
    }
    # Warm-up, not counted: imports and caches in both workers.
    for fn in (baseline, page):
        await scenario("warm-up", fn, 40, 20, server_pid)
    probe = await page(0)
    if probe == "page without H5P activity":
        skipped["statement"] = skipped["statement_0"] = (
            "the lesson page renders no H5P activity (data-token, iframe iri)"
        )
    results = {}
    for key in [k.strip() for k in SCENARIOS.split(",") if k.strip()]:
        if key not in plan:
            say(f"[load] unknown scenario {key}; skipped")
            continue
        if key in skipped:
            say(f"[load] {key} skipped: {skipped[key]}")
            continue
        if key.startswith("statement"):
            # Every trainee loads the lesson first (untimed), as a browser would.
            await scenario("prefetch", page, len(sessions), SECONDS, None)
        name, fn = plan[key]
        res = await scenario(name, fn, REQUESTS, SECONDS, server_pid)
        results[key] = res
        say(
            f"[load] {name}: {res['requests']} req, {res['errors']} errors "
            f"{res['error_kinds'] or ''}, {res['rps']} req/s, "
            f"{res['server_cpu_ms_per_req']} ms server CPU/req"
        )
        await asyncio.sleep(1)
    return results, skipped


# --- page weight ----------------------------------------------------------------

ASSET = re.compile(
    rb'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"|<script[^>]*src="([^"]+)"', re.S
)


def gz(data):
    return len(gzip.compress(data, compresslevel=9, mtime=0))


async def page_weight(meta):
    cookie = f"sessionid={meta['sessions'][-1]}"
    status, _h, body = await http("GET", meta["lesson_path"], {"Cookie": cookie})
    items = [
        {"url": meta["lesson_path"], "kind": "html", "status": status, "body": body}
    ]
    seen = set()
    for css, js in ASSET.findall(body):
        url = html.unescape((css or js).decode())
        parts = urlsplit(url)
        if parts.netloc and parts.hostname != HOST:
            items.append({"url": url, "kind": "external (not fetched)", "body": b""})
            continue
        if url in seen:
            continue
        seen.add(url)
        st, _h, data = await http(
            "GET", parts.path + (f"?{parts.query}" if parts.query else "")
        )
        items.append(
            {"url": url, "kind": "css" if css else "js", "status": st, "body": data}
        )
    rows = [
        {
            "url": it["url"],
            "kind": it["kind"],
            "status": it.get("status"),
            "bytes": len(it["body"]),
            "gzip_bytes": gz(it["body"]) if it["body"] else 0,
        }
        for it in items
    ]
    return {
        "items": rows,
        "total_bytes": sum(r["bytes"] for r in rows),
        "total_gzip_bytes": sum(r["gzip_bytes"] for r in rows),
    }


# --- orchestration ----------------------------------------------------------------


def run_step(script):
    subprocess.run([PY, str(HERE / script)], env=ENV, cwd=ROOT, check=True)  # noqa: S603


def wait_quiet():
    """The machine may be shared: wait (at most BENCH_QUIET_WAIT s) for it to idle."""
    limit = float(os.environ.get("BENCH_QUIET_WAIT", "60"))
    deadline = time.monotonic() + limit
    busy = 0.0
    for _ in range(1000):
        m0, t0 = machine_busy_seconds(), time.monotonic()
        time.sleep(3)
        busy = 100 * (machine_busy_seconds() - m0) / (time.monotonic() - t0)
        if busy <= 15:
            say(f"[bench] machine quiet ({busy:.0f}% busy)")
            return busy
        if time.monotonic() >= deadline:
            break
    say(f"[bench] WARNING: machine still {busy:.0f}% busy; measuring anyway")
    return busy


def wait_ready(proc, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("[bench] gunicorn exited early; see BENCH_DIR/gunicorn.log")
        try:
            status, _h, _b = asyncio.run(http("GET", "/bench-ok/", timeout=5))
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("[bench] gunicorn did not answer in time")


def bench_shouwang():
    if REQUESTS < 1 or REQUESTS > 200_000 or SECONDS > 600 or CONCURRENCY > 500:
        sys.exit("bounds: BENCH_REQUESTS 1..200000, BENCH_SECONDS <= 600")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    run_step("setup_shouwang.py")
    run_step("querycount.py")
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bench_settings")
    django.setup()
    from django.conf import settings

    tag = settings.BENCH_DB_TAG
    meta = json.loads((BENCH_DIR / f"sessions-{tag}.json").read_text())
    log = (BENCH_DIR / f"gunicorn-{tag}.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(PY).parent / "gunicorn"),
            "cms.wsgi:application",
            "--workers=2",
            "--worker-class=sync",
            f"--bind={HOST}:{PORT}",
            "--timeout=60",
            "--graceful-timeout=5",
            "--log-level=warning",
        ],
        env=ENV,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_ready(server)
        busy_before = wait_quiet()
        results, skipped = asyncio.run(load(meta, server.pid))
        weight = asyncio.run(page_weight(meta))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()
    queries = json.loads((BENCH_DIR / f"queries-{tag}.json").read_text())
    base = results.get("baseline", {})
    for key, res in results.items():
        if base.get("server_cpu_ms_per_req") and res.get("server_cpu_ms_per_req"):
            res["cpu_ratio_to_baseline"] = round(
                res["server_cpu_ms_per_req"] / base["server_cpu_ms_per_req"], 1
            )
        if base.get("rps") and key != "baseline":
            res["rps_ratio_to_baseline"] = round(res["rps"] / base["rps"], 3)
    out = {
        "project": "shouwang",
        "db": tag,
        "nproc": os.cpu_count(),
        "python": sys.version.split()[0],
        "requests_per_scenario": REQUESTS,
        "time_limit_s": SECONDS,
        "concurrency": CONCURRENCY,
        "users": len(meta["sessions"]),
        "busy_pct_before": round(busy_before, 1),
        "results": results,
        "skipped": skipped,
        "queries": queries,
        "page_weight": weight,
    }
    (BENCH_DIR / f"results-{tag}.json").write_text(json.dumps(out, indent=2))
    errors_in_log = "Traceback" in (BENCH_DIR / f"gunicorn-{tag}.log").read_text()
    print_shouwang(out, errors_in_log)


def print_shouwang(out, errors_in_log):
    say(
        f"\nShouwang, db={out['db']}, {out['users']} trainees, concurrency "
        f"{out['concurrency']}, {out['requests_per_scenario']} req or "
        f"{out['time_limit_s']} s per scenario"
    )
    say(
        f"{'scenario':28} {'req':>6} {'err':>5} {'req/s':>8} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'srv ms/req':>10} {'x base':>7} {'other%':>7}"
    )
    for r in out["results"].values():
        say(
            f"{r['scenario']:28} {r['requests']:6d} {r['errors']:5d} {r['rps']:8.1f} "
            f"{r['p50_ms']:8.1f} {r['p99_ms']:8.1f} "
            f"{r['server_cpu_ms_per_req']!s:>10} "
            f"{r.get('cpu_ratio_to_baseline', 1.0)!s:>7} "
            f"{r['other_cpu_pct']:7.1f}"
        )
    for key, why in out["skipped"].items():
        say(f"{key:28} skipped: {why}")
    say("\nQueries per request (in-process, warm):")
    for c in out["queries"]["cases"]:
        say(
            f"  {c['queries']:3d} ({c['writes']} writes) HTTP {c['status']}  "
            f"{c['case']} {c['outcome']}"
        )
    w = out["page_weight"]
    say(
        f"\nLesson page weight, first visit (HTML+CSS+JS, no media/iframe): "
        f"{w['total_bytes']} B, {w['total_gzip_bytes']} B gzip -9"
    )
    for it in w["items"]:
        say(
            f"  {it['bytes']:8d} B {it['gzip_bytes']:7d} B gz  "
            f"{it['kind']:4} {it['url']}"
        )
    if errors_in_log:
        say(
            f"\n[bench] the gunicorn log has tracebacks: "
            f"{BENCH_DIR}/gunicorn-{out['db']}.log"
        )


# --- side by side with the peer -----------------------------------------------------


def compare():
    mine = {
        p.stem.split("-", 1)[1]: json.loads(p.read_text())
        for p in sorted(BENCH_DIR.glob("results-*.json"))
    }
    peer_res = PEER_ROOT / "results"
    say("\n=== Shouwang vs wagtail-lms 0.11.1 (same machine, same make bench) ===")
    for tag, me in mine.items():
        peer_load = peer_res / f"load-{tag}.json"
        peer_q = peer_res / f"queries-{tag}.json"
        peer = json.loads(peer_load.read_text()) if peer_load.exists() else None
        pq = json.loads(peer_q.read_text()) if peer_q.exists() else None
        say(f"\n[{tag}] {'':30} {'Shouwang':>24} | {'wagtail-lms':>24}")

        def cell(r):
            if not r:
                return f"{'-':>24}"
            return (
                f"{r['server_cpu_ms_per_req']!s:>6} ms {r['rps']:7.1f}/s "
                f"x{r.get('cpu_ratio_to_baseline') or 1.0!s:>5}"
            )

        pr = (peer or {}).get("results", {})
        base_peer = pr.get("c", {}).get("server_cpu_ms_per_req")
        for label, mk, pk in (
            ("baseline view", "baseline", "c"),
            ("lesson page GET", "page", "a"),
            ("statement / xAPI POST", "statement", "b"),
            ("statement 0/1 (fail)", "statement_0", None),
        ):
            p = dict(pr.get(pk) or {}) if pk else {}
            if p and base_peer and p.get("server_cpu_ms_per_req"):
                p["cpu_ratio_to_baseline"] = round(
                    p["server_cpu_ms_per_req"] / base_peer, 1
                )
            say(f"  {label:30} {cell(me['results'].get(mk))} | {cell(p)}")
        say("  queries per request:")
        for c in me["queries"]["cases"]:
            say(f"    Shouwang    {c['queries']:3d}  {c['case']} (HTTP {c['status']})")
        for c in (pq or {}).get("cases", []):
            say(f"    wagtail-lms {c['queries']:3d}  {c['case']} (HTTP {c['status']})")
        if not peer:
            say("  (no peer results for this database: run bench/peer.sh)")


if __name__ == "__main__":
    if "--compare" in sys.argv:
        compare()
    else:
        bench_shouwang()
