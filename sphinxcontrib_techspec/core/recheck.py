"""Cross-document checks again after an edit, for the items the edit can affect.

Every finding of the checks (``Index.problems``, ``trace``, ``review``,
``suspect``) is located at one item, its *subject*, and is a function of a
small neighbourhood of it: the items it names, the items that name it, the
items of its own kind and ID (duplicates, ambiguity), the items naming what
it names (a retry policy and the SLOs on the same component), and for a data
class the retention of the same name. Dependency cycles read further (the
whole component graph) and an ADR's citation matters only in a project with
a spec (``READ_WHOLE``, ``WIDENS``). A check that reads anything else must
say so here; ``tests/test_recheck.py`` compares against full runs.

So after an edit that changed the items of some (kind, ID) keys, the subjects
whose findings may differ are the items of those keys, the items naming them,
the items naming what the changed items name (before or after the edit), and
every item of a document read again. The checks run on a small index of
those subjects, their neighbourhoods and every component; their findings
replace the subjects' (and every cycle) in the findings kept from the last
build, and every other kept finding stands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from .index import Index
from .model import Item, Problem, split_target

Key = tuple[str, str]
Location = tuple[str | None, int | None]

#: findings that read more than a neighbourhood: recomputed whole every time
GLOBAL_SUBTYPES = frozenset({"dependency-cycle"})

#: a kind whose findings read another kind's items of the same name (case-insensitively)
NAMESAKES = {"data-class": "retention", "retention": "data-class"}

#: kinds every run reads whole: components (the cycles), specs (an ADR is uncited
#: only in a project with a spec of its own)
READ_WHOLE = ("component", "spec")

#: a change to an item of the kind re-checks every item of these kinds
#: (the first spec of a project makes its ADRs' citations matter)
WIDENS = {"spec": ("adr",)}


def targets(item: Item) -> set[Key]:
    """(kind, ID) of everything the item names."""
    return {(kind, split_target(target)[1]) for _, kind, target, _ in item.references()}


class Neighbours:
    """Who names whom, and who shares a name, over one index (read off its links)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.naming = index.naming
        self.namesakes: dict[tuple[str, str], list[Item]] = defaultdict(list)
        for kind in NAMESAKES:
            for item in index.of_kind(kind):
                self.namesakes[(kind, item.id.casefold())].append(item)

    def by_key(self, key: Key) -> list[Item]:
        return self.index.named(*key)

    def subjects(self, keys: Iterable[Key], docs: Iterable[str]) -> list[Item]:
        """Items whose findings may differ after the items of ``keys`` changed
        (``keys`` holds, too, what they named before and after) and ``docs`` were read."""
        chosen: dict[int, Item] = {}
        wanted = set(docs)
        for item in self.index.items:
            if item.docname in wanted:
                chosen[id(item)] = item
        for key in keys:
            for item in (*self.by_key(key), *self.naming.get(key, ())):
                chosen[id(item)] = item
            for kind in WIDENS.get(key[0], ()):
                chosen.update((id(i), i) for i in self.index.of_kind(kind))
            other = NAMESAKES.get(key[0])
            if other:
                for item in self.namesakes.get((other, key[1].casefold()), ()):
                    chosen[id(item)] = item
        return list(chosen.values())

    def read_by(self, subjects: Iterable[Item]) -> list[Item]:
        """The subjects, everything their checks read, and the kinds read whole."""
        out: dict[int, Item] = {id(i): i for kind in READ_WHOLE for i in self.index.of_kind(kind)}
        for subject in subjects:
            group = [subject, *self.by_key((subject.kind, subject.id))]
            group += self.naming.get((subject.kind, subject.id), ())
            for key in targets(subject):
                group += self.by_key(key)
                group += self.naming.get(key, ())
            other = NAMESAKES.get(subject.kind)
            if other:
                group += self.namesakes.get((other, subject.id.casefold()), ())
            out.update((id(i), i) for i in group)
        return list(out.values())


def recheck(
    index: Index,
    kept: list[Problem],
    keys: Iterable[Key],
    docs: Iterable[str],
    run: Callable[[Index], list[Problem]],
    most: float = 0.25,
) -> list[Problem]:
    """The findings of ``run`` over ``index``, given those it gave before an edit
    (``kept``), the keys the edit changed (with what they named before and after)
    and the documents read again: ``run`` reads only the items it must, unless
    the subjects are more than ``most`` of the project (a plain run is then no dearer)."""
    docs = set(docs)
    neighbours = Neighbours(index)
    subjects = neighbours.subjects(keys, docs)
    if len(subjects) > most * len(index.items):
        return run(index)
    places: set[Location] = {(s.docname, s.lineno) for s in subjects}
    local = Index(neighbours.read_by(subjects), index.outside.values())
    out = [
        p
        for p in kept
        if p.docname not in docs and (p.docname, p.lineno) not in places and p.subtype not in GLOBAL_SUBTYPES
    ]
    out += [p for p in run(local) if (p.docname, p.lineno) in places or p.subtype in GLOBAL_SUBTYPES]
    return out
