"""Shared by tests/test_formats_*.py: the example platform exported once, and the
ecosystems' own validators (OpenSLO's JSON Schemas, Backstage's catalog-model)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from io import StringIO
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from sphinx.testing.util import SphinxTestApp

from sphinxcontrib_techspec.core import export
from sphinxcontrib_techspec.core.formats import FORMATS
from sphinxcontrib_techspec.core.index import Index

HERE = Path(__file__).parent
DATA = HERE / "formats"
EXAMPLE_DOCS = HERE.parent / "example_docs"
BASE_URL = "https://docs.example.org/shop/"


@dataclass
class Example:
    project: str
    index: Index
    data: dict[str, Any]
    outdir: Path
    warnings: str


@cache
def example() -> Example:
    """The example platform built once (html, every export on) into a temporary folder."""
    builddir = Path(tempfile.mkdtemp(prefix="techspec-formats-"))
    warning = StringIO()
    app = SphinxTestApp(
        "html",
        srcdir=EXAMPLE_DOCS,
        builddir=builddir,
        confoverrides={"techspec_exports": sorted(FORMATS), "html_baseurl": BASE_URL, "show_warning_types": True},
        status=StringIO(),
        warning=warning,
        freshenv=True,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    outdir = Path(app.outdir)
    data = json.loads((outdir / "techspec.json").read_text(encoding="utf-8"))
    project, index = export.read(data)
    return Example(project, index, data, outdir, warning.getvalue())


class _Strings(yaml.SafeLoader):
    """YAML as JSON would have it: timestamps stay strings (see openslo/README.md)."""


_Strings.yaml_implicit_resolvers = {
    key: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_all(text: str) -> list[Any]:
    return list(yaml.load_all(text, Loader=_Strings))


@cache
def openslo_validator() -> jsonschema.Draft7Validator:
    """OpenSLO v1's root schema with every schema file registered, as OpenSLO's own test did."""
    registry: Registry[Any] = Registry()
    for path in sorted((DATA / "openslo" / "v1").rglob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
    root = json.loads((DATA / "openslo" / "v1" / "openslo.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(root, registry=registry)


@cache
def _node_modules() -> Path | str:
    """``@backstage/catalog-model`` installed with npm into a cache folder, or why it cannot be."""
    if not shutil.which("node") or not shutil.which("npm"):
        return "node and npm are needed to run Backstage's validators (.ci/run installs them)"
    cache_dir = Path(os.environ.get("TECHSPEC_NPM_CACHE", Path.home() / ".cache" / "sphinxcontrib-techspec-tests"))
    manifest = (DATA / "package.json").read_text(encoding="utf-8")
    target = cache_dir / "backstage"
    if not (target / "node_modules" / "@backstage" / "catalog-model").is_dir() or (
        (target / "package.json").is_file() and (target / "package.json").read_text(encoding="utf-8") != manifest
    ):
        target.mkdir(parents=True, exist_ok=True)
        (target / "package.json").write_text(manifest, encoding="utf-8")
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent"],
            cwd=target,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            return f"npm install @backstage/catalog-model failed: {done.stderr.strip()[-300:]}"
    return target / "node_modules"


def backstage_check(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each entity's errors by Backstage's own validators (skips the test without Node)."""
    modules = _node_modules()
    if isinstance(modules, str):
        pytest.skip(modules)
    done = subprocess.run(
        ["node", str(DATA / "backstage_validate.cjs")],
        input=json.dumps(entities),
        capture_output=True,
        text=True,
        env={**os.environ, "NODE_PATH": str(modules)},
        timeout=120,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines()]
