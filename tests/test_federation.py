"""Federation: importing other projects' ``techspec.json`` (``techspec_projects``)."""

from __future__ import annotations

import copy
import json
import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import BASE_CONF, Build, build, write_project

from sphinxcontrib_techspec.core import federation, trace
from sphinxcontrib_techspec.sphinx.domain import get_domain

# ---------------------------------------------------------------- the other project


UPSTREAM = {
    "index.rst": """
    Payments
    ========

    .. toctree::

       sub/page

    .. spec:: SPEC-PAY
       :version: 1.0
       :status: current
    """,
    "sub/page.rst": """
    Page
    ====

    .. component:: payments-api
       :purpose: Takes payments.
       :satisfies: REQ-1

    .. component:: ledger
       :purpose: Books money.
    """,
}


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A real export, built once by a real Sphinx project called ``payments``."""
    src = write_project(tmp_path_factory.mktemp("payments"), UPSTREAM, BASE_CONF.replace('"test"', '"payments"'))
    return build(src).export()


def anchor_of(export: dict[str, Any], item_id: str) -> str:
    return next(i["anchor"] for i in export["items"] if i["id"] == item_id)


def with_item(export: dict[str, Any], item_id: str, new_id: str, docname: str | None = None) -> dict[str, Any]:
    """A copy of ``export`` with one more component cloned from ``item_id``."""
    out = copy.deepcopy(export)
    clone = copy.deepcopy(next(i for i in out["items"] if i["id"] == item_id))
    clone.update(id=new_id, title=new_id, anchor=f"techspec-component-{new_id}")
    if docname:
        clone["docname"] = docname
        out["pages"][docname] = f"{docname}.html"
    out["items"].append(clone)
    return out


# ---------------------------------------------------------------- our project

LOCAL = {
    "index.rst": """
    Index
    =====

    .. toctree::

       other

    .. prd:: PRD-1
       :version: 1.0

    .. requirement:: REQ-1
       :prd: PRD-1

    .. spec:: SPEC-L
       :version: 1.0
       :status: draft
       :prd: PRD-1

    .. component:: web
       :depends-on: payments-api

    .. techspec-table:: component
    """,
    "other.rst": """
    Other
    =====

    Pays through :techspec:component:`payments-api`.
    """,
}


def conf(projects: str, **settings: Any) -> str:
    extra = "".join(f"techspec_{k} = {v!r}\n" for k, v in settings.items())
    return BASE_CONF + f"techspec_projects = {{\n    {projects},\n}}\n" + extra


def local_project(tmp_path: Path, projects: str, **settings: Any) -> Path:
    return write_project(tmp_path / "src", {**LOCAL, "conf.py": conf(projects, **settings)})


def component_table(html: str) -> str:
    match = re.search(r'<table class="[^"]*techspec-table-component.*?</table>', html, re.S)
    assert match, "no component table"
    return match[0]


def import_warnings(result: Build) -> list[tuple[str, int | None, str, str | None]]:
    # Sphinx colours warnings when its colour switch is on; match the plain text
    plain = Build(result.app, re.sub(r"\x1b\[[0-9;]*m", "", result.warnings))
    return [w for w in plain.located() if w[3] == "techspec.import"]


# ---------------------------------------------------------------- a server on 127.0.0.1


class Server:
    """Serves ``routes``: path -> (bytes, send Content-Length); ``slow`` paths hang."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[bytes, bool]] = {}
        self.slow: set[str] = set()
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path in server.slow:
                    server.release.wait(30)  # longer than any timeout the tests set
                if self.path not in server.routes:
                    self.send_error(404)
                    return
                body, declare = server.routes[self.path]
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if declare:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up, as it should past the size limit

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"

    def serve(self, path: str, data: Any, declare_length: bool = True) -> str:
        body = data if isinstance(data, bytes) else json.dumps(data).encode()
        self.routes[path] = (body, declare_length)
        return self.url(path)

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- the pure core


def test_load_builds_external_items_with_page_urls(upstream):
    items = {i.id: i for i in federation.load("payments", upstream, "https://pay.example/docs/")}
    assert set(items) == {"SPEC-PAY", "payments-api", "ledger"}
    api = items["payments-api"]
    assert api.external == "payments"
    assert api.url == f"https://pay.example/docs/sub/page.html#{anchor_of(upstream, 'payments-api')}"
    assert api.fields["satisfies"] == ["REQ-1"]
    assert items["SPEC-PAY"].url == f"https://pay.example/docs/index.html#{anchor_of(upstream, 'SPEC-PAY')}"


def test_load_uses_the_exported_page_urls_of_other_builders(upstream):
    dirhtml = {**upstream, "pages": {"index": "", "sub/page": "sub/page/"}}
    items = {i.id: i for i in federation.load("payments", dirhtml, "https://pay.example/")}
    assert items["ledger"].url == f"https://pay.example/sub/page/#{anchor_of(upstream, 'ledger')}"


def test_load_skips_items_the_other_project_imported_itself(upstream):
    data = copy.deepcopy(upstream)
    data["items"].append({**data["items"][0], "id": "theirs", "external": "billing", "url": "https://x/"})
    assert "theirs" not in {i.id for i in federation.load("payments", data, "https://pay.example/")}


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update(schema="techspec/0"), "at schema"),
        (lambda d: d["items"][0].pop("kind"), "at items/0"),
        (lambda d: d["items"][0]["fields"].update(bogus=1), "at items/0/fields"),
    ],
)
def test_load_rejects_invalid_exports_with_a_clear_message(upstream, mutate, expected):
    data = copy.deepcopy(upstream)
    mutate(data)
    with pytest.raises(ValueError, match=r"not a valid techspec\.json") as raised:
        federation.load("payments", data, "https://pay.example/")
    assert expected in str(raised.value)


def test_parse_rejects_bytes_that_are_not_json():
    with pytest.raises(ValueError, match="not JSON"):
        federation.parse("payments", b"<html>", "https://pay.example/")


def test_base_url_is_the_folder_of_the_export():
    assert federation.base_url("https://h/docs/techspec.json?x=1") == "https://h/docs/"
    assert federation.base_url("file:///a/b/techspec.json") == "file:///a/b/"
    assert federation.export_url("https://h/docs/") == "https://h/docs/techspec.json"


# ---------------------------------------------------------------- builds


def test_local_file_import_links_tables_and_refs_to_external_pages(tmp_path, upstream):
    exported = tmp_path / "payments" / "techspec.json"
    exported.parent.mkdir()
    exported.write_text(json.dumps(upstream))
    # a folder holding techspec.json, relative to the conf dir
    src = local_project(tmp_path, '"payments": "../payments"')
    result = build(src)
    assert import_warnings(result) == []
    page = f"{exported.parent.resolve().as_uri()}/sub/page.html#{anchor_of(upstream, 'payments-api')}"
    table = component_table(result.html("index"))
    assert "payments-api (external: payments)" in table
    assert f'href="{page}"' in table
    # written as Sphinx writes the card's link to it (its :depends-on:), external
    link = f'<a class="techspec-external reference external" href="{page}" title="'
    assert link in table and result.html("index").count(link) == table.count(link) + 1
    assert f'href="{page}"' in result.html("other")  # the role
    assert "techspec-external" in result.html("other")
    # :depends-on: resolves to the imported item: no unknown-ref for it
    assert not [w for w in result.located() if "payments-api" in w[2]]
    # imported items are not re-exported as ours
    assert {i["id"] for i in result.export()["items"]} == {"PRD-1", "REQ-1", "SPEC-L", "web"}


def test_requirement_satisfied_only_by_an_external_item_is_covered(tmp_path, upstream):
    exported = tmp_path / "payments.json"
    exported.write_text(json.dumps(upstream))
    src = local_project(tmp_path, '"payments": "../payments.json"')
    with_import = build(src)
    coverage = trace.coverage(get_domain(with_import.app.env).index)
    assert coverage["PRD-1"] == (1, 1)
    assert "uncovered-requirement" not in with_import.subtypes()
    # the same project without the import: REQ-1 is not covered
    (src / "conf.py").write_text(BASE_CONF)
    without = build(src)
    assert trace.coverage(get_domain(without.app.env).index)["PRD-1"] == (0, 1)
    assert "uncovered-requirement" in without.subtypes()


def test_http_import(tmp_path, upstream, server):
    url = server.serve("/docs/techspec.json", upstream)
    src = local_project(tmp_path, f'"payments": "{url}"')
    result = build(src)
    assert import_warnings(result) == []
    href = server.url(f"/docs/sub/page.html#{anchor_of(upstream, 'ledger')}")
    assert f'href="{href}"' in component_table(result.html("index"))


def test_explicit_base_url_overrides_where_the_export_was_read(tmp_path, upstream, server):
    url = server.serve("/artifacts/export.json", upstream)
    src = local_project(tmp_path, f'"payments": ("https://pay.example/docs", "{url}")')
    result = build(src)
    assert import_warnings(result) == []
    href = f"https://pay.example/docs/sub/page.html#{anchor_of(upstream, 'ledger')}"
    assert f'href="{href}"' in component_table(result.html("index"))


def assert_one_located_import_warning(result: Build, src: Path, *words: str) -> str:
    warnings = import_warnings(result)
    assert len(warnings) == 1, result.warnings
    name, line, message, _ = warnings[0]
    assert (name, line) == ("conf.py", conf_line(src, '"payments"'))
    for word in words:
        assert word in message
    return message


def conf_line(src: Path, text: str) -> int:
    return next(n for n, line in enumerate((src / "conf.py").read_text().splitlines(), 1) if text in line)


def test_timeout_is_one_warning_and_the_build_goes_on(tmp_path, upstream, server):
    url = server.serve("/techspec.json", upstream)
    server.slow.add("/techspec.json")
    src = local_project(tmp_path, f'"payments": "{url}"', import_timeout=0.5)
    result = build(src)
    assert_one_located_import_warning(result, src, "timed out", "left out of this build")
    # the build went on: our own items are rendered and exported, the import's are not
    assert "(external: payments)" not in component_table(result.html("index"))
    assert "web" in {i["id"] for i in result.export()["items"]}


@pytest.mark.parametrize("declare_length", [True, False])
def test_size_limit_is_one_warning(tmp_path, upstream, server, declare_length):
    url = server.serve("/techspec.json", upstream, declare_length)
    src = local_project(tmp_path, f'"payments": "{url}"', import_max_bytes=1000)
    result = build(src)
    assert_one_located_import_warning(result, src, "larger than techspec_import_max_bytes (1000 bytes)")
    assert "(external: payments)" not in component_table(result.html("index"))


def test_size_limit_applies_to_local_files(tmp_path, upstream):
    (tmp_path / "payments.json").write_text(json.dumps(upstream))
    src = local_project(tmp_path, '"payments": "../payments.json"', import_max_bytes=1000)
    assert_one_located_import_warning(build(src), src, "larger than")


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            {"schema": "techspec/1", "project": "p", "items": [{"kind": "component"}]},
            ("not a valid techspec.json", "items/0"),
        ),
        (b"<html>not an export</html>", ("not JSON",)),
    ],
)
def test_invalid_export_is_one_warning(tmp_path, server, body, words):
    url = server.serve("/techspec.json", body)
    src = local_project(tmp_path, f'"payments": "{url}"')
    result = build(src)
    assert_one_located_import_warning(result, src, *words)
    assert "external" not in component_table(result.html("index"))


def test_unreachable_server_is_one_warning(tmp_path):
    src = local_project(tmp_path, f'"payments": "http://127.0.0.1:{closed_port()}/techspec.json"')
    result = build(src)
    assert_one_located_import_warning(result, src, "cannot import", "left out of this build")
    assert "web" in component_table(result.html("index"))


def test_missing_local_file_is_one_warning(tmp_path):
    src = local_project(tmp_path, '"payments": "../nowhere/techspec.json"')
    assert_one_located_import_warning(build(src), src, "nowhere")


def test_bad_config_entry_is_one_warning(tmp_path):
    src = local_project(tmp_path, '"payments": 42')
    assert_one_located_import_warning(build(src), src, "must be the URL or path")


def test_unreachable_server_falls_back_to_the_cached_copy(tmp_path, upstream, server):
    url = server.serve("/techspec.json", upstream)
    src = local_project(tmp_path, f'"payments": "{url}"')
    assert import_warnings(build(src)) == []
    del server.routes["/techspec.json"]  # now a 404
    (src / "index.rst").write_text((src / "index.rst").read_text() + "\nEdited.\n")
    result = build(src)
    assert_one_located_import_warning(result, src, "HTTP 404", "using the copy last read at")
    assert "payments-api (external: payments)" in component_table(result.html("index"))


def test_changed_import_rewrites_aggregates_and_links_like_a_clean_build(tmp_path, upstream):
    exported = tmp_path / "payments.json"
    exported.write_text(json.dumps(upstream))
    src = local_project(tmp_path, '"payments": "../payments.json"')
    first = build(src)
    assert "fraud" not in component_table(first.html("index"))
    # the other project adds a component and moves payments-api to another page
    changed = with_item(upstream, "ledger", "fraud")
    api = next(i for i in changed["items"] if i["id"] == "payments-api")
    api["docname"] = "moved"
    changed["pages"]["moved"] = "moved.html"
    exported.write_text(json.dumps(changed))
    incremental = build(src)
    assert "0 changed" in incremental.app.status.getvalue()  # nothing re-read: only rewritten
    table = component_table(incremental.html("index"))
    assert "fraud (external: payments)" in table
    assert "/moved.html#" in incremental.html("other")
    clean = build(src, freshenv=True)
    assert component_table(clean.html("index")) == table
    assert clean.html("other") == incremental.html("other")


def test_unchanged_import_rewrites_nothing(tmp_path, upstream):
    exported = tmp_path / "payments.json"
    exported.write_text(json.dumps(upstream))
    src = local_project(tmp_path, '"payments": "../payments.json"')
    build(src)
    again = build(src)
    assert "no targets are out of date" in again.app.status.getvalue()
    assert import_warnings(again) == []


def test_parallel_build_sees_imported_items(tmp_path, upstream):
    exported = tmp_path / "payments.json"
    exported.write_text(json.dumps(upstream))
    src = local_project(tmp_path, '"payments": "../payments.json"')
    result = build(src, parallel=2)
    assert "payments-api (external: payments)" in component_table(result.html("index"))
    assert "techspec-external" in result.html("other")
