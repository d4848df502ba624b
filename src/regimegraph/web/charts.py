"""A council's judgments on a timeline, drawn server-side as inline SVG.

x is the date an inspection's judgments were made; there is one row per
regime; each inspection is a point labelled with its headline value (the
regime's headline dimension, else its one judgment, else how many judgments it
made). Every text is escaped; the chart has <title> and <desc>, and the page
carries the same facts as a table for readers who cannot see it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

from .pagedata import year_fraction

WIDTH = 900
LEFT = 250
RIGHT = 40
ROW = 46
TOP = 30


@dataclass
class Point:
    when: str
    row: str
    label: str
    detail: str
    href: str | None = None


def timeline(points: list[Point], title: str) -> Markup:
    """The SVG element for the points (empty markup when there are none)."""
    placed = [(year_fraction(p.when), p) for p in points]
    dated = [(x, p) for x, p in placed if x is not None]
    if not dated:
        return Markup("")
    rows: list[str] = []
    for _, p in sorted(dated, key=lambda item: item[0]):
        if p.row not in rows:
            rows.append(p.row)
    start = math.floor(min(x for x, _ in dated))
    end = math.ceil(max(x for x, _ in dated))
    if end - start < 2:
        start, end = start - 1, end + 1
    span = end - start
    height = TOP + ROW * len(rows) + 30

    def xpos(x: float) -> float:
        return LEFT + (x - start) / span * (WIDTH - LEFT - RIGHT)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="timeline" class="timeline" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-labelledby="timeline-title '
        f'timeline-desc">',
        f'<title id="timeline-title">{escape(title)}</title>',
        f'<desc id="timeline-desc">{len(dated)} inspections from {start} to {end}, one row per '
        f"regime; each point is labelled with the inspection's headline judgment. "
        f"The table below gives every judgment.</desc>",
    ]
    step = 1 if span <= 12 else 2 if span <= 24 else 5
    axis_y = TOP + ROW * len(rows)
    out.append(f'<line class="axis" x1="{LEFT}" y1="{axis_y}" x2="{WIDTH - RIGHT}" '
               f'y2="{axis_y}" stroke="#888"/>')
    for year in range(start, end + 1, step):
        x = xpos(year)
        out.append(f'<line class="tick" x1="{x:.1f}" y1="{TOP - 10}" x2="{x:.1f}" '
                   f'y2="{axis_y + 4}" stroke="#ddd"/>')
        out.append(f'<text class="year" x="{x:.1f}" y="{axis_y + 18}" text-anchor="middle" '
                   f'font-size="12">{year}</text>')
    for i, name in enumerate(rows):
        y = TOP + ROW * i + ROW / 2
        out.append(f'<text class="row-label" x="{LEFT - 10}" y="{y + 4:.1f}" text-anchor="end" '
                   f'font-size="12">{escape(_short(name, 38))}<title>{escape(name)}</title></text>')
        out.append(f'<line class="row" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" '
                   f'y2="{y:.1f}" stroke="#eee"/>')
    for x_value, p in dated:
        x = xpos(x_value)
        y = TOP + ROW * rows.index(p.row) + ROW / 2
        point = (
            f'<g class="point"><circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#1a5fb4">'
            f"<title>{escape(p.when)}: {escape(p.detail)}</title></circle>"
            f'<text x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle" font-size="11">'
            f"{escape(_short(p.label, 18))}</text></g>"
        )
        if p.href:
            point = f'<a href="{escape(p.href)}">{point}</a>'
        out.append(point)
    out.append("</svg>")
    return Markup("\n".join(out))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
