"""``techspec new``: a spec, an ADR or a PRD from the templates shipped in the package.

What it writes builds with ``-W`` once its ``TODO(...)`` placeholders are
written; until then each placeholder gives one ``techspec.placeholder`` warning.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any, TypeVar

import click

from ..core import adrfiles
from .errors import fail, one_line

SYNTAXES = {"myst": ".md", "rst": ".rst"}


def template(name: str, /, **values: object) -> str:
    """A template of ``sphinxcontrib_techspec/templates`` with its ``${...}`` filled."""
    text = resources.files("sphinxcontrib_techspec").joinpath("templates", name).read_text(encoding="utf-8")
    return Template(text).substitute({k: str(v) for k, v in values.items()})


def slug(text: str) -> str:
    """``Use Postgres for orders!`` -> ``use-postgres-for-orders``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def syntax_of(myst: bool | None, output: str | None) -> str:
    if myst is not None:
        return "myst" if myst else "rst"
    return "rst" if output and output.endswith(".rst") else "myst"


def project_names(text: str, path: Path) -> str:
    """The template's directive names as the project that will hold ``path`` knows them.

    A project with ``techspec_plain_directives = False`` (the nearest conf.py above the
    file says so) answers only to the prefixed names, or the ``techspec:`` ones."""
    start = (Path.cwd() if str(path) == "-" else path).resolve()
    conf = next((d / "conf.py" for d in start.parents if (d / "conf.py").is_file()), None)
    if conf is None:
        return text
    try:
        values = _conf_values(conf)
    except Exception:  # the file is written all the same; the build will report the conf.py
        return text
    from ..sphinx.config import TechspecConfig
    from ..sphinx.names import DIRECTIVES

    if values.get("techspec_plain_directives", TechspecConfig.plain_directives) is not False:
        return text
    prefix = values.get("techspec_directive_prefix", TechspecConfig.directive_prefix)
    prefix = prefix if isinstance(prefix, str) and prefix else "techspec:"

    names = "|".join(re.escape(n) for n in sorted(DIRECTIVES, key=len, reverse=True))
    pattern = re.compile(rf"(?m)^(```\{{|[ \t]*\.\. )({names})(\}}|::)")
    return pattern.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}{m.group(3)}", text)


def write_new(path: Path, text: str, force: bool) -> None:
    text = project_names(text, path)
    if str(path) == "-":  # as for every other command: standard output
        click.echo(text, nl=False)
        return
    if path.exists() and not force:
        fail(f"{path} exists; choose another -o PATH, or pass --force to overwrite it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror or error}")
    click.echo(str(path))


def title_of(name: str) -> str:
    """``checkout`` -> ``Checkout``; a word written with capitals stays as written (``API``, ``iOS``)."""
    words = [w for w in re.split(r"[\s_-]+", name) if re.search(r"\w", w)]
    return " ".join(w if any(c.isupper() for c in w) else w[:1].upper() + w[1:] for w in words)


def named(name: str) -> str:
    if not slug(name):
        fail(f"{name!r} has no letters or digits to name a file and an ID by")
    return slug(name)


_syntax = click.option(
    "--myst/--rst",
    "myst",
    default=None,
    help="MyST Markdown (the default) or reStructuredText; -o PATH ending in .rst means --rst.",
)


_Command = TypeVar("_Command", bound=Callable[..., Any])


def _output(kind: str) -> Callable[[_Command], _Command]:
    return click.option(
        "-o",
        "--output",
        "output",
        metavar="PATH",
        help=f"The file to write, - for standard output (default: {kind}-NAME.md, or .rst, in the current folder).",
    )


_force = click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")


@click.group("new")
def command() -> None:
    """Start a spec, an ADR or a PRD from the template.

    Every value to write is a placeholder, TODO(what to write): the build warns
    once for each (techspec.placeholder) until it is replaced.
    """


@command.command("spec")
@click.argument("name")
@_syntax
@_output("spec")
@click.option("--id", "spec_id", metavar="ID", help="The spec's ID (default: SPEC-NAME in capitals).")
@click.option("--title", metavar="TITLE", help="The spec's title (default: from NAME).")
@_force
def new_spec(
    name: str, myst: bool | None, output: str | None, spec_id: str | None, title: str | None, force: bool
) -> None:
    """Write a tech spec NAME: every section of the template, with a directive stub for each item.

    Default file: spec-NAME.md (or .rst) in the current folder.

    \b
      techspec new spec checkout -o docs/specs/checkout.md
    """
    base = named(name)
    syntax = syntax_of(myst, output)
    title = title or title_of(name)
    heading = f"Tech Spec: {title}"
    text = template(
        f"spec{SYNTAXES[syntax]}",
        spec_id=spec_id or f"SPEC-{base.upper()}",
        title=title,
        name=base,
        title_rule="=" * len(heading),
    )
    write_new(Path(output or f"spec-{base}{SYNTAXES[syntax]}"), text, force)


@command.command("prd")
@click.argument("name")
@_syntax
@_output("prd")
@click.option("--id", "prd_id", metavar="ID", help="The PRD's ID (default: PRD-NAME in capitals).")
@click.option("--title", metavar="TITLE", help="The PRD's title (default: from NAME).")
@click.option(
    "-r",
    "--requirements",
    default=3,
    show_default=True,
    type=click.IntRange(0, 99),
    metavar="N",
    help="How many requirement stubs.",
)
@_force
def new_prd(
    name: str,
    myst: bool | None,
    output: str | None,
    prd_id: str | None,
    title: str | None,
    requirements: int,
    force: bool,
) -> None:
    """Write a PRD NAME with requirement stubs (REQ-NAME-1, REQ-NAME-2, ...) for specs to satisfy.

    Default file: prd-NAME.md (or .rst) in the current folder.

    \b
      techspec new prd checkout --requirements 4 -o docs/prds/checkout.md
    """
    base = named(name)
    syntax = syntax_of(myst, output)
    suffix = SYNTAXES[syntax]
    title = title or title_of(name)
    prd_id = prd_id or f"PRD-{base.upper()}"
    stubs = [
        template(f"prd-requirement{suffix}", requirement_id=f"REQ-{base.upper()}-{n}", prd_id=prd_id, number=n)
        for n in range(1, requirements + 1)
    ]
    text = template(
        f"prd{suffix}",
        prd_id=prd_id,
        title=title,
        title_rule="=" * len(f"PRD: {title}"),
        requirements="\n".join(stubs).rstrip("\n"),
    )
    write_new(Path(output or f"prd-{base}{suffix}"), text.rstrip("\n") + "\n", force)


# -- ADRs -------------------------------------------------------------------------------------------


def adr_folder(directory: str | None, source_dir: str) -> Path:
    """``--dir``, else the folder of the first ``techspec_adr_paths`` pattern in conf.py."""
    if directory:
        return Path(directory)
    conf = Path(source_dir) / "conf.py"
    if not conf.is_file():
        fail(f"no --dir given and no conf.py in {source_dir}: give --dir DIR, or -C SOURCE_DIR of the Sphinx project")
    patterns = read_conf(conf).get("techspec_adr_paths") or []
    if not isinstance(patterns, list) or not patterns:
        fail(f"no --dir given and {conf} sets no techspec_adr_paths: give --dir DIR")
    head = re.split(r"[*?\[]", str(patterns[0]), maxsplit=1)[0]
    # ``adr/0*`` -> ``adr``; ``adr/`` -> ``adr``; a bare ``adr`` pattern names the folder itself
    folder = head.rsplit("/", 1)[0] if "/" in head else head
    return Path(source_dir) / folder


def _conf_values(conf: Path) -> dict[str, Any]:
    """conf.py evaluated as Sphinx evaluates it; raises what the file raises."""
    import sphinx
    from sphinx.config import eval_config_file
    from sphinx.util.tags import Tags

    # absolute: Sphinx changes into conf.py's folder before it reads the file. Sphinx 7.4 calls
    # filename.encode() (a str, then), 9 filename.parent (a Path); 8 takes either
    path = conf.resolve()
    filename: Any = str(path) if sphinx.version_info < (8,) else path
    return eval_config_file(filename, Tags())


def read_conf(conf: Path) -> dict[str, object]:
    """conf.py evaluated as Sphinx evaluates it; exit 2 when it fails."""
    try:
        return _conf_values(conf)
    except Exception as error:  # conf.py is the user's code: any error is theirs to see, in one line
        fail(f"cannot read {conf}: {one_line(error)}")


def _number(path: Path) -> str | None:
    """The ADR number of a file name (``0007`` of ``0007-x.md``) as the build reads it; None for a
    file named otherwise, or by a date (``20200925-x.md``: a date, not ADR 20200925)."""
    label = adrfiles.adr_id(path.name)
    return label.removeprefix("ADR-") if label.startswith("ADR-") else None


def existing_adrs(folder: Path) -> dict[int, Path]:
    """Numbered ADR files of ``folder``, by number."""
    out: dict[int, Path] = {}
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            number = _number(path)
            if path.is_file() and number is not None:
                out.setdefault(int(number), path)
    return out


def adr_width(adrs: dict[int, Path]) -> int:
    return max((len(_number(p) or "") for p in adrs.values()), default=4)


def supersede(old: Path, new_label: str, new_file: str) -> str:
    """``old``'s text with its status set to ``superseded by [label](file)``, as adr-tools does."""
    text = adrfiles.superseded(old.read_text(encoding="utf-8"), f"[{new_label}]({new_file})")
    if text is None:
        fail(
            f"cannot find the status of {old} to mark it superseded (no 'status:' front matter or '## Status' section)"
        )
    return text


@command.command("adr")
@click.argument("title")
@click.option("--dir", "directory", metavar="DIR", help="The ADR folder (default: from techspec_adr_paths in conf.py).")
@click.option(
    "-C",
    "--source-dir",
    default=".",
    show_default=True,
    metavar="SOURCE_DIR",
    help="The Sphinx project whose conf.py names the ADR folder.",
)
@click.option(
    "--template",
    "style",
    type=click.Choice(["madr", "nygard"]),
    default="madr",
    show_default=True,
    help="MADR 4 (YAML front matter) or Michael Nygard's format, as adr-tools writes it.",
)
@click.option(
    "--supersedes",
    type=int,
    metavar="N",
    help="The number of the ADR this one replaces: its status becomes 'superseded by' this one.",
)
@click.option("--date", "date", metavar="YYYY-MM-DD", help="The decision's date (default: today).")
def new_adr(
    title: str, directory: str | None, source_dir: str, style: str, supersedes: int | None, date: str | None
) -> None:
    """Record a decision: ADR number N+1 in the ADR folder, titled TITLE.

    The folder is --dir DIR, or the folder of the first techspec_adr_paths pattern
    in SOURCE_DIR/conf.py (so the build reads the file as an adr item). With
    --supersedes N, ADR N's status becomes "superseded by" the new one and the new
    one links back to it.

    \b
      techspec new adr "Use PostgreSQL for orders"
      techspec new adr "Use CockroachDB for orders" --supersedes 1 --template nygard
    """
    if not slug(title):
        fail(f"the title {title!r} has no letters or digits to name a file by")
    when = date or _dt.date.today().isoformat()
    try:
        _dt.date.fromisoformat(when)
    except ValueError:
        fail(f"--date {when!r} is not a date like 2026-01-31")
    folder = adr_folder(directory, source_dir)
    adrs = existing_adrs(folder)
    old = None
    if supersedes is not None:
        old = adrs.get(supersedes)
        if old is None:
            fail(f"there is no ADR {supersedes} in {folder} to supersede")
    number = max(adrs, default=0) + 1
    width = adr_width(adrs)
    path = folder / f"{number:0{width}d}-{slug(title)}.md"
    label = adrfiles.adr_id(path.name)
    back = ""
    if old is not None:
        back = f"\nSupersedes [{adrfiles.adr_id(old.name)}]({old.name})\n"
        updated = supersede(old, label, path.name)
    text = template(f"adr-{style}.md", title=title, date=when, number=number, supersedes=back)
    write_new(path, text, force=False)
    if old is not None:
        old.write_text(updated, encoding="utf-8")
        click.echo(f"{old} (superseded by {label})")
