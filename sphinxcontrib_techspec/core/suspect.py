"""Suspect links: a pinned reference whose target changed after it was pinned.

Any reference may carry a pin, ``ID@pin``, recording the state of the target
its author read:

- an item whose kind has a ``version`` (``prd``, ``spec``) is pinned by that
  version: ``:related: SPEC-B@1.2``;
- every other item (requirements, ADRs, ...) is pinned by its fingerprint, the
  12 hex digits shown as *Pin* on its card and exported as ``fingerprint``
  (any prefix of at least 6 digits will do): ``:satisfies: REQ-1@3f2a9c``.

When the target's version or content (options or text) no longer matches the
pin, the link is *suspect* until its author reviews the change and writes the
new pin, which the warning spells out. A spec's ``:prd:`` version is left to
the ``stale-prd`` finding. With ``techspec_require_pins`` on, the links that
claim something of their target (``:satisfies:``, ``:decided-by:``,
``:adrs:`` and a spec's ``:prd:``) must be pinned.

Everything here is a function of the current sources, so a clean and an
incremental build report the same links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .index import Index, Link
from .kinds import PINNED_FIELDS
from .model import Item, Problem
from .present import Cell, Ref, self_ref
from .values import Version, version_key

#: shortest fingerprint prefix accepted as a pin
MIN_PREFIX = 6
_HEX = re.compile(r"[0-9a-f]+")


def by_version(item: Item) -> bool:
    """Items of kinds with a ``version`` field are pinned by version, the rest by fingerprint."""
    return item.declaration.field("version") is not None


def current_pin(item: Item) -> str | None:
    """What to write after ``@`` to pin ``item`` as it is now (None: it has no valid version)."""
    if by_version(item):
        version = item.fields.get("version")
        return str(version) if version else None
    return item.fingerprint


def _same_version(pin: str, current: str) -> bool | None:
    try:
        return version_key(str(Version().parse(pin))) == version_key(current)
    except ValueError:
        return None


def _same_fingerprint(pin: str, current: str) -> bool | None:
    pin = pin.lower()
    if not MIN_PREFIX <= len(pin) <= len(current) or not _HEX.fullmatch(pin):
        return None
    return current.startswith(pin)


@dataclass(frozen=True)
class Suspect:
    link: Link
    #: what the link says
    pin: str
    #: what it should say now
    current: str
    #: the pin is not even a version or a fingerprint
    malformed: bool = False

    @property
    def target(self) -> Item:
        assert self.link.item is not None
        return self.link.item

    @property
    def acknowledge(self) -> str:
        """The exact reference text that acknowledges the change."""
        return f":{self.link.field}: {self.link.target}@{self.current}"

    @property
    def message(self) -> str:
        source, target, link = self.link.source, self.target, self.link
        head = f"{source.mention}: :{link.field}: {link.target}@{self.pin}"
        if self.malformed:
            what = (
                f"version (like {self.current})"
                if by_version(target)
                else f"fingerprint ({MIN_PREFIX} to 12 hex digits)"
            )
            return (
                f"{head} is suspect: {self.pin!r} is not a {what} of {target.mention}; "
                f"write `{self.acknowledge}` to pin it as it is now"
            )
        if by_version(target):
            change = f"{target.mention} is now at version {self.current} (pinned at {self.pin})"
        else:
            change = (
                f"{target.mention} changed (its options or text) after it was pinned "
                f"(pinned fingerprint {self.pin}, now {self.current})"
            )
        return f"{head} is suspect: {change}; review the change, then write `{self.acknowledge}` to acknowledge it"

    def cells(self) -> list[Cell]:
        """The report row: source, the pinned link, and the pin it should have now."""
        target = self.target
        return [
            self_ref(self.link.source, self.link.source.qualified_id),
            f" :{self.link.field}: ",
            Ref(target.kind, target.qualified_id, target.id, self.link.source.docname),
            f" @{self.pin} \N{RIGHTWARDS ARROW} @{self.current}",
        ]


def _checked(link: Link) -> bool:
    """Local, resolved links; a spec's PRD version is the ``stale-prd`` finding's business."""
    return (
        link.item is not None and not link.source.external and not (link.source.kind == "spec" and link.field == "prd")
    )


def suspects(index: Index) -> list[Suspect]:
    out = []
    for link in index.links:
        if not link.version or not _checked(link):
            continue
        assert link.item is not None
        current = current_pin(link.item)
        if current is None:
            continue
        compare = _same_version if by_version(link.item) else _same_fingerprint
        same = compare(link.version, current)
        if same is not True:
            out.append(Suspect(link, link.version, current, malformed=same is None))
    return out


def unpinned(index: Index) -> list[Problem]:
    """Links that must be pinned (``techspec_require_pins``) and are not."""
    out = []
    for link in index.links:
        source = link.source
        wanted = link.field in PINNED_FIELDS or (source.kind == "spec" and link.field == "prd")
        if not wanted or link.version or link.item is None or source.external:
            continue
        current = current_pin(link.item)
        hint = f"; write `:{link.field}: {link.target}@{current}` to pin it as it is now" if current else ""
        out.append(
            Problem(
                "unpinned-link",
                f"{source.mention}: :{link.field}: {link.target} is not pinned (techspec_require_pins is on){hint}",
                source.docname,
                source.lineno,
            )
        )
    return out


def problems(index: Index, require_pins: bool = False) -> list[Problem]:
    """``suspect-link`` for every pin that no longer matches; ``unpinned-link`` when pins are required."""
    out = [Problem("suspect-link", s.message, s.link.source.docname, s.link.source.lineno) for s in suspects(index)]
    if require_pins:
        out += unpinned(index)
    return out
