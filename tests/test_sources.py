"""The records setting: a user's record folders built into the knowledge base every command sees."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from regimegraph import sources
from regimegraph.checker import check
from regimegraph.cli import main
from regimegraph.errors import UsageError
from regimegraph.generate import generate
from regimegraph.namespaces import GRAPH
from regimegraph.sources import input_digest, record_folders

ROOT = Path(__file__).resolve().parents[1]
RECORD = """@prefix rg: <https://w3id.org/regimegraph/def#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/excerpt/1> rg:charStart "5"^^xsd:nonNegativeInteger .
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    mine = tmp_path / "my-records"
    (mine / "sub").mkdir(parents=True)
    (mine / "sub" / "one.ttl").write_text(RECORD, encoding="utf-8")
    (mine / ".hidden.ttl").write_text("not turtle", encoding="utf-8")
    (mine / "notes.txt").write_text("not RDF", encoding="utf-8")
    return mine


def test_the_option_outranks_the_variable_which_outranks_the_file(tmp_path: Path) -> None:
    a, b, c = (tmp_path / name for name in "abc")
    for path in (a, b, c):
        path.mkdir()
    (tmp_path / "regimegraph.toml").write_text('records = ["c"]\n', encoding="utf-8")
    assert record_folders({}, tmp_path) == (c,)
    assert record_folders({"REGIMEGRAPH_RECORDS": f"{a}{os.pathsep}{b}"}, tmp_path) == (a, b)
    sources.use_option((b,))
    try:
        assert record_folders({"REGIMEGRAPH_RECORDS": str(a)}, tmp_path) == (b,)
    finally:
        sources.use_option(None)
    assert record_folders({}, tmp_path / "a") == ()


@pytest.mark.parametrize(("setting", "message"), [
    ('records = ["missing"]', "records: .*missing: no such folder"),
    ("records = 3", "records: expected a list of folders"),
    ('records = ["x", "y/x"]', "both named 'x'"),
])
def test_a_bad_setting_names_where_it_came_from(tmp_path: Path, setting: str,
                                                message: str) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "y" / "x").mkdir(parents=True)
    (tmp_path / "regimegraph.toml").write_text(setting + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match=message) as caught:
        record_folders({}, tmp_path)
    assert str(tmp_path / "regimegraph.toml") in str(caught.value)


def test_a_folders_files_get_graphs_of_their_own(folder: Path) -> None:
    found = [s for s in sources.sources((folder,)) if s.folder == "local"]
    assert [(s.path, s.graph) for s in found] == [
        (folder / "sub" / "one.ttl", str(GRAPH["local/my-records/sub/one"]))]
    assert found[0].is_record and not found[0].is_schema


def test_a_folder_without_records_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no record files"):
        sources.sources((tmp_path,))


def test_the_digest_follows_the_records(folder: Path) -> None:
    before = input_digest(sources.sources((folder,)))
    assert input_digest(sources.sources((folder,))) == before
    assert input_digest(sources.sources(())) != before
    record = folder / "sub" / "one.ttl"
    record.write_text(RECORD + "# edited\n", encoding="utf-8")
    assert input_digest(sources.sources((folder,))) != before


def test_build_query_and_the_dump_see_the_records(folder: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGIMEGRAPH_CACHE", str(tmp_path / "cache"))
    code, out, err = run("build", "--records", str(folder))
    assert code == 0, err
    graph = GRAPH["local/my-records/sub/one"]
    code, out, err = run("query", "--records", str(folder), "--format", "json",
                         f"SELECT ?v WHERE {{ GRAPH <{graph}> {{ ?s rg:charStart ?v }} }}")
    assert code == 0, err
    assert [b["v"]["value"] for b in json.loads(out)["results"]["bindings"]] == ["5"]
    # Without the setting, the same command sees the bundled knowledge base alone.
    code, out, err = run("query", "--format", "json",
                         f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert code == 0, err
    assert json.loads(out)["boolean"] is False
    # The dump says what the file said, datatype included (a store would say xsd:integer).
    dumps = [p for p in (tmp_path / "cache").glob("kb-*.nq")
             if str(graph) in p.read_text(encoding="utf-8")]
    assert len(dumps) == 1
    stated = [q for q in ox.parse(path=str(dumps[0]), format=ox.RdfFormat.N_QUADS)
              if q.graph_name == ox.NamedNode(str(graph))]
    assert [q.object for q in stated] == [ox.Literal(
        "5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger"))]


def test_check_of_the_knowledge_base_finds_the_breaks_planted_in_the_records(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check --records DIR` checks the bundled knowledge base with DIR in it.

    Every break the generator planted in DIR is found, located in DIR's
    files. (Findings may differ from `check DIR` otherwise: the knowledge base
    adds the imported tables and the bundled records, which can complete or
    contradict a record; so the councils here are two without bundled papers.)
    """
    monkeypatch.setenv("REGIMEGRAPH_CACHE", str(tmp_path / "cache"))
    england = tmp_path / "england"
    generate(england, 10_000, seed=7, break_rate=0.3, only=("E10000015", "E08000025"))
    planted = {(b["focus"], b["shape"]) for b in
               json.loads((england / "manifest.json").read_text(encoding="utf-8"))["breaks"]}
    assert len(planted) >= 5
    sources.use_option((england,))
    try:
        result = check(None, date(2026, 11, 23))
    finally:
        sources.use_option(None)
    found = {(f.focus, f.shape) for f in result.findings}
    assert planted - found == set()
    places = {f.file for f in result.findings if (f.focus, f.shape) in planted}
    assert places and all(str(place).startswith(str(england)) for place in places)


def test_check_refuses_paths_with_records(folder: Path) -> None:
    code, _, err = run("check", str(folder), "--records", str(folder))
    assert code == 2
    assert "give them as PATHS" in err
    assert "Traceback" not in err
