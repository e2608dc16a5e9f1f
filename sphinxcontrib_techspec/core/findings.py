"""The findings of ``techspec check`` (every ``[techspec.<subtype>]`` warning of a build, located)
and the reports written of them: text for people, JUnit XML for CI servers, SARIF 2.1.0 for code scanning."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from .subtypes import SUBTYPES


@dataclass(frozen=True, order=True)
class Finding:
    file: str  # absolute path, or "" when the finding has no location
    line: int  # 0 when the finding has no line
    subtype: str
    message: str
    #: ``read`` or ``write`` (one document's reading or resolving), ``check`` (cross-document), or ``other``
    phase: str = "other"
    docname: str = ""

    def where(self, base: Path) -> str:
        if not self.file:
            return "(project)"
        shown = relative(self.file, base)
        return f"{shown}:{self.line}" if self.line else shown


def relative(path: str, base: Path) -> str:
    try:
        return Path(path).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path


def as_text(findings: list[Finding], failing: set[str], base: Path) -> str:
    lines = [
        f"{f.where(base)}: {'error' if f.subtype in failing else 'warning'}: {f.message} [techspec.{f.subtype}]"
        for f in findings
    ]
    failed = sum(f.subtype in failing for f in findings)
    lines.append(f"{len(findings)} finding{'s' if len(findings) != 1 else ''}, {failed} failing the check")
    return "\n".join(lines) + "\n"


def as_junit(findings: list[Finding], failing: set[str], base: Path) -> str:
    """JUnit XML: one test case per finding, a failure when its subtype fails the check."""
    suite = ET.Element(
        "testsuite",
        name="techspec",
        tests=str(max(len(findings), 1)),
        failures=str(sum(f.subtype in failing for f in findings)),
        errors="0",
        skipped="0",
    )
    for f in findings:
        case = ET.SubElement(suite, "testcase", classname=f"techspec.{f.subtype}", name=f"{f.where(base)}: {f.message}")
        if f.file:
            case.set("file", relative(f.file, base))
            if f.line:
                case.set("line", str(f.line))
        if f.subtype in failing:
            failure = ET.SubElement(case, "failure", type=f"techspec.{f.subtype}", message=f.message)
            failure.text = f"{f.where(base)}: {f.message} [techspec.{f.subtype}]"
        else:
            ET.SubElement(case, "system-out").text = f"warning: {f.message} [techspec.{f.subtype}]"
    if not findings:
        ET.SubElement(suite, "testcase", classname="techspec", name="no techspec findings")
    suites = ET.Element("testsuites", name="techspec check")
    suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def as_sarif(findings: list[Finding], failing: set[str], base: Path) -> str:
    """SARIF 2.1.0 (GitHub code scanning): one rule per subtype, paths relative to ``base``."""
    rules = sorted(SUBTYPES)
    results = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f"techspec.{f.subtype}",
            "level": "error" if f.subtype in failing else "warning",
            "message": {"text": f.message},
        }
        if f.subtype in SUBTYPES:
            result["ruleIndex"] = rules.index(f.subtype)
        if f.file:
            shown = relative(f.file, base)
            artifact: dict[str, Any] = (
                {"uri": Path(f.file).resolve().as_uri()}
                if Path(shown).is_absolute()
                else {"uri": shown, "uriBaseId": "%SRCROOT%"}
            )
            physical: dict[str, Any] = {"artifactLocation": artifact}
            if f.line:
                physical["region"] = {"startLine": f.line}
            result["locations"] = [{"physicalLocation": physical}]
        results.append(result)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "techspec",
                        "version": __version__,
                        "informationUri": "https://sphinxcontrib-techspec.readthedocs.io/",
                        "rules": [
                            {"id": f"techspec.{name}", "name": name, "shortDescription": {"text": SUBTYPES[name]}}
                            for name in rules
                        ],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": base.resolve().as_uri() + "/"}},
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


#: ``techspec check --format``: name -> writer(findings, failing subtypes, base folder of relative paths)
REPORT_FORMATS: dict[str, Callable[[list[Finding], set[str], Path], str]] = {
    "text": as_text,
    "junit": as_junit,
    "sarif": as_sarif,
}
