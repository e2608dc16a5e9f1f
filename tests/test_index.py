"""The index: resolution rules of the contract and the cross-item problems."""

from __future__ import annotations

from sphinxcontrib_techspec.core.index import Index
from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.core.model import Item, build_item


def make(
    kind: str,
    item_id: str,
    spec: str | None,
    options: dict[str, str] | None = None,
    docname: str | None = None,
    lineno: int = 1,
) -> Item:
    item = build_item(KINDS[kind], item_id, options or {}, "", docname or f"specs/{spec or 'none'}", lineno)
    item.spec = spec
    return item


def problems(index: Index) -> list[tuple[str, str | None, int | None]]:
    return [(p.subtype, p.docname, p.lineno) for p in index.problems()]


def test_items_are_sorted_and_grouped() -> None:
    b = make("sli", "b", "S")
    a = make("sli", "a", "S")
    spec = make("spec", "S", "S", {"version": "1", "status": "draft"})
    index = Index([b, spec, a])
    assert index.items == [a, b, spec]
    assert index.of_kind("sli") == [a, b]
    assert index.of_kind("slo") == []


def test_of_kind_narrowed_by_spec() -> None:
    a = make("sli", "x", "A")
    b = make("sli", "x", "B")
    spec_a = make("spec", "A", "A")
    spec_b = make("spec", "B", "B")
    index = Index([a, b, spec_a, spec_b])
    assert index.of_kind("sli", ["B"]) == [b]
    assert index.of_kind("spec", ["A"]) == [spec_a]
    assert index.of_kind("sli", []) == []


def test_same_spec_first() -> None:
    here = make("component", "db", "A")
    there = make("component", "db", "B")
    index = Index([here, there])
    resolution = index.resolve("component", "db", "A")
    assert (resolution.item, resolution.status) == (here, "ok")
    assert index.resolve("component", "db", "B").item is there


def test_unique_elsewhere() -> None:
    there = make("component", "db", "B")
    index = Index([there])
    resolution = index.resolve("component", "db", "A")
    assert (resolution.item, resolution.status) == (there, "ok")
    assert index.resolve("component", "db", None).item is there


def test_ambiguous() -> None:
    a = make("component", "db", "A")
    b = make("component", "db", "B")
    index = Index([b, a])
    resolution = index.resolve("component", "db", "C")
    assert resolution.status == "ambiguous"
    assert sorted(c.spec or "" for c in resolution.candidates) == ["A", "B"]
    assert resolution.item is resolution.candidates[0]
    # deterministic: the first candidate does not depend on input order
    assert Index([a, b]).resolve("component", "db", "C").item.spec == resolution.item.spec  # type: ignore[union-attr]


def test_unknown() -> None:
    index = Index([make("component", "db", "A")])
    assert index.resolve("component", "cache", "A").status == "unknown"
    assert index.resolve("component", "cache", "A").item is None
    assert index.resolve("no-such-kind", "db", "A").status == "unknown"
    assert index.resolve("sli", "db", "A").status == "unknown"


def test_spec_qualified_target_is_exact() -> None:
    a = make("component", "db", "A")
    b = make("component", "db", "B")
    index = Index([a, b])
    assert index.resolve("component", "B::db", "A").item is b
    assert index.resolve("component", "A::db", None).item is a
    assert index.resolve("component", "C::db", "A").status == "unknown"


def test_project_scoped_kinds_ignore_the_spec() -> None:
    adr = make("adr", "ADR-1", "A", {"status": "accepted"})
    index = Index([adr])
    for from_spec in ("A", "B", None):
        assert index.resolve("adr", "ADR-1", from_spec).item is adr
    assert index.resolve("adr", "A::ADR-1", "B").item is adr
    assert index.resolve("adr", "ADR-2", "A").status == "unknown"


def test_get() -> None:
    adr = make("adr", "ADR-1", "A")
    index = Index([adr])
    assert index.get("adr", "ADR-1") is adr
    assert index.get("adr", "ADR-9") is None


def test_duplicate_ids_in_one_spec() -> None:
    first = make("slo", "s", "A", docname="specs/a", lineno=3)
    second = make("slo", "s", "A", docname="specs/a", lineno=30)
    elsewhere = make("slo", "s", "B", docname="specs/b", lineno=3)
    index = Index([second, elsewhere, first])
    assert problems(index) == [("duplicate-id", "specs/a", 30)]
    message = index.problems()[0].message
    assert "spec 'A'" in message and "specs/a:3" in message
    assert index.resolve("slo", "s", "A").item is first


def test_duplicate_project_scoped_ids_across_specs() -> None:
    first = make("adr", "ADR-1", "A", docname="adrs/one")
    second = make("adr", "ADR-1", "B", docname="adrs/two")
    index = Index([second, first])
    assert problems(index) == [("duplicate-id", "adrs/two", 1)]
    assert "in the project" in index.problems()[0].message


def test_external_duplicates_are_silent_and_lose() -> None:
    local = make("adr", "ADR-1", None, docname="zzz")
    imported = make("adr", "ADR-1", None, docname="aaa")
    imported.external = "other-project"
    index = Index([imported, local])
    assert index.problems() == []
    assert index.get("adr", "ADR-1") is local


def test_links_and_unknown_refs() -> None:
    api = make("component", "api", "A", {"depends-on": "db, cache"}, docname="specs/a", lineno=9)
    db = make("component", "db", "A")
    index = Index([api, db])
    links = {link.target: link for link in index.links}
    assert links["db"].item is db and links["db"].resolution.status == "ok"
    assert links["cache"].item is None
    assert problems(index) == [("unknown-ref", "specs/a", 9)]
    assert "'cache'" in index.problems()[0].message
    assert [link.source for link in index.links_to[db.key]] == [api]


def test_ambiguous_ref_problem() -> None:
    api = make("component", "api", "C", {"depends-on": "db"})
    index = Index([api, make("component", "db", "A"), make("component", "db", "B")])
    assert [p.subtype for p in index.problems()] == ["ambiguous-ref"]
    assert "(A, B)" in index.problems()[0].message
    assert "SPEC::db" in index.problems()[0].message


def test_external_sources_report_nothing() -> None:
    api = make("component", "api", "A", {"depends-on": "nowhere"})
    api.external = "other"
    assert Index([api]).problems() == []


def test_pinned_link_versions() -> None:
    spec = make("spec", "S", "S", {"version": "1", "status": "draft", "prd": "PRD-A@1.2", "adrs": "ADR-1@abc"})
    index = Index([spec, make("prd", "PRD-A", None, {"version": "1.3"}), make("adr", "ADR-1", None)])
    versions = {(link.field, link.target): link.version for link in index.links}
    assert versions == {("prd", "PRD-A"): "1.2", ("adrs", "ADR-1"): "abc"}
    assert index.problems() == []


def test_a_spec_belongs_to_itself_and_every_other_item_to_its_spec() -> None:
    spec = build_item(KINDS["spec"], "SPEC-A", {"version": "1", "status": "draft"}, "", "a", 1)
    slo = build_item(KINDS["slo"], "avail", {}, "", "a", 5)
    slo.spec = "SPEC-A"
    loose = build_item(KINDS["component"], "api", {}, "", "b", 1)
    assert [spec.owning_spec, slo.owning_spec, loose.owning_spec] == ["SPEC-A", "SPEC-A", None]
    index = Index([spec, slo, loose])
    assert index.of_kind("spec", ["SPEC-A"]) == [spec]
    assert index.of_kind("slo", ["SPEC-A"]) == [slo]
    assert index.of_kind("component", ["SPEC-A"]) == []


def test_the_component_an_item_sits_on_and_what_each_component_serves() -> None:
    """``component_of`` resolves an item's ``:component:`` as any link does (same
    spec first); ``served`` lists each component's endpoints, by its key, and
    ``links_from`` each item's own links."""
    api_a = make("component", "api", "A")
    api_b = make("component", "api", "B")
    get = make("api-endpoint", "GET /x", "A", {"component": "api"})
    put = make("api-endpoint", "PUT /x", "A", {"component": "B::api"})
    lost = make("api-endpoint", "GET /lost", "A", {"component": "nowhere"})
    bare = make("api-endpoint", "GET /bare", "A")
    slo = make("slo", "fast", "B", {"component": "api"})
    index = Index([api_a, api_b, get, put, lost, bare, slo])
    assert index.component_of(get) is api_a
    assert index.component_of(put) is api_b
    assert index.component_of(slo) is api_b
    assert index.component_of(lost) is None and index.component_of(bare) is None
    assert dict(index.served) == {api_a.key: [get], api_b.key: [put]}
    assert [(link.field, link.item) for link in index.links_from[slo.key]] == [("component", api_b)]
    assert index.links_from.get(api_a.key, []) == []
