"""PostgreSQL databases that a benchmark creates for itself and drops afterwards."""

import re
import sys
from urllib.parse import urlsplit


def admin_conn(url):
    """An autocommit connection to the server's ``postgres`` database, and the name
    of the database in ``url`` (checked: it goes into DDL unquoted)."""
    import psycopg

    parts = urlsplit(url)
    conn = psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        sys.exit(f"[bench] unexpected database name {name!r}")
    return conn, name


def db_create(url):
    conn, name = admin_conn(url)
    with conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def db_drop(url):
    from django.db import connections

    connections.close_all()
    conn, name = admin_conn(url)
    with conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
