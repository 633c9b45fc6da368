"""The check-in measured inside one process, for bench/checkin.py: the queries of
one post, and the server CPU of the whole scan through Django's WSGI handler (no
HTTP, no gunicorn, no client). Imported after bench/checkin.py has set up Django."""

import html
import re
import time
from urllib.parse import urlencode

from bench.run import HOST, PORT

FORM_FIELD = re.compile(rb'name="(csrfmiddlewaretoken|scan)" value="([^"]*)"')


def token(drill):
    from django.utils import timezone

    from lms.drills.tokens import token_for

    return token_for(drill, timezone.now())


def count_queries(drill, user):
    """Queries of one check-in POST in process (warm: /c/ and the page were loaded
    first, as by the trainee's phone), CSRF enforced."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(enforce_csrf_checks=True, HTTP_HOST=HOST)
    client.raise_request_exception = False
    client.force_login(user)
    path = f"/c/{token(drill)}"
    client.get("/c/")  # any page the trainee opened loads their user
    page = client.get(path)
    fields = dict(FORM_FIELD.findall(page.content))
    data = {k.decode(): html.unescape(v.decode()) for k, v in fields.items()}
    with CaptureQueriesContext(connection) as ctx:
        resp = client.post(
            path, data, HTTP_ORIGIN=f"http://{HOST}", HTTP_ACCEPT="application/json"
        )
    sql = [q["sql"] for q in ctx.captured_queries]
    return {
        "status": resp.status_code,
        "queries": len(sql),
        "sql": sql,
    }


def in_process(drill, warm_drill, sessions, rounds=10, block=50):
    """Server CPU of the whole scan measured in this process, through Django's
    WSGI handler (no HTTP, no gunicorn, no client): alternating blocks of
    ``block`` trivial views and ``block`` whole scans (each a trainee's GET of the
    page, then its POST), so that the host's drift cancels. CPU time of this
    process (``time.process_time``), which other processes on a shared machine
    hardly move; PostgreSQL's and Redis's CPU are not in it. Untimed first, as
    in the burst: each trainee opens /c/ (their user in the cache, as any page
    does) and another drill's page (their CSRF cookie)."""
    import io
    from http.cookies import SimpleCookie

    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    path = f"/c/{token(drill)}"
    origin = f"http://{HOST}:{PORT}"

    def call(method, url, cookie, body=b"", **headers):
        """(status, headers, body, CPU seconds of the handler alone)."""
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": url,
            "QUERY_STRING": "",
            "SERVER_NAME": HOST,
            "SERVER_PORT": str(PORT),
            "HTTP_HOST": f"{HOST}:{PORT}",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_COOKIE": cookie,
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "CONTENT_LENGTH": str(len(body)),
            **headers,
        }
        got = {}

        def start_response(status, response_headers, exc_info=None):
            got["status"], got["headers"] = int(status[:3]), response_headers

        t0 = time.process_time()
        content = b"".join(handler(environ, start_response))
        cpu = time.process_time() - t0
        return got["status"], got["headers"], content, cpu

    csrf = {}

    def open_page(url, session):
        cookie = f"sessionid={session}"
        if session in csrf:
            cookie += f"; csrftoken={csrf[session]}"
        status, headers, page, cpu = call("GET", url, cookie)
        jar = SimpleCookie()
        for name, value in headers:
            if name.lower() == "set-cookie":
                jar.load(value)
        if "csrftoken" in jar:
            csrf[session] = jar["csrftoken"].value
        if status != 200:
            raise RuntimeError(f"page HTTP {status}")
        return page, cpu

    def scan(session):
        page, page_cpu = open_page(path, session)
        fields = {
            k.decode(): html.unescape(v.decode()) for k, v in FORM_FIELD.findall(page)
        }
        form = {"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"]}
        status, _h, answer, post_cpu = call(
            "POST",
            path,
            f"sessionid={session}; csrftoken={csrf[session]}",
            urlencode({**form, "scan": fields["scan"]}).encode(),
            CONTENT_TYPE="application/x-www-form-urlencoded",
            HTTP_ACCEPT="application/json",
            HTTP_ORIGIN=origin,
            HTTP_REFERER=origin + path,
        )
        if status != 200 or not answer.startswith(b'{"ok": true'):
            raise RuntimeError(f"check-in HTTP {status}")
        return page_cpu, post_cpu

    def trivial():
        status, _h, body, cpu = call("GET", "/bench-ok/", f"sessionid={sessions[0]}")
        if body != b"ok":
            raise RuntimeError(f"/bench-ok/ HTTP {status}")
        return cpu

    rounds = min(rounds, (len(sessions) - 1) // block)  # one scan per trainee
    warm_path = f"/c/{token(warm_drill)}"
    for session in sessions[: rounds * block + 1]:
        open_page("/c/", session)  # a page that loads the user
        open_page(warm_path, session)
    for _ in range(block):  # warm: imports, caches, connections
        trivial()
    scan(sessions[rounds * block])
    totals = {"trivial": 0.0, "page": 0.0, "post": 0.0}
    people = iter(sessions)
    for _ in range(rounds):
        for _ in range(block):
            totals["trivial"] += trivial()
        for _ in range(block):
            page, post = scan(next(people))
            totals["page"] += page
            totals["post"] += post
    n = rounds * block
    ms = {k: round(1000 * v / n, 3) for k, v in totals.items()}
    ms["scan"] = round(ms["page"] + ms["post"], 3)
    return {
        "scans": n,
        "cpu_ms": ms,
        "ratio_to_trivial": {
            k: round(ms[k] / ms["trivial"], 2) for k in ("page", "post", "scan")
        },
    }
