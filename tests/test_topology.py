"""The component graph: cycles, node status, layout and the SVG drawing."""

from __future__ import annotations

import itertools
import random
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ExampleDocs, build, write_project
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinxcontrib_techspec.core import topology as t
from sphinxcontrib_techspec.core.index import Index
from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.core.model import Item, build_item

SVG = "{http://www.w3.org/2000/svg}"
Point = tuple[float, float]


def component(item_id: str, spec: str | None = "S", depends: str = "", framework: str = "") -> Item:
    options = {k: v for k, v in (("depends-on", depends), ("framework", framework)) if v}
    item = build_item(KINDS["component"], item_id, options, "", f"specs/{spec}", 1)
    item.spec = spec
    return item


def href(item: Item) -> str:
    return f"page.html#{item.id}"


def test_find_cycles() -> None:
    graph = {"c": ["a"], "a": ["b"], "b": ["c", "d"], "d": [], "e": ["e"], "f": ["g"], "g": []}
    assert t.find_cycles(graph) == [["a", "b", "c"], ["e"]]


def test_find_cycles_is_deterministic() -> None:
    edges = [("x", "y"), ("y", "x"), ("m", "n"), ("n", "o"), ("o", "m"), ("o", "x")]
    answers = set()
    for order in (edges, edges[::-1], sorted(edges), edges[2:] + edges[:2]):
        graph: dict[str, list[str]] = {}
        for a, b in order:
            graph.setdefault(a, []).append(b)
        answers.add(repr(t.find_cycles(graph)))
    assert answers == {repr([["m", "n", "o"], ["x", "y"]])}


def test_cycle_path_is_a_real_cycle_when_a_greedy_walk_would_dead_end() -> None:
    # from a, the smallest next steps are b then c; c only leads back to b, so the cycle is a-b-d
    graph = {"a": ["b"], "b": ["c", "d"], "c": ["b"], "d": ["a"]}
    assert t.find_cycles(graph) == [["a", "b", "d"]]


def test_no_cycles() -> None:
    assert t.find_cycles({"a": ["b"], "b": ["c"], "c": []}) == []


def test_build_graph_marks_other_and_unknown_nodes() -> None:
    index = Index(
        [
            component("api", "A", "db, ghost, B::cache", "FastAPI"),
            component("db", "A"),
            component("cache", "B", framework="Redis"),
        ]
    )
    graph = t.build_graph(index, ["A"])
    status = {key: (node.label, node.sublabel, node.status) for key, node in graph.nodes.items()}
    assert status == {
        "A::api": ("api", "FastAPI", "local"),
        "A::db": ("db", "", "local"),
        "B::cache": ("cache", "Redis", "other"),
        "?ghost": ("ghost", "not declared", "unknown"),
    }
    assert sorted(graph.edges) == [("A::api", "?ghost"), ("A::api", "A::db"), ("A::api", "B::cache")]
    everything = t.build_graph(index)
    assert everything.nodes["B::cache"].status == "local"


def test_build_graph_keeps_one_edge_per_pair() -> None:
    graph = t.build_graph(Index([component("api", depends="db, db"), component("db")]))
    assert graph.edges == [("S::api", "S::db")]


def test_layout_puts_dependants_above_dependencies() -> None:
    graph = t.build_graph(Index([component("web", depends="api"), component("api", depends="db"), component("db")]))
    t.layout(graph)
    assert [graph.nodes[k].layer for k in ("S::web", "S::api", "S::db")] == [0, 1, 2]


def test_layout_of_a_cycle_keeps_one_edge_upwards() -> None:
    graph = t.build_graph(
        Index([component("a", depends="b"), component("b", depends="c"), component("c", depends="a")])
    )
    drawn = t.layout(graph)
    assert [graph.nodes[k].layer for k in ("S::a", "S::b", "S::c")] == [0, 1, 2]
    assert t.back_edges(graph) == {("S::c", "S::a")}
    assert [(r.source, r.target) for r in drawn.routes if r.upwards] == [("S::c", "S::a")]


def test_a_node_nothing_depends_on_sits_just_above_its_dependency() -> None:
    """Longest-path layers would put ``d`` at the top, three layers above ``c``."""
    graph = t.build_graph(
        Index([component("a", depends="b"), component("b", depends="c"), component("c"), component("d", depends="c")])
    )
    t.layout(graph)
    assert graph.nodes["S::d"].layer == graph.nodes["S::c"].layer - 1 == 1


def test_layout_boxes_do_not_overlap() -> None:
    items = [component(f"c{n}", depends="hub") for n in range(5)] + [component("hub")]
    graph = t.build_graph(Index(items))
    drawn = t.layout(graph)
    row = sorted((n for n in graph.nodes.values() if n.layer == 0), key=lambda n: n.x)
    assert len(row) == 5
    for left, right in itertools.pairwise(row):
        assert left.x + left.width + t.BOX_GAP <= right.x + 1e-6
    assert row[0].x >= 0 and row[-1].x + row[-1].width <= drawn.width + 1e-6


def test_edges_meet_a_box_at_spread_ports_ordered_by_their_other_end() -> None:
    """Five dependants of one hub: five arrowheads side by side on the hub's top, not one on another,
    and in the dependants' left-to-right order, so the edges do not cross at the box."""
    items = [component(f"c{n}", depends="hub") for n in range(5)] + [component("hub")]
    graph = t.build_graph(Index(items))
    drawn = t.layout(graph)
    ends = sorted((graph.nodes[r.source].x, r.points[-1][0]) for r in drawn.routes)
    tips = [x for _, x in ends]
    assert tips == sorted(tips) and len(set(tips)) == 5
    hub = graph.nodes["S::hub"]
    assert all(hub.x < x < hub.x + hub.width for x in tips)
    assert drawn.crossings == 0


def test_isotonic_placement_is_the_least_squares_fit_under_the_spacing() -> None:
    # two nodes wanting the same spot share the difference; far apart, each gets its wish
    assert t.isotonic_placement([0, 0], [1, 1], [10]) == [-5, 5]
    assert t.isotonic_placement([0, 100], [1, 1], [10]) == [0, 100]
    # a heavy node moves less: (x - 0)^2 * 3 + (x + 10 - 0)^2 is least at x = -2.5
    assert t.isotonic_placement([0, 0], [3, 1], [10]) == [-2.5, 7.5]
    # out of order wishes are pooled: all three at the weighted mean, spaced
    assert t.isotonic_placement([30, 20, 10], [1, 1, 1], [5, 5]) == [15, 20, 25]


def brute_crossings(order: list[list[str]], segments: list[tuple[str, str]]) -> int:
    pos = {k: (n, i) for n, row in enumerate(order) for i, k in enumerate(row)}
    count = 0
    for (a1, b1), (a2, b2) in itertools.combinations(segments, 2):
        if pos[a1][0] == pos[a2][0] and (pos[a1][1] - pos[a2][1]) * (pos[b1][1] - pos[b2][1]) < 0:
            count += 1
    return count


def test_count_crossings_is_the_pairs_of_segments_that_cross() -> None:
    rnd = random.Random(7)
    for _ in range(30):
        order = [[f"{n}.{i}" for i in range(rnd.randint(1, 6))] for n in range(4)]
        segments = [
            (rnd.choice(order[n]), rnd.choice(order[n + 1])) for n in range(3) for _ in range(rnd.randint(0, 8))
        ]
        for row in order:
            rnd.shuffle(row)
        assert t.count_crossings(order, segments) == brute_crossings(order, segments)


def test_crossings_fall_to_zero_where_the_graph_allows() -> None:
    """In sorted order a -> d and b -> c cross; swapping c and d removes it."""
    graph = t.Graph({k: t.Node(k, k) for k in "abcd"}, [("a", "d"), ("b", "c")])
    drawn = t.layout(graph)
    assert brute_crossings([sorted(row) for row in drawn.order], drawn.segments) == 1
    assert drawn.crossings == 0
    # a tree of three levels draws without a crossing too
    tree = t.Graph({k: t.Node(k, k) for k in "rabxyzw"}, [("r", "a"), ("r", "b"), ("a", "y"), ("b", "x"), ("a", "w")])
    tree.edges += [("b", "z")]
    assert t.layout(tree).crossings == 0


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_svg_escapes_labels_and_links_nodes() -> None:
    index = Index([component("<script>", depends='db"&'), component('db"&', framework="<b>pg</b>")])
    drawing = t.svg(t.build_graph(index), href)
    assert "<script>" not in drawing
    assert "&lt;script&gt;" in drawing
    assert "<b>" not in drawing
    root = parse(drawing)  # well-formed XML despite the hostile names
    links = {a.get("href") for a in root.iter(f"{SVG}a")}
    assert links == {"page.html#<script>", 'page.html#db"&'}
    labels = [t_.text for t_ in root.iter(f"{SVG}text")]
    assert "<script>" in labels and "<b>pg</b>" in labels


def test_svg_unlinked_nodes_are_groups() -> None:
    drawing = t.svg(t.build_graph(Index([component("api", depends="ghost")])), lambda item: None)
    root = parse(drawing)
    assert list(root.iter(f"{SVG}a")) == []
    nodes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "techspec-topology-node"]
    assert [g.find(f"{SVG}title").text for g in nodes] == ["?ghost (unknown)", "S::api"]  # type: ignore[union-attr]


def test_svg_of_nothing_is_empty() -> None:
    assert t.svg(t.Graph(), href) == ""


def test_svg_colours_come_from_classes_and_the_page_not_fixed_fills() -> None:
    """Every colour is ``currentColor`` (or none) and each part has a class the stylesheet colours,
    so the picture follows a dark theme; the box classes say which status a box has."""
    index = Index([component("a", "A", "b, ghost, B::c"), component("b", "A", depends="a"), component("c", "B")])
    drawing = t.svg(t.build_graph(index, ["A"]), href)
    colours = set(re.findall(r'(?:fill|stroke)="([^"]*)"', drawing))
    assert colours == {"currentColor", "none"}
    assert "style=" not in drawing and "#" not in re.sub(r'href="[^"]*"', "", drawing)
    root = parse(drawing)
    classes = {c for el in root.iter() for c in (el.get("class") or "").split()}
    assert {
        "techspec-topology-box",
        "techspec-topology-local",
        "techspec-topology-other",
        "techspec-topology-unknown",
        "techspec-topology-edge",
        "techspec-topology-cycle",
        "techspec-topology-line",
        "techspec-topology-head",
        "techspec-topology-label",
    } <= classes
    cycle = [g for g in root.iter(f"{SVG}g") if "techspec-topology-cycle" in (g.get("class") or "")]
    assert sorted(g.find(f"{SVG}title").text for g in cycle) == ["a depends on b", "b depends on a"]  # type: ignore[union-attr]
    css = (Path(t.__file__).parent.parent / "sphinx" / "static" / "techspec-graphics.css").read_text()
    # a local box has the plain box's look
    for name in classes - {"techspec-topology", "techspec-graphic", "techspec-topology-local"}:
        assert f".{name}" in css, name


# -- the geometry, read back from the SVG as a browser would draw it


@dataclass
class Edge:
    source: str
    target: str
    segments: list[tuple[tuple[float, float], tuple[float, float]]]
    classes: str


@dataclass
class Picture:
    width: float
    height: float
    #: node key -> (x0, y0, x1, y1)
    boxes: dict[str, tuple[float, float, float, float]]
    #: node key -> its label and sublabel as drawn
    labels: dict[str, list[str]]
    edges: list[Edge]


def _bezier(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 16) -> list[Point]:
    out = []
    for i in range(steps + 1):
        s = i / steps
        a, b, c, d = (1 - s) ** 3, 3 * s * (1 - s) ** 2, 3 * s * s * (1 - s), s**3
        out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return out


def flatten(d: str) -> list[tuple[Point, Point]]:
    """An SVG path (M, L, C, Z) as straight segments; curves sampled finely."""
    segments: list[tuple[Point, Point]] = []
    start = here = (0.0, 0.0)
    for command, args in re.findall(r"([MLCZ])([^MLCZ]*)", d):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", args)]
        points = list(zip(numbers[::2], numbers[1::2], strict=True))
        if command == "M":
            start = here = points[0]
        elif command == "L":
            for point in points:
                segments.append((here, point))
                here = point
        elif command == "C":
            for i in range(0, len(points), 3):
                curve = _bezier(here, *points[i : i + 3])
                segments += list(itertools.pairwise(curve))
                here = points[i + 2]
        else:
            segments.append((here, start))
            here = start
    return segments


def read_picture(svg: str) -> Picture:
    root = parse(svg)
    _, _, width, height = (float(n) for n in (root.get("viewBox") or "").split())
    boxes, labels, by_label = {}, {}, {}
    for node in root:
        if node.get("class") != "techspec-topology-node":
            continue
        rect, title = node.find(f"{SVG}rect"), node.find(f"{SVG}title")
        assert rect is not None and title is not None
        key = (title.text or "").split(" (")[0]
        x, y, w, h = (float(rect.get(k, 0)) for k in ("x", "y", "width", "height"))
        boxes[key] = (x, y, x + w, y + h)
        labels[key] = [text.text or "" for text in node.iter(f"{SVG}text")]
        by_label[labels[key][0]] = key
    edges = []
    for group in root.iter(f"{SVG}g"):
        if "techspec-topology-edge" not in (group.get("class") or ""):
            continue
        title = group.find(f"{SVG}title")
        assert title is not None
        source, _, target = (title.text or "").partition(" depends on ")
        segments = [seg for path in group.iter(f"{SVG}path") for seg in flatten(path.get("d", ""))]
        edges.append(Edge(by_label[source], by_label[target], segments, group.get("class") or ""))
    return Picture(width, height, boxes, labels, edges)


def hits(segment: tuple[Point, Point], box: tuple[float, float, float, float], margin: float) -> bool:
    """Whether the segment passes within ``margin`` of the box (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = segment
    left, top, right, bottom = box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin
    lo, hi = 0.0, 1.0
    for p, q in ((x0 - x1, x0 - left), (x1 - x0, right - x0), (y0 - y1, y0 - top), (y1 - y0, bottom - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        r = q / p
        if p < 0:
            lo = max(lo, r)
        else:
            hi = min(hi, r)
        if lo > hi:
            return False
    return True


def test_hits_is_segment_box_intersection() -> None:
    box = (10.0, 10.0, 20.0, 20.0)
    assert hits(((0, 15), (30, 15)), box, 0)  # straight through
    assert hits(((0, 0), (30, 30)), box, 0)  # diagonally through
    assert not hits(((0, 0), (30, 5)), box, 0)  # above
    assert not hits(((0, 21), (30, 21)), box, 0)  # just under it
    assert hits(((0, 21), (30, 21)), box, 2)  # ... but within the margin
    assert not hits(((0, 21), (9, 30)), box, 2)  # away from a corner
    assert hits(((12, 12), (14, 14)), box, 0)  # inside


def geometry_problems(picture: Picture, margin: float = 2.0) -> list[str]:
    """Every way the picture breaks the rules: an edge through a box that is not one of its
    ends, overlapping boxes, a label wider than its box, anything outside the drawing."""
    problems = []
    # boxes bucketed by their rows: only boxes whose rows a segment reaches are tested
    rows: dict[tuple[float, float], list[str]] = {}
    for key, (_, y0, _, y1) in picture.boxes.items():
        rows.setdefault((y0, y1), []).append(key)
    for edge in picture.edges:
        for segment in edge.segments:
            low, high = sorted((segment[0][1], segment[1][1]))
            for (y0, y1), keys in rows.items():
                if y0 - margin > high or y1 + margin < low:
                    continue
                for key in keys:
                    if key not in (edge.source, edge.target) and hits(segment, picture.boxes[key], margin):
                        problems.append(f"{edge.source} -> {edge.target} passes through {key}")
            for x, y in segment:
                if not (0 <= x <= picture.width and 0 <= y <= picture.height):
                    problems.append(f"{edge.source} -> {edge.target} leaves the drawing at {x}, {y}")
    for _, keys in rows.items():
        placed = sorted(keys, key=lambda k: picture.boxes[k][0])
        for a, b in itertools.pairwise(placed):
            if picture.boxes[a][2] > picture.boxes[b][0]:
                problems.append(f"{a} overlaps {b}")
    spans = sorted(rows)
    for (a0, a1), (b0, _) in itertools.pairwise(spans):
        if a1 > b0:
            problems.append(f"rows at {a0} and {b0} overlap")
    for key, (x0, y0, x1, y1) in picture.boxes.items():
        label, *sub = picture.labels[key]
        room = x1 - x0 - 2 * t.PAD + 0.11
        if t.text_width(label, t.LABEL_SIZE) > room or any(t.text_width(s, t.SUBLABEL_SIZE) > room for s in sub):
            problems.append(f"the label of {key} does not fit its box")
        if not (0 <= x0 and x1 <= picture.width and 0 <= y0 and y1 <= picture.height):
            problems.append(f"{key} lies outside the drawing")
    return problems


def generated(size: int, seed: int, cyclic: bool) -> t.Graph:
    """A component graph like real ones: most components depend on one to three others,
    labels from 3 to 48 characters, some with a framework line; ``cyclic`` lets any
    component depend on any other (itself included)."""
    rnd = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyz-" * 3 + "MWQ0123456789_.@ÄÜ"
    nodes = {}
    for i in range(size):
        label = f"c{i}-" + "".join(rnd.choice(alphabet) for _ in range(rnd.choice((1, 4, 8, 12, 20, 44))))
        nodes[f"c{i}"] = t.Node(f"c{i}", label, rnd.choice(("", "", "Go 1.23", "PostgreSQL 16 (managed, multi-AZ)")))
    edges = set()
    for i in range(size):
        for _ in range(rnd.choice((0, 1, 1, 2, 2, 3))):
            if cyclic:
                j = rnd.randrange(size)
            elif i + 1 < size:
                j = rnd.randrange(i + 1, size)
            else:
                continue
            edges.add((f"c{i}", f"c{j}"))
    return t.Graph(nodes, sorted(edges))


def check_drawing(graph: t.Graph) -> t.Layout:
    drawing = t.svg(graph, lambda item: None)
    picture = read_picture(drawing)
    assert geometry_problems(picture) == []
    # every component and dependency is drawn once, every label in full
    assert sorted(picture.boxes) == sorted(graph.nodes)
    assert sorted((e.source, e.target) for e in picture.edges) == sorted(graph.edges)
    assert {k: v[0] for k, v in picture.labels.items()} == {k: n.label for k, n in graph.nodes.items()}
    drawn = t.layout(graph)
    naive = [sorted(row) for row in drawn.order]
    assert brute_crossings(drawn.order, drawn.segments) <= brute_crossings(naive, drawn.segments)
    return drawn


@pytest.mark.parametrize("cyclic", [False, True], ids=["dag", "cycles"])
@pytest.mark.parametrize("size", [5, 12, 30, 60, 100, 200])
def test_generated_graphs_draw_no_edge_through_a_box(size: int, cyclic: bool) -> None:
    graph = generated(size, seed=size * 31 + cyclic, cyclic=cyclic)
    drawn = check_drawing(graph)
    if cyclic:
        assert any(r.upwards for r in drawn.routes) or not graph.cycles()


@settings(max_examples=40, deadline=None)
@given(st.integers(5, 40), st.integers(0, 2**32), st.booleans())
def test_any_graph_draws_no_edge_through_a_box(size: int, seed: int, cyclic: bool) -> None:
    check_drawing(generated(size, seed, cyclic))


def test_a_long_edge_goes_around_the_boxes_in_between() -> None:
    """``top`` depends on ``bottom`` three layers down; wide boxes fill the layers between.
    The old drawing ran one curve from box to box, straight through them."""
    wide = "a-component-with-a-very-long-name-that-fills-the-row"
    nodes = {
        k: t.Node(k, label)
        for k, label in (("top", "top"), ("m1", wide + "-1"), ("m2", wide + "-2"), ("bottom", "bottom"))
    }
    graph = t.Graph(nodes, [("top", "m1"), ("m1", "m2"), ("m2", "bottom"), ("top", "bottom")])
    drawn = check_drawing(graph)
    (route,) = [r for r in drawn.routes if (r.source, r.target) == ("top", "bottom")]
    assert len(route.points) == 6  # in, through two layers by dummies (two points each), out
    for key in ("m1", "m2"):
        node = nodes[key]
        xs = {x for x, y in route.points if t.layer_top(node.layer) <= y <= t.layer_top(node.layer) + t.BOX_H}
        assert xs and all(x < node.x - t.EDGE_GAP + 1e-6 or x > node.x + node.width + t.EDGE_GAP - 1e-6 for x in xs)


def test_cycle_edges_are_marked_and_drawn_upwards_around_the_boxes() -> None:
    index = Index([component("a", depends="b"), component("b", depends="c"), component("c", depends="a")])
    graph = t.build_graph(index)
    drawing = t.svg(graph, href)
    picture = read_picture(drawing)
    assert geometry_problems(picture) == []
    assert all("techspec-topology-cycle" in e.classes for e in picture.edges) and len(picture.edges) == 3
    (up,) = [e for e in picture.edges if (e.source, e.target) == ("S::c", "S::a")]
    # it leaves c's top and its arrow's tip is on a's bottom
    (sx, sy), (tx, ty) = up.segments[0][0], max((p for s in up.segments for p in s), key=lambda p: -p[1])
    a, c = picture.boxes["S::a"], picture.boxes["S::c"]
    assert sy == c[1] and c[0] < sx < c[2]
    assert ty == a[3] and a[0] < tx < a[2]


def test_self_dependency_is_a_loop_beside_its_box() -> None:
    graph = t.Graph({"a": t.Node("a", "a"), "b": t.Node("b", "b")}, [("a", "a"), ("b", "a")])
    picture = read_picture(t.svg(graph, href))
    assert geometry_problems(picture) == []
    (loop,) = [e for e in picture.edges if e.source == e.target == "a"]
    _, top, right, bottom = picture.boxes["a"]
    points = [p for s in loop.segments for p in s]
    assert all(top < y < bottom for _, y in points)
    assert min(x for x, _ in points) >= right - 1e-6 and max(x for x, _ in points) > right + 10


def test_two_way_dependency_draws_two_separate_edges() -> None:
    graph = t.Graph({"a": t.Node("a", "a"), "b": t.Node("b", "b")}, [("a", "b"), ("b", "a")])
    picture = read_picture(t.svg(graph, href))
    assert geometry_problems(picture) == []
    xs = [{round(x, 1) for s in e.segments for x, _ in s} for e in picture.edges]
    assert len(xs) == 2 and not xs[0] & xs[1]  # side by side, never on top of each other


def test_long_labels_are_shown_whole_in_a_box_wide_enough() -> None:
    label = "order-fulfilment-and-reconciliation-service-for-every-region"
    graph = t.Graph({"a": t.Node("a", label, "Kotlin / Spring Boot 3 with a long framework line")}, [])
    picture = read_picture(t.svg(graph, href))
    assert picture.labels["a"] == [label, "Kotlin / Spring Boot 3 with a long framework line"]
    x0, _, x1, _ = picture.boxes["a"]
    assert x1 - x0 >= t.text_width(label, t.LABEL_SIZE) + 2 * t.PAD - 0.1
    assert t.text_width(label, t.LABEL_SIZE) > len(label) * 0.6 * t.LABEL_SIZE  # at least an average sans


def test_a_big_graph_is_drawn_quickly_at_its_natural_size() -> None:
    graph = generated(200, seed=1, cyclic=True)
    started = time.perf_counter()
    drawing = t.svg(graph, lambda item: None)
    assert time.perf_counter() - started < 5  # about 0.3 s here; the bound only catches a blow-up
    root = parse(drawing)
    # drawn at natural size (the page scrolls it), never squeezed to the column
    assert float(root.get("width", 0)) == float((root.get("viewBox") or "").split()[2])
    assert len(drawing) < 1_000_000


def test_svg_is_deterministic() -> None:
    items = [component("a", depends="b, c"), component("b", depends="a"), component("c", depends="d"), component("d")]
    first = t.svg(t.build_graph(Index(items)), href)
    again = t.svg(t.build_graph(Index(items[::-1])), href)
    assert first == again


# -- the picture in LaTeX/PDF, and the edge list everywhere

PLATFORM = {
    "index.rst": """
    Shop
    ====

    .. toctree::

       orders

    .. topology::
    """,
    "orders.rst": """
    Orders
    ======

    .. spec:: SPEC-ORDERS
       :version: 1.0
       :status: current

    .. component:: web_shop
       :framework: React & Vite
       :depends-on: order-api

    .. component:: order-api
       :framework: 100% Go
       :depends-on: orders-db, ledger, bus

    .. component:: ledger
       :depends-on: bus, order-api

    .. component:: orders-db
       :framework: PostgreSQL 16

    .. component:: bus
       :framework: Kafka

    .. topology::
       :spec: SPEC-ORDERS

    .. spec-summary::
    """,
}
#: every dependency of PLATFORM: (component, what it depends on)
PLATFORM_EDGES = [
    ("web_shop", "order-api"),
    ("order-api", "orders-db"),
    ("order-api", "ledger"),
    ("order-api", "bus"),
    ("ledger", "bus"),
    ("ledger", "order-api"),
]


@pytest.fixture(scope="module")
def latex(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = write_project(tmp_path_factory.mktemp("latex") / "src", PLATFORM)
    result = build(src, "latex", techspec_trace_warnings=False)
    assert result.warnings == ""
    return result.outdir


def tex_plain(tex: str) -> str:
    """LaTeX as the reader sees it: Sphinx's hyphens, escapes, links and roles undone."""
    tex = tex.replace("\\sphinxhyphen{}", "-").replace("\\(\\rightarrow\\)", "\N{RIGHTWARDS ARROW}")
    tex = re.sub(r"\\hyperref\[[^]]*\]|\\sphinxcrossref|\\DUrole\{[^}]*\}", "", tex)
    return re.sub(r"\\([_&%#$])", r"\1", tex).replace("{", "").replace("}", "")


def listed_edges(text: str) -> dict[str, set[str]]:
    """``a → b, c`` lines (after a bullet, if any) as {a: {b, c}}."""
    out: dict[str, set[str]] = {}
    for line in text.splitlines():
        if "\N{RIGHTWARDS ARROW}" in line:
            left, _, right = line.partition("\N{RIGHTWARDS ARROW}")
            out[left.split()[-1]] = {part.strip() for part in right.split(",")}
    return out


def expected_edges() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a, b in PLATFORM_EDGES:
        out.setdefault(a, set()).add(b)
    return out


def test_latex_draws_the_topology_as_a_tikz_picture(latex: Path) -> None:
    tex = (latex / "test.tex").read_text()
    assert "\\usepackage{tikz}" in tex
    # the root document's picture and the one in orders.rst, which LaTeX merges into the root's tree
    assert tex.count("\\begin{tikzpicture}") == 2
    # aggregates of merged documents are theirs: the summary without argument is of orders.rst's spec
    assert "no spec to summarise" not in tex and "Architecture" in tex
    picture = tex[tex.index("\\begin{tikzpicture}") : tex.index("\\end{tikzpicture}")]
    # one box per component, each labelled, and one arrowhead per dependency
    assert picture.count(" rectangle ") == 5
    labels = re.findall(r"\\node\[[^\n]*\] at \([^)]*\) (\{.*\});", picture)
    assert sorted(tex_plain(label) for label in labels) == sorted(
        ["web_shop", "order-api", "ledger", "orders-db", "bus", "React & Vite", "100% Go", "PostgreSQL 16", "Kafka"]
    )
    assert "{web\\_shop}" in picture and "{React \\& Vite}" in picture and "{100\\% Go}" in picture  # escaped
    assert picture.count("\\fill[") == len(PLATFORM_EDGES)
    # the cycle order-api <-> ledger is drawn in red
    assert picture.count("\\fill[red") == 2


def test_latex_lists_every_edge_under_the_picture(latex: Path) -> None:
    tex = (latex / "test.tex").read_text()
    assert listed_edges(tex_plain(tex[tex.index("\\end{tikzpicture}") :])) == expected_edges()


def test_builders_without_pictures_get_the_edge_list(tmp_path: Path) -> None:
    src = write_project(tmp_path / "src", PLATFORM)
    for buildername, name in (("text", "index.txt"), ("man", "test.1"), ("texinfo", "test.texi")):
        result = build(src, buildername, techspec_trace_warnings=False)
        text = (result.outdir / name).read_text().replace("\\-", "-").replace("\\(->", "\N{RIGHTWARDS ARROW}")
        assert "<svg" not in text and "tikzpicture" not in text
        text = re.sub(r"\s*\\%<[^>]*>", "", text)  # man shows each link's target after it
        text = re.sub(r"\\fI\\%(.*?)\\fP", r"\1", text)  # man of Sphinx 7.4: each link in italics instead
        text = re.sub(r"@ref\{[^,]*,,([^}]*)\}", r"\1", text)  # texinfo's cross-references
        assert listed_edges(text) == expected_edges(), buildername


LATEXMK = shutil.which("latexmk")
PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.skipif(
    not (LATEXMK and PDFTOTEXT),
    reason="latexmk and pdftotext are not installed (apt-get install latexmk texlive-latex-extra "
    "texlive-pictures texlive-fonts-recommended tex-gyre poppler-utils)",
)
def test_pdf_shows_the_picture_and_every_edge(latex: Path) -> None:
    done = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "test.tex"],
        cwd=latex,
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = (latex / "test.log").read_text(errors="replace")
    assert done.returncode == 0, log[-3000:]
    # the picture is scaled to the text width where needed: nothing of ours overflows
    assert "Overfull \\hbox" not in log
    text = subprocess.run(
        ["pdftotext", "-layout", "test.pdf", "-"], cwd=latex, capture_output=True, text=True, check=True
    ).stdout
    # the picture's labels are real text in the PDF: each name once in the picture, once or more in the list
    for name in ("web_shop", "order-api", "ledger", "orders-db", "bus"):
        assert text.count(name) >= 2, name
    assert "React & Vite" in text and "100% Go" in text
    assert listed_edges(text) == expected_edges()


# -- the real pages


@pytest.mark.parametrize("page", ["platform/index", "platform/checkout", "guide/aggregates"])
def test_example_platform_pictures_have_no_edge_through_a_box(example_docs: ExampleDocs, page: str) -> None:
    html = example_docs.page(page)
    drawings = re.findall(r"<svg [^>]*class=\"techspec-topology .*?</svg>", html, re.DOTALL)
    assert drawings
    for drawing in drawings:
        picture = read_picture(drawing)
        labels = [label for label, *_ in picture.labels.values()]
        assert len(set(labels)) == len(labels)  # edges are read back by label
        assert picture.edges and geometry_problems(picture) == []
    if page == "platform/index":
        # the whole platform: every component and every dependency of the export, drawn
        items = example_docs.export()["items"]
        components = [i for i in items if i["kind"] == "component"]
        depends = {(c["id"], d) for c in components for d in c["fields"].get("depends-on", [])}
        picture = read_picture(drawings[0])
        assert sorted(label for label, *_ in picture.labels.values()) == sorted(c["id"] for c in components)
        drawn = {(picture.labels[e.source][0], picture.labels[e.target][0]) for e in picture.edges}
        assert drawn == depends and len(picture.edges) == len(depends)


CHROMIUM = Path("/usr/bin/chromium")

# measures, once the page is drawn, how much room each label leaves in its box (negative: cut off)
ROOM_PROBE = """
.. raw:: html

   <script>
   const rooms = [];
   for (const node of document.querySelectorAll("svg.techspec-topology .techspec-topology-node")) {
     const box = node.querySelector("rect").getBBox();
     for (const text of node.querySelectorAll("text")) {
       const shown = text.getBBox();
       rooms.push(Math.min(shown.x - box.x, box.x + box.width - shown.x - shown.width).toFixed(1));
     }
   }
   document.body.dataset.rooms = rooms.join(" ");
   </script>
"""

WIDE_LABELS = ["WWW-MMM-@@@-WWW-MMM", "order-fulfilment-and-reconciliation-service", "Zahlungsübergabe-ÄÖÜ", "iii"]


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium is not installed at /usr/bin/chromium")
def test_labels_fit_their_boxes_as_a_browser_draws_them(tmp_path: Path) -> None:
    """The width estimate is checked against real text: each label, measured in Chromium, lies inside its box."""
    components = "\n".join(
        f".. component:: {label}\n   :framework: {'PostgreSQL 16 (managed, multi-AZ) ' * (n % 2)}Go\n"
        + (f"   :depends-on: {WIDE_LABELS[n + 1]}\n" if n + 1 < len(WIDE_LABELS) else "")
        for n, label in enumerate(WIDE_LABELS)
    )
    src = write_project(tmp_path / "src", {"index.rst": f"Wide\n====\n\n{components}\n.. topology::\n{ROOM_PROBE}"})
    result = build(src, techspec_trace_warnings=False)
    assert result.warnings == ""
    done = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            (result.outdir / "index.html").as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    rooms = [float(n) for n in re.search(r'data-rooms="([^"]*)"', done.stdout)[1].split()]  # type: ignore[index]
    assert len(rooms) == 2 * len(WIDE_LABELS)  # label and framework line of every box
    assert min(rooms) >= 4, rooms


def test_narrowed_graph_shows_direct_dependencies_only_whatever_the_document_order() -> None:
    """``:spec: A`` shows A's components and what they depend on, not what those depend on,
    whichever document declares what first."""
    items = [component("api", "A", "B::svc"), component("svc", "B", "db"), component("db", "B")]
    for docs in (["a", "b"], ["z", "b"]):  # A's document before and after B's
        for item, doc in zip(items, [docs[0], docs[1], docs[1]], strict=True):
            item.docname = doc
        graph = t.build_graph(Index(items), ["A"])
        assert sorted(graph.nodes) == ["A::api", "B::svc"] and graph.edges == [("A::api", "B::svc")]


def test_tikz_draws_the_geometry_of_the_svg() -> None:
    """The PDF's picture is the checked SVG geometry, point for point: so it has no edge through a box either."""
    graph = generated(40, seed=3, cyclic=True)
    root = parse(t.svg(graph, lambda item: None))
    svg_lines = [
        [float(n) - 12 for n in re.findall(r"-?\d+(?:\.\d+)?", p.get("d", ""))]
        for p in root.iter(f"{SVG}path")
        if p.get("class") == "techspec-topology-line"
    ]
    picture = t.tikz(graph, lambda text: text)
    tikz_lines = [
        [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", line.partition("]")[2])]
        for line in picture.splitlines()
        if line.startswith("\\draw[") and " rectangle " not in line
    ]
    assert len(tikz_lines) == len(svg_lines) == len(graph.edges)
    for ours, theirs in zip(tikz_lines, svg_lines, strict=True):
        assert ours == pytest.approx(theirs, abs=0.11)
    boxes = re.findall(r"\(([-\d.]+),([-\d.]+)\) rectangle \(([-\d.]+),([-\d.]+)\)", picture)
    corners = sorted(tuple(float(v) for v in box) for box in boxes)
    expected = sorted(
        (n.x, t.layer_top(n.layer), n.x + n.width, t.layer_top(n.layer) + t.BOX_H) for n in graph.nodes.values()
    )
    assert len(corners) == len(expected)
    for ours_box, theirs_box in zip(corners, expected, strict=True):
        assert ours_box == pytest.approx(theirs_box, abs=0.11)
