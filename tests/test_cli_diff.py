"""``techspec diff`` in a subprocess, over exports of real builds (MyST and RST) and over git revisions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_support import refused, sphinx_build, techspec

CONF = """\
project = "shop"
extensions = ["myst_parser", "sphinxcontrib_techspec"]
exclude_patterns = ["_build"]
suppress_warnings = ["myst.header", "techspec"]
"""

MYST_V1 = """\
# Checkout

```{spec} SPEC-CHECKOUT
:version: 1.0
:status: current
:api-version: 1.0
:schema-version: 1.0
```

```{component} api
:owner: Team Checkout
```

```{api-endpoint} DELETE /orders/{id}
:component: api
```

```{sli} availability
```

```{slo} checkout-availability
:sli: availability
:target: 99.9%
:window: 30d
```
"""

# the endpoint is removed and the SLO loosened, under a minor api-version bump; the owner changed
MYST_V2 = (
    MYST_V1.replace(":api-version: 1.0", ":api-version: 1.1")
    .replace("```{api-endpoint} DELETE /orders/{id}\n:component: api\n```\n", "")
    .replace("99.9%", "99.5%")
    .replace("Team Checkout", "Team Orders")
)

RST_V1 = """\
Payments
========

.. spec:: SPEC-PAY
   :version: 1.0
   :status: current
   :schema-version: 1.0

.. data-schema:: Payment

   id: str
   amount: int
"""
# a required field is added, and the schema version gets a new major number: no finding
RST_V2 = RST_V1.replace(":schema-version: 1.0", ":schema-version: 2.0").replace("amount: int", "amount: int\n   currency: str")


def write(src: Path, files: dict[str, str]) -> None:
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(CONF)
    (src / "index.md").write_text("# Shop\n\n```{toctree}\ncheckout\npayments\n```\n")
    for name, text in files.items():
        (src / name).write_text(text)


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("diff")
    paths = []
    for version, files in (("v1", {"checkout.md": MYST_V1, "payments.rst": RST_V1}), ("v2", {"checkout.md": MYST_V2, "payments.rst": RST_V2})):
        write(base / version, files)
        build = sphinx_build(base / version, base / f"{version}-out")
        assert build.returncode == 0, build.stderr
        paths.append(base / f"{version}-out" / "techspec.json")
    return paths[0], paths[1]


def test_json_report(exports: tuple[Path, Path]) -> None:
    old, new = exports
    result = techspec("diff", str(old), str(new), "--format", "json")
    assert result.code == 1, result.err  # a breaking change without a major bump
    data = json.loads(result.out)
    got = {(c["kind"], c["id"], c["spec"]): (c["change"], c["class"]) for c in data["changes"]}
    assert got == {
        ("api-endpoint", "DELETE /orders/{id}", "SPEC-CHECKOUT"): ("removed", "breaking"),
        ("slo", "checkout-availability", "SPEC-CHECKOUT"): ("changed", "breaking"),
        ("component", "api", "SPEC-CHECKOUT"): ("changed", "editorial"),
        ("spec", "SPEC-CHECKOUT", "SPEC-CHECKOUT"): ("changed", "compatible"),
        ("data-schema", "Payment", "SPEC-PAY"): ("changed", "breaking"),
        ("spec", "SPEC-PAY", "SPEC-PAY"): ("changed", "compatible"),
    }
    slo = next(c for c in data["changes"] if c["kind"] == "slo")
    target = next(f for f in slo["fields"] if f["field"] == "target")
    # typed values from the index: a number, not the string "99.5%"
    assert (target["old"]["value"], target["new"]["value"]) == (99.9, 99.5)
    # SPEC-PAY bumped its schema-version major: only SPEC-CHECKOUT's api-version is a finding
    assert [(f["spec"], f["version"], f["old"], f["new"]) for f in data["findings"]] == [("SPEC-CHECKOUT", "api-version", "1.0", "1.1")]


def test_text_and_markdown_reports(exports: tuple[Path, Path]) -> None:
    old, new = exports
    text = techspec("diff", str(old), str(new))
    assert text.code == 1
    assert "target: 99.9% -> 99.5%" in text.out
    assert "- removed api-endpoint 'DELETE /orders/{id}': breaking" in text.out
    assert "SPEC-CHECKOUT: 2 breaking changes, but :api-version: went 1.0 -> 1.1" in text.out
    markdown = techspec("diff", str(old), str(new), "--format", "markdown")
    assert "### SPEC-CHECKOUT" in markdown.out and "### SPEC-PAY" in markdown.out
    assert "| removed | api-endpoint | `DELETE /orders/{id}` | **breaking** |" in markdown.out
    same = techspec("diff", str(new), str(new))
    assert (same.code, same.out) == (0, "No changes.\n")


def test_bad_input(exports: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = exports
    refused(techspec("diff", str(old), str(tmp_path / "missing.json")), "cannot read", "missing.json")
    (tmp_path / "bad.json").write_text("{not json")
    refused(techspec("diff", str(old), str(tmp_path / "bad.json")), "not JSON")
    (tmp_path / "invalid.json").write_text('{"schema": "techspec/1", "items": []}')
    refused(techspec("diff", str(old), str(tmp_path / "invalid.json")), "not a valid techspec.json")
    other = json.loads(new.read_text())
    other["project"] = "bank"
    (tmp_path / "other.json").write_text(json.dumps(other))
    refused(techspec("diff", str(old), str(tmp_path / "other.json")), "different projects", "'shop'", "'bank'")
    assert techspec("diff", str(old), str(tmp_path / "other.json"), "--any-project").code == 1
    refused(techspec("diff", str(old)), "Missing argument")
    refused(techspec("diff", str(old), str(new), "--format", "html"), "Invalid value")


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_revisions_are_built_once(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(repo / "docs", {"checkout.md": MYST_V1, "payments.rst": RST_V1})
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    write(repo / "docs", {"checkout.md": MYST_V2, "payments.rst": RST_V2})
    git(repo, "commit", "-q", "-am", "v2")
    cache = tmp_path / "cache"
    first = techspec("diff", "--git", "HEAD~1", "HEAD", "docs", "--cache-dir", str(cache), "--format", "json", cwd=repo)
    assert first.code == 1, first.err
    assert json.loads(first.out)["findings"][0]["spec"] == "SPEC-CHECKOUT"
    built = sorted(cache.glob("*/techspec.json"))
    assert len(built) == 2
    stamps = [p.stat().st_mtime_ns for p in built]
    again = techspec("diff", "--git", "HEAD~1", "HEAD", "docs", "--cache-dir", str(cache), "--format", "json", cwd=repo)
    assert again.out == first.out
    assert [p.stat().st_mtime_ns for p in built] == stamps  # reused, not rebuilt
    # no temporary worktree is left registered
    listed = subprocess.run(["git", "worktree", "list"], cwd=repo, capture_output=True, text=True).stdout
    assert len(listed.strip().splitlines()) == 1
    refused(techspec("diff", "--git", "no-such-rev", "HEAD", "docs", "--cache-dir", str(cache), cwd=repo), "no-such-rev")
    # a cache folder that cannot be made is one line and exit 2, not a traceback
    (tmp_path / "a-file").write_text("")
    blocked = str(tmp_path / "a-file" / "cache")
    refused(techspec("diff", "--git", "HEAD~1", "HEAD", "docs", "--cache-dir", blocked, cwd=repo), "cannot use the cache folder")
    refused(techspec("diff", "--git", "HEAD~1", "HEAD", cwd=repo), "SOURCE_DIR")
    refused(techspec("diff", "--git", "HEAD~1", "HEAD", "nowhere", cwd=repo), "no conf.py")
