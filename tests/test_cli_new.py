"""``techspec new``: what it writes builds; each placeholder is one warning; ADRs number and supersede."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_support import refused, sphinx_build, techspec

CONF = """\
project = "shop"
extensions = ["myst_parser", "sphinxcontrib_techspec"]
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["myst.header"]
exclude_patterns = ["_build"]
techspec_adr_paths = ["decisions/0*"]
"""

#: what an author writes for each placeholder, by option name
FILLED = {
    "prd": "PRD-SHOP@0.1",
    "adrs": "ADR-0001",
    "satisfies": "REQ-SHOP-1",
    "owner": "Team Shop",
    "framework": "Django 5",
    "purpose": "Serves the shop",
    "scale": "2 replicas",
    "request": "{ name: str }",
    "response": "{ id: str }",
    "auth": "OAuth2 bearer token",
    "description": "Adds the items table",
    "rollback": "DROP TABLE items",
    "period": "2y",
    "strategy": "Nightly purge job",
    "target": "99.9%",
    "window": "30d",
    "failure-threshold": "5",
    "recovery-timeout": "30s",
    "max-retries": "3",
    "base": "100ms",
    "max": "1s",
    "value": "2s",
    "permission-model": "RBAC",
    "classification": "PII",
    "handling": "Encrypted at rest, masked in logs",
    "store": "Vault",
    "rotation": "90d",
    "retention": "1y",
    "fields": "actor, item_id",
    "scope": "Domain logic",
    "coverage-target": "80%",
    "measurement": "k6 against staging",
    "threshold": "80% line coverage",
    "priority": "must",
    "decision-makers": "Lee Chen",
}
PLACEHOLDER = re.compile(r"^(?P<lead>[ \t]*:?(?P<name>[\w-]+):[ \t]*)TODO\(.*\)[ \t]*$", re.MULTILINE)


def fill(path: Path) -> int:
    """Write every placeholder of ``path`` as an author would; returns how many there were."""
    text = path.read_text()
    filled, count = PLACEHOLDER.subn(lambda m: m["lead"] + FILLED[m["name"]], text)
    assert not PLACEHOLDER.search(filled)
    path.write_text(filled)
    return count


def warnings_of(result) -> list[str]:
    return re.findall(r"\[techspec\.([\w-]+)\]", result.stderr)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    src = tmp_path / "shop"
    src.mkdir()
    (src / "conf.py").write_text(CONF)
    (src / "index.md").write_text("# Shop\n\n```{toctree}\n:glob:\n\n*\ndecisions/*\n```\n")
    return src


@pytest.mark.parametrize("syntax", ["--myst", "--rst"])
def test_each_placeholder_is_one_warning(shop: Path, tmp_path: Path, syntax: str) -> None:
    made = techspec("new", "spec", "checkout", syntax, cwd=shop)
    assert made.code == 0, made.err
    path = shop / made.out.strip()
    assert path.name == ("spec-checkout.md" if syntax == "--myst" else "spec-checkout.rst")
    placeholders = len(PLACEHOLDER.findall(path.read_text()))
    assert placeholders >= 20  # every section has stubs to write
    build = sphinx_build(shop, tmp_path / "out")
    # one techspec.placeholder each, and nothing else: no missing-option, bad-value or spec-without-prd
    assert warnings_of(build) == ["placeholder"] * placeholders, build.stderr
    items = json.loads((tmp_path / "out" / "techspec.json").read_text())["items"]
    kinds = {i["kind"] for i in items}
    # every kind of the template's sections has a stub
    assert kinds >= {"spec", "component", "api-endpoint", "data-schema", "error-code", "db-table", "migration", "retention",
                     "sli", "slo", "circuit-breaker", "retry-policy", "timeout", "auth", "data-class", "secret",
                     "audit-event", "test-strategy", "benchmark", "quality-gate", "service-interface"}
    assert next(i for i in items if i["kind"] == "spec")["id"] == "SPEC-CHECKOUT"


def test_filled_workflow_builds_with_W(shop: Path, tmp_path: Path) -> None:
    """PRD, ADR and a spec in each syntax: once their placeholders are written, -W passes."""
    assert techspec("new", "prd", "shop", "--requirements", "1", cwd=shop).code == 0
    adr = techspec("new", "adr", "Use PostgreSQL for orders", cwd=shop)  # folder from techspec_adr_paths
    assert adr.code == 0, adr.err
    assert adr.out.strip() == str(Path("decisions") / "0001-use-postgresql-for-orders.md")
    assert techspec("new", "spec", "checkout", cwd=shop).code == 0
    assert techspec("new", "spec", "payments", "-o", "payments.rst", cwd=shop).code == 0
    written = [shop / "prd-shop.md", shop / "decisions" / "0001-use-postgresql-for-orders.md", shop / "spec-checkout.md", shop / "payments.rst"]
    assert all(fill(path) for path in written)
    build = sphinx_build(shop, tmp_path / "out", "-W", "--keep-going")
    assert build.returncode == 0, build.stderr
    assert warnings_of(build) == []
    items = json.loads((tmp_path / "out" / "techspec.json").read_text())["items"]
    specs = {i["id"]: i["fields"] for i in items if i["kind"] == "spec"}
    assert set(specs) == {"SPEC-CHECKOUT", "SPEC-PAYMENTS"}
    assert specs["SPEC-PAYMENTS"]["prd"] == [{"id": "PRD-SHOP", "version": "0.1"}]
    adr_item = next(i for i in items if i["kind"] == "adr")
    assert (adr_item["id"], adr_item["fields"]["status"], adr_item["title"]) == ("ADR-0001", "proposed", "Use PostgreSQL for orders")


@pytest.mark.parametrize("style", ["madr", "nygard"])
def test_supersede_updates_the_old_adr(shop: Path, tmp_path: Path, style: str) -> None:
    assert techspec("new", "adr", "Use PostgreSQL", "--template", style, cwd=shop).code == 0
    second = techspec("new", "adr", "Use CockroachDB", "--template", style, "--supersedes", "1", cwd=shop)
    assert second.code == 0, second.err
    new_file = shop / "decisions" / "0002-use-cockroachdb.md"
    assert "[ADR-0001](0001-use-postgresql.md)" in new_file.read_text()  # the link back
    build = sphinx_build(shop, tmp_path / "out")
    adrs = {i["id"]: i for i in json.loads((tmp_path / "out" / "techspec.json").read_text())["items"] if i["kind"] == "adr"}
    assert adrs["ADR-0001"]["fields"]["status"] == "superseded"
    assert adrs["ADR-0001"]["fields"]["superseded-by"] == "ADR-0002"
    assert adrs["ADR-0002"]["fields"]["status"] == ("proposed" if style == "madr" else "accepted")
    assert "unknown-ref" not in warnings_of(build)


def test_next_number_follows_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "0007-old.md").write_text("# 7. Old\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n")
    (folder / "README.md").write_text("# Decisions\n")
    made = techspec("new", "adr", "Next one", "--dir", str(folder), "--date", "2026-01-31", "--template", "nygard")
    assert made.code == 0, made.err
    text = (folder / "0008-next-one.md").read_text()
    assert text.startswith("# 8. Next one\n") and "Date: 2026-01-31" in text


def test_a_date_in_a_file_name_is_not_an_adr_number(tmp_path: Path) -> None:
    # log4brains names ADRs by date: 20201016-x.md was read as ADR 20201016, so the next one was
    # 20201017-next-one.md, which the build then dated 2020-10-17
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "20200924-use-markdown.md").write_text("# Use Markdown\n\n- Status: accepted\n")
    (folder / "20201016-use-the-slug.md").write_text("# Use the slug\n\n- Status: accepted\n")
    (folder / "0002-old.md").write_text("# 2. Old\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n")
    made = techspec("new", "adr", "Next one", "--dir", str(folder), "--date", "2026-01-31", "--template", "nygard")
    assert made.code == 0, made.err
    assert sorted(p.name for p in folder.iterdir()) == [
        "0002-old.md",
        "0003-next-one.md",
        "20200924-use-markdown.md",
        "20201016-use-the-slug.md",
    ]
    assert (folder / "0003-next-one.md").read_text().startswith("# 3. Next one\n")

def test_bad_input_is_refused_in_one_line(tmp_path: Path) -> None:
    refused(techspec("new", "adr", "No folder", cwd=tmp_path), "no conf.py", "--dir")
    (tmp_path / "conf.py").write_text("project = 'x'\n")
    refused(techspec("new", "adr", "No paths", cwd=tmp_path), "techspec_adr_paths")
    (tmp_path / "conf.py").write_text("raise RuntimeError('broken conf')\n")
    refused(techspec("new", "adr", "Broken", cwd=tmp_path), "cannot read", "conf.py")
    refused(techspec("new", "adr", "Lost", "--dir", str(tmp_path / "adr"), "--supersedes", "4"), "no ADR 4")
    refused(techspec("new", "adr", "!!!", "--dir", str(tmp_path / "adr")), "no letters")
    spec = tmp_path / "spec-x.md"
    made = techspec("new", "spec", "x", cwd=tmp_path)
    assert made.code == 0, made.err
    assert made.out.strip() == "spec-x.md" and spec.is_file()
    written = spec.read_text(encoding="utf-8")
    assert written == techspec("new", "spec", "x", "-o", "-", cwd=tmp_path).out and "SPEC-X" in written
    spec.write_text("edited by hand\n", encoding="utf-8")
    refused(techspec("new", "spec", "x", cwd=tmp_path), "exists", "--force")
    assert spec.read_text(encoding="utf-8") == "edited by hand\n"  # refused, and left alone
    forced = techspec("new", "spec", "x", "--force", cwd=tmp_path)
    assert forced.code == 0, forced.err
    assert spec.read_text(encoding="utf-8") == written  # the template's text again
    refused(techspec("new", "thing", "x", cwd=tmp_path), "No such command")


def test_help_reads_like_the_docs() -> None:
    top = techspec("--help")
    assert top.code == 0
    for word in ("new", "diff", "check", "Exit status"):
        assert word in top.out
    adr = techspec("new", "adr", "--help")
    assert adr.code == 0 and "--supersedes" in adr.out and "techspec new adr" in adr.out
