"""Render the nginx site for Shouwang from shouwang.conf.template and the settings.

Run it on the web machine with the app's environment loaded, so that the paths,
host names and body limits nginx uses are the ones the app uses:

    set -a; . /etc/shouwang/shouwang.env; set +a
    .venv/bin/python deploy/nginx/render.py --upstream 10.0.0.11:8000 \\
        --upstream 10.0.0.12:8000 > /etc/nginx/sites-available/shouwang.conf

The site's host comes from SITE_BASE_URL, the H5P content host from
H5P_CONTENT_ORIGIN; https origins get TLS (certificate paths are placeholders
unless --tls-cert/--tls-key/--content-tls-cert/--content-tls-key say otherwise)
and a port 80 server that redirects. ``--listen 127.0.0.1:8161`` serves plain HTTP
on that address instead (the cluster check). ``--standalone DIR`` wraps the site
in a whole nginx.conf whose pid, logs and temporary files are in DIR, for
``nginx -t -c`` and for the cluster check. It refuses a PRIVATE_MEDIA_ROOT inside
MEDIA_ROOT or STATIC_ROOT: nginx would then serve the ID photos.
"""

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TEMPLATE = HERE / "shouwang.conf.template"
MIB = 1024 * 1024
# Room for the multipart envelope and the other form fields around an upload.
FORM_MARGIN = MIB
PLACEHOLDER_TLS = {
    "cert": "/etc/ssl/shouwang/{host}.crt",
    "key": "/etc/ssl/shouwang/{host}.key",
}


class RenderError(ValueError):
    pass


def settings_values():
    """What nginx needs from the Django settings (DJANGO_SETTINGS_MODULE)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")
    import django

    django.setup()
    from django.conf import settings

    from lms.h5p.views import BODY_OVERHEAD_BYTES
    from lms.quizzes.services.imports import MAX_BYTES as QUIZ_IMPORT_MAX_BYTES

    return {
        "site_url": settings.WAGTAILADMIN_BASE_URL,
        "content_url": settings.H5P_CONTENT_ORIGIN,
        "static_root": Path(settings.STATIC_ROOT),
        "media_root": Path(settings.MEDIA_ROOT),
        "private_root": Path(settings.PRIVATE_MEDIA_ROOT),
        "limits": body_limits(
            h5p_upload=settings.H5P_MAX_UPLOAD_BYTES,
            statement=settings.H5P_STATEMENT_MAX_BYTES + BODY_OVERHEAD_BYTES,
            forms=[
                settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
                settings.PEOPLE_IMPORT_MAX_BYTES,
                QUIZ_IMPORT_MAX_BYTES,
            ],
        ),
    }


def body_limits(*, h5p_upload, statement, forms):
    """client_max_body_size in bytes: each a margin above the app's own limit."""
    default = max(forms) + FORM_MARGIN
    return {
        "default": default,
        "admin": max(default, h5p_upload + FORM_MARGIN),
        # Twice the app's limit: the app refuses with its JSON answer first.
        "statement": 2 * statement,
    }


def nginx_size(n):
    """Bytes as nginx reads a size, rounded up to k or m."""
    if n % MIB == 0:
        return f"{n // MIB}m"
    return f"{-(-n // 1024)}k"


def _inside(path, folder):
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def check_private(private_root, media_root, static_root):
    for name, folder in (("MEDIA_ROOT", media_root), ("STATIC_ROOT", static_root)):
        if _inside(private_root, folder):
            raise RenderError(
                f"PRIVATE_MEDIA_ROOT ({private_root}) is inside {name} ({folder}): "
                "nginx would serve the ID photos. Move it outside."
            )


def _indent(text, spaces=4):
    pad = " " * spaces
    return "\n".join(pad + line if line else line for line in text.splitlines())


def proxy_block(forwarded_proto):
    return _indent(
        f"""# What the app is told about the request. X-Forwarded-For gets the client's
# address appended; the app believes it only from TRUSTED_PROXIES, taking the
# right-most address that is not a trusted proxy (lms/core/proxy.py), so a client
# cannot forge its own. X-Forwarded-Proto replaces whatever the client sent
# (SECURE_PROXY_SSL_HEADER in production.py).
proxy_set_header Host $http_host;
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
proxy_set_header X-Forwarded-Proto {forwarded_proto};
proxy_set_header X-Real-IP $remote_addr;
proxy_redirect off;
proxy_connect_timeout 2s;
proxy_read_timeout 60s;
# A server that refuses the connection or does not answer in time: try the
# other one (never for a POST already sent; see the upstream block).
proxy_next_upstream error timeout;
proxy_next_upstream_tries 2;
proxy_next_upstream_timeout 10s;"""
    )


# In each server, not at http level: Debian's nginx.conf already says "gzip on;"
# there, and a second one would be refused as a duplicate.
GZIP = _indent(
    """# Compressed on the way out: Django's pages and JSON (gzip_proxied) and static
# files collectstatic did not compress already (gzip_static). Django masks its
# CSRF token in every response, so compressing pages that hold it leaks nothing
# (BREACH).
gzip on;
gzip_vary on;
gzip_proxied any;
gzip_comp_level 5;
gzip_min_length 1024;
gzip_types text/css text/plain text/csv application/javascript application/json
    application/xml image/svg+xml application/manifest+json;"""
)


def tls_block(cert, key):
    return _indent(
        f"""ssl_certificate {cert};
ssl_certificate_key {key};
ssl_protocols TLSv1.2 TLSv1.3;
ssl_session_cache shared:shouwang_tls:10m;
ssl_session_timeout 1d;"""
    )


def render(
    values,
    *,
    upstreams,
    listen=None,
    tls=None,
    forwarded_proto="$scheme",
):
    """The site's nginx configuration (http context) as text."""
    check_private(values["private_root"], values["media_root"], values["static_root"])
    if not upstreams:
        raise RenderError("at least one --upstream host:port is needed")
    site, content = urlsplit(values["site_url"]), urlsplit(values["content_url"])
    if site.hostname == content.hostname:
        raise RenderError(
            "H5P_CONTENT_ORIGIN needs its own host name: nginx tells the site and "
            "the content apart by name (docs/h5p.md)."
        )
    secure = listen is None and site.scheme == "https"
    if listen is None and not secure:
        raise RenderError(
            "SITE_BASE_URL is not https: give --listen ADDRESS:PORT to serve plain "
            "HTTP on purpose"
        )
    tls = tls or {}
    redirects = ""
    if secure:
        listen = "443 ssl http2"
        tls_text = tls_block(
            tls.get("cert") or PLACEHOLDER_TLS["cert"].format(host=site.hostname),
            tls.get("key") or PLACEHOLDER_TLS["key"].format(host=site.hostname),
        )
        redirects = (
            "\n# Plain HTTP only redirects to https.\nserver {\n    listen 80;\n"
            f"    server_name {site.hostname} {content.hostname};\n"
            "    return 301 https://$host$request_uri;\n}\n"
        )
    else:
        tls_text = ""
    content_tls = tls_text
    if secure:
        content_tls = tls_block(
            tls.get("content_cert")
            or PLACEHOLDER_TLS["cert"].format(host=content.hostname),
            tls.get("content_key")
            or PLACEHOLDER_TLS["key"].format(host=content.hostname),
        )
    limits = values["limits"]
    fills = {
        "UPSTREAM_SERVERS": "\n".join(
            f"    server {u} max_fails=1 fail_timeout=5s;" for u in upstreams
        ),
        "LISTEN": listen,
        "REDIRECT_SERVERS": redirects,
        "SITE_NAME": site.hostname,
        "CONTENT_NAME": content.hostname,
        "STATIC_ROOT": str(values["static_root"]).rstrip("/"),
        "MEDIA_ROOT": str(values["media_root"]).rstrip("/"),
        "BODY_DEFAULT": nginx_size(limits["default"]),
        "BODY_ADMIN": nginx_size(limits["admin"]),
        "BODY_STATEMENT": nginx_size(limits["statement"]),
        "PROXY": proxy_block(forwarded_proto),
        "GZIP": GZIP,
    }
    text = TEMPLATE.read_text()
    # The content server gets its own certificate: its @@TLS@@ is the last one.
    head, sep, tail = text.rpartition("@@TLS@@")
    text = head.replace("@@TLS@@", tls_text) + (content_tls if sep else "") + tail
    for name, value in fills.items():
        text = text.replace(f"@@{name}@@", value)
    if "@@" in text.replace("@@NAME@@", ""):
        raise RenderError("a placeholder was left unfilled")
    return text


def standalone(site_text, folder):
    """A whole nginx.conf around the site, everything nginx writes in ``folder``."""
    folder = Path(folder)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    mime = Path("/etc/nginx/mime.types")
    # As root nginx hands its workers to "nobody", who could not read a private
    # temporary folder: the workers of this throw-away copy keep our user.
    user = ""
    if os.geteuid() == 0:
        import pwd

        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n"
    return f"""# Stand-alone copy for checks (render.py --standalone), not production.
{user}worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    {f"include {mime};" if mime.exists() else ""}
    default_type application/octet-stream;
    sendfile on;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{_indent(site_text)}
}}
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", action="append", default=[], metavar="HOST:PORT")
    parser.add_argument("--listen", help="plain HTTP on this address (no TLS)")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--content-tls-cert")
    parser.add_argument("--content-tls-key")
    parser.add_argument(
        "--tls-terminated-in-front",
        action="store_true",
        help="a load balancer in front terminates TLS: tell the app https",
    )
    parser.add_argument("--standalone", metavar="DIR")
    args = parser.parse_args(argv)
    try:
        text = render(
            settings_values(),
            upstreams=args.upstream,
            listen=args.listen,
            tls={
                "cert": args.tls_cert,
                "key": args.tls_key,
                "content_cert": args.content_tls_cert,
                "content_key": args.content_tls_key,
            },
            forwarded_proto="https" if args.tls_terminated_in_front else "$scheme",
        )
    except RenderError as error:
        sys.exit(f"render.py: {error}")
    if args.standalone:
        text = standalone(text, args.standalone)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
