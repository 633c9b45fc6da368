"""CPU time of the processes beside the app server, for the benchmarks: the
bench database's PostgreSQL backends and background processes, and Redis, read
from /proc (Linux), so a ratio against the trivial view counts what a request costs
them too."""

import os

from bench.pg import admin_conn


def service_pids(db_url):
    """This run's PostgreSQL backends (gunicorn's persistent connections to the
    bench database), PostgreSQL's WAL writer, checkpointer and background writer,
    and redis-server. Other databases on the same server are left out."""
    conn, name = admin_conn(db_url)
    with conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE (datname = %s AND pid <> "
            "pg_backend_pid()) OR backend_type IN "
            "('walwriter', 'checkpointer', 'background writer')",
            [name],
        ).fetchall()
    pids = [r[0] for r in rows]
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/comm") as fh:
                if fh.read().strip() == "redis-server":
                    pids.append(int(pid))
        except (OSError, ValueError):
            continue
    return pids


def service_cpu_seconds(pids):
    """{pid: CPU seconds} of the processes still alive."""
    tick = os.sysconf("SC_CLK_TCK")
    got = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        got[pid] = (int(fields[11]) + int(fields[12])) / tick
    return got


def service_cpu_delta(before, after):
    """CPU used between two readings: backends alive at both ends, and those that
    started in between (CONN_MAX_AGE renews connections). A backend that ended in
    between is lost: an underestimate, never an overestimate."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def nice_seconds():
    """CPU time of niced processes (other people's test runs on a shared machine
    run niced and fill whatever the benchmark leaves idle)."""
    with open("/proc/stat") as fh:
        return int(fh.readline().split()[2]) / os.sysconf("SC_CLK_TCK")
