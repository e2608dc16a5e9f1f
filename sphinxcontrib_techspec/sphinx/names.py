"""Directive names: techspec's directives never replace anyone else's.

Every directive (items and aggregates) is registered under up to three names:

* ``techspec:<name>`` (``techspec:spec``), in the techspec domain: Sphinx's own
  namespace, registered in ``setup()``; no other extension can hold it;
* ``<prefix><name>`` (``ts-spec``), with ``techspec_directive_prefix``;
* ``<name>`` (``spec``), with ``techspec_plain_directives``.

The last two are registered at ``config-inited``, once every extension's ``setup()``
and sphinx-needs' need types (``config-inited``, 500) are in place. A name some other
extension, docutils, a language module or a domain already holds is left to it and
reported once, naming the config value that resolves it. The one name shared on
purpose is ``spec`` with a sphinx-needs need type ``spec`` (its default): it gets a
directive that reads each block as either (see :mod:`.needs`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils.parsers.rst import Directive, directives, languages
from sphinx.application import Sphinx
from sphinx.config import Config

from ..core.kinds import KINDS
from ..core.model import Problem
from . import config, needs
from .directives import AGGREGATES, ItemDirective, TechspecDirective, item_directive
from .domain import warn

DOMAIN = "techspec"
#: every techspec directive by its plain name
DIRECTIVES: dict[str, type[TechspecDirective]] = {
    **{kind.name: item_directive(kind) for kind in KINDS.values()},
    **AGGREGATES,
}
#: what docutils reads as a directive name (``simplename``), without the domain's ``:``
_NAME = re.compile(r"[^\W_]+(?:[-._+][^\W_]+)*")


def register_in_domain(app: Sphinx) -> None:
    """``techspec:<name>``: always ours, so always registered (in ``setup()``)."""
    for name, directive in DIRECTIVES.items():
        app.add_directive_to_domain(DOMAIN, name, directive)


def holder(app: Sphinx, config: Config, name: str) -> tuple[Any, str] | None:
    """What already answers to directive ``name`` and who registered it, or None."""
    held = directives._directives.get(name)
    if held is not None:
        return held, _package(held)
    if name in directives._directive_registry:
        return None, "docutils"  # a built-in, loaded on first use
    if name in getattr(languages.get_language(config.language or "en"), "directives", {}):
        return None, f"docutils ({config.language})"
    # the default domain's and the standard domain's directives come first when a name is looked up
    for domain in ("std", config.primary_domain):
        domain_class = app.registry.domains.get(domain or "")
        extra = app.registry.domain_directives.get(domain or "", {})
        held = extra.get(name) or (domain_class.directives.get(name) if domain_class else None)
        if held is not None:
            return held, f"{_package(held)} (the {domain} domain)"
    return None


def _package(held: Any) -> str:
    """The top-level package that defined ``held``, as conf.py names extensions."""
    return str(getattr(held, "__module__", "") or "an extension").split(".")[0]


def register(app: Sphinx, config_: Config) -> None:
    """The plain and prefixed names, each unless someone else holds it."""
    settings = config.get(config_)
    prefix = settings.directive_prefix
    if prefix and not all(_NAME.fullmatch(prefix + name) for name in DIRECTIVES):
        warn(
            Problem(
                "config",
                f"techspec_directive_prefix {prefix!r} does not make directive names "
                "(letters and digits, joined by single '-', '.', '_' or '+'); no prefixed names are registered",
            )
        )
        prefix = ""
    registered: set[str] = set()
    #: who holds them -> [(name, techspec's plain name)]
    clashes: dict[str, list[tuple[str, str]]] = {}
    for plain, directive in DIRECTIVES.items():
        for name in [prefix + plain] * bool(prefix) + [plain] * settings.plain_directives:
            found = holder(app, config_, name)
            held = found[0] if found else None
            if found is None or (isinstance(held, type) and issubclass(held, TechspecDirective)):
                chosen: type[Directive] | None = directive
            elif issubclass(directive, ItemDirective):
                chosen = needs.shared_directive(name, held, directive)
            else:
                chosen = None
            if chosen is None:
                clashes.setdefault(found[1] if found else "", []).append((name, plain))
            else:
                app.add_directive(name, chosen, override=True)
                registered.add(name)
    for who, taken in clashes.items():
        _report(app, who, taken, prefix, registered)


def _report(app: Sphinx, who: str, taken: list[tuple[str, str]], prefix: str, registered: set[str]) -> None:
    """One warning per extension holding some of our names, where conf.py names it."""
    names = ", ".join(name for name, _ in taken)
    others = [[n for n in (prefix + plain, plain) if n != name and n in registered] for name, plain in taken]
    instead = ", ".join(
        f"{found[0]} (or {DOMAIN}:{plain})" if found else f"{DOMAIN}:{plain}"
        for found, (_, plain) in zip(others, taken, strict=True)
    )
    fixes = []
    if any(name == plain for name, plain in taken):
        only = f"{prefix}" if prefix else f"{DOMAIN}:"
        fixes.append(f"set techspec_plain_directives = False (techspec then answers only to {only} names)")
    if any(name != plain for name, plain in taken):
        fixes.append("set techspec_directive_prefix to another prefix")
    many = len(taken) > 1
    warn(
        Problem(
            "directive-clash",
            f"directive{'s' if many else ''} {names} {'are' if many else 'is'} already registered by {who}, "
            f"which keeps {'them' if many else 'it'}; write techspec's as {instead}. "
            f"To resolve this, {' or '.join(fixes)}",
        ),
        _conf_location(app, who),
    )


def _conf_location(app: Sphinx, who: str) -> str | None:
    """``conf.py:<line>`` where the extension is named (else ``extensions``): where to fix it."""
    conf = Path(app.confdir or "") / "conf.py"
    if not app.confdir or not conf.is_file():
        return None
    lines = conf.read_text(encoding="utf-8", errors="replace").splitlines()
    package = re.escape(who.split()[0])
    for pattern in (rf"""["']{package}[."']""", r"^\s*extensions\b"):
        for number, line in enumerate(lines, 1):
            if re.search(pattern, line):
                return f"{conf}:{number}"
    return None
