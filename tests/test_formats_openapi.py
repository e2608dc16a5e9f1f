"""OpenAPI 3.1 skeletons pass openapi-spec-validator and say what the endpoints say;
drift against real public OpenAPI documents warns at the right lines."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import BASE_CONF, ExampleDocs, build, write_project
from formats_support import DATA, load_all
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from sphinxcontrib_techspec.core.formats import FORMATS, Options

REAL = DATA / "openapi"


def skeletons(example_docs: ExampleDocs) -> dict[str, dict]:
    folder = example_docs.outdir / "openapi"
    return {p.name: load_all(p.read_text(encoding="utf-8"))[0] for p in sorted(folder.iterdir())}


def test_every_skeleton_of_the_example_passes_openapi_spec_validator(example_docs: ExampleDocs) -> None:
    docs = skeletons(example_docs)
    assert sorted(docs) == ["SPEC-CHECKOUT.openapi.yaml", "SPEC-INVENTORY.openapi.yaml", "SPEC-PAYMENTS.openapi.yaml"]
    for doc in docs.values():
        assert doc["openapi"] == "3.1.0"
        validate(doc)


def test_the_validator_does_reject_a_broken_skeleton(example_docs: ExampleDocs) -> None:
    doc = skeletons(example_docs)["SPEC-INVENTORY.openapi.yaml"]
    # a path parameter the operation no longer declares
    del doc["paths"]["/api/v1/reservations/{reservation_id}"]["delete"]["parameters"]
    with pytest.raises(OpenAPIValidationError):
        validate(doc)


def test_operations_are_the_endpoints_of_each_spec(example_docs: ExampleDocs) -> None:
    for name, doc in skeletons(example_docs).items():
        spec = name.removesuffix(".openapi.yaml")
        operations = sorted((m.upper(), p) for p, ops in doc["paths"].items() for m in ops)
        endpoints = sorted((e.fields["method"], e.fields["path"]) for e in example_docs.index.of_kind("api-endpoint", [spec]))
        assert operations == endpoints
        assert doc["info"]["version"] == example_docs.index.get("spec", spec).fields["api-version"]


def test_responses_parameters_and_security_come_from_the_spec(example_docs: ExampleDocs) -> None:
    docs = skeletons(example_docs)
    checkout = docs["SPEC-CHECKOUT.openapi.yaml"]["paths"]["/api/v2/checkout"]["post"]
    # async: 202; errors from the taxonomy: CART_EMPTY 422, OUT_OF_STOCK 409,
    # PAYMENT_DECLINED 402 (declared by SPEC-PAYMENTS), RATE_LIMITED 429
    assert sorted(checkout["responses"]) == ["202", "402", "409", "422", "429"]
    assert checkout["responses"]["409"]["description"] == "OUT_OF_STOCK"
    order = docs["SPEC-CHECKOUT.openapi.yaml"]["paths"]["/api/v2/orders/{order_id}"]["get"]
    assert order["parameters"] == [{"name": "order_id", "in": "path", "required": True, "schema": {"type": "string"}}]
    assert sorted(order["responses"]) == ["200", "404", "429"]
    inventory = docs["SPEC-INVENTORY.openapi.yaml"]
    # DELETE answers 204, as its :response: says
    assert sorted(inventory["paths"]["/api/v1/reservations/{reservation_id}"]["delete"]["responses"]) == ["204", "410"]
    assert inventory["components"]["securitySchemes"] == {
        "mtls-service-mesh": {"type": "mutualTLS", "description": "mTLS (service mesh)"}
    }
    assert inventory["paths"]["/api/v1/reservations"]["post"]["security"] == [{"mtls-service-mesh": []}]
    payments = docs["SPEC-PAYMENTS.openapi.yaml"]["components"]["securitySchemes"]
    assert payments["oauth2-client-credentials"]["scheme"] == "bearer"


def test_the_same_index_gives_the_same_bytes(example_docs: ExampleDocs) -> None:
    options = Options(pages=example_docs.data["pages"], base_url="https://docs.example.org/shop/")
    first = FORMATS["openapi"].write(example_docs.index, example_docs.project, options).content
    assert first == FORMATS["openapi"].write(example_docs.index, example_docs.project, options).content
    assert isinstance(first, dict)
    assert first == {p.name: p.read_text(encoding="utf-8") for p in (example_docs.outdir / "openapi").iterdir()}


# ---------------------------------------------------------------- drift

PETSTORE = """\
# Petstore

```{spec} SPEC-PET
:version: 1.0
:status: current
:owner: Team Pets
```

```{component} petstore
:owner: Team Pets
```

```{error-code} BAD_REQUEST
:http-status: 400
```

```{error-code} PET_NOT_FOUND
:http-status: 404
```

```{error-code} ORDER_CONFLICT
:http-status: 409
```

```{api-endpoint} GET /api/v3/pet/{id}
:component: petstore
:errors: BAD_REQUEST, PET_NOT_FOUND
```

```{api-endpoint} PUT /api/v3/pet
:component: petstore
:errors: BAD_REQUEST, PET_NOT_FOUND
```

```{api-endpoint} POST /api/v3/store/order
:component: petstore
:errors: ORDER_CONFLICT
```

```{api-endpoint} GET /api/v3/pet/{petId}/vaccinations
:component: petstore
```
"""

GAME = """\
# Tic Tac Toe

```{spec} SPEC-GAME
:version: 1.0
:status: draft
```

```{error-code} BAD_MOVE
:http-status: 400
```

```{api-endpoint} GET /board
```

```{api-endpoint} GET /board/{row}/{column}
:errors: BAD_MOVE
```

```{api-endpoint} PUT /board/{row}/{column}
```
"""

#: the Petstore's operations, as its document lists them
PETSTORE_OPERATIONS = [
    "PUT /pet", "POST /pet", "GET /pet/findByStatus", "GET /pet/findByTags", "GET /pet/{petId}",
    "POST /pet/{petId}", "DELETE /pet/{petId}", "POST /pet/{petId}/uploadImage", "GET /store/inventory",
    "POST /store/order", "GET /store/order/{orderId}", "DELETE /store/order/{orderId}", "POST /user",
    "POST /user/createWithList", "GET /user/login", "GET /user/logout", "GET /user/{username}",
    "PUT /user/{username}", "DELETE /user/{username}",
]  # fmt: skip


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The real documents served over HTTP from 127.0.0.1."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(REAL))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def drift_project(tmp_path: Path, documents: str) -> Path:
    conf = BASE_CONF + f"techspec_openapi_documents = {{\n{documents}}}\n"
    return write_project(
        tmp_path / "src",
        {"index.md": "# Shop\n\n```{toctree}\npetstore\ngame\n```\n", "petstore.md": PETSTORE, "game.md": GAME},
        conf,
    )


def test_drift_against_real_documents_warns_at_the_endpoints(tmp_path: Path, server: str) -> None:
    src = drift_project(
        tmp_path,
        f'    "petstore": {str(REAL / "swagger-petstore.yaml")!r},\n    "SPEC-GAME": "{server}tictactoe.yaml",\n',
    )
    built = build(src)
    drift = [(f, line, m) for f, line, m, t in built.located() if t == "techspec.api-drift"]
    at = {(f, line) for f, line, m in drift}

    def line(doc: str, needle: str) -> tuple[str, int]:
        return (doc, line_of(PETSTORE if doc == "petstore.md" else GAME, needle))

    # GET /api/v3/pet/{id} is GET /pet/{petId} under the server's /api/v3, with the same 400 and 404: no warning
    assert line("petstore.md", "GET /api/v3/pet/{id}") not in at
    messages = {(f, line): m for f, line, m in drift if f == "petstore.md"}
    # PUT /pet also answers 422 (invalid input), which the spec does not document
    assert "the API answers 422, which the spec does not document" in messages[line("petstore.md", "PUT /api/v3/pet")]
    order = messages[line("petstore.md", "POST /api/v3/store/order")]
    assert "the spec documents 409, which the API does not answer" in order
    assert "the API answers 400, 422, which the spec does not document" in order
    assert "is not in the API's OpenAPI document" in messages[line("petstore.md", "vaccinations")]
    # the 16 operations no endpoint documents, at the component mapped to the document
    undocumented = [m for f, n, m in drift if (f, n) == line("petstore.md", "{component} petstore")]
    documented = {"GET /pet/{petId}", "PUT /pet", "POST /store/order"}
    assert sorted(m.split(" has ")[1].split(", which")[0] for m in undocumented) == sorted(
        set(PETSTORE_OPERATIONS) - documented
    )
    # Tic Tac Toe, mapped by spec over HTTP: PUT on a square answers 400 too; the rest agrees
    game = [(n, m) for f, n, m in drift if f == "game.md"]
    assert game == [
        (
            line_of(GAME, "PUT /board/{row}/{column}"),
            f"API endpoint 'PUT /board/{{row}}/{{column}}': error statuses differ from PUT /board/{{row}}/{{column}} "
            f"in '{server}tictactoe.yaml': the API answers 400, which the spec does not document",
        )
    ]
    assert len(drift) == 3 + 16 + 1


def test_unreachable_and_malformed_documents_are_located_and_the_rest_goes_on(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("openapi: 3.1.0\npaths: [unclosed\n")
    src = drift_project(
        tmp_path,
        f'    "SPEC-GAME": "http://127.0.0.1:9/tictactoe.yaml",\n'
        f'    "SPEC-PET": {str(tmp_path / "broken.yaml")!r},\n'
        f'    "petstore": {str(REAL / "swagger-petstore.yaml")!r},\n'
        f'    "no-such-thing": "x.yaml",\n',
    )
    conf = (src / "conf.py").read_text()
    built = build(src, techspec_exports=["openapi"])
    problems = sorted((f, line, m) for f, line, m, t in built.located() if t == "techspec.api-document")
    assert [(f, line) for f, line, m in problems] == sorted(
        ("conf.py", line_of(conf, key)) for key in ('"SPEC-GAME"', '"SPEC-PET"', '"no-such-thing"')
    )
    text = " ".join(m for f, line, m in problems)
    assert "cannot read 'http://127.0.0.1:9/tictactoe.yaml'" in text
    assert "cannot read " + repr(str(tmp_path / "broken.yaml")) + ": not JSON or YAML" in text
    assert "no component or spec 'no-such-thing'" in text

    # the Petstore's drift is still checked, and the export is still written
    assert sum(t == "techspec.api-drift" for *_, t in built.located()) == 3 + 16
    assert sorted(p.name for p in (built.outdir / "openapi").iterdir()) == [
        "SPEC-GAME.openapi.yaml",
        "SPEC-PET.openapi.yaml",
    ]


def test_a_component_of_several_specs_must_be_named_with_its_spec(tmp_path: Path) -> None:
    src = drift_project(tmp_path, f'    "petstore": {str(REAL / "swagger-petstore.yaml")!r},\n')
    (src / "game.md").write_text(GAME + "\n```{component} petstore\n:owner: Team Games\n```\n")
    built = build(src)
    problems = [(f, m) for f, line, m, t in built.located() if t == "techspec.api-document"]
    assert problems == [
        (
            "conf.py",
            "techspec_openapi_documents['petstore']: component 'petstore' exists in several specs "
            "(SPEC-GAME, SPEC-PET); write SPEC::petstore",
        )
    ]
    assert not any(t == "techspec.api-drift" for *_, t in built.located())
    conf = (src / "conf.py").read_text().replace('"petstore":', '"SPEC-PET::petstore":')
    (src / "conf.py").write_text(conf)
    drift = [(f, line) for f, line, m, t in build(src, freshenv=True).located() if t == "techspec.api-drift"]
    assert len(drift) == 3 + 16 and {f for f, _ in drift} == {"petstore.md"}
