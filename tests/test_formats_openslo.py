"""OpenSLO v1: the example platform's SLOs pass OpenSLO's own JSON Schemas, and read back
with the same services, indicators, objectives and windows as the specs say."""

from __future__ import annotations

import copy
from pathlib import Path

from conftest import ExampleDocs, build
from formats_support import load_all, openslo_validator

from sphinxcontrib_techspec.core.formats import FORMATS, Options
from sphinxcontrib_techspec.core.formats.openslo import PLACEHOLDER


def documents(text: str) -> dict[tuple[str, str], dict]:
    return {(d["kind"], d["metadata"]["name"]): d for d in load_all(text)}


def test_every_document_of_the_example_passes_the_openslo_schemas(example_docs: ExampleDocs) -> None:
    docs = load_all((example_docs.outdir / "openslo.yaml").read_text(encoding="utf-8"))
    validator = openslo_validator()
    assert docs and all(d["apiVersion"] == "openslo/v1" for d in docs)
    for doc in docs:
        assert [e.message for e in validator.iter_errors(doc)] == [], doc["metadata"]["name"]


def slo_schema_errors(doc: dict) -> set[tuple[str, tuple[str | int, ...]]]:
    """(keyword, path) of each error the SLO schema finds in ``doc``.

    The root schema is a oneOf over the kinds, so a wrong SLO gives one error whose context
    holds every branch's errors; the SLO's branch is the one whose ``kind`` matched."""
    errors = list(openslo_validator().iter_errors(doc))
    if not errors:
        return set()
    [root] = errors
    assert root.validator == "oneOf", root.message
    branches: dict[object, list] = {}
    for error in root.context or []:
        branches.setdefault(error.relative_schema_path[0], []).append(error)
    [slo] = [b for b in branches.values() if not any(e.validator == "const" and list(e.path) == ["kind"] for e in b)]
    return {(e.validator, tuple(e.absolute_path)) for e in slo}


def test_the_schemas_do_reject_a_wrong_document(example_docs: ExampleDocs) -> None:
    """The validator is no rubber stamp: a target of 1.5 and a bad duration each fail, where planted."""
    original = documents((example_docs.outdir / "openslo.yaml").read_text(encoding="utf-8"))[("SLO", "checkout-availability-30d")]
    target = ("exclusiveMaximum", ("spec", "objectives", 0, "target"))
    duration = ("pattern", ("spec", "timeWindow", 0, "duration"))
    assert slo_schema_errors(original) == set()

    def planted(target_value: object = None, duration_value: object = None) -> set[tuple[str, tuple[str | int, ...]]]:
        doc = copy.deepcopy(original)
        if target_value is not None:
            doc["spec"]["objectives"][0]["target"] = target_value
        if duration_value is not None:
            doc["spec"]["timeWindow"][0]["duration"] = duration_value
        return slo_schema_errors(doc)

    assert planted(target_value=1.5) == {target}
    assert planted(duration_value="30s") == {duration}
    assert planted(target_value=1.5, duration_value="30s") == {target, duration}


def test_read_back_counts_and_links_match_the_specs(example_docs: ExampleDocs) -> None:
    docs = documents((example_docs.outdir / "openslo.yaml").read_text(encoding="utf-8"))
    slis = {n for k, n in docs if k == "SLI"}
    slos = {n: d for (k, n), d in docs.items() if k == "SLO"}
    services = {n for k, n in docs if k == "Service"}
    assert slis == {i.id for i in example_docs.index.of_kind("sli")}
    # the throughput SLO (>= 500 rps, no share of events) has no OpenSLO objective: left out, warned
    assert set(slos) == {i.id for i in example_docs.index.of_kind("slo")} - {"reservation-throughput-peak"}
    assert "inventory.md:137: WARNING: SLO 'reservation-throughput-peak': left out of the OpenSLO export" in example_docs.warnings
    for slo in example_docs.index.of_kind("slo"):
        if slo.id in slos:
            spec = slos[slo.id]["spec"]
            assert spec["indicatorRef"] == slo.fields["sli"] and spec["indicatorRef"] in slis
            assert spec["service"] == slo.fields["component"] and spec["service"] in services
    # a Service per component that has SLOs, and no other
    assert services == {"checkout-api", "payment-gateway", "notifier", "stock-service"}


def test_objectives_and_windows_are_the_specs(example_docs: ExampleDocs) -> None:
    docs = documents((example_docs.outdir / "openslo.yaml").read_text(encoding="utf-8"))

    def spec(name: str) -> dict:
        return docs[("SLO", name)]["spec"]

    # 99.9% over 30d
    assert spec("checkout-availability-30d")["objectives"] == [{"displayName": "99.9%", "target": 0.999}]
    assert spec("checkout-availability-30d")["timeWindow"] == [{"duration": "30d", "isRolling": True}]
    # p95 < 400ms over 5m: 95% of events under 0.4 seconds
    assert spec("checkout-latency-p95")["objectives"] == [
        {"displayName": "p95 < 400ms", "op": "lt", "value": 0.4, "target": 0.95}
    ]
    assert spec("checkout-latency-p95")["timeWindow"][0]["duration"] == "5m"
    # an error rate under 0.5% is 99.5% good events
    assert spec("payment-error-rate")["objectives"][0]["target"] == 0.995
    assert spec("payment-error-rate")["timeWindow"][0]["duration"] == "1h"
    assert {spec(n)["budgetingMethod"] for (k, n) in docs if k == "SLO"} == {"Occurrences"}


def test_queries_the_spec_does_not_give_are_marked_placeholders_until_configured(example_docs: ExampleDocs) -> None:
    docs = documents((example_docs.outdir / "openslo.yaml").read_text(encoding="utf-8"))
    availability = docs[("SLI", "checkout-availability")]
    ratio = availability["spec"]["ratioMetric"]
    assert ratio["good"]["metricSource"]["type"] == PLACEHOLDER and ratio["total"]["metricSource"]["type"] == PLACEHOLDER
    assert "techspec_openslo_queries" in availability["metadata"]["annotations"][
        "sphinxcontrib-techspec.readthedocs.io/placeholder"
    ]
    assert docs[("SLI", "checkout-latency")]["spec"]["thresholdMetric"]["metricSource"]["type"] == PLACEHOLDER
    metric = {
        "thresholdMetric": {
            "metricSource": {
                "type": "Prometheus",
                "spec": {"query": "histogram_quantile(0.95, rate(checkout_seconds_bucket[5m]))"},
            }
        }
    }
    written = FORMATS["openslo"].write(example_docs.index, example_docs.project, Options(openslo_queries={"SPEC-CHECKOUT::checkout-latency": metric}))
    latency = documents(str(written.content))[("SLI", "checkout-latency")]
    assert latency["spec"]["thresholdMetric"] == metric["thresholdMetric"]
    assert "sphinxcontrib-techspec.readthedocs.io/placeholder" not in latency["metadata"]["annotations"]
    assert list(openslo_validator().iter_errors(latency)) == []


BAD = {
    "index.md": """
    # Shop

    ```{spec} SPEC-A
    :version: 1.0
    :status: current
    ```

    ```{component} api
    :owner: Team A
    ```

    ```{sli} availability
    :kind: availability
    ```

    ```{slo} no-window
    :sli: availability
    :target: 99.9%
    :component: api
    ```

    ```{slo} seconds-window
    :sli: availability
    :target: 99.5%
    :window: 90s
    :component: api
    ```

    ```{slo} good
    :sli: availability
    :target: 99%
    :window: 4w
    :component: api
    ```
    """
}


def test_bad_slos_are_located_warnings_and_the_rest_is_written(project) -> None:
    src: Path = project(BAD)
    built = build(src, techspec_exports=["openslo"])
    located = {(f, line, t) for f, line, m, t in built.located() if t == "techspec.export"}
    assert located == {("index.md", 16, "techspec.export"), ("index.md", 22, "techspec.export")}
    assert "its window '90s' is not a whole number of minutes" in built.warnings
    assert "it has no valid :window:" in built.warnings
    docs = documents((built.outdir / "openslo.yaml").read_text(encoding="utf-8"))
    assert sorted(n for k, n in docs if k == "SLO") == ["good"]
    assert docs[("SLO", "good")]["spec"]["timeWindow"][0]["duration"] == "4w"
    assert all(not list(openslo_validator().iter_errors(d)) for d in docs.values())


def test_the_same_index_gives_the_same_bytes(example_docs: ExampleDocs) -> None:
    first = FORMATS["openslo"].write(example_docs.index, example_docs.project, Options()).content
    assert first == FORMATS["openslo"].write(example_docs.index, example_docs.project, Options()).content
    assert first == (example_docs.outdir / "openslo.yaml").read_text(encoding="utf-8")
