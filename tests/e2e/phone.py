"""What a 360 px phone needs of every trainee page, measured in the browser:
nothing wider than the screen, and every target a finger hits on its own at
least 44x44 px (DESIGN; links inside running text are exempt, as in WCAG 2.5.8:
they are read, not aimed at)."""

MIN_TARGET = 44

SMALL_TARGETS = """(min) => {
  const inRunningText = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    const parent = el.parentElement;
    const text = [...parent.childNodes]
      .filter((node) => node !== el)
      .map((node) => node.textContent)
      .join("")
      .trim();
    return text.length > 0;
  };
  const small = [];
  const targets = document.querySelectorAll(
    "a[href], button, summary, select, textarea, [role=button], " +
      "input:not([type=hidden])"
  );
  for (let el of targets) {
    if (el.closest("[hidden]") || inRunningText(el)) continue;
    // A box or radio inside its label: the label is what the finger hits.
    if (el.matches("input[type=checkbox], input[type=radio]") && el.closest("label")) {
      el = el.closest("label");
    }
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;  // not shown
    if (box.right < 0 || box.bottom < 0) continue;  // parked off screen (skip link)
    if (box.width < min - 0.5 || box.height < min - 0.5) {
      const name = (el.innerText || el.value || el.getAttribute("aria-label") || "")
        .trim()
        .slice(0, 40);
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${el.tagName.toLowerCase()} "${name}" ${size}`);
    }
  }
  return small;
}"""


def small_targets(frame):
    """Targets smaller than 44x44 px in ``frame`` (a page or a frame)."""
    return frame.evaluate(SMALL_TARGETS, MIN_TARGET)


def width(page):
    """How wide the page is laid out, in CSS px (the screen's width when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth")
