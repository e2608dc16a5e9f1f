"""Checking again only what an edit can affect finds exactly what checking everything finds.

Random projects of a few documents, with the items every check reads
(duplicates, unknown and ambiguous references, coverage, citations, pins,
cycles, SLOs and retry policies on one component, PII and its retention of
the same name in another case, ...); one document is replaced by another
random one, and ``recheck`` (given the findings before the edit) must give
the same findings as a full run over the edited project.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sphinxcontrib_techspec.core import review, suspect, trace
from sphinxcontrib_techspec.core.index import Index
from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.core.model import Item, Problem, build_item
from sphinxcontrib_techspec.core.recheck import recheck
from sphinxcontrib_techspec.sphinx.domain import Changes, diff_items

DOCS = ("prd", "d0", "d1", "d2")


def run(index: Index) -> list[Problem]:
    """Every check, every option on (as ``setup._findings`` with all settings on)."""
    problems = index.problems(refined=review.REFINED_REFS)
    problems += trace.problems(index)
    problems += review.problems(index)
    problems += suspect.problems(index, require_pins=True)
    return problems


def ordered(problems: list[Problem]) -> list[tuple[object, ...]]:
    return sorted((p.docname or "", p.lineno or 0, p.subtype, p.message) for p in problems)


def subset(values: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(values), max_size=2, unique=True).map(", ".join)


ENTRIES = st.one_of(
    st.tuples(
        st.just("component"),
        st.sampled_from(["api", "store", "worker"]),
        st.fixed_dictionaries(
            {
                "depends-on": subset(["api", "store", "worker", "SPEC-0::api", "missing"]),
                "satisfies": subset(["REQ-1", "REQ-2", "REQ-9", "REQ-1@000000"]),
                "decided-by": subset(["ADR-1", "ADR-2"]),
            }
        ),
    ),
    st.tuples(st.just("sli"), st.sampled_from(["SLI-A", "SLI-B"]), st.just({"kind": "latency"})),
    st.tuples(
        st.just("slo"),
        st.sampled_from(["SLO-A", "SLO-B"]),
        st.fixed_dictionaries(
            {
                "sli": st.sampled_from(["SLI-A", "SLI-B", "SLI-X"]),
                "target": st.sampled_from(["p95 < 400ms", "99.9%", "100%"]),
                "window": st.just("30d"),
                "component": st.sampled_from(["api", "store"]),
            }
        ),
    ),
    st.tuples(
        st.just("retry-policy"),
        st.sampled_from(["R-1", "R-2"]),
        st.fixed_dictionaries(
            {
                "max-retries": st.sampled_from(["1", "3"]),
                "backoff": st.just("exponential"),
                "base": st.sampled_from(["100ms", "300ms"]),
                "component": st.sampled_from(["api", "store", "gone"]),
            }
        ),
    ),
    st.tuples(
        st.just("data-class"),
        st.sampled_from(["Profile", "profile", "Cards"]),
        st.fixed_dictionaries(
            {"classification": st.sampled_from(["PII", "Public"]), "handling": st.sampled_from(["none", "Encrypted."])}
        ),
    ),
    st.tuples(
        st.just("retention"),
        st.sampled_from(["profile", "PROFILE"]),
        st.just({"period": "30d", "strategy": "Deleted nightly."}),
    ),
)

PRODUCT = st.lists(
    st.one_of(
        st.tuples(
            st.just("prd"), st.just("PRD-A"), st.fixed_dictionaries({"version": st.sampled_from(["1.0", "2.0"])})
        ),
        st.tuples(st.just("requirement"), st.sampled_from(["REQ-1", "REQ-2"]), st.just({"prd": "PRD-A"})),
        st.tuples(
            st.just("adr"),
            st.sampled_from(["ADR-1", "ADR-2"]),
            st.fixed_dictionaries({"status": st.sampled_from(["accepted", "superseded"])}),
        ),
    ),
    max_size=5,
)


def spec_doc(n: int) -> st.SearchStrategy[list[tuple[str, str, dict[str, str]]]]:
    header = st.fixed_dictionaries(
        {"version": st.just("1.0"), "status": st.just("current"), "prd": st.sampled_from(["", "PRD-A@1.0", "PRD-A"])}
    ).map(lambda options: ("spec", f"SPEC-{n % 2}", {k: v for k, v in options.items() if v}))
    return st.tuples(header, st.lists(ENTRIES, max_size=6)).map(lambda t: [t[0], *t[1]])


PROJECT = st.fixed_dictionaries({"prd": PRODUCT, "d0": spec_doc(0), "d1": spec_doc(1), "d2": spec_doc(2)})


def items_of(docname: str, entries: list[tuple[str, str, dict[str, str]]]) -> list[Item]:
    out = []
    for n, (kind, item_id, options) in enumerate(entries):
        out.append(build_item(KINDS[kind], item_id, {k: v for k, v in options.items() if v}, "", docname, 10 * n + 1))
    spec = next((i.id for i in out if i.kind == "spec"), None)
    for item in out:
        item.spec = spec
    return out


@settings(max_examples=300, deadline=None)
@given(project=PROJECT, edited=st.sampled_from(DOCS), data=st.data())
def test_recheck_finds_what_a_full_check_finds(
    project: dict[str, list[tuple[str, str, dict[str, str]]]], edited: str, data: st.DataObject
) -> None:
    replacement = data.draw(PRODUCT if edited == "prd" else spec_doc(DOCS.index(edited) - 1))
    before = {d: items_of(d, entries) for d, entries in project.items()}
    after = {**before, edited: items_of(edited, replacement)}
    old = Index(i for items in before.values() for i in items)
    new = Index(i for items in after.values() for i in items)
    changes = Changes()
    diff_items(before[edited], after[edited], changes)
    found = recheck(new, run(old), changes.content | changes.named, {edited}, run, most=1.0)
    assert ordered(found) == ordered(run(new))


def test_an_edit_far_from_a_finding_keeps_it_without_reading_it() -> None:
    """The kept finding is not recomputed (a stale one stays: proof the run was narrowed),
    and the edited item's own finding is."""
    product = items_of("prd", [("requirement", "REQ-1", {"prd": "PRD-A"})])
    doc = items_of(
        "d0",
        [
            ("spec", "SPEC-0", {"version": "1.0", "status": "current"}),
            ("slo", "SLO-A", {"sli": "SLI-A", "target": "99.9%", "window": "30d"}),
        ],
    )
    index = Index([*product, *doc])
    kept = run(index)
    assert {p.subtype for p in kept} >= {"slo-without-sli", "uncovered-requirement"}
    marker = Problem("uncovered-requirement", "kept as it was", "prd", 1)
    stale = [p for p in kept if p.subtype != "uncovered-requirement"] + [marker]
    edited = items_of(
        "d0",
        [
            ("spec", "SPEC-0", {"version": "1.0", "status": "current"}),
            ("slo", "SLO-A", {"sli": "SLI-B", "target": "99.9%", "window": "30d"}),
        ],
    )
    changes = Changes()
    diff_items(doc, edited, changes)
    found = recheck(Index([*product, *edited]), stale, changes.content | changes.named, set(), run, most=1.0)
    assert marker in found
    assert any(p.subtype == "slo-without-sli" and "SLI-B" in p.message for p in found)
    assert not any("'SLI-A'" in p.message for p in found)
