"""Bad RDF files get one clear error naming the file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from regimegraph.errors import InputError, UsageError
from regimegraph.loader import read_graph, read_quads


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_turtle_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path, "bad.ttl", '@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n'
    )
    with pytest.raises(InputError) as caught:
        read_quads(path)
    error = caught.value
    assert error.line == 3
    assert error.column == 11
    assert str(error).startswith(f"{path}:3:11: syntax error")


def test_ntriples_error_is_located(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.nt",
        "<http://ex/a> <http://ex/b> <http://ex/c> .\n<http://ex/a> <http://ex/b> .\n",
    )
    with pytest.raises(InputError) as caught:
        read_quads(path)
    assert caught.value.line == 2


def test_unknown_suffix_is_a_usage_error(tmp_path: Path) -> None:
    path = write(tmp_path, "records.csv", "a,b\n")
    with pytest.raises(UsageError, match=r"records\.csv: unknown RDF file type '\.csv'"):
        read_quads(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        read_quads(tmp_path / "absent.ttl")


def test_trig_keeps_named_graphs_and_puts_triples_in_the_given_graph(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "data.trig",
        "<http://ex/a> <http://ex/b> <http://ex/c> .\n"
        "<http://ex/g> { <http://ex/d> <http://ex/e> <http://ex/f> . }\n",
    )
    graphs = sorted(str(q.graph_name) for q in read_quads(path, "http://ex/file"))
    assert graphs == ["<http://ex/file>", "<http://ex/g>"]


def test_jsonld_remote_context_is_never_fetched(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "data.jsonld",
        '{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://ex/a"}',
    )
    with pytest.raises(InputError, match=r"data\.jsonld"):
        read_quads(path)


def test_literals_keep_datatype_and_language(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "lit.ttl",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<http://ex/a> <http://ex/d> "2005-07"^^xsd:gYearMonth ; <http://ex/l> "Good"@en ;'
        ' <http://ex/s> "plain" .\n',
    )
    graph = read_graph(path)
    values = {str(p): o for _, p, o in graph}
    assert str(values["http://ex/d"].datatype).endswith("#gYearMonth")
    assert values["http://ex/l"].language == "en"
    assert values["http://ex/s"].datatype is None
