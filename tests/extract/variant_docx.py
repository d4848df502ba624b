"""The Word variant (variants/kent-docx.md), built with python-docx when a test needs it so
that no binary file is kept in the repository."""

from __future__ import annotations

from pathlib import Path

import docx

PARAGRAPHS = (
    "Kent County Council",
    "CABINET \u2013 10 March 2008",
    "Report by the Managing Director, Kent Adult Social Services",
    "1. The Commission for Social Care Inspection's annual performance assessment of adult "
    "social care for 2006/07 rated Kent a three star council, delivering excellent outcomes "
    "with excellent capacity to improve.",
    "2. The seven outcomes were graded as follows.",
)
GRADES = (
    ("Improved health and emotional well-being", "Excellent"),
    ("Improved quality of life", "Excellent"),
    ("Making a positive contribution", "Good"),
    ("Increased choice and control", "Good"),
    ("Freedom from discrimination or harassment", "Good"),
    ("Economic well-being", "Adequate"),
    ("Maintaining personal dignity and respect", "Excellent"),
)
CLOSING = "3. The report identified nine areas for development; the action plan is attached."


def build_kent_docx(folder: Path) -> Path:
    """Write kent-cabinet-2008-apa.docx into `folder`: paragraphs, a table of outcome grades
    and a closing paragraph, so the reader's table rows and offsets are exercised."""
    paper = docx.Document()
    for text in PARAGRAPHS:
        paper.add_paragraph(text)
    table = paper.add_table(rows=len(GRADES), cols=2)
    for row, (outcome, grade) in enumerate(GRADES):
        table.cell(row, 0).text = outcome
        table.cell(row, 1).text = grade
    paper.add_paragraph(CLOSING)
    target = folder / "kent-cabinet-2008-apa.docx"
    paper.save(str(target))
    return target
