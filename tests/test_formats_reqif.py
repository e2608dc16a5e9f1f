"""ReqIF 1.2: ``reqif validate --use-reqif-schema`` accepts the example platform's
document with no error or warning, and the ``reqif`` package (StrictDoc's) parses it
back with the same objects and trace links."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import ExampleDocs, build
from reqif.parser import ReqIFParser

from sphinxcontrib_techspec.core.formats import FORMATS, Options

DOCUMENT_KINDS = ("prd", "requirement", "spec", "adr")


def reqif_validate(path: Path) -> subprocess.CompletedProcess[str]:
    """``reqif validate --use-reqif-schema`` (the ``reqif`` console script's module, run by this Python)."""
    return subprocess.run(
        [sys.executable, "-m", "reqif.cli.main", "validate", "--use-reqif-schema", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_reqif_validate_with_the_schema_accepts_the_example_with_no_issue(example_docs: ExampleDocs) -> None:
    done = reqif_validate(example_docs.outdir / "techspec.reqif")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation complete with 0 errors, 0 schema issues found, 0 semantic issues found." in done.stdout
    assert not re.search(r"warning|error:", done.stdout + done.stderr, re.I)


def test_reqif_validate_does_reject_a_broken_document(example_docs: ExampleDocs, tmp_path: Path) -> None:
    text = (example_docs.outdir / "techspec.reqif").read_text(encoding="utf-8")
    # a spec object of an undeclared type, and a header with no creation time
    broken = tmp_path / "broken.reqif"
    broken.write_text(text.replace("<CREATION-TIME>", "<CREATION-TIMES>").replace("</CREATION-TIME>", "</CREATION-TIMES>"))
    done = reqif_validate(broken)
    assert done.returncode != 0 or "0 schema issues" not in done.stdout


def parsed(path: Path) -> tuple[dict[str, dict[str, str]], Counter[tuple[str, str, str]], list]:
    """Objects by identifier (attribute long name -> value), (source ID, type, target ID) of
    every relation, and the specifications, as the reqif package reads them."""
    bundle = ReqIFParser.parse(str(path))
    content = bundle.core_content.req_if_content
    names = {}
    for spec_type in content.spec_types:
        for definition in getattr(spec_type, "attribute_definitions", None) or []:
            names[definition.identifier] = definition.long_name
        names[spec_type.identifier] = spec_type.long_name
    objects = {o.identifier: {names[v.definition_ref]: v.value for v in o.attributes} for o in content.spec_objects}
    relations = Counter(
        (objects[r.source]["ReqIF.ForeignID"], names[r.relation_type_ref], objects[r.target]["ReqIF.ForeignID"])
        for r in content.spec_relations
    )
    return objects, relations, content.specifications


def test_read_back_objects_are_the_documents_and_the_items_tracing_to_them(example_docs: ExampleDocs) -> None:
    objects, _, _ = parsed(example_docs.outdir / "techspec.reqif")
    by_kind = Counter(o["Kind"] for o in objects.values())
    for kind in DOCUMENT_KINDS:
        assert by_kind[kind] == len(example_docs.index.of_kind(kind)) > 0
    tracing = {
        (link.source.kind, link.source.id)
        for link in example_docs.index.links
        if link.field in ("satisfies", "decided-by") and link.item is not None
    }
    others = {(o["Kind"], o["ReqIF.ForeignID"]) for o in objects.values() if o["Kind"] not in DOCUMENT_KINDS}
    assert others == {t for t in tracing if t[0] not in DOCUMENT_KINDS}
    prd = example_docs.index.get("prd", "PRD-CHECKOUT")
    checkout = next(o for o in objects.values() if o["ReqIF.ForeignID"] == "PRD-CHECKOUT")
    assert checkout["ReqIF.Name"] == prd.title and checkout["version"] == "v2.1"  # as the cards show it


def test_read_back_relations_are_the_trace_links(example_docs: ExampleDocs) -> None:
    _, relations, _ = parsed(example_docs.outdir / "techspec.reqif")
    for field in ("satisfies", "decided-by", "prd"):
        resolved = [link for link in example_docs.index.links if link.field == field and link.item is not None]
        assert sum(n for (_, kind, _), n in relations.items() if kind == field) == len(resolved) > 0, field
    assert relations[("checkout-latency-p95", "satisfies", "REQ-CHK-3")] == 1
    assert relations[("SPEC-CHECKOUT", "prd", "PRD-CHECKOUT")] == 1
    assert relations[("REQ-CHK-1", "prd", "PRD-CHECKOUT")] == 1
    assert relations[("checkout-api", "decided-by", "ADR-003")] == 1


def test_each_spec_is_a_specification_with_its_tracing_items_under_it(example_docs: ExampleDocs) -> None:
    objects, _, specifications = parsed(example_docs.outdir / "techspec.reqif")
    titles = [s.long_name for s in specifications]
    assert titles[:4] == [f"{s.id}: {s.title}" for s in example_docs.index.of_kind("spec")]
    assert titles[4:] == ["Product requirements", "Architecture decisions"]
    payments = specifications[titles.index("SPEC-PAYMENTS: Payments")]
    (top,) = payments.children
    assert objects[top.spec_object]["ReqIF.ForeignID"] == "SPEC-PAYMENTS"
    under = {objects[h.spec_object]["ReqIF.ForeignID"] for h in top.children}
    assert "payment-gateway" in under and "POST /api/v1/payments/{payment_id}/refunds" in under


def test_the_time_is_fixed_and_configurable(example_docs: ExampleDocs) -> None:
    text = (example_docs.outdir / "techspec.reqif").read_text(encoding="utf-8")
    assert set(re.findall(r"\d{4}-\d\d-\d\dT[\d:]+Z", text)) == {"1970-01-01T00:00:00Z"}
    other = FORMATS["reqif"].write(example_docs.index, example_docs.project, Options(reqif_time="2026-11-26T12:00:00Z")).content
    assert isinstance(other, str)
    assert set(re.findall(r"\d{4}-\d\d-\d\dT[\d:]+Z", other)) == {"2026-11-26T12:00:00Z"}
    assert other.replace("2026-11-26T12:00:00Z", "1970-01-01T00:00:00Z") == text


@pytest.mark.parametrize("title", ['R&D <fast> "quoted" \'too\'', "Ümlauts, emoji 🚀 and\ttabs"])
def test_markup_in_values_is_escaped_and_still_valid(project, title: str) -> None:
    src = project(
        {
            "index.md": f"""
            # PRDs

            ```{{prd}} PRD-X
            :title: {title}
            :version: 1.0
            ```

            ```{{requirement}} REQ-X&1
            :prd: PRD-X
            ```
            """
        }
    )
    built = build(src, techspec_exports=["reqif"])
    path = built.outdir / "techspec.reqif"
    done = reqif_validate(path)
    assert "0 errors, 0 schema issues found, 0 semantic issues found" in done.stdout, done.stdout
    objects, relations, _ = parsed(path)
    assert {o["ReqIF.ForeignID"]: o.get("ReqIF.Name") for o in objects.values()} == {"PRD-X": title, "REQ-X&1": "REQ-X&1"}
    assert relations == Counter({("REQ-X&1", "prd", "PRD-X"): 1})


def test_a_time_that_is_no_date_time_is_refused(example_docs: ExampleDocs) -> None:
    written = FORMATS["reqif"].write(example_docs.index, example_docs.project, Options(reqif_time="yesterday"))
    assert [p.subtype for p in written.problems] == ["bad-value"] and "'yesterday'" in written.problems[0].message
    assert isinstance(written.content, str) and "<CREATION-TIME>1970-01-01T00:00:00Z</CREATION-TIME>" in written.content
