"""A phone as the cluster check sees it: its own cookies, the check-in page's form
read as a browser reads it, and static/js/checkin.js's retries.

The client knows nothing of what the form holds: it posts back every field of the
page's check-in form (hidden inputs, text inputs, checked boxes), so it keeps
working whether the scan stamp is a hidden field, moves into the session, or the
form gains fields. Cookies the server sets (session, CSRF, device) are kept and
sent back, as a browser would.
"""

import asyncio
import html.parser
import json
from urllib.parse import urlencode, urljoin, urlsplit

# static/js/checkin.js: RETRY_MS = [2000, 4000, 8000, 15000], the last repeated.
RETRY_SECONDS = [2, 4, 8, 15]
GIVE_UP_SECONDS = 300
REQUEST_TIMEOUT = 30.0
USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Phone) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.50 cluster-check"
)


def _dechunk(data):
    out, rest = bytearray(), data
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2 :]
    return bytes(out)


async def http(method, path, port, headers=None, body=b"", host=None):
    """One request on its own connection, as a phone's. Returns (status, headers,
    body); status is None when the connection failed or closed without an answer
    (a killed server, nginx's 444)."""
    host = host or f"127.0.0.1:{port}"
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port), REQUEST_TIMEOUT
        )
    except (OSError, TimeoutError):
        return None, {}, b""
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        lines += [f"Content-Length: {len(body)}", "Connection: close", "", ""]
        writer.write("\r\n".join(lines).encode() + body)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), REQUEST_TIMEOUT)
    except (OSError, TimeoutError):
        return None, {}, b""
    finally:
        writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    if not head:
        return None, {}, b""
    head_lines = head.decode("latin-1").split("\r\n")
    status = int(head_lines[0].split()[1])
    got = {}
    for line in head_lines[1:]:
        name, _, value = line.partition(":")
        got.setdefault(name.strip().lower(), []).append(value.strip())
    if "chunked" in ",".join(got.get("transfer-encoding", [])):
        if not payload.endswith(b"0\r\n\r\n"):
            return None, {}, b""  # cut off: the server died while answering
        payload = _dechunk(payload)
    elif "content-length" in got and len(payload) < int(got["content-length"][0]):
        return None, {}, b""  # cut off: the server died while answering
    return status, got, payload


class FormParser(html.parser.HTMLParser):
    """Every POST form on a page: its action and the fields a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = {
                "id": attrs.get("id", ""),
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": [],
            }
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            self._current["fields"].append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def page_form(body, wanted_id=None):
    """The page's POST form (``wanted_id`` first, else the first POST form)."""
    parser = FormParser()
    parser.feed(body.decode("utf-8", "replace"))
    forms = [f for f in parser.forms if f["method"] == "post"]
    for form in forms:
        if wanted_id and form["id"] == wanted_id:
            return form
    return forms[0] if forms else None


class Phone:
    """One trainee's phone: cookies, a scan with retries, a sign-in."""

    def __init__(self, session=None):
        self.cookies = {"sessionid": session} if session else {}
        self.ok = False
        self.signed_in = False
        self.retries = 0
        self.errors = []
        self.answer = None
        self.last_page = b""  # the page of a failed scan, to say why

    def _headers(self, extra=None):
        headers = {"User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**headers, **(extra or {})}

    def _keep_cookies(self, headers):
        for value in headers.get("set-cookie", []):
            pair = value.split(";", 1)[0]
            name, _, content = pair.partition("=")
            if content in ('""', ""):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = content.strip()

    async def _request(self, method, path, port, *, body=b"", extra=None):
        status, headers, payload = await http(
            method, path, port, self._headers(extra), body
        )
        if status is not None:
            self._keep_cookies(headers)
        return status, headers, payload

    async def _with_retries(self, attempt):
        """Run ``attempt`` until it says done; a 5xx or a broken connection waits
        as checkin.js waits and tries again. Returns the last result."""
        tries = 0
        waited = 0
        while True:
            result = await attempt()
            status = result[0]
            if status is not None and status < 500:
                return result
            self.errors.append(f"HTTP {status}" if status else "connection")
            if waited >= GIVE_UP_SECONDS:
                return result
            pause = RETRY_SECONDS[min(tries, len(RETRY_SECONDS) - 1)]
            tries += 1
            self.retries += 1
            waited += pause
            await asyncio.sleep(pause)

    async def scan(self, path, port):
        """The QR code's link opened, then the page's form posted back as the
        page's script posts it (Accept: application/json)."""
        page = await self._with_retries(lambda: self._request("GET", path, port))
        if page[0] != 200:
            self.errors.append(f"page HTTP {page[0]}")
            self.last_page = page[2][:3000]
            return
        form = page_form(page[2], "checkin-form")
        if form is None:
            self.errors.append("no form on the page")
            self.last_page = page[2][:3000]
            return
        action = urljoin(path, form["action"]) if form["action"] else path
        body = urlencode(form["fields"]).encode()
        origin = f"http://127.0.0.1:{port}"
        extra = {
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": origin + path,
        }
        status, headers, payload = await self._with_retries(
            lambda: self._request("POST", action, port, body=body, extra=extra)
        )
        kind = ",".join(headers.get("content-type", []))
        if status != 200 or not kind.startswith("application/json"):
            self.errors.append(f"answer HTTP {status} {kind}")
            return
        self.answer = json.loads(payload)
        self.ok = bool(self.answer.get("ok"))
        if not self.ok:
            self.errors.append("refused")

    async def login(self, username, password, port, path="/login/"):
        """Sign in through the login form (its fields, plus the credentials)."""
        status, _h, body = await self._request("GET", path, port)
        form = page_form(body) if status == 200 else None
        if form is None:
            self.errors.append(f"login page HTTP {status}")
            return
        credentials = ("username", "password")
        fields = [(k, v) for k, v in form["fields"] if k not in credentials]
        fields += [("username", username), ("password", password)]
        origin = f"http://127.0.0.1:{port}"
        action = urljoin(path, form["action"]) if form["action"] else path
        status, headers, _b = await self._request(
            "POST",
            action,
            port,
            body=urlencode(fields).encode(),
            extra={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + path,
            },
        )
        location = ",".join(headers.get("location", []))
        self.signed_in = (
            status == 302
            and "sessionid" in self.cookies
            and urlsplit(location).path != path
        )
        if not self.signed_in:
            self.errors.append(f"login HTTP {status}")
