"""``techspec_*`` configuration: one dataclass, validated at ``config-inited``."""

from __future__ import annotations

from dataclasses import MISSING, Field, dataclass, field, fields
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from ..core.formats import Options
from ..core.model import Problem
from .domain import warn


@dataclass
class TechspecConfig:
    #: write ``techspec.json`` into the output folder of every build
    export: bool = field(default=True, metadata={"rebuild": ""})
    #: file name of the export, relative to the output folder
    export_filename: str = field(default="techspec.json", metadata={"rebuild": ""})
    #: report traceability gaps (uncovered requirements, stale PRDs, ...) as warnings too
    trace_warnings: bool = field(default=True, metadata={"rebuild": ""})
    #: report reviewer findings (undeclared error codes, tiny error budgets, PII with no retention, ...)
    review_warnings: bool = field(default=True, metadata={"rebuild": ""})
    #: other projects' exports to import: name -> URL or local path (federation)
    projects: dict[str, str] = field(default_factory=dict)
    #: glob patterns of documents that are ADR files (MADR or Nygard) to read as ``adr`` items
    adr_paths: list[str] = field(default_factory=list)
    #: every :satisfies:, :decided-by:, :adrs: and spec :prd: link must carry a pin (``ID@pin``)
    require_pins: bool = field(default=False, metadata={"rebuild": ""})
    #: seconds to wait for an imported export
    import_timeout: float = field(default=10.0, metadata={"rebuild": ""})
    #: largest imported export accepted, in bytes
    import_max_bytes: int = field(default=20_000_000, metadata={"rebuild": ""})
    #: every techspec directive also answers to this prefix and its name (``ts-spec``, ``ts-slo``, ...); "" for none
    directive_prefix: str = "ts-"
    #: register the plain names (``spec``, ``slo``, ...) too; False leaves every plain name to other extensions
    plain_directives: bool = True
    #: export formats written next to ``techspec.json`` (``openslo``, ``backstage``, ``openapi``, ``reqif``, ``csv``, ``xlsx``)
    exports: list[str] = field(default_factory=list, metadata={"rebuild": ""})
    #: OpenSLO: SLI ID (or ``SPEC::ID``) -> its metric (``thresholdMetric`` or ``ratioMetric``), instead of the placeholder
    openslo_queries: dict[str, Any] = field(default_factory=dict, metadata={"rebuild": ""})
    #: ReqIF: the creation and last-change time written into the document (fixed: same specs, same bytes)
    reqif_time: str = field(default=Options.reqif_time, metadata={"rebuild": ""})
    #: OpenAPI drift: component ID, ``SPEC::component`` or spec ID -> its real OpenAPI document (path or URL)
    openapi_documents: dict[str, str] = field(default_factory=dict, metadata={"rebuild": ""})


def _default(f: Field[Any]) -> Any:
    return f.default_factory() if f.default_factory is not MISSING else f.default


def register(app: Sphinx) -> None:
    for f in fields(TechspecConfig):
        default = _default(f)
        rebuild = f.metadata.get("rebuild", "env")
        types = (int, float) if isinstance(default, float) else (type(default),)
        app.add_config_value(f"techspec_{f.name}", default, rebuild, types=types)
    app.connect("config-inited", validate)


#: what a config value must be, in words (not "a int")
_TYPE_WORDS = {
    bool: "True or False",
    int: "a whole number",
    float: "a number",
    str: "a string",
    list: "a list",
    dict: "a dict",
}


def validate(app: Sphinx, config: Config) -> None:
    """Wrong types fall back to the default with a warning, never a crash."""
    for f in fields(TechspecConfig):
        name = f"techspec_{f.name}"
        value = getattr(config, name)
        default = _default(f)
        expected = (int, float) if isinstance(default, float) else type(default)
        if not isinstance(value, expected) or (isinstance(default, bool) is not isinstance(value, bool)):
            wanted = _TYPE_WORDS.get(type(default), type(default).__name__)
            warn(Problem("config", f"{name} must be {wanted}, not {value!r}; using {default!r}"))
            setattr(config, name, default)


def get(config: Config) -> TechspecConfig:
    return TechspecConfig(**{f.name: getattr(config, f"techspec_{f.name}") for f in fields(TechspecConfig)})
