"""Page weight as a phone on a first visit pays it: every response the page and
its frames (the H5P player on its own origin included) receive, counted as the
bytes that crossed the network (compressed bodies), with an empty cache.

``first_visit(browser, live_server, storage_state, path)`` opens ``path`` in a
fresh context (the trainee's cookies, nothing cached) and returns a ``Visit``:
the page, its requests and their body sizes."""

from dataclasses import dataclass, field

from tests.e2e.conftest import CHROMIUM_ARGS, CHROMIUM_PATH, PHONE_USER_AGENT

BUDGET_BYTES = 300 * 1024
# DESIGN's 3G profile: 300 ms latency, 1.6 Mbit/s down.
THREE_G = {
    "offline": False,
    "latency": 300,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
# Chromium runs a frame of another site in a process of its own, out of reach of
# the page's network emulation; in one process every frame is throttled alike.
ONE_PROCESS_ARGS = [
    *CHROMIUM_ARGS,
    "--disable-site-isolation-trials",
    "--disable-features=IsolateOrigins,site-per-process",
]


@dataclass
class Visit:
    page: object
    sizes: dict = field(default_factory=dict)  # url -> body bytes on the wire

    @property
    def total(self):
        return sum(self.sizes.values())

    def table(self):
        rows = sorted(self.sizes.items(), key=lambda item: -item[1])
        lines = [f"{size:>8} {url}" for url, size in rows]
        lines.append(f"{self.total:>8} total in {len(self.sizes)} requests")
        return "\n".join(lines)


def phone_context(browser, live_server, storage_state=None):
    return browser.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 780},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        user_agent=PHONE_USER_AGENT,
        storage_state=storage_state,
        # A service worker's own requests would not be counted: none here.
        service_workers="block",
    )


def count_bytes(context):
    """Start counting every finished response of ``context``'s pages and frames."""
    visit = Visit(page=None)

    def finished(request):
        sizes = request.sizes()
        # A second read of the same file from the memory cache reports a
        # negative size: it cost nothing.
        body = max(0, sizes["responseBodySize"])
        visit.sizes[request.url] = visit.sizes.get(request.url, 0) + body

    context.on("requestfinished", finished)
    return visit


def serve_static_as_in_production(monkeypatch):
    """The live server's static handler (pytest-django's StaticFilesHandler) sends
    static files whole, before any middleware; production's WhiteNoise sends
    them compressed. Let the request through to the site's own stack instead,
    where WhiteNoise finds the file and the compression middleware
    (cms/compression.py) gzips it, as a phone would receive it."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    monkeypatch.setattr(StaticFilesHandler, "_should_handle", lambda self, path: False)


def one_process_browser(browser):
    return browser.browser_type.launch(
        executable_path=CHROMIUM_PATH, headless=True, args=ONE_PROCESS_ARGS
    )


def throttle(page):
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", THREE_G)
    return session
