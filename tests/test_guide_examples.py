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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from conftest import build, write_project
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin

from sphinxcontrib_techspec.core.kinds import KINDS

GUIDE = Path(__file__).parent.parent / "example_docs" / "guide"

#: the conf.py the quickstart tells a reader to write, and warning types shown
CONF = """\
extensions = ["myst_parser", "sphinxcontrib_techspec"]
myst_enable_extensions = ["colon_fence"]
show_warning_types = True
"""

LANGUAGES = {"rst": "rst", "restructuredtext": "rst", "myst": "md", "md": "md", "markdown": "md"}
_INFO = re.compile(r"\{(?:code-block|code|sourcecode)\}\s*(?P<directive>\S*)|(?P<plain>\S*)")
_MARKER = re.compile(r"%\s*techspec-example:\s*(?P<what>warns|conf|items)\b\s*(?P<arg>.*)")
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


def guide_examples() -> list[Example]:
    parser = MarkdownIt("commonmark").use(colon_fence_plugin)
    out = []
    for page in sorted(GUIDE.glob("*.md")):
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


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.page}:{e.line}" for e in EXAMPLES])
def test_guide_example_builds(example: Example, tmp_path: Path) -> None:
    conf = CONF + "".join(f"{line}\n" for line in example.conf)
    srcdir = write_project(tmp_path / "src", {"conf.py": conf, f"index.{example.suffix}": example.text})
    # written exactly as shown: write_project dedents, which an example at column 0 does not change
    assert (srcdir / f"index.{example.suffix}").read_text() == example.text.lstrip("\n")
    result = build(srcdir)
    assert "Traceback" not in result.warnings and "Exception occurred" not in result.warnings
    items = [i for i in result.export()["items"] if not i.get("external")]
    assert len(items) == example.expected_items(), [(i["kind"], i["id"]) for i in items]
    if example.warns:
        subtypes = result.subtypes()
        assert sorted(set(subtypes)) == sorted(set(example.warns)), result.warnings
        # a mistake shown on purpose gives its warning and nothing else
        assert all(w[3] and w[3].startswith("techspec.") for w in result.located()), result.warnings
    else:
        assert result.warnings == "", f"{example.page}:{example.line} is shown as correct but warns"
