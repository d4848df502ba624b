"""One prefix, one meaning: every file agrees with namespaces.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from regimegraph.namespaces import PREFIXES, sparql_prologue

ROOT = Path(__file__).resolve().parents[1]
TURTLE = sorted(
    p
    for d in ("ontology", "reference", "records", "rules", "examples")
    if (ROOT / d).exists()
    for p in (ROOT / d).rglob("*.ttl")
)
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
DECLARATION = re.compile(r"^\s*@?prefix\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.M)
USE = re.compile(r"(?<![\w<:/#\"'-])([a-z][\w-]*):(?=[A-Za-z0-9_])")


def test_files_were_found() -> None:
    assert len(TURTLE) >= 8
    assert len(QUERIES) >= 6


@pytest.mark.parametrize("path", TURTLE + QUERIES, ids=lambda p: str(p.relative_to(ROOT)))
def test_declared_prefixes_mean_what_namespaces_py_says(path: Path) -> None:
    for prefix, iri in DECLARATION.findall(path.read_text(encoding="utf-8")):
        assert prefix in PREFIXES, f"{path.name}: unknown prefix {prefix}:"
        assert iri == str(PREFIXES[prefix]), f"{path.name}: {prefix}: is <{iri}>"


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_queries_use_only_predeclared_prefixes(path: Path) -> None:
    text = re.sub(r"<[^>\s]*>|\"[^\"\n]*\"|#[^\n]*", "", path.read_text(encoding="utf-8"))
    unknown = {p for p in USE.findall(text) if p not in PREFIXES}
    assert unknown == set(), f"{path.name} uses undeclared prefixes {unknown}"


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_queries_have_a_title_and_description(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# title: ")
    assert lines[1].startswith("# description: ")


def test_prologue_declares_every_prefix() -> None:
    assert sparql_prologue().count("PREFIX ") == len(PREFIXES)
