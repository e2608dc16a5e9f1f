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
       :depends-on: orders-db, ghost-service
       :satisfies: REQ-1
       :decided-by: ADR-1

       Takes orders.

    .. component:: orders-db
       :framework: PostgreSQL

    .. slo:: checkout-availability
       :sli: availability
       :target: 99.9%
       :window: soon
       :component: checkout-api

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
            if sample["ratio"] < AA:
                key = (view, sample["selector"])
                if key not in failures or sample["ratio"] < failures[key]["ratio"]:
                    failures[key] = sample
    # every view measured the whole page: cards, tables, matrix, report
    assert measured and min(measured.values()) >= 150, measured
    assert dark_pages >= 6, "the dark views were not dark"
    worst = sorted(failures.items(), key=lambda kv: kv[1]["ratio"])
    report = "\n".join(
        f"  {s['ratio']:.2f}:1  {view}  {sel}  {s['fg']} on {s['bg']}  {s['text']!r}" for (view, sel), s in worst[:25]
    )
    assert not failures, f"{len(failures)} (view, selector) pairs below {AA}:1, worst first:\n{report}"
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
};
"""


@pytest.mark.parametrize("theme", ["alabaster", "furo"])
def test_print_keeps_cards_whole_and_tables_in_the_page(sites: dict[str, Path], browser: Any, theme: str) -> None:
    """With print media (and a dark system, which paper ignores): cards do not
    split, print black, and tables take the page's width with their header on every page."""
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
