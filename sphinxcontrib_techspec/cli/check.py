"""``techspec check``: the project's techspec findings, without writing HTML, for CI.

Sphinx reads the project with the ``techspec-check`` builder (it writes nothing)
and keeps its environment in a cache folder, so a second check reads and resolves
only what changed. Findings are taken from Sphinx's logging as they are emitted
(type ``techspec``, with subtype and location), after ``suppress_warnings``; those
of documents a check did not read or resolve again, and of the cross-document
checks when nothing changed, come from the previous check's record in the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from ..core.findings import REPORT_FORMATS, Finding
from ..core.subtypes import SUBTYPES
from .common import cache_folder, format_option, output_option, project_folder, user_cache, write_report
from .errors import fail, one_line

RECORD = "techspec-check-findings-2.json"  # -2: earlier records kept export findings as stale


def default_cache(source_dir: Path) -> Path:
    return user_cache() / "check" / hashlib.sha256(str(source_dir.resolve()).encode()).hexdigest()[:16]


# -- running Sphinx ---------------------------------------------------------------------------------


def run_checks(source_dir: Path, cache: Path, fresh: bool = False) -> list[Finding]:
    """Every techspec finding of the project in ``source_dir``, sorted; raises on a broken project."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    from ..sphinx.checkbuilder import FINISHING, captured

    found: list[Finding] = []
    read: set[str] = set()
    ran: list[bool] = []
    record = cache / RECORD
    previous: list[Finding] = []
    try:
        if not fresh:
            previous = [Finding(**entry) for entry in json.loads(record.read_text(encoding="utf-8"))]
    except (ValueError, TypeError, OSError):
        # no record of the last run's findings (a first run, an older or damaged cache): the
        # documents the environment would not read again would report nothing, so read them all
        fresh = True
    with patch_docutils(source_dir), docutils_namespace(), captured(found):
        app = Sphinx(
            str(source_dir),
            str(source_dir),
            str(cache / "out"),
            str(cache / "doctrees"),
            "techspec-check",
            status=None,
            warning=io.StringIO(),
            freshenv=fresh,
            keep_going=True,
        )
        app.connect("env-before-read-docs", lambda _app, _env, docnames: read.update(docnames))
        app.connect("env-check-consistency", lambda _app, _env: ran.append(True))
        app.connect("build-finished", lambda _app, _exc: setattr(_app, FINISHING, True), priority=0)
        app.build()
        docs = set(app.env.all_docs)
        written: set[str] = getattr(app.builder, "written", set())
    kept = [
        f
        for f in previous
        if (f.phase == "read" and f.docname in docs and f.docname not in read)
        # a document read again and not resolved has nothing left to report while resolving
        or (f.phase == "write" and f.docname in docs and f.docname not in written | read)
        or (f.phase == "check" and not ran)
    ]
    findings = sorted(set(found + kept))
    with contextlib.suppress(OSError):
        record.write_text(json.dumps([asdict(f) for f in findings]), encoding="utf-8")
    return findings


def parse_fail_on(value: str | None) -> set[str]:
    if value is None:
        return set(SUBTYPES)
    wanted = {v.strip().removeprefix("techspec.") for v in value.split(",") if v.strip()}
    if not wanted:  # `--fail-on "$UNSET"` in CI must not quietly turn the gate off
        fail("--fail-on names no subtype: give SUBTYPE,... ('techspec' for all of them, 'none' to report only)")
    if wanted == {"none"}:
        return set()
    if "techspec" in wanted:  # as in suppress_warnings: the whole family
        return set(SUBTYPES)
    unknown = sorted(wanted - set(SUBTYPES))
    if unknown:
        fail(f"--fail-on: no subtype {', '.join(unknown)} (see 'techspec check --list-subtypes')")
    return wanted


@click.command("check")
@click.argument("source_dir", metavar="SOURCE_DIR", required=False)
@format_option(REPORT_FORMATS, "text for people, junit for GitLab and Jenkins, sarif for GitHub code scanning.")
@click.option(
    "--fail-on",
    metavar="SUBTYPE,...",
    help="Subtypes that fail the check (default, or 'techspec': every techspec subtype; 'none': report only). "
    "Subtypes in conf.py's suppress_warnings are never reported.",
)
@output_option
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Sphinx's environment between checks (default: ~/.cache/techspec/check/...).",
)
@click.option("--fresh", is_flag=True, help="Read every document again, ignoring the cache.")
@click.option("--list-subtypes", is_flag=True, help="List the techspec warning subtypes and exit.")
def command(
    source_dir: str | None,
    fmt: str,
    fail_on: str | None,
    output: str,
    cache_dir: str | None,
    fresh: bool,
    list_subtypes: bool,
) -> None:
    """Run the project's techspec checks without writing HTML and report every finding with file, line and subtype.

    SOURCE_DIR is the folder of the Sphinx project's conf.py. The report goes to
    standard output (or -o FILE); paths in it are relative to the current folder.

    \b
      techspec check docs
      techspec check docs --format sarif -o techspec.sarif
      techspec check docs --format junit --fail-on unknown-ref,placeholder -o report.xml

    Exit status: 0 no finding of a --fail-on subtype, 1 such a finding, 2 bad
    usage or a project that cannot be read.
    """
    if list_subtypes:
        for name, doc in SUBTYPES.items():
            click.echo(f"{name}: {doc}")
        return
    if source_dir is None:
        fail("missing SOURCE_DIR, the folder of the Sphinx project's conf.py")
    src = project_folder(source_dir)
    failing = parse_fail_on(fail_on)
    cache = cache_folder(cache_dir, default_cache(src))
    try:
        with contextlib.redirect_stdout(sys.stderr):
            findings = run_checks(src.resolve(), cache, fresh)
    except Exception as error:  # conf.py and extensions are the project's code: one line, not their traceback
        if "techspec-check" in str(error):  # the builder is the extension's: conf.py does not load it
            fail(f"{src / 'conf.py'} does not load sphinxcontrib_techspec: add it to extensions")
        fail(f"Sphinx could not check {source_dir}: {type(error).__name__}: {one_line(error)}")
    write_report(REPORT_FORMATS[fmt](findings, failing, Path.cwd()), output)
    raise SystemExit(1 if any(f.subtype in failing for f in findings) else 0)
