"""The component graph: cycles, node status, layout and the SVG drawing."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

from sphinxcontrib_techspec.core import topology as t
from sphinxcontrib_techspec.core.index import Index
from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.core.model import Item, build_item

SVG = "{http://www.w3.org/2000/svg}"


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
    t.layout(graph)
    assert [graph.nodes[k].layer for k in ("S::a", "S::b", "S::c")] == [0, 1, 2]
    assert t.back_edges(graph) == {("S::c", "S::a")}


def test_layout_boxes_do_not_overlap() -> None:
    items = [component(f"c{n}", depends="hub") for n in range(5)] + [component("hub")]
    graph = t.build_graph(Index(items))
    width, _ = t.layout(graph)
    row = sorted((n for n in graph.nodes.values() if n.layer == 0), key=lambda n: n.x)
    assert len(row) == 5
    for left, right in itertools.pairwise(row):
        assert left.x + left.width <= right.x
    assert row[-1].x + row[-1].width <= width


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
    titles = [g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g")]  # type: ignore[union-attr]
    assert titles == ["?ghost (unknown)", "S::api"]


def test_svg_of_nothing_is_empty() -> None:
    assert t.svg(t.Graph(), href) == ""


def path_points(drawing: str) -> dict[str, list[tuple[float, float]]]:
    """Edge title -> the four points of its curve."""
    out = {}
    for path in parse(drawing).iter(f"{SVG}path"):
        title = path.find(f"{SVG}title")
        if title is None:
            continue
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))]
        out[title.text or ""] = list(zip(numbers[::2], numbers[1::2], strict=True))
    return out


def boxes(drawing: str) -> dict[str, tuple[float, float, float, float]]:
    out = {}
    for node in parse(drawing):
        rect, title = node.find(f"{SVG}rect"), node.find(f"{SVG}title")
        if rect is None or title is None:
            continue
        x, y, w, h = (float(rect.get(k, 0)) for k in ("x", "y", "width", "height"))
        out[(title.text or "").split(" ")[0]] = (x, y, x + w, y + h)
    return out


def test_cycle_edges_are_red_and_bend_around_the_boxes() -> None:
    index = Index([component("a", depends="b"), component("b", depends="c"), component("c", depends="a")])
    drawing = t.svg(t.build_graph(index), href)
    points = path_points(drawing)
    box = boxes(drawing)
    assert drawing.count('stroke="#c0392b" stroke-width="1.5" marker-end') == 3
    # the upward edge c -> a leaves c's right side and enters a's right side, passing right of b
    (x1, _), (c1x, _), (c2x, _), (x2, _) = points["c depends on a"]
    assert x1 == box["S::c"][2] and x2 == box["S::a"][2]
    assert min(c1x, c2x) > max(box[k][2] for k in box)
    # and the drawing is wide enough to hold the bend
    width = float(parse(drawing).get("width", 0))
    assert max(c1x, c2x) < width


def test_self_dependency_is_a_loop_beside_its_box() -> None:
    drawing = t.svg(t.build_graph(Index([component("a", depends="a")])), href)
    (x1, y1), (c1x, _), (c2x, _), (x2, y2) = path_points(drawing)["a depends on a"]
    _, top, right, bottom = boxes(drawing)["S::a"]
    assert x1 == x2 == right
    assert top < y1 < y2 < bottom
    assert c1x > right and c2x > right
    assert max(c1x, c2x) < float(parse(drawing).get("width", 0))


def test_same_layer_edges_arc_over_and_under_the_row() -> None:
    """Two boxes in one row with edges both ways: one arc above, one below, never flat."""
    left = t.Node("a", "a", layer=1, x=0, width=60)
    right = t.Node("b", "b", layer=1, x=100, width=60)
    row_top = 1 * (t.BOX_H + t.LAYER_GAP)
    over = t._edge_path(left, right)
    under = t._edge_path(right, left)
    assert over[0] == (30, row_top) and over[3] == (130, row_top)
    assert over[1][1] < row_top and over[2][1] < row_top
    assert under[0] == (130, row_top + t.BOX_H) and under[3] == (30, row_top + t.BOX_H)
    assert under[1][1] > row_top + t.BOX_H and under[2][1] > row_top + t.BOX_H


def test_drawing_fits_edges_above_the_first_row() -> None:
    graph = t.Graph({"a": t.Node("a", "a"), "b": t.Node("b", "b")}, [("a", "b")])
    drawing = t.svg(graph, href)
    # a -> b is a normal downward edge here; every coordinate is inside the viewBox
    _, _, w, h = (float(n) for n in (parse(drawing).get("viewBox") or "").split())
    for pts in path_points(drawing).values():
        assert all(0 <= x <= w and 0 <= y <= h for x, y in pts)


def test_svg_is_deterministic() -> None:
    items = [component("a", depends="b, c"), component("b", depends="a"), component("c", depends="d"), component("d")]
    first = t.svg(t.build_graph(Index(items)), href)
    again = t.svg(t.build_graph(Index(items[::-1])), href)
    assert first == again
