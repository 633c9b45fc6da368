"""Small helpers to read typed values from the environment."""

import os


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def database_from_url(url, *, conn_max_age=60):
    """Django's database settings from one URL. SQLite gets WAL and a busy timeout,
    so that concurrent writers (check-ins, double submits) wait instead of failing.
    Other databases keep connections for ``conn_max_age`` seconds and check a kept
    connection before a request uses it, so that a database restart costs no failed
    request; PostgreSQL's check asks the connection's socket, with no round trip
    (cms/db/postgresql/base.py)."""
    import dj_database_url

    config = dj_database_url.parse(
        url, conn_max_age=conn_max_age, conn_health_checks=True
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 0
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["ENGINE"] = "cms.db.postgresql"
    return config
