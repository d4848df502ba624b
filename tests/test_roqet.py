"""/sparql answers rasqal's `roqet` (Debian rasqal-utils, installed by .ci/run).

A SPARQL client no one here wrote.

roqet -p URL -e QUERY sends the query over the SPARQL 1.1 Protocol, parses the
server's results with its own parser and prints them in the -r format.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

import pytest

from live_server import OXFORDSHIRE, running
from regimegraph.kb import KnowledgeBase

RG = "https://w3id.org/regimegraph/def#"
ROQET = shutil.which("roqet") or "roqet"


@pytest.fixture(scope="module")
def endpoint(kb: KnowledgeBase) -> Iterator[str]:
    with running() as server:
        yield f"{server.url}/sparql"


def roqet(endpoint: str, query: str, results: str) -> tuple[int, str, str]:
    done = subprocess.run(
        [ROQET, "-q", "-i", "sparql11-query", "-p", endpoint, "-e", query, "-r", results],
        capture_output=True, text=True, timeout=60, check=False)
    return done.returncode, done.stdout, done.stderr


def test_select_as_csv(endpoint: str) -> None:
    status, out, err = roqet(
        endpoint, f"SELECT ?code WHERE {{ <{OXFORDSHIRE}> <{RG}gssCode> ?code }}", "csv")
    assert status == 0, err
    assert [line.strip() for line in out.strip().splitlines()] == ["code", "E10000025"]


def test_select_several_rows_as_xml_and_tsv(endpoint: str) -> None:
    query = (f"PREFIX rg: <{RG}> "
             "SELECT ?council ?code WHERE { ?council a rg:Council ; rg:gssCode ?code "
             'FILTER(?code IN ("E10000025", "E06000022")) } ORDER BY ?code')
    status, out, err = roqet(endpoint, query, "xml")
    assert status == 0, err
    assert out.index("E06000022") < out.index("E10000025")
    assert f"<uri>{OXFORDSHIRE}</uri>" in out
    status, out, err = roqet(endpoint, query, "tsv")
    assert status == 0, err
    rows = [line.split("\t") for line in out.strip().splitlines()]
    assert rows[0] == ["?council", "?code"] and len(rows) == 3, rows
    assert rows[2] == [f"<{OXFORDSHIRE}>", '"E10000025"'], rows


@pytest.mark.parametrize("code, answer", [("E10000025", "true"), ("X00000000", "false")])
def test_ask(endpoint: str, code: str, answer: str) -> None:
    """rasqal 0.9.33's protocol client reads only variable bindings: an ASK gives exit 0
    and an empty result set whatever the answer (as against any server: a stock
    SPARQL XML boolean document reads the same). So the ASK runs through roqet, and
    its answer is checked through roqet as the SELECT form of the same ASK."""
    pattern = f'?council <{RG}gssCode> "{code}"'
    status, out, err = roqet(endpoint, f"ASK {{ {pattern} }}", "xml")
    assert status == 0, err
    assert "<sparql" in out and "<result>" not in out
    status, out, err = roqet(
        endpoint, f"SELECT ?answer WHERE {{ BIND(EXISTS {{ {pattern} }} AS ?answer) }}", "csv")
    assert status == 0, err
    assert [line.strip() for line in out.strip().splitlines()] == ["answer", answer]


@pytest.mark.parametrize("results", ["turtle", "rdfxml"])
def test_construct_is_not_spoken_by_roqet(endpoint: str, results: str) -> None:
    """rasqal 0.9.33's protocol client sends Accept: application/sparql-results+xml for
    every query form and parses the answer as results, so it cannot fetch a graph
    (-r ntriples is not even accepted). The endpoint answers that Accept for a
    CONSTRUCT with 406 (it offers RDF formats only), and roqet fails loudly rather
    than print a wrong graph. CONSTRUCT itself is covered by test_sparql_protocol.py
    and test_sparql_security.py (SPARQLWrapper, rdflib)."""
    query = (f"CONSTRUCT {{ <{OXFORDSHIRE}> <{RG}gssCode> ?code }} "
             f"WHERE {{ <{OXFORDSHIRE}> <{RG}gssCode> ?code }}")
    status, out, err = roqet(endpoint, query, results)
    assert status != 0
    assert "406" in err, err
    assert "E10000025" not in out


def test_refused_service_fails_the_command(endpoint: str) -> None:
    """roqet parses SERVICE; the endpoint refuses it (400), and roqet exits non-zero."""
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    status, out, err = roqet(endpoint, query, "csv")
    assert status != 0, out
    assert "400" in err, err


def test_roqet_is_installed() -> None:
    assert shutil.which("roqet"), "roqet (Debian rasqal-utils) is missing: .ci/run installs it"
