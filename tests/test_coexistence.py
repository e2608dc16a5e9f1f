"""Adding techspec to a project takes nothing away from it.

``test-coexist-rst`` and ``test-coexist-myst`` are one sphinx-needs project, written
as sphinx-needs' docs teach it (default need types, ``:id:``, ``:links:``,
``:status:``, ``:tags:``, a needtable and a needflow) in each syntax: built before
and after ``sphinxcontrib_techspec`` joins ``extensions``, it keeps every need, row
and edge, with no new warning. ``test-coexist-clash`` has a local extension that
registers ``component`` and ``timeout``: theirs stay theirs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import ROOTS, Build, build, write_project
from test_needs import FAKE_DOT, OLD_SPHINX, needs_json

from sphinxcontrib_techspec.sphinx.names import DIRECTIVES
from sphinxcontrib_techspec.sphinx.needs import NEED_OPTIONS, reads_as_need

EXTENSIONS = '"sphinx_needs"]'
WITH_TECHSPEC = '"sphinx_needs", "sphinxcontrib_techspec"]'
NEEDS = ["I_001", "R_001", "R_002", "S_001", "S_002", "S_09F9E", "S_33DE8", "T_001"]


@pytest.fixture
def dot(tmp_path: Path) -> str:
    """A stand-in for Graphviz's ``dot`` that writes the DOT source into the SVG."""
    path = tmp_path / "dot"
    path.write_text(FAKE_DOT.format(python=sys.executable))
    path.chmod(0o755)
    return str(path)


def add_techspec(srcdir: Path) -> None:
    """The one change a user makes: the extension joins ``extensions``."""
    conf = srcdir / "conf.py"
    text = conf.read_text()
    assert EXTENSIONS in text
    conf.write_text(text.replace(EXTENSIONS, WITH_TECHSPEC))


def needs_view(result: Build) -> dict[str, dict[str, Any]]:
    """What a reader of needs.json relies on, need by need."""
    keep = ("type", "title", "status", "tags", "links", "links_back", "docname", "sections", "content")
    return {ident: {k: need.get(k) for k in keep} for ident, need in needs_json(result).items()}


def table_rows(html: str) -> list[tuple[str, list[str], list[str]]]:
    """Every needtable row: the need ID, each cell's text and every link target."""
    soup = BeautifulSoup(html, "html.parser")
    rows = soup.select("table.NEEDS_TABLE tr.need")
    return [
        (row["data-need-id"], [td.get_text() for td in row.find_all("td")], [a["href"] for a in row.find_all("a")])
        for row in rows
    ]


def flow(result: Build) -> str:
    """The needflow's DOT source (the stand-in ``dot`` keeps it in the SVG)."""
    (svg,) = (result.outdir / "_images").glob("needflow-*.svg")
    return svg.read_text()


# -- the rule, on its own ----------------------------------------------------------

DEFAULT_SPEC_NEED = NEED_OPTIONS | {"links"}


@pytest.mark.parametrize(
    ("argument", "options", "need"),
    [
        # an option only sphinx-needs takes: a need, whatever the argument
        ("Login spec", {"id", "links"}, True),
        ("S_001", {"id"}, True),
        ("Session timeout", {"links", "status", "tags"}, True),
        ("SPEC-PAY", {"layout"}, True),
        # an option only techspec takes: a spec, whatever the argument
        ("SPEC-PAY", {"version", "status"}, False),
        ("Checkout service", {"version", "status", "prd"}, False),
        ("SPEC-PAY", {"satisfies"}, False),
        # neither: the argument decides (one word is an ID; a title has several)
        ("Audit trail", set(), True),
        ("Login spec", {"status"}, True),
        ("", {"status"}, True),
        ("SPEC-PAY", {"status", "version", "title"}, False),
    ],
)
def test_each_spec_block_has_one_reading(argument: str, options: set[str], need: bool) -> None:
    assert reads_as_need(argument, options, DEFAULT_SPEC_NEED) == (need, "")


def test_a_block_saying_both_or_neither_is_read_one_way_with_a_note() -> None:
    need, note = reads_as_need("Login", {"id", "version"}, DEFAULT_SPEC_NEED)
    assert need and ":id:" in note and ":version:" in note and "techspec:spec" in note
    spec, note = reads_as_need("SPEC-PAY", {"status"}, DEFAULT_SPEC_NEED)
    assert not spec and "one word" in note and ":version:" in note and ":id:" in note


def test_an_option_both_take_decides_nothing() -> None:
    """A project declaring a ``version`` need field: ``:version:`` no longer says spec."""
    with_version = DEFAULT_SPEC_NEED | {"version"}
    assert reads_as_need("Login spec", {"version"}, with_version) == (True, "")
    assert reads_as_need("SPEC-PAY", {"version", "status"}, with_version) == (False, "")


# -- a sphinx-needs project, before and after -------------------------------------


@pytest.mark.parametrize("root", ["test-coexist-rst", "test-coexist-myst"])
def test_a_sphinx_needs_project_keeps_every_need(root: str, tmp_path: Path, dot: str) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / root, src)
    before_html = build(src, graphviz_dot=dot)
    before = build(src, "needs", freshenv=OLD_SPHINX)
    assert before_html.warnings == before.warnings == ""
    assert sorted(needs_view(before)) == NEEDS
    assert needs_view(before)["S_001"]["links"] == ["R_001"]

    add_techspec(src)
    # the same build folder: what a user's next build does
    after_html = build(src, graphviz_dot=dot)
    after = build(src, "needs", freshenv=OLD_SPHINX)
    assert after_html.warnings == after.warnings == ""
    assert needs_view(after) == needs_view(before)
    assert table_rows(after_html.html("index")) == table_rows(before_html.html("index"))
    assert len(table_rows(after_html.html("index"))) == len(NEEDS)
    assert flow(after_html) == flow(before_html)
    # techspec is loaded and idle: an empty export, no item of its own
    assert after_html.export()["items"] == []


@pytest.mark.parametrize("root", ["test-coexist-rst", "test-coexist-myst"])
def test_the_project_with_techspec_builds_with_W_and_j2(root: str, tmp_path: Path, dot: str) -> None:
    """``sphinx-build -W -j 2``, as a CI would run it, gives the serial needtable."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / root, src)
    serial = build(src, graphviz_dot=dot)
    add_techspec(src)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-j", "2", "-q", "-b", "html"]
    command += ["-D", f"graphviz_dot={dot}", str(src), str(out)]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    parallel = (out / "index.html").read_text()
    assert table_rows(parallel) == table_rows(serial.html("index"))


# -- both spec readings in one project -----------------------------------------------

MIXED_CONF = """\
project = "payments"
extensions = ["myst_parser", "sphinx_needs", "sphinxcontrib_techspec"]
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["myst.header"]
show_warning_types = True
"""

MIXED = {
    "index.rst": """
        Payments
        ========

        .. toctree::

           needs
           ledger

        .. spec:: SPEC-PAY
           :version: 1.0
           :status: current
           :prd: PRD-1

        .. prd:: PRD-1
           :version: 1.0

        .. requirement:: REQ-1
           :prd: PRD-1

        .. ts-component:: api
           :satisfies: REQ-1, R_LOGIN

        .. techspec:component:: db
        """,
    "needs.rst": """
        Needs
        =====

        .. req:: Users log in
           :id: R_LOGIN

        .. spec:: Login spec
           :id: S_LOGIN
           :links: R_LOGIN
           :status: open

           The login form.

        .. spec:: Audit trail
        """,
    "ledger.md": """
        # Ledger

        ```{spec} SPEC-LEDGER
        :version: 2.0
        :status: draft
        :prd: PRD-1
        ```

        ```{component} writer
        :depends-on: api
        :satisfies: REQ-1
        ```

        ```{spec} Ledger spec
        ---
        id: S_LEDGER
        links: R_LOGIN
        ---
        Double entry.
        ```

        :::{spec} Ledger retention
        :links: S_LEDGER
        :::
        """,
}


def specs_and_needs(result: Build) -> tuple[dict[str, str], dict[str, tuple[str, list[str]]]]:
    """Techspec specs (ID -> document) and needs (ID -> type, links) of one build."""
    specs = {i["id"]: i["docname"] for i in result.export()["items"] if i["kind"] == "spec"}
    return specs, {k: (n["type"], n["links"]) for k, n in needs_json(result).items()}


def test_spec_blocks_are_specs_or_needs_in_rst_and_myst(project: Any) -> None:
    src = project(MIXED, MIXED_CONF)
    result = build(src, "needs")
    assert result.warnings == ""
    specs, needs = specs_and_needs(result)
    # techspec specs: the ones with an ID for an argument and techspec options
    assert specs == {"SPEC-PAY": "index", "SPEC-LEDGER": "ledger"}
    assert needs["TS_SPEC_SPEC_PAY"] == ("ts-spec", [])
    # sphinx-needs spec needs: :id:, a YAML block, a title and nothing else, a colon fence
    spec_needs = {k: v for k, v in needs.items() if v[0] == "spec"}
    assert spec_needs["S_LOGIN"] == ("spec", ["R_LOGIN"])
    assert spec_needs["S_LEDGER"] == ("spec", ["R_LOGIN"])
    titles = {needs_json(result)[k]["title"] for k in spec_needs}
    assert titles == {"Login spec", "Ledger spec", "Audit trail", "Ledger retention"}
    # items written with the prefixed and the domain names are items like any other
    assert needs["TS_COMPONENT_SPEC_PAY__API"][0] == "ts-component"
    assert "TS_COMPONENT_SPEC_PAY__DB" in needs
    assert needs_json(result)["TS_COMPONENT_SPEC_PAY__API"]["satisfies"] == ["R_LOGIN", "TS_REQUIREMENT_REQ_1"]


def test_mixed_project_in_parallel_and_incrementally_equals_a_clean_build(project: Any, tmp_path: Path) -> None:
    src = project(MIXED, MIXED_CONF)
    first = build(src, "needs")
    before = specs_and_needs(first)
    # an edit to the needs page: one need's links change, one spec need is added
    page = src / "needs.rst"
    page.write_text(
        page.read_text().replace(":links: R_LOGIN", ":links: R_LOGIN, S_LEDGER")
        + "\n.. spec:: Password rules\n   :id: S_PASSWORD\n"
    )
    incremental = build(src, "needs")
    copies = {}
    for name in ("clean", "parallel"):
        copies[name] = tmp_path / name
        shutil.copytree(src, copies[name], ignore=shutil.ignore_patterns("_build"))
    clean = build(copies["clean"], "needs")
    parallel = build(copies["parallel"], "needs", parallel=2)
    assert first.warnings == incremental.warnings == clean.warnings == parallel.warnings == ""
    assert specs_and_needs(incremental) == specs_and_needs(clean) == specs_and_needs(parallel)
    needs = specs_and_needs(clean)[1]
    assert needs["S_LOGIN"] == ("spec", ["R_LOGIN", "S_LEDGER"]) and needs["S_PASSWORD"] == ("spec", [])
    assert before[1]["S_LOGIN"] == ("spec", ["R_LOGIN"]) and "S_PASSWORD" not in before[1]


def test_ambiguous_spec_blocks_are_read_one_way_and_say_so(project: Any) -> None:
    src = project(
        {
            "index.rst": """
                Title
                =====

                .. spec:: Login
                   :id: S_0001
                   :version: 1.0

                .. spec:: SPEC-DRAFT
                   :status: draft
                """
        },
        MIXED_CONF,
    )
    result = build(src, "needs")
    located = [(line, message.split(":")[0], kind) for _, line, message, kind in result.located()]
    assert (4, "spec", "techspec.spec-dispatch") in located  # read as a need, :version: ignored
    assert (8, "spec", "techspec.spec-dispatch") in located  # read as a spec, missing :version:
    assert "sphinx-needs need" in result.warnings and "'SPEC-DRAFT' is read as a techspec spec" in result.warnings
    specs, needs = specs_and_needs(result)
    assert needs["S_0001"][0] == "spec" and specs == {"SPEC-DRAFT": "index"}
    # the need got sphinx-needs' own verdict on the option it does not take
    assert [m for _, line, m, kind in result.located() if line == 4 and kind.startswith("needs.") and "'version'" in m]
    # the spec got techspec's verdict on the option it lacks
    assert "techspec.missing-option" in result.warnings


def test_a_project_wanting_no_overlap_leaves_spec_to_sphinx_needs(project: Any) -> None:
    files = dict(MIXED)
    files["index.rst"] = files["index.rst"].replace(".. spec:: SPEC-PAY", ".. ts-spec:: SPEC-PAY")
    files["index.rst"] = (
        files["index.rst"].replace(".. prd::", ".. ts-prd::").replace(".. requirement::", ".. ts-requirement::")
    )
    files["ledger.md"] = (
        files["ledger.md"]
        .replace("{spec} SPEC-LEDGER", "{ts-spec} SPEC-LEDGER")
        .replace("{component}", "{ts-component}")
    )
    src = project(files, MIXED_CONF + "techspec_plain_directives = False\n")
    result = build(src, "needs")
    assert result.warnings == ""
    specs, needs = specs_and_needs(result)
    assert specs == {"SPEC-PAY": "index", "SPEC-LEDGER": "ledger"}
    assert needs["S_LOGIN"] == ("spec", ["R_LOGIN"])


def test_a_need_type_named_like_our_directive_stays_a_need_type(project: Any) -> None:
    conf = MIXED_CONF + (
        'needs_types = [{"directive": "req", "title": "Requirement", "prefix": "R_"},'
        ' {"directive": "component", "title": "Component", "prefix": "C_"}]\n'
    )
    src = project(
        {
            "index.rst": """
                Title
                =====

                .. spec:: SPEC-A
                   :version: 1.0
                   :status: draft

                .. component:: Payment gateway
                   :id: C_GATEWAY

                .. ts-component:: api
                """
        },
        conf,
    )
    result = build(src, "needs")
    assert result.subtypes() == ["directive-clash", "spec-without-prd"]
    ((where, line, message, _),) = [w for w in result.located() if w[3] == "techspec.directive-clash"]
    assert (where, message.split(" by ")[0]) == ("conf.py", "directive component is already registered")
    assert "sphinx_needs" in message and "ts-component (or techspec:component)" in message
    assert line == 2  # the extensions line naming sphinx_needs
    needs = needs_json(result)
    assert needs["C_GATEWAY"]["type"] == "component"
    assert needs["TS_COMPONENT_SPEC_A__API"]["type"] == "ts-component"


# -- other extensions' directives -----------------------------------------------------


@pytest.mark.parametrize("order", ["techspec first", "techspec last"])
def test_another_extensions_directives_stay_theirs(order: str, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-coexist-clash", src)
    if order == "techspec last":
        conf = src / "conf.py"
        conf.write_text(
            conf.read_text().replace(
                '"sphinxcontrib_techspec",\n    "clashext",', '"clashext",\n    "sphinxcontrib_techspec",'
            )
        )
    result = build(src)
    # reported once, where conf.py loads the extension, naming the value that resolves it
    ((where, line, message, kind),) = result.located()
    conf_lines = (src / "conf.py").read_text().splitlines()
    assert (where, kind) == ("conf.py", "techspec.directive-clash")
    assert line is not None and '"clashext"' in conf_lines[line - 1]
    assert message.startswith("directives component, timeout are already registered by clashext, which keeps them")
    assert "techspec_plain_directives = False" in message
    # theirs, in reST and MyST
    index, payments = result.html("index"), result.html("payments")
    assert "widget Date picker" in index and "takes 5 minutes" in index and "widget Card form" in payments
    # ours, under the prefixed and domain names
    items = sorted((i["kind"], i["id"], i["spec"]) for i in result.export()["items"] if i["kind"] != "spec")
    assert items == [
        ("component", "api", "SPEC-CHECKOUT"),
        ("component", "ledger", "SPEC-PAY"),
        ("timeout", "capture", "SPEC-PAY"),
        ("timeout", "charge card", "SPEC-CHECKOUT"),
    ]
    # the next build, incremental and parallel, says it once again and reads the same
    page = src / "payments.md"
    page.write_text(page.read_text() + "\nEdited.\n")
    again = build(src, parallel=2)
    assert [w[3] for w in again.located()] == ["techspec.directive-clash"]
    assert sorted((i["kind"], i["id"], i["spec"]) for i in again.export()["items"] if i["kind"] != "spec") == items
    assert "widget Card form" in again.html("payments")


def test_plain_names_off_means_no_clash_and_no_warning(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-coexist-clash", src)
    index = src / "index.rst"
    index.write_text(
        index.read_text().replace(".. spec::", ".. ts-spec::").replace(".. techspec-table::", ".. ts-techspec-table::")
    )
    result = build(src, techspec_plain_directives=False)
    assert result.warnings == ""
    assert len([i for i in result.export()["items"] if i["kind"] in ("component", "timeout")]) == 4
    assert "widget Date picker" in result.html("index")


PREFIX_CONF = """\
project = "test"
extensions = ["myst_parser", "sphinxcontrib_techspec"]
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["myst.header", "techspec.spec-without-prd"]
show_warning_types = True
"""


def test_the_prefix_is_configurable(project: Any) -> None:
    src = project(
        {
            "index.rst": """
                Title
                =====

                .. toctree::

                   other

                .. spec:: SPEC-A
                   :version: 1.0
                   :status: draft

                .. arch-component:: api

                .. arch-slo:: p95
                   :sli: latency
                   :target: p95 < 300ms
                   :window: 30d

                .. arch-sli:: latency
                """,
            "other.md": """
                # Other

                ```{arch-component} worker
                ```
                """,
        },
        PREFIX_CONF + 'techspec_directive_prefix = "arch-"\n',
    )
    result = build(src)
    assert result.warnings == ""
    ids = sorted((i["kind"], i["id"]) for i in result.export()["items"])
    assert ids == [
        ("component", "api"),
        ("component", "worker"),
        ("sli", "latency"),
        ("slo", "p95"),
        ("spec", "SPEC-A"),
    ]


def test_a_prefix_that_makes_no_directive_name_is_refused(project: Any) -> None:
    src = project(
        {"index.rst": "Title\n=====\n\n.. component:: api\n"}, PREFIX_CONF + 'techspec_directive_prefix = "my "\n'
    )
    result = build(src)
    assert result.subtypes() == ["config"] and "'my '" in result.warnings
    assert [i["id"] for i in result.export()["items"]] == ["api"]


CLASHING_EXT = """
from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.domains import Domain


class Box(Directive):
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True

    def run(self):
        return [nodes.paragraph(text="their " + self.name)]


class UiDomain(Domain):
    name = "ui"
    label = "UI"
    directives = {"component": Box}


def setup(app):
    app.add_directive("ts-timeout", Box)
    app.add_domain(UiDomain)
    return {"parallel_read_safe": True}
"""


def test_a_taken_prefixed_name_and_a_domain_directive_are_reported(project: Any) -> None:
    src = project(
        {
            "other.py": CLASHING_EXT,
            "conf.py": (
                "import sys, pathlib\nsys.path.insert(0, str(pathlib.Path(__file__).parent))\n"
                + PREFIX_CONF.replace('"sphinxcontrib_techspec"]', '"sphinxcontrib_techspec", "other"]')
                + 'primary_domain = "ui"\n'
            ),
            "index.rst": """
                Title
                =====

                .. component:: knob

                .. ts-timeout:: ignored

                .. techspec:timeout:: charge
                   :value: 2s

                .. ts-component:: api
                """,
        }
    )
    result = build(src)
    clashes = [message for _, _, message, kind in result.located() if kind == "techspec.directive-clash"]
    assert len(clashes) == 2
    domain, prefixed = sorted(clashes)
    assert domain.startswith("directive component is already registered by other (the ui domain)")
    assert "ts-component (or techspec:component)" in domain
    assert prefixed.startswith("directive ts-timeout is already registered by other")
    assert "timeout (or techspec:timeout)" in prefixed and "techspec_directive_prefix" in prefixed
    html = result.html("index")
    assert "their ui:component" in html and "their ts-timeout" in html
    assert sorted(i["id"] for i in result.export()["items"]) == ["api", "charge"]


def test_no_techspec_directive_is_a_docutils_or_sphinx_builtin(project: Any) -> None:
    """Every plain name is free in a bare Sphinx project (any docutils language)."""
    src = project({"index.rst": "Title\n=====\n"}, PREFIX_CONF + 'language = "de"\n')
    result = build(src)
    assert result.warnings == ""
    from docutils.parsers.rst import directives

    # the test app restores docutils' registry after the build: ask during it instead
    assert not set(DIRECTIVES) & set(directives._directive_registry)


LINES_CONF = """\
project = "lines"
extensions = ["myst_parser", "sphinx_needs"]
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["myst.header"]
show_warning_types = True
"""

LINES = {
    "index.rst": """
        Title
        =====

        .. toctree::

           page

        .. spec:: Login spec
           :id: S_LOGIN
           :status: open

           First paragraph.

           Second paragraph names :need:`S_MISSING`.

        .. spec:: Logout spec

           Its body names :need:`S_GONE`.
        """,
    "page.md": """
        # Page

        ```{spec} Page spec
        ---
        id: S_PAGE
        ---
        First paragraph.

        Second paragraph names {need}`S_ABSENT`.
        ```
        """,
}


def test_a_handed_over_need_reports_its_problems_on_the_same_lines(tmp_path: Path) -> None:
    """The need's body keeps its source lines: sphinx-needs' warnings point where they did."""
    before = build(write_project(tmp_path / "before", LINES, LINES_CONF))
    after = build(write_project(tmp_path / "after", LINES, LINES_CONF.replace(EXTENSIONS, WITH_TECHSPEC)))
    located = [(where, line, message) for where, line, message, _ in before.located()]
    assert len(located) == 3 and {where for where, _, _ in located} == {"index.rst", "page.md"}
    assert [(where, line, message) for where, line, message, _ in after.located()] == located
