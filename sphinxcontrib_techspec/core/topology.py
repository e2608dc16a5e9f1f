"""The component graph from ``:depends-on:``, laid out in layers and drawn as SVG.

Drawn here in plain Python, so the picture needs no external program: it
renders the same on Read the Docs, offline and in CI. The layout is a small
Sugiyama-style one: dependants above their dependencies, longest-path layers,
two barycentre sweeps to reduce crossings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from .index import Index
from .model import Item

BOX_H = 46
LAYER_GAP = 70
BOX_GAP = 28
CHAR_W = 7.2
PAD = 16


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

    def cycles(self) -> list[list[str]]:
        successors: dict[str, list[str]] = {k: [] for k in self.nodes}
        for a, b in self.edges:
            successors[a].append(b)
        return find_cycles(successors)


def build_graph(index: Index, specs: Iterable[str] | None = None) -> Graph:
    graph = Graph()
    chosen = index.of_kind("component", specs)
    seen: set[tuple[str, str]] = set()
    for item in chosen:
        graph.nodes[item.qualified_id] = Node(item.qualified_id, item.id, item.fields.get("framework", ""), item)
    for link in index.links:
        if link.source.kind != "component" or link.field != "depends-on" or link.source.qualified_id not in graph.nodes:
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
    successors: dict[str, list[str]] = {k: [] for k in graph.nodes}
    for a, b in graph.edges:
        successors[a].append(b)
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


def layout(graph: Graph) -> tuple[float, float]:
    """Assign layers and x positions; returns the drawing's width and height."""
    dependants: dict[str, list[str]] = {k: [] for k in graph.nodes}
    for a, b in graph.edges:
        dependants[b].append(a)
    # longest path from the top over the edges left once those closing a cycle are set aside
    closing = back_edges(graph)
    below: dict[str, list[str]] = {k: [] for k in graph.nodes}
    waiting = {k: 0 for k in graph.nodes}
    for a, b in sorted(set(graph.edges) - closing):
        below[a].append(b)
        waiting[b] += 1
    ready = sorted(k for k, n in waiting.items() if not n)
    for key in graph.nodes:
        graph.nodes[key].layer = 0
    while ready:  # Kahn's order: every dependant is placed before its dependencies
        key = ready.pop(0)
        for b in below[key]:
            graph.nodes[b].layer = max(graph.nodes[b].layer, graph.nodes[key].layer + 1)
            waiting[b] -= 1
            if not waiting[b]:
                ready.append(b)
    layers: dict[int, list[str]] = {}
    for key in sorted(graph.nodes):
        layers.setdefault(graph.nodes[key].layer, []).append(key)
    for node in graph.nodes.values():
        node.width = max(len(node.label), len(node.sublabel) * 0.85) * CHAR_W + 2 * PAD
    position: dict[str, float] = {}
    for sweep in range(2):
        for number in sorted(layers):
            row = layers[number]
            if sweep or number:
                row.sort(key=lambda k: (_barycentre(k, dependants, position), k))
            for i, key in enumerate(row):
                position[key] = i
    width = max(
        (sum(graph.nodes[k].width for k in row) + BOX_GAP * (len(row) - 1) for row in layers.values()), default=0
    )
    for row in layers.values():
        used = sum(graph.nodes[k].width for k in row) + BOX_GAP * (len(row) - 1)
        x = (width - used) / 2
        for key in row:
            graph.nodes[key].x = x
            x += graph.nodes[key].width + BOX_GAP
    height = len(layers) * BOX_H + max(len(layers) - 1, 0) * LAYER_GAP
    return width, height


def _barycentre(key: str, dependants: dict[str, list[str]], position: dict[str, float]) -> float:
    placed = [position[p] for p in dependants[key] if p in position]
    return sum(placed) / len(placed) if placed else position.get(key, 0)


def _edge_path(src: Node, dst: Node) -> list[tuple[float, float]]:
    """Start, two control points and end of one edge's cubic curve, in layout coordinates.

    Downward edges run from the bottom of the dependant to the top of the
    dependency. Edges that close a cycle bend around the boxes instead of
    cutting through them: upwards along the right side, over (or under) the
    row when both ends share a layer, and as a loop for a self-dependency."""
    y_src, y_dst = src.layer * (BOX_H + LAYER_GAP), dst.layer * (BOX_H + LAYER_GAP)
    cx_src, cx_dst = src.x + src.width / 2, dst.x + dst.width / 2
    if dst.layer > src.layer:
        y1, y2 = y_src + BOX_H, y_dst
        mid = (y1 + y2) / 2
        return [(cx_src, y1), (cx_src, mid), (cx_dst, mid), (cx_dst, y2)]
    if src is dst:
        right, bulge = src.x + src.width, LAYER_GAP * 0.6
        return [
            (right, y_src + BOX_H * 0.3),
            (right + bulge, y_src - BOX_H * 0.2),
            (right + bulge, y_src + BOX_H * 1.2),
            (right, y_src + BOX_H * 0.7),
        ]
    if dst.layer == src.layer:
        # left to right arcs over the row, right to left under it: a two-node cycle shows two arcs
        rise = LAYER_GAP * 0.45 + abs(cx_dst - cx_src) * 0.12
        if cx_src < cx_dst:
            return [(cx_src, y_src), (cx_src, y_src - rise), (cx_dst, y_dst - rise), (cx_dst, y_dst)]
        y1 = y_src + BOX_H
        return [(cx_src, y1), (cx_src, y1 + rise), (cx_dst, y1 + rise), (cx_dst, y1)]
    # upwards: out of the right side, around the column, into the right side
    x1, x2 = src.x + src.width, dst.x + dst.width
    bulge = LAYER_GAP * 0.5 + (src.layer - dst.layer) * 12
    out = max(x1, x2) + bulge
    return [(x1, y_src + BOX_H / 2), (out, y_src + BOX_H / 2), (out, y_dst + BOX_H / 2), (x2, y_dst + BOX_H / 2)]


def svg(graph: Graph, href: Callable[[Item], str | None]) -> str:
    """The graph as a standalone SVG; every component links to its anchor."""
    if not graph.nodes:
        return ""
    width, height = layout(graph)
    margin = 12
    paths = [(a, b, _edge_path(graph.nodes[a], graph.nodes[b])) for a, b in graph.edges]
    # a curve stays inside its control points, so they bound the drawing
    xs = [0.0, width, *(x for _, _, pts in paths for x, _ in pts)]
    ys = [0.0, height, *(y for _, _, pts in paths for _, y in pts)]
    ox, oy = margin - min(xs), margin - min(ys)
    total_w, total_h = max(xs) - min(xs) + 2 * margin, max(ys) - min(ys) + 2 * margin

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="techspec-topology" role="img" '
        f'viewBox="0 0 {total_w:.0f} {total_h:.0f}" width="{total_w:.0f}" height="{total_h:.0f}" '
        f'aria-label="Component topology">',
        "<defs><marker id='ts-arrow' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='8' "
        "markerHeight='8' orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z' fill='#555'/></marker></defs>",
    ]
    cyclic = {(a, b) for cycle in graph.cycles() for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True)}
    for a, b, points in paths:
        src, dst = graph.nodes[a], graph.nodes[b]
        (x1, y1), (c1x, c1y), (c2x, c2y), (x2, y2) = ((x + ox, y + oy) for x, y in points)
        colour = "#c0392b" if (a, b) in cyclic else "#555"
        parts.append(
            f'<path d="M{x1:.1f},{y1:.1f} C{c1x:.1f},{c1y:.1f} {c2x:.1f},{c2y:.1f} {x2:.1f},{y2:.1f}" '
            f'fill="none" stroke="{colour}" stroke-width="1.5" marker-end="url(#ts-arrow)">'
            f"<title>{escape(src.label)} depends on {escape(dst.label)}</title></path>"
        )
    styles = {
        "local": ("#eef4fb", "#2c6fb7", ""),
        "other": ("#f6f6f6", "#888", ' stroke-dasharray="5,3"'),
        "unknown": ("#fdecea", "#c0392b", ' stroke-dasharray="3,3"'),
    }
    for key in sorted(graph.nodes):
        node = graph.nodes[key]
        fill, stroke, dash = styles[node.status]
        x, y = ox + node.x, oy + node.layer * (BOX_H + LAYER_GAP)
        box = (
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{node.width:.1f}" height="{BOX_H}" rx="6" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>'
            f'<text x="{x + node.width / 2:.1f}" y="{y + (19 if node.sublabel else 28):.1f}" '
            f'text-anchor="middle" font-family="sans-serif" font-size="13" font-weight="bold" fill="#222">'
            f"{escape(node.label)}</text>"
        )
        if node.sublabel:
            box += (
                f'<text x="{x + node.width / 2:.1f}" y="{y + 36:.1f}" text-anchor="middle" '
                f'font-family="sans-serif" font-size="11" fill="#555">{escape(node.sublabel)}</text>'
            )
        tip = f"<title>{escape(node.key)}{' (' + node.status + ')' if node.status != 'local' else ''}</title>"
        link = href(node.item) if node.item else None
        if link:
            parts.append(f'<a href={quoteattr(link)} class="techspec-topology-node">{tip}{box}</a>')
        else:
            parts.append(f'<g class="techspec-topology-node">{tip}{box}</g>')
    parts.append("</svg>")
    return "\n".join(parts)
