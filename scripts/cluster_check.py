"""`make cluster-check`: the production set-up on real engines, on this machine.

Starts its own PostgreSQL cluster (initdb, a spare port), its own Redis
(``--save ''``), migrates, seeds CLUSTER_CHECK_TRAINEES (1,000) trainees and open
drills with bench/checkin.py's own setup, collects the static files, and starts
nginx (deploy/nginx/render.py) in front of TWO gunicorn app servers on production
settings (test keys from the environment) and one task worker (``manage.py
db_worker``). Then:

1. throughput: a short burst of whole scans straight to one app server, then the
   same through nginx to both (scans/s);
2. the whole-scan burst through nginx: every trainee, 50 at a time, GETs
   /c/<token> with its session cookie, reads the page's check-in form (every field,
   whatever it holds: the CSRF token, the scan stamp) and POSTs it back as the
   page's script does, retrying a 5xx or a broken connection with the script's
   backoff and the same fields (the scan stamp is kept). Meanwhile one app server
   is killed (SIGKILL) and PostgreSQL is stopped for 10 seconds;
3. the drill is closed, and the worker issues the qualification that one attended
   drill of this type allows (a rule seeded here).

A handful of trainees sign in through the real login form first; the others get
their session as bench/checkin.py makes them (written to the session store as a
login would), because a password check costs ~0.8 s of CPU and a thousand of them
would take this 2-core machine minutes.

Everything started is stopped on the way out (also on Ctrl-C or an error) and the
working folder removed (CLUSTER_CHECK_KEEP=1 keeps it). The last line printed is
``cluster check: N scans, N rows, 0 lost, 0 duplicate, K qualifications issued by
the worker``; the exit status is non-zero on any loss, duplicate or missing
qualification. Ports: CLUSTER_CHECK_PORT_BASE (8161) and the four after it.
"""

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_client import Phone, http  # noqa: E402
from cluster_services import (  # noqa: E402
    APP_WORKERS,
    PORTS,
    PY,
    WORKER_ID,
    Cluster,
    ports_free,
    wait_port,
)

TRAINEES = int(os.environ.get("CLUSTER_CHECK_TRAINEES", "1000"))
CONCURRENCY = int(os.environ.get("CLUSTER_CHECK_CONCURRENCY", "50"))
SHORT_BURST = int(os.environ.get("CLUSTER_CHECK_SHORT_BURST", "300"))
LOGINS = int(os.environ.get("CLUSTER_CHECK_LOGINS", "5"))
KEEP = os.environ.get("CLUSTER_CHECK_KEEP") == "1"
PG_DOWN_SECONDS = 10
QUALIFICATION_CODE = "CLUSTER-AT"
DRILL_TYPE = "anti_terror"  # the burst drill's type; the other drills are "fire"
PASSWORD = "cluster-check-password-1"  # noqa: S105 - a throw-away local database
TEST_KEYS = {
    "SECRET_KEY": "cluster-check-loopback-only-not-a-secret-0123456789abcdef",
    "PII_ENCRYPTION_KEYS": "c2hvdXdhbmctYmVuY2gta2V5LTMyLWJ5dGVzLW9rISE=",
    "PII_HASH_KEY": "cluster-check-hash-key",
    "CERTS_SIGNING_KEY": "Y2x1c3Rlci1jaGVjay1zaWduaW5nLXNlZWQtMzJieXQ=",
}


def say(*parts):
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def django_env(work):
    nginx = f"127.0.0.1:{PORTS['nginx']}"
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("BENCH_")},
        **TEST_KEYS,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PORTS['pg']}/shouwang",
        "REDIS_URL": f"redis://127.0.0.1:{PORTS['redis']}/0",
        "TASKS_BACKEND": "database",
        "SITE_BASE_URL": f"http://{nginx}",
        "H5P_CONTENT_ORIGIN": f"http://localhost:{PORTS['nginx']}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXIES": "127.0.0.1",
        # Plain HTTP on the loopback: no TLS to redirect to.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "PRIVATE_MEDIA_ROOT": str(work / "private"),
        "MEDIA_STORAGE": "filesystem",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "ERROR",
        "PYTHONUNBUFFERED": "1",
    }


# --- seeding (in this process, production settings) -----------------------------


def seed():
    """bench/checkin.py's trainees and drills, the burst drill of its own type, a
    rule that one attended drill of that type is a qualification, and a password
    for the trainees who sign in through the form."""
    env = dict(os.environ)
    import bench.checkin as checkin  # sets bench variables on import: undone below

    os.environ.clear()
    os.environ.update(env)
    made = checkin.setup(TRAINEES)

    from django.contrib.auth.hashers import make_password

    from lms.certs.constants import Category, RequirementKind
    from lms.certs.models import QualificationType, Requirement
    from lms.drills.models import Drill
    from lms.people.models import User

    burst = made["drills"]["burst"]
    Drill.objects.filter(pk=burst.pk).update(drill_type=DRILL_TYPE)
    burst.refresh_from_db()
    qtype = QualificationType.objects.create(
        code=QUALIFICATION_CODE,
        name="集群检查演练合格",
        category=Category.ANTI_TERROR,
        validity_months=12,
    )
    Requirement.objects.create(
        qualification_type=qtype,
        kind=RequirementKind.DRILL_ATTENDED,
        drill_type=DRILL_TYPE,
        within_months=12,
    )
    # One hash for the few who sign in (each hash costs ~0.8 s of CPU).
    users = list(User.objects.filter(pk__in=made["user_ids"]).order_by("pk"))
    login_users = users[:LOGINS]
    User.objects.filter(pk__in=[u.pk for u in login_users]).update(
        password=make_password(PASSWORD)
    )
    return {
        "sessions": made["sessions"],
        "usernames": [u.username for u in users[: len(made["sessions"])]],
        "login_count": len(login_users),
        "drills": made["drills"],
        "qtype": qtype,
    }


def rows_for(drill, expected):
    from lms.drills.constants import CheckinMethod
    from lms.drills.models import Attendance

    rows = Attendance.objects.filter(drill=drill).exclude(method=CheckinMethod.CLOSING)
    n = rows.count()
    people = rows.values("person_id").distinct().count()
    return {"rows": n, "people": people, "lost": expected - people}


# --- load ------------------------------------------------------------------------


async def burst(phones, path, port, *, during=None):
    """Every phone scans ``path`` through ``port``; CONCURRENCY at a time.
    ``during(progress)`` runs alongside, told how many have finished."""
    sem = asyncio.Semaphore(CONCURRENCY)
    done = [0]

    async def one(phone):
        async with sem:
            await phone.scan(path, port)
            done[0] += 1

    t0 = time.monotonic()
    tasks = [asyncio.create_task(one(p)) for p in phones]
    side = asyncio.create_task(during(done, len(phones))) if during else None
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - t0
    if side:
        await side
    return elapsed


def chaos(cluster):
    """Kill app2 a fifth of the way in; stop PostgreSQL for PG_DOWN_SECONDS at
    two fifths; bring both back (as systemd would restart the app server)."""
    events = []

    async def run(done, total):
        loop = asyncio.get_running_loop()
        while done[0] < total // 5:
            await asyncio.sleep(0.05)
        cluster.end("app2", signal.SIGKILL)
        events.append(f"app2 killed (SIGKILL) after {done[0]} scans")
        while done[0] < 2 * total // 5:
            await asyncio.sleep(0.05)
        t = time.monotonic()
        await loop.run_in_executor(None, cluster.pg_stop, "fast")
        events.append(f"PostgreSQL stopped after {done[0]} scans")
        await asyncio.sleep(max(0.0, PG_DOWN_SECONDS - (time.monotonic() - t)))
        await loop.run_in_executor(None, cluster.pg_start)
        events.append(
            f"PostgreSQL back after {time.monotonic() - t:.1f} s ({done[0]} scans)"
        )
        proc = cluster.gunicorn("app2")
        await loop.run_in_executor(None, wait_port, PORTS["app2"], 60, proc)
        events.append(f"app2 restarted ({done[0]} scans)")

    return run, events


async def sign_in(phones, usernames, count, port):
    """The first ``count`` phones sign in through the login form instead of their
    seeded session."""
    for phone, username in list(zip(phones, usernames, strict=False))[:count]:
        phone.cookies.pop("sessionid", None)
        await phone.login(username, PASSWORD, port)


def summary(phones):
    ok = sum(1 for p in phones if p.ok)
    retries = sum(p.retries for p in phones)
    kinds = {}
    for p in phones:
        for kind in p.errors:
            kinds[kind] = kinds.get(kind, 0) + 1
    return ok, retries, kinds


def qr_path(drill):
    """The link in the drill's QR code now (a code moves on every few minutes:
    taken just before each burst, as a phone scans the screen)."""
    from django.utils import timezone

    from lms.drills.tokens import token_for

    return f"/c/{token_for(drill, timezone.now())}"


async def run_load(cluster, meta):
    sessions = meta["sessions"]
    drills = meta["drills"]
    nginx = PORTS["nginx"]

    def phones_for(count):
        # Not the trainees who sign in by the form: setting their password
        # ended their seeded sessions (Django's session hash).
        return [Phone(session=s) for s in sessions[meta["login_count"] :][:count]]

    say("[cluster] warm-up through nginx")
    await burst(phones_for(min(100, TRAINEES)), qr_path(drills["warmup"]), nginx)

    short = min(SHORT_BURST, TRAINEES)
    single = phones_for(short)
    t_single = await burst(single, qr_path(drills["double"]), PORTS["app1"])
    both = phones_for(short)
    t_both = await burst(both, qr_path(drills["queries"]), nginx)
    throughput = {
        "single": (len(single) / t_single, summary(single), len(single)),
        "nginx": (len(both) / t_both, summary(both), len(both)),
    }

    phones = [Phone(session=s) for s in sessions]
    await sign_in(phones, meta["usernames"], meta["login_count"], nginx)
    signed_in = sum(1 for p in phones[: meta["login_count"]] if p.signed_in)
    say(f"[cluster] {signed_in}/{meta['login_count']} trainees signed in by the form")
    during, events = chaos(cluster)
    say(f"[cluster] whole-scan burst: {len(phones)} trainees, {CONCURRENCY} at a time")
    t_burst = await burst(phones, qr_path(drills["burst"]), nginx, during=during)
    return throughput, phones, t_burst, events


async def nginx_rules():
    """What nginx itself must refuse or serve, checked through it."""
    port = PORTS["nginx"]
    checks = {}
    status, _h, _b = await http("GET", "/media/h5p/x/h5p.json", port)
    checks["/media/h5p/ on the site: 404"] = status == 404
    status, _h, _b = await http("GET", "/people/", port, host=f"localhost:{port}")
    checks["site pages on the content host: 404"] = status == 404
    status, headers, _b = await http("GET", "/static/js/checkin.js", port)
    checks["static files served"] = status == 200
    status, _h, _b = await http("GET", "/", port, host="elsewhere.example")
    checks["unknown host names dropped"] = status is None
    return checks


# --- the run ---------------------------------------------------------------------


def wait_for_qualifications(qtype, expected, seconds=180):
    from lms.certs.models import QualificationRecord

    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n = QualificationRecord.objects.filter(qualification_type=qtype).count()
        if n >= expected:
            break
        time.sleep(1)
    return n


def worker_ran_it():
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(task_path__endswith="issue_for_people")
    return [(r.status, r.worker_ids) for r in rows]


def main():  # noqa: PLR0915 - one story, told in order
    if shutil.which("nginx") is None:
        sys.exit("cluster check: nginx is missing (make cluster-check installs it)")
    if shutil.which("redis-server") is None:
        sys.exit("cluster check: redis-server is missing")
    ports_free()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="shouwang-cluster-"))
    work.chmod(0o755)
    cluster = Cluster(work)

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    failed = True
    final = "cluster check: did not finish (see above)"
    try:
        say(f"[cluster] working folder {work}")
        cluster.pg_init()
        cluster.spawn(
            "redis",
            [
                "redis-server",
                "--port",
                str(PORTS["redis"]),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(work),
            ],
        )
        wait_port(PORTS["redis"])
        cluster.env = django_env(work)
        os.environ.update(cluster.env)
        for sub in ("media", "private", "static", "nginx"):
            (work / sub).mkdir()
        (work / "private").chmod(0o700)

        t = time.monotonic()
        # collectstatic needs no database: it runs beside the migration and seed.
        collect = cluster.spawn(
            "collectstatic",
            [PY, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=cluster.env,
        )
        import django

        django.setup()
        meta = seed()
        say(
            f"[cluster] PostgreSQL {cluster.pg_bin.parent.name} and Redis up; "
            f"migrated and seeded {TRAINEES} trainees in {time.monotonic() - t:.0f} s"
        )
        from django.db import connections

        connections.close_all()
        # From here on every commit is on disk, as in production.
        cluster.pg_stop("fast")
        cluster.pg_start()
        if collect.wait() != 0:
            raise RuntimeError(f"collectstatic failed: {work}/collectstatic.log")
        cluster.procs.pop("collectstatic")
        say(f"[cluster] collectstatic done after {time.monotonic() - t:.0f} s")

        site = subprocess.run(  # noqa: S603
            [
                PY,
                str(ROOT / "deploy" / "nginx" / "render.py"),
                "--upstream",
                f"127.0.0.1:{PORTS['app1']}",
                "--upstream",
                f"127.0.0.1:{PORTS['app2']}",
                "--listen",
                f"127.0.0.1:{PORTS['nginx']}",
                "--standalone",
                str(work / "nginx"),
            ],
            env=cluster.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        conf = work / "nginx" / "nginx.conf"
        conf.write_text(site)
        nginx_args = ["nginx", "-c", str(conf), "-e", str(work / "nginx" / "error.log")]
        subprocess.run([*nginx_args, "-t", "-q"], check=True)  # noqa: S603
        for name in ("app1", "app2"):
            cluster.gunicorn(name)
        cluster.spawn("nginx", [*nginx_args, "-g", "daemon off;"])
        cluster.worker()
        cluster.supervise_worker()
        for name in ("app1", "app2", "nginx"):
            wait_port(PORTS[name], proc=cluster.procs[name])
        say(
            f"[cluster] nginx :{PORTS['nginx']} -> gunicorn :{PORTS['app1']} "
            f"and :{PORTS['app2']} ({APP_WORKERS} workers each), db_worker"
        )

        rules = asyncio.run(nginx_rules())
        throughput, phones, t_burst, events = asyncio.run(run_load(cluster, meta))
        for event in events:
            say(f"[cluster]   {event}")

        from lms.drills.services import drill_close

        drill = meta["drills"]["burst"]
        rows = rows_for(drill, len(phones))
        ok, retries, kinds = summary(phones)
        say(
            f"[cluster] burst done in {t_burst:.1f} s: {ok} answered, {retries} "
            f"retries {kinds or ''}"
        )
        for phone in [p for p in phones if not p.ok][:3]:
            page = phone.last_page.decode("utf-8", "replace")
            say(f"[cluster]   failed: {phone.errors} {' '.join(page.split())[:600]}")
        t = time.monotonic()
        drill_close(drill=drill, actor=None)
        issued = wait_for_qualifications(meta["qtype"], rows["people"])
        tasks = worker_ran_it()
        by_worker = all(
            status == "SUCCESSFUL" and WORKER_ID in ids for status, ids in tasks
        )
        say(
            f"[cluster] drill closed; the worker issued {issued} qualifications in "
            f"{time.monotonic() - t:.1f} s (tasks: {tasks[:3]})"
        )
        for name, good in rules.items():
            say(f"[cluster] nginx: [{'ok' if good else 'FAILED'}] {name}")
        single_rate, single_sum, single_n = throughput["single"]
        nginx_rate, nginx_sum, nginx_n = throughput["nginx"]
        say(
            f"[cluster] throughput, {single_n} whole scans (GET + "
            f"POST) {CONCURRENCY} at a time: one gunicorn direct "
            f"{single_rate:.0f} scans/s ({single_sum[0]} ok), nginx -> two "
            f"gunicorns {nginx_rate:.0f} scans/s ({nginx_sum[0]} ok)"
        )
        for key, label in (("single", "one gunicorn"), ("nginx", "nginx")):
            _ok, _retries, kinds = throughput[key][1]
            if kinds:
                say(f"[cluster]   short burst via {label}: {kinds}")
        say(
            f"[cluster] db_worker found stopped {cluster.worker_restarts} times and "
            "started again (it exits when the database goes away; systemd's "
            "Restart=always brings it back, as this check does)"
        )
        say(f"[cluster] total {time.monotonic() - started:.0f} s")
        duplicates = rows["rows"] - rows["people"]
        failed = (
            rows["lost"] != 0
            or duplicates != 0
            or ok != len(phones)
            or issued != rows["people"]
            or not tasks
            or not by_worker
            or not all(rules.values())
            or single_sum[0] != single_n
            or nginx_sum[0] != nginx_n
        )
        final = (
            f"cluster check: {len(phones)} scans, {rows['rows']} rows, "
            f"{rows['lost']} lost, {duplicates} duplicate, {issued} qualifications "
            "issued by the worker"
        )
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - settings may never have loaded
            pass
        cluster.stop()
        if KEEP:
            say(f"[cluster] kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    say(final)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
