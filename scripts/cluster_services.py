"""The processes `make cluster-check` starts: its own PostgreSQL cluster, Redis,
two gunicorns, nginx and db_worker, each in its own process group so that exactly
these, and nothing else, are stopped at the end (scripts/cluster_check.py)."""

import contextlib
import glob
import os
import pwd
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
APP_WORKERS = int(os.environ.get("CLUSTER_CHECK_APP_WORKERS", "2"))
BASE = int(os.environ.get("CLUSTER_CHECK_PORT_BASE", "8161"))
PORTS = {"nginx": BASE, "app1": BASE + 1, "app2": BASE + 2, "pg": BASE + 3}
PORTS["redis"] = BASE + 4
WORKER_ID = "cluster-check"

# --- processes ------------------------------------------------------------------


class Cluster:
    """Everything this run starts, so that ``stop`` can end exactly that."""

    def __init__(self, work):
        self.work = work
        self.procs = {}  # name -> Popen (each in its own process group)
        self.pg_data = work / "pg"
        self.pg_bin = None
        self.env = {}
        self.worker_restarts = 0
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    # PostgreSQL refuses to run as root: as root, its commands run as "postgres".
    def _as_pg(self, args):
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *args]
        return args

    def spawn(self, name, args, **kwargs):
        log = (self.work / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(  # noqa: S603 - our own commands
            args,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kwargs,
        )
        return self.procs[name]

    def end(self, name, sig=signal.SIGTERM, wait=20):
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def pg_start(self, *, durable=True):
        """Start the cluster. ``durable=False`` (setup only: migrate and seed)
        skips fsync; it is restarted durable before the load."""
        options = (
            f"-p {PORTS['pg']} -c listen_addresses=127.0.0.1 "
            "-c unix_socket_directories='' -c max_connections=100"
        )
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(  # noqa: S603
            self._as_pg(
                [
                    str(self.pg_bin / "pg_ctl"),
                    "-D",
                    str(self.pg_data),
                    "-l",
                    str(self.work / "pglog" / "postgresql.log"),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    options,
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def pg_stop(self, mode="fast"):
        if not (self.pg_data / "postmaster.pid").exists():
            return
        subprocess.run(  # noqa: S603
            self._as_pg(
                [str(self.pg_bin / "pg_ctl"), "-D", str(self.pg_data), "-m", mode]
                + ["-w", "-t", "30", "stop"]
            ),
            check=False,
            stdout=subprocess.DEVNULL,
        )

    def pg_init(self):
        initdbs = sorted(
            glob.glob("/usr/lib/postgresql/*/bin/initdb"),
            key=lambda p: int(p.split("/")[4]),
        )
        if not initdbs:
            sys.exit("cluster check: no PostgreSQL server (/usr/lib/postgresql/*)")
        self.pg_bin = Path(initdbs[-1]).parent
        self.pg_data.mkdir()
        (self.work / "pglog").mkdir()
        if os.geteuid() == 0:
            uid = pwd.getpwnam("postgres").pw_uid
            for path in (self.pg_data, self.work / "pglog"):
                os.chown(path, uid, -1)
        subprocess.run(  # noqa: S603
            self._as_pg(
                [
                    str(self.pg_bin / "initdb"),
                    "-D",
                    str(self.pg_data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-instructions",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.pg_start(durable=False)
        subprocess.run(  # noqa: S603
            self._as_pg(
                [
                    str(self.pg_bin / "psql"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(PORTS["pg"]),
                    "-U",
                    "postgres",
                    "-qc",
                    "CREATE DATABASE shouwang",
                ]
            ),
            check=True,
        )

    def gunicorn(self, name):
        return self.spawn(
            name,
            [
                str(Path(PY).parent / "gunicorn"),
                "cms.wsgi:application",
                f"--bind=127.0.0.1:{PORTS[name]}",
                f"--workers={APP_WORKERS}",
                "--timeout=60",
                "--graceful-timeout=5",
                "--log-level=warning",
            ],
            env=self.env,
        )

    def worker(self):
        """The task worker, started as deploy/systemd/shouwang-worker.service
        starts it: tasks this worker id left running are queued again first."""
        manage = [PY, "manage.py"]
        with (self.work / "worker.log").open("ab") as log:
            subprocess.run(  # noqa: S603
                [*manage, "requeue_tasks", "--worker", WORKER_ID],
                cwd=ROOT,
                env=self.env,
                check=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self.spawn(
            "worker",
            [*manage, "db_worker", "--worker-id", WORKER_ID]
            + ["--interval", "1", "--no-reload"],
            env=self.env,
        )

    def keep_worker_up(self):
        """systemd's Restart=always for the worker: db_worker exits when the
        database goes away; start it again (after RestartSec) until it stays up.
        Returns how many times it was restarted."""
        with self.lock:
            proc = self.procs.get("worker")
            if self.stopping.is_set() or (proc is not None and proc.poll() is None):
                return self.worker_restarts
            self.procs.pop("worker", None)
            self.worker_restarts += 1
            # The database still down: the requeue fails; try again next time.
            with contextlib.suppress(subprocess.CalledProcessError):
                self.worker()
        return self.worker_restarts

    def supervise_worker(self):
        """Check the worker every RestartSec (2 s), in a thread, until stop()."""

        def loop():
            while not self.stopping.wait(2):
                self.keep_worker_up()

        threading.Thread(target=loop, daemon=True).start()

    def stop(self):
        """Stop all that this run started, newest first."""
        with self.lock:
            self.stopping.set()
        for name in list(self.procs)[::-1]:
            self.end(name)
        if self.pg_bin is not None:
            self.pg_stop("immediate")


def wait_port(port, seconds=60, proc=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process on port {port} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


def ports_free():
    for name, port in PORTS.items():
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                sys.exit(
                    f"cluster check: port {port} ({name}) is taken; set "
                    "CLUSTER_CHECK_PORT_BASE to five free ports"
                )
