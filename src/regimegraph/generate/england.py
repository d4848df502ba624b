"""The real England a generated knowledge base starts from: councils and distributions.

Councils are the register's upper-tier councils (importers/register.py), with
their real lifetimes, so a council abolished in 2009 gets no CQC assessment
and one created in 2019 gets nothing before it. Judgment distributions come
from the real tables in data/sources/ where they exist (the CQC assessments'
quality statement scores, the star ratings) and are stated assumptions where
they do not.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from ..errors import UsageError
from ..importers.common import CQC_FILE, STAR_RATINGS_FILE, sources_dir
from ..importers.register import import_register
from ..namespaces import COUNCIL, RG, VALUE

# Counties that continued as unitary authorities on 1 April 2009: the register's
# start-date is the day they became unitary (importers/register.py), but the
# council existed and was inspected before it.
CONTINUING_COUNTIES = frozenset(
    {"E06000047", "E06000051", "E06000052", "E06000054", "E06000057"}
)
OXFORDSHIRE = "E10000025"

# Relative size (adult social care caseload) by council type: an assumption,
# used only to share out meetings and Section 42 enquiries. Counties are the
# largest; the City of London and the Isles of Scilly are tiny.
TYPE_WEIGHT = {"CTY": 2.4, "MD": 1.0, "UA": 0.8, "LBO": 0.7, "CC": 0.05}
TINY = frozenset({"E09000001", "E06000053"})


@dataclass(frozen=True)
class Council:
    """An upper-tier council as the register gives it."""

    key: str  # the local name of its IRI: a GSS code, or historic-{slug}
    name: str
    kind: str  # CTY, UA, MD, LBO or CC
    start: date | None
    end: date | None
    register_nt: str  # its records from the register import, as sorted N-Triples

    @property
    def iri(self) -> str:
        return f"council:{self.key}"

    def alive(self, on: date) -> bool:
        """Whether the council existed on `on` (so could be inspected then)."""
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)

    def weight(self) -> float:
        """Its share of England's casework, relative to an average metropolitan district."""
        if self.key in TINY:
            return 0.05
        jitter = random.Random(f"weight|{self.key}").lognormvariate(0.0, 0.35)
        return TYPE_WEIGHT.get(self.kind, 1.0) * jitter


def _date(value: object) -> date | None:
    if isinstance(value, Literal) and len(str(value)) == 10:
        return date.fromisoformat(str(value))
    return None


@cache
def _register() -> tuple[tuple[Council, ...], dict[str, tuple[str, ...]]]:
    graph: Graph = import_register().graph
    lines = sorted(set(graph.serialize(format="nt").splitlines()) - {""})
    by_subject: dict[str, list[str]] = {}
    for line in lines:
        by_subject.setdefault(line.split(" ", 1)[0], []).append(line)
    found = []
    for subject in sorted(set(graph.subjects(RDF.type, RG.Council)), key=str):
        assert isinstance(subject, URIRef)
        key = str(subject).removeprefix(str(COUNCIL))
        kind = str(graph.value(subject, RG.councilType)).removeprefix(
            str(VALUE["council-type-"])
        )
        start = _date(graph.value(subject, RG.startDate))
        found.append(
            Council(
                key=key,
                name=str(graph.value(subject, RDFS.label)),
                kind=kind,
                start=None if key in CONTINUING_COUNTIES else start,
                end=_date(graph.value(subject, RG.endDate)),
                register_nt="\n".join(by_subject.pop(f"<{subject}>", [])) + "\n",
            )
        )
    return tuple(found), {s: tuple(v) for s, v in by_subject.items()}


def councils(only: Collection[str] | None = None) -> tuple[tuple[Council, ...], str]:
    """The upper-tier councils of the register (or those keyed in `only`), sorted by IRI,
    and the rest of the register import they cite (areas, table, row excerpts) as
    sorted N-Triples, written once with the councils."""
    every, rest = _register()
    if only is not None:
        unknown = sorted(set(only) - {c.key for c in every})
        if unknown:
            raise UsageError(f"--council {unknown[0]}: no upper-tier council with this key "
                             "(a GSS code such as E10000025) in the register")
        every = tuple(c for c in every if c.key in only)
    wanted: set[str] = set()
    frontier = " ".join(c.register_nt for c in every)
    for _hop in range(3):  # council -> row excerpt and area -> table
        found = {s for s in rest if s not in wanted and f" {s} " in frontier}
        wanted |= found
        frontier = " ".join(line for s in found for line in rest[s])
    text = "".join(line + "\n" for s in sorted(wanted) for line in rest[s])
    return every, text


@cache
def cqc_score_rows() -> tuple[tuple[int, ...], ...]:
    """The nine quality statement scores of every rated row of the real CQC table."""
    path = sources_dir() / CQC_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = [c for c in rows[0] if c.startswith("qs")]
    return tuple(
        tuple(int(row[c]) for c in columns)
        for row in rows
        if row["overall_rating"].strip().lower() != "not rated"
    )


@cache
def cqc_months() -> tuple[tuple[int, int], ...]:
    """The publication months of the real CQC assessments, one entry per row."""
    names = ("january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december")  # fmt: skip
    path = sources_dir() / CQC_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        found = []
        for row in csv.DictReader(handle):
            word, year = row["date_as_given"].split()
            found.append((int(year), names.index(word.lower()) + 1))
    return tuple(sorted(found))


# A central prior for star ratings (0-3), since the table below lists mostly
# the best and the worst councils: most councils had one or two stars [assumption].
STAR_PRIOR = (0.06, 0.30, 0.44, 0.20)


@cache
def star_weights(
    published_year: int, prior: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """Star shares for a rating round: the real table's counts for that year, blended
    half and half with `prior` (the table alone would give far too many 0s and 3s)."""
    path = sources_dir() / STAR_RATINGS_FILE
    counts: Counter[int] = Counter()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            stars = row["stars_0_to_3"].strip()
            if row["published"].startswith(str(published_year)) and stars.isdigit():
                counts[int(stars)] += 1
    total = sum(counts.values())
    if not total:
        return prior
    blended = [0.5 * prior[s] + 0.5 * counts[s] / total for s in range(4)]
    return (blended[0], blended[1], blended[2], blended[3])
