"""The review summary: what each paper yielded, and what was seen but not settled."""

from __future__ import annotations

from .model import PaperFacts
from .text import line_number


def summarise(facts: PaperFacts, shown_path: str) -> list[str]:
    """Lines for one paper: a 'found' line, then one line per note, with the line it is on."""
    text = facts.document.text
    found: list[str] = []
    if facts.council is not None:
        found.append(f"council {facts.council_label} ({str(facts.council).rsplit('/', 1)[-1]})")
    if facts.body:
        found.append(f"body {facts.body}")
    if facts.meeting_date:
        found.append(f"meeting {facts.meeting_date}")
    if facts.item_number:
        found.append(f"item {facts.item_number}")
    if facts.author_role:
        found.append(f"author {facts.author_role}")
    for inspection in facts.inspections:
        parts = [inspection.regime, inspection.role]
        if inspection.inspectorate:
            parts.append(inspection.inspectorate)
        if inspection.period:
            parts.append(inspection.period)
        if inspection.judgments:
            parts.append(f"{len(inspection.judgments)} judgment(s)")
        if inspection.plan is not None:
            parts.append("action plan")
        found.append("inspection " + " ".join(parts))
    if facts.obligations:
        found.append("obligations " + ", ".join(o.obligation for o in facts.obligations))
    lines = [f"{shown_path}: found " + ("; ".join(found) if found else "nothing")]
    for note in facts.review:
        where = ""
        if note.evidence is not None:
            line = line_number(text, note.evidence.start)
            where = (
                f" (line {line} of the text)"
                if facts.document.kind != "text"
                else (f" (line {line})")
            )
        lines.append(f"  review: {note.kind}: {note.message}{where}")
    return lines
