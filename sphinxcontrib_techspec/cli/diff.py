"""``techspec diff``: what changed between two exports, or two git revisions, and what breaks."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from .. import __version__
from ..core import changes, export
from ..core.federation import decode
from ..core.index import Index
from .common import cache_folder, format_option, output_option, project_folder, user_cache, write_report
from .errors import fail


def load(path: str) -> tuple[str, Index]:
    """A ``techspec.json`` as (project, index); exit 2 with one line when it cannot be read."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror or error}")
    try:
        return export.read(decode(raw))
    except ValueError as error:
        fail(f"{path}: {error}")


def build_revision(source_dir: Path, revision: str, cache: Path) -> Path:
    """``techspec.json`` of ``source_dir`` at git ``revision``: checked out into a temporary
    worktree and built with Sphinx once per commit (the result is kept in ``cache``)."""
    with contextlib.suppress(OSError):  # no git at all: _git says so
        inside = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=source_dir, capture_output=True, text=True)
        if inside.returncode != 0 and "not a git repository" in inside.stderr:
            fail(f"{source_dir} is in no git repository: --git compares two commits of one")
    top = _git(source_dir, "rev-parse", "--show-toplevel").strip()
    commit = _git(
        source_dir, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", what=f"revision {revision!r}"
    ).strip()
    relative = Path(source_dir).resolve().relative_to(Path(top).resolve())
    # this version's export of that commit: an upgrade builds it again
    key = hashlib.sha256(f"{Path(top).resolve()}:{commit}:{relative}:{__version__}".encode()).hexdigest()[:16]
    target = cache / key / "techspec.json"
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory(prefix="techspec-diff-") as tmp:
        tree = Path(tmp) / "tree"
        _git(source_dir, "worktree", "add", "--detach", "--quiet", str(tree), commit)
        try:
            if not (tree / relative / "conf.py").is_file():
                fail(
                    f"{revision} ({commit[:12]}) has no {(relative / 'conf.py').as_posix()}: the project is not there yet"
                )
            out = Path(tmp) / "out"
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "sphinx",
                    "-q",
                    "-b",
                    "dummy",
                    "-d",
                    str(cache / key / "doctrees"),
                    str(tree / relative),
                    str(out),
                ],
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONWARNINGS": "ignore"},
            )
            if result.returncode != 0:
                fail(f"building {revision} ({commit[:12]}) failed: {sphinx_failure(result.stderr)}")
            if not (out / "techspec.json").is_file():
                fail(
                    f"building {revision} ({commit[:12]}) wrote no techspec.json: is sphinxcontrib_techspec in its extensions?"
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out / "techspec.json", target)
        finally:
            _git(source_dir, "worktree", "remove", "--force", str(tree))
    return target


def sphinx_failure(stderr: str) -> str:
    """The one line of a failed Sphinx run that says why: its exception, not its advice to report it."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    raised = [line for line in lines if re.match(r"^[\w.]*(Error|Exception|Exit)\b: ", line)]
    if raised:
        name, _, message = raised[-1].partition(": ")
        return f"{name.rpartition('.')[2]}: {message}"  # sphinx.errors.ConfigError -> ConfigError
    for first, second in itertools.pairwise(lines):
        if first.endswith("error:"):  # Sphinx's own "Configuration error:" then the message
            return f"{first} {second}"
    return lines[0] if lines else "Sphinx stopped without saying why"


def _git(cwd: Path, *args: str, what: str = "") -> str:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    except OSError as error:
        fail(f"cannot run git: {error.strerror or error}")
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["failed"])[-1]
        fail(f"{what or 'git ' + args[0]}: {'not a commit' if what else reason}" + (f" in {cwd}" if not what else ""))
    return result.stdout


@click.command("diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.argument("source_dir", metavar="[SOURCE_DIR]", required=False)
@format_option(changes.REPORT_FORMATS, "text for a terminal, markdown for a pull-request comment, json for tools.")
@click.option(
    "--git", "git", is_flag=True, help="OLD and NEW are git revisions of the project in SOURCE_DIR: build both."
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="With --git: where each commit's export is kept (default: ~/.cache/techspec/diff).",
)
@click.option("--any-project", is_flag=True, help="Compare exports of two different projects anyway.")
@output_option
def command(
    old: str,
    new: str,
    source_dir: str | None,
    fmt: str,
    git: bool,
    cache_dir: str | None,
    any_project: bool,
    output: str,
) -> None:
    """Review a change: items added, removed and changed between OLD and NEW, field by field, grouped by spec.

    OLD and NEW are two techspec.json exports written by builds; with --git they
    are two git revisions of the Sphinx project in SOURCE_DIR, each built once (the
    export is cached by commit).

    Each change is breaking (a consumer of the old spec can fail), compatible, or
    editorial (titles and prose). A breaking change without a new major
    :api-version: (or :schema-version: for data) of its spec is a finding.

    \b
      techspec diff main/techspec.json techspec.json --format markdown
      techspec diff --git origin/main HEAD docs

    Exit status: 0 no finding, 1 a finding, 2 bad usage or unreadable input.
    """
    if git:
        if source_dir is None:
            fail("--git needs SOURCE_DIR, the folder of the project's conf.py")
        src = project_folder(source_dir)
        cache = cache_folder(cache_dir, user_cache() / "diff")
        old_path, new_path = str(build_revision(src, old, cache)), str(build_revision(src, new, cache))
    else:
        if source_dir is not None:
            fail("SOURCE_DIR is for --git; to compare two exports give only OLD.json NEW.json")
        old_path, new_path = old, new
    (old_project, old_index), (new_project, new_index) = load(old_path), load(new_path)
    try:
        report = changes.compare(old_index, new_index, old_project, new_project, any_project=any_project)
    except changes.OtherProject as error:
        fail(f"{error} (or pass --any-project)")
    write_report(changes.REPORT_FORMATS[fmt](report), output)
    raise SystemExit(1 if report.findings else 0)
