"""What every importer shares: reading a CSV exactly, citing its rows, naming councils.

The tables in `data/sources/` are evidence, so an importer must be able to say
which bytes each record came from. `read_table` therefore keeps every row's raw
text and its character offsets in the file as read (CRLF line endings kept), and
`add_row_excerpt` turns a row into the `rg:Excerpt` that records cite
(docs/records.md, "Provenance").

Councils are named, not coded, in most tables, and the same name can mean two
bodies at two dates ("Somerset" is Somerset County Council, E10000027, in 2003
and Somerset Council, E06000066, in 2024). `CouncilResolver` resolves a name to a
council IRI only when exactly one council fits on the date the row is about; a
name that fits none, or more than one, is reported by the importer as a problem,
never guessed. Names normalisation cannot reach are listed, with a reason and a
source for each, in `data/sources/council-aliases.csv`.
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, XSD

from ..errors import InputError
from ..namespaces import COUNCIL, RG, SOURCE, bind_prefixes
from ..resources import kb_root

# Names of the tables and curated lists, as kept in data/sources/.
REGISTER_FILE = "local-authority.csv"
CORRECTIONS_FILE = "register-corrections.csv"
HISTORIC_FILE = "historic-councils.csv"
ALIASES_FILE = "council-aliases.csv"
CQC_FILE = "cqc_la_assessments_72_councils_oct2025.csv"
STAR_RATINGS_FILE = "historic_social_services_star_ratings_PARTIAL.csv"


def sources_dir() -> Path:
    """`data/sources/` of the knowledge base (a checkout or the installed package)."""
    return kb_root() / "data" / "sources"


@dataclass
class ImportResult:
    """An importer's output: the records, and one line per row it could not import."""

    graph: Graph
    problems: list[str] = field(default_factory=list)


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound."""
    return bind_prefixes(Graph())


#################################################################
# Reading CSV exactly
#################################################################


@dataclass(frozen=True)
class CsvRow:
    """One data row: its number (from 1), where it is in the file, its raw text and values."""

    number: int
    line: int
    text: str
    char_start: int
    values: dict[str, str]

    @property
    def char_end(self) -> int:
        return self.char_start + len(self.text)

    def __getitem__(self, column: str) -> str:
        return self.values[column]


@dataclass(frozen=True)
class CsvTable:
    """A CSV file as read: its path, exact text, header and data rows."""

    path: Path
    text: str
    header: tuple[str, ...]
    rows: tuple[CsvRow, ...]

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def slug(self) -> str:
        return table_slug(self.path)


class _LineTap:
    """Feeds lines to csv.reader and remembers them, so a record's raw text is known."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self.taken: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.taken.append(line)
        return line


def _strip_line_end(text: str) -> str:
    if text.endswith("\r\n"):
        return text[:-2]
    if text.endswith(("\n", "\r")):
        return text[:-1]
    return text


def read_table(path: Path | str, required: Sequence[str]) -> CsvTable:
    """Read a UTF-8 CSV file, checking its header and the width of every row.

    Raises InputError naming the file and line for an unreadable file, a
    missing column or a row with the wrong number of fields. Blank lines are
    skipped, as csv.DictReader does; they do not count as rows.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
    except FileNotFoundError as error:
        raise InputError(path, "file not found") from error
    except UnicodeDecodeError as error:
        raise InputError(path, f"not UTF-8 text ({error.reason} at byte {error.start})") from error
    tap = _LineTap(text)
    reader = csv.reader(tap, strict=True)
    offset = 0
    line = 1
    header: tuple[str, ...] | None = None
    rows: list[CsvRow] = []
    try:
        for record in reader:
            raw = "".join(tap.taken)
            tap.taken.clear()
            start_line, start_offset = line, offset
            line += raw.count("\n") if "\n" in raw else raw.count("\r")
            offset += len(raw)
            if not record:
                continue
            if header is None:
                header = tuple(column.strip() for column in record)
                _check_header(path, header, required)
                continue
            if len(record) != len(header):
                raise InputError(
                    path,
                    f"row {len(rows) + 1} has {len(record)} fields, the header has {len(header)}",
                    line=start_line,
                )
            rows.append(
                CsvRow(
                    number=len(rows) + 1,
                    line=start_line,
                    text=_strip_line_end(raw),
                    char_start=start_offset,
                    values=dict(zip(header, record, strict=True)),
                )
            )
    except csv.Error as error:
        raise InputError(path, f"malformed CSV: {error}", line=line) from error
    if header is None:
        raise InputError(path, "the file is empty: no header row", line=1)
    return CsvTable(path=path, text=text, header=header, rows=tuple(rows))


def _check_header(path: Path, header: tuple[str, ...], required: Sequence[str]) -> None:
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise InputError(path, f"column {column!r} appears twice in the header", line=1)
        seen.add(column)
    missing = [column for column in required if column not in seen]
    if missing:
        names = ", ".join(repr(column) for column in missing)
        raise InputError(path, f"missing column {names} in the header", line=1)


def field_error(table: CsvTable, row: CsvRow, column: str, reason: str) -> InputError:
    """An InputError for one field of one row: file, physical line, row and column."""
    return InputError(table.path, f"row {row.number}, column {column!r}: {reason}", line=row.line)


def problem(table: CsvTable, row: CsvRow, column: str, message: str) -> str:
    """One problem line: `file:row n (line l): column 'value' message`."""
    return f"{table.name}:row {row.number} (line {row.line}): {column} {row[column]!r} {message}"


#################################################################
# Citing tables and rows
#################################################################


def table_slug(path: Path) -> str:
    """`cqc_la_assessments_72_councils_oct2025.csv` -> `cqc-la-assessments-72-councils-oct2025`."""
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not slug:
        raise InputError(path, "cannot make a slug from this file name")
    return slug


def local_file(path: Path) -> str:
    """The path recorded as rg:localFile: relative to the knowledge-base root when inside it."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(kb_root()).as_posix()
    except (ValueError, FileNotFoundError):
        return path.as_posix()


URL = re.compile(r"https?://[^\s;,\"'<>]+")


def urls_in(text: str) -> list[str]:
    """The http(s) URLs in a free-text source cell, in order, without duplicates."""
    found: list[str] = []
    for match in URL.findall(text):
        url = match.rstrip(").")
        if url not in found:
            found.append(url)
    return found


def add_table(
    graph: Graph,
    table: CsvTable,
    title: str,
    sources: Iterable[str] = (),
    page: str | None = None,
) -> URIRef:
    """Describe the table as an rg:DataTable `source:{slug}`; returns its IRI."""
    iri = SOURCE[table.slug]
    graph.add((iri, RDF.type, RG.DataTable))
    graph.add((iri, DCTERMS.title, Literal(title, lang="en")))
    graph.add((iri, RG.localFile, Literal(local_file(table.path))))
    graph.add((iri, RG.sha256, Literal(hashlib.sha256(table.path.read_bytes()).hexdigest())))
    for url in sources:
        graph.add((iri, DCTERMS.source, URIRef(url)))
    if page:
        graph.add((iri, FOAF.page, URIRef(page)))
    return iri


def add_row_excerpt(graph: Graph, table: CsvTable, row: CsvRow) -> URIRef:
    """The rg:Excerpt `source:{slug}-row-{n}` quoting the row's raw CSV text."""
    iri = SOURCE[f"{table.slug}-row-{row.number}"]
    graph.add((iri, RDF.type, RG.Excerpt))
    graph.add((iri, DCTERMS.isPartOf, SOURCE[table.slug]))
    graph.add((iri, RG.paragraph, Literal(f"row {row.number}")))
    graph.add((iri, PROV.value, Literal(row.text)))
    graph.add((iri, RG.charStart, Literal(row.char_start, datatype=XSD.nonNegativeInteger)))
    graph.add((iri, RG.charEnd, Literal(row.char_end, datatype=XSD.nonNegativeInteger)))
    return iri


#################################################################
# Dates at the precision given
#################################################################


@dataclass(frozen=True)
class When:
    """A date as a source gives it (day, month or year) and the days it covers."""

    literal: Literal
    first: date
    last: date

    @property
    def text(self) -> str:
        return str(self.literal)


def parse_when(text: str) -> When | None:
    """`2002-05-30`, `2003-11` or `2004` as xsd:date, xsd:gYearMonth or xsd:gYear; else None."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
            return When(Literal(text, datatype=XSD.date), day, day)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = int(text[:4]), int(text[5:])
            last = calendar.monthrange(year, month)[1]
            first, final = date(year, month, 1), date(year, month, last)
            return When(Literal(text, datatype=XSD.gYearMonth), first, final)
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            return When(Literal(text, datatype=XSD.gYear), date(year, 1, 1), date(year, 12, 31))
    except (ValueError, calendar.IllegalMonthError):
        return None
    return None


def when_of_literal(literal: object) -> When | None:
    """The days an rg:startDate or rg:endDate literal covers, whatever its precision."""
    if not isinstance(literal, Literal):
        return None
    return parse_when(str(literal))


#################################################################
# Council names
#################################################################

_PREFIXES = (
    "the",
    "council of the",
    "london borough of",
    "royal borough of",
    "metropolitan borough of",
    "borough of",
    "city and county of",
    "city of",
)
_SUFFIXES = (
    "metropolitan borough council",
    "metropolitan district council",
    "county borough council",
    "county council",
    "city council",
    "borough council",
    "district council",
    "unitary authority",
    "council",
)


def normalise_name(name: str) -> str:
    """A council name reduced for matching: case, '&', punctuation and the 'Council' words.

    "London Borough of Hammersmith & Fulham" and "Hammersmith and Fulham" both
    give "hammersmith and fulham"; "Durham County Council" gives "durham". A
    name that would reduce to nothing is kept whole.
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text).replace("_", " ")
    text = " ".join(text.split())
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix + " "):
                text = text[len(prefix) + 1 :]
                changed = True
        for suffix in _SUFFIXES:
            if text.endswith(" " + suffix):
                text = text[: -len(suffix) - 1]
                changed = True
    return text


@dataclass(frozen=True)
class _Council:
    iri: URIRef
    label: str
    first: date | None
    last: date | None

    def exists_throughout(self, start: date | None, end: date | None) -> bool:
        if start is None or end is None:
            return True
        begun = self.first is None or self.first <= start
        return begun and (self.last is None or end <= self.last)


@dataclass(frozen=True)
class _Alias:
    name: str
    iri: URIRef
    valid_from: date | None
    valid_to: date | None
    row: int

    def valid_throughout(self, start: date | None, end: date | None) -> bool:
        if start is None or end is None:
            return True
        return (self.valid_from is None or self.valid_from <= start) and (
            self.valid_to is None or end <= self.valid_to
        )


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving a name: a council, or why there is none."""

    name: str
    council: URIRef | None
    label: str | None = None
    via: str = ""
    problem: str = ""

    @property
    def resolved(self) -> bool:
        return self.council is not None


ALIAS_COLUMNS = ("alias", "gss", "valid_from", "valid_to", "reason", "source")
_COUNCIL_ID = re.compile(r"E\d{8}|historic-[a-z0-9]+(?:-[a-z0-9]+)*")


class CouncilResolver:
    """Resolve council names to IRIs, knowing which councils existed when.

    Built from the register graph (every rg:Council with its rdfs:label and
    rg:startDate / rg:endDate) and the curated alias list. A name resolves when,
    after `normalise_name`, exactly one council of that name existed throughout
    the dates given, or exactly one alias valid throughout them points to a
    council, or both lead to the same council.
    """

    def __init__(self, councils: Iterable[_Council], aliases: Iterable[_Alias] = ()) -> None:
        self._by_name: dict[str, list[_Council]] = {}
        self._by_iri: dict[URIRef, _Council] = {}
        for council in councils:
            self._by_iri[council.iri] = council
            self._by_name.setdefault(normalise_name(council.label), []).append(council)
        self._aliases: dict[str, list[_Alias]] = {}
        for alias in aliases:
            if alias.iri not in self._by_iri:
                raise ValueError(f"alias {alias.name!r} points to an unknown council {alias.iri}")
            self._aliases.setdefault(normalise_name(alias.name), []).append(alias)

    @classmethod
    def from_graph(cls, graph: Graph, aliases: Path | str | None = None) -> CouncilResolver:
        """A resolver over the councils in `graph` and an alias file (default: the curated one)."""
        councils: list[_Council] = []
        for iri in sorted(set(graph.subjects(RDF.type, RG.Council)), key=str):
            if not isinstance(iri, URIRef):
                continue
            label = graph.value(iri, RDFS.label)
            if label is None:
                continue
            start = when_of_literal(graph.value(iri, RG.startDate))
            end = when_of_literal(graph.value(iri, RG.endDate))
            councils.append(
                _Council(
                    iri=iri,
                    label=str(label),
                    first=start.first if start else None,
                    last=end.last if end else None,
                )
            )
        path = Path(aliases) if aliases is not None else sources_dir() / ALIASES_FILE
        known = {council.iri for council in councils}
        return cls(councils, read_aliases(path, known))

    def label(self, council: URIRef) -> str | None:
        """The register's name for a council."""
        found = self._by_iri.get(council)
        return found.label if found else None

    def resolve(self, name: str, on: date | None = None, until: date | None = None) -> Resolution:
        """Resolve `name` for a council that existed on `on` (through `until`, if given).

        With no date, every council of that name is a candidate.
        """
        end = until or on
        key = normalise_name(name)
        named = self._by_name.get(key, [])
        aliased = self._aliases.get(key, [])
        found: dict[URIRef, str] = {}
        for council in named:
            if council.exists_throughout(on, end):
                found.setdefault(council.iri, "register name")
        for alias in aliased:
            if alias.valid_throughout(on, end):
                found.setdefault(alias.iri, f"{ALIASES_FILE} row {alias.row}")
        if len(found) == 1:
            iri, via = next(iter(found.items()))
            return Resolution(name, iri, self._by_iri[iri].label, via)
        when = _describe_dates(on, end)
        if found:
            listed = "; ".join(f"{self._by_iri[i].label} ({_local(i)})" for i in sorted(found))
            return Resolution(name, None, problem=f"is ambiguous{when}: matches {listed}")
        candidates = sorted({c.iri for c in named} | {a.iri for a in aliased})
        if candidates:
            listed = "; ".join(f"{self._by_iri[i].label} ({_local(i)})" for i in candidates)
            return Resolution(
                name, None, problem=f"matches no council in existence{when} (only {listed})"
            )
        return Resolution(name, None, problem="matches no council in the register")


def _local(iri: URIRef) -> str:
    return str(iri)[len(str(COUNCIL)) :]


def _describe_dates(start: date | None, end: date | None) -> str:
    if start is None or end is None:
        return ""
    if start == end:
        return f" on {start.isoformat()}"
    return f" from {start.isoformat()} to {end.isoformat()}"


def read_aliases(path: Path, known: set[URIRef] | None = None) -> list[_Alias]:
    """Read and check the curated alias list (columns: alias, gss, valid_from, valid_to,
    reason, source). `gss` is a GSS code, or `historic-{slug}` for a council abolished
    before GSS codes existed. Every row needs a reason and a source."""
    table = read_table(path, ALIAS_COLUMNS)
    aliases: list[_Alias] = []
    for row in table.rows:
        for column in ("alias", "gss", "reason", "source"):
            if not row[column].strip():
                raise field_error(table, row, column, "must not be empty")
        target = row["gss"].strip()
        if not _COUNCIL_ID.fullmatch(target):
            reason = f"{target!r} is neither a GSS code nor historic-{{slug}}"
            raise field_error(table, row, "gss", reason)
        iri = COUNCIL[target]
        if known is not None and iri not in known:
            raise field_error(table, row, "gss", f"{target!r} is not a council in the register")
        bounds: list[date | None] = []
        for column in ("valid_from", "valid_to"):
            value = row[column].strip()
            if not value:
                bounds.append(None)
                continue
            parsed = parse_when(value)
            if parsed is None or parsed.first != parsed.last:
                raise field_error(table, row, column, f"{value!r} is not a date (YYYY-MM-DD)")
            bounds.append(parsed.first)
        aliases.append(_Alias(row["alias"].strip(), iri, bounds[0], bounds[1], row.number))
    return aliases
