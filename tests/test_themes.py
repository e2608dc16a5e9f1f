"""Readable in every popular theme, light and dark: contrast measured in Chromium.

One small project showing everything the extension writes (cards with an
invalid value, badges, links, an in-card table, aggregate tables, the matrix
and the report) is built once per theme; one headless Chromium opens it in
each colour mode the theme has and measures, from computed styles, the WCAG
contrast of every piece of text inside our elements against the background
really behind it.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BASE_CONF, build, write_project

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium is not installed at /usr/bin/chromium"),
    pytest.mark.skipif(
        not Path(CHROMEDRIVER).exists(), reason="chromedriver (Debian chromium-driver) is not installed"
    ),
    pytest.mark.skipif(importlib.util.find_spec("selenium") is None, reason="selenium is not installed (test extra)"),
]

#: WCAG 2.x AA for normal text
AA = 4.5

#: theme -> how a reader switches it to dark (None: no dark mode). Each theme is
#: opened with the system in light and dark mode (``prefers-color-scheme``); a
#: theme with its own switch is also opened switched against the system.
THEMES: dict[str, str | None] = {
    "alabaster": None,
    "sphinx_rtd_theme": None,
    "furo": "body",  # <body data-theme="light|dark|auto">
    "pydata_sphinx_theme": "html",  # <html data-theme="light|dark" data-mode="...">
    "sphinx_book_theme": "html",
}

FILES = {
    "index.rst": """
    Shop
    ====

    Every kind of thing the extension writes, on one page.

    .. rst-class:: theme-sample

    The theme's own text, with `the theme's own link <https://www.sphinx-doc.org/>`_.

    .. prd:: PRD-SHOP
       :title: Shop
       :version: 2.0
       :status: approved

    .. requirement:: REQ-1
       :prd: PRD-SHOP
       :priority: must

       Buyers can pay.

    .. requirement:: REQ-2
       :prd: PRD-SHOP
       :priority: should

       Nobody has specified this yet.

    .. prd:: PRD-LATER
       :title: Later

    .. requirement:: REQ-3
       :prd: PRD-LATER

       Nothing covers this yet: its bar in the report's chart is the danger colour.

    .. adr:: ADR-1
       :title: Use PostgreSQL
       :status: accepted

    .. adr:: ADR-2
       :title: Nothing cites this
       :status: proposed

    .. spec:: SPEC-SHOP
       :title: Shop checkout
       :version: 1.0
       :status: current
       :prd: PRD-SHOP@1.0
       :adrs: ADR-1

    .. component:: checkout-api
       :framework: Django
       :depends-on: orders-db, ghost-service, search-service, email-service, recommendation-engine, warehouse-adapter
       :satisfies: REQ-1
       :decided-by: ADR-1

       Takes orders.

    .. component:: orders-db
       :framework: PostgreSQL
       :depends-on: stock-service

    .. component:: stock-service
       :framework: Go
       :depends-on: checkout-api

       Closes a dependency cycle, drawn in the danger colour.

    .. component:: search-service
       :framework: Elasticsearch 8

    .. component:: email-service
       :framework: Amazon SES

    .. component:: recommendation-engine
       :framework: PyTorch

    .. component:: warehouse-adapter
       :framework: Kotlin

    .. slo:: checkout-availability
       :sli: availability
       :target: 99.9%
       :window: soon
       :component: checkout-api

    .. slo:: checkout-latency
       :sli: latency
       :target: p95 < 400ms
       :window: 30d
       :component: checkout-api

    .. slo:: orders-durability
       :sli: durability
       :target: 99.5%
       :window: 30d
       :component: orders-db

    .. data-schema:: Order

       id: UUID
       total: Decimal = 0

    Tables
    ------

    .. techspec-table:: component

    .. techspec-table:: slo

    .. techspec-table:: benchmark

    Matrix
    ------

    .. traceability-matrix::

    .. traceability-matrix::
       :rows: spec

    Report
    ------

    .. traceability-report::

    Topology
    --------

    .. topology::

    SLO chart
    ---------

    .. slo-chart::

    Summary
    -------

    .. spec-summary:: SPEC-SHOP
    """,
}

#: the elements the extension writes; every text node inside them is measured
OURS = ", ".join(
    [
        ".techspec-card",
        "table.techspec-table",
        ".techspec-report",
        ".techspec-empty",
        ".techspec-topology-text",
        ".techspec-summary-section",
    ]
)

#: a measured text's selector contains each of these somewhere on the page
KINDS_OF_TEXT = [
    "span.techspec-kind",
    "strong.techspec-id",
    "span.techspec-spec-badge",
    "span.techspec-invalid",
    "dt.field-odd",
    "table.techspec-table",
    "table.techspec-matrix",
    "div.techspec-report",
    "p.techspec-empty",
    "p.techspec-summary-section",
]

#: secondary text (the dot before a card's spec, an empty aggregate's note), in
#: the theme's own secondary colour where it has one: held to AA, not to the
#: theme's primary text and links
SECONDARY = ("span.techspec-spec-badge", "p.techspec-empty")

#: runs in the page: [{selector, text, ratio, fg, bg}] for every visible text node in OURS
MEASURE = r"""
const ours = arguments[0];
const canvas = document.createElement("canvas");
canvas.width = canvas.height = 1;
const ctx = canvas.getContext("2d", {willReadFrequently: true});
// any CSS colour (rgb(), color(srgb ...), oklch(), color-mix() results) as [r, g, b, a] in 0..1
function rgba(css) {
  ctx.clearRect(0, 0, 1, 1);
  ctx.fillStyle = "#000";
  ctx.fillStyle = css;
  ctx.fillRect(0, 0, 1, 1);
  const d = ctx.getImageData(0, 0, 1, 1).data;
  return [d[0] / 255, d[1] / 255, d[2] / 255, d[3] / 255];
}
function over(top, below) {  // alpha compositing, `below` opaque
  const a = top[3];
  return [0, 1, 2].map(i => top[i] * a + below[i] * (1 - a)).concat([1]);
}
function background(el) {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c[3] > 0) layers.push(c);
    if (c[3] >= 1) break;
  }
  // the canvas behind everything: white unless the page is opaque somewhere
  let bg = [1, 1, 1, 1];
  for (const layer of layers.reverse()) bg = over(layer, bg);
  return bg;
}
function luminance(c) {
  const lin = c.slice(0, 3).map(v => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}
function ratio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
function name(e) {
  const cls = [...e.classList].filter(c => c.startsWith("techspec") || ["reference", "head", "field-odd", "field-even"].includes(c));
  return e.tagName.toLowerCase() + cls.map(c => "." + c).join("");
}
// the element's nearest ancestors, under the outermost element of ours it is in
function selector(el, root) {
  const parts = [];
  let e = el;
  for (; e && parts.length < 4; e = e.parentElement) {
    parts.unshift(name(e));
    if (e === root) return parts.join(" > ");
  }
  return name(root) + " … " + parts.join(" > ");
}
function hex(c) { return "#" + c.slice(0, 3).map(v => Math.round(v * 255).toString(16).padStart(2, "0")).join(""); }
const out = [];
for (const root of document.querySelectorAll(ours)) {
  if (root.parentElement && root.parentElement.closest(ours)) continue;  // measured with its outer element
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== "visible" || el.getClientRects().length === 0) continue;
    const bg = background(el);
    // SVG text (the report's chart) is painted with its fill
    const paint = el.closest("svg") && style.fill.startsWith("rgb") ? style.fill : style.color;
    const fg = over(rgba(paint), bg);
    out.push({selector: selector(el, root), text: text.slice(0, 40), ratio: ratio(fg, bg), fg: hex(fg), bg: hex(bg)});
  }
}
return out;
"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One build of the project per theme (themes that are not installed are left out)."""
    tmp = tmp_path_factory.mktemp("themes")
    conf = BASE_CONF + (
        # the invalid value and the report's findings are on purpose
        'suppress_warnings = ["myst.header", "techspec"]\n'
    )
    out = {}
    for theme in THEMES:
        if theme != "alabaster" and importlib.util.find_spec(theme) is None:
            continue
        src = write_project(tmp / theme, FILES, conf)
        result = build(src, html_theme=theme)
        assert "Traceback" not in result.warnings, result.warnings
        out[theme] = result.outdir / "index.html"
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for every page of the module."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def views() -> Iterator[tuple[str, str, str | None]]:
    """(theme, system colour scheme, the theme's own switch or None)."""
    for theme, switch in THEMES.items():
        yield theme, "light", None
        yield theme, "dark", None
        if switch:
            # the reader's choice in the theme's switch wins over the system's
            yield theme, "light", "dark"
            yield theme, "dark", "light"


def open_view(driver: Any, page: Path, theme: str, system: str, choice: str | None) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": system}]}
    )
    driver.get(page.as_uri())
    if choice:
        where = "document.body" if THEMES[theme] == "body" else "document.documentElement"
        driver.execute_script(f"{where}.dataset.theme = arguments[0]; {where}.dataset.mode = arguments[0];", choice)


def test_every_text_we_write_has_aa_contrast(sites: dict[str, Path], browser: Any) -> None:
    assert {"alabaster", "furo", "pydata_sphinx_theme"} <= sites.keys(), "the themes are in the test extra"
    failures: dict[tuple[str, str], dict[str, Any]] = {}
    measured: dict[str, int] = {}
    wrong_mode: list[str] = []
    dark_pages = 0
    for theme, system, choice in views():
        if theme not in sites:
            continue
        view = f"{theme} system={system}" + (f" switch={choice}" if choice else "")
        open_view(browser, sites[theme], theme, system, choice)
        samples = browser.execute_script(MEASURE, OURS)
        measured[view] = len(samples)
        theirs = min(g["ratio"] for g in browser.execute_script(GRAPHICS) if g["kind"].startswith("theme"))
        # every kind of thing we write was found and measured
        for part in KINDS_OF_TEXT:
            assert any(part in s["selector"] for s in samples), f"{view}: nothing measured in {part}"
        # the page really is in the mode we asked for: the card's background follows it
        card_ids = [s for s in samples if s["selector"].endswith("strong.techspec-id")]
        assert len(card_ids) >= 8, view
        dark = {sum(int(s["bg"][i : i + 2], 16) for i in (1, 3, 5)) < 3 * 0x80 for s in card_ids}
        # dark only where the theme has a dark mode and it is on
        expected_dark = (choice or system) == "dark" and THEMES[theme] is not None
        if dark != {expected_dark}:
            wrong_mode.append(f"{view}: card backgrounds {sorted({s['bg'] for s in card_ids})}")
        dark_pages += expected_dark
        for sample in samples:
            # no lower than the theme's own least contrasted text (body text or
            # link) where that passes AA; secondary text is held to AA
            secondary = sample["selector"].endswith(SECONDARY)
            floor = theirs if theirs >= AA and not secondary else AA
            if sample["ratio"] < floor - 0.005:
                sample = {**sample, "floor": floor}
                key = (view, sample["selector"])
                if key not in failures or sample["ratio"] < failures[key]["ratio"]:
                    failures[key] = sample
    # every view measured the whole page: cards, tables, matrix, report
    assert measured and min(measured.values()) >= 150, measured
    assert dark_pages >= 6, "the dark views were not dark"
    worst = sorted(failures.items(), key=lambda kv: kv[1]["ratio"])
    report = "\n".join(
        f"  {s['ratio']:.2f}:1 < {s['floor']:.2f}:1  {view}  {sel}  {s['fg']} on {s['bg']}  {s['text']!r}"
        for (view, sel), s in worst[:80]
    )
    assert not failures, f"{len(failures)} (view, selector) pairs below the bar, worst first:\n{report}"
    # the cards are dark exactly where the page is: no light card on a dark page, nor the reverse
    assert not wrong_mode, wrong_mode


PRINT = r"""
const card = document.querySelector("div.techspec-card");
const table = document.querySelector("table.techspec-table");
return {
  cardBreak: getComputedStyle(card).breakInside,
  cardColor: getComputedStyle(card).color,
  tableWidth: table.getBoundingClientRect().width,
  roomWidth: (p => p.clientWidth - parseFloat(getComputedStyle(p).paddingLeft) - parseFloat(getComputedStyle(p).paddingRight))(table.parentElement),
  headGroup: getComputedStyle(table.tHead).display,
  // the topology picture, drawn wider than the page, is scaled into it
  topologyDrawn: parseFloat(document.querySelector("svg.techspec-topology").getAttribute("width")),
  topologyWidth: document.querySelector("svg.techspec-topology").getBoundingClientRect().width,
  topologyRoom: document.querySelector("div.techspec-topology-figure").clientWidth,
};
"""


@pytest.mark.parametrize("theme", ["alabaster", "furo"])
def test_print_keeps_cards_whole_and_tables_in_the_page(sites: dict[str, Path], browser: Any, theme: str) -> None:
    """With print media (and a dark system, which paper ignores): cards do not
    split, print black, tables take the page's width with their header on every
    page, and the topology is scaled into the page's width."""
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"media": "print", "features": [{"name": "prefers-color-scheme", "value": "dark"}]},
    )
    try:
        browser.get(sites[theme].as_uri())
        seen = browser.execute_script(PRINT)
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
    assert seen["cardBreak"] == "avoid"
    assert seen["cardColor"] == "rgb(0, 0, 0)"
    assert abs(seen["tableWidth"] - seen["roomWidth"]) <= 2, seen
    assert seen["headGroup"] == "table-header-group"
    assert seen["topologyDrawn"] > seen["topologyRoom"], "the picture is drawn wider than the page"
    assert 0 < seen["topologyWidth"] <= seen["topologyRoom"] + 1, seen


#: WCAG 2.1 SC 1.4.11 (non-text contrast): a graphical object a reader needs
#: to understand the picture (a topology edge or arrow head, a box's border,
#: a chart bar) has at least 3:1 against the colours next to it, the page.
NON_TEXT = 3.0

#: runs in the page: every <text> of our pictures against what is painted behind
#: it (the page, and each shape under the text's middle, with its fill-opacity),
#: every stroke or bar against the page; and the theme's own body text and link
#: (the paragraph of class theme-sample) against theirs.
#: secondary text in the pictures, in the theme's own secondary colour where it
#: has one (Furo's --color-foreground-secondary, pydata's --pst-color-text-muted):
#: held to AA, not to the theme's primary text and links
MUTED = ("techspec-topology-sublabel", "techspec-chart-note")

GRAPHICS = r"""
const canvas = document.createElement("canvas");
canvas.width = canvas.height = 1;
const ctx = canvas.getContext("2d", {willReadFrequently: true});
function rgba(css) {
  if (css === "none") return [0, 0, 0, 0];  // an SVG paint of none: nothing painted
  ctx.clearRect(0, 0, 1, 1);
  ctx.fillStyle = "#000";
  ctx.fillStyle = css;
  ctx.fillRect(0, 0, 1, 1);
  const d = ctx.getImageData(0, 0, 1, 1).data;
  return [d[0] / 255, d[1] / 255, d[2] / 255, d[3] / 255];
}
function over(top, below) {
  const a = top[3];
  return [0, 1, 2].map(i => top[i] * a + below[i] * (1 - a)).concat([1]);
}
function background(el) {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c[3] > 0) layers.push(c);
    if (c[3] >= 1) break;
  }
  let bg = [1, 1, 1, 1];
  for (const layer of layers.reverse()) bg = over(layer, bg);
  return bg;
}
function luminance(c) {
  const lin = c.slice(0, 3).map(v => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}
function ratio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
function hex(c) { return "#" + c.slice(0, 3).map(v => Math.round(v * 255).toString(16).padStart(2, "0")).join(""); }
// a shape's paint (fill or stroke) with its opacities, as [r, g, b, a]
function paint(el, what) {
  const s = getComputedStyle(el);
  const c = rgba(s[what]);
  c[3] *= parseFloat(s[what + "Opacity"]) * parseFloat(s.opacity);
  return c;
}
function cls(el) { return [...el.classList].filter(c => c.startsWith("techspec")).join(".") || el.tagName; }
const out = [];
for (const svg of document.querySelectorAll("svg.techspec-graphic")) {
  const page = background(svg.parentElement);
  const picture = cls(svg);
  const shapes = [...svg.querySelectorAll("rect, path, circle, ellipse, polygon")];
  for (const text of svg.querySelectorAll("text")) {
    if (!text.textContent.trim()) continue;
    const r = text.getBoundingClientRect();
    const [cx, cy] = [r.x + r.width / 2, r.y + r.height / 2];
    let bg = page;
    for (const shape of shapes) {  // document order is paint order
      if (!(shape.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
      const b = shape.getBoundingClientRect();
      if (cx < b.left || cx > b.right || cy < b.top || cy > b.bottom) continue;
      bg = over(paint(shape, "fill"), bg);
    }
    const fg = over(paint(text, "fill"), bg);
    out.push({kind: "text", picture, what: cls(text), text: text.textContent.trim().slice(0, 40),
              ratio: ratio(fg, bg), fg: hex(fg), bg: hex(bg)});
  }
  for (const shape of shapes) {
    const what = cls(shape);
    // the lines, arrow heads and box borders of the topology; the bars of a chart
    // (a chart's track is a faint groove behind the bar, not information)
    let colour;
    if (what.includes("topology-line") || what.includes("topology-box")) colour = paint(shape, "stroke");
    else if (what.includes("topology-head") || /chart-bar($|\.)/.test(what)) colour = paint(shape, "fill");
    else continue;
    const group = shape.closest(".techspec-topology-edge");
    const name = what + (group && group.classList.contains("techspec-topology-cycle") ? ".cycle" : "");
    const fg = over(colour, page);
    out.push({kind: "graphic", picture, what: name, text: "", ratio: ratio(fg, page), fg: hex(fg), bg: hex(page)});
  }
}
// the theme's own body text and link, in the same view
for (const p of document.querySelectorAll("p.theme-sample")) {
  const bg = background(p);
  const link = p.querySelector("a");
  for (const [what, el] of [["theme text", p], ["theme link", link]]) {
    const fg = over(rgba(getComputedStyle(el).color), bg);
    out.push({kind: what, picture: "", what, text: el.textContent.trim().slice(0, 40),
              ratio: ratio(fg, bg), fg: hex(fg), bg: hex(bg)});
  }
}
return out;
"""


def test_pictures_are_as_readable_as_the_theme(sites: dict[str, Path], browser: Any) -> None:
    """The topology (with a dependency cycle, drawn in the danger colour, and
    a component no spec defines) and the charts: every text at least 4.5:1
    against the box or page behind it, every edge, arrow head, box border and
    bar at least 3:1 against the page; and in each view nothing of ours has
    less contrast than the theme's own body text and links, where those pass."""
    problems: list[str] = []
    lowest: dict[str, float] = {}
    for theme, system, choice in views():
        if theme not in sites:
            continue
        view = f"{theme} system={system}" + (f" switch={choice}" if choice else "")
        open_view(browser, sites[theme], theme, system, choice)
        samples = browser.execute_script(GRAPHICS)
        seen = {(s["kind"], s["what"]) for s in samples}
        for needed in [
            ("text", "techspec-topology-label"),
            ("text", "techspec-topology-sublabel"),
            ("text", "techspec-chart-label"),
            ("text", "techspec-chart-value"),
            ("graphic", "techspec-topology-line"),
            ("graphic", "techspec-topology-line.cycle"),
            ("graphic", "techspec-topology-head.cycle"),
            ("graphic", "techspec-topology-box.techspec-topology-local"),
            ("graphic", "techspec-topology-box.techspec-topology-unknown"),
            ("graphic", "techspec-chart-bar"),
            ("graphic", "techspec-chart-bar.techspec-chart-bar-none"),
            ("theme text", "theme text"),
            ("theme link", "theme link"),
        ]:
            assert needed in seen, f"{view}: nothing measured for {needed}; seen {sorted(seen)}"
        theirs = {s["kind"]: s["ratio"] for s in samples if s["kind"].startswith("theme")}
        for s in samples:
            if s["kind"].startswith("theme"):
                continue
            # our text: AA, and no less than the theme's own least contrasted
            # text (body text or link) where that passes AA; what we draw: 3:1
            own = min(theirs.values())
            if s["kind"] != "text":
                floor = NON_TEXT
            elif any(muted in s["what"] for muted in MUTED):
                floor = AA
            else:
                floor = max(AA, own) if own >= AA else AA
            key = f"{view}  {s['picture']} {s['what']}"
            lowest[key] = min(lowest.get(key, 99.0), s["ratio"])
            if s["ratio"] < floor - 0.005:
                problems.append(
                    f"{s['ratio']:.2f}:1 < {floor:.2f}:1  {key}  {s['fg']} on {s['bg']}  {s['text']!r}"
                    f"  (theme text {theirs['theme text']:.2f}, link {theirs['theme link']:.2f})"
                )
    assert len(lowest) >= 10 * 6, sorted(lowest)
    assert not problems, f"{len(problems)} below the bar, worst first:\n" + "\n".join(sorted(problems)[:40])


def _card(n: int) -> str:
    # cards of different heights (one to four lines of purpose), so that page
    # boundaries fall at different places inside them
    purpose = " ".join(["Handles one more part of the shop's order flow."] * (1 + n % 4 * 3))
    return f"""
    .. component:: svc-{n:02d}
       :framework: Framework {n}
       :purpose: {purpose}
       :provides: REST /api/svc-{n:02d}
       :scale: {n} replicas
       :owner: Team {n}

       Closing line of svc-{n:02d}.
    """


#: a card whose text (from its ID in the head to the last line of its body)
#: is not all on one printed page
SPLIT = r"svc-(\d\d)(?:(?!Closing line of svc-\1)[\s\S])*\f(?:(?!Closing line of svc-\1)[\s\S])*Closing line of svc-\1"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_printed_cards_are_never_split_across_pages(tmp_path: Path, browser: Any) -> None:
    """The page printed to PDF by Chromium itself: every card is whole on one
    page (its ID and its last line on the same page), and a long line of code
    in a card wraps instead of being cut at the frame. Without the print rules'
    break-inside, the same page splits cards, so the test can see a split."""
    import base64
    import re
    import subprocess

    code = """
    .. component:: svc-code

       .. code-block:: python

          def start(self, cart_id: UUID, payment_method: PaymentMethod, address: Address) -> CheckoutTaskEndOfLine: ...
    """
    files = {"index.rst": "Services\n========\n" + "".join(_card(n) for n in range(1, 41)) + code}
    site = build(write_project(tmp_path / "print", files), html_theme="alabaster").outdir / "index.html"

    def printed(extra_css: str = "") -> str:
        browser.get(site.as_uri())
        if extra_css:
            browser.execute_script(
                "const s = document.createElement('style'); s.textContent = arguments[0]; document.head.append(s);",
                extra_css,
            )
        pdf = tmp_path / "page.pdf"
        pdf.write_bytes(base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {})["data"]))
        return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout

    text = printed()
    pages = text.split("\f")
    assert len(pages) >= 6, len(pages)  # 40 cards: many page boundaries to fall inside one
    for n in range(1, 41):
        where = [i for i, page in enumerate(pages) if f"svc-{n:02d}" in page]
        last = [i for i, page in enumerate(pages) if f"Closing line of svc-{n:02d}." in page]
        assert where and last and where[0] == last[0] == where[-1], (n, where, last)
    assert not re.search(SPLIT, text)
    # paper does not scroll: the end of a long line of code in a card is printed (wrapped)
    assert "CheckoutTaskEndOfLine" in text
    # the control: the same page with breaks allowed inside cards splits some
    loose = printed("div.techspec-card { break-inside: auto !important; page-break-inside: auto !important; }")
    assert len(re.findall(SPLIT, loose)) >= 2
