"""What a new user hit following the guide's command lines verbatim, run as the real command."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from cli_support import built_export, refused, sphinx_build, techspec


def test_new_adr_reads_the_conf_py_of_a_relative_source_dir(tmp_path: Path) -> None:
    # the Workflow page: `techspec new adr "Use PostgreSQL for orders" -C docs`, from the folder above docs
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text('techspec_adr_paths = ["platform/adr/*"]\n')
    made = techspec("new", "adr", "Use PostgreSQL for orders", "-C", "docs", "--date", "2026-01-31", cwd=tmp_path)
    assert made.code == 0, made.err
    assert made.out.strip() == "docs/platform/adr/0001-use-postgresql-for-orders.md"
    assert (docs / "platform/adr/0001-use-postgresql-for-orders.md").read_text().startswith("---\nstatus: proposed\n")


def test_a_failing_conf_py_is_reported_by_its_cause(tmp_path: Path) -> None:
    (tmp_path / "conf.py").write_text("import no_such_module_here\n")
    # Sphinx's header line alone ("There is a programmable error ...:") names no cause
    refused(techspec("new", "adr", "Broken", cwd=tmp_path), "cannot read", "No module named 'no_such_module_here'")
    refused(techspec("check", str(tmp_path)), "could not check", "No module named 'no_such_module_here'")


DIFF_CONF = (
    'project = "shop"\nextensions = ["myst_parser", "sphinxcontrib_techspec"]\nsuppress_warnings = ["techspec"]\n'
)
DIFF_V1 = """\
# Orders

```{spec} SPEC-ORDERS
:version: 1.0
:status: current
:api-version: 1.0
```

```{error-code} INVALID_INPUT
:http-status: 400
```

```{api-endpoint} POST /orders
```

```{service-interface} OrderService

def create(self, name: str) -> Order: ...
```
"""
DIFF_V2 = (
    DIFF_V1.replace(":http-status: 400", ":http-status: 422")
    .replace("```{api-endpoint} POST /orders\n", "```{api-endpoint} POST /orders\n:async:\n")
    .replace("name: str) -> Order", "name: str, note: str) -> Order")
)


def test_diff_reasons_read_like_the_others(tmp_path: Path) -> None:
    # a user saw "breaking (An error code's :http-status: changes.)" beside "breaking (the objective is looser)"
    exports = [built_export(tmp_path / version, DIFF_CONF, text) for version, text in (("v1", DIFF_V1), ("v2", DIFF_V2))]
    report = techspec("diff", *exports)
    assert report.code == 1, report.err
    lines = report.out.splitlines()
    assert "  ~ changed error-code 'INVALID_INPUT': breaking (the HTTP status changed)" in lines
    assert "  ~ changed api-endpoint 'POST /orders': breaking (the endpoint became asynchronous)" in lines
    assert "  ~ changed service-interface 'OrderService': breaking (the signature changed)" in lines


def test_clicks_own_usage_errors_are_one_line_too(tmp_path: Path) -> None:
    # a wrong --format printed click's usage block over four lines; every other bad usage is one line
    wrong = techspec("export", "--format", "yaml", "x.json", "-o", "x")
    refused(wrong, "'yaml' is not one of", "openslo", "(see 'techspec export --help')")
    assert wrong.err.startswith("techspec: error: ")
    refused(techspec("export", "x.json", "-o", "x"), "Missing option '--format'", "backstage, csv")
    refused(techspec("check", "--format", "xml", str(tmp_path)), "'xml' is not one of", "techspec check --help")
    refused(techspec("diff", "-f", "yaml", "a.json", "b.json"), "'yaml' is not one of")
    refused(techspec("new", "spec"), "Missing argument 'NAME'", "techspec new spec --help")
    refused(techspec("new", "frob"), "No such command 'frob'", "techspec new --help")
    refused(techspec("frob"), "No such command 'frob'", "(see 'techspec --help')")
    refused(techspec("check", "--bogus", str(tmp_path)), "No such option '--bogus'")
    # no subcommand at all is a request for help, which click prints in full
    bare = techspec("new")
    assert bare.code == 2 and "Commands:" in bare.err and "spec" in bare.err


GUIDE = Path(__file__).resolve().parent.parent / "example_docs" / "guide" / "workflow.md"


def _reference() -> dict[tuple[str, ...], list[str]]:
    """The Workflow page's command reference: each command's option cells, as written."""
    text = GUIDE.read_text(encoding="utf-8").split("## Command reference", 1)[1]
    out: dict[tuple[str, ...], list[str]] = {}
    for heading, body in re.findall(r"^### `techspec ([^`]*)`\n(.*?)(?=^### |\Z)", text, re.S | re.M):
        words = tuple(w for w in heading.split() if w.islower() and w.isalpha())
        cells = [row.split(" | ")[0] for row in body.splitlines() if row.startswith("| `-")]
        out[words] = [option for cell in cells for option in re.findall(r"`(-[^`]*)`", cell)]
    return out


def test_every_option_of_the_command_reference_is_in_help_as_written() -> None:
    # `new prd --help` said "-r, --requirements INTEGER RANGE" and "-o PATH  (default: see each command)"
    reference = _reference()
    assert {("new", "spec"), ("new", "prd"), ("new", "adr"), ("diff",), ("check",), ("export",)} <= set(reference)
    for words, options in reference.items():
        shown = techspec(*words, "--help")
        assert shown.code == 0, shown.err
        help_text = " ".join(shown.out.split())
        assert options, words
        for option in options:
            name, _, metavar = option.partition(" ")
            if "\\|" in metavar:  # a choice: the same choices, in any order
                choices = re.search(re.escape(name) + r" \[([^\]]*)\]", help_text)
                assert choices and set(choices.group(1).split("|")) == set(metavar.split("\\|")), (words, option)
            else:
                assert option in help_text, (words, option, help_text)
    assert "see each command" not in techspec("new", "spec", "--help").out


def test_diff_json_has_the_documented_keys(tmp_path: Path) -> None:
    # CONTRACT.md's keys, plus the ones the Workflow page documents (the projects, a reason): no others
    exports = [built_export(tmp_path / version, DIFF_CONF, text) for version, text in (("v1", DIFF_V1), ("v2", DIFF_V2.replace("INVALID_INPUT", "BAD_INPUT")))]
    report = techspec("diff", *exports, "--format", "json")
    assert report.code == 1, report.err
    data = json.loads(report.out)
    assert set(data) == {"old", "new", "changes", "findings"} and data["old"] == data["new"] == "shop"
    assert {c["change"] for c in data["changes"]} == {"added", "removed", "changed"}
    for change in data["changes"]:
        assert set(change) == {"kind", "id", "spec", "change", "class", "reason", "fields"}
        assert change["class"] in ("breaking", "compatible", "editorial")
        for field in change["fields"]:
            assert set(field) == {"field", "old", "new", "class", "reason"}
    (finding,) = data["findings"]
    assert set(finding) == {"spec", "version", "old", "new", "message", "changes"}
    assert ["error-code", "INVALID_INPUT"] in finding["changes"]
    assert 'PROJECT, "new": PROJECT' in GUIDE.read_text(encoding="utf-8")


def test_table_options_with_another_format_say_they_change_nothing(tmp_path: Path) -> None:
    # `--format backstage --kind component` wrote every entity and said nothing; a user expected components only
    export_json = built_export(tmp_path / "docs", DIFF_CONF, DIFF_V1)
    told = techspec(
        "export", "--format", "reqif", "--kind", "error-code", "--spec", "SPEC-ORDERS", export_json, "-o", "-"
    )
    assert told.code == 0, told.err
    assert told.err.splitlines() == [
        "techspec: warning: --kind and --spec only narrow csv and xlsx; --format reqif writes every item"
    ]
    assert "SPEC-ORDERS" in told.out and "<REQ-IF" in told.out
    table = techspec("export", "--format", "csv", "--kind", "error-code", export_json, "-o", "-")
    assert table.code == 0 and table.err == "" and table.out.splitlines()[1].startswith("INVALID_INPUT,SPEC-ORDERS,")
    # a missing export reads like diff's message, without Python's "[Errno 2]"
    refused(techspec("export", "--format", "csv", str(tmp_path / "nope.json"), "-o", "-"), "No such file or directory")
    assert "Errno" not in techspec("export", "--format", "csv", str(tmp_path / "nope.json"), "-o", "-").err


QUICKSTART = GUIDE.parent / "quickstart.md"


@pytest.mark.parametrize("syntax", ["md", "rst"])
def test_the_quickstart_verbatim_builds_with_W_and_shows_its_budget(tmp_path: Path, syntax: str) -> None:
    # the card said "Error budget seconds: 43m 12s" where the page promised 43 minutes 12 seconds of outage
    page = QUICKSTART.read_text(encoding="utf-8")
    conf = re.search(r"```\{code-block\} python\n(.*?)```", page, re.S)
    body = re.search(
        r"````\{code-block\} md\n(.*?)````" if syntax == "md" else r"```\{code-block\} rst\n(.*?)```", page, re.S
    )
    assert conf and body
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(conf.group(1))
    (docs / f"index.{syntax}").write_text(body.group(1))
    built = sphinx_build(docs, docs / "_build" / "html", "-W", "--keep-going")
    assert built.returncode == 0, built.stderr
    html = (docs / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Error budget : 0.1%" in text and "Outage allowed : 43m 12s" in text
    assert "`Error budget: 0.1%`" in page and "`Outage allowed: 43m 12s`" in page


def test_the_workflow_pages_placeholder_lines_are_what_the_build_and_check_print(tmp_path: Path) -> None:
    # the page showed "checkout.md:118: WARNING: slo 'availability-30d'"; the build says SLO, at line 122
    page = GUIDE.read_text(encoding="utf-8")
    shown_build = next(line for line in page.splitlines() if "WARNING:" in line and "placeholder" in line)
    shown_check = next(line for line in page.splitlines() if ": error: " in line and "placeholder" in line)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text('extensions = ["myst_parser", "sphinxcontrib_techspec"]\n')
    (docs / "index.md").write_text("# Specs\n\n```{toctree}\nspecs/checkout\n```\n")
    made = techspec("new", "spec", "checkout", "-o", "docs/specs/checkout.md", cwd=tmp_path)
    assert made.code == 0 and made.out.strip() == "docs/specs/checkout.md"
    built = sphinx_build(docs, docs / "_build")
    warnings = [line.replace(f"{tmp_path}/", "") for line in built.stderr.splitlines()]
    assert shown_build in warnings
    checked = techspec("check", "docs", "--cache-dir", str(tmp_path / "cache"), cwd=tmp_path)
    assert checked.code == 1 and shown_check in checked.out.splitlines()


def test_the_workflow_pages_diff_example_is_what_diff_prints(tmp_path: Path) -> None:
    # the page showed "target: >= 99.9% -> >= 99.5%"; diff shows targets as written, "99.9% -> 99.5%"
    from test_cli_diff import CONF, MYST_V1, MYST_V2

    page = GUIDE.read_text(encoding="utf-8")
    shown = re.search(r"\$ techspec diff main-build/techspec.json _build/html/techspec.json\n(.*?)```", page, re.S)
    assert shown
    exports = [built_export(tmp_path / version, CONF, text) for version, text in (("main-build", MYST_V1), ("html", MYST_V2))]
    report = techspec("diff", *exports)
    assert report.code == 1 and report.out == shown.group(1)


def test_the_github_recipe_still_reviews_the_change_when_the_check_fails() -> None:
    # `techspec check` exits 1 on a finding: a diff step without if: always() never ran,
    # and the always() comment step then failed on a missing spec-changes.md
    import yaml

    page = GUIDE.read_text(encoding="utf-8")
    recipe = re.search(r"### GitHub Actions\n\n```\{code-block\} yaml\n(.*?)```", page, re.S)
    assert recipe
    steps = yaml.safe_load(recipe.group(1))["jobs"]["specs"]["steps"]
    check = next(i for i, step in enumerate(steps) if str(step.get("run", "")).startswith("techspec check"))
    after = steps[check + 1 :]
    assert [s.get("run", s.get("uses", "")).split()[:2] for s in after] == [
        ["github/codeql-action/upload-sarif@v3"],
        ["techspec", "diff"],
        ["gh", "pr"],
    ]
    assert all(str(step.get("if", "")).startswith("always()") for step in after)
    assert "spec-changes.md" in after[-1]["if"]


def test_check_does_not_replay_export_findings_after_the_exports_are_turned_off(tmp_path: Path) -> None:
    # a user turned techspec_exports off and `techspec check` kept reporting "left out of the OpenSLO export"
    docs = tmp_path / "docs"
    docs.mkdir()
    conf = 'extensions = ["myst_parser", "sphinxcontrib_techspec"]\n'
    (docs / "index.md").write_text(
        "# Shop\n\n```{spec} SPEC-SHOP\n:version: 1.0\n:status: current\n```\n\n"
        "```{sli} lat\n:kind: latency\n```\n\n```{slo} peak\n:sli: lat\n:target: >= 500 rps\n:window: 1d\n```\n"
    )
    cache = str(tmp_path / "cache")
    (docs / "conf.py").write_text(conf + 'techspec_exports = ["openslo"]\n')
    first = techspec("check", "docs", "--cache-dir", cache, cwd=tmp_path)
    assert "left out of the OpenSLO export" in first.out and "[techspec.export]" in first.out
    (docs / "conf.py").write_text(conf)
    second = techspec("check", "docs", "--cache-dir", cache, cwd=tmp_path)
    assert "[techspec.export]" not in second.out
    assert second.out == techspec("check", "docs", "--cache-dir", cache, "--fresh", cwd=tmp_path).out
    (docs / "conf.py").write_text(conf + 'techspec_exports = ["openslo"]\n')
    third = techspec("check", "docs", "--cache-dir", cache, cwd=tmp_path)
    assert third.out.count("[techspec.export]") == 1


def test_check_without_its_record_of_findings_reads_everything_again(tmp_path: Path) -> None:
    # an environment cache without the last run's record (first run of a new version, a damaged file)
    # reported "0 findings": the documents Sphinx did not read again reported nothing
    from sphinxcontrib_techspec.cli.check import RECORD

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text('extensions = ["myst_parser", "sphinxcontrib_techspec"]\n')
    (docs / "index.md").write_text("# Shop\n\n```{slo} fast\n:target: soon\n```\n")
    cache = tmp_path / "cache"
    first = techspec("check", "docs", "--cache-dir", str(cache), cwd=tmp_path)
    assert first.code == 1 and "[techspec.missing-option]" in first.out and "[techspec.bad-value]" in first.out
    for damage in (None, "[not json"):
        if damage is None:
            (cache / RECORD).unlink()
        else:
            (cache / RECORD).write_text(damage)
        again = techspec("check", "docs", "--cache-dir", str(cache), cwd=tmp_path)
        assert again.code == 1 and again.out == first.out


def test_an_empty_fail_on_is_refused_and_techspec_means_every_subtype(tmp_path: Path) -> None:
    # `--fail-on "$FAIL_ON"` with the variable unset passed every check: "0 failing the check"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text('extensions = ["myst_parser", "sphinxcontrib_techspec"]\n')
    (docs / "index.md").write_text("# Shop\n\n```{slo} fast\n:target: soon\n```\n")
    cache = ("--cache-dir", str(tmp_path / "cache"))
    refused(techspec("check", "docs", "--fail-on", "", *cache, cwd=tmp_path), "--fail-on names no subtype")
    refused(techspec("check", "docs", "--fail-on", " , ", *cache, cwd=tmp_path), "--fail-on names no subtype")
    every = techspec("check", "docs", "--fail-on", "techspec", *cache, cwd=tmp_path)
    assert every.code == 1 and every.out == techspec("check", "docs", *cache, cwd=tmp_path).out
    assert every.out.splitlines()[-1] == "3 findings, 3 failing the check"


@pytest.mark.parametrize(
    ("name", "title", "spec_id"),
    [
        ("Checkout API", "Checkout API", "SPEC-CHECKOUT-API"),
        ("iOS App", "iOS App", "SPEC-IOS-APP"),
        ("order-history", "Order History", "SPEC-ORDER-HISTORY"),
    ],
)
def test_new_keeps_the_capitals_a_name_is_written_with(tmp_path: Path, name: str, title: str, spec_id: str) -> None:
    # `techspec new spec "Checkout API"` wrote "Tech Spec: Checkout Api"
    made = techspec("new", "spec", name, "-o", "spec.md", cwd=tmp_path)
    assert made.code == 0, made.err
    text = (tmp_path / "spec.md").read_text()
    assert text.startswith(f"# Tech Spec: {title}\n\n```{{spec}} {spec_id}\n:title: {title}\n")
    prd = techspec("new", "prd", name, "--rst", "-o", "prd.rst", cwd=tmp_path)
    assert prd.code == 0 and f":title: {title}\n" in (tmp_path / "prd.rst").read_text()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_git_says_why_a_revision_cannot_be_built(tmp_path: Path) -> None:
    # both failures printed Sphinx's last line, "Please also report this if it was a user error, ..."
    from test_cli_diff import MYST_V1, git, write

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README").write_text("shop\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "before the docs")
    write(repo / "docs", {"checkout.md": MYST_V1, "payments.rst": "Payments\n========\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "docs")
    cache = ("--cache-dir", str(tmp_path / "cache"))
    refused(
        techspec("diff", "--git", "HEAD~1", "HEAD", "docs", *cache, cwd=repo),
        "HEAD~1 (",
        "has no docs/conf.py: the project is not there yet",
    )
    (repo / "docs" / "conf.py").write_text('extensions = ["myst_parser", "no_such_extension_here"]\n')
    git(repo, "commit", "-q", "-am", "a broken extension")
    broken = techspec("diff", "--git", "HEAD~1", "HEAD", "docs", *cache, cwd=repo)
    # Sphinx 8+ ends in the traceback's "sphinx.errors.ExtensionError: Could not ...", 7.4 prints
    # "Extension error:" and the message on the next line: either way the cause is the line shown
    refused(broken, "building HEAD (", "Could not import extension no_such_extension_here", "No module named")
    assert "report" not in broken.err


def test_check_of_a_project_without_the_extension_says_so(tmp_path: Path) -> None:
    # it said "SphinxError: Builder name techspec-check not registered or available through entry point"
    (tmp_path / "conf.py").write_text('extensions = ["myst_parser"]\n')
    (tmp_path / "index.md").write_text("# Shop\n")
    refused(
        techspec("check", str(tmp_path), "--cache-dir", str(tmp_path / "cache")),
        "conf.py does not load sphinxcontrib_techspec: add it to extensions",
    )


def test_a_file_name_for_a_format_of_several_files_is_refused(tmp_path: Path) -> None:
    # `-o openapi.yaml` silently made a folder named openapi.yaml (and `-o all.csv` one named all.csv)
    export_json = built_export(tmp_path / "docs", DIFF_CONF, DIFF_V1)
    refused(
        techspec("export", "--format", "openapi", export_json, "-o", "openapi.yaml", cwd=tmp_path),
        "writes several files (SPEC-ORDERS.openapi.yaml): give a folder as -o, not 'openapi.yaml'",
    )
    refused(techspec("export", "--format", "csv", export_json, "-o", "all.csv", cwd=tmp_path), "give a folder as -o")
    assert not (tmp_path / "openapi.yaml").exists() and not (tmp_path / "all.csv").exists()
    made = techspec("export", "--format", "openapi", export_json, "-o", "openapi", cwd=tmp_path)
    assert made.code == 0 and (tmp_path / "openapi" / "SPEC-ORDERS.openapi.yaml").is_file()
    one = techspec("export", "--format", "csv", "--kind", "error-code", export_json, "-o", "errors.csv", cwd=tmp_path)
    assert one.code == 0 and (tmp_path / "errors.csv").is_file()


@pytest.mark.parametrize("what", ["spec", "prd"])
def test_new_with_o_dash_writes_to_standard_output(tmp_path: Path, what: str) -> None:
    # `techspec new spec x -o -` wrote a file named "-", where every other command's -o - is standard output
    shown = techspec("new", what, "checkout", "--rst", "-o", "-", cwd=tmp_path)
    assert shown.code == 0, shown.err
    assert list(tmp_path.iterdir()) == []
    written = techspec("new", what, "checkout", "--rst", "-o", "out.rst", cwd=tmp_path)
    assert written.code == 0 and shown.out == (tmp_path / "out.rst").read_text()


@pytest.mark.parametrize(("prefix", "written"), [('"arch-"', "arch-"), ('""', "techspec:")])
def test_new_writes_the_directive_names_the_project_answers_to(tmp_path: Path, prefix: str, written: str) -> None:
    # with techspec_plain_directives = False (the sphinx-needs page's "no overlap at all"), the spec that
    # `techspec new` wrote used plain names and every directive of it was unknown
    counts = []
    for name, extra in (("plain", ""), ("prefixed", f"techspec_plain_directives = False\ntechspec_directive_prefix = {prefix}\n")):
        docs = tmp_path / name / "docs"
        docs.mkdir(parents=True)
        (docs / "conf.py").write_text('extensions = ["myst_parser", "sphinxcontrib_techspec"]\n' + extra)
        (docs / "index.md").write_text("# X\n\n```{toctree}\n:glob:\n\nspecs/*\nprds/*\n```\n")
        assert techspec("new", "spec", "checkout", "-o", "docs/specs/checkout.md", cwd=tmp_path / name).code == 0
        assert techspec("new", "prd", "checkout", "--rst", "-o", "docs/prds/checkout.rst", cwd=tmp_path / name).code == 0
        built = sphinx_build(docs, docs / "_build")
        assert built.returncode == 0 and "Unknown directive" not in built.stderr, built.stderr
        counts.append(len(json.loads((docs / "_build" / "techspec.json").read_text())["items"]))
        spec = (docs / "specs" / "checkout.md").read_text()
        assert ("```{" + written + "spec} SPEC-CHECKOUT") in spec if extra else "```{spec} SPEC-CHECKOUT" in spec
    assert counts[0] == counts[1] == 26


def test_diff_git_outside_a_repository_says_so(tmp_path: Path) -> None:
    # it said "git rev-parse: fatal: not a git repository (or any of the parent directories): .git in docs"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(DIFF_CONF)
    refused(
        techspec("diff", "--git", "HEAD~1", "HEAD", "docs", cwd=tmp_path, env={"GIT_CEILING_DIRECTORIES": str(tmp_path)}),
        "docs is in no git repository: --git compares two commits of one",
    )
