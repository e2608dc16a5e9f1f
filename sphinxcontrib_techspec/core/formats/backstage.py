"""Backstage catalog (``catalog-info.yaml``): a ``System`` per spec, a ``Component`` per
component, a ``Resource`` per database (a component owning ``db-table`` items), an ``API``
per service interface and per component's endpoints (their OpenAPI skeleton as the
definition), each annotated with the spec and item it comes from and linked to its page.
"""

from __future__ import annotations

from typing import Any

from ..index import Index
from ..model import Item, Problem
from . import Format, Options, Written
from .common import ANNOTATION, dump_yaml, names, page_url, problem, slug
from .openapi import document

API_VERSION = "backstage.io/v1alpha1"
#: spec status -> Backstage lifecycle
LIFECYCLE = {
    "draft": "experimental",
    "review": "experimental",
    "current": "production",
    "deprecated": "deprecated",
    "superseded": "deprecated",
}


def _entity(kind: str, name: str, item: Item, options: Options, spec: dict[str, Any]) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "title": item.title}
    description = item.fields.get("purpose") or item.body.strip()
    if description:
        metadata["description"] = description
    metadata["annotations"] = {
        f"{ANNOTATION}/spec": item.spec or item.id,
        f"{ANNOTATION}/item": f"{item.kind}:{item.id}",
    }
    url = page_url(item, options, absolute=True)
    if url:
        metadata["links"] = [{"url": url, "title": f"{item.declaration.title} {item.id}"}]
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}


def write(index: Index, project: str, options: Options) -> Written:
    problems: list[Problem] = []
    specs = {s.id: s for s in index.of_kind("spec")}
    components = index.of_kind("component")
    interfaces = index.of_kind("service-interface")
    entity_names = names([*components, *interfaces, *specs.values()])

    def owner_of(item: Item) -> str | None:
        spec = specs.get(item.spec or "")
        owner = item.fields.get("owner") or (spec.fields.get("owner") if spec else None)
        return f"group:default/{slug(owner)}" if owner else None

    # components owning tables are databases: Resources, not Components
    databases = {c.key for t in index.of_kind("db-table") if (c := index.component_of(t)) is not None}
    # the APIs each component provides: its endpoints as one API, and its service interfaces
    provided: dict[tuple[str, str | None, str], list[str]] = {}
    apis: list[tuple[str, Item, str, str]] = []
    for component in components:
        served = [e for e in index.served.get(component.key, []) if index.component_of(e) is component]
        if served:
            name = slug(f"{entity_names[component.key]}-http")
            provided.setdefault(component.key, []).append(f"api:default/{name}")
            skeleton = document(index, served, f"{component.title} HTTP API", _version(specs, component), options)
            apis.append((name, component, "openapi", dump_yaml([skeleton])))
    for interface in interfaces:
        implementer = index.component_of(interface)
        name = entity_names[interface.key]
        if implementer is not None:
            provided.setdefault(implementer.key, []).append(f"api:default/{name}")
        apis.append((name, interface, interface.declaration.body, interface.body.strip() or interface.id))

    entities = []
    for spec in specs.values():
        owner = owner_of(spec)
        if owner is None:
            problems.append(problem(spec, "left out of the Backstage catalog: it has no :owner: (a System needs one)"))
            continue
        body: dict[str, Any] = {"owner": owner}
        entities.append(_entity("System", entity_names[spec.key], spec, options, body))
    for component in components:
        owner = owner_of(component)
        if owner is None:
            problems.append(
                problem(component, "left out of the Backstage catalog: it has no :owner: and neither has its spec")
            )
            continue
        home = specs.get(component.spec or "")
        database = component.key in databases
        body = {"type": "database" if database else "service", "owner": owner}
        if not database:
            body["lifecycle"] = LIFECYCLE.get(str(home.fields.get("status")) if home else "", "experimental")
        if home is not None and owner_of(home) is not None:
            body["system"] = f"system:default/{entity_names[home.key]}"
        depends, consumes = [], []
        for link in index.links_from.get(component.key, []):
            if link.source is component and link.field == "depends-on" and link.item is not None:
                target = link.item
                if owner_of(target) is None:
                    continue
                depends.append(
                    f"{'resource' if target.key in databases else 'component'}:default/{entity_names[target.key]}"
                )
                consumes += provided.get(target.key, [])
        if depends:
            body["dependsOn"] = sorted(set(depends))
        if not database and provided.get(component.key):
            body["providesApis"] = sorted(provided[component.key])
        if not database and consumes:
            body["consumesApis"] = sorted(set(consumes))
        entities.append(
            _entity("Resource" if database else "Component", entity_names[component.key], component, options, body)
        )
    for name, source, api_type, definition in apis:
        owner = owner_of(source)
        if owner is None:
            continue  # its component is left out already, with a warning
        home = specs.get(source.spec or "")
        body = {
            "type": api_type,
            "lifecycle": LIFECYCLE.get(str(home.fields.get("status")) if home else "", "experimental"),
            "owner": owner,
            "definition": definition,
        }
        if home is not None and owner_of(home) is not None:
            body["system"] = f"system:default/{entity_names[home.key]}"
        entities.append(_entity("API", name, source, options, body))
    order = {"System": 0, "Component": 1, "Resource": 2, "API": 3}
    entities.sort(key=lambda e: (order[e["kind"]], e["metadata"]["name"]))
    return Written(dump_yaml(entities), problems)


def _version(specs: dict[str, Item], item: Item) -> str:
    spec = specs.get(item.spec or "")
    return str(spec.fields.get("api-version") or spec.fields.get("version") or "0") if spec else "0"


FORMAT = Format(
    "backstage",
    "catalog-info.yaml",
    write,
    "Backstage catalog: a System per spec, a Component per component, a Resource per database, an API per "
    "service interface and per component's endpoints.",
    "@backstage/catalog-model's entity validators (Node.js)",
)
