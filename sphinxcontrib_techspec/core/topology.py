"""The component graph from ``:depends-on:``, laid out in layers and drawn as SVG or TikZ.

Drawn here in plain Python, so the picture needs no external program: it
renders the same on Read the Docs, offline and in CI. The layout is the
standard layered (Sugiyama) one:

1. cycles are broken by reversing the edges that close them (drawn upwards);
2. longest-path layers put every dependant above its dependencies;
3. an edge spanning several layers gets a dummy node in each layer it
   crosses, so it is routed through a free slot of that layer, never
   through a box;
4. barycentre sweeps down and up, with adjacent swaps, reduce crossings
   (the best order seen is kept);
5. x positions come from a weighted least-squares fit to each node's
   neighbours under the order's spacing constraints (isotonic regression),
   so long edges run straight.

Edges are drawn as a smooth curve in each gap between layers and a straight
line through each layer they cross: a curve stays inside its control points,
all of which lie in the gap (at least ``STUB`` from either row), where there
are no boxes.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from .index import Index
from .model import Item

BOX_H = 46
LAYER_GAP = 70
BOX_GAP = 28
#: space between an edge passing through a layer and a box, or another edge
EDGE_GAP = 14
EDGE_SPACING = 10
PAD = 16
#: how far a self-dependency's loop reaches right of its box
LOOP = 18
LABEL_SIZE = 13
SUBLABEL_SIZE = 11
ARROW = 8
#: the straight start and end of an edge's curve across a gap
STUB = 10
#: the key prefix of the dummy nodes that carry long edges through a layer
DUMMY = "\x00"

# Advance widths in em, rounded up from DejaVu Sans Bold (the widest common
# default sans-serif), so a label fits its box whichever sans the reader has.
_NARROW, _THIN, _WIDE, _WIDEST = "ijlI!|.,:;'`", ' frt()-[]{}/\\"*', "mw", "MW@%"


def text_width(text: str, size: float) -> float:
    """A conservative estimate of ``text``'s width in a bold sans-serif at ``size`` px."""
    em = 0.0
    for char in text:
        if char in _NARROW:
            em += 0.40
        elif char in _THIN:
            em += 0.52
        elif char in _WIDE:
            em += 1.06
        elif char in _WIDEST:
            em += 1.10
        elif char.isascii() and (char.isupper() or char.isdigit()):
            em += 0.86
        elif char.isascii():
            em += 0.74
        else:
            em += 1.0  # accented, CJK and symbols: a full em
    return em * size


@dataclass
class Node:
    key: str
    label: str
    sublabel: str = ""
    item: Item | None = None
    #: ``local`` (in the narrowed specs), ``other`` (outside them), ``unknown`` (declared nowhere)
    status: str = "local"
    layer: int = 0
    x: float = 0.0
    width: float = 0.0


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)

    def successors(self) -> dict[str, list[str]]:
        """Each node's dependencies, in edge order (every node has an entry)."""
        out: dict[str, list[str]] = {k: [] for k in self.nodes}
        for a, b in self.edges:
            out[a].append(b)
        return out

    def cycles(self) -> list[list[str]]:
        return find_cycles(self.successors())

    def cyclic_edges(self) -> set[tuple[str, str]]:
        """The edges that lie on a cycle (drawn as such)."""
        return {(a, b) for cycle in self.cycles() for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True)}


def build_graph(index: Index, specs: Iterable[str] | None = None) -> Graph:
    graph = Graph()
    chosen = index.of_kind("component", specs)
    seen: set[tuple[str, str]] = set()
    for item in chosen:
        graph.nodes[item.qualified_id] = Node(item.qualified_id, item.id, item.fields.get("framework", ""), item)
    local = set(graph.nodes)
    for link in index.links:
        # only the chosen components' own edges: what their dependencies depend on is another picture's
        if link.source.kind != "component" or link.field != "depends-on" or link.source.qualified_id not in local:
            continue
        target = link.item
        key = target.qualified_id if target else f"?{link.target}"
        if key not in graph.nodes:
            graph.nodes[key] = (
                Node(key, target.id, target.fields.get("framework", ""), target, "other")
                if target
                else Node(key, link.target, "not declared", None, "unknown")
            )
        edge = (link.source.qualified_id, key)
        if edge not in seen:
            seen.add(edge)
            graph.edges.append(edge)
    return graph


def find_cycles(successors: dict[str, list[str]]) -> list[list[str]]:
    """Elementary cycles, one per strongly connected component (Tarjan), each
    rotated to start at its smallest key so the answer is deterministic."""
    counter = [0]
    low: dict[str, int] = {}
    number: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(start: str) -> None:
        work = [(start, iter(sorted(successors.get(start, []))))]
        number[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in number:
                    number[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(successors.get(child, [])))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], number[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == number[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1 or node in successors.get(node, []):
                        out.append(_cycle_path(sorted(component), successors))

    for key in sorted(successors):
        if key not in number:
            visit(key)
    return sorted(out)


def _cycle_path(members: list[str], successors: dict[str, list[str]]) -> list[str]:
    """The shortest cycle through the smallest member of a strongly connected set.

    Breadth-first, so a walk can never wander into a corner of the set that only
    leads back through nodes it already used."""
    inside = set(members)
    start = members[0]
    parent: dict[str, str] = {}
    queue = [start]
    for node in queue:
        for nxt in sorted(successors.get(node, [])):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return path[::-1]
            if nxt in inside and nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return [start]  # pragma: no cover - a strongly connected set always closes


def back_edges(graph: Graph) -> set[tuple[str, str]]:
    """Edges that close a cycle in a depth-first walk (sorted, so deterministic):
    leaving out just these keeps the rest of a cycle flowing downwards."""
    successors = graph.successors()
    state: dict[str, int] = {}  # 1: on the walk's path, 2: done
    out: set[tuple[str, str]] = set()
    for root in sorted(graph.nodes):
        if root in state:
            continue
        state[root] = 1
        work = [(root, iter(sorted(successors[root])))]
        while work:
            node, children = work[-1]
            for child in children:
                if state.get(child) == 1:
                    out.add((node, child))
                elif child not in state:
                    state[child] = 1
                    work.append((child, iter(sorted(successors[child]))))
                    break
            else:
                state[node] = 2
                work.pop()
    return out


Point = tuple[float, float]


@dataclass
class Route:
    """One drawn edge: ``source`` depends on ``target``."""

    source: str
    target: str
    #: from the dependant to its dependency; the pieces alternate between a
    #: curve across a gap between layers and a straight line through a layer
    points: list[Point]
    #: a self-dependency: straight lines looping beside the box
    loop: bool = False
    #: drawn against the layering, because the edge closes a cycle
    upwards: bool = False

    def pieces(self, trim: float = 0.0) -> list[list[Point]]:
        """Straight segments ``[a, b]`` and cubic curves ``[a, c1, c2, b]``;
        ``trim`` shortens the last one (so a line ends at its arrowhead's base)."""
        out: list[list[Point]] = []
        for i in range(1, len(self.points)):
            (x0, y0), (x1, y1) = self.points[i - 1], self.points[i]
            if self.loop or i % 2 == 0:
                out.append([(x0, y0), (x1, y1)])
            else:
                # straight out of one row and into the next, so even a very flat
                # curve keeps STUB away from every box of either row
                step = STUB if y1 > y0 else -STUB
                top, bottom, mid = y0 + step, y1 - step, (y0 + y1) / 2
                out += [
                    [(x0, y0), (x0, top)],
                    [(x0, top), (x0, mid), (x1, mid), (x1, bottom)],
                    [(x1, bottom), (x1, y1)],
                ]
        if trim:
            (tx, ty), (px, py) = out[-1][-1], out[-1][-2]
            length = abs(tx - px) + abs(ty - py)  # the last piece ends straight along an axis
            out[-1][-1] = (tx - (tx - px) / length * trim, ty - (ty - py) / length * trim)
        return out

    def head(self) -> list[Point]:
        """The arrowhead: a triangle whose tip is the route's end, on the dependency's box."""
        (tx, ty), (px, py) = self.pieces()[-1][-1], self.pieces()[-1][-2]
        length = abs(tx - px) + abs(ty - py)
        ux, uy = (tx - px) / length, (ty - py) / length
        bx, by = tx - ux * ARROW, ty - uy * ARROW
        half = ARROW / 2
        return [(tx, ty), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)]


@dataclass
class Layout:
    width: float
    height: float
    #: each layer's nodes left to right, the dummies (keys starting with DUMMY) included
    order: list[list[str]]
    #: (upper, lower): the nodes joined across a gap, one pair per piece of a route
    segments: list[tuple[str, str]]
    routes: list[Route]

    @property
    def crossings(self) -> int:
        return count_crossings(self.order, self.segments)


def layer_top(layer: int) -> float:
    return layer * (BOX_H + LAYER_GAP)


def count_crossings(order: list[list[str]], segments: Iterable[tuple[str, str]]) -> int:
    """Pairs of segments between the same two layers that cross (an inversion count)."""
    pos: dict[str, int] = {}
    layer_of: dict[str, int] = {}
    for number, row in enumerate(order):
        for i, key in enumerate(row):
            pos[key], layer_of[key] = i, number
    gaps: dict[int, list[tuple[int, int]]] = {}
    for a, b in segments:
        gaps.setdefault(layer_of[a], []).append((pos[a], pos[b]))
    total = 0
    for pairs in gaps.values():
        pairs.sort()
        seen: list[int] = []
        for _, lower in pairs:
            total += len(seen) - bisect.bisect_right(seen, lower)
            bisect.insort(seen, lower)
    return total


def layout(graph: Graph) -> Layout:
    """Layers, order and coordinates of every node (``layer``, ``x``, ``width``) and every edge's route."""
    for node in graph.nodes.values():
        node.width = max(text_width(node.label, LABEL_SIZE), text_width(node.sublabel, SUBLABEL_SIZE)) + 2 * PAD
    closing = back_edges(graph)
    # (upper, lower, upwards) for every edge but self-dependencies; those closing a cycle reversed
    flow = [(b, a, True) if (a, b) in closing else (a, b, False) for a, b in graph.edges if a != b]
    layer = _layers(graph, flow)
    # each edge as a chain of nodes, one per layer: a dummy where it passes through a layer
    chains: list[list[str]] = []
    upper: dict[str, list[str]] = {key: [] for key in graph.nodes}
    lower: dict[str, list[str]] = {key: [] for key in graph.nodes}
    for number, (a, b, _) in enumerate(flow):
        chain = [a, *(f"{DUMMY}{number}:{lay}" for lay in range(layer[a] + 1, layer[b])), b]
        for key in chain[1:-1]:
            layer[key] = int(key.rpartition(":")[2])
            upper[key], lower[key] = [], []
        for above, below in itertools.pairwise(chain):
            lower[above].append(below)
            upper[below].append(above)
        chains.append(chain)
    order: list[list[str]] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
    for key in sorted(layer):
        order[layer[key]].append(key)
    segments = [(a, b) for chain in chains for a, b in itertools.pairwise(chain)]
    order = _order(order, segments, upper, lower)
    looped = {a for a, b in graph.edges if a == b}
    x = _coordinates(graph, order, upper, lower, looped)
    for key, node in graph.nodes.items():
        node.layer, node.x = layer[key], x[key] - node.width / 2
    width = max((x[k] + _right(graph, k, looped) for row in order for k in row), default=0.0)
    height = len(order) * BOX_H + max(len(order) - 1, 0) * LAYER_GAP
    return Layout(width, height, order, segments, _routes(graph, flow, chains, x, layer))


def _layers(graph: Graph, flow: list[tuple[str, str, bool]]) -> dict[str, int]:
    """Longest-path layers (every dependant above its dependencies), then each
    node nothing depends on sinks to just above its highest dependency."""
    above: dict[str, list[str]] = {key: [] for key in graph.nodes}
    below: dict[str, list[str]] = {key: [] for key in graph.nodes}
    waiting = dict.fromkeys(graph.nodes, 0)
    for a, b, _ in flow:
        below[a].append(b)
        above[b].append(a)
        waiting[b] += 1
    layer = dict.fromkeys(graph.nodes, 0)
    ready = sorted(key for key, count in waiting.items() if not count)
    for key in ready:  # Kahn's order; ``ready`` grows while it is walked
        for b in below[key]:
            layer[b] = max(layer[b], layer[key] + 1)
            waiting[b] -= 1
            if not waiting[b]:
                ready.append(b)
    for key in graph.nodes:
        if below[key] and not above[key]:
            layer[key] = min(layer[b] for b in below[key]) - 1
    return layer


def _order(
    order: list[list[str]], segments: list[tuple[str, str]], upper: dict[str, list[str]], lower: dict[str, list[str]]
) -> list[list[str]]:
    """Barycentre sweeps down and up with adjacent swaps, from the sorted order;
    the order with the fewest crossings seen is kept."""
    pos = {key: i for row in order for i, key in enumerate(row)}
    best, fewest = [list(row) for row in order], count_crossings(order, segments)
    swaps = sum(map(len, order)) <= 3000  # swaps cost a pass over every pair of neighbours
    stale = 0
    for _ in range(24):
        if not fewest or stale >= 3:
            break
        for row in order[1:]:
            _by_barycentre(row, upper, pos)
        for row in order[-2::-1]:
            _by_barycentre(row, lower, pos)
        if swaps:
            _transpose(order, upper, lower, pos)
        count = count_crossings(order, segments)
        if count < fewest:
            best, fewest, stale = [list(row) for row in order], count, 0
        else:
            stale += 1
    return best


def _by_barycentre(row: list[str], neighbours: dict[str, list[str]], pos: dict[str, int]) -> None:
    def key(node: str) -> tuple[float, int]:
        placed = [pos[n] for n in neighbours[node]]
        return (sum(placed) / len(placed) if placed else pos[node], pos[node])

    row.sort(key=key)
    for i, node in enumerate(row):
        pos[node] = i


def _transpose(
    order: list[list[str]], upper: dict[str, list[str]], lower: dict[str, list[str]], pos: dict[str, int]
) -> None:
    """Swap neighbours in a row while that removes crossings."""

    def crossing(left: str, right: str) -> int:
        return sum(pos[a] > pos[b] for nb in (upper, lower) for a in nb[left] for b in nb[right])

    for _ in range(4):
        swapped = False
        for row in order:
            for i in range(len(row) - 1):
                a, b = row[i], row[i + 1]
                if crossing(b, a) < crossing(a, b):
                    row[i], row[i + 1] = b, a
                    pos[a], pos[b] = i + 1, i
                    swapped = True
        if not swapped:
            return


def _right(graph: Graph, key: str, looped: set[str]) -> float:
    """How far a node reaches right of its centre (a self-dependency's loop included)."""
    if key.startswith(DUMMY):
        return 0.0
    return graph.nodes[key].width / 2 + (LOOP + 4 if key in looped else 0)


def _separation(graph: Graph, left: str, right: str, looped: set[str]) -> float:
    dummies = left.startswith(DUMMY) + right.startswith(DUMMY)
    gap = (BOX_GAP, EDGE_GAP, EDGE_SPACING)[dummies]
    width = 0.0 if right.startswith(DUMMY) else graph.nodes[right].width / 2
    return _right(graph, left, looped) + gap + width


def _coordinates(
    graph: Graph, order: list[list[str]], upper: dict[str, list[str]], lower: dict[str, list[str]], looped: set[str]
) -> dict[str, float]:
    """Each node's centre: rows packed, then fitted to their neighbours down,
    up and both ways (dummies weigh more, so long edges straighten)."""
    seps = [[_separation(graph, a, b, looped) for a, b in itertools.pairwise(row)] for row in order]
    x: dict[str, float] = {}
    for row, sep in zip(order, seps, strict=True):
        at = 0.0
        for i, key in enumerate(row):
            at += sep[i - 1] if i else 0.0
            x[key] = at
    n = len(order)
    passes: list[tuple[range, tuple[dict[str, list[str]], ...]]] = []
    for _ in range(4):
        passes += [(range(1, n), (upper,)), (range(n - 2, -1, -1), (lower,))]
    passes += [(range(n), (upper, lower))] * 2
    for rows, neighbours in passes:
        for number in rows:
            _fit(order[number], seps[number], neighbours, x)
    left = min(x[k] - (0.0 if k.startswith(DUMMY) else graph.nodes[k].width / 2) for row in order for k in row)
    return {key: value - left for key, value in x.items()}


def _fit(row: list[str], seps: list[float], neighbours: tuple[dict[str, list[str]], ...], x: dict[str, float]) -> None:
    """Move a row's nodes (in their order, spaced at least ``seps``) as close as
    possible, in least squares, to the mean x of their neighbours."""
    desired: list[float] = []
    weights: list[float] = []
    for key in row:
        placed = [x[n] for nb in neighbours for n in nb[key]]
        if placed:
            desired.append(sum(placed) / len(placed))
            weights.append(len(placed) * (8.0 if key.startswith(DUMMY) else 1.0))
        else:
            desired.append(x[key])
            weights.append(0.05)
    for key, value in zip(row, isotonic_placement(desired, weights, seps), strict=True):
        x[key] = value


def isotonic_placement(desired: list[float], weights: list[float], seps: list[float]) -> list[float]:
    """Minimise the weighted squared distance to ``desired`` subject to
    ``x[i + 1] >= x[i] + seps[i]``: with the offsets taken out this is isotonic
    regression, solved exactly by pooling adjacent violators."""
    offsets = [0.0]
    for sep in seps:
        offsets.append(offsets[-1] + sep)
    blocks: list[list[float]] = []  # [value, weight, count]
    for want, offset, weight in zip(desired, offsets, weights, strict=True):
        blocks.append([want - offset, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            value, w, count = blocks.pop()
            blocks[-1] = [
                (blocks[-1][0] * blocks[-1][1] + value * w) / (blocks[-1][1] + w),
                blocks[-1][1] + w,
                blocks[-1][2] + count,
            ]
    values = [value for value, _, count in blocks for _ in range(int(count))]
    return [value + offset for value, offset in zip(values, offsets, strict=True)]


def _port(node: Node, index: int, count: int) -> float:
    """Where the ``index``-th of ``count`` edges meets a box side: spread around its middle."""
    middle = node.x + node.width / 2
    if count == 1:
        return middle
    spacing = min(14.0, (node.width - 2 * PAD) / (count - 1))
    return middle + (index - (count - 1) / 2) * spacing


def _routes(
    graph: Graph, flow: list[tuple[str, str, bool]], chains: list[list[str]], x: dict[str, float], layer: dict[str, int]
) -> list[Route]:
    leaving: dict[str, list[tuple[float, int]]] = {}
    entering: dict[str, list[tuple[float, int]]] = {}
    for number, chain in enumerate(chains):
        leaving.setdefault(chain[0], []).append((x[chain[1]], number))
        entering.setdefault(chain[-1], []).append((x[chain[-2]], number))
    start: dict[int, float] = {}
    end: dict[int, float] = {}
    for ports, side in ((leaving, start), (entering, end)):
        for key, edges in ports.items():
            edges.sort()  # ordered by where the other end lies, so edges do not cross at the box
            for i, (_, number) in enumerate(edges):
                side[number] = _port(graph.nodes[key], i, len(edges))
    routes: list[Route] = []
    chain_of = iter(range(len(chains)))
    for a, b in graph.edges:
        if a == b:
            node = graph.nodes[a]
            right, top = node.x + node.width, layer_top(node.layer)
            loop = [(right, top + BOX_H * 0.3), (right + LOOP, top + BOX_H * 0.3)]
            loop += [(right + LOOP, top + BOX_H * 0.7), (right, top + BOX_H * 0.7)]
            routes.append(Route(a, b, loop, loop=True))
            continue
        number = next(chain_of)
        chain, upwards = chains[number], flow[number][2]
        points = [(start[number], layer_top(layer[chain[0]]) + BOX_H)]
        for dummy in chain[1:-1]:
            points += [(x[dummy], layer_top(layer[dummy])), (x[dummy], layer_top(layer[dummy]) + BOX_H)]
        points.append((end[number], layer_top(layer[chain[-1]])))
        routes.append(Route(a, b, points[::-1] if upwards else points, upwards=upwards))
    return routes


def _fmt(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _path_data(route: Route, dx: float, dy: float) -> str:
    pieces = route.pieces(trim=ARROW * 0.6)
    out = [f"M{_fmt(pieces[0][0][0] + dx)},{_fmt(pieces[0][0][1] + dy)}"]
    for piece in pieces:
        command = "L" if len(piece) == 2 else "C"
        out.append(command + " ".join(f"{_fmt(px + dx)},{_fmt(py + dy)}" for px, py in piece[1:]))
    return " ".join(out)


def svg(graph: Graph, href: Callable[[Item], str | None]) -> str:
    """The graph as an SVG at its natural size; every component links to its anchor.

    Colours come from CSS classes (``techspec-topology-*``, styled by
    ``techspec-graphics.css`` from the theme's own colours); the attributes
    only say ``currentColor``, so even unstyled it follows the page's text."""
    if not graph.nodes:
        return ""
    drawn = layout(graph)
    margin = 12.0
    total_w, total_h = drawn.width + 2 * margin, drawn.height + 2 * margin
    label = f"Component topology: {len(graph.nodes)} components, {len(graph.edges)} dependencies"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="techspec-topology techspec-graphic" role="img" '
        f'viewBox="0 0 {total_w:.0f} {total_h:.0f}" width="{total_w:.0f}" height="{total_h:.0f}" '
        f"aria-label={quoteattr(label)}>"
    ]
    cyclic = graph.cyclic_edges()
    for route in drawn.routes:
        src, dst = graph.nodes[route.source], graph.nodes[route.target]
        classes = "techspec-topology-edge" + (
            " techspec-topology-cycle" if (route.source, route.target) in cyclic else ""
        )
        head = " L".join(f"{_fmt(px + margin)},{_fmt(py + margin)}" for px, py in route.head())
        parts.append(
            f'<g class="{classes}"><title>{escape(src.label)} depends on {escape(dst.label)}</title>'
            f'<path class="techspec-topology-line" d="{_path_data(route, margin, margin)}" fill="none" '
            f'stroke="currentColor" stroke-width="1.5"/>'
            f'<path class="techspec-topology-head" d="M{head} Z" fill="currentColor"/></g>'
        )
    for key in sorted(graph.nodes):
        node = graph.nodes[key]
        x, y = margin + node.x, margin + layer_top(node.layer)
        middle = x + node.width / 2
        box = (
            f'<rect class="techspec-topology-box techspec-topology-{node.status}" x="{_fmt(x)}" y="{_fmt(y)}" '
            f'width="{_fmt(node.width)}" height="{BOX_H}" rx="6" fill="currentColor" fill-opacity="0.06" '
            f'stroke="currentColor" stroke-width="1.5"/>'
            f'<text class="techspec-topology-label" x="{_fmt(middle)}" y="{_fmt(y + (19 if node.sublabel else 28))}" '
            f'text-anchor="middle" font-family="sans-serif" font-size="{LABEL_SIZE}" font-weight="bold" '
            f'fill="currentColor">{escape(node.label)}</text>'
        )
        if node.sublabel:
            box += (
                f'<text class="techspec-topology-sublabel" x="{_fmt(middle)}" y="{_fmt(y + 36)}" '
                f'text-anchor="middle" font-family="sans-serif" font-size="{SUBLABEL_SIZE}" '
                f'fill="currentColor">{escape(node.sublabel)}</text>'
            )
        tip = f"<title>{escape(node.key)}{' (' + node.status + ')' if node.status != 'local' else ''}</title>"
        link = href(node.item) if node.item else None
        if link:
            parts.append(f'<a href={quoteattr(link)} class="techspec-topology-node">{tip}{box}</a>')
        else:
            parts.append(f'<g class="techspec-topology-node">{tip}{box}</g>')
    parts.append("</svg>")
    return "\n".join(parts)


def tikz(graph: Graph, tex_escape: Callable[[str], str]) -> str:
    """The same layout as a TikZ picture (1 px of the SVG is 0.75 pt, as in CSS),
    scaled down to the text width or page height where it is larger."""
    if not graph.nodes:
        return ""
    drawn = layout(graph)
    cyclic = graph.cyclic_edges()

    def at(point: Point) -> str:
        return f"({_fmt(point[0])},{_fmt(point[1])})"

    lines = [
        r"\begin{tikzpicture}[x=0.75pt,y=-0.75pt,line width=0.8pt,line join=round]",
    ]
    for route in drawn.routes:
        colour = "red!70!black" if (route.source, route.target) in cyclic else "black!65"
        path = [at(route.pieces(trim=ARROW * 0.6)[0][0])]
        for piece in route.pieces(trim=ARROW * 0.6):
            if len(piece) == 2:
                path.append(f"-- {at(piece[1])}")
            else:
                path.append(f".. controls {at(piece[1])} and {at(piece[2])} .. {at(piece[3])}")
        lines.append(f"\\draw[{colour}] {' '.join(path)};")
        lines.append(f"\\fill[{colour}] {' -- '.join(at(p) for p in route.head())} -- cycle;")
    fills = {"local": "blue!6", "other": "black!4", "unknown": "red!6"}
    strokes = {"local": "blue!55!black", "other": "black!55,dashed", "unknown": "red!70!black,densely dashed"}
    for key in sorted(graph.nodes):
        node = graph.nodes[key]
        top = layer_top(node.layer)
        middle = node.x + node.width / 2
        lines.append(
            f"\\draw[fill={fills[node.status]},draw={strokes[node.status]},rounded corners=4.5pt] "
            f"{at((node.x, top))} rectangle {at((node.x + node.width, top + BOX_H))};"
        )
        label_y = top + (19 if node.sublabel else 28)
        lines.append(
            f"\\node[anchor=base,inner sep=0pt,font=\\sffamily\\bfseries\\fontsize{{9.75}}{{11}}\\selectfont] "
            f"at {at((middle, label_y))} {{{tex_escape(node.label)}}};"
        )
        if node.sublabel:
            lines.append(
                f"\\node[anchor=base,inner sep=0pt,font=\\sffamily\\fontsize{{8.25}}{{10}}\\selectfont] "
                f"at {at((middle, top + 36))} {{{tex_escape(node.sublabel)}}};"
            )
    lines.append(r"\end{tikzpicture}")
    picture = "\n".join(lines)
    return (
        "\\par\\begingroup\\centering\n"
        f"\\setbox0=\\hbox{{%\n{picture}}}%\n"
        "\\ifdim\\wd0>\\linewidth\\setbox0=\\hbox{\\resizebox{\\linewidth}{!}{\\box0}}\\fi\n"
        "\\ifdim\\ht0>0.8\\textheight\\setbox0=\\hbox{\\resizebox{!}{0.8\\textheight}{\\box0}}\\fi\n"
        "\\noindent\\box0\\par\\endgroup\n"
    )
