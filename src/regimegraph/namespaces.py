"""Every namespace the project uses, in one place.

Turtle files, SPARQL queries and Python code all use the same prefixes; a test
checks that every Turtle and SPARQL file in the repository declares each prefix
it uses with exactly the IRI given here, so a prefix can never mean two things.
"""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

BASE = "https://w3id.org/regimegraph/"

RG = Namespace(BASE + "def#")
RGSH = Namespace(BASE + "shapes#")

# Instances: one namespace per kind of thing, so IRIs read as what they name.
COUNCIL = Namespace(BASE + "id/council/")
BODY = Namespace(BASE + "id/body/")
INSPECTORATE = Namespace(BASE + "id/inspectorate/")
ORGANISATION = Namespace(BASE + "id/organisation/")
EVENT = Namespace(BASE + "id/event/")
REGIME = Namespace(BASE + "id/regime/")
DIMENSION = Namespace(BASE + "id/dimension/")
SCALE = Namespace(BASE + "id/scale/")
VALUE = Namespace(BASE + "id/value/")
OBLIGATION = Namespace(BASE + "id/obligation/")
INSPECTION = Namespace(BASE + "id/inspection/")
DOCUMENT = Namespace(BASE + "id/document/")
JUDGMENT = Namespace(BASE + "id/judgment/")
PLAN = Namespace(BASE + "id/action-plan/")
MEETING = Namespace(BASE + "id/meeting/")
ITEM = Namespace(BASE + "id/agenda-item/")
POST = Namespace(BASE + "id/post/")
PERSON = Namespace(BASE + "id/person/")
SOURCE = Namespace(BASE + "id/source/")
STATEMENT = Namespace(BASE + "id/statement/")
DUTY = Namespace(BASE + "id/duty/")
ENQUIRY = Namespace(BASE + "id/enquiry/")
GRAPH = Namespace(BASE + "graph/")

# Outside identifiers we link to rather than mint.
AREA = Namespace("http://statistics.data.gov.uk/id/statistical-geography/")
LOCALGOV = Namespace("http://opendatacommunities.org/def/local-government/")
LEG = Namespace("http://www.legislation.gov.uk/id/")
GOVYEAR = Namespace("http://reference.data.gov.uk/id/government-year/")
INTERVALS = Namespace("http://reference.data.gov.uk/def/intervals/")
WD = Namespace("http://www.wikidata.org/entity/")
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES: dict[str, Namespace] = {
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "dcat": Namespace(str(DCAT)),
    "prov": Namespace(str(PROV)),
    "org": Namespace(str(ORG)),
    "time": Namespace(str(TIME)),
    "foaf": Namespace(str(FOAF)),
    "sh": SH,
    "rg": RG,
    "rgsh": RGSH,
    "council": COUNCIL,
    "body": BODY,
    "inspectorate": INSPECTORATE,
    "organisation": ORGANISATION,
    "event": EVENT,
    "regime": REGIME,
    "dimension": DIMENSION,
    "scale": SCALE,
    "value": VALUE,
    "obligation": OBLIGATION,
    "inspection": INSPECTION,
    "document": DOCUMENT,
    "judgment": JUDGMENT,
    "plan": PLAN,
    "meeting": MEETING,
    "item": ITEM,
    "post": POST,
    "person": PERSON,
    "source": SOURCE,
    "statement": STATEMENT,
    "duty": DUTY,
    "enquiry": ENQUIRY,
    "graph": GRAPH,
    "area": AREA,
    "localgov": LOCALGOV,
    "leg": LEG,
    "govyear": GOVYEAR,
    "intervals": INTERVALS,
    "wd": WD,
}

# Vocabularies whose terms we use without declaring them ourselves: the W3C
# recommendations the ontology builds on.
KNOWN_VOCABULARIES: tuple[str, ...] = (
    str(RDF),
    str(RDFS),
    str(OWL),
    str(XSD),
    str(SKOS),
    str(DCTERMS),
    str(DCAT),
    str(PROV),
    str(ORG),
    str(TIME),
    str(FOAF),
    str(SH),
)


def prefix_iris() -> dict[str, str]:
    """The project's prefixes with their IRIs as strings, as pyoxigraph's `prefixes=` takes them.

    A fresh dict each call, so a caller may change its copy.
    """
    return {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes so every serialisation reads the same."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def sparql_prologue() -> str:
    """The PREFIX lines a query page or CLI user gets for free."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
