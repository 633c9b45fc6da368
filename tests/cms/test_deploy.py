"""The deployment files: the environment template names every variable the
settings read, the production storage switches to S3 by environment, and the
nginx site rendered from the settings is valid and behaves (a real nginx, when
installed: `make cluster-check` installs it)."""

import datetime
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.cms.test_settings import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parents[2]
KEYS = PRODUCTION_ENV
NGINX = shutil.which("nginx") or (
    "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
)
needs_nginx = pytest.mark.skipif(
    NGINX is None,
    reason="nginx is not installed (`make cluster-deps` installs it, as root)",
)
# Ports for the nginx started here (SHOUWANG_TEST_PORTS="first-last").
PORT_RANGE = os.environ.get("SHOUWANG_TEST_PORTS", "8170-8179")


def load_render():
    spec = importlib.util.spec_from_file_location(
        "shouwang_nginx_render", ROOT / "deploy" / "nginx" / "render.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render = load_render()


def run_python(code, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PII_", "SECRET", "S3_", "MEDIA_", "H5P_"))
    }
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "cms.settings.production", **env},
        capture_output=True,
        text=True,
        check=False,
    )


# --- the environment template ----------------------------------------------------


def variables_read():
    names = set()
    for path in (ROOT / "cms" / "settings").glob("*.py"):
        text = path.read_text()
        names |= set(re.findall(r'\benv(?:_bool|_list)?\(\s*"([A-Z0-9_]+)"', text))
    for path in [*(ROOT / "cms").rglob("*.py"), *(ROOT / "lms").rglob("*.py")]:
        text = path.read_text()
        names |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z0-9_]+)"', text))
    return names


def test_env_example_lists_every_variable_the_settings_read():
    listed = set(
        re.findall(
            r"^#?([A-Z][A-Z0-9_]+)=",
            (ROOT / "deploy" / "shouwang.env.example").read_text(),
            re.MULTILINE,
        )
    )
    read = variables_read()
    assert {"SECRET_KEY", "MEDIA_STORAGE", "S3_MEDIA_BUCKET", "TASKS_BACKEND"} <= read
    assert read - listed == set()


# --- media storage by environment -----------------------------------------------

SHOW_STORAGES = (
    "import django; django.setup(); "
    "from django.core.files.storage import storages; "
    "d, p = storages['default'], storages['photos']; "
    "print(type(d).__name__, getattr(d, 'bucket_name', d.location), "
    "type(p).__name__, getattr(p, 'bucket_name', p.location), "
    "getattr(p, 'querystring_auth', '-'), getattr(d, 'endpoint_url', '-'))"
)


def test_media_on_the_file_system_by_default(tmp_path):
    result = run_python(
        SHOW_STORAGES,
        **KEYS,
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "FileSystemStorage",
        str(tmp_path / "media"),
        "FileSystemStorage",
        str(tmp_path / "private" / "photos"),
        "-",
        "-",
    ]


def test_media_storage_s3_switches_both_storages_to_their_buckets():
    result = run_python(
        SHOW_STORAGES,
        **KEYS,
        MEDIA_STORAGE="s3",
        S3_MEDIA_BUCKET="shouwang-media",
        S3_PHOTOS_BUCKET="shouwang-photos",
        S3_ENDPOINT_URL="http://minio.internal:9000",
        S3_ACCESS_KEY_ID="key",
        S3_SECRET_ACCESS_KEY="secret",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage",
        "shouwang-media",
        "S3Storage",
        "shouwang-photos",
        "True",  # photo links are always signed
        "http://minio.internal:9000",
    ]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MEDIA_STORAGE": "s3", "S3_PHOTOS_BUCKET": "p"}, "S3_MEDIA_BUCKET"),
        ({"MEDIA_STORAGE": "s3", "S3_MEDIA_BUCKET": "m"}, "S3_PHOTOS_BUCKET"),
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be"),
    ],
)
def test_media_storage_refuses_to_start_half_configured(env, message):
    result = run_python("import cms.settings.production", **KEYS, **env)
    assert result.returncode != 0
    assert message in result.stderr


# --- nginx: rendering -------------------------------------------------------------


def values(tmp_path, **changes):
    return {
        "site_url": "https://shouwang.example.cn",
        "content_url": "https://h5p.example.cn",
        "static_root": tmp_path / "static",
        "media_root": tmp_path / "media",
        "private_root": tmp_path / "private",
        "limits": render.body_limits(
            h5p_upload=50 * render.MIB, statement=68 * 1024, forms=[10 * render.MIB]
        ),
        **changes,
    }


def test_render_refuses_private_photos_under_a_served_folder(tmp_path):
    for inside in (tmp_path / "media" / "private", tmp_path / "static" / "p"):
        with pytest.raises(render.RenderError, match="PRIVATE_MEDIA_ROOT"):
            render.render(values(tmp_path, private_root=inside), upstreams=["a:1"])


def test_render_needs_a_content_host_of_its_own(tmp_path):
    with pytest.raises(render.RenderError, match="own host name"):
        render.render(
            values(tmp_path, content_url="https://shouwang.example.cn:8443"),
            upstreams=["a:1"],
        )


def test_body_limits_follow_the_upload_settings():
    """Changing an upload limit in the environment changes nginx's."""
    code = (
        "import json, runpy, sys; sys.argv = ['render']; "
        "m = runpy.run_path('deploy/nginx/render.py'); "
        "print(json.dumps(m['settings_values']()['limits']))"
    )
    big = run_python(
        code,
        **KEYS,
        H5P_MAX_UPLOAD_BYTES=str(200 * render.MIB),
        PEOPLE_IMPORT_MAX_BYTES=str(30 * render.MIB),
        H5P_STATEMENT_MAX_BYTES=str(1024 * 1024),
    )
    assert big.returncode == 0, big.stderr
    limits = json.loads(big.stdout)
    assert limits["admin"] == 201 * render.MIB
    assert limits["default"] == 31 * render.MIB
    assert limits["statement"] == 2 * (1024 * 1024 + 4096)


def test_default_limits_sit_above_every_upload_limit(settings):
    from lms.quizzes.services.imports import MAX_BYTES

    limits = render.settings_values()["limits"]
    assert limits["admin"] > settings.H5P_MAX_UPLOAD_BYTES
    assert limits["default"] > max(settings.PEOPLE_IMPORT_MAX_BYTES, MAX_BYTES)
    assert limits["statement"] > settings.H5P_STATEMENT_MAX_BYTES


def test_private_root_is_never_named_in_the_site(tmp_path):
    text = render.render(values(tmp_path), upstreams=["10.0.0.1:8000"])
    assert str(tmp_path / "private") not in text
    assert f"alias {tmp_path / 'media'}/;" in text


# --- nginx: the real thing --------------------------------------------------------


def self_signed(folder, host):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / f"{host}.crt", folder / f"{host}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


def nginx_test(conf, folder):
    return subprocess.run(  # noqa: S603
        [NGINX, "-t", "-c", str(conf), "-e", str(folder / "error.log")],
        capture_output=True,
        text=True,
        check=False,
    )


@needs_nginx
def test_tls_site_is_valid_in_debians_nginx_conf(tmp_path):
    """The production rendering (TLS, redirects) inside the distribution's own
    nginx.conf, whose http block already sets gzip and includes sites-enabled."""
    cert, key = self_signed(tmp_path, "shouwang.example.cn")
    content_cert, content_key = self_signed(tmp_path, "h5p.example.cn")
    site = render.render(
        values(tmp_path),
        upstreams=["10.0.0.11:8000", "10.0.0.12:8000"],
        tls={
            "cert": cert,
            "key": key,
            "content_cert": content_cert,
            "content_key": content_key,
        },
    )
    (tmp_path / "shouwang.conf").write_text(site)
    debian = Path("/etc/nginx/nginx.conf")
    if debian.exists():
        main = debian.read_text()
        main = re.sub(r"include /etc/nginx/sites-enabled/\*;", "", main)
        main = re.sub(r"^(\s*)(error_log|access_log) [^;]+;", "", main, flags=re.M)
        main = re.sub(r"^pid [^;]+;", f"pid {tmp_path}/nginx.pid;", main, flags=re.M)
        main = main.replace(
            "http {",
            f"http {{\n\tinclude {tmp_path}/shouwang.conf;\n"
            f"\taccess_log {tmp_path}/access.log;\n"
            + "".join(
                f"\t{kind}_temp_path {tmp_path}/{kind};\n"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            ),
            1,
        )
    else:
        main = render.standalone(site, tmp_path)
    conf = tmp_path / "nginx.conf"
    conf.write_text(main)
    result = nginx_test(conf, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@needs_nginx
def test_standalone_rendering_is_valid(tmp_path):
    site = render.render(
        values(tmp_path), upstreams=["127.0.0.1:1"], listen="127.0.0.1:1"
    )
    conf = tmp_path / "nginx.conf"
    conf.write_text(render.standalone(site, tmp_path / "run"))
    result = nginx_test(conf, tmp_path)
    assert result.returncode == 0, result.stderr


def free_ports(count):
    first, last = (int(p) for p in PORT_RANGE.split("-"))
    found = []
    for port in range(first, last + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    pytest.skip(f"no {count} free ports in {PORT_RANGE} (SHOUWANG_TEST_PORTS)")


class Echo(BaseHTTPRequestHandler):
    """The app server's stand-in: answers what it was sent."""

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        received = self.rfile.read(length) if length else b""
        body = json.dumps(
            {
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "received": len(received),
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


def raw(port, request, timeout=10):
    """Send ``request`` bytes; (status or None, headers text, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    if not data:
        return None, "", b""
    head, _, body = data.partition(b"\r\n\r\n")
    text = head.decode("latin-1")
    return int(text.split()[1]), text.lower(), body


def get(port, path, host, headers=""):
    head = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n"
    return raw(port, (head + "\r\n").encode())


@pytest.fixture
def nginx_site(tmp_path):
    """nginx on a free port in front of an echo server, the site on 127.0.0.1
    and the content host on localhost, roots in tmp_path."""
    nginx_port, app_port = free_ports(2)
    app = ThreadingHTTPServer(("127.0.0.1", app_port), Echo)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    for sub in ("static/js", "media/h5p/abc", "media/documents", "private/photos"):
        (tmp_path / sub).mkdir(parents=True)
    tmp_path.chmod(0o755)
    (tmp_path / "static" / "js" / "app.js").write_text("var x = 1;\n" * 400)
    (tmp_path / "media" / "logo.png").write_bytes(b"\x89PNG fake")
    (tmp_path / "media" / "h5p" / "abc" / "h5p.json").write_text("{}")
    (tmp_path / "media" / "documents" / "secret.pdf").write_bytes(b"%PDF")
    (tmp_path / "private" / "photos" / "face.jpg").write_bytes(b"JPEG")
    limits = render.body_limits(
        h5p_upload=3 * render.MIB, statement=4096, forms=[render.MIB]
    )
    site = render.render(
        values(
            tmp_path,
            site_url=f"http://127.0.0.1:{nginx_port}",
            content_url=f"http://localhost:{nginx_port}",
            limits=limits,
        ),
        upstreams=[f"127.0.0.1:{app_port}"],
        listen=f"127.0.0.1:{nginx_port}",
    )
    conf = tmp_path / "nginx.conf"
    conf.write_text(render.standalone(site, tmp_path / "run"))
    proc = subprocess.Popen(  # noqa: S603
        [NGINX, "-c", str(conf), "-e", str(tmp_path / "error.log")]
        + ["-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", nginx_port), 1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield {"port": nginx_port, "limits": limits, "root": tmp_path}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        app.shutdown()
        app.server_close()


@needs_nginx
def test_nginx_serves_static_and_media_but_no_package_document_or_photo(nginx_site):
    port = nginx_site["port"]
    site, content = f"127.0.0.1:{port}", f"localhost:{port}"
    status, headers, body = get(
        port, "/static/js/app.js", site, "Accept-Encoding: gzip\r\n"
    )
    assert status == 200
    assert "content-encoding: gzip" in headers  # compressed, served by nginx
    assert "x-content-type-options: nosniff" in headers
    status, headers, body = get(port, "/media/logo.png", site)
    assert (status, body) == (200, b"\x89PNG fake")
    assert "sandbox" in headers  # an upload never runs on the site's origin
    for path in (
        "/media/h5p/abc/h5p.json",  # package files: only on the content host
        "/media/documents/secret.pdf",  # Wagtail's view checks privacy
        "/media/../private/photos/face.jpg",
        "/media/%2e%2e/private/photos/face.jpg",
        "/private/photos/face.jpg",
    ):
        status, _h, body = get(port, path, site)
        assert status != 200 or b"JPEG" not in body, path
        assert body not in (b"{}", b"%PDF", b"JPEG"), path
    # The content host: the player and package files go to the app, static files
    # are served, the site's pages are not.
    assert get(port, "/static/js/app.js", content)[0] == 200
    status, _h, body = get(port, "/h5p/play/abc/", content)
    assert status == 200
    assert json.loads(body)["path"] == "/h5p/play/abc/"
    assert get(port, "/people/", content)[0] == 404
    # A host name that is not ours never reaches the app.
    assert get(port, "/", "evil.example")[0] is None


@needs_nginx
def test_nginx_tells_the_app_the_client_and_the_scheme(nginx_site):
    port = nginx_site["port"]
    status, _h, body = get(
        port,
        "/c/abc",
        f"127.0.0.1:{port}",
        "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\n",
    )
    assert status == 200
    seen = json.loads(body)["headers"]
    # Appended, so that the app takes the right-most untrusted address
    # (lms/core/proxy.py); the scheme is nginx's, not what the client claimed.
    assert seen["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"
    assert seen["x-forwarded-proto"] == "http"
    assert seen["host"] == f"127.0.0.1:{port}"


@needs_nginx
def test_nginx_body_limits_by_location(nginx_site):
    port, limits = nginx_site["port"], nginx_site["limits"]
    host = f"127.0.0.1:{port}"

    def post(path, size):
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {size}\r\n"
            "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
        )
        return raw(port, head.encode() + b"x" * size, timeout=30)

    over = limits["default"] + 1
    assert post("/c/abc", over)[0] == 413
    # The admin takes H5P packages: the same body passes there.
    status, _h, body = post("/admin/h5p/add/", over)
    assert status == 200
    assert json.loads(body)["received"] == over
    assert post("/admin/h5p/add/", limits["admin"] + 1)[0] == 413
    assert post("/h5p/statements/", limits["statement"] + 1)[0] == 413
    assert post("/h5p/statements/", limits["statement"])[0] == 200


# --- the cluster check's phone ----------------------------------------------------


def load_client():
    spec = importlib.util.spec_from_file_location(
        "shouwang_cluster_client", ROOT / "scripts" / "cluster_client.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHECKIN_PAGE = b"""<html><body>
<form method="get" action="/search/"><input name="q" value="x"></form>
<form method="post" id="checkin-form">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok&amp;en">
  <input type="hidden" name="scan" value="stamp-1">
  <input type="checkbox" name="consent" value="yes">
  <input type="checkbox" name="remember" value="on" checked>
  <button type="submit" name="go">Check in</button>
</form></body></html>"""


def test_phone_posts_back_every_field_of_the_checkin_form():
    """Whatever the form holds (the stamp in a field or not), it goes back as a
    browser would send it: hidden fields, checked boxes, entities decoded."""
    form = load_client().page_form(CHECKIN_PAGE, "checkin-form")
    assert form["fields"] == [
        ("csrfmiddlewaretoken", "tok&en"),
        ("scan", "stamp-1"),
        ("remember", "on"),
    ]


def test_phone_retries_a_failed_post_with_the_same_stamp(monkeypatch):
    """A page cut off half-way is loaded again; a 502 (an app server killed
    mid-request) and a dropped connection are retried with the same fields, as
    static/js/checkin.js retries."""
    import asyncio

    client = load_client()
    monkeypatch.setattr(client, "RETRY_SECONDS", [0])
    (port,) = free_ports(1)
    posts, gets = [], []

    async def serve(reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
        body = await reader.readexactly(length) if length else b""
        if head.startswith(b"GET"):
            gets.append(head)
            answer = b"HTTP/1.1 200 OK\r\nSet-Cookie: csrftoken=c1; Path=/\r\n"
            if len(gets) == 1:  # the server dies half-way through the page
                answer += b"Content-Length: 99999\r\n"
            answer += b"Content-Type: text/html\r\n\r\n" + CHECKIN_PAGE
        else:
            posts.append((body, re.search(rb"Cookie: ([^\r]*)", head).group(1)))
            if len(posts) == 1:
                answer = b"HTTP/1.1 502 Bad Gateway\r\n\r\n"
            elif len(posts) == 2:
                answer = b""  # the connection drops
            else:
                answer = (
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n"
                    b'{"ok": true, "html": "<p>ok</p>"}'
                )
        writer.write(answer)
        await writer.drain()
        writer.close()

    async def scenario():
        server = await asyncio.start_server(serve, "127.0.0.1", port)
        async with server:
            phone = client.Phone(session="s1")
            await phone.scan("/c/abc", port)
            return phone

    # In a thread of its own: in a whole run, the browser tests leave an event
    # loop running in this one.
    done = []
    runner = threading.Thread(target=lambda: done.append(asyncio.run(scenario())))
    runner.start()
    runner.join(60)
    (phone,) = done
    assert phone.ok
    assert len(gets) == 2
    assert phone.retries == 3
    bodies = {body for body, _cookie in posts}
    assert bodies == {b"csrfmiddlewaretoken=tok%26en&scan=stamp-1&remember=on"}
    assert all(cookie == b"sessionid=s1; csrftoken=c1" for _b, cookie in posts)
