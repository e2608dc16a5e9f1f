"""Every command line of the user guide runs, as shown, and does what the guide says.

Each ``console``/``sh``/``shell``/``bash`` block of ``example_docs/guide/*.md``
and ``example_docs/index.md`` (new pages are picked up by the glob) is read as
a terminal session: a line starting with ``$ `` is a command (a trailing
backslash continues it on the next line), the lines after it up to the next
command are what the guide says it prints. Every command runs exactly as
shown, through ``bash -c``, in a scratch folder holding the project the block
refers to, with ``techspec`` and ``python`` on ``PATH`` running this worktree's
code (``PYTHONPATH``) and the caches of ``techspec check``/``diff`` in the
scratch folder. The commands of one block run in order in one folder, so a
later command sees what an earlier one wrote. Each command must exit 0 (or as
a marker says), and where the guide shows output, standard output must be
that text line for line (paths under the scratch folder written relative to
it); a line ``...`` stands for any number of lines.

A block says what it needs with MyST comment lines directly above its fence,
one instruction a line (invisible in the rendered guide)::

    % techspec-commands: in quickstart
    % techspec-commands: before python -m sphinx -q -b html docs docs/_build/html
    % techspec-commands: exit 1 on 1, 2
    % techspec-commands: skip on 3: takes 15 minutes
    % techspec-commands: writes techspec.sarif, techspec-junit.xml
    % techspec-commands: env READTHEDOCS_OUTPUT=_readthedocs
    % techspec-commands: needs latexmk
    % techspec-commands: skip a test module of this suite, which runs it anyway
    ```{code-block} console
    ...
    ```

- ``in PROJECT``: the folder the commands run in (see ``PROJECTS``):
  ``quickstart`` (the quickstart's ``docs/conf.py`` and ``docs/index.md``),
  ``new-docs`` (the quickstart's ``docs/conf.py`` and an ``index.md``
  whose toctree lists ``specs/*``), ``quickstart-git`` (the quickstart,
  committed in a git repository whose ``origin/main`` is that commit), ``example_docs`` (a copy of this guide's
  own project as ``example_docs/``), ``example_docs as DIR`` (the same copy
  as ``DIR``; ``.`` runs the commands inside it), ``adr-docs`` (a project
  whose ``techspec_adr_paths`` folder holds ADRs up to ``0007``),
  ``diff-exports`` (a spec built before and after a change, as
  ``main-build/techspec.json`` and ``_build/html/techspec.json``), ``repo
  PATH, ...`` (those paths of this repository, copied).
- ``before COMMAND``: a command run first, in the same way, which must exit 0
  (the build whose export the shown commands read, say).
- ``exit N``: the commands' exit status, or ``exit N on K, ...`` for the
  K-th commands of the block only (counting from 1); otherwise 0.
- ``writes PATH, ...``: files or folders that must exist afterwards (a
  ``*`` in a relative path matches any name).
- ``env NAME=VALUE``: an environment variable for the commands.
- ``needs PROGRAM ...``: programs the commands need besides Python
  (``dot``, ``latexmk``); without them the block is skipped, saying so.
- ``skip REASON``: the block is not run, for the reason given; ``skip on
  K, ...: REASON`` skips the K-th commands only.

A command matching one of ``SKIP`` (installing packages, which would replace
the code under test; running this suite's own tests) is not run either. Each
command not run is a skipped ``test_skipped_command`` with its reason
(``pytest -rs`` lists them). A block with no ``in`` and no ``skip`` fails,
unless each of its commands is skipped by ``SKIP``.

The CI recipes of the guide (YAML blocks with ``run:``/``script:`` steps, and
the pre-commit configuration) must parse, and each ``techspec`` command in
them, with the CI's variables for the target branch read as ``main``, must be
a command that one of the blocks runs.
"""

from __future__ import annotations

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
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "example_docs"
GUIDE = DOCS / "guide"
PAGES = [*sorted(GUIDE.glob("*.md")), DOCS / "index.md"]

LANGUAGES = {"console", "sh", "shell", "bash", "shell-session"}
_INFO = re.compile(r"\{(?:code-block|code|sourcecode)\}\s*(?P<directive>\S*)|(?P<plain>\S*)")
_MARKER = re.compile(r"%\s*techspec-commands:\s*(?P<what>in|before|exit|writes|env|needs|skip)\b\s*(?P<arg>.*)")

#: command lines not run anywhere, by pattern, with the reason
SKIP = [
    (
        re.compile(r"\bpip install\b"),
        "installs a package into the running Python (from PyPI or this checkout),"
        " which would replace the worktree's code that the other commands run",
    ),
    (re.compile(r"\bapt-get\b"), "installs Debian packages as root"),
    (re.compile(r"^python -m pytest\b"), "runs test modules of this suite, which the suite runs anyway"),
]


@dataclass
class Command:
    line: str
    shown: list[str]
    skipped: str | None = None


@dataclass
class Block:
    page: str
    line: int
    commands: list[Command]
    project: str | None = None
    before: list[str] = field(default_factory=list)
    exits: dict[int, int] = field(default_factory=dict)
    writes: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    needs: list[str] = field(default_factory=list)
    skip: str | None = None

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def _language(info: str) -> str:
    match = _INFO.match(info.strip())
    return ((match["directive"] if match["directive"] is not None else match["plain"]) or "") if match else ""


def _session(text: str) -> list[Command]:
    commands: list[Command] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\") and i + 1 < len(lines):
                i += 1
                command += "\n" + lines[i]
            commands.append(Command(command, []))
        elif commands:
            commands[-1].shown.append(line)
        else:
            raise ValueError(f"output before any command: {line!r}")
        i += 1
    for command in commands:
        command.skipped = next((why for pattern, why in SKIP if pattern.search(command.line)), None)
    return commands


def guide_blocks(pages: list[Path] = PAGES) -> list[Block]:
    parser = MarkdownIt("commonmark").use(colon_fence_plugin)
    out = []
    for page in pages:
        source = page.read_text(encoding="utf-8")
        lines = source.splitlines()
        for token in parser.parse(source):
            if token.type not in ("fence", "colon_fence") or token.map is None:
                continue
            if _language(token.info).lower() not in LANGUAGES:
                continue
            body = re.sub(r"\A(?::[\w-]+:.*\n)+\n?", "", token.content) if token.info.startswith("{") else token.content
            name = page.name if page.parent != DOCS else str(page.relative_to(DOCS))
            block = Block(name, token.map[0] + 1, _session(body))
            if not block.commands:
                raise ValueError(f"{block.id}: a {token.info.strip()} block with no '$ ' command")
            at = token.map[0] - 1
            while at >= 0 and lines[at].startswith("%"):
                marker = _MARKER.fullmatch(lines[at].strip())
                if marker is None:
                    raise ValueError(f"{name}:{at + 1}: not a techspec-commands marker: {lines[at]!r}")
                what, arg = marker["what"], marker["arg"].strip()
                if what == "in":
                    block.project = arg
                elif what == "before":
                    block.before.insert(0, arg)
                elif what == "exit":
                    status, _, which = arg.partition(" on ")
                    numbers = [int(n) for n in which.split(",")] if which else range(1, len(block.commands) + 1)
                    block.exits.update({n: int(status) for n in numbers})
                elif what == "writes":
                    block.writes += [p.strip() for p in arg.split(",") if p.strip()]
                elif what == "env":
                    name_, _, value = arg.partition("=")
                    block.env[name_] = value
                elif what == "needs":
                    block.needs += arg.split()
                elif arg.startswith("on "):
                    which, _, why = arg.removeprefix("on ").partition(":")
                    for number in which.split(","):
                        block.commands[int(number) - 1].skipped = why.strip()
                else:
                    block.skip = arg
                at -= 1
            out.append(block)
    return out


BLOCKS = guide_blocks()
RUN = [b for b in BLOCKS if b.skip is None and any(c.skipped is None for c in b.commands)]


# -- the projects a block runs in --


def _quickstart(root: Path) -> None:
    from test_guide_examples import QUICKSTART, _blocks

    (conf,) = _blocks(QUICKSTART, "python")
    page = next(b for b in _blocks(QUICKSTART, "md") if "spec" in b)
    (root / "docs").mkdir()
    (root / "docs" / "conf.py").write_text(conf)
    (root / "docs" / "index.md").write_text(page)


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def _new_docs(root: Path) -> None:
    from test_guide_examples import QUICKSTART, _blocks

    (conf,) = _blocks(QUICKSTART, "python")
    (root / "docs").mkdir()
    (root / "docs" / "conf.py").write_text(conf)
    (root / "docs" / "index.md").write_text("# Specs\n\n```{toctree}\n:glob:\n\nspecs/*\n```\n")


def _quickstart_git(root: Path) -> None:
    _quickstart(root)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "specs")
    _git(root, "update-ref", "refs/remotes/origin/main", "HEAD")


def _example_docs(root: Path, target: str = "example_docs") -> None:
    shutil.copytree(DOCS, root / target, ignore=shutil.ignore_patterns("_build"), dirs_exist_ok=True)


def _adr_docs(root: Path) -> None:
    docs = root / "docs"
    (docs / "platform" / "adr").mkdir(parents=True)
    (docs / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinxcontrib_techspec"]\ntechspec_adr_paths = ["platform/adr/*.md"]\n'
    )
    (docs / "index.md").write_text("# Decisions\n\n```{toctree}\n:glob:\n\nplatform/adr/*\n```\n")
    (docs / "platform" / "adr" / "0007-use-kotlin.md").write_text("---\nstatus: accepted\n---\n# Use Kotlin\n")


def _diff_exports(root: Path) -> None:
    from test_cli_diff import CONF, MYST_V1, MYST_V2

    for built, text in (("main-build", MYST_V1), ("_build/html", MYST_V2)):
        src = root / "src" / built
        src.mkdir(parents=True)
        (src / "conf.py").write_text(CONF)
        (src / "index.md").write_text(text)
        run = subprocess.run(
            [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(root / built)],
            capture_output=True, text=True, env=_env(root, {}),
        )  # fmt: skip
        assert run.returncode == 0, run.stderr


def _repo(root: Path, paths: str) -> None:
    for path in (p.strip() for p in paths.split(",")):
        shutil.copytree(REPO / path, root / path, ignore=shutil.ignore_patterns("_build", "__pycache__"))


PROJECTS = {
    "quickstart": _quickstart,
    "quickstart-git": _quickstart_git,
    "new-docs": _new_docs,
    "example_docs": _example_docs,
    "adr-docs": _adr_docs,
    "diff-exports": _diff_exports,
    "repo": _repo,
}


def _env(root: Path, extra: dict[str, str]) -> dict[str, str]:
    shims = root.parent / "shims"
    if not shims.exists():
        shims.mkdir()
        (shims / "techspec").write_text(
            f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m sphinxcontrib_techspec "$@"\n'
        )
        (shims / "techspec").chmod(0o755)
        (shims / "python").symlink_to(sys.executable)
    path = os.pathsep.join([str(shims), str(Path(sys.executable).parent), os.environ["PATH"]])
    pythonpath = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PATH": path, "PYTHONPATH": pythonpath, "XDG_CACHE_HOME": str(root.parent / "cache"), **extra}


def _setup(block: Block, root: Path) -> None:
    assert block.project is not None, f"{block.id}: no '% techspec-commands: in PROJECT' and no 'skip REASON'"
    name, _, arg = block.project.partition(" ")
    assert name in PROJECTS, f"{block.id}: unknown project {name!r}"
    if name == "example_docs" and arg:
        assert arg.startswith("as "), block.project
        _example_docs(root, arg.removeprefix("as ").strip())
    elif arg:
        PROJECTS[name](root, arg)  # type: ignore[call-arg]
    else:
        PROJECTS[name](root)  # type: ignore[call-arg]


def _bash(command: str, root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=root, capture_output=True, text=True, env=env, timeout=900)


def _matches(shown: list[str], actual: list[str]) -> bool:
    """``actual`` is ``shown``, where a line ``...`` stands for any number of lines."""
    if not shown:
        return not actual
    if shown[0].strip() == "...":
        return any(_matches(shown[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and actual[0] == shown[0] and _matches(shown[1:], actual[1:])


def run_block(block: Block, tmp_path: Path) -> list[str]:
    """Run ``block``; returns the commands run (skipped ones left out)."""
    missing = [program for program in block.needs if shutil.which(program) is None]
    if missing:
        pytest.skip(f"{block.id} needs {', '.join(missing)}, which is not installed (.ci/run installs it)")
    root = tmp_path / "work"
    root.mkdir(parents=True)
    _setup(block, root)
    env = _env(root, block.env)
    for command in block.before:
        done = _bash(command, root, env)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    ran = []
    for number, command in enumerate(block.commands, 1):
        if command.skipped:
            continue
        done = _bash(command.line, root, env)
        ran.append(command.line)
        where = f"{block.id}: $ {command.line}"
        assert "Traceback" not in done.stderr, (where, done.stderr)
        assert done.returncode == block.exits.get(number, 0), (where, done.returncode, done.stdout, done.stderr)
        if command.shown:
            actual = done.stdout.replace(f"{root}{os.sep}", "").rstrip("\n").splitlines()
            shown = list(command.shown)
            while shown and not shown[-1].strip():
                shown.pop()
            assert _matches(shown, actual), (where, "shown:", shown, "printed:", actual, done.stderr)
    for path in block.writes:
        written = list(root.glob(path)) if "*" in path else [root / path]
        assert written and all(p.exists() for p in written), f"{block.id}: {path} was not written"
    return ran


@pytest.mark.parametrize("block", RUN, ids=[b.id for b in RUN])
def test_guide_commands_run_as_shown(block: Block, tmp_path: Path) -> None:
    run_block(block, tmp_path)


def test_the_guide_has_commands_and_every_block_is_run_or_skipped_for_a_reason() -> None:
    assert len(BLOCKS) >= 20 and {"workflow.md", "exports.md", "quickstart.md"} <= {b.page for b in BLOCKS}
    for block in BLOCKS:
        runs = block.skip is None and any(c.skipped is None for c in block.commands)
        assert runs or block.skip or all(c.skipped for c in block.commands), block.id
        if runs:
            assert block.project is not None, f"{block.id}: says neither where it runs nor why it is skipped"


def skipped() -> list[tuple[str, str, str]]:
    """(block, command, reason) for every command line the test does not run."""
    out = []
    for block in BLOCKS:
        for command in block.commands:
            if block.skip or command.skipped:
                out.append((block.id, command.line, command.skipped or block.skip or ""))
    return out


SKIPPED = skipped()


@pytest.mark.parametrize(("where", "line", "reason"), SKIPPED, ids=[f"{w}:{line}" for w, line, _ in SKIPPED])
def test_skipped_command(where: str, line: str, reason: str) -> None:
    """Each command not run is a skipped test, listed with its reason by ``pytest -rs``."""
    assert reason.strip(), f"{where}: $ {line} is skipped without a reason"
    pytest.skip(f"{where}: $ {line}: {reason}")


def test_skipped_commands_are_listed() -> None:
    """Most of the guide's command lines run; printed with ``pytest -s``: how many."""
    ran = sum(1 for b in RUN for c in b.commands if c.skipped is None)
    print(f"{len(RUN)} blocks, {ran} command lines run; {len(SKIPPED)} lines skipped")
    assert ran >= 30 and ran > 3 * len(SKIPPED)


# -- the CI recipes --

_CI_VARIABLES = [(re.compile(r"\$\{\{\s*github\.base_ref\s*\}\}|\$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"), "main")]


def ci_commands(pages: list[Path] = PAGES) -> list[tuple[str, str]]:
    """(block, command) for every ``techspec`` command of a CI recipe in the guide."""
    parser = MarkdownIt("commonmark").use(colon_fence_plugin)
    out = []
    for page in pages:
        source = page.read_text(encoding="utf-8")
        for token in parser.parse(source):
            if token.type != "fence" or _language(token.info) != "yaml" or token.map is None:
                continue
            # every YAML block parses (front matter examples are two documents)
            (data, *_) = yaml.safe_load_all(re.sub(r"\A(?::[\w-]+:.*\n)+\n?", "", token.content))
            where = f"{page.name}:{token.map[0] + 1}"
            lines: list[str] = []
            if isinstance(data, dict) and "jobs" in data:  # GitHub Actions
                lines = [step["run"] for job in data["jobs"].values() for step in job["steps"] if "run" in step]
            elif isinstance(data, dict) and "repos" in data:  # pre-commit
                hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
                for repo in data["repos"]:
                    for hook in repo["hooks"]:
                        assert hook["id"] in hooks, (where, hook["id"])
                        lines.append(shlex.join([*shlex.split(hooks[hook["id"]]["entry"]), *hook.get("args", [])]))
            elif isinstance(data, dict):  # GitLab CI: jobs with a script
                lines = [line for job in data.values() if isinstance(job, dict) for line in job.get("script", [])]
            for line in lines:
                for pattern, value in _CI_VARIABLES:
                    line = pattern.sub(value, line)
                if line.startswith("techspec "):
                    out.append((where, line))
    return out


def not_run(commands: list[tuple[str, str]], blocks: list[Block]) -> list[tuple[str, str]]:
    """The CI commands no block runs (compared as argument lists, so quoting does not matter)."""
    ran = {tuple(shlex.split(c.line)) for b in blocks if b.skip is None for c in b.commands if c.skipped is None}
    return [(where, line) for where, line in commands if tuple(shlex.split(line)) not in ran]


def test_ci_recipes_parse_and_run_the_commands_the_guide_runs() -> None:
    commands = ci_commands()
    assert {where.split(":")[0] for where, _ in commands} >= {"workflow.md", "exports.md"}
    assert len(commands) >= 5
    assert not_run(commands, RUN) == []


def test_a_ci_command_the_guide_does_not_run_is_reported(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```yaml\nspecs:\n  script:\n    - techspec check docs --format junit -o j.xml\n"
        "    - techspec diff --git origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME HEAD docs\n```\n\n"
        "% techspec-commands: in quickstart\n```console\n$ techspec diff --git origin/main HEAD docs\n```\n"
    )
    commands = ci_commands([page])
    assert commands == [("page.md:1", "techspec check docs --format junit -o j.xml"),
                        ("page.md:1", "techspec diff --git origin/main HEAD docs")]  # fmt: skip
    assert not_run(commands, guide_blocks([page])) == [commands[0]]


# -- the checks themselves --

PAGE = """\
# A page

% techspec-commands: in quickstart
% techspec-commands: exit 1 on 2
% techspec-commands: writes docs/out.txt
```{code-block} console
$ echo hello \\
    world > docs/out.txt
$ python -c "print('a'); print('b'); print('c'); raise SystemExit(1)"
a
...
c
```

% techspec-commands: in quickstart
% techspec-commands: skip on 2: takes too long
```console
$ python -m pip install "sphinxcontrib-techspec[myst]"
$ sleep 600
$ true
```
"""


def test_sessions_and_markers_are_read_and_run(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(PAGE)
    block, install = guide_blocks([tmp_path / "page.md"])
    assert block.commands[0].line == "echo hello \\\n    world > docs/out.txt"
    assert block.commands[1].shown == ["a", "...", "c"]
    assert (block.project, block.exits, block.writes) == ("quickstart", {2: 1}, ["docs/out.txt"])
    # pip install is skipped by its pattern, the second command by the marker
    assert install.commands[0].skipped and install.project == "quickstart"
    assert [c.skipped for c in install.commands][1:] == ["takes too long", None]
    assert len(run_block(block, tmp_path)) == 2
    assert run_block(install, tmp_path / "second") == ["true"]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ("exit 1 on 2", "exit 0 on 2"),  # a wrong exit status
        ("\nc\n```", "\nd\n```"),  # output that is not what is shown
        ("writes docs/out.txt", "writes docs/other.txt"),  # a file that is not written
    ],
)
def test_a_wrong_claim_fails(tmp_path: Path, change: str, why: str) -> None:
    (tmp_path / "page.md").write_text(PAGE.replace(change, why, 1))
    block, _ = guide_blocks([tmp_path / "page.md"])
    with pytest.raises(AssertionError):
        run_block(block, tmp_path)


def test_a_block_without_a_project_fails(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text("```console\n$ techspec --help\n```\n")
    (block,) = guide_blocks([tmp_path / "page.md"])
    with pytest.raises(AssertionError, match=r"no '% techspec-commands: in PROJECT' and no 'skip REASON'"):
        run_block(block, tmp_path)
