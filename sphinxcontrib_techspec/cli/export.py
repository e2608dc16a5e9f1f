"""``techspec export``: a build's ``techspec.json`` written out in another tool's format.

Thin: the export is read back with ``core.export.read`` and handed to the
format's writer from ``core.formats.FORMATS``, as the build does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import yaml

from ..core import export as techspec_json
from ..core.formats import FORMATS, Options, save, tables
from ..core.kinds import KINDS
from .errors import fail


def _load(path: str, what: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        return json.loads(text) if what == "export" else yaml.safe_load(text)
    except OSError as error:
        fail(f"cannot read {what} {path!r}: {error.strerror or error}")
    except (UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
        fail(f"cannot read {what} {path!r}: {str(error).splitlines()[0] if str(error) else type(error).__name__}")


@click.command("export")
@click.option("--format", "format_", required=True, type=click.Choice(sorted(FORMATS)), help="The format to write.")
@click.option(
    "--kind",
    type=click.Choice(sorted(KINDS)),
    metavar="KIND",
    help="csv, xlsx: the one kind to tabulate (default: all).",
)
@click.option("--columns", metavar="A,B,...", help="csv, xlsx: comma-separated columns, as techspec-table's :columns:.")
@click.option(
    "--spec",
    "specs",
    metavar="SPEC,...",
    multiple=True,
    help="csv, xlsx: only the items of these specs, comma-separated (as :spec:) or repeated.",
)
@click.option(
    "--filter", "filter_", metavar="FILTER", help="csv, xlsx: with --kind, techspec-table's :filter: (target >= 99.9%)."
)
@click.option("--sort", metavar="SORT", help="csv, xlsx: with --kind, techspec-table's :sort: (-window, id).")
@click.option(
    "--base-url", default="", metavar="URL", help="Where the pages are published, to link back to them (html_baseurl)."
)
@click.option(
    "--openslo-queries",
    metavar="FILE",
    help="openslo: a JSON or YAML file mapping SLI IDs to their metric (techspec_openslo_queries).",
)
@click.option(
    "--reqif-time",
    default=Options.reqif_time,
    show_default=True,
    metavar="TIME",
    help="reqif: the creation time written into the document (techspec_reqif_time).",
)
@click.argument("export_json", metavar="EXPORT.json")
@click.option("-o", "--output", "out", required=True, metavar="OUT", help="File (or folder) to write; - for stdout.")
def command(
    format_: str,
    kind: str | None,
    columns: str | None,
    specs: tuple[str, ...],
    filter_: str | None,
    sort: str | None,
    base_url: str,
    openslo_queries: str | None,
    reqif_time: str,
    export_json: str,
    out: str,
) -> None:
    """Write EXPORT.json (a techspec.json from a build) as FORMAT into OUT.

    Warnings about items a format cannot hold are printed to standard error, as
    the build prints them; the rest is written. A format of several files
    (openapi; csv without --kind) writes them into OUT as a folder.

    \b
      techspec export --format openslo _build/html/techspec.json -o openslo.yaml
      techspec export --format openapi _build/html/techspec.json -o openapi/
      techspec export --format csv --kind slo _build/html/techspec.json -o -

    Exit status: 0 written, 2 bad usage or unreadable input."""
    # each --spec is a comma-separated list, as :spec: is; repeating it adds to the list
    spec_ids = [s.strip() for value in specs for s in value.split(",") if s.strip()]
    if (filter_ or sort) and not kind:
        fail("--filter and --sort need --kind: each kind has its own fields")
    table_options = (
        ("--kind", kind),
        ("--columns", columns),
        ("--spec", spec_ids),
        ("--filter", filter_),
        ("--sort", sort),
    )
    given = [name for name, value in table_options if value]
    if given and format_ not in {f.name for f in tables.FORMATS}:
        # the contract's form allows --kind with every format: say it changes nothing rather than ignore it silently
        click.echo(
            f"techspec: warning: {' and '.join([', '.join(given[:-1]), given[-1]] if len(given) > 1 else given)} "
            f"only narrow{'s' if len(given) == 1 else ''} csv and xlsx; "
            f"--format {format_} writes every item",
            err=True,
        )
    data = _load(export_json, "export")
    try:
        project, index = techspec_json.read(data)
    except ValueError as error:
        fail(f"{export_json} is not a techspec.json export: {str(error).splitlines()[0]}")
    queries = _load(openslo_queries, "queries file") if openslo_queries else {}
    if not isinstance(queries, dict):
        fail(f"--openslo-queries {openslo_queries!r} must map SLI IDs to metrics")
    options = Options(
        kind=kind,
        columns=[c.strip() for c in columns.split(",") if c.strip()] if columns else None,
        specs=spec_ids or None,
        filter=filter_,
        sort=sort,
        pages=data.get("pages") or {},
        base_url=base_url,
        openslo_queries=queries,
        reqif_time=reqif_time,
    )
    declared = FORMATS[format_]
    written = declared.write(index, project, options)
    # a table option the writer refused is bad usage, not a finding about the specs
    refused = [
        p for p in written.problems if p.docname is None and p.subtype in ("bad-value", "bad-filter", "bad-sort")
    ]
    if refused:
        fail(refused[0].message)
    files = techspec_json.locations(index)
    for problem in written.problems:
        where = f"{files.get(problem.docname, problem.docname)}:{problem.lineno}: " if problem.docname else ""
        click.echo(f"{where}WARNING: {problem.message} [techspec.{problem.subtype}]", err=True)
    content = written.content
    if content is None:
        fail(f"nothing to write as {format_}")
    if out == "-":
        if isinstance(content, dict):
            fail(f"--format {format_} writes several files: give a folder as -o")
        if isinstance(content, bytes):
            fail(f"--format {format_} is binary: give a file as -o")
        click.echo(content, nl=False)
        return
    suffix = Path(out).suffix
    if isinstance(content, dict) and suffix and any(name.endswith(suffix) for name in content):
        # `-o openapi.yaml` made a folder of that name: surely a file was meant
        names = sorted(content)
        shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        fail(f"--format {format_} writes several files ({shown}): give a folder as -o, not {out!r}")
    try:
        save(content, Path(out))
    except OSError as error:
        fail(f"cannot write {out!r}: {error.strerror or error}")
