"""Bad input across all 24 kinds: a located warning each, no traceback, the item kept, no injected markup.

One project per syntax holds every case; the expected warnings are computed
from the kind declarations while the sources are written, so each one is
checked at its file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import Build, build, write_project
from sphinx.util.console import nocolor

from sphinxcontrib_techspec.core import values as v
from sphinxcontrib_techspec.core.kinds import KINDS, Field, Kind

# warnings are matched by text: no ANSI colour codes in them
nocolor()

#: the subtypes a single directive can produce; every one of them must be expected
INPUT_SUBTYPES = {
    "missing-argument",
    "missing-option",
    "unknown-option",
    "bad-value",
    "bad-choice",
    "empty-entry",
    "duplicate-id",
}
#: an existing item for every kind a field references, declared in targets.rst
TARGETS = {
    "component": "svc",
    "requirement": "REQ-T",
    "adr": "ADR-T",
    "error-code": "ERR-T",
    "db-table": "tbl",
    "spec": "SPEC-T",
    "prd": "PRD-T",
    "sli": "SLI-T",
}
SCRIPT = "<script>document.title='pwned'</script>"
HOVER = "<b onmouseover=alert(1)>x</b>"


def good(kind: Kind, fld: Field) -> str:
    """A valid value for a field."""
    parser = fld.parser.item if isinstance(fld.parser, v.ListOf) else fld.parser
    if isinstance(parser, v.VersionedReference):
        return "PRD-T@1.0"
    if fld.ref:
        return TARGETS[fld.ref]
    if isinstance(parser, v.Choice):
        return parser.choices[0]
    if isinstance(parser, v.Integer):
        return str(parser.minimum if parser.minimum is not None else 1)
    samples = {
        v.Version: "1.0",
        v.Date: "2026-01-01",
        v.Duration: "30d",
        v.Target: "p95 < 200ms",
        v.Boolean: "yes",
        v.Percentage: "99.9%",
    }
    return samples.get(type(parser), "text")


def bad(fld: Field) -> list[tuple[str, str]]:
    """(value, subtype) of malformed, out-of-range and off-vocabulary values for a field."""
    parser = fld.parser.item if isinstance(fld.parser, v.ListOf) else fld.parser
    if isinstance(parser, v.VersionedReference):
        return [("PRD-T@latest", "bad-value")]
    if isinstance(parser, v.Choice):
        return [("done-ish", "bad-choice")]
    if isinstance(parser, v.Integer):
        out = [("many", "bad-value")]
        if parser.minimum is not None:
            out.append((str(parser.minimum - 1), "bad-value"))
        if parser.maximum is not None:
            out.append((str(parser.maximum + 1), "bad-value"))
        return out
    samples = {
        v.Version: [("latest", "bad-value")],
        v.Date: [("2026-13-45", "bad-value")],
        v.Duration: [("soon", "bad-value"), ("-5m", "bad-value")],
        v.Target: [("fast", "bad-value"), ("p150 < 1s", "bad-value")],
        v.Boolean: [("maybe", "bad-value")],
        v.Percentage: [("lots", "bad-value")],
    }
    return samples.get(type(parser), [])


def argument(kind: Kind, name: str) -> str:
    return f"GET /{name}" if kind.name == "api-endpoint" else name


@dataclass
class Case:
    kind: str
    item_id: str | None
    options: dict[str, str]
    #: subtypes expected at the directive's line
    expect: list[str]
    body: str = ""


def cases(kind: Kind, syntax: str = "rst") -> Iterator[Case]:
    base = {f.name: good(kind, f) for f in kind.fields if f.required}
    n = iter(range(1000))

    def name(label: str) -> str:
        return argument(kind, f"{kind.name}-{label}-{next(n)}")

    body = (
        "def f(x: int) -> int: ..."
        if kind.name == "service-interface"
        else "id: int"
        if kind.name == "data-schema"
        else ""
    )
    body = "CREATE TABLE t (id INT);" if kind.name == "db-table" else body
    yield Case(kind.name, None, dict(base), ["missing-argument"], body)
    yield Case(kind.name, name("ok"), dict(base), [], body)
    for fld in kind.fields:
        if fld.required:
            yield Case(
                kind.name,
                name("missing"),
                {k: val for k, val in base.items() if k != fld.name},
                ["missing-option"],
                body,
            )
    yield Case(kind.name, name("unknown"), {**base, "colour": "blue"}, ["unknown-option"], body)
    for fld in kind.fields:
        for value, subtype in bad(fld):
            yield Case(kind.name, name("bad"), {**base, fld.name: value}, [subtype], body)
        if fld.is_list:
            yield Case(kind.name, name("empty"), {**base, fld.name: f"{good(kind, fld)}, , ,"}, ["empty-entry"], body)
    # user text holding markup: argument, every free-text option and the body
    texts = {f.name: HOVER for f in kind.fields if type(f.parser) is v.Text}
    script_id = name(SCRIPT) if kind.name != "spec" else f"SPEC-{SCRIPT}"
    # a Markdown body is Markdown, where raw HTML is the author's markup (like ``.. raw:: html``),
    # not user data: only the RST body, where it is text, carries the script
    prose = kind.body == "prose" and not kind.body_fields and syntax == "rst"
    yield Case(kind.name, script_id, {**base, **texts}, [], SCRIPT if prose else body)
    if kind.name != "spec":
        # a duplicate in the same spec: reported at the second one
        twin = name("twin")
        yield Case(kind.name, twin, dict(base), [], body)
        yield Case(kind.name, twin, dict(base), ["duplicate-id"], body)


@dataclass
class Project:
    files: dict[str, str] = field(default_factory=dict)
    #: (file name, line, subtype)
    expected: list[tuple[str, int, str]] = field(default_factory=list)
    ids: list[tuple[str, str]] = field(default_factory=list)


def directive(syntax: str, case: Case) -> list[str]:
    arg = f" {case.item_id}" if case.item_id else ""
    options = [f":{k}: {val}" for k, val in case.options.items()]
    body = case.body.splitlines()
    if syntax == "rst":
        lines = [f".. {case.kind}::{arg}", *("   " + o for o in options)]
        return lines + ([""] + ["   " + b for b in body] if body else [])
    return [f"```{{{case.kind}}}{arg}", *options, *(["", *body] if body else []), "```"]


def page(syntax: str, title: str, header: list[str], entries: list[Case], project: Project, filename: str) -> None:
    lines = [title, "=" * len(title), ""] if syntax == "rst" else [f"# {title}", ""]
    lines += header
    for case in entries:
        start = len(lines) + 1
        lines += [*directive(syntax, case), ""]
        project.expected += [(filename, start, subtype) for subtype in case.expect]
        if case.item_id:
            project.ids.append((case.kind, case.item_id.strip()))
    project.files[filename] = "\n".join(lines) + "\n"


def make_project(syntax: str) -> Project:
    ext = "rst" if syntax == "rst" else "md"
    project = Project()
    targets = [
        Case("spec", "SPEC-T", {"version": "1.0", "status": "draft"}, []),
        Case("prd", "PRD-T", {"version": "1.0"}, []),
        Case("requirement", "REQ-T", {"prd": "PRD-T"}, []),
        Case("adr", "ADR-T", {"status": "accepted"}, []),
        Case("component", "svc", {}, []),
        Case("error-code", "ERR-T", {"http-status": "404"}, []),
        Case("db-table", "tbl", {}, []),
        Case("sli", "SLI-T", {}, []),
    ]
    page(syntax, "Targets", [], targets, project, f"targets.{ext}")
    for kind in KINDS.values():
        if kind.name == "spec":
            # a document declares one spec: one page per case
            for i, case in enumerate(cases(kind, syntax)):
                page(syntax, f"Spec case {i}", [], [case], project, f"spec-{i}.{ext}")
        else:
            page(syntax, kind.name, [], list(cases(kind, syntax)), project, f"k-{kind.name}.{ext}")
    # the same IDs in two specs are two items, not duplicates
    for spec in ("SPEC-A", "SPEC-B"):
        header = Case("spec", spec, {"version": "1.0", "status": "draft"}, [])
        same = [
            Case(kind.name, argument(kind, "shared"), {f.name: good(kind, f) for f in kind.fields if f.required}, [])
            for kind in KINDS.values()
            if not kind.project_scoped
        ]
        page(syntax, spec, [], [header, *same], project, f"{spec.lower()}.{ext}")
    # project-scoped kinds: the same ID in another document is a duplicate (the later document's)
    page(
        syntax,
        "Spec twin",
        [],
        [Case("spec", "SPEC-T", {"version": "2.0", "status": "draft"}, ["duplicate-id"])],
        project,
        f"zz-spec-dup.{ext}",
    )
    names = sorted(n.rsplit(".", 1)[0] for n in project.files)
    toctree = (
        "Index\n=====\n\n.. toctree::\n\n" + "".join(f"   {n}\n" for n in names)
        if syntax == "rst"
        else "# Index\n\n```{toctree}\n" + "".join(f"{n}\n" for n in names) + "```\n"
    )
    project.files[f"index.{ext}"] = toctree
    return project


@pytest.fixture(scope="module", params=["rst", "myst"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Build]:
    project = make_project(request.param)
    srcdir = write_project(tmp_path_factory.mktemp(request.param), project.files)
    return project, build(srcdir, techspec_trace_warnings=False)


def located(result: Build) -> set[tuple[str, int | None, str]]:
    return {
        (name, line, (kind or "").removeprefix("techspec."))
        for name, line, _, kind in result.located()
        if kind and kind.startswith("techspec.")
    }


def test_every_kind_and_subtype_is_exercised(built: tuple[Project, Build]) -> None:
    project, _ = built
    subtypes = {s for _, _, s in project.expected}
    assert subtypes == INPUT_SUBTYPES
    by_kind = {name.removeprefix("k-").rsplit(".", 1)[0] for name, _, _ in project.expected}
    assert {k for k in KINDS if k != "spec"} <= by_kind


def test_each_case_warns_at_its_line(built: tuple[Project, Build]) -> None:
    project, result = built
    got = located(result)
    missing = sorted(set(project.expected) - got)
    assert not missing, missing


def test_no_unexpected_input_warnings(built: tuple[Project, Build]) -> None:
    """Valid items, XSS text and the same ID in two specs warn nothing."""
    project, result = built
    extra = sorted(w for w in located(result) if w[2] in INPUT_SUBTYPES and w not in set(project.expected))
    assert not extra, extra


def test_every_warning_is_located(built: tuple[Project, Build]) -> None:
    _, result = built
    lines = [line for line in result.warnings.splitlines() if "WARNING" in line]
    assert lines
    unlocated = [w for w in result.located() if w[1] is None or not w[0]]
    assert not unlocated, unlocated
    assert len(result.located()) == len(lines)


def test_no_traceback(built: tuple[Project, Build]) -> None:
    _, result = built
    assert result.app.statuscode == 0
    assert "Traceback" not in result.warnings and "Exception occurred" not in result.warnings
    assert "build succeeded" in result.app._status.getvalue()  # type: ignore[attr-defined]


def test_every_item_with_an_id_is_exported(built: tuple[Project, Build]) -> None:
    project, result = built
    exported = [(i["kind"], i["id"]) for i in result.export()["items"]]
    missing = sorted(set(project.ids) - set(exported))
    assert not missing, missing
    # duplicates are both kept; the same ID in two specs is two items
    assert exported.count(("component", "shared")) == 2
    assert exported.count(("spec", "SPEC-T")) == 2
    # an item on a page without a spec belongs to none
    specs = {i["spec"] for i in result.export()["items"] if i["docname"] == "k-component"}
    assert specs == {None}


def test_problems_are_exported_with_the_item(built: tuple[Project, Build]) -> None:
    _, result = built
    items = {(i["kind"], i["id"]): i for i in result.export()["items"]}
    bad_slo = [
        i for key, i in items.items() if key[0] == "slo" and "bad-" in key[1] and i["raw"].get("window") == "soon"
    ]
    assert bad_slo and [p["subtype"] for p in bad_slo[0]["problems"]] == ["bad-value"]
    assert bad_slo[0]["raw"]["window"] == "soon"


def test_no_markup_injected(built: tuple[Project, Build]) -> None:
    _, result = built
    pages = {p.name: p.read_text() for p in result.outdir.glob("*.html")}
    for name, html in pages.items():
        assert "<script>document.title" not in html, name
        assert "<b onmouseover" not in html, name
    shown = "".join(pages.values())
    # the text is kept, escaped
    assert "&lt;b onmouseover=alert(1)&gt;x&lt;/b&gt;" in shown
    assert "&lt;script&gt;document.title=" in shown  # from an argument (and RST bodies)
    export = (result.outdir / "techspec.json").read_text()
    assert SCRIPT.replace("'", "\\u0027") in export or SCRIPT in export


def test_suppress_one_subtype(tmp_path: Path) -> None:
    project = make_project("rst")
    srcdir = write_project(tmp_path / "src", project.files)
    result = build(srcdir, techspec_trace_warnings=False, suppress_warnings=["techspec.bad-value"])
    subtypes = set(result.subtypes())
    assert "bad-value" not in subtypes
    assert {s for _, _, s in project.expected} - {"bad-value"} <= subtypes
    # exactly that subtype: every other expected warning is still there, where it was
    others = {w for w in project.expected if w[2] != "bad-value"}
    assert others <= located(result)
