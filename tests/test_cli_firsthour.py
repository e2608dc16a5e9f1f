"""What a new user hit following the guide's command lines verbatim, run as the real command."""

from __future__ import annotations

from pathlib import Path

from cli_support import refused, techspec


def test_new_adr_reads_the_conf_py_of_a_relative_source_dir(tmp_path: Path) -> None:
    # the Workflow page: `techspec new adr "Use PostgreSQL for orders" -C docs`, from the folder above docs
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text('techspec_adr_paths = ["platform/adr/*"]\n')
    made = techspec("new", "adr", "Use PostgreSQL for orders", "-C", "docs", "--date", "2026-01-31", cwd=tmp_path)
    assert made.code == 0, made.err
    assert made.out.strip() == "docs/platform/adr/0001-use-postgresql-for-orders.md"
    assert (docs / "platform/adr/0001-use-postgresql-for-orders.md").read_text().startswith("---\nstatus: proposed\n")


def test_a_failing_conf_py_is_reported_by_its_cause(tmp_path: Path) -> None:
    (tmp_path / "conf.py").write_text("import no_such_module_here\n")
    # Sphinx's header line alone ("There is a programmable error ...:") names no cause
    refused(techspec("new", "adr", "Broken", cwd=tmp_path), "cannot read", "No module named 'no_such_module_here'")
    refused(techspec("check", str(tmp_path)), "could not check", "No module named 'no_such_module_here'")
