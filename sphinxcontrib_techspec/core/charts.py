"""Small bar charts drawn as SVG: requirement coverage per PRD, SLO error budgets.

Drawn in plain Python like the topology, coloured by CSS classes
(``techspec-chart-*``, styled by ``techspec-graphics.css``) so they follow a
light or dark theme. Every number is also text: in the picture, in its
accessible name, and in the table that builders without pictures get.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from .index import Index
from .kinds import KINDS
from .model import Item
from .present import format_value
from .topology import text_width
from .trace import coverage, percent

FONT = 12
ROW = 24
BAR_H = 12
TRACK = 220
GAP = 12
MARGIN = 8


@dataclass(frozen=True)
class Bar:
    label: str
    #: the bar's length in the chart's unit; None draws no bar (nothing to measure)
    value: float | None
    #: the numbers, as shown beside the bar
    text: str
    #: a column between label and bar (an SLO's target), if the chart has one
    note: str = ""
    item: Item | None = None
    #: a class suffix saying what the bar means (``none``, ``partial``, ``full``)
    state: str = ""


@dataclass
class Chart:
    name: str
    #: the chart's accessible name
    title: str
    #: the table's headers: label, note (when the chart has notes), numbers
    headers: list[str]
    #: the value a full-length bar stands for
    maximum: float
    bars: list[Bar] = field(default_factory=list)

    @property
    def noted(self) -> bool:
        return any(bar.note for bar in self.bars)

    def reading(self) -> str:
        """The whole chart as one sentence, for screen readers."""
        rows = "; ".join(f"{bar.label}: {bar.note + ', ' if bar.note else ''}{bar.text}" for bar in self.bars)
        return f"{self.title}. {rows}."

    def length(self, bar: Bar) -> float:
        """The bar's drawn length: proportional to its value, the maximum filling the track."""
        if bar.value is None or self.maximum <= 0:
            return 0.0
        return TRACK * min(max(bar.value, 0.0), self.maximum) / self.maximum


def coverage_chart(index: Index, prds: list[str] | None = None) -> Chart:
    """Requirements satisfied per PRD (counted as the report's table counts them), then all PRDs."""
    chart = Chart("coverage", "Requirement coverage per PRD", ["PRD", "Coverage"], 100.0)
    for prd, (hit, total) in sorted(coverage(index, prds).items(), key=lambda kv: (kv[0] is None, kv[0] or "")):
        if not total:
            continue
        state = "full" if hit == total else "partial" if hit else "none"
        chart.bars.append(
            Bar(
                prd or "All PRDs",
                100 * hit / total,
                f"{hit} of {total} ({percent(hit, total)})",
                item=index.get("prd", prd) if prd else None,
                state=state,
            )
        )
    return chart


def _shown(item: Item, name: str) -> str:
    return format_value(KINDS["slo"].shown.get(name), item.fields[name]) if name in item.fields else ""


def slo_chart(index: Index, specs: Iterable[str] | None = None, components: Iterable[str] | None = None) -> Chart:
    """Each SLO's target and error budget; the bar is the budget's share of the
    window (or of requests), the largest budget filling the track."""
    chart = Chart("slo", "SLO targets and error budgets", ["SLO", "Target", "Error budget"], 0.0)
    wanted = set(components) if components is not None else None
    applies_to: dict[int, set[str]] = {}
    for link in index.links:
        if link.source.kind == "slo" and link.field == "component":
            names = {link.target}
            if link.item is not None:
                names |= {link.item.id, link.item.qualified_id}
            applies_to[id(link.source)] = names
    slos = [s for s in index.of_kind("slo", specs) if wanted is None or applies_to.get(id(s), set()) & wanted]
    ids = [s.id for s in slos]
    for slo in slos:
        target, window = _shown(slo, "target"), _shown(slo, "window")
        note = f"{target} over {window}" if target and window else target or window
        budget = slo.fields.get("error-budget-percent")
        seconds = _shown(slo, "error-budget-seconds")
        if budget is None:
            text = "no error budget"
        elif seconds:  # an availability target: a share of the window
            text = f"{_shown(slo, 'error-budget-percent')} ({seconds})"
        else:  # a percentile or an error rate: a share of requests
            text = f"{_shown(slo, 'error-budget-percent')} of requests"
        label = slo.id if ids.count(slo.id) == 1 else slo.qualified_id
        chart.bars.append(Bar(label, budget, text, note, slo))
    chart.maximum = max((bar.value for bar in chart.bars if bar.value is not None), default=0.0)
    return chart


def svg(chart: Chart, href: Callable[[Item], str | None]) -> str:
    """The chart as an SVG at its natural size; each label links to its item."""
    if not chart.bars:
        return ""
    label_w = max(text_width(bar.label, FONT) for bar in chart.bars) + GAP
    note_w = max(text_width(bar.note, FONT) for bar in chart.bars) + GAP if chart.noted else 0.0
    text_w = max(text_width(bar.text, FONT) for bar in chart.bars)
    track_x = MARGIN + label_w + note_w
    width = track_x + TRACK + GAP + text_w + MARGIN
    height = 2 * MARGIN + ROW * len(chart.bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="techspec-chart techspec-chart-{chart.name} techspec-graphic" '
        f'role="img" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f"aria-label={quoteattr(chart.reading())}>"
    ]
    for number, bar in enumerate(chart.bars):
        top = MARGIN + number * ROW
        base = top + ROW / 2 + FONT * 0.35
        bar_y = top + (ROW - BAR_H) / 2
        label = (
            f'<text class="techspec-chart-label" x="{MARGIN}" y="{base:.1f}" font-family="sans-serif" '
            f'font-size="{FONT}" fill="currentColor">{escape(bar.label)}</text>'
        )
        link = href(bar.item) if bar.item else None
        if link:
            label = f'<a href={quoteattr(link)} class="techspec-chart-link">{label}</a>'
        row = [
            f'<g class="techspec-chart-row"><title>{escape(bar.label)}: '
            f"{escape(bar.note + ', ' if bar.note else '')}{escape(bar.text)}</title>",
            label,
        ]
        if bar.note:
            row.append(
                f'<text class="techspec-chart-note" x="{MARGIN + label_w:.1f}" y="{base:.1f}" '
                f'font-family="sans-serif" font-size="{FONT}" fill="currentColor">{escape(bar.note)}</text>'
            )
        state = f" techspec-chart-bar-{bar.state}" if bar.state else ""
        row.append(
            f'<rect class="techspec-chart-track" x="{track_x:.1f}" y="{bar_y:.1f}" width="{TRACK}" '
            f'height="{BAR_H}" fill="currentColor" fill-opacity="0.1"/>'
            f'<rect class="techspec-chart-bar{state}" x="{track_x:.1f}" y="{bar_y:.1f}" '
            f'width="{chart.length(bar):.2f}" height="{BAR_H}" fill="currentColor"/>'
            f'<text class="techspec-chart-value" x="{track_x + TRACK + GAP:.1f}" y="{base:.1f}" '
            f'font-family="sans-serif" font-size="{FONT}" fill="currentColor">{escape(bar.text)}</text></g>'
        )
        parts.append("".join(row))
    parts.append("</svg>")
    return "\n".join(parts)
