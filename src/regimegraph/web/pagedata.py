"""What the pages know: labels, derived duties and the queries behind each page.

`PageData` is built once when the app starts, on a thread of its own (labels
and duties for the whole store: under a second for the knowledge base, 1.6 s
at 1M generated triples), and kept on `app.extensions`; page queries run
directly on the service's store.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import pyoxigraph as ox

from ..duties import Duty, derive_duties
from ..namespaces import BASE, prefix_iris
from ..query import compact

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = dict[str, Term]

_PREFIXES = prefix_iris()
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
PREF_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")

# How a duty status reads on a page: the headline word, and whether it is a verdict.
STATUS_WORDS = {
    "duty-met": "met",
    "duty-late": "late",
    "duty-overdue": "overdue",
    "duty-open": "open",
    "duty-no-due-date": "cannot tell",
    "duty-no-fixed-period": "cannot tell",
    "duty-unverifiable": "cannot tell",
}


def select(store: ox.Store, query: str, **bindings: ox.NamedNode) -> list[Row]:
    """Run a SELECT with the project prefixes; each `?name` in `bindings` becomes that IRI.

    The IRI is written into the query text (SEP-0007 substitution would need it
    projected out of every aggregate); IRIs that could break out of <...> are refused.
    """
    for name, iri in bindings.items():
        if _UNSAFE_IRI.search(iri.value):
            raise ValueError(f"not a safe IRI: {iri.value!r}")
        query = re.sub(rf"\?{name}\b", f"<{iri.value}>", query)
    result = store.query(query, prefixes=_PREFIXES)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row: Row = {}
        for name in names:
            term = solution[name]
            if term is not None and not isinstance(term, ox.Triple):
                row[name] = term
        rows.append(row)
    return rows


_UNSAFE_IRI = re.compile(r'[\s<>"{}|^`\\]')


def text(row: Row, name: str, default: str = "") -> str:
    term = row.get(name)
    return term.value if term is not None else default


def local_path(iri: str) -> str | None:
    """The path this app serves an IRI of ours at, or None if it is not ours."""
    if iri.startswith(BASE + "id/"):
        return "/" + iri[len(BASE):]
    if iri == BASE + "def" or iri.startswith((BASE + "def#", BASE + "def/")):
        return "/" + iri[len(BASE):]
    return None


def is_web_iri(iri: str) -> bool:
    return iri.startswith(("http://", "https://"))


@dataclass
class PageData:
    store: ox.Store
    today: date
    labels: dict[str, str] = field(default_factory=dict)
    duties: list[Duty] = field(default_factory=list)
    duties_by_council: dict[str, list[Duty]] = field(default_factory=dict)

    @classmethod
    def build(cls, store: ox.Store, today: date | None = None) -> PageData:
        data = cls(store=store, today=today or date.today())
        preferred: dict[str, tuple[int, str]] = {}
        for predicate, rank in ((PREF_LABEL, 0), (LABEL, 1)):
            for quad in store.quads_for_pattern(None, predicate, None, ox.DefaultGraph()):
                obj = quad.object
                if not isinstance(quad.subject, ox.NamedNode) or not isinstance(obj, ox.Literal):
                    continue
                english = obj.language in (None, "en")
                key = (rank * 2 + (0 if english else 1), obj.value)
                old = preferred.get(quad.subject.value)
                if old is None or key < old:
                    preferred[quad.subject.value] = key
        data.labels = {iri: value for iri, (_, value) in preferred.items()}
        data.duties = derive_duties(store, data.today)
        by_council: dict[str, list[Duty]] = defaultdict(list)
        for duty in data.duties:
            if duty.council:
                by_council[duty.council].append(duty)
        data.duties_by_council = dict(by_council)
        return data

    def label(self, term: Term | str | None) -> str:
        """A person's name for a term: its label, else its compact form."""
        if term is None:
            return ""
        if isinstance(term, str):
            term = ox.NamedNode(term)
        if isinstance(term, ox.NamedNode):
            return self.labels.get(term.value) or compact(term)
        return compact(term)

    def status_word(self, duty: Duty) -> str:
        return STATUS_WORDS.get(duty.status, duty.status)

    # Home page ----------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        kinds = {
            "councils": "rg:Council",
            "inspections": "rg:Inspection",
            "judgments": "rg:Judgment",
            "documents": "rg:InspectionDocument",
            "meetings": "rg:Meeting",
            "regimes": "rg:InspectionRegime",
            "inspectorates": "rg:Inspectorate",
            "obligations": "rg:Obligation",
        }
        counts = {}
        for name, cls in kinds.items():
            rows = select(self.store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a {cls} }}")
            counts[name] = int(text(rows[0], "n", "0"))
        counts["triples"] = self.triple_count()
        return counts

    def triple_count(self) -> int:
        rows = select(self.store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(text(rows[0], "n", "0"))

    def by_regime(self) -> list[Row]:
        return select(self.store, """
            SELECT ?regime (COUNT(DISTINCT ?inspection) AS ?inspections)
                   (COUNT(DISTINCT ?judgment) AS ?judgments)
            WHERE {
              ?regime a rg:InspectionRegime .
              OPTIONAL { ?inspection rg:regime ?regime .
                         OPTIONAL { ?judgment rg:inspection ?inspection } }
            } GROUP BY ?regime ORDER BY DESC(?inspections) ?regime""")

    def by_inspectorate(self) -> list[Row]:
        return select(self.store, """
            SELECT ?inspectorate (SAMPLE(?n) AS ?notation)
                   (COUNT(DISTINCT ?inspection) AS ?inspections)
                   (COUNT(DISTINCT ?judgment) AS ?judgments)
            WHERE {
              ?inspectorate a rg:Inspectorate .
              OPTIONAL { ?inspectorate skos:notation ?n }
              OPTIONAL { ?inspection rg:inspectorate ?inspectorate .
                         OPTIONAL { ?judgment rg:inspection ?inspection } }
            } GROUP BY ?inspectorate ORDER BY DESC(?inspections) ?inspectorate""")

    # Lists --------------------------------------------------------------------

    def councils(self) -> list[Row]:
        return select(self.store, """
            SELECT ?council (SAMPLE(?l) AS ?name) (SAMPLE(?g) AS ?gss) (SAMPLE(?t) AS ?type)
                   (COUNT(DISTINCT ?inspection) AS ?inspections)
            WHERE {
              ?council a rg:Council .
              OPTIONAL { ?council rdfs:label ?l }
              OPTIONAL { ?council rg:gssCode ?g }
              OPTIONAL { ?council rg:councilType ?t }
              OPTIONAL { ?inspection rg:council ?council }
            } GROUP BY ?council ORDER BY ?name""")

    def instances(self, cls: str) -> list[Row]:
        return select(self.store, f"""
            SELECT ?s (SAMPLE(?d) AS ?definition) (SAMPLE(?n) AS ?notation)
                   (SAMPLE(?start) AS ?startDate) (SAMPLE(?end) AS ?endDate)
            WHERE {{
              ?s a {cls} .
              OPTIONAL {{ ?s skos:definition|rg:requiredAction ?d }}
              OPTIONAL {{ ?s skos:notation ?n }}
              OPTIONAL {{ ?s rg:startDate ?start }}
              OPTIONAL {{ ?s rg:endDate ?end }}
            }} GROUP BY ?s ORDER BY ?notation ?s""")

    # Council page -------------------------------------------------------------

    def judgments(self, council: ox.NamedNode) -> list[Row]:
        """Every judgment of a council, with the date its inspection was made."""
        return select(self.store, """
            SELECT ?when ?regime ?inspectorate ?inspection ?judgment ?dimension ?value ?headline
            WHERE {
              {
                SELECT ?inspection (MIN(?date) AS ?when)
                WHERE {
                  ?inspection a rg:Inspection ; rg:council ?council .
                  OPTIONAL { ?document prov:wasGeneratedBy ?inspection ;
                                       dcterms:issued|dcterms:date ?documentDate }
                  OPTIONAL { ?inspection rg:fieldworkStart ?fieldwork }
                  OPTIONAL { ?inspection rg:periodAssessed/time:hasEnd/time:inXSDDate ?periodEnd }
                  BIND(STR(COALESCE(?documentDate, ?fieldwork, ?periodEnd)) AS ?date)
                }
                GROUP BY ?inspection
              }
              ?inspection rg:regime ?regime .
              OPTIONAL { ?inspection rg:inspectorate ?inspectorate }
              ?judgment rg:inspection ?inspection ; rg:dimension ?dimension ; rg:value ?value .
              BIND(EXISTS { ?regime rg:headlineDimension ?dimension } AS ?headline)
            }
            ORDER BY ?when ?regime ?dimension""", council=council)

    def inspections(self, council: ox.NamedNode) -> list[Row]:
        return select(self.store, """
            SELECT ?inspection (SAMPLE(?r) AS ?regime) (SAMPLE(?i) AS ?inspectorate)
                   (SAMPLE(?p) AS ?period) (SAMPLE(?fs) AS ?fieldwork)
                   (COUNT(DISTINCT ?judgment) AS ?judgments)
            WHERE {
              ?inspection a rg:Inspection ; rg:council ?council .
              OPTIONAL { ?inspection rg:regime ?r }
              OPTIONAL { ?inspection rg:inspectorate ?i }
              OPTIONAL { ?inspection rg:periodAssessed ?p }
              OPTIONAL { ?inspection rg:fieldworkStart ?fs }
              OPTIONAL { ?judgment rg:inspection ?inspection }
            } GROUP BY ?inspection ORDER BY ?inspection""", council=council)

    def documents(self, council: ox.NamedNode) -> list[Row]:
        return select(self.store, """
            SELECT ?document (SAMPLE(?d) AS ?date) (SAMPLE(?iss) AS ?issued)
                   (SAMPLE(?rec) AS ?received) (SAMPLE(?pg) AS ?page) (SAMPLE(?insp) AS ?inspection)
            WHERE {
              { ?document a rg:InspectionDocument ; rg:council ?council }
              UNION
              { ?document a rg:InspectionDocument ; prov:wasGeneratedBy ?i .
                ?i rg:council ?council }
              OPTIONAL { ?document dcterms:date ?d }
              OPTIONAL { ?document dcterms:issued ?iss }
              OPTIONAL { ?document rg:dateReceived ?rec }
              OPTIONAL { ?document foaf:page ?pg }
              OPTIONAL { ?document prov:wasGeneratedBy ?insp }
            } GROUP BY ?document ORDER BY ?date ?document""", council=council)

    def meetings(self, council: ox.NamedNode) -> list[Row]:
        return select(self.store, """
            SELECT ?meeting ?date ?body ?item ?presents ?open
            WHERE {
              ?council org:hasSubOrganization|org:hasUnit ?body .
              ?meeting a rg:Meeting ; rg:body ?body .
              OPTIONAL { ?meeting dcterms:date ?date }
              OPTIONAL { ?item rg:meeting ?meeting .
                         OPTIONAL { ?item rg:presents ?presents }
                         OPTIONAL { ?item rg:openSession ?open } }
            } ORDER BY ?date ?meeting ?item""", council=council)

    # Regimes, inspectorates, obligations --------------------------------------

    def dimensions(self, regime: ox.NamedNode) -> list[Row]:
        return select(self.store, """
            SELECT ?dimension ?headline ?scale
                   (GROUP_CONCAT(DISTINCT ?valueLabel; separator=", ") AS ?values)
            WHERE {
              { ?regime rg:judgesDimension ?dimension BIND(false AS ?headline) }
              UNION { ?regime rg:headlineDimension ?dimension BIND(true AS ?headline) }
              OPTIONAL { ?dimension rg:usesScale ?scale .
                         OPTIONAL { ?scale skos:hasTopConcept/skos:prefLabel ?valueLabel } }
            } GROUP BY ?dimension ?headline ?scale ORDER BY DESC(?headline) ?dimension""",
            regime=regime)

    def change_events(self, inspectorate: ox.NamedNode) -> list[Row]:
        return select(self.store, """
            SELECT ?event ?date ?description
                   (GROUP_CONCAT(DISTINCT STR(?from); separator=" ") AS ?originals)
                   (GROUP_CONCAT(DISTINCT STR(?to); separator=" ") AS ?results)
            WHERE {
              ?event a org:ChangeEvent .
              { ?event org:originalOrganization ?inspectorate }
              UNION { ?event org:resultingOrganization ?inspectorate }
              OPTIONAL { ?event dcterms:date ?date }
              OPTIONAL { ?event dcterms:description ?description }
              OPTIONAL { ?event org:originalOrganization ?from }
              OPTIONAL { ?event org:resultingOrganization ?to }
            } GROUP BY ?event ?date ?description ORDER BY ?date""", inspectorate=inspectorate)

    def regimes_of(self, inspectorate: ox.NamedNode) -> list[Row]:
        return select(self.store, """
            SELECT DISTINCT ?regime WHERE { ?regime rg:conductedBy ?inspectorate }
            ORDER BY ?regime""", inspectorate=inspectorate)

    def duties_for(self, obligation: str) -> list[Duty]:
        return [d for d in self.duties if d.obligation.iri == obligation]


def split_iris(value: str) -> list[ox.NamedNode]:
    return [ox.NamedNode(part) for part in value.split() if part]


_YEAR = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def year_fraction(value: str) -> float | None:
    """A date at any precision as a fractional year, taken at the middle of what it names."""
    match = _YEAR.match(value)
    if not match:
        return None
    year, month, day = match.groups()
    if month is None:
        return int(year) + 0.5
    if day is None:
        return int(year) + (int(month) - 0.5) / 12
    return int(year) + (int(month) - 1) / 12 + (int(day) - 0.5) / 365
