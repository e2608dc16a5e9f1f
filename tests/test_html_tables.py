"""Aggregate tables are written as HTML at once for HTML builders: that HTML
must be what Sphinx's own writer makes of the same table as docutils nodes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOTS, build

from sphinxcontrib_techspec.sphinx import aggregates
from sphinxcontrib_techspec.sphinx.render import table


def tables(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [t.prettify() for t in soup.select("table.techspec-table")]


ODD = """\
:orphan:

Odd
===

.. component:: odd-one
   :purpose: <b>bold</b> & "quoted" @home
   :depends-on: nosuch, checkout-api

.. slo:: odd-slo
   :sli: nosuch-sli
   :target: lots
   :window: 30d
"""


def project(path: Path) -> Path:
    shutil.copytree(ROOTS / "test-rst", path)
    (path / "odd.rst").write_text(ODD)
    return path


def test_html_tables_equal_the_writers_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    direct = build(project(tmp_path / "direct"))
    # the same project, with every aggregate table built as docutils nodes
    monkeypatch.setattr(
        aggregates.AggregateTransform,
        "table",
        lambda self, headers, rows, classes: table(headers, rows, classes, self.link),
    )
    nodes = build(project(tmp_path / "nodes"))
    for page in ("index", "checkout"):
        got, expected = tables(direct.html(page)), tables(nodes.html(page))
        assert got == expected
    assert len(tables(direct.html("index"))) >= 5
    # links, escaped user text, an unresolved reference and an invalid value are in there
    shown = "\n".join(tables(direct.html("index")))
    assert 'href="checkout.html#techspec-component-checkout-api"' in shown
    raw = direct.html("index")
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; &#64;home" in raw and "<b>bold</b>" not in raw
    assert "nosuch" in shown and 'href="#nosuch"' not in raw
