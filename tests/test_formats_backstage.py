"""Backstage catalog: the example platform's entities pass Backstage's own validators
(``@backstage/catalog-model`` run with Node), and every relation names an entity of the file."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from conftest import ExampleDocs, build
from formats_support import BASE_URL, backstage_check, load_all

from sphinxcontrib_techspec.core.formats import FORMATS, Options

ANNOTATION = "sphinxcontrib-techspec.readthedocs.io"


def catalog(example_docs: ExampleDocs, text: str | None = None) -> list[dict]:
    return load_all(text if text is not None else (example_docs.outdir / "catalog-info.yaml").read_text(encoding="utf-8"))


def by_ref(entities: list[dict]) -> dict[str, dict]:
    return {f"{e['kind'].lower()}:default/{e['metadata']['name']}": e for e in entities}


def test_every_entity_of_the_example_passes_backstages_validators(example_docs: ExampleDocs) -> None:
    entities = catalog(example_docs)
    results = backstage_check(entities)
    assert len(results) == len(entities)
    assert [r for r in results if r["errors"]] == []


def test_backstages_validators_do_reject_a_broken_entity(example_docs: ExampleDocs) -> None:
    broken = copy.deepcopy(next(e for e in catalog(example_docs) if e["kind"] == "Component"))
    del broken["spec"]["owner"]
    broken["metadata"]["name"] = "not a valid name!"
    errors = backstage_check([broken])[0]["errors"]
    assert any("owner" in e for e in errors) and any("name" in e for e in errors)


def test_counts_match_the_specs(example_docs: ExampleDocs) -> None:
    entities = catalog(example_docs)
    kinds = [e["kind"] for e in entities]
    assert kinds.count("System") == len(example_docs.index.of_kind("spec")) == 4
    # databases (components owning a db-table) are Resources; the rest Components
    assert kinds.count("Component") + kinds.count("Resource") == len(example_docs.index.of_kind("component")) == 12
    assert {e["metadata"]["name"] for e in entities if e["kind"] == "Resource"} == {"checkout-db", "inventory-db"}
    # one API per service interface and one per component serving endpoints
    served = {e.fields["component"] for e in example_docs.index.of_kind("api-endpoint")}
    assert kinds.count("API") == len(example_docs.index.of_kind("service-interface")) + len(served) == 5


def test_every_relation_names_an_entity_of_the_catalog(example_docs: ExampleDocs) -> None:
    entities = catalog(example_docs)
    known = by_ref(entities)
    refs = [
        ref
        for e in entities
        for field in ("system", "dependsOn", "providesApis", "consumesApis")
        for ref in ([e["spec"][field]] if isinstance(e["spec"].get(field), str) else e["spec"].get(field, []))
    ]
    assert refs and [r for r in refs if r not in known] == []


def test_a_component_says_what_its_spec_says(example_docs: ExampleDocs) -> None:
    api = by_ref(catalog(example_docs))["component:default/checkout-api"]
    assert api["spec"]["owner"] == "group:default/team-checkout"
    assert api["spec"]["lifecycle"] == "production"  # SPEC-CHECKOUT is current
    assert api["spec"]["system"] == "system:default/spec-checkout"
    assert api["spec"]["dependsOn"] == [
        "component:default/event-bus",
        "component:default/payment-gateway",
        "component:default/stock-service",
        "resource:default/checkout-db",
    ]
    assert api["spec"]["providesApis"] == ["api:default/checkout-api-http", "api:default/checkoutservice"]
    assert api["spec"]["consumesApis"] == [
        "api:default/payment-gateway-http",
        "api:default/paymentservice",
        "api:default/stock-service-http",
    ]
    # SPEC-NOTIFICATIONS is a draft
    assert by_ref(catalog(example_docs))["component:default/notifier"]["spec"]["lifecycle"] == "experimental"
    # the link goes to the component's card on its page
    item = example_docs.index.get("component", "checkout-api")
    assert api["metadata"]["links"][0]["url"] == f"{BASE_URL}{example_docs.data['pages'][item.docname]}#{item.anchor}"
    assert api["metadata"]["annotations"][f"{ANNOTATION}/spec"] == "SPEC-CHECKOUT"


def test_an_endpoint_group_api_carries_its_openapi_definition(example_docs: ExampleDocs) -> None:
    api = by_ref(catalog(example_docs))["api:default/stock-service-http"]
    assert api["spec"]["type"] == "openapi"
    definition = load_all(api["spec"]["definition"])[0]
    assert sorted((m.upper(), p) for p, ops in definition["paths"].items() for m in ops) == [
        ("DELETE", "/api/v1/reservations/{reservation_id}"),
        ("POST", "/api/v1/reservations"),
    ]


OWNERLESS = {
    "index.md": """
    # Shop

    ```{spec} SPEC-A
    :version: 1.0
    :status: review
    ```

    ```{component} api
    :owner: Team A
    :depends-on: worker
    ```

    ```{component} worker
    :purpose: Does things.
    ```
    """
}


OWNERLESS_RST = {
    "index.rst": """
    Shop
    ====

    .. spec:: SPEC-A
       :version: 1.0
       :status: review

    .. component:: api
       :owner: Team A
       :depends-on: worker

    .. component:: worker
       :purpose: Does things.
    """
}


@pytest.mark.parametrize(
    ("files", "where"), [(OWNERLESS, [("index.md", 3), ("index.md", 13)]), (OWNERLESS_RST, [("index.rst", 4), ("index.rst", 12)])]
)
def test_a_component_with_no_owner_is_a_located_warning_and_the_rest_is_written(project, files, where) -> None:
    src: Path = project(files)
    built = build(src, techspec_exports=["backstage"])
    located = [(f, line) for f, line, m, t in built.located() if t == "techspec.export"]
    # the spec and the worker have no owner; api has one
    assert sorted(located) == where
    entities = load_all((built.outdir / "catalog-info.yaml").read_text(encoding="utf-8"))
    assert [(e["kind"], e["metadata"]["name"]) for e in entities] == [("Component", "api")]
    # no relation to what was left out, no system that is not there
    assert "dependsOn" not in entities[0]["spec"] and "system" not in entities[0]["spec"]
    assert [r["errors"] for r in backstage_check(entities)] == [[]]


def test_the_same_index_gives_the_same_bytes(example_docs: ExampleDocs) -> None:
    options = Options(pages=example_docs.data["pages"], base_url=BASE_URL)
    first = FORMATS["backstage"].write(example_docs.index, example_docs.project, options).content
    assert first == FORMATS["backstage"].write(example_docs.index, example_docs.project, options).content
    assert first == (example_docs.outdir / "catalog-info.yaml").read_text(encoding="utf-8")
