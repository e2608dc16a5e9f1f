"""OpenAPI 3.1 skeletons from ``api-endpoint`` items, one document per spec, and
drift: a spec's endpoints compared with the service's real OpenAPI document.

Writing is strict (validated by ``openapi-spec-validator`` in the tests);
reading a real document is tolerant: what it cannot read is reported.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..index import Index
from ..model import Item, Problem
from . import Format, Options, Written
from .common import ANNOTATION, dump_yaml, page_url, slug

VERSION = "3.1.0"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAMETER = re.compile(r"\{([^{}/]+)\}")
_STATUS = re.compile(r"^\s*([1-5]\d\d)\b")


def success_status(item: Item) -> str:
    """``:async:`` answers 202; a ``:response:`` that starts with a status (``204``) says it; else 200."""
    if item.fields.get("async"):
        return "202"
    match = _STATUS.match(str(item.fields.get("response", "")))
    return match.group(1) if match else "200"


def error_statuses(index: Index, item: Item) -> dict[str, list[str]]:
    """HTTP status -> the error codes (from ``:errors:`` and the taxonomy) that answer it."""
    out: dict[str, list[str]] = defaultdict(list)
    for code in item.fields.get("errors", []):
        error = index.resolve("error-code", code, item.spec).item
        if error is not None and "http-status" in error.fields:
            out[str(error.fields["http-status"])].append(error.id)
    return dict(sorted(out.items()))


def security_scheme(text: str) -> dict[str, Any]:
    """The scheme an ``:auth:`` text names, by its words; the text itself is the description."""
    words = text.lower()
    if "mtls" in words or "mutual tls" in words:
        return {"type": "mutualTLS", "description": text}
    if "cookie" in words:
        return {"type": "apiKey", "in": "cookie", "name": "session", "description": text}
    if "basic" in words:
        return {"type": "http", "scheme": "basic", "description": text}
    return {"type": "http", "scheme": "bearer", "description": text}


def operation(index: Index, item: Item, options: Options) -> tuple[dict[str, Any], str | None]:
    """The operation object of one endpoint, and the security scheme it uses."""
    op: dict[str, Any] = {
        "operationId": slug(f"{item.fields['method']} {item.fields['path']}", 200),
        "summary": item.title,
    }
    if item.body.strip():
        op["description"] = item.body.strip()
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PARAMETER.findall(item.fields["path"])
    ]
    if parameters:
        op["parameters"] = parameters
    if item.fields.get("request"):
        op["requestBody"] = {
            "description": item.fields["request"],
            "content": {"application/json": {"schema": {"description": item.fields["request"]}}},
        }
    success = success_status(item)
    responses: dict[str, Any] = {success: {"description": item.fields.get("response") or "Success"}}
    if success == "202":
        responses[success]["description"] = "Accepted: answers with a task ID. " + str(item.fields.get("response", ""))
    for status, codes in error_statuses(index, item).items():
        responses[status] = {"description": ", ".join(codes)}
    op["responses"] = responses
    scheme = None
    if item.fields.get("auth"):
        scheme = slug(item.fields["auth"], 60)
        op["security"] = [{scheme: []}]
    extra = {f"x-{ANNOTATION.split('.')[0]}": {"spec": item.spec, "id": item.id}}
    url = page_url(item, options, absolute=True)
    if url:
        op["externalDocs"] = {"url": url}
    return {**op, **extra}, scheme


def document(index: Index, endpoints: list[Item], title: str, version: str, options: Options) -> dict[str, Any]:
    """One OpenAPI 3.1 document for ``endpoints`` (the first of two equal METHOD /path wins)."""
    paths: dict[str, dict[str, Any]] = defaultdict(dict)
    schemes: dict[str, Any] = {}
    for item in endpoints:
        method, path = str(item.fields.get("method", "")).lower(), item.fields.get("path")
        if method not in METHODS or not path or method in paths[path]:
            continue
        paths[path][method], scheme = operation(index, item, options)
        if scheme:
            schemes[scheme] = security_scheme(item.fields["auth"])
    out: dict[str, Any] = {
        "openapi": VERSION,
        "info": {"title": title, "version": version},
        "paths": {path: dict(sorted(ops.items())) for path, ops in sorted(paths.items())},
    }
    if schemes:
        out["components"] = {"securitySchemes": dict(sorted(schemes.items()))}
    return out


def write(index: Index, project: str, options: Options) -> Written:
    """``SPEC-ID.openapi.yaml`` per spec with endpoints (``openapi.yaml`` for those of no spec)."""
    by_spec: dict[str | None, list[Item]] = defaultdict(list)
    problems = []
    for item in index.of_kind("api-endpoint"):
        if "method" not in item.fields or "path" not in item.fields:
            problems.append(
                Problem(
                    "export",
                    f"{item.mention}: left out of OpenAPI: not 'METHOD /path'",
                    item.docname,
                    item.lineno,
                )
            )
            continue
        by_spec[item.spec].append(item)
    files: dict[str, str | bytes] = {}
    for spec_id, endpoints in sorted(by_spec.items(), key=lambda kv: kv[0] or ""):
        spec = index.get("spec", spec_id) if spec_id else None
        title = spec.title if spec else project
        version = str(spec.fields.get("api-version") or spec.fields.get("version") or "0") if spec else "0"
        name = f"{spec_id}.openapi.yaml" if spec_id else "openapi.yaml"
        files[name] = dump_yaml([document(index, endpoints, title, version, options)])
    return Written(files, problems)


FORMAT = Format(
    "openapi",
    "openapi",
    write,
    "OpenAPI 3.1 skeletons, one per spec: paths, methods, path parameters, responses from ``:errors:``, security.",
    "openapi-spec-validator",
)


# --- drift: the other direction ---------------------------------------------------------


def read_document(raw: bytes) -> dict[str, Any]:
    """A real OpenAPI document (JSON or YAML, 2.0 or 3.x). Raises ValueError with what is wrong."""
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text) if text.lstrip().startswith("{") else yaml.load(text, Loader=yaml.BaseLoader)
    except (UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
        raise ValueError(f"not JSON or YAML: {str(error).splitlines()[0]}") from None
    if not isinstance(data, dict) or not ("openapi" in data or "swagger" in data):
        raise ValueError("not an OpenAPI document (no 'openapi' or 'swagger' key)")
    if not isinstance(data.get("paths", {}), dict):
        raise ValueError("its 'paths' is not a mapping")
    return data


def _shape(path: str) -> str:
    """Parameters are compared by place, not by name: ``/o/{id}`` matches ``/o/{order_id}``."""
    return _PARAMETER.sub("{}", path.rstrip("/") or "/")


def _prefixes(data: dict[str, Any]) -> list[str]:
    """The path each server puts before the document's paths (``servers[].url``, 2.0 ``basePath``)."""
    found = {""}
    for server in data.get("servers") or []:
        if isinstance(server, dict) and isinstance(server.get("url"), str):
            found.add(urlsplit(server["url"]).path.rstrip("/"))
    if isinstance(data.get("basePath"), str):
        found.add(data["basePath"].rstrip("/"))
    return sorted(found)


def operations(data: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(METHOD, path) -> the operation object, for every operation of the document."""
    out = {}
    for path, item in (data.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method, op in item.items():
            if method in METHODS and isinstance(op, dict):
                out[(method.upper(), str(path))] = op
    return out


def _errors(op: dict[str, Any]) -> set[str]:
    responses = op.get("responses")
    return {str(s).upper() for s in responses if str(s)[:1] in "45"} if isinstance(responses, dict) else set()


def _covers(documented: str, api: set[str]) -> bool:
    return documented in api or f"{documented[0]}XX" in api


def drift(index: Index, endpoints: list[Item], data: dict[str, Any], where: str, owner: Item) -> list[Problem]:
    """What the spec and the API say differently, located at the endpoint (or, for operations no
    spec documents, at ``owner``: the component or spec mapped to the document)."""
    problems = []
    ops = operations(data)
    by_shape: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for prefix in _prefixes(data):
        for (api_method, api_path), op in ops.items():
            by_shape.setdefault((api_method, _shape(prefix + api_path)), (api_path, op))
    matched: set[tuple[str, str]] = set()
    for item in endpoints:
        method, path = item.fields.get("method"), item.fields.get("path")
        if not method or not path:
            continue
        found = by_shape.get((method, _shape(path)))
        if found is None:
            problems.append(
                Problem(
                    "api-drift",
                    f"{item.mention} is not in the API's OpenAPI document {where}",
                    item.docname,
                    item.lineno,
                )
            )
            continue
        api_path, op = found
        matched.add((method, api_path))
        documented = set(error_statuses(index, item))
        api = _errors(op)
        missing = sorted(s for s in documented if not _covers(s, api))
        undocumented = sorted(s for s in api if s not in documented and not s.endswith("XX"))
        if missing or undocumented:
            parts = []
            if missing:
                parts.append(f"the spec documents {', '.join(missing)}, which the API does not answer")
            if undocumented:
                parts.append(f"the API answers {', '.join(undocumented)}, which the spec does not document")
            problems.append(
                Problem(
                    "api-drift",
                    f"{item.mention}: error statuses differ from {method} {api_path} in {where}: " + "; ".join(parts),
                    item.docname,
                    item.lineno,
                )
            )
    for method, path in sorted(set(ops) - matched):
        text = f"the API's OpenAPI document {where} has {method} {path}, which no api-endpoint documents"
        problems.append(Problem("api-drift", f"{owner.mention}: {text}", owner.docname, owner.lineno))
    return problems


def scope(index: Index, key: str) -> tuple[Item, list[Item]]:
    """What a ``techspec_openapi_documents`` key names (a component, ``SPEC::component`` or a spec)
    and the endpoints it serves; ValueError when it names nothing, or several components."""
    spec = index.get("spec", key)
    if spec is not None:
        return spec, index.of_kind("api-endpoint", [spec.id])
    resolution = index.resolve("component", key)
    component = resolution.item
    if component is None:
        raise ValueError(f"no component or spec {key!r}")
    if resolution.status == "ambiguous":
        where = ", ".join(sorted(str(c.spec) for c in resolution.candidates))
        raise ValueError(f"component {key!r} exists in several specs ({where}); write SPEC::{key}")
    return component, index.served.get(component.key, [])
