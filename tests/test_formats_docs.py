"""The Exports guide shows real output of the example platform: these files are what
``techspec export`` writes from its ``techspec.json`` (without ``--base-url``), checked
here so the page cannot go stale. ``TECHSPEC_REGENERATE_DOCS=1`` rewrites them."""

from __future__ import annotations

import os
import re

import pytest
from conftest import EXAMPLE_DOCS, ExampleDocs
from formats_support import load_all

from sphinxcontrib_techspec.core.formats import FORMATS, Options
from sphinxcontrib_techspec.core.formats.common import dump_yaml

FOLDER = EXAMPLE_DOCS / "guide" / "exports"


def expected(example_docs: ExampleDocs) -> dict[str, str]:
    options = Options(pages=example_docs.data["pages"])

    def write(name: str, **more: object) -> object:
        return FORMATS[name].write(example_docs.index, example_docs.project, Options(pages=example_docs.data["pages"], **more)).content

    catalog = load_all(str(write("backstage")))
    component = next(e for e in catalog if e["metadata"]["name"] == "checkout-api")
    openapi = write("openapi")
    assert isinstance(openapi, dict)
    reqif = str(write("reqif"))
    # REQ-CHK-3's spec object and the relations that point at it
    blocks = re.findall(r"^ *<SPEC-OBJECT IDENTIFIER=\"SO-requirement-REQ-CHK-3\".*?</SPEC-OBJECT>\n", reqif, re.S | re.M)
    relations = [
        r for r in re.findall(r"^ *<SPEC-RELATION .*?</SPEC-RELATION>\n", reqif, re.S | re.M) if "SO-requirement-REQ-CHK-3</" in r
    ]
    assert options.pages and blocks and relations
    return {
        "openslo.yaml": str(write("openslo")),
        "backstage-checkout-api.yaml": dump_yaml([component]),
        "SPEC-INVENTORY.openapi.yaml": str(openapi["SPEC-INVENTORY.openapi.yaml"]),
        "reqif-REQ-CHK-3.xml": "".join(blocks + relations),
        "slo.csv": str(write("csv", kind="slo")),
    }


def test_the_guides_examples_are_the_real_output(example_docs: ExampleDocs) -> None:
    files = expected(example_docs)
    if os.environ.get("TECHSPEC_REGENERATE_DOCS"):
        FOLDER.mkdir(exist_ok=True)
        for name, text in files.items():
            (FOLDER / name).write_text(text, encoding="utf-8")
    found = {p.name: p.read_text(encoding="utf-8") for p in FOLDER.iterdir()}
    assert found == files, "run the tests with TECHSPEC_REGENERATE_DOCS=1 and commit example_docs/guide/exports/"


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_guide_documents_every_format_and_its_command(name: str) -> None:
    page = (EXAMPLE_DOCS / "guide" / "exports.md").read_text(encoding="utf-8")
    assert f"techspec export --format {name}" in page
