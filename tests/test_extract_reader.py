"""Reading papers into text with a map back to the file (regimegraph.extract.reader)."""

from __future__ import annotations

from pathlib import Path

import pytest

from regimegraph.errors import InputError
from regimegraph.extract.reader import read_document

VARIANTS = Path(__file__).resolve().parent / "extract" / "variants"


def test_plain_text_is_the_file_as_read_with_line_endings_kept(tmp_path: Path) -> None:
    path = tmp_path / "paper.txt"
    path.write_bytes(b"CABINET \xe2\x80\x93 17 JANUARY 2006\r\nITEM CA13\r\n")
    document = read_document(path)
    assert document.text == "CABINET \u2013 17 JANUARY 2006\r\nITEM CA13\r\n"
    start = document.text.index("ITEM")
    assert document.quote(start, start + 9) == (start, start + 9, "ITEM CA13")


def test_html_visible_text_drops_tags_scripts_and_decodes_entities() -> None:
    document = read_document(VARIANTS / "somerset-cabinet-2024-cqc.html")
    assert document.kind == "html"
    assert "CABINET \u2013 11 December 2024" in document.text
    assert "Executive Director & Director of Adult Social Services" in document.text
    assert "var ignored" not in document.text
    assert "p { margin" not in document.text
    assert "Assessing needs\nScore: two" in document.text


def test_html_spans_map_to_the_exact_characters_of_the_file() -> None:
    document = read_document(VARIANTS / "somerset-cabinet-2024-cqc.html")
    source = document.file_text
    start = document.text.index("Score: two")
    first, last, quoted = document.quote(start, start + len("Score: two"))
    assert quoted == "Score: two" == source[first:last]
    # Evidence over an entity quotes the entity as written in the file.
    start = document.text.index("Director & Director")
    first, last, quoted = document.quote(start, start + len("Director & Director"))
    assert quoted == "Director &amp; Director" == source[first:last]
    # Evidence crossing markup quotes the markup too, so the quote is the file's text.
    start = document.text.index("rated overall as")
    end = document.text.index("Requires improvement") + len("Requires improvement")
    first, last, quoted = document.quote(start, end)
    assert quoted == source[first:last]
    assert quoted.startswith("rated overall as") and quoted.endswith("Requires improvement")
    assert "<strong>" in quoted


def test_a_word_paper_is_read_paragraphs_and_table_rows(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    paper = docx.Document()
    paper.add_paragraph("Kent County Council")
    paper.add_paragraph("CABINET \u2013 10 March 2008")
    table = paper.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Improved quality of life"
    table.cell(0, 1).text = "Excellent"
    table.cell(1, 0).text = "Economic well-being"
    table.cell(1, 1).text = "Good"
    path = tmp_path / "paper.docx"
    paper.save(str(path))
    document = read_document(path)
    assert document.kind == "docx"
    assert document.text.split("\n\n")[:2] == [
        "Kent County Council",
        "CABINET \u2013 10 March 2008",
    ]
    assert "Improved quality of life\nExcellent" in document.text
    start = document.text.index("Economic")
    assert document.quote(start, start + 8)[2] == "Economic"


def test_a_broken_word_file_is_a_one_line_input_error(tmp_path: Path) -> None:
    path = tmp_path / "paper.docx"
    path.write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"paper\.docx: not a readable Word"):
        read_document(path)


def test_an_unknown_kind_of_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError, match=r"paper\.pdf: cannot read \.pdf files"):
        read_document(path)


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "missing.txt")


def test_windows_1252_pages_are_read(tmp_path: Path) -> None:
    path = tmp_path / "old.htm"
    path.write_bytes(b"<html><body><p>Children\x92s services \x96 2005</p></body></html>")
    document = read_document(path)
    assert document.text.strip() == "Children\u2019s services \u2013 2005"
