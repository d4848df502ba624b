"""Findings point at the line where a record is written."""

from __future__ import annotations

from pathlib import Path

from regimegraph.locations import RecordIndex

EX = "https://w3id.org/regimegraph/id/document/"


def test_subjects_are_found_at_the_line_that_starts_their_statement(tmp_path: Path) -> None:
    records = tmp_path / "records.ttl"
    records.write_text(
        "@prefix document: <https://w3id.org/regimegraph/id/document/> .\n"
        "@prefix rg: <https://w3id.org/regimegraph/def#> .\n"
        "\n"
        "document:letter-1 a rg:InspectionLetter .\n"
        "<https://w3id.org/regimegraph/id/document/letter-2> a rg:InspectionLetter ;\n"
        "    rg:seeAlso document:letter-3 .\n",
        encoding="utf-8",
    )
    graph = tmp_path / "graph.trig"
    graph.write_text(
        "@prefix document: <https://w3id.org/regimegraph/id/document/> .\n"
        "GRAPH <urn:g> { document:letter-4 a document:x . }\n",
        encoding="utf-8",
    )
    index = RecordIndex([records, graph], root=tmp_path)
    assert index.locate(EX + "letter-1") == ("records.ttl", 4)
    assert index.locate(EX + "letter-2") == ("records.ttl", 5)
    assert index.locate(EX + "letter-3") == ("records.ttl", 6)  # only mentioned
    assert index.locate(EX + "letter-4") == ("graph.trig", 2)
    assert index.locate(EX + "letter-10") is None  # a longer name is not a match


def test_json_ld_ids(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonld"
    path.write_text('{\n  "@graph": [\n    {"@id": "https://w3id.org/regimegraph/id/document/a"}'
                    "\n  ]\n}\n", encoding="utf-8")
    assert RecordIndex([path]).locate(EX + "a") == (str(path), 3)
