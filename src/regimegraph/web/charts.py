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
# Row labels must fit in LEFT at 12px (about 6.5px a character); point labels
# are 11px, about 6px a character, used to keep neighbouring labels apart.
ROW_LABEL_CHARS = 34
CHAR_WIDTH = 6.0


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
                   f'font-size="12">{escape(_short(name, ROW_LABEL_CHARS))}'
                   f"<title>{escape(name)}</title></text>")
        out.append(f'<line class="row" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" '
                   f'y2="{y:.1f}" stroke="#eee"/>')
    # Where the last label in each row ends, and whether it sat above the line:
    # a label that would overlap the previous one goes to the other side.
    last_end: dict[str, float] = {}
    last_above: dict[str, bool] = {}
    for x_value, p in sorted(dated, key=lambda item: item[0]):
        x = xpos(x_value)
        y = TOP + ROW * rows.index(p.row) + ROW / 2
        text = _short(p.label, 18)
        half = len(text) * CHAR_WIDTH / 2
        above = True
        if p.row in last_end and x - half < last_end[p.row] + 4:
            above = not last_above[p.row]
        if above or p.row not in last_end or x - half >= last_end[p.row] + 4:
            last_end[p.row] = x + half
        last_above[p.row] = above
        label_y = y - 9 if above else y + 17
        point = (
            f'<g class="point"><circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#1a5fb4">'
            f"<title>{escape(p.when)}: {escape(p.detail)}</title></circle>"
            f'<text x="{x:.1f}" y="{label_y:.1f}" text-anchor="middle" font-size="11">'
            f"{escape(text)}</text></g>"
        )
        if p.href:
            point = f'<a href="{escape(p.href)}">{point}</a>'
        out.append(point)
    out.append("</svg>")
    return Markup("\n".join(out))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
