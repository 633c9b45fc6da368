"""Django's PostgreSQL backend with a health check that makes no round trip.

With ``CONN_HEALTH_CHECKS`` Django runs ``SELECT 1`` on a kept connection before a
request first uses it, so that a database restart costs no failed request. That is
a round trip on every request that reads the database: at a drill, a thousand
check-ins each paid one beside their INSERT, and a round trip costs this machine
about as much CPU as a trivial page's whole work.

A server that shuts down, restarts or crashes ends its connections: the backend
sends its termination notice and the kernel closes the stream, so an idle
connection to a server that went away has something to read on its socket, and a
live idle one has nothing. ``is_usable`` therefore asks the socket first, which
costs no round trip, and leaves the decision to Django's ``SELECT 1`` whenever
anything is waiting there, psycopg already knows the connection is broken, or it
is not idle (inside a transaction or after an error). A network that silently
drops everything is found by neither check without a timeout; TCP keepalives in
``OPTIONS`` are the tool for that.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status == pq.TransactionStatus.IDLE:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            if not poller.poll(0):
                return True
        return super().is_usable()
