"""The council timeline's SVG: labels never collide or run off the left edge."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from regimegraph.web.charts import LEFT, ROW_LABEL_CHARS, Point, timeline

SVG = "{http://www.w3.org/2000/svg}"


def test_close_points_put_their_labels_on_opposite_sides() -> None:
    svg = str(timeline([
        Point("2007-11-27", "Adult social care performance rating 2006-2008", "2 stars", "a"),
        Point("2008-11-26", "Adult social care performance rating 2006-2008", "2 stars", "b"),
        Point("2025-09", "CQC local authority assessment", "Good", "c"),
    ], "Judgments"))
    root = ET.fromstring(svg)
    labels = [t for t in root.iter(f"{SVG}text") if t.text in ("2 stars", "Good")]
    circles = [float(c.get("cy", 0)) for c in root.iter(f"{SVG}circle")]
    first, second, third = (float(t.get("y", 0)) for t in labels)
    assert first < circles[0] < second  # the neighbours sit above and below the line
    assert third < circles[2]  # a lone point keeps its label above


def test_long_row_labels_are_cut_to_fit_the_margin_and_kept_in_full_as_a_title() -> None:
    name = "CQC annual performance assessment of adult social care 2008/09-2009/10"
    svg = str(timeline([Point("2009-12", name, "performing well", "x")], "Judgments"))
    row = ET.fromstring(svg).find(f".//{SVG}text[@class='row-label']")
    assert row is not None and row.text is not None
    assert len(row.text) <= ROW_LABEL_CHARS and row.text.endswith("…")
    assert ROW_LABEL_CHARS * 6.5 <= LEFT - 10
    assert re.search(re.escape(name), svg)
