"""Councils from MHCLG's local-authority register, corrected where it is known to be wrong.

Why an importer and not hand-written Turtle: the register (digital-land's
`local-authority.csv`, see `data/sources/local-authority.SOURCE.md`) is the
authority for GSS codes, names and dates, and re-importing a newer copy must be
a one-file change. Only the upper-tier rows are imported - county councils
(CTY), unitary authorities (UA), metropolitan districts (MD), London boroughs
(LBO) and the City of London (CC) - because those are the councils with social
services duties. Shire districts (NMD), combined authorities (COMB) and the GLA
(SRA) are out of scope and skipped without a problem line. Abolished councils
are kept: historic inspections name them.

Two curated lists complete the register, each row with a reason and a source:

- `register-corrections.csv`: a value the register gets wrong (Cumbria County
  Council has no end-date upstream but was abolished on 1 April 2023). A
  correction names the register value it replaces, so a fixed upstream file
  makes it fail loudly instead of applying twice.
- `historic-councils.csv`: councils abolished before GSS codes existed
  (Bedfordshire and Cheshire County Councils, 2009), minted as
  `council:historic-{slug}` with an end date and no GSS code.

The register's start-date for the five county councils that continued as
unitary authorities in 2009 (Cornwall, Durham, Northumberland, Shropshire,
Wiltshire) is the date they became unitary, not the date the body began; it is
imported as given, and the alias list resolves their pre-2009 names.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from ..namespaces import AREA, COUNCIL, LOCALGOV, RG, VALUE, WD
from .common import (
    CORRECTIONS_FILE,
    HISTORIC_FILE,
    REGISTER_FILE,
    CsvRow,
    CsvTable,
    ImportResult,
    add_row_excerpt,
    add_table,
    field_error,
    new_graph,
    parse_when,
    problem,
    read_table,
    sources_dir,
    urls_in,
    when_of_literal,
)

SOCIAL_SERVICES_TYPES = ("CTY", "UA", "MD", "LBO", "CC")

REGISTER_COLUMNS = (
    "end-date",
    "local-authority-type",
    "name",
    "opendatacommunities-uri",
    "reference",
    "region",
    "start-date",
    "statistical-geography",
    "website",
    "wikidata",
)
CORRECTION_COLUMNS = (
    "reference",
    "statistical-geography",
    "field",
    "old_value",
    "new_value",
    "reason",
    "source",
)
CORRECTABLE_FIELDS = ("start-date", "end-date")
HISTORIC_COLUMNS = ("name", "slug", "type", "end_date", "successors", "reason", "source")

# From local-authority.SOURCE.md: the repository, and the file at the commit copied.
REGISTER_REPOSITORY = "https://github.com/digital-land/organisation-collection"
REGISTER_PAGE = (
    "https://github.com/digital-land/organisation-collection/blob/"
    "0035b9a3cbef84cf68c28d146505b9e155914764/data/local-authority.csv"
)


def import_register(
    path: Path | str | None = None,
    corrections: Path | str | None = None,
    historic: Path | str | None = None,
) -> ImportResult:
    """Import the upper-tier councils of the register, its corrections and the historic councils.

    Each argument defaults to the file of that name in `data/sources/`.
    """
    sources = sources_dir()
    register_table = read_table(Path(path) if path else sources / REGISTER_FILE, REGISTER_COLUMNS)
    corrections_table = read_table(
        Path(corrections) if corrections else sources / CORRECTIONS_FILE, CORRECTION_COLUMNS
    )
    historic_table = read_table(
        Path(historic) if historic else sources / HISTORIC_FILE, HISTORIC_COLUMNS
    )
    graph = new_graph()
    problems: list[str] = []

    add_table(
        graph,
        register_table,
        "Local-authority register (MHCLG digital-land organisation register)",
        sources=[REGISTER_REPOSITORY],
        page=REGISTER_PAGE,
    )
    fixes = _read_corrections(corrections_table, register_table)
    add_table(
        graph,
        corrections_table,
        "Curated corrections to the local-authority register",
        sources=_cited_urls(corrections_table),
    )
    for row in register_table.rows:
        if row["local-authority-type"] not in SOCIAL_SERVICES_TYPES:
            continue
        _add_council(graph, register_table, row, fixes, corrections_table, problems)

    add_table(
        graph,
        historic_table,
        "Curated list of councils abolished before GSS codes existed",
        sources=_cited_urls(historic_table),
    )
    for row in historic_table.rows:
        _add_historic_council(graph, historic_table, row)
    return ImportResult(graph, problems)


def _cited_urls(table: CsvTable) -> list[str]:
    found: list[str] = []
    for row in table.rows:
        for url in urls_in(row["source"]):
            if url not in found:
                found.append(url)
    return found


def _date_literal(table: CsvTable, row: CsvRow, column: str, value: str) -> Literal:
    when = parse_when(value)
    if when is None or when.first != when.last:
        raise field_error(table, row, column, f"{value!r} is not a date (YYYY-MM-DD)")
    return Literal(value, datatype=XSD.date)


def _read_corrections(
    table: CsvTable, register: CsvTable
) -> dict[str, list[tuple[CsvRow, str, str]]]:
    """Corrections by register reference: (correction row, field, new value)."""
    by_reference = {row["reference"]: row for row in register.rows}
    fixes: dict[str, list[tuple[CsvRow, str, str]]] = {}
    for row in table.rows:
        for column in ("reference", "statistical-geography", "field", "reason", "source"):
            if not row[column].strip():
                raise field_error(table, row, column, "must not be empty")
        reference, column = row["reference"].strip(), row["field"].strip()
        if column not in CORRECTABLE_FIELDS:
            raise field_error(table, row, "field", f"{column!r} cannot be corrected here")
        target = by_reference.get(reference)
        if target is None:
            raise field_error(table, row, "reference", f"{reference!r} is not in {register.name}")
        if target["statistical-geography"] != row["statistical-geography"].strip():
            raise field_error(
                table,
                row,
                "statistical-geography",
                f"{reference} has GSS code {target['statistical-geography']!r} in {register.name}",
            )
        if target[column] != row["old_value"]:
            raise field_error(
                table,
                row,
                "old_value",
                f"{register.name} now has {column} {target[column]!r} for {reference}, "
                f"not {row['old_value']!r}: review this correction",
            )
        new_value = row["new_value"].strip()
        if new_value:
            _date_literal(table, row, "new_value", new_value)
        fixes.setdefault(reference, []).append((row, column, new_value))
    return fixes


def _add_council(
    graph: Graph,
    table: CsvTable,
    row: CsvRow,
    fixes: dict[str, list[tuple[CsvRow, str, str]]],
    corrections: CsvTable,
    problems: list[str],
) -> None:
    gss = row["statistical-geography"].strip()
    if not gss.startswith("E") or not gss[1:].isdigit() or len(gss) != 9:
        problems.append(problem(table, row, "statistical-geography", "is not a GSS code: skipped"))
        return
    council = COUNCIL[gss]
    area = AREA[gss]
    graph.add((council, RDF.type, RG.Council))
    graph.add((council, RDFS.label, Literal(row["name"].strip(), lang="en")))
    graph.add((council, RG.gssCode, Literal(gss)))
    graph.add((council, RG.councilType, VALUE[f"council-type-{row['local-authority-type']}"]))
    graph.add((council, LOCALGOV.governsGSS, area))
    graph.add((area, RDF.type, RG.AdministrativeArea))
    graph.add((area, RG.gssCode, Literal(gss)))
    region = row["region"].strip()
    if region:
        graph.add((council, RG.region, AREA[region]))
    graph.add((council, RG.registerReference, Literal(row["reference"].strip())))
    if row["opendatacommunities-uri"].strip():
        graph.add((council, SKOS.exactMatch, URIRef(row["opendatacommunities-uri"].strip())))
    if row["wikidata"].strip():
        graph.add((council, SKOS.exactMatch, WD[row["wikidata"].strip()]))
    if row["website"].strip():
        graph.add((council, FOAF.homepage, URIRef(row["website"].strip())))
    dates = {"start-date": row["start-date"].strip(), "end-date": row["end-date"].strip()}
    graph.add((council, PROV.wasDerivedFrom, add_row_excerpt(graph, table, row)))
    for fix_row, column, new_value in fixes.get(row["reference"], []):
        dates[column] = new_value
        graph.add((council, PROV.wasDerivedFrom, add_row_excerpt(graph, corrections, fix_row)))
        graph.add(
            (
                council,
                SKOS.changeNote,
                Literal(
                    f"{column} {new_value or '(none)'} from {corrections.name} row "
                    f"{fix_row.number}, not {row[column] or '(none)'} as in {table.name}: "
                    f"{fix_row['reason'].strip()}",
                    lang="en",
                ),
            )
        )
    for column, predicate in (("start-date", RG.startDate), ("end-date", RG.endDate)):
        if dates[column]:
            graph.add((council, predicate, _date_literal(table, row, column, dates[column])))


def _add_historic_council(graph: Graph, table: CsvTable, row: CsvRow) -> None:
    for column in ("name", "slug", "type", "end_date", "reason", "source"):
        if not row[column].strip():
            raise field_error(table, row, column, "must not be empty")
    slug = row["slug"].strip()
    if slug.startswith("historic-") or slug != slug.lower() or " " in slug:
        raise field_error(table, row, "slug", f"{slug!r}: give the slug without 'historic-'")
    kind = row["type"].strip()
    if kind not in SOCIAL_SERVICES_TYPES:
        raise field_error(table, row, "type", f"{kind!r} is not one of {SOCIAL_SERVICES_TYPES}")
    council = COUNCIL[f"historic-{slug}"]
    graph.add((council, RDF.type, RG.Council))
    graph.add((council, RDFS.label, Literal(row["name"].strip(), lang="en")))
    graph.add((council, RG.councilType, VALUE[f"council-type-{kind}"]))
    graph.add((council, RG.endDate, _date_literal(table, row, "end_date", row["end_date"].strip())))
    graph.add((council, SKOS.note, Literal(row["reason"].strip(), lang="en")))
    for url in urls_in(row["source"]):
        graph.add((council, DCTERMS.source, URIRef(url)))
    for successor in row["successors"].split():
        graph.add((council, DCTERMS.isReplacedBy, COUNCIL[successor]))
    graph.add((council, PROV.wasDerivedFrom, add_row_excerpt(graph, table, row)))


def councils_with_social_services_duties(graph: Graph, on: date) -> list[URIRef]:
    """The councils with social services duties that existed on `on`, sorted.

    A council counts when its rg:councilType is one of the upper-tier types and
    `on` lies between its rg:startDate and rg:endDate (either may be absent).
    Reliable for dates from 1 April 2009: before then it misses the five county
    councils that continued as unitaries (their register start-date is 2009).
    """
    types = {VALUE[f"council-type-{kind}"] for kind in SOCIAL_SERVICES_TYPES}
    found: list[URIRef] = []
    for council in set(graph.subjects(RDF.type, RG.Council)):
        if not isinstance(council, URIRef) or graph.value(council, RG.councilType) not in types:
            continue
        start = when_of_literal(graph.value(council, RG.startDate))
        end = when_of_literal(graph.value(council, RG.endDate))
        if start is not None and on < start.first:
            continue
        if end is not None and on > end.last:
            continue
        found.append(council)
    return sorted(found)
