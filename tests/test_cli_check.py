"""``techspec check``: every finding the HTML build prints, with file, line and subtype, as text, JUnit and SARIF."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from cli_support import refused, sphinx_build, techspec

CONF = """\
project = "planted"
extensions = ["myst_parser", "sphinxcontrib_techspec"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
suppress_warnings = ["myst.header", "techspec.spec-without-prd"]
"""

MYST = """\
# Orders

```{spec} SPEC-ORDERS
:version: 1.0
:status: current
```

```{component} api
:depends-on: ghost
:colour: blue
```

```{slo} orders-availability
:sli: availability
:target: 99.9%
```

```{sli} availability
```

```{timeout} db
:value: soon
```

```{retention} logs
:period: TODO(how long)
:strategy: purge
```

```{techspec-table} slo
:columns: target, nonsense
```

See {techspec:slo}`no-such-slo`.
"""

RST = """\
Payments
========

.. spec:: SPEC-PAY
   :version: 1.0
   :status: sometimes

.. component:: api

.. component:: api
   :owner: Team B

.. error-code:: E1
   :http-status: 999

.. prd:: PRD-PAY
   :version: 1.0

.. requirement:: REQ-PAY-1
   :prd: PRD-PAY

See :techspec:slo:`missing`.
"""

INDEX = "# Planted\n\n```{toctree}\norders\npayments\n```\n"
LINE = re.compile(r"^(?P<file>\S+?):(?P<line>\d+)?:? ?WARNING: .*?\[techspec\.(?P<subtype>[\w-]+)\]$")


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    src = tmp_path / "planted"
    src.mkdir()
    (src / "conf.py").write_text(CONF)
    (src / "index.md").write_text(INDEX)
    (src / "orders.md").write_text(MYST)
    (src / "payments.rst").write_text(RST)
    return src


def html_findings(src: Path, out: Path) -> Counter[tuple[str, int, str]]:
    build = sphinx_build(src, out)
    found = Counter()
    for line in build.stderr.splitlines():
        match = LINE.match(line.strip())
        if match:
            path = Path(match["file"]).resolve().relative_to(src.parent.resolve()).as_posix()
            found[(path, int(match["line"] or 0), match["subtype"])] += 1
    return found


def sarif_findings(sarif: dict) -> Counter[tuple[str, int, str]]:
    found = Counter()
    for result in sarif["runs"][0]["results"]:
        location = result["locations"][0]["physicalLocation"]
        found[(location["artifactLocation"]["uri"], location.get("region", {}).get("startLine", 0), result["ruleId"].removeprefix("techspec."))] += 1
    return found


def check(src: Path, *args: str, cache: Path | None = None):
    return techspec("check", src.name, "--cache-dir", str(cache or src.parent / "cache"), *args, cwd=src.parent)


def test_sarif_has_every_finding_of_the_html_build(planted: Path, tmp_path: Path) -> None:
    expected = html_findings(planted, tmp_path / "html")
    # the planted errors, in both syntaxes, in every phase of a build
    assert {s for _, _, s in expected} >= {
        "unknown-ref", "unknown-option", "missing-option", "bad-value", "placeholder", "duplicate-id", "bad-choice",
        "uncovered-requirement",
    }
    assert {f for f, _, _ in expected} == {"planted/orders.md", "planted/payments.rst"}
    assert "spec-without-prd" not in {s for _, _, s in expected}  # suppressed in conf.py
    result = check(planted, "--format", "sarif")
    assert result.code == 1
    sarif = json.loads(result.out)
    assert sarif_findings(sarif) == expected
    # the second, incremental check (nothing re-read) reports the same
    again = check(planted, "--format", "sarif")
    assert sarif_findings(json.loads(again.out)) == expected


def test_incremental_check_follows_an_edit(planted: Path, tmp_path: Path) -> None:
    first = check(planted)
    assert "orders.md:21: error: timeout 'db': :value:" in first.out
    (planted / "orders.md").write_text(MYST.replace(":value: soon", ":value: 2s"))
    second = check(planted)
    assert ":value:" not in second.out
    # the other document was not read again, and its findings are still there
    assert [line for line in first.out.splitlines() if "payments.rst" in line] == [
        line for line in second.out.splitlines() if "payments.rst" in line
    ]
    assert second.out == check(planted, "--fresh").out
    # a role removed: its finding (made while resolving) is not kept from the previous check
    assert "no SLO named 'missing'" in second.out
    (planted / "payments.rst").write_text(RST.replace("See :techspec:slo:`missing`.", "See nothing."))
    third = check(planted)
    assert "no SLO named 'missing'" not in third.out
    assert third.out == check(planted, "--fresh").out


def test_junit_has_one_failure_per_finding(planted: Path) -> None:
    junitparser = pytest.importorskip("junitparser")
    result = check(planted, "--format", "junit", "-o", "report.xml")
    assert result.code == 1 and result.out == ""
    report = junitparser.JUnitXml.fromfile(str(planted.parent / "report.xml"))
    cases = [case for suite in report for case in suite]
    text = check(planted).out.strip().splitlines()[:-1]
    assert len(cases) == len(text) > 10
    failures = [r for case in cases for r in case.result if isinstance(r, junitparser.Failure)]
    assert len(failures) == len(cases)
    assert {f.type for f in failures} >= {"techspec.unknown-ref", "techspec.placeholder"}
    # --fail-on narrows what fails: the other findings stay in the report, as passing cases
    narrowed = check(planted, "--format", "junit", "--fail-on", "placeholder", "-o", "narrow.xml")
    assert narrowed.code == 1
    cases = [case for suite in junitparser.JUnitXml.fromfile(str(planted.parent / "narrow.xml")) for case in suite]
    assert [case.classname for case in cases if case.result] == ["techspec.placeholder"]


def test_fail_on_and_exit_codes(planted: Path, tmp_path: Path) -> None:
    assert check(planted, "--fail-on", "none").code == 0
    assert check(planted, "--fail-on", "stale-prd").code == 0  # no such finding
    assert check(planted, "--fail-on", "techspec.duplicate-id").code == 1
    refused(check(planted, "--fail-on", "nonsense"), "no subtype nonsense")
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "conf.py").write_text(CONF)
    (clean / "index.rst").write_text("Clean\n=====\n\n.. spec:: SPEC-C\n   :version: 1.0\n   :status: draft\n")
    result = check(clean)
    assert (result.code, result.out) == (0, "0 findings, 0 failing the check\n")


def test_bad_projects_are_refused_in_one_line(tmp_path: Path) -> None:
    refused(techspec("check", str(tmp_path)), "no conf.py")
    refused(techspec("check"), "missing SOURCE_DIR")
    (tmp_path / "conf.py").write_text("extensions = ['no_such_extension']\n")
    refused(techspec("check", str(tmp_path), "--cache-dir", str(tmp_path / "c")), "no_such_extension")
    (tmp_path / "conf.py").write_text("1/0\n")
    refused(techspec("check", str(tmp_path), "--cache-dir", str(tmp_path / "c")), "could not check")


# -- SARIF validity: the JSON Schema and the validator Microsoft ships -------------------------------


@pytest.fixture(scope="session")
def multitool() -> Path:
    """The folder of ``@microsoft/sarif-multitool`` (installed with npm into a cache folder once)."""
    npm = shutil.which("npm")
    if not shutil.which("node") or not npm:
        pytest.skip("Node.js and npm are needed for Microsoft's SARIF validator (.ci/run installs them)")
    prefix = Path(os.environ.get("TECHSPEC_NPM_CACHE", Path.home() / ".cache" / "sphinxcontrib-techspec" / "npm"))
    tool = prefix / "node_modules" / ".bin" / "sarif-multitool"
    if not tool.exists():
        done = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix), "@microsoft/sarif-multitool@5"],
            capture_output=True, text=True, timeout=600,
        )
        if done.returncode != 0 or not tool.exists():
            pytest.skip(f"npm could not install @microsoft/sarif-multitool: {done.stderr.strip()[-300:]}")
    return prefix


def test_sarif_is_valid_against_the_schema_and_the_validator(planted: Path, multitool: Path) -> None:
    import jsonschema

    schema_file = next((multitool / "node_modules" / "@microsoft").glob("sarif-multitool-*/sarif-2.1.0.json"))
    result = check(planted, "--format", "sarif", "-o", "out.sarif")
    sarif_path = planted.parent / "out.sarif"
    sarif = json.loads(sarif_path.read_text())
    assert sarif["runs"][0]["results"]
    jsonschema.validate(sarif, json.loads(schema_file.read_text()))
    log = planted.parent / "validation.sarif"
    done = subprocess.run(
        [str(multitool / "node_modules" / ".bin" / "sarif-multitool"), "validate", "-j", str(schema_file), str(sarif_path), "-o", str(log)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    errors = [r for run in json.loads(log.read_text())["runs"] for r in run.get("results", []) if r.get("level") == "error"]
    assert errors == [], errors
    assert result.code == 1


def test_the_validator_does_catch_a_broken_log(tmp_path: Path, multitool: Path) -> None:
    """The check above would mean nothing if the validator passed everything."""
    schema_file = next((multitool / "node_modules" / "@microsoft").glob("sarif-multitool-*/sarif-2.1.0.json"))
    broken = tmp_path / "broken.sarif"
    broken.write_text(json.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}))
    log = tmp_path / "log.sarif"
    subprocess.run(
        [str(multitool / "node_modules" / ".bin" / "sarif-multitool"), "validate", "-j", str(schema_file), str(broken), "-o", str(log)],
        capture_output=True, text=True, timeout=600,
    )
    errors = [r for run in json.loads(log.read_text())["runs"] for r in run.get("results", []) if r.get("level") == "error"]
    assert errors and "name" in json.dumps(errors)
