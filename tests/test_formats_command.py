"""The exports in the build (``techspec_exports``) and from ``techspec export``: the same
bytes either way, the same after an incremental or a parallel build, exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ExampleDocs, build
from formats_support import BASE_URL, load_all

from sphinxcontrib_techspec.cli import main
from sphinxcontrib_techspec.core.formats import FORMATS


def outputs(folder: Path) -> dict[str, bytes]:
    """Every export file under ``folder`` (relative name -> bytes)."""
    out = {}
    for declared in FORMATS.values():
        path = folder / declared.filename
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        out.update({str(p.relative_to(folder)): p.read_bytes() for p in files if p.is_file()})
    return out


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_command_writes_what_the_build_wrote(example_docs: ExampleDocs, tmp_path: Path, name: str) -> None:
    declared = FORMATS[name]
    out = tmp_path / declared.filename
    result = CliRunner().invoke(
        main, ["export", "--format", name, str(example_docs.outdir / "techspec.json"), "--base-url", BASE_URL, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    built = example_docs.outdir / declared.filename
    if built.is_dir():
        assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in built.iterdir())
        assert all((out / p.name).read_bytes() == p.read_bytes() for p in built.iterdir())
    else:
        assert out.read_bytes() == built.read_bytes()


def test_warnings_go_to_stderr_located_and_the_rest_to_stdout(example_docs: ExampleDocs) -> None:
    result = CliRunner().invoke(main, ["export", "--format", "openslo", str(example_docs.outdir / "techspec.json"), "-o", "-"])
    assert result.exit_code == 0
    assert result.stderr.startswith("platform/inventory.md:137: WARNING: SLO 'reservation-throughput-peak': left out")
    assert result.stderr.rstrip().endswith("[techspec.export]")
    assert [d["kind"] for d in load_all(result.stdout)].count("SLO") == 5


def test_one_kind_as_csv_on_stdout_and_queries_from_a_file(example_docs: ExampleDocs, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["export", "--format", "csv", "--kind", "error-code", "--columns", "id,http-status", str(example_docs.outdir / "techspec.json"), "-o", "-"]
    )
    assert result.exit_code == 0
    # without --base-url the links are relative to the folder of techspec.json, as its pages are
    anchor = example_docs.index.get("error-code", "CART_EMPTY").anchor
    assert result.stdout.splitlines()[:2] == ["Error Code,HTTP status,URL", f"CART_EMPTY,422,platform/checkout.html#{anchor}"]
    queries = tmp_path / "queries.yaml"
    queries.write_text("payment-errors:\n  thresholdMetric:\n    metricSource:\n      type: Prometheus\n      spec: {query: 'sum(rate(http_5xx[5m]))'}\n")
    result = CliRunner().invoke(
        main, ["export", "--format", "openslo", "--openslo-queries", str(queries), str(example_docs.outdir / "techspec.json"), "-o", "-"]
    )
    sli = next(d for d in load_all(result.stdout) if d["metadata"]["name"] == "payment-errors")
    assert sli["spec"]["thresholdMetric"]["metricSource"]["type"] == "Prometheus"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "openslo", "{missing}", "-o", "-"], "cannot read export"),
        (["--format", "openslo", "{notjson}", "-o", "-"], "cannot read export"),
        (["--format", "openslo", "{notexport}", "-o", "-"], "is not a techspec.json export"),
        (["--format", "openapi", "{good}", "-o", "-"], "writes several files: give a folder as -o"),
        (["--format", "xlsx", "{good}", "-o", "-"], "is binary: give a file as -o"),
        (["--format", "openslo", "--openslo-queries", "{missing}", "{good}", "-o", "-"], "cannot read queries file"),
        (["--format", "reqif", "{good}", "-o", "{nofolder}/x.reqif"], "cannot write"),
    ],
)
def test_bad_usage_or_input_exits_2_with_one_line(example_docs: ExampleDocs, tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "notjson.json").write_text("{not json")
    (tmp_path / "notexport.json").write_text(json.dumps({"schema": "other"}))
    paths = {
        "missing": str(tmp_path / "missing.json"),
        "notjson": str(tmp_path / "notjson.json"),
        "notexport": str(tmp_path / "notexport.json"),
        "good": str(example_docs.outdir / "techspec.json"),
        "nofolder": str(tmp_path / "no" / "such"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "sphinxcontrib_techspec", "export", *(a.format(**paths) for a in args)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


SHOP = {
    "index.md": """
    # Shop

    ```{toctree}
    more
    ```

    ```{spec} SPEC-A
    :version: 1.0
    :status: current
    :owner: Team A
    :prd: PRD-A
    ```

    ```{prd} PRD-A
    :version: 1.0
    ```

    ```{requirement} REQ-A1
    :prd: PRD-A
    ```

    ```{component} api
    :depends-on: db
    :satisfies: REQ-A1
    ```

    ```{sli} up
    :kind: availability
    ```

    ```{slo} up-30d
    :sli: up
    :target: 99.9%
    :window: 30d
    :component: api
    ```
    """,
    "more.md": """
    # More

    ```{component} db
    :owner: Team A
    ```

    ```{db-table} orders
    :component: db
    CREATE TABLE orders (id UUID PRIMARY KEY);
    ```

    ```{api-endpoint} GET /orders/{id}
    :component: api
    ```
    """,
}


def test_incremental_and_parallel_builds_write_the_same_exports(project, tmp_path: Path) -> None:
    src = project(SHOP)
    first = build(src, techspec_exports=sorted(FORMATS))
    assert first.subtypes() == []
    assert sorted(p.name for p in (first.outdir / "openapi").iterdir()) == ["openapi.yaml"]
    # edit both documents: the endpoint moves into SPEC-A, under another path
    more = (src / "more.md").read_text()
    endpoint = more[more.index("```{api-endpoint}") :]
    (src / "more.md").write_text(more.replace(endpoint, ""))
    (src / "index.md").write_text((src / "index.md").read_text() + "\n" + endpoint.replace("{id}", "{order_id}"))
    incremental = outputs(build(src, techspec_exports=sorted(FORMATS)).outdir)
    clean = outputs(build(src, techspec_exports=sorted(FORMATS), freshenv=True).outdir)
    assert incremental == clean
    # nothing stale is left in a folder format
    assert sorted(k for k in clean if k.startswith("openapi/")) == ["openapi/SPEC-A.openapi.yaml"]
    assert b"/orders/{order_id}" in clean["openapi/SPEC-A.openapi.yaml"]
    parallel_src = tmp_path / "parallel"
    import shutil

    shutil.copytree(src, parallel_src, ignore=shutil.ignore_patterns("_build"))
    parallel = outputs(build(parallel_src, parallel=2, techspec_exports=sorted(FORMATS)).outdir)
    assert parallel == clean


def test_an_unknown_format_is_a_config_warning_and_the_others_are_written(project) -> None:
    src = project(SHOP)
    built = build(src, techspec_exports=["reqif", "pdf"])
    assert built.subtypes() == ["config"] and "unknown format 'pdf'" in built.warnings
    assert (built.outdir / "techspec.reqif").is_file()


def test_filter_sort_and_spec_are_the_tables_own(example_docs: ExampleDocs, tmp_path: Path) -> None:
    args = ["export", "--format", "csv", "--kind", "slo", "--columns", "id,window", str(example_docs.outdir / "techspec.json"), "-o", "-"]
    result = CliRunner().invoke(main, [*args, "--filter", "window >= 1d", "--sort", "-window, id"])
    assert result.exit_code == 0, result.output
    rows = [line.split(",")[:2] for line in result.stdout.splitlines()[1:]]
    # the SLOs over a day or more, longest window first, then by ID
    assert rows == [
        ["checkout-availability-30d", "30d"],
        ["notification-delay-p95", "1d"],
        ["stock-freshness-p99", "1d"],
    ]
    result = CliRunner().invoke(main, [*args, "--spec", "SPEC-PAYMENTS", "--spec", "SPEC-NOTIFICATIONS"])
    assert [line.split(",")[0] for line in result.stdout.splitlines()[1:]] == ["notification-delay-p95", "payment-error-rate"]
    book = tmp_path / "slo.xlsx"
    result = CliRunner().invoke(
        main, ["export", "--format", "xlsx", "--kind", "slo", "--filter", "target >= 99.9%", str(example_docs.outdir / "techspec.json"), "-o", str(book)]
    )
    assert result.exit_code == 0
    import openpyxl

    sheet = openpyxl.load_workbook(book)["slo"]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["checkout-availability-30d"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "slo", "--filter", "window >= 99%"], ":filter: 'window >= 99%' for slo: '99%' fits no value of window"),
        (["--kind", "slo", "--sort", "colour"], ":sort: 'colour' for slo:"),
        (["--filter", "window >= 1d"], "--filter and --sort need --kind"),
        (["--kind", "slo", "--columns", "id,colour"], "no column 'colour' for slo (valid: "),
    ],
)
def test_a_table_option_that_cannot_be_used_is_bad_usage(example_docs: ExampleDocs, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["export", "--format", "csv", *args, str(example_docs.outdir / "techspec.json"), "-o", "-"])
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""


def test_a_reqif_time_that_is_no_date_time_is_bad_usage(example_docs: ExampleDocs, tmp_path: Path) -> None:
    out = tmp_path / "x.reqif"
    result = CliRunner().invoke(
        main, ["export", "--format", "reqif", "--reqif-time", "yesterday", str(example_docs.outdir / "techspec.json"), "-o", str(out)]
    )
    assert result.exit_code == 2 and "is not a date and time" in result.stderr and not out.exists()


def test_a_base_url_without_its_slash_is_a_folder_in_the_build_and_the_command(project) -> None:
    """``html_baseurl = "https://docs.example.com/platform"`` links to pages under it, not beside it."""
    src = project(SHOP)
    built = build(src, techspec_exports=["backstage"], html_baseurl="https://docs.example.com/platform")
    written = (built.outdir / "catalog-info.yaml").read_text()
    assert "https://docs.example.com/platform/index.html#" in written
    assert "https://docs.example.com/platformindex" not in written
    result = CliRunner().invoke(
        main,
        ["export", "--format", "backstage", "--base-url", "https://docs.example.com/platform", str(built.outdir / "techspec.json"), "-o", "-"],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == written


def test_spec_takes_a_comma_separated_list_as_spec_does(example_docs: ExampleDocs) -> None:
    # the docs say --spec takes the specs "as :spec: does": comma-separated, and it may also be repeated
    args = ["export", "--format", "csv", "--kind", "slo", "--columns", "id", str(example_docs.outdir / "techspec.json"), "-o", "-"]

    def ids(*spec_args: str) -> list[str]:
        result = CliRunner().invoke(main, [*args, *spec_args])
        assert result.exit_code == 0, result.output
        return [line.split(",")[0] for line in result.stdout.splitlines()[1:]]

    one = ids("--spec", "SPEC-PAYMENTS")
    repeated = ids("--spec", "SPEC-PAYMENTS", "--spec", "SPEC-NOTIFICATIONS")
    assert ids("--spec", "SPEC-PAYMENTS,SPEC-NOTIFICATIONS") == repeated
    assert ids("--spec", " SPEC-PAYMENTS , ,SPEC-NOTIFICATIONS,") == repeated
    assert ids("--spec", "SPEC-PAYMENTS,SPEC-NOTIFICATIONS", "--spec", "SPEC-CHECKOUT") == ids(
        "--spec", "SPEC-PAYMENTS", "--spec", "SPEC-NOTIFICATIONS", "--spec", "SPEC-CHECKOUT"
    )
    assert one and set(one) < set(repeated)
