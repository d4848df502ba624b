"""Turning a paper's facts into records in the project's vocabulary (docs/records.md).

IRIs follow the contract, so records read from a paper merge with those
imported or written by hand: `inspection:{GSS}-{regime-short}-{when}`,
`judgment:{inspection slug}-{dimension}`, `meeting:{GSS}-{body}-{YYYY-MM-DD}`
... Every record is `prov:wasDerivedFrom` an `rg:Excerpt` quoting the words it
was read from, with the character span in the local copy (see reader.py for
what the offsets of HTML and .docx papers refer to) and the rule that matched
(`rdfs:comment "rule: ..."`). The council is declared with its register label,
so the output passes the integrity rules on its own.
"""

from __future__ import annotations

import hashlib

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from ..importers.common import local_file
from ..namespaces import (
    BODY,
    COUNCIL,
    DIMENSION,
    DOCUMENT,
    GOVYEAR,
    INSPECTION,
    INSPECTORATE,
    ITEM,
    JUDGMENT,
    MEETING,
    OBLIGATION,
    PLAN,
    POST,
    REGIME,
    RG,
    SOURCE,
    STATEMENT,
    VALUE,
    bind_prefixes,
)
from .model import Evidence, Inspection, PaperFacts
from .text import paragraph_label, slugify

_SHORT = {
    "ssi-annual-review": "ssi-annual-review",
    "star-ratings-2002-2005": "star-rating",
    "csci-adult-performance-2006-2008": "csci-adult",
    "cqc-adult-apa-2008-2010": "cqc-adult-apa",
    "ofsted-children-apa": "ofsted-apa",
    "joint-area-review": "jar",
    "cqc-la-assessment": "cqc-la",
}
_LETTER_REGIMES = ("ssi-annual-review",)


def date_literal(value: str) -> Literal:
    """An ISO date at its precision: xsd:date, xsd:gYearMonth or xsd:gYear."""
    if len(value) == 10:
        return Literal(value, datatype=XSD.date)
    if len(value) == 7:
        return Literal(value, datatype=XSD.gYearMonth)
    return Literal(value, datatype=XSD.gYear)


def body_slug(name: str) -> str:
    """ "Council Executive" and "The Executive" are `executive`; others slugified."""
    slug = slugify(name)
    for prefix in ("the-", "council-"):
        if slug.startswith(prefix) and slug != prefix.rstrip("-"):
            slug = slug[len(prefix) :]
    return slug


def body_kind(name: str) -> str:
    lower = name.lower()
    if "scrutiny" in lower:
        return "body-scrutiny"
    if "executive" in lower or "cabinet" in lower:
        return "body-executive"
    if lower.strip() in ("council", "full council", "county council"):
        return "body-full-council"
    return "body-committee"


def source_slug(facts: PaperFacts) -> str:
    return slugify(facts.document.path.stem) or "paper"


class _Writer:
    def __init__(self, facts: PaperFacts, graph: Graph) -> None:
        self.facts = facts
        self.graph = graph
        self.slug = source_slug(facts)
        self.source = SOURCE[self.slug]
        self.excerpts: dict[tuple[int, int], URIRef] = {}

    def cite(self, record: URIRef, evidence: Evidence | None) -> None:
        if evidence is None:
            return
        key = (evidence.start, evidence.end)
        excerpt = self.excerpts.get(key)
        document = self.facts.document
        if excerpt is None:
            first, last, quoted = document.quote(evidence.start, evidence.end)
            para = paragraph_label(document.text, evidence.start)
            excerpt = SOURCE[f"{self.slug}-{slugify(para) or 'p'}-{first}"]
            self.excerpts[key] = excerpt
            add = self.graph.add
            add((excerpt, RDF.type, RG.Excerpt))
            add((excerpt, DCTERMS.isPartOf, self.source))
            add((excerpt, RG.paragraph, Literal(para)))
            add((excerpt, PROV.value, Literal(quoted)))
            add((excerpt, RG.charStart, Literal(first, datatype=XSD.nonNegativeInteger)))
            add((excerpt, RG.charEnd, Literal(last, datatype=XSD.nonNegativeInteger)))
        self.graph.add((excerpt, RDFS.comment, Literal(f"rule: {evidence.rule}")))
        self.graph.add((record, PROV.wasDerivedFrom, excerpt))


def inspection_when(inspection: Inspection, main: Inspection | None, source: str) -> str:
    """The `{when}` of an inspection IRI: period, else a year the paper ties it to."""
    if inspection.period:
        return f"{inspection.period[:4]}-{inspection.period[7:9]}"
    if inspection.year:
        year = inspection.year
        if len(year) == 9:
            return f"{year[:4]}-{year[7:9]}"
        return year
    if inspection.fieldwork:
        return (
            inspection.fieldwork[0][:7]
            if len(inspection.fieldwork[0]) >= 7
            else (inspection.fieldwork[0])
        )
    if inspection.report_issued:
        return inspection.report_issued[0][:7]
    if inspection.letter_date:
        return inspection.letter_date[0][:7]
    if inspection.role == "earlier" and main is not None and main is not inspection:
        return f"before-{inspection_when(main, None, source)}"
    return f"in-{source}"


def short_name(inspection: Inspection) -> str:
    if inspection.regime == "childrens-social-care-inspection":
        return f"{inspection.inspectorate}-children" if inspection.inspectorate else "children"
    return _SHORT.get(inspection.regime, inspection.regime)


def write_records(facts: PaperFacts, graph: Graph | None = None) -> Graph:
    """The records for one paper, added to `graph` (a new one if None)."""
    graph = bind_prefixes(Graph()) if graph is None else graph
    writer = _Writer(facts, graph)
    add = graph.add
    document = facts.document
    source = writer.source
    committee = facts.body is not None or facts.meeting_date is not None
    add((source, RDF.type, RG.CommitteePaper if committee else RG.SourceDocument))
    add((source, RG.localFile, Literal(local_file(document.path))))
    add((source, RG.sha256, Literal(hashlib.sha256(document.path.read_bytes()).hexdigest())))
    if document.kind == "docx":
        add(
            (
                source,
                SKOS.note,
                Literal(
                    "Character offsets refer to the text of this Word file as read by python-docx "
                    "(paragraphs and table rows joined by blank lines), not to the file's bytes.",
                    lang="en",
                ),
            )
        )
    if facts.council is None:
        return graph
    council = facts.council
    gss = str(council)[len(str(COUNCIL)) :]
    add((council, RDF.type, RG.Council))
    if facts.council_label:
        add((council, RDFS.label, Literal(facts.council_label, lang="en")))
    add((source, RG.council, council))
    writer.cite(source, facts.council_evidence)

    item = None
    if facts.body:
        bslug = body_slug(facts.body)
        body = BODY[f"{gss}-{bslug}"]
        add((body, RDF.type, RG.CouncilBody))
        add((body, ORG.classification, VALUE[body_kind(facts.body)]))
        add((body, RDFS.label, Literal(facts.body, lang="en")))
        add((body, ORG.unitOf, council))
        writer.cite(body, facts.body_evidence)
        if facts.meeting_date and len(facts.meeting_date) == 10:
            meeting = MEETING[f"{gss}-{bslug}-{facts.meeting_date}"]
            add((meeting, RDF.type, RG.Meeting))
            add((meeting, RG.body, body))
            add((meeting, DCTERMS.date, date_literal(facts.meeting_date)))
            writer.cite(meeting, facts.meeting_evidence)
            writer.cite(meeting, facts.body_evidence)
            main = facts.main()
            tail = (facts.item_number or (short_name(main) if main else "item")).lower()
            item = ITEM[f"{gss}-{bslug}-{facts.meeting_date}-{slugify(tail)}"]
            add((item, RDF.type, RG.AgendaItem))
            add((item, RG.meeting, meeting))
            add((item, RG.paper, source))
            if facts.item_number:
                add((item, RG.itemNumber, Literal(facts.item_number)))
                writer.cite(item, facts.item_evidence)
            if facts.open_session is not None:
                add((item, RG.openSession, Literal(True)))
                writer.cite(item, facts.open_session)
            writer.cite(item, facts.meeting_evidence)
        else:
            facts.note(
                "no meeting",
                f"the paper names the {facts.body} but no day it met; no meeting record is written",
                facts.body_evidence,
            )
    if facts.author_role:
        post = POST[f"{gss}-{slugify(facts.author_role)}"]
        add((post, RDF.type, ORG.Post))
        add((post, RDFS.label, Literal(facts.author_role, lang="en")))
        add((post, ORG.postIn, council))
        writer.cite(post, facts.author_evidence)
        add((source, DCTERMS.creator, post))

    main = facts.main()
    iris: dict[int, URIRef] = {}
    for inspection in facts.inspections:
        when = inspection_when(inspection, main, writer.slug)
        slug = f"{gss}-{short_name(inspection)}-{when}"
        if when.startswith(("in-", "before-")):
            facts.note(
                "iri",
                f"the paper gives no year for the {inspection.regime} ({inspection.role}): "
                f"it is named inspection:{slug} and will not merge with records of it "
                "made elsewhere",
            )
        iri = INSPECTION[slug]
        iris[id(inspection)] = iri
        add((iri, RDF.type, RG.Inspection))
        add((iri, RG.council, council))
        add((iri, RG.regime, REGIME[inspection.regime]))
        if inspection.inspectorate:
            add((iri, RG.inspectorate, INSPECTORATE[inspection.inspectorate]))
        if inspection.period:
            add((iri, RG.periodAssessed, GOVYEAR[inspection.period]))
        if inspection.fieldwork:
            start, end, evidence = inspection.fieldwork
            add((iri, RG.fieldworkStart, date_literal(start)))
            add((iri, RG.fieldworkEnd, date_literal(end)))
            writer.cite(iri, evidence)
        if inspection.strength_count:
            n, over, evidence = inspection.strength_count
            add(
                (
                    iri,
                    RG.strengthCountOver if over else RG.strengthCount,
                    Literal(n, datatype=XSD.nonNegativeInteger),
                )
            )
            writer.cite(iri, evidence)
        if inspection.development_count:
            n, evidence = inspection.development_count
            add((iri, RG.developmentAreaCount, Literal(n, datatype=XSD.nonNegativeInteger)))
            writer.cite(iri, evidence)
        for evidence in inspection.evidence:
            writer.cite(iri, evidence)
        doc = _document(writer, inspection, iri, slug, council)
        if inspection is main and item is not None and doc is not None:
            add((item, RG.presents, doc))
        for judgment in inspection.judgments:
            jiri = JUDGMENT[f"{slug}-{judgment.dimension}"]
            add((jiri, RDF.type, RG.Judgment))
            add((jiri, RG.inspection, iri))
            add((jiri, RG.dimension, DIMENSION[judgment.dimension]))
            add((jiri, RG.value, VALUE[judgment.value]))
            if doc is not None:
                add((jiri, RG.statedIn, doc))
            writer.cite(jiri, judgment.evidence)
        if inspection.plan is not None:
            plan = PLAN[slug]
            add((plan, RDF.type, RG.ActionPlan))
            add((plan, RG.respondsTo, iri))
            add((plan, RG.council, council))
            if inspection.plan.agreed_with:
                add((plan, RG.agreedWith, INSPECTORATE[inspection.plan.agreed_with]))
            if inspection.plan.agreed_on:
                add((plan, RG.agreedOn, date_literal(inspection.plan.agreed_on[0])))
                writer.cite(plan, inspection.plan.agreed_on[1])
            if inspection.plan.consultation_ends:
                add((plan, RG.consultationEnds, date_literal(inspection.plan.consultation_ends[0])))
                writer.cite(plan, inspection.plan.consultation_ends[1])
            for evidence in inspection.plan.evidence[:3]:
                writer.cite(plan, evidence)
            if item is not None and inspection is main:
                add((item, RG.presents, plan))
    for inspection in facts.inspections:
        if inspection.role != "earlier":
            continue
        # The earlier inspection precedes the one of its regime the paper reports.
        for current in facts.inspections:
            if current.regime == inspection.regime and current.role != "earlier":
                add((iris[id(current)], RG.previousInspection, iris[id(inspection)]))
    for obligation in facts.obligations:
        statement = STATEMENT[f"{writer.slug}-{obligation.obligation.lower()}"]
        add((statement, RDF.type, RG.ObligationStatement))
        add((statement, RG.statesObligation, OBLIGATION[obligation.obligation]))
        wording = document.text[obligation.wording.start : obligation.wording.end]
        add((statement, RG.statedWording, Literal(wording, lang="en")))
        if obligation.unit:
            add((statement, RG.deadlineUnit, VALUE[obligation.unit]))
        if obligation.basis:
            add((statement, RG.deadlineBasis, VALUE[obligation.basis]))
        if obligation.amount is not None:
            add(
                (
                    statement,
                    RG.deadlineAmount,
                    Literal(obligation.amount, datatype=XSD.nonNegativeInteger),
                )
            )
        add((statement, RG.council, council))
        writer.cite(statement, obligation.wording)
    return graph


def _document(
    writer: _Writer, inspection: Inspection, iri: URIRef, slug: str, council: URIRef
) -> URIRef | None:
    """The letter or report the inspection produced, when the paper presents or dates one."""
    add = writer.graph.add
    is_main = inspection.role == "main"
    if not (is_main or inspection.report_issued or inspection.letter_date):
        return None
    letter = inspection.letter_date is not None or inspection.regime in _LETTER_REGIMES
    doc = DOCUMENT[f"{slug}-{'letter' if letter else 'report'}"]
    add((doc, RDF.type, RG.InspectionLetter if letter else RG.InspectionReport))
    add((doc, PROV.wasGeneratedBy, iri))
    add((doc, RG.council, council))
    if inspection.inspectorate:
        add((doc, DCTERMS.creator, INSPECTORATE[inspection.inspectorate]))
    for field, prop in (
        (inspection.letter_date, DCTERMS.issued),
        (inspection.report_issued, DCTERMS.issued),
        (inspection.letter_received, RG.dateReceived),
    ):
        if field is not None:
            add((doc, prop, date_literal(field[0])))
            writer.cite(doc, field[1])
    for evidence in inspection.evidence[:1]:
        writer.cite(doc, evidence)
    return doc
