"""Shared by tests/test_formats_*.py: the ecosystems' own validators (OpenSLO's JSON
Schemas, Backstage's catalog-model); the example platform is conftest's ``example_docs``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import EXAMPLE_BASE_URL
from referencing import Registry, Resource

HERE = Path(__file__).parent
DATA = HERE / "formats"
BASE_URL = EXAMPLE_BASE_URL


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
