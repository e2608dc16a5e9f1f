"""What a person sees: the built pages opened in headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import build, write_project
from sphinx.util.console import nocolor

# warnings are matched by text: no ANSI colour codes in them
nocolor()

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium is not installed at /usr/bin/chromium"),
]

# the page measures itself once rendered: boxes drawn and the picture's size on screen
PROBE = """
.. raw:: html

   <script>
   document.body.dataset.control = "scripts-run";
   const svg = document.querySelector("svg.techspec-topology");
   document.body.dataset.boxes = svg ? svg.querySelectorAll("rect").length : -1;
   document.body.dataset.svgWidth = svg ? Math.round(svg.getBoundingClientRect().width) : -1;
   </script>
"""

XSS = "<script>document.title='pwned'</script>"

FILES = {
    "index.rst": """
    Shop
    ====

    .. toctree::

       checkout
       ledger

    .. topology::
    """
    + PROBE,
    "checkout.rst": f"""
    Checkout
    ========

    .. spec:: SPEC-CHECKOUT
       :version: 1.0
       :status: current
       :owner: {XSS}

    .. component:: checkout-api
       :depends-on: orders-db, SPEC-LEDGER::ledger
       :purpose: <b onmouseover="document.title='hovered'">orders</b>

       Takes orders. {XSS}

    .. component:: orders-db
       :framework: PostgreSQL

    .. error-code:: E-{XSS}
       :http-status: 409

    .. api-endpoint:: POST /orders
       :component: checkout-api
       :errors: E-{XSS}
    """,
    "ledger.md": f"""
    # Ledger

    ```{{spec}} SPEC-LEDGER
    :version: 1.0
    :status: draft
    ```

    ```{{component}} ledger
    :framework: Go
    :purpose: {XSS}
    ```
    """,
}


def dump_dom(page: Path, profile: Path) -> BeautifulSoup:
    """The DOM after Chromium loaded the page and ran its scripts."""
    done = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "<body" in done.stdout, done.stderr[-2000:]
    return BeautifulSoup(done.stdout, "html.parser")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, BeautifulSoup]]:
    tmp = tmp_path_factory.mktemp("browser")
    result = build(write_project(tmp / "src", FILES), techspec_trace_warnings=False)
    assert result.subtypes() == [], result.warnings
    profile = tmp / "profile"
    pages = {name: dump_dom(result.outdir / f"{name}.html", profile) for name in ("index", "checkout", "ledger")}
    shutil.rmtree(profile, ignore_errors=True)
    return result.outdir, pages


def body_data(dom: BeautifulSoup, name: str) -> str:
    """A ``data-*`` attribute the page's probe script set on ``<body>``."""
    assert dom.body is not None
    return str(dom.body.get(f"data-{name}", ""))


def test_scripts_run_in_this_browser(site: tuple[Path, dict[str, BeautifulSoup]]) -> None:
    """The control: the page's own script ran, so a silent injected one would have run too."""
    _, pages = site
    assert body_data(pages["index"], "control") == "scripts-run"


def test_injected_script_did_not_run(site: tuple[Path, dict[str, BeautifulSoup]]) -> None:
    _, pages = site
    for name, dom in pages.items():
        assert dom.title is not None and dom.title.string != "pwned", name
        assert "pwned" not in (dom.title.string or ""), name
        # no element came from user text; the text is shown as text
        assert not [s for s in dom.find_all("script") if "pwned" in (s.string or "")], name
        assert not dom.find_all("b", onmouseover=True), name
    # the text is shown as text (free text gets typographic quotes; IDs are shown as typed)
    ids = [tag.get_text() for tag in pages["checkout"].find_all(class_="techspec-id")]
    assert f"E-{XSS}" in ids
    shown = pages["checkout"].get_text().replace("\N{RIGHT SINGLE QUOTATION MARK}", "'")
    assert f"Takes orders. {XSS}" in shown and "<b onmouseover=" in shown


def test_topology_has_one_box_per_component(site: tuple[Path, dict[str, BeautifulSoup]]) -> None:
    _, pages = site
    dom = pages["index"]
    svg = dom.find("svg", class_="techspec-topology")
    assert svg is not None
    labels = sorted(node.find("text").get_text() for node in svg.find_all(class_="techspec-topology-node"))  # type: ignore[union-attr]
    assert labels == ["checkout-api", "ledger", "orders-db"]
    assert body_data(dom, "boxes") == "3"
    assert int(body_data(dom, "svg-width")) > 100  # drawn on screen, not collapsed


def anchors(dom: BeautifulSoup) -> set[str]:
    return {str(tag["id"]) for tag in dom.find_all(id=True)}


def test_links_point_to_existing_anchors(site: tuple[Path, dict[str, BeautifulSoup]]) -> None:
    outdir, pages = site
    links: list[tuple[str, str]] = []
    for name, dom in pages.items():
        for container in [*dom.find_all(class_="techspec-card"), *dom.find_all("svg", class_="techspec-topology")]:
            links += [(name, str(a.get("href") or a.get("xlink:href") or "")) for a in container.find_all("a")]
    assert len(links) >= 8
    for source, href in links:
        assert href, source
        target = urlsplit(href)
        page = target.path.removesuffix(".html") or source
        assert page in pages, href
        assert (outdir / f"{page}.html").exists(), href
        assert target.fragment in anchors(pages[page]), f"{source}: {href}"
    # the cross-spec dependency and the error code with markup in its ID both resolve
    hrefs = {href for _, href in links}
    assert "ledger.html#techspec-component-ledger" in hrefs
    assert any("#techspec-error-code-e-" in h or "#techspec-error-code-E-" in h for h in hrefs)
