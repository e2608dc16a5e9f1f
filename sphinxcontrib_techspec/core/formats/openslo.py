"""OpenSLO v1: a ``Service`` per component with SLOs, an ``SLI`` per SLI, an ``SLO`` per SLO.

What a spec does not say (the metric query) is a placeholder metric source of
type ``techspec-placeholder``, marked by an annotation, until
``techspec_openslo_queries`` (or ``--openslo-queries``) gives the SLI's metric.
"""

from __future__ import annotations

from typing import Any

from ..index import Index
from ..model import Item, Problem
from . import Format, Options, Written
from .common import ANNOTATION, dump_yaml, names, problem

API_VERSION = "openslo/v1"
PLACEHOLDER = "techspec-placeholder"
#: SLI kinds measured as a share of events: a ratio metric (good or bad over total)
RATIO = {"availability": "good", "error-rate": "bad"}
_OPS = {"<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
_UNITS = (("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60))


def duration(seconds: float) -> str | None:
    """Seconds -> OpenSLO's shorthand (``2592000`` -> ``30d``); None when no whole unit fits."""
    for unit, size in _UNITS:
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return None


def objective(item: Item) -> tuple[dict[str, Any] | None, str | None]:
    """The SLO's objective, or why it has none. ``99.9%`` -> target 0.999; ``< 0.5%`` (an error
    rate) -> target 0.995; ``p95 < 400ms`` -> 95% of events under 0.4 (seconds)."""
    target = item.fields.get("target")
    if not target:
        return None, "it has no valid :target:"
    shown = item.declaration.shown["target"].parser.format(target)
    if target["unit"] == "%":
        # the share of events allowed to fail: the kind's own derived value
        share = round(1 - item.fields.get("error-budget-percent", 100) / 100, 9)
        if not 0 <= share < 1:
            return None, f"its target {shown!r} leaves no error budget, which OpenSLO cannot express"
        return {"displayName": shown, "target": share}, None
    if target["percentile"] is None:
        return None, (
            f"its target {shown!r} states a threshold but no share of events (a percentage or a percentile), "
            "which an OpenSLO objective needs"
        )
    out = {"displayName": shown, "op": _OPS[target["comparator"]], "value": target["value"]}
    return {**out, "target": round(target["percentile"] / 100, 9)}, None


def _describe(text: str) -> str:
    """OpenSLO descriptions hold at most 1050 characters."""
    return text if len(text) <= 1050 else text[:1049] + "…"


def _sli(item: Item, name: str, query: Any) -> dict[str, Any]:
    annotations = {f"{ANNOTATION}/spec": item.spec or "", f"{ANNOTATION}/id": item.id}
    if isinstance(query, dict):
        metric = query
    else:
        annotations[f"{ANNOTATION}/placeholder"] = f"metric source: set techspec_openslo_queries[{item.id!r}]"
        placeholder = {"type": PLACEHOLDER, "spec": {"query": f"TODO: the query measuring {item.id}"}}
        good_or_bad = RATIO.get(item.fields.get("kind", ""))
        if good_or_bad:
            metric = {
                "ratioMetric": {
                    "counter": True,
                    good_or_bad: {"metricSource": placeholder},
                    "total": {"metricSource": placeholder},
                }
            }
        else:
            metric = {"thresholdMetric": {"metricSource": placeholder}}
    spec = {"description": _describe(item.fields.get("description") or item.title), **metric}
    return _document("SLI", name, item.title, annotations, spec)


def _document(kind: str, name: str, title: str, annotations: dict[str, str], spec: dict[str, Any]) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "displayName": title}
    if annotations:
        metadata["annotations"] = dict(sorted(annotations.items()))
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}


def write(index: Index, project: str, options: Options) -> Written:
    problems: list[Problem] = []
    slis, slos = index.of_kind("sli"), index.of_kind("slo")
    components = index.of_kind("component")
    sli_names, slo_names = names(slis), names(slos)
    service_names = names([*components, *index.of_kind("spec")])
    services: dict[str, dict[str, Any]] = {}
    slo_docs = []
    for slo in slos:
        resolution = index.resolve("sli", slo.fields["sli"], slo.spec) if "sli" in slo.fields else None
        sli = resolution.item if resolution else None
        window = slo.fields.get("window")
        shorthand = duration(window) if window is not None else None
        goal, why = objective(slo)
        if sli is None:
            why = "its :sli: names no SLI that resolves"
        elif window is None:
            why = "it has no valid :window:"
        elif shorthand is None:
            why = f"its window {slo.raw.get('window', '').strip()!r} is not a whole number of minutes"
        if why or goal is None or sli is None or shorthand is None:
            problems.append(problem(slo, f"left out of the OpenSLO export: {why or 'it has no objective'}"))
            continue
        owner = index.component_of(slo)
        # an SLO of no (known) component belongs to its spec's service
        service = owner or (index.get("spec", slo.spec) if slo.spec else None)
        if service is None:
            problems.append(problem(slo, "left out of the OpenSLO export: it has no :component: and no spec"))
            continue
        service_name = service_names[service.key]
        services[service_name] = _document(
            "Service",
            service_name,
            service.title,
            {f"{ANNOTATION}/spec": service.spec or service.id, f"{ANNOTATION}/id": service.id},
            {"description": _describe(service.fields.get("purpose") or service.title)},
        )
        slo_docs.append(
            _document(
                "SLO",
                slo_names[slo.key],
                slo.title,
                {f"{ANNOTATION}/spec": slo.spec or "", f"{ANNOTATION}/id": slo.id},
                {
                    "description": _describe(slo.body.strip() or f"{slo.id}: {goal['displayName']} over {shorthand}"),
                    "service": service_name,
                    "indicatorRef": sli_names[sli.key],
                    "timeWindow": [{"duration": shorthand, "isRolling": True}],
                    "budgetingMethod": "Occurrences",
                    "objectives": [goal],
                },
            )
        )
    sli_docs = []
    for sli in slis:
        query = options.openslo_queries.get(sli.qualified_id, options.openslo_queries.get(sli.id))
        sli_docs.append(_sli(sli, sli_names[sli.key], query))
    documents = [services[name] for name in sorted(services)] + sli_docs + slo_docs
    return Written(dump_yaml(documents), problems)


FORMAT = Format(
    "openslo",
    "openslo.yaml",
    write,
    "OpenSLO v1 (multi-document YAML): a Service per component with SLOs, an SLI per SLI, an SLO per SLO.",
    "the OpenSLO v1 JSON Schemas (jsonschema, every schema file registered)",
)
