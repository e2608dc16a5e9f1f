"""Traceability: PRDs -> requirements -> specs and items -> ADRs, and the gaps.

The matrix, the report and the build warnings are all read off the one
index; a finding in the report and its warning come from the same function.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .index import Index, Link
from .kinds import KINDS
from .model import Item, Problem, is_placeholder
from .present import Cell, Ref, self_ref
from .suspect import suspects
from .topology import build_graph
from .values import version_key

CITING_FIELDS = ("adrs", "decided-by")


def _spec_ref(item: Item) -> Ref:
    return Ref("spec", item.spec or "", item.spec or "", item.docname)


def _join(refs: Iterable[Cell]) -> list[Cell]:
    out: list[Cell] = []
    for ref in refs:
        if out:
            out.append(", ")
        out.append(ref)
    return out


def _in_scope(item: Item, specs: list[str] | None) -> bool:
    return specs is None or item.owning_spec in specs


def satisfied_by(index: Index) -> dict[str, list[Item]]:
    """Requirement ID -> the items that satisfy it."""
    out: dict[str, list[Item]] = defaultdict(list)
    for link in index.links:
        if link.field == "satisfies" and link.item is not None:
            out[link.item.id].append(link.source)
    return out


def citations(index: Index) -> dict[str, list[Link]]:
    """ADR ID -> the links that cite it."""
    out: dict[str, list[Link]] = defaultdict(list)
    for link in index.links:
        if link.field in CITING_FIELDS and link.item is not None:
            out[link.item.id].append(link)
    return out


def prd_pins(index: Index) -> list[Link]:
    return [link for link in index.links if link.source.kind == "spec" and link.field == "prd"]


def is_stale(link: Link) -> bool:
    prd = link.item
    current = prd.fields.get("version") if prd else None
    return bool(link.version and current and version_key(link.version) < version_key(current))


def requirements(index: Index, prds: list[str] | None = None) -> list[Item]:
    """This project's requirements (imported ones are another project's to cover)."""
    return [r for r in index.of_kind("requirement") if not r.external and (prds is None or r.fields.get("prd") in prds)]


@dataclass
class Section:
    name: str
    title: str
    headers: list[str] = field(default_factory=list)
    rows: list[list[list[Cell]]] = field(default_factory=list)
    summary: list[Cell] = field(default_factory=list)


def coverage(index: Index, prds: list[str] | None = None) -> dict[str | None, tuple[int, int]]:
    """PRD ID (None: all) -> (satisfied, total) requirements."""
    done = satisfied_by(index)
    out: dict[str | None, tuple[int, int]] = {}
    total = [0, 0]
    for req in requirements(index, prds):
        prd = req.fields.get("prd")
        hit, count = out.get(prd, (0, 0))
        covered = int(bool(done.get(req.id)))
        out[prd] = (hit + covered, count + 1)
        total[0] += covered
        total[1] += 1
    out[None] = (total[0], total[1])
    return out


def percent(hit: int, total: int) -> str:
    return f"{100 * hit / total:.0f}%" if total else "n/a"


def findings(
    index: Index, specs: list[str] | None = None, prds: list[str] | None = None
) -> dict[str, list[tuple[Item, str, list[Cell]]]]:
    """Every gap, by problem subtype: (where, message, cells for the report)."""
    out: dict[str, list[tuple[Item, str, list[Cell]]]] = defaultdict(list)
    done = satisfied_by(index)
    for req in requirements(index, prds):
        if not done.get(req.id) and not req.external:
            out["uncovered-requirement"].append(
                (req, f"requirement {req.id!r} is satisfied by no spec item", [self_ref(req)])
            )
    for spec in index.of_kind("spec", specs):
        if not spec.external and not spec.fields.get("prd") and not is_placeholder(spec.raw.get("prd", "")):
            out["spec-without-prd"].append((spec, f"spec {spec.id!r} names no PRD (:prd:)", [self_ref(spec)]))
    cited = citations(index)
    # in a project with no spec of its own (an ADR log), nothing could cite an ADR: not a gap
    has_specs = any(not spec.external for spec in index.of_kind("spec"))
    for adr in index.of_kind("adr"):
        if has_specs and not adr.external and not cited.get(adr.id):
            out["uncited-adr"].append(
                (adr, f"ADR {adr.id!r} is cited by no spec (:adrs:) or item (:decided-by:)", [self_ref(adr)])
            )
    for link in index.links:
        source, target = link.source, link.item
        if source.external or not _in_scope(source, specs):
            continue
        if (
            link.field in CITING_FIELDS
            and target is not None
            and target.fields.get("status") in ("superseded", "rejected", "deprecated")
        ):
            status = target.fields["status"]
            successor = target.fields.get("superseded-by")
            tail = f"; it is superseded by {successor!r}" if successor else ""
            cells: list[Cell] = [self_ref(source), " cites ", self_ref(target), f" ({status})"]
            if successor:
                cells += [", superseded by ", Ref("adr", successor, successor, target.docname)]
            out["superseded-adr"].append(
                (source, f"{source.mention} cites ADR {target.id!r}, which is {status}{tail}", cells)
            )
        if link.field == "prd" and source.kind == "spec" and is_stale(link):
            assert target is not None
            current = target.fields["version"]
            out["stale-prd"].append(
                (
                    source,
                    f"spec {source.id!r} was written against {target.id} {link.version}; the PRD is now at {current}",
                    [self_ref(source), f" written against {link.version}, ", self_ref(target), f" is at {current}"],
                )
            )
        if link.resolution.status == "unknown":  # external sources were skipped above
            out["unknown-ref"].append(
                (
                    source,
                    "",
                    [self_ref(source), f" :{link.field}: \N{RIGHTWARDS ARROW} {KINDS[link.kind].noun} {link.target!r}"],
                )
            )
    graph = build_graph(index)
    for cycle in graph.cycles():
        # every node of a cycle has an edge out of it, so is a declared component
        members = [item for key in cycle if (item := graph.nodes[key].item) is not None]
        first = members[0]
        if not _in_scope(first, specs):
            continue
        path = " \N{RIGHTWARDS ARROW} ".join([*cycle, cycle[0]])
        cells = _join(self_ref(item) for item in members)
        out["dependency-cycle"].append((first, f"components depend on each other in a cycle: {path}", cells))
    for suspect in suspects(index):
        if _in_scope(suspect.link.source, specs):
            out["suspect-link"].append((suspect.link.source, suspect.message, suspect.cells()))
    return out


#: report sections: finding subtype -> title
REPORT_SECTIONS = {
    "uncovered-requirement": "Requirements no spec satisfies",
    "spec-without-prd": "Specs with no PRD",
    "uncited-adr": "ADRs nothing cites",
    "superseded-adr": "Citations of superseded, rejected or deprecated ADRs",
    "stale-prd": "Specs written against an older PRD version",
    "unknown-ref": "References to unknown IDs",
    "dependency-cycle": "Dependency cycles",
    "suspect-link": "Suspect links: targets changed since they were pinned",
}


def problems(index: Index) -> list[Problem]:
    """The report's findings as warnings (unknown references are the index's own)."""
    out = []
    for subtype, entries in findings(index).items():
        if subtype in ("unknown-ref", "suspect-link"):
            continue  # the index's and suspect.problems()' own
        for item, message, _ in entries:
            out.append(Problem(subtype, message, item.docname, item.lineno))
    return out


def report(index: Index, specs: list[str] | None = None, prds: list[str] | None = None) -> list[Section]:
    cover = coverage(index, prds)
    head = Section("coverage", "Requirement coverage", ["PRD", "Satisfied", "Requirements", "Coverage"])
    for prd, (hit, total) in sorted(cover.items(), key=lambda kv: (kv[0] is None, kv[0] or "")):
        prd_item = index.get("prd", prd) if prd else None
        name: list[Cell] = [Ref("prd", prd, prd, prd_item.docname if prd_item else "")] if prd else ["All PRDs"]
        head.rows.append([name, [str(hit)], [str(total)], [percent(hit, total)]])
    hit, total = cover[None]
    head.summary = [f"{hit} of {total} requirements satisfied ({percent(hit, total)})."]
    sections = [head]
    found = findings(index, specs, prds)
    for subtype, title in REPORT_SECTIONS.items():
        section = Section(subtype, title, ["Finding"])
        section.rows = [[cells] for _, _, cells in found.get(subtype, [])]
        sections.append(section)
    return sections


#: the kind of a matrix's rows, by its pivot (``:rows:``)
MATRIX_ROWS = {"prd": "requirement", "spec": "spec", "adr": "adr"}


def matrix(
    index: Index,
    rows: str,
    specs: list[str] | None,
    prds: list[str] | None,
    select: Callable[[list[Item]], list[Item]] = list,
) -> tuple[list[str], list[list[list[Cell]]]]:
    """The traceability matrix, pivoted by ``prd`` (requirements), ``spec`` or ``adr``;
    ``select`` filters and orders the row items (a table filter's rows)."""
    done = satisfied_by(index)
    cited = citations(index)
    pins = prd_pins(index)
    # each spec's pins, satisfied requirements, cited ADRs and items, gathered in
    # one pass (not one per row: that is quadratic in specs and requirements)
    pins_of: dict[str, list[Link]] = defaultdict(list)
    for link in pins:
        pins_of[link.source.id].append(link)
    reqs_of: dict[str | None, set[str]] = defaultdict(set)
    adrs_of: dict[str | None, set[str]] = defaultdict(set)
    for link in index.links:
        if link.item is not None and link.field == "satisfies":
            reqs_of[link.source.spec].add(link.item.id)
        if link.item is not None and link.field in CITING_FIELDS:
            adrs_of[link.source.spec].add(link.item.id)
    out: list[list[list[Cell]]] = []
    if rows == "spec":
        items_of = Counter(i.spec for i in index.items)
        headers = ["Spec", "Version", "PRD (written against)", "Satisfies", "ADRs", "Items"]
        for spec in select(index.of_kind("spec", specs)):
            pinned: list[Cell] = []
            for link in (p for p in pins_of[spec.id] if p.source is spec):
                pinned += ([", "] if pinned else []) + [Ref("prd", link.target, link.target, spec.docname)]
                if link.version:
                    pinned.append(f" @{link.version}" + (" (stale)" if is_stale(link) else ""))
            reqs = sorted(reqs_of[spec.id])
            adrs = sorted(adrs_of[spec.id])
            count = items_of[spec.id] - (spec.spec == spec.id)
            out.append(
                [
                    [self_ref(spec)],
                    [spec.fields.get("version", "")],
                    pinned,
                    _join(Ref("requirement", r, r, spec.docname) for r in reqs),
                    _join(Ref("adr", a, a, spec.docname) for a in adrs),
                    [str(count)],
                ]
            )
        return headers, out
    if rows == "adr":
        headers = ["ADR", "Status", "Cited by", "Superseded by"]
        for adr in select(index.of_kind("adr")):
            sources = [link.source for link in cited.get(adr.id, []) if _in_scope(link.source, specs)]
            successor = adr.fields.get("superseded-by")
            out.append(
                [
                    [self_ref(adr)],
                    [adr.fields.get("status", "")],
                    _join(self_ref(s, s.qualified_id) for s in sources),
                    [Ref("adr", successor, successor, adr.docname)] if successor else [],
                ]
            )
        return headers, out
    headers = ["PRD", "Requirement", "Priority", "Satisfied by", "Specs (PRD version)", "ADRs"]
    for req in select(requirements(index, prds)):
        items = [i for i in done.get(req.id, []) if _in_scope(i, specs)]
        spec_ids = sorted({i.spec for i in items if i.spec})
        spec_cells: list[Cell] = []
        for spec_id in spec_ids:
            spec_cells += ([", "] if spec_cells else []) + [Ref("spec", spec_id, spec_id, req.docname)]
            for link in pins_of[spec_id]:
                if link.target == req.fields.get("prd") and link.version:
                    spec_cells.append(f" @{link.version}" + (" (stale)" if is_stale(link) else ""))
        adrs = sorted({adr for spec_id in spec_ids for adr in adrs_of[spec_id]})
        prd = req.fields.get("prd")
        out.append(
            [
                [Ref("prd", prd, prd, req.docname)] if prd else [],
                [self_ref(req)],
                [req.fields.get("priority", "")],
                _join(self_ref(i, i.qualified_id) for i in items),
                spec_cells,
                _join(Ref("adr", a, a, req.docname) for a in adrs),
            ]
        )
    return headers, out
