"""techspec.json records each item's source file (``platform/inventory.md``), so tools
reading the export point at the file, as the build's warnings do, not at the docname."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import ExampleDocs, build
from jsonschema import Draft202012Validator

from sphinxcontrib_techspec.cli import main
from sphinxcontrib_techspec.core import export as ex
from sphinxcontrib_techspec.core.index import Index
from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.core.model import build_item

MYST = """
# Orders

```{spec} SPEC-ORDERS
:version: 1.0
```

```{component} api
```
"""

RST = """
Billing
=======

.. spec:: SPEC-BILLING
   :version: 1.0

.. component:: ledger
"""


def test_the_export_names_each_items_file_with_its_suffix(project) -> None:
    result = build(
        project(
            {
                "index.md": "# Home\n\n```{toctree}\nteam/orders\nbilling\n```\n",
                "team/orders.md": MYST,
                "billing.rst": RST,
            }
        )
    )
    sources = {(i["kind"], i["id"]): (i["docname"], i["source"]) for i in result.export()["items"]}
    assert sources[("spec", "SPEC-ORDERS")] == ("team/orders", "team/orders.md")
    assert sources[("component", "api")] == ("team/orders", "team/orders.md")
    assert sources[("spec", "SPEC-BILLING")] == ("billing", "billing.rst")
    assert sources[("component", "ledger")] == ("billing", "billing.rst")
    assert list(Draft202012Validator(ex.schema()).iter_errors(result.export())) == []


def one_item_export(sources: dict[str, str] | None) -> dict:
    item = build_item(KINDS["component"], "api", {}, "", "team/orders", 4)
    item.spec = "SPEC-A"
    return json.loads(ex.dumps(ex.export(Index([item]), "demo", sources=sources)))


def test_source_is_read_back_and_written_again() -> None:
    data = one_item_export({"team/orders": "team/orders.md"})
    assert data["items"][0]["source"] == "team/orders.md"
    project, index = ex.read(data)
    assert [i.source for i in index.items] == ["team/orders.md"]
    assert ex.locations(index) == {"team/orders": "team/orders.md"}
    assert ex.export(index, project) == data


def test_an_export_without_source_still_loads() -> None:
    data = one_item_export(None)
    assert "source" not in data["items"][0]
    assert "source" not in ex.schema()["properties"]["items"]["items"]["required"]
    _, index = ex.read(data)
    assert [(i.docname, i.source) for i in index.items] == [("team/orders", None)]
    assert ex.locations(index) == {}


def test_a_source_that_is_no_string_is_refused() -> None:
    data = one_item_export({"team/orders": "team/orders.md"})
    data["items"][0]["source"] = 7
    try:
        ex.read(data)
    except ValueError as error:
        assert "not a valid techspec.json" in str(error)
    else:
        raise AssertionError("an export whose source is a number was read")


def test_the_export_command_points_at_the_file_or_at_the_document_of_an_older_export(
    example_docs: ExampleDocs, tmp_path: Path
) -> None:
    data = example_docs.export()
    inventory = {i["source"] for i in data["items"] if i["docname"] == "platform/inventory"}
    assert inventory == {"platform/inventory.md"}
    args = ["export", "--format", "openslo", "-o", "-"]
    result = CliRunner().invoke(main, [*args, str(example_docs.outdir / "techspec.json")])
    assert result.exit_code == 0
    assert result.stderr.startswith("platform/inventory.md:137: WARNING: SLO 'reservation-throughput-peak': left out")
    # an export written before items named their file: the docname, as before
    for item in data["items"]:
        del item["source"]
    older = tmp_path / "older.json"
    older.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(main, [*args, str(older)])
    assert result.exit_code == 0
    assert result.stderr.startswith("platform/inventory:137: WARNING: SLO 'reservation-throughput-peak': left out")
