"""A real PDF of the example docs, built with LaTeX and read back.

One build of ``example_docs`` with the LaTeX builder, compiled by ``latexmk``
with ``pdflatex`` (Debian's TeX Live), then checked from the outside: the text
``pdftotext`` extracts (every card's ID and fields, every topology edge) and
the engine's log (no overfull line in what the extension writes).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import build

from sphinxcontrib_techspec.core.model import Item
from sphinxcontrib_techspec.core.present import Ref, item_rows

DOCS = Path(__file__).parent.parent / "example_docs"
TOOLS = ("latexmk", "pdflatex", "pdftotext")

pytestmark = [
    pytest.mark.pdf,
    pytest.mark.skipif(
        any(shutil.which(tool) is None for tool in TOOLS),
        reason="building a PDF needs latexmk, pdflatex (TeX Live) and pdftotext (poppler-utils); see guide/themes-print-pdf",
    ),
]

OVERFULL = re.compile(
    r"^Overfull \\hbox \((?P<pt>[\d.]+)pt too wide\) "
    r"(?:in paragraph at lines (?P<first>\d+)--(?P<last>\d+)|detected at line (?P<line>\d+))\n(?P<context>.*)$",
    re.MULTILINE,
)
#: where the extension's output starts in the .tex: a card, an aggregate, the report
OURS_BEGIN = re.compile(r"\\begin\{sphinxuseclass\}\{techspec-|\\begin\{techspeccard\}")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("pdf")
    src = tmp / "src"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns("_build"))
    result = build(src, "latex", html_theme="alabaster")
    assert "Traceback" not in result.warnings, result.warnings
    outdir = result.outdir
    tex = next(outdir.glob("*.tex"))
    done = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=outdir,
        capture_output=True,
        text=True,
        timeout=600,
    )
    log = tex.with_suffix(".log").read_text(errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("! ")]
    assert done.returncode == 0, f"{errors}\n{done.stdout[-3000:]}"
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(tex.with_suffix(".pdf")), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        "tex": tex.read_text().splitlines(),
        "log": log,
        "text": text,
        "export": json.loads((outdir / "techspec.json").read_text()),
    }


def squeeze(text: str) -> str:
    """Text without whitespace (lines wrap anywhere) and with TeX's hyphenation undone."""
    return re.sub(r"\s+", "", re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", text))


def shown(cells: list) -> str:
    return "".join(c.text if isinstance(c, Ref) else getattr(c, "text", c) for c in cells)


def items(pdf: dict[str, object]) -> list[Item]:
    export = pdf["export"]
    assert isinstance(export, dict)
    return [Item.from_json(data) for data in export["items"] if not data.get("external") and data.get("docname")]


def test_the_schema_does_not_break_the_engine(pdf: dict[str, object]) -> None:
    """The 1,600-line JSON Schema is in the PDF, to its last property."""
    text = squeeze(str(pdf["text"]))
    assert '"$schema":"https://json-schema.org/draft/2020-12/schema"' in text
    from sphinxcontrib_techspec.core.export import schema

    last = json.dumps(schema(), indent=2).splitlines()[-3:]
    assert squeeze("\n".join(last)) in text


def test_every_card_has_its_id_and_fields(pdf: dict[str, object]) -> None:
    text = squeeze(str(pdf["text"]))
    found = items(pdf)
    assert len(found) >= 80
    missing = []
    for item in found:
        head = squeeze(item.declaration.title.upper() + item.id)
        starts = [m.start() for m in re.finditer(re.escape(head), text)]
        if not starts:
            missing.append(f"{item.kind} {item.id}: no card head {head!r}")
            continue
        # each field as "Label value", in the card: after its head, in order
        needles = [squeeze(label + shown(cells)) for label, cells in item_rows(item)]

        def complete(start: int, needles: list[str] = needles) -> bool:
            at = start
            for needle in needles:
                at = text.find(needle, at)
                if at < 0 or at - start > 3000:
                    return False
            return True

        if not any(complete(start) for start in starts):
            missing.append(f"{item.kind} {item.id}: fields {needles}")
    assert not missing, "\n".join(missing[:20])


def test_every_topology_edge_is_listed(pdf: dict[str, object]) -> None:
    """Each ``depends-on`` edge of every component as ``source → ... target`` in the edge list."""
    text = squeeze(str(pdf["text"]))
    edges = [
        (item.id, target["id"] if isinstance(target, dict) else str(target))
        for item in items(pdf)
        if item.kind == "component"
        for target in item.fields.get("depends-on", [])
    ]
    assert len(edges) >= 10
    missing = [
        f"{a} -> {b}"
        for a, b in edges
        if not re.search(
            re.escape(a) + "\N{RIGHTWARDS ARROW}[^\N{RIGHTWARDS ARROW}]*?" + re.escape(b.split("::")[-1]), text
        )
    ]
    assert not missing, missing


def test_no_overfull_line_in_what_we_write(pdf: dict[str, object]) -> None:
    """No overfull box from a card, an aggregate table, the matrix or the report.

    The guide's own hand-written tables (option tables with ``:inline-code:``
    in narrow columns) are the authors' text, not the extension's output, and
    are not counted here; their total is in the message for reference."""
    tex = pdf["tex"]
    assert isinstance(tex, list)
    ours: set[int] = set()
    depth = 0
    for number, line in enumerate(tex, 1):
        opened = len(OURS_BEGIN.findall(line))
        if depth or opened:
            ours.add(number)
        closes = line.count("\\end{sphinxuseclass}") + line.count("\\end{techspeccard}")
        inner = line.count("\\begin{sphinxuseclass}") + line.count("\\begin{techspeccard}")
        depth = max(depth + (inner if depth else opened) - closes, 0)
    assert len(ours) > 1000, "the extension's output is marked in the .tex"
    overfull = list(OVERFULL.finditer(str(pdf["log"])))
    mine = [
        f"{m['pt']}pt at .tex line {m['first'] or m['line']}: {m['context'][:120]}"
        for m in overfull
        if any(n in ours for n in range(int(m["first"] or m["line"]), int(m["last"] or m["line"]) + 1))
    ]
    assert not mine, f"{len(mine)} of {len(overfull)} overfull lines are ours:\n" + "\n".join(mine[:20])
