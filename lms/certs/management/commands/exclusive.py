"""`manage.py exclusive COMMAND [ARGS...]`: run COMMAND unless another machine is
running it now. The timers of jobs that are wasteful or not safe to overlap (Wagtail's
publish_scheduled would publish a page twice; a second nightly engine run is an
hour of work for nothing) go through it, so every machine may have every timer.

On PostgreSQL, a session advisory lock named after the command is held for the run
(the database frees it if the process dies: no stale lock); a run that cannot take
it says so and exits 0. SQLite is one machine: the command just runs."""

import argparse
import zlib

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

# Advisory locks are two int4 keys: this app's number and the command's CRC-32.
LOCK_SPACE = 0x5357  # "SW"


def lock_key(name):
    return zlib.crc32(name.encode()) - 2**31  # a signed int4


class Command(BaseCommand):
    help = "Run a management command unless another machine is running it."

    def add_arguments(self, parser):
        parser.add_argument("command")
        # Everything after the command is its own (options too).
        parser.add_argument("args", nargs=argparse.REMAINDER)

    def handle(self, *args, command, **options):
        if connection.vendor != "postgresql":
            call_command(command, *args)
            return
        key = lock_key(command)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, key])
            if not cursor.fetchone()[0]:
                self.stdout.write(f"{command}: another run holds the lock; skipped")
                return
        try:
            call_command(command, *args)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, key])
