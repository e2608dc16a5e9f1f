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
from .directives import AGGREGATES, TechspecDirective, item_directive
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


def holder(app: Sphinx, config: Config, name: str) -> Any:
    """What already answers to directive ``name`` (a class, or a description), or None."""
    held = directives._directives.get(name)  # type: ignore[attr-defined]
    if held is not None:
        return held
    if name in directives._directive_registry:  # type: ignore[attr-defined]
        return "docutils"  # a built-in, loaded on first use
    language = languages.get_language(config.language or "en")
    if name in getattr(language, "directives", {}):
        return f"docutils ({config.language})"
    for domain in {"std", config.primary_domain}:
        domain_class = app.registry.domains.get(domain or "")
        if domain_class and (name in domain_class.directives or name in app.registry.domain_directives.get(domain, {})):
            return f"the {domain} domain"
    return None


def owner(held: Any) -> str:
    """Who registered ``held``: its top-level package (``sphinx_needs``), for the message."""
    return held if isinstance(held, str) else str(getattr(held, "__module__", "") or "an extension").split(".")[0]


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
            held = holder(app, config_, name)
            if held is None or (isinstance(held, type) and issubclass(held, TechspecDirective)):
                chosen: type[Directive] | None = directive
            else:
                chosen = needs.shared_directive(name, held)
            if chosen is None:
                clashes.setdefault(owner(held), []).append((name, plain))
            else:
                app.add_directive(name, chosen, override=True)
                registered.add(name)
    for who, taken in clashes.items():
        _report(app, who, taken, prefix, registered)


def _report(app: Sphinx, who: str, taken: list[tuple[str, str]], prefix: str, registered: set[str]) -> None:
    """One warning per extension holding some of our names, where conf.py names it."""
    names = ", ".join(name for name, _ in taken)
    instead = ", ".join(
        " or ".join([n for n in (prefix + plain, plain) if n != name and n in registered] + [f"{DOMAIN}:{plain}"])
        for name, plain in taken
    )
    fixes = []
    if any(name == plain for name, plain in taken):
        fixes.append(f"set techspec_plain_directives = False (techspec then registers only {prefix or DOMAIN + ':'} names)")
    if any(name != plain for name, plain in taken):
        fixes.append("set techspec_directive_prefix to another prefix")
    s = "s" if len(taken) > 1 else ""
    warn(
        Problem(
            "directive-clash",
            f"directive{s} {names}: already registered by {who}, and left to it; "
            f"write techspec's as {instead}. To resolve this, {' and '.join(fixes)}",
        ),
        _conf_location(app, who),
    )


def _conf_location(app: Sphinx, who: str) -> str | None:
    """``conf.py:<line>`` where the extension is named, else ``conf.py``; the place to fix it."""
    if not app.confdir:
        return None
    conf = Path(app.confdir) / "conf.py"
    if not conf.is_file():
        return None
    for number, line in enumerate(conf.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if re.search(rf"""["']{re.escape(who)}[."']""", line):
            return f"{conf}:{number}"
    return str(conf)
