"""The validation layer's own behaviour, beyond what the W3C suite covers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph

from regimegraph.checker import check
from regimegraph.errors import ShapesError
from regimegraph.namespaces import RGSH
from regimegraph.validator import run_shacl

RULES = Path(__file__).resolve().parent / "rules"


def test_a_two_sided_equals_mismatch_is_one_finding_naming_both_values() -> None:
    fixture = sorted((RULES / "CqcRatingAgreesWithScores").glob("invalid-*.ttl"))[0]
    result = check([fixture], date(2026, 11, 23))
    fired = [f for f in result.findings if f.rule == str(RGSH.CqcRatingAgreesWithScores)]
    assert len(fired) == 1
    assert fired[0].value is not None and "; " in fired[0].value


def test_unusable_shapes_are_a_user_error_not_a_crash() -> None:
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ;
            sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o MINUS { $this ?p ?o } }" ] .
        """, format="turtle")
    with pytest.raises(ShapesError, match="the rules cannot be used"):
        run_shacl(Graph(), shapes)
