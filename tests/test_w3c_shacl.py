"""The W3C SHACL test suite, run through regimegraph's validation layer.

The suite is vendored in tests/w3c/shacl (see tests/w3c/README.md), so this runs offline on a
fresh clone. Each sht:Validate entry names a data graph and a shapes graph; we read both from
the local files, validate them with `regimegraph.validator.run_shacl`, and judge the report with
pySHACL's own checker, `check_sht_result`. Each case also runs plain `pyshacl.validate` with the
same settings and requires the same verdict, so the layer cannot change a verdict unnoticed.

Settings are those of pySHACL's own W3C runner (test/test_sht_validate.py, `test_sht_all`):
inference="rdfs", SHACL-AF off (the suite is SHACL Core and SHACL-SPARQL only). With them
pySHACL 0.40 passes 118 of the 120 tests; the two it fails are named in PYSHACL_FAILURES.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import astuple, dataclass, replace
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox
import pyshacl
import pyshacl_turbo
import pytest
from pyshacl.errors import ValidationFailure
from pyshacl.validator_conformance import check_sht_result
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from regimegraph import shacl_sparql
from regimegraph.errors import ShapesError
from regimegraph.validator import run_shacl

SUITE = Path(__file__).resolve().parent / "w3c" / "shacl"
SUITE_URI = SUITE.as_uri() + "/"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

# The W3C manifests hold 120 sht:Validate entries (core 98, sparql 22); a walk that finds fewer
# has lost some, and must not pass by checking nothing.
EXPECTED_TESTS = 120

# pySHACL's W3C runner settings (it also sets debug=True, which only changes logging).
# Measured with pySHACL 0.40.1: run_shacl's defaults (inference "none", advanced=True) give the
# same 118 passes and the same two failures; inference "owlrl" or "both" fail 14 more tests.
INFERENCE = "rdfs"
ADVANCED = False

# The two tests pySHACL itself fails, with what it does wrong and how the failure shows.
PYSHACL_FAILURES: dict[str, tuple[type[BaseException], str]] = {
    "core/property/uniqueLang-002": (
        AssertionError,
        'pySHACL reads sh:uniqueLang "1"^^xsd:boolean by its value (rdflib maps "1" to True) '
        "and enforces it; the suite says only the literal true activates the constraint "
        "(w3c/data-shapes#98), so it expects conforms true and gets a UniqueLang violation",
    ),
    "sparql/pre-binding/shapesGraph-001": (
        NotImplementedError,
        "pySHACL cannot pre-bind $shapesGraph in SPARQL constraints and raises "
        "NotImplementedError; listed in pySHACL's own ALLOWABLE_FAILURES",
    ),
}



@dataclass(frozen=True)
class ShtTest:
    """One sht:Validate entry: where its graphs are, and its manifest node."""

    test_id: str
    manifest: Path
    node: Node
    data: Path
    shapes: Path


def _local(iri: Node) -> Path:
    """A suite IRI as a local file; anything outside the vendored suite is refused."""
    text = str(iri).split("#", 1)[0]
    if not text.startswith(SUITE_URI):
        raise ValueError(f"{iri} is outside the vendored suite: refusing to fetch it")
    return SUITE / unquote(text[len(SUITE_URI):])


def _parse(path: Path) -> Graph:
    with warnings.catch_warnings():
        # core/property/or-datatypes-001.ttl holds "none"^^xsd:boolean on purpose (an invalid
        # literal the test is about); rdflib warns while reading it.
        warnings.filterwarnings("ignore", message="Parsing weird boolean")
        return Graph().parse(path, format="turtle", publicID=path.as_uri())


def _walk(manifest: Path, seen: set[Path]) -> list[ShtTest]:
    """Every sht:Validate entry reachable from a manifest through mf:include."""
    if manifest in seen:
        return []
    seen.add(manifest)
    graph = _parse(manifest)
    tests: list[ShtTest] = []
    for include in sorted(graph.objects(None, MF.include)):
        tests.extend(_walk(_local(include), seen))
    for entries in graph.objects(None, MF.entries):
        for node in Collection(graph, entries):
            if (node, RDF.type, SHT.Validate) not in graph:
                continue
            action = graph.value(node, MF.action)
            data = graph.value(action, SHT.dataGraph)
            shapes = graph.value(action, SHT.shapesGraph)
            assert isinstance(data, URIRef) and isinstance(shapes, URIRef), node
            test_id = str(node)[len(SUITE_URI):] if str(node).startswith(SUITE_URI) else str(node)
            tests.append(ShtTest(test_id.removesuffix(".ttl"), manifest, node,
                                 _local(data), _local(shapes)))
    return tests


TESTS = _walk(SUITE / "manifest.ttl", set())


def _case(test: ShtTest) -> object:
    known = PYSHACL_FAILURES.get(test.test_id)
    marks = []
    if known is not None:
        raises, reason = known
        marks.append(pytest.mark.xfail(strict=True, raises=raises, reason=reason))
    return pytest.param(test, id=test.test_id, marks=marks)


def test_manifest_walk_finds_every_test() -> None:
    ids = [t.test_id for t in TESTS]
    assert len(ids) == EXPECTED_TESTS
    assert len(set(ids)) == len(ids)
    # A known failure that names no test would mark nothing.
    assert set(PYSHACL_FAILURES) <= set(ids)


@pytest.mark.parametrize("test", [_case(t) for t in TESTS])
def test_w3c_shacl(test: ShtTest) -> None:
    manifest = _parse(test.manifest)
    expected = manifest.value(test.node, MF.result)
    assert expected is not None, f"{test.test_id} has no mf:result"

    plain_conforms, _report, _text = pyshacl.validate(
        _parse(test.data), shacl_graph=_parse(test.shapes), inference=INFERENCE, advanced=ADVANCED
    )

    report: Graph | ValidationFailure
    try:
        validation = run_shacl(
            _parse(test.data), _parse(test.shapes), inference=INFERENCE, advanced=ADVANCED,
            engine="pyshacl",
        )
    except ShapesError as error:
        # The layer turns pySHACL's "the shapes graph is unusable" into a user error that
        # keeps the engine's exception: that is the sht:Failure the manifest expects.
        assert isinstance(error.failure, ValidationFailure)
        conforms, report = False, error.failure
    else:
        conforms, report = validation.conforms, validation.report

    assert conforms == bool(plain_conforms), "the layer changed pySHACL's verdict"
    assert check_sht_result(report, manifest, expected), "report differs from mf:result"


def _store(path: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())
    return store


def _turbo_case(test: ShtTest) -> object:
    known = TURBO_FAILURES.get(test.test_id)
    marks = []
    if known is not None:
        marks.append(pytest.mark.xfail(strict=True, raises=AssertionError, reason=known))
    return pytest.param(test, id=test.test_id, marks=marks)


# With the data read into an Oxigraph store, as `regimegraph check` gives it to the
# engine, these reports differ from mf:result. Each is about an ill-formed or
# unusually written literal; none is a construct our rules use.
TURBO_FAILURES: dict[str, str] = {
    "core/property/uniqueLang-002": "the shapes are read by rdflib, which maps "
    '"1"^^xsd:boolean to true; pySHACL fails it the same way (see PYSHACL_FAILURES)',
    "core/property/datatype-ill-formed": 'Oxigraph stores the out-of-range "300"^^xsd:byte '
    "as an xsd:integer, so the report names a value the data file does not hold; "
    "pySHACL given the same store reports the same",
    "core/property/datatype-001": "pyshacl-turbo 0.6.5 finds the same two results as "
    "pySHACL but its report does not match mf:result (pySHACL's does)",
    "core/property/or-datatypes-001": 'pyshacl-turbo 0.6.5 misses the "none"^^xsd:boolean '
    "value (an ill-formed literal) that pySHACL reports",
}
_BLANK = re.compile(r"_:\w+")
# Where the two engines' findings differ on the same store (the rest must be identical).
ENGINE_DIFFERENCES = {
    "core/property/or-datatypes-001": TURBO_FAILURES["core/property/or-datatypes-001"],
    "core/property/datatype-001": 'rdflib, which reads the data for pySHACL, rewrites the '
    'ill-formed "2011-01-01"^^xsd:dateTime as 2011-01-01T00:00:00; Oxigraph keeps it',
    "sparql/pre-binding/shapesGraph-001": PYSHACL_FAILURES["sparql/pre-binding/shapesGraph-001"][1],
}


def test_known_turbo_failures_name_tests() -> None:
    ids = {t.test_id for t in TESTS}
    assert set(TURBO_FAILURES) <= ids
    assert set(ENGINE_DIFFERENCES) <= ids


def _findings(test: ShtTest, engine: str) -> object:
    """What a user sees, but the message, with blank node labels blanked out.

    Each engine names blank nodes its own way, and writes its own default message
    where a shape has no sh:message (the suite's never do; ours always do, and
    tests/test_engines.py compares them).
    """
    data = _store(test.data) if engine == "turbo" else _parse(test.data)
    try:
        validation = run_shacl(data, _parse(test.shapes), inference=INFERENCE,
                               advanced=ADVANCED, engine=engine)
    except ShapesError:
        return "the shapes cannot be used"
    except NotImplementedError:  # pySHACL's known gap, see PYSHACL_FAILURES
        return "not implemented"
    # A finding reported for several values ("A; B", merged because the messages
    # matched) is compared value by value, since default messages decide the merge.
    return sorted(
        tuple(_BLANK.sub("_:", str(v)) for v in astuple(replace(f, message="", value=value)))
        for f in validation.findings
        for value in (f.value.split("; ") if f.value else [None])
    )


@pytest.mark.parametrize("test", TESTS, ids=[t.test_id for t in TESTS])
def test_w3c_engines_agree(test: ShtTest) -> None:
    """Same data (pySHACL reading rdflib, turbo a store): findings agree or differ by name."""
    same = _findings(test, "turbo") == _findings(test, "pyshacl")
    assert same != (test.test_id in ENGINE_DIFFERENCES)


@pytest.mark.parametrize("test", [_turbo_case(t) for t in TESTS])
def test_w3c_shacl_turbo(test: ShtTest) -> None:
    """The suite through the default engine, with the data in a store as check gives it."""
    manifest = _parse(test.manifest)
    expected = manifest.value(test.node, MF.result)
    assert expected is not None, f"{test.test_id} has no mf:result"

    report: Graph | BaseException
    try:
        validation = run_shacl(
            _store(test.data), _parse(test.shapes), inference=INFERENCE, advanced=ADVANCED,
            engine="turbo",
        )
    except ShapesError as error:
        assert isinstance(error.failure, pyshacl_turbo.ValidationFailure)
        # pySHACL's checker knows a failure by its own class: same meaning, same message.
        conforms, report = False, ValidationFailure(str(error.failure))
    else:
        conforms, report = validation.conforms, validation.report

    assert check_sht_result(report, manifest, expected), "report differs from mf:result"
    assert isinstance(report, ValidationFailure) or conforms == (
        (expected, SH.conforms, Literal(True)) in manifest)


@pytest.mark.parametrize("test", TESTS, ids=[t.test_id for t in TESTS])
def test_w3c_projection_changes_no_finding(test: ShtTest) -> None:
    """turbo given only the predicates the shapes name finds what it finds given everything.

    `check` validates Core shapes without inference, and gives turbo only the
    triples of the predicates the shapes can observe (validator.observed_predicates);
    every test of the suite, run that way, must not notice.
    """
    shapes = _parse(test.shapes)

    def findings(project: bool) -> object:
        try:
            validation = run_shacl(_store(test.data), shapes, inference="none", advanced=False,
                                   engine="turbo", project=project)
        except ShapesError:
            return "the shapes cannot be used"
        return sorted(_BLANK.sub("_:", str(astuple(f))) for f in validation.findings)

    assert findings(True) == findings(False)


# The sparql engine (SHACL Core compiled to SPARQL, in the store) reports these
# differently from mf:result; each engine does, for the same reason.
SPARQL_FAILURES: dict[str, str] = {
    "core/property/uniqueLang-002": TURBO_FAILURES["core/property/uniqueLang-002"],
    "core/property/datatype-ill-formed": TURBO_FAILURES["core/property/datatype-ill-formed"],
}
# It must translate at least this many tests of the suite (94 with pyoxigraph 0.5.13):
# an engine that quietly refused everything would otherwise pass by falling back.
SPARQL_TRANSLATED_AT_LEAST = 94


def _translated(test: ShtTest) -> bool:
    try:
        shacl_sparql.compile_shapes(_parse(test.shapes))
    except shacl_sparql.Unsupported:
        return False
    return True


def _sparql_case(test: ShtTest) -> object:
    known = SPARQL_FAILURES.get(test.test_id)
    marks = [pytest.mark.xfail(strict=True, raises=AssertionError, reason=known)] if known else []
    return pytest.param(test, id=test.test_id, marks=marks)


def test_w3c_sparql_engine_translates_most_of_core() -> None:
    translated = [t.test_id for t in TESTS if _translated(t)]
    assert len(translated) >= SPARQL_TRANSLATED_AT_LEAST
    assert set(SPARQL_FAILURES) <= set(translated)
    # What it refuses is SHACL-SPARQL and qualified value shapes, never plain Core.
    refused = {t.test_id for t in TESTS} - set(translated)
    assert all(t.startswith("sparql/") or "qualified" in t or t == "core/node/qualified-001"
               for t in refused), sorted(refused)


@pytest.mark.parametrize("test", [_sparql_case(t) for t in TESTS])
def test_w3c_shacl_sparql(test: ShtTest) -> None:
    """The suite through the sparql engine, with the data in a store as check gives it.

    Where it cannot translate the shapes, `auto` must fall back to turbo and
    give exactly turbo's findings.
    """
    manifest = _parse(test.manifest)
    expected = manifest.value(test.node, MF.result)
    assert expected is not None, f"{test.test_id} has no mf:result"
    if not _translated(test):
        with pytest.raises(ShapesError, match="the sparql engine cannot run these rules"):
            run_shacl(_store(test.data), _parse(test.shapes), inference="none",
                      advanced=False, engine="sparql")
        assert _findings_with(test, "auto") == _findings_with(test, "turbo")
        return
    validation = run_shacl(_store(test.data), _parse(test.shapes), inference="none",
                           advanced=False, engine="sparql")
    assert check_sht_result(validation.report, manifest, expected), "report differs from mf:result"
    assert validation.conforms == ((expected, SH.conforms, Literal(True)) in manifest)


def _findings_with(test: ShtTest, engine: str) -> object:
    try:
        validation = run_shacl(_store(test.data), _parse(test.shapes), inference="none",
                               advanced=False, engine=engine)
    except ShapesError:
        return "the shapes cannot be used"
    return sorted(_BLANK.sub("_:", str(astuple(f))) for f in validation.findings)
