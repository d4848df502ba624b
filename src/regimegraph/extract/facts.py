"""Records as a set of comparable facts, for measuring the extractor against hand-written records.

IRIs differ between hand-written and extracted records where a paper leaves
something out (an earlier inspection's year, say), so facts are keyed by what
the records say rather than by IRI: an inspection by its regime and whether it
is an earlier one (the object of rg:previousInspection); a judgment by that,
its dimension and value; a meeting by its body's slug and day. `score` gives
precision and recall per kind of fact (the first element of each tuple).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from ..namespaces import RG

Fact = tuple[str, ...]


def _local(node: object) -> str:
    text = str(node)
    return text.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _label(text: str) -> str:
    return " ".join(text.lower().replace("&", "and").replace("\u2019", "'").split())


def facts_of_graph(graph: Graph) -> set[Fact]:
    """The comparable facts the records in `graph` state."""
    facts: set[Fact] = set()
    earlier = {o for o in graph.objects(None, RG.previousInspection)}
    for paper in graph.subjects(RG.localFile, None):
        council = graph.value(paper, RG.council)
        if council is not None:
            facts.add(("council", _local(council)))
        creator = graph.value(paper, DCTERMS.creator)
        if creator is not None and (creator, RDFS.label, None) in graph:
            facts.add(("author", _label(str(graph.value(creator, RDFS.label)))))
    for meeting in graph.subjects(RDF.type, RG.Meeting):
        body = graph.value(meeting, RG.body)
        day = graph.value(meeting, DCTERMS.date)
        if body is not None and day is not None:
            gss_and_body = _local(body)
            facts.add(("meeting", gss_and_body.split("-", 1)[-1], str(day)))
    for item in graph.subjects(RDF.type, RG.AgendaItem):
        number = graph.value(item, RG.itemNumber)
        if number is not None:
            facts.add(("item", str(number).upper()))
        for flag in graph.objects(item, RG.openSession):
            facts.add(("open-session", str(flag).lower()))
    for inspection in graph.subjects(RDF.type, RG.Inspection):
        regime = graph.value(inspection, RG.regime)
        if regime is None:
            continue
        key = (_local(regime), "earlier" if inspection in earlier else "")
        facts.add(("inspection", *key))
        for prop, kind in ((RG.inspectorate, "inspectorate"), (RG.periodAssessed, "period")):
            for value in graph.objects(inspection, prop):
                facts.add((kind, *key, _local(value)))
        start = graph.value(inspection, RG.fieldworkStart)
        end = graph.value(inspection, RG.fieldworkEnd)
        if start is not None:
            facts.add(("fieldwork", *key, str(start), str(end)))
        for prop, shown in ((RG.strengthCount, "{}"), (RG.strengthCountOver, "over {}")):
            for value in graph.objects(inspection, prop):
                facts.add(("strengths", *key, shown.format(value)))
        for value in graph.objects(inspection, RG.developmentAreaCount):
            facts.add(("development-areas", *key, str(value)))
        for document in graph.subjects(PROV.wasGeneratedBy, inspection):
            for value in graph.objects(document, DCTERMS.issued):
                facts.add(("document-issued", *key, str(value)))
            for value in graph.objects(document, RG.dateReceived):
                facts.add(("document-received", *key, str(value)))
        for judgment in graph.subjects(RG.inspection, inspection):
            dimension = graph.value(judgment, RG.dimension)
            scale_value = graph.value(judgment, RG.value)
            if dimension is not None and scale_value is not None:
                facts.add(("judgment", *key, _local(dimension), _local(scale_value)))
        for plan in graph.subjects(RG.respondsTo, inspection):
            facts.add(("action-plan", *key))
            for prop, kind in (
                (RG.agreedOn, "plan-agreed-on"),
                (RG.consultationEnds, "plan-consultation-ends"),
            ):
                for value in graph.objects(plan, prop):
                    facts.add((kind, *key, str(value)))
            for value in graph.objects(plan, RG.agreedWith):
                facts.add(("plan-agreed-with", *key, _local(value)))
    for statement in graph.subjects(RDF.type, RG.ObligationStatement):
        obligation = graph.value(statement, RG.statesObligation)
        unit = graph.value(statement, RG.deadlineUnit)
        basis = graph.value(statement, RG.deadlineBasis)
        if isinstance(obligation, URIRef):
            facts.add(
                (
                    "obligation",
                    _local(obligation),
                    _local(unit) if unit else "",
                    _local(basis) if basis else "",
                )
            )
    return facts


@dataclass(frozen=True)
class Score:
    kind: str
    expected: int
    extracted: int
    matched: int

    @property
    def precision(self) -> float | None:
        return self.matched / self.extracted if self.extracted else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.expected if self.expected else None


def score(expected: Iterable[Fact], extracted: Iterable[Fact]) -> list[Score]:
    """Precision and recall per kind of fact, and an "all" row."""
    want, got = set(expected), set(extracted)
    kinds = sorted({f[0] for f in want | got})
    rows = [
        Score(
            kind,
            sum(f[0] == kind for f in want),
            sum(f[0] == kind for f in got),
            sum(f[0] == kind for f in want & got),
        )
        for kind in kinds
    ]
    rows.append(Score("all", len(want), len(got), len(want & got)))
    return rows


def render_scores(rows: list[Score]) -> str:
    """A Markdown table of the scores."""

    def show(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    lines = [
        "| kind of fact | expected | extracted | matched | precision | recall |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.kind} | {row.expected} | {row.extracted} | {row.matched} | "
            f"{show(row.precision)} | {show(row.recall)} |"
        )
    return "\n".join(lines)
