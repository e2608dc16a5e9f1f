"""Every MyST and reStructuredText example of the user guide builds, as shown.

Each fenced block of ``example_docs/guide/*.md`` (new pages are picked up by
the glob) whose language is ``rst``/``restructuredtext`` or
``myst``/``md``/``markdown`` and which contains a directive is written,
exactly as shown, as the only page of a fresh project (the quickstart's
``conf.py``) and built. Every such example must build without a traceback,
and every item directive in it must give an item in ``techspec.json``.

An example is presented as correct unless it says otherwise, and then it must
build with no warning at all. Guide authors mark an example with MyST comment
lines directly above its fence (no blank line between), one instruction a
line; they are invisible in the rendered guide::

    % techspec-example: warns unknown-ref, bad-value
    % techspec-example: conf extensions.append("sphinx_needs")
    % techspec-example: items 0
    % techspec-example: in example_docs
    ````{code-block} md
    ...
    ````

- ``warns SUBTYPE, ...``: the example shows a mistake on purpose; its build
  must give exactly these ``[techspec.<subtype>]`` warnings (each at least
  once, no other subtype, and no warning of any other kind).
- ``conf LINE``: a line of Python appended to the example's ``conf.py``
  (an example that needs a config value or another extension).
- ``items N``: the example makes N techspec items rather than one per item
  directive (for a page showing another extension's directive of the same
  name, such as sphinx-needs' ``spec``).
- ``in example_docs``: the example names items of the example platform (an
  aggregate over ``SPEC-CHECKOUT`` and ``SPEC-INVENTORY``, which no single
  page can declare: a page declares one spec). It is built as one more page
  of a fresh copy of this guide's own project, with that project's
  ``conf.py``, and is held to the same checks there.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from conftest import Build, build, write_project
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin

from sphinxcontrib_techspec.core.kinds import KINDS

REPO = Path(__file__).parent.parent
GUIDE = REPO / "example_docs" / "guide"

#: the conf.py the quickstart tells a reader to write, and warning types shown
CONF = """\
extensions = ["myst_parser", "sphinxcontrib_techspec"]
myst_enable_extensions = ["colon_fence"]
show_warning_types = True
"""

LANGUAGES = {"rst": "rst", "restructuredtext": "rst", "myst": "md", "md": "md", "markdown": "md"}
_INFO = re.compile(r"\{(?:code-block|code|sourcecode)\}\s*(?P<directive>\S*)|(?P<plain>\S*)")
_MARKER = re.compile(r"%\s*techspec-example:\s*(?P<what>warns|conf|items|in)\b\s*(?P<arg>.*)")
_RST_DIRECTIVE = re.compile(r"^\s*\.\.\s+(?P<name>[\w:-]+)::", re.MULTILINE)
_MYST_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|:{3,})\{(?P<name>[\w:-]+)\}", re.MULTILINE)


@dataclass
class Example:
    page: str
    line: int
    suffix: str
    text: str
    warns: list[str] = field(default_factory=list)
    conf: list[str] = field(default_factory=list)
    items: int | None = None
    #: a project the example is a page of (``example_docs``), or None for a fresh one
    within: str | None = None

    @property
    def directives(self) -> list[str]:
        pattern = _RST_DIRECTIVE if self.suffix == "rst" else _MYST_DIRECTIVE
        return [m["name"] for m in pattern.finditer(self.text)]

    def expected_items(self) -> int:
        """One item per item directive (``slo``, ``techspec:slo``), plus a spec in MyST front matter."""
        if self.items is not None:
            return self.items
        count = sum(1 for name in self.directives if name.rpartition(":")[2] in KINDS)
        front = re.match(r"---\n(.*?)\n---\n", self.text, re.DOTALL)
        if self.suffix == "md" and front:
            data = yaml.safe_load(front[1]) or {}
            count += "spec" in data or "spec" in (data.get("techspec") or {})
        return count


def _markers(lines: list[str], fence_line: int) -> list[re.Match[str]]:
    out = []
    line = fence_line - 1
    while line >= 0 and lines[line].startswith("%"):
        match = _MARKER.fullmatch(lines[line].strip())
        if match is None:
            raise ValueError(f"line {line + 1}: not a techspec-example marker: {lines[line]!r}")
        out.append(match)
        line -= 1
    return out[::-1]


def guide_examples(guide: Path = GUIDE) -> list[Example]:
    parser = MarkdownIt("commonmark").use(colon_fence_plugin)
    out = []
    for page in sorted(guide.glob("*.md")):
        source = page.read_text()
        lines = source.splitlines()
        for token in parser.parse(source):
            if token.type not in ("fence", "colon_fence") or token.map is None:
                continue
            info = _INFO.match(token.info.strip())
            language = (info and (info["directive"] if info["directive"] is not None else info["plain"])) or ""
            suffix = LANGUAGES.get(language.lower())
            body = token.content
            if token.info.strip().startswith("{"):
                # a code-block's own options (:caption:, :class:) are not the example
                body = re.sub(r"\A(?::[\w-]+:.*\n)+\n?", "", body)
            if suffix is None:
                continue
            example = Example(page.name, token.map[0] + 1, suffix, body)
            if not example.directives:
                continue
            for marker in _markers(lines, token.map[0]):
                if marker["what"] == "warns":
                    example.warns += [s.strip() for s in marker["arg"].split(",") if s.strip()]
                elif marker["what"] == "conf":
                    example.conf.append(marker["arg"])
                elif marker["what"] == "in":
                    assert marker["arg"] == "example_docs", f"{page.name}: unknown project {marker['arg']!r}"
                    example.within = marker["arg"]
                else:
                    example.items = int(marker["arg"])
            out.append(example)
    return out


EXAMPLES = guide_examples()


def test_the_guide_has_examples_in_both_syntaxes() -> None:
    """The extraction finds what the guide shows (a regex gone wrong would make every test vacuous)."""
    assert {e.suffix for e in EXAMPLES} == {"md", "rst"}
    assert len(EXAMPLES) >= 10
    assert {"quickstart.md", "directives.md", "aggregates.md", "targets.md"} <= {e.page for e in EXAMPLES}


def _build_example(example: Example, tmp_path: Path) -> tuple[Build, str]:
    """The example built as ``example``'s page; returns the build and that page's docname."""
    if example.within is None:
        conf = CONF + "".join(f"{line}\n" for line in example.conf)
        srcdir = write_project(tmp_path / "src", {"conf.py": conf, f"index.{example.suffix}": example.text})
        # written exactly as shown: write_project dedents, which an example at column 0 does not change
        assert (srcdir / f"index.{example.suffix}").read_text() == example.text.lstrip("\n")
        return build(srcdir), "index"
    srcdir = tmp_path / "src"
    shutil.copytree(REPO / example.within, srcdir, ignore=shutil.ignore_patterns("_build"))
    page = srcdir / f"guide-example.{example.suffix}"
    page.write_text(example.text)
    with open(srcdir / "conf.py", "a") as conf:
        conf.writelines(f"{line}\n" for line in example.conf)
    # in a hidden toctree, or Sphinx says the page is in none (a warning Sphinx 7.4 gives
    # no type, so suppress_warnings cannot take it away)
    with open(srcdir / "index.md", "a") as index:
        index.write("\n```{toctree}\n:hidden:\n\nguide-example\n```\n")
    return build(srcdir), "guide-example"


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.page}:{e.line}" for e in EXAMPLES])
def test_guide_example_builds(example: Example, tmp_path: Path) -> None:
    check(example, tmp_path)


def check(example: Example, tmp_path: Path) -> None:
    result, docname = _build_example(example, tmp_path)
    assert "Traceback" not in result.warnings and "Exception occurred" not in result.warnings
    items = [i for i in result.export()["items"] if i["docname"] == docname and not i.get("external")]
    assert len(items) == example.expected_items(), [(i["kind"], i["id"]) for i in items]
    if example.warns:
        subtypes = result.subtypes()
        assert sorted(set(subtypes)) == sorted(set(example.warns)), result.warnings
        # a mistake shown on purpose gives its warning and nothing else
        assert all(w[3] and w[3].startswith("techspec.") for w in result.located()), result.warnings
    else:
        assert result.warnings == "", f"{example.page}:{example.line} is shown as correct but warns"


# -- the quickstart, followed to the letter --

QUICKSTART = GUIDE / "quickstart.md"


def _blocks(page: Path, language: str) -> list[str]:
    parser = MarkdownIt("commonmark").use(colon_fence_plugin)
    out = []
    for token in parser.parse(page.read_text()):
        info = _INFO.match(token.info.strip()) if token.type in ("fence", "colon_fence") else None
        if info and (info["directive"] if info["directive"] is not None else info["plain"]) == language:
            out.append(token.content)
    return out


@pytest.mark.parametrize("suffix", ["md", "rst"])
def test_quickstart_builds_green_as_written(tmp_path: Path, suffix: str) -> None:
    """The reader's first build: the quickstart's conf.py and spec page, in the files
    it names, built with the command it gives, warnings as errors."""
    text = QUICKSTART.read_text()
    (conf,) = _blocks(QUICKSTART, "python")
    page = next(b for b in _blocks(QUICKSTART, suffix) if "spec" in b)
    # the files the reader is told to write are the ones written here
    assert "`docs/conf.py`" in text and f"`docs/index.{suffix}`" in text
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(conf)
    (docs / f"index.{suffix}").write_text(page)
    # the first build command is the reader's (the last one builds this guide)
    command = next(line for b in _blocks(QUICKSTART, "console") for line in b.splitlines() if "sphinx -W" in line)
    argv = shlex.split(command.removeprefix("$ "))
    assert argv[:3] == ["python", "-m", "sphinx"] and "-W" in argv and "docs" in argv
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, *argv[1:]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "WARNING" not in run.stderr + run.stdout
    export = json.loads((tmp_path / "docs/_build/html/techspec.json").read_text())
    items = {(i["kind"], i["id"]) for i in export["items"]}
    assert items == {
        ("spec", "SPEC-CHECKOUT"),
        ("prd", "PRD-CHECKOUT"),
        ("component", "checkout-api"),
        ("component", "checkout-db"),
        ("sli", "checkout-availability"),
        ("slo", "checkout-availability-30d"),
    }
    # the page says the SLO's budget is 43 minutes 12 seconds: so does the build
    slo = next(i for i in export["items"] if i["kind"] == "slo")
    assert slo["fields"]["error-budget-seconds"] == 43 * 60 + 12 and "43 minutes 12 seconds" in " ".join(text.split())


# -- the checks themselves: markers are read, and a wrong claim fails --

PAGE = """\
# A page

```{code-block} rst
.. slo:: fine
   :sli: s
```

% techspec-example: warns bad-value
% techspec-example: conf techspec_review_warnings = False
````{code-block} md
```{benchmark} search
:target: p95 < fast
```
````

% a comment that is no marker

```{code-block} python
x = 1
```

:::{code-block} myst
:caption: not part of the example

```{techspec:slo} x
```
:::
"""


def test_examples_and_markers_are_read(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(PAGE)
    (rst, bad, colon) = guide_examples(tmp_path)
    assert (rst.suffix, rst.line, rst.warns, rst.expected_items()) == ("rst", 3, [], 1)
    assert (bad.suffix, bad.warns, bad.conf) == ("md", ["bad-value"], ["techspec_review_warnings = False"])
    assert bad.text == "```{benchmark} search\n:target: p95 < fast\n```\n"
    # a code-block's own options are dropped; a domain-qualified directive is an item directive
    assert colon.text.startswith("```{techspec:slo}") and colon.expected_items() == 1


def test_a_marker_must_be_a_known_instruction(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text("% techspec-example: warn bad-value\n```rst\n.. slo:: x\n```\n")
    with pytest.raises(ValueError, match="not a techspec-example marker"):
        guide_examples(tmp_path)


@pytest.mark.parametrize(
    ("text", "warns"),
    [
        (".. benchmark:: b\n   :target: p95 < fast\n", []),  # shown as correct, but warns
        (".. benchmark:: b\n   :target: p95 < fast\n", ["unknown-ref"]),  # warns, but not what it says
        (".. benchmark:: b\n   :target: p95 < 1s\n", ["bad-value"]),  # says it warns, but is clean
        (".. benchmark:: b\n   :target: 1s\n\n.. benchmarks:: c\n", []),  # a typo'd directive: a Sphinx error
    ],
)
def test_a_wrong_claim_fails(tmp_path: Path, text: str, warns: list[str]) -> None:
    with pytest.raises(AssertionError):
        check(Example("page.md", 1, "rst", text, warns=warns), tmp_path)
