"""Run callables at the same time, for the tests that race writers against each other.

Each callable runs in its own thread, and each thread closes its own database
connection when it is done: Django opens one connection per thread, and one left
open keeps the test database busy (PostgreSQL refuses to drop it, SQLite stays
locked). An exception raised in a thread would otherwise be lost, so the errors are
collected and returned, and the caller asserts on them.
"""

import threading

from django.db import connection


def run_concurrently(*callables):
    """Start one thread per callable, wait for all, and return the exceptions."""
    errors = []

    def run(work):
        try:
            work()
        except Exception as error:  # noqa: BLE001 - returned to the caller to assert
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(work,)) for work in callables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
