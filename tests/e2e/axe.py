"""axe-core in the browser tests: ``serious_violations(page)`` runs the vendored
axe-core (tests/e2e/vendor/axe-core, see its VERSION.md) in the page and in
every frame in it, each checked as a document of its own (so that a frame's
own title counts, as in the H5P player and the frame H5P draws inside it), and
returns the serious and critical violations as readable lines; a test asserts
there are none.

Injected with ``evaluate``, not a ``<script>`` tag: DevTools evaluation is not
subject to the site's Content-Security-Policy (nor to the H5P frame's), so the
pages are checked exactly as they are served. Each frame is run on its own
rather than through axe's frame messaging, which by default ignores frames of
another origin (the H5P player's)."""

from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# WCAG 2.x A and AA rules and axe's best practices: what the reviewer ran.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

RUN = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    iframes: false,
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => [n.target.join(" > "), n.failureSummary]),
  }));
}"""


@cache
def _source():
    return AXE_JS.read_text(encoding="utf-8")


def violations(page):
    """Every violation axe finds in ``page`` and its frames (already loaded), each
    with the ``frame`` (its URL; "" for the page itself) it is in."""
    page.wait_for_load_state("load")
    found = []
    for frame in page.frames:
        if frame.is_detached():
            continue
        frame.evaluate(_source())
        where = "" if frame == page.main_frame else frame.url
        found += [{**v, "frame": where} for v in frame.evaluate(RUN, TAGS)]
    return found


def serious_violations(page):
    """The serious and critical ones, one readable line per element."""
    return [
        f"{v['impact']} {v['id']} ({v['help']}): "
        f"{v['frame'] + ' ' if v['frame'] else ''}{target} — {summary}"
        for v in violations(page)
        if v["impact"] in BLOCKING
        for target, summary in v["nodes"]
    ]
