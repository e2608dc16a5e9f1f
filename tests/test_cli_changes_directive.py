"""``techspec-changes``: this build against a baseline export (a file or a URL), in the page."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
from pathlib import Path

from bs4 import BeautifulSoup
from conftest import build, write_project

V1 = """\
# Checkout

```{spec} SPEC-CHECKOUT
:version: 1.0
:status: current
:api-version: 1.0
```

```{api-endpoint} DELETE /orders/{id}
```

```{api-endpoint} GET /orders
```

```{sli} availability
```

```{slo} checkout-availability
:sli: availability
:target: 99.9%
:window: 30d
```
"""
V2 = V1.replace("```{api-endpoint} DELETE /orders/{id}\n```\n", "").replace("99.9%", "99.5%").replace(
    "```{api-endpoint} GET /orders\n```", "```{api-endpoint} GET /orders\n```\n\n```{api-endpoint} POST /orders\n```"
)

CHANGES_MD = """\
# Changes

```{techspec-changes} BASELINE
```
"""
CHANGES_RST = """\
Changes (reST)
==============

.. techspec-changes:: BASELINE
   :show: breaking
"""
INDEX = "# Shop\n\n```{toctree}\ncheckout\nchanges\nchanges-rst\n```\n"


def baseline(tmp_path: Path) -> Path:
    old = write_project(tmp_path / "old", {"index.md": INDEX.replace("changes\nchanges-rst\n", ""), "checkout.md": V1})
    return build(old).outdir / "techspec.json"


def rows(html: str) -> list[list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    return [[cell.get_text(" ", strip=True) for cell in tr.find_all("td")] for table in soup.select("table.techspec-changes") for tr in table.select("tbody tr")]


def new_project(tmp_path: Path, location: str) -> Path:
    return write_project(
        tmp_path / "new",
        {
            "index.md": INDEX,
            "checkout.md": V2,
            "changes.md": CHANGES_MD.replace("BASELINE", location),
            "changes-rst.rst": CHANGES_RST.replace("BASELINE", location),
        },
    )


def test_changes_against_a_baseline_file(tmp_path: Path) -> None:
    src = new_project(tmp_path, "baseline.json")
    shutil.copyfile(baseline(tmp_path), src / "baseline.json")
    result = build(src)
    assert "techspec.baseline" not in result.warnings
    page = result.html("changes")
    assert "Breaking changes without a major version bump" in page
    assert "SPEC-CHECKOUT: 2 breaking changes, but :api-version: went 1.0 -&gt; 1.0" in page
    got = rows(page)
    assert ["removed", "api-endpoint", "DELETE /orders/{id}", "breaking", "an endpoint was removed"] in got
    assert ["added", "api-endpoint", "POST /orders", "compatible", "added"] in got
    assert ["changed", "slo", "checkout-availability", "breaking", "target: 99.9% -> 99.5%"] in got
    # the changed item links to its card in this build
    soup = BeautifulSoup(page, "html.parser")
    link = next(a for a in soup.select("table.techspec-changes a") if a.get_text() == "checkout-availability")
    assert link["href"].startswith("checkout.html#")
    # the reST page shows only what breaks
    assert sorted(r[0] for r in rows(result.html("changes-rst"))) == ["changed", "removed"]


def test_changes_against_a_url_fall_back_to_the_cache(tmp_path: Path) -> None:
    served = tmp_path / "served"
    served.mkdir()
    shutil.copyfile(baseline(tmp_path), served / "techspec.json")
    handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=str(served))  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/techspec.json"
    try:
        src = new_project(tmp_path, url)
        first = build(src)
        assert "techspec.baseline" not in first.warnings
        assert len(rows(first.html("changes"))) == 3
    finally:
        server.shutdown()
        server.server_close()
    second = build(src, freshenv=True)
    assert second.subtypes().count("baseline") == 1  # the baseline is read once per build
    assert "using the copy last read" in second.warnings
    assert rows(second.html("changes")) == rows(first.html("changes"))


def test_missing_baseline_is_a_located_warning(tmp_path: Path) -> None:
    src = new_project(tmp_path, "nowhere.json")
    result = build(src)
    located = [(f, line) for f, line, _, t in result.located() if t == "techspec.baseline"]
    # read (and reported) once per build, at the first directive written
    assert len(located) == 1 and located[0] in {("changes-rst.rst", 4), ("changes.md", 3)}
    assert "no baseline to compare with" in result.html("changes")
    assert json.loads((result.outdir / "techspec.json").read_text())["items"]  # the build went on
