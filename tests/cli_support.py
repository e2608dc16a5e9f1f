"""Running the real ``techspec`` command in a subprocess, as a user or CI would."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    code: int
    out: str
    err: str


def techspec(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
    """``python -m sphinxcontrib_techspec ARGS`` with this checkout first on the path."""
    environ = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]), **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "sphinxcontrib_techspec", *args], cwd=cwd, capture_output=True, text=True, env=environ, timeout=600
    )
    assert "Traceback" not in done.stderr, done.stderr
    return Result(done.returncode, done.stdout, done.stderr)


def refused(result: Result, *words: str) -> None:
    """Exit 2 with one line on standard error that says what is wrong."""
    assert result.code == 2, (result.code, result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    for word in words:
        assert word in result.err, (word, result.err)


def sphinx_build(srcdir: Path, outdir: Path, *options: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        # Sphinx 7.4 prints [techspec.<subtype>] only when asked (the default from Sphinx 8)
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-D", "show_warning_types=1", *options, str(srcdir), str(outdir)],
        capture_output=True, text=True, env=environ, timeout=600,
    )


def built_export(src: Path, conf: str, index: str) -> str:
    """A project of one page (``conf.py`` and ``index.md``) written into ``src`` and built: its techspec.json."""
    src.mkdir(parents=True)
    (src / "conf.py").write_text(conf)
    (src / "index.md").write_text(index)
    built = sphinx_build(src, src / "_build")
    assert built.returncode == 0, built.stderr
    return str(src / "_build" / "techspec.json")
