"""The one index built per build: every item, every link, resolved once.

Every aggregate (tables, topology, matrix, report, export) reads this index;
none of them re-filters the raw items.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable
from dataclasses import dataclass
from functools import cached_property

from .kinds import KINDS
from .model import Item, Problem, split_target


def sort_key(item: Item) -> tuple[str, str, str, str, int]:
    return (item.kind, item.spec or "", item.id, item.docname, item.lineno)


@dataclass(frozen=True)
class Resolution:
    item: Item | None
    #: ``ok``, ``unknown`` or ``ambiguous`` (resolved to the first candidate)
    status: str
    candidates: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Link:
    source: Item
    field: str
    kind: str
    target: str
    version: str | None
    resolution: Resolution

    @property
    def item(self) -> Item | None:
        return self.resolution.item


class Index:
    def __init__(self, items: Iterable[Item], outside: Iterable[Item] = ()) -> None:
        self.items: list[Item] = sorted(items, key=sort_key)
        #: targets that are no techspec items (sphinx-needs needs), by (kind, ID): the
        #: last resort of a reference that names no item; never listed, counted or exported
        self.outside: dict[tuple[str, str], Item] = {(i.kind, i.id): i for i in outside}
        self.by_kind: dict[str, list[Item]] = defaultdict(list)
        self._by_kind_id: dict[tuple[str, str], list[Item]] = defaultdict(list)
        self._by_key: dict[tuple[str, str | None, str], list[Item]] = defaultdict(list)
        for item in self.items:
            self.by_kind[item.kind].append(item)
            self._by_kind_id[(item.kind, item.id)].append(item)
            self._by_key[item.key].append(item)
        # the first of duplicates wins: local before external, then by document order
        for group in (*self._by_kind_id.values(), *self._by_key.values()):
            group.sort(key=lambda i: (i.external is not None, i.docname, i.lineno))

    def of_kind(self, kind: str, specs: Iterable[str] | None = None) -> list[Item]:
        items = self.by_kind.get(kind, [])
        if specs is None:
            return items
        wanted = set(specs)
        return [i for i in items if i.owning_spec in wanted]

    def named(self, kind: str, item_id: str) -> list[Item]:
        """Every item of ``kind`` with that ID, in any spec."""
        return self._by_kind_id.get((kind, item_id), [])

    @cached_property
    def naming(self) -> dict[tuple[str, str], list[Item]]:
        """(kind, ID) -> the items whose references name it (resolved or not)."""
        out: dict[tuple[str, str], list[Item]] = defaultdict(list)
        for link in self.links:
            group = out[(link.kind, split_target(link.target)[1])]
            if not group or group[-1] is not link.source:
                group.append(link.source)
        return out

    def get(self, kind: str, item_id: str) -> Item | None:
        group = self._by_kind_id.get((kind, item_id))
        return group[0] if group else None

    def resolve(self, kind: str, target: str, from_spec: str | None = None) -> Resolution:
        """Same spec first, then the only item of that ID elsewhere; ``SPEC::ID`` is exact."""
        spec, item_id = split_target(target)
        if kind not in KINDS:
            return Resolution(None, "unknown")
        if KINDS[kind].project_scoped:
            # their IDs are unique project-wide, so ``SPEC::ADR-1`` means ADR-1 unless an ID holds ``::``
            group = self._by_kind_id.get((kind, target.strip()), []) or self._by_kind_id.get((kind, item_id), [])
        elif spec is not None:
            group = self._by_key.get((kind, spec, item_id), [])
        else:
            group = self._by_key.get((kind, from_spec, item_id), []) if from_spec else []
            if not group:
                group = self._by_kind_id.get((kind, item_id), [])
                specs = {i.spec for i in group}
                if len(specs) > 1:
                    return Resolution(group[0], "ambiguous", tuple(group))
        if not group:
            found = self.outside.get((kind, target.strip()))
            return Resolution(found, "ok", (found,)) if found else Resolution(None, "unknown")
        return Resolution(group[0], "ok", tuple(group))

    def component_of(self, item: Item) -> Item | None:
        """The component an item sits on (its ``:component:``), when that names one."""
        name = item.fields.get("component")
        return self.resolve("component", name, item.spec).item if name else None

    @cached_property
    def served(self) -> dict[tuple[str, str | None, str], list[Item]]:
        """Each component's API endpoints (by the component's key), in index order."""
        out: dict[tuple[str, str | None, str], list[Item]] = defaultdict(list)
        for endpoint in self.of_kind("api-endpoint"):
            component = self.component_of(endpoint)
            if component is not None:
                out[component.key].append(endpoint)
        return out

    @cached_property
    def links(self) -> list[Link]:
        out = []
        for item in self.items:
            for field, kind, target, version in item.references():
                out.append(Link(item, field, kind, target, version, self.resolve(kind, target, item.spec)))
        return out

    @cached_property
    def links_to(self) -> dict[tuple[str, str | None, str], list[Link]]:
        out: dict[tuple[str, str | None, str], list[Link]] = defaultdict(list)
        for link in self.links:
            if link.item is not None:
                out[link.item.key].append(link)
        return out

    @cached_property
    def links_from(self) -> dict[tuple[str, str | None, str], list[Link]]:
        """Each item's own links, by its key."""
        out: dict[tuple[str, str | None, str], list[Link]] = defaultdict(list)
        for link in self.links:
            out[link.source.key].append(link)
        return out

    def duplicates(self) -> list[list[Item]]:
        return [group for group in self._by_key.values() if len(group) > 1]

    def problems(self, refined: Container[tuple[str, str]] = ()) -> list[Problem]:
        """Cross-item problems: duplicates and references that do not resolve.

        ``refined``: (item kind, field) pairs whose unknown references a more
        specific check reports (``undeclared-error``); they are left to it."""
        out = []
        for group in self.duplicates():
            first = group[0]
            for other in group[1:]:
                if other.external:
                    continue
                out.append(
                    Problem(
                        "duplicate-id",
                        f"{other.mention} is declared twice in "
                        f"{'the project' if other.declaration.project_scoped else 'spec ' + repr(other.spec)}; "
                        f"the first is at {first.docname}:{first.lineno}",
                        other.docname,
                        other.lineno,
                    )
                )
        for link in self.links:
            source = link.source
            if source.external:
                continue
            if link.resolution.status == "unknown" and (source.kind, link.field) not in refined:
                out.append(
                    Problem(
                        "unknown-ref",
                        f"{source.mention}: :{link.field}: names {KINDS[link.kind].noun} {link.target!r}, "
                        "which no document declares",
                        source.docname,
                        source.lineno,
                    )
                )
            elif link.resolution.status == "ambiguous":
                where = ", ".join(sorted(str(c.spec) for c in link.resolution.candidates))
                out.append(
                    Problem(
                        "ambiguous-ref",
                        f"{source.mention}: :{link.field}: {KINDS[link.kind].noun} {link.target!r} "
                        f"exists in several specs ({where}); write SPEC::{link.target} to choose",
                        source.docname,
                        source.lineno,
                    )
                )
        return out
