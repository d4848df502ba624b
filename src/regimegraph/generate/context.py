"""What every part of a generated England shares: the plan, the council being
written, its synthetic source documents and excerpts, and the planted breaks."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date
from typing import TextIO

from ..namespaces import PREFIXES, RGSH
from .england import Council
from .writer import Sink, text


@dataclass(frozen=True)
class Plan:
    """How much to write: the seed, the share of records that break a rule, the
    share of inspections recorded with every dimension's judgment, and the
    fraction of England's meetings and Section 42 enquiries sampled."""

    seed: int
    break_rate: float = 0.01
    detail: float = 1.0
    business: float = 1.0


def expand(name: str) -> str:
    """The full IRI of a prefixed name."""
    prefix, local = name.split(":", 1)
    return f"{PREFIXES[prefix]}{local}"


def duty_iri(notation: str, record: str) -> str:
    """The IRI duties.py gives the duty a record triggers under an obligation."""
    slug = expand(record).rstrip("/").rsplit("/", 1)[-1]
    return f"{PREFIXES['duty']}{notation.lower()}-{slug}"


class Breaks:
    """The planted rule breaks, streamed as JSON lines so memory does not grow with size."""

    def __init__(self, handle: TextIO | None) -> None:
        self._handle = handle
        self.count = 0
        self.by_shape: dict[str, int] = {}
        self.information: dict[str, int] = {}

    def expect_information(self, shape: str) -> None:
        """A finding of information the rules give whatever the records say (O2, O4,
        O6a: council records cannot show copies, circulation or publication)."""
        key = f"{RGSH}{shape}"
        self.information[key] = self.information.get(key, 0) + 1

    def add(
        self, kind: str, shape: str, severity: str, record: str, focus: str | None = None
    ) -> None:
        """One break: `shape` is the local name of the property shape it trips (in
        rules/), `record` the record written wrong, `focus` the node the check
        reports (the record itself, or the duty it triggers)."""
        self.count += 1
        self.by_shape[shape] = self.by_shape.get(shape, 0) + 1
        if self._handle is None:
            return
        node_shape = shape.split("-", 1)[0]
        entry = {
            "kind": kind,
            "rule": f"{RGSH}{node_shape}",
            "shape": f"{RGSH}{shape}",
            "severity": severity,
            "focus": focus or expand(record),
            "record": expand(record),
        }
        self._handle.write(json.dumps(entry, sort_keys=True) + "\n")


class CouncilWriter:
    """Writes one council's records; owns its executive body and source documents."""

    def __init__(self, council: Council, sink: Sink, plan: Plan, breaks: Breaks) -> None:
        self.council = council
        self.sink = sink
        self.plan = plan
        self.breaks = breaks
        self.detail_triples = 0
        rng = self.rng("executive")
        self.executive_slug, self.executive_label = (
            ("cabinet", "Cabinet") if rng.random() < 0.8 else ("executive", "Executive")
        )
        self._sources: set[str] = set()
        self._executive_items: dict[date, int] = {}
        self._bodies: set[str] = set()

    def rng(self, what: str) -> random.Random:
        """A generator for one record or group: the same whatever else is written."""
        return random.Random(f"{self.plan.seed}|{self.council.key}|{what}")

    def breaks_here(self, rng: random.Random) -> bool:
        return rng.random() < self.plan.break_rate

    def body(self, slug: str, label: str, kind: str) -> str:
        """The council body `body:{key}-{slug}`, written on first use."""
        iri = f"body:{self.council.key}-{slug}"
        if slug not in self._bodies:
            self._bodies.add(slug)
            self.sink.node(iri, [
                ("a", "rg:CouncilBody"),
                ("rdfs:label", text(label, "en")),
                ("org:classification", f"value:{kind}"),
                ("org:unitOf", self.council.iri),
            ])
        return iri

    def executive(self) -> str:
        return self.body(self.executive_slug, self.executive_label, "body-executive")

    def source(self, slug: str, title: str, kind: str = "rg:CommitteePaper") -> str:
        """A synthetic source document (`source:generated-{key}-{slug}`), written on first use."""
        iri = f"source:generated-{self.council.key}-{slug}"
        if slug not in self._sources:
            self._sources.add(slug)
            self.sink.node(iri, [
                ("a", kind),
                ("dcterms:title", text(f"{title} ({self.council.name}; generated)", "en")),
                ("rg:council", self.council.iri),
            ])
        return iri

    def excerpt(self, source: str, para: str, value: str) -> str:
        """An rg:Excerpt of a synthetic source. There is no local copy, so no offsets."""
        iri = f"{source}-{para}"
        self.sink.node(iri, [
            ("a", "rg:Excerpt"),
            ("dcterms:isPartOf", source),
            ("rg:paragraph", text(para)),
            ("prov:value", text(value)),
        ])
        return iri

    def papers(self, year: int) -> str:
        """The council's (synthetic) committee papers of a year."""
        return self.source(f"papers-{year}", f"Committee papers {year}")

    def present(self, on: date, document: str, title: str, excerpt_text: str) -> str:
        """Present `document` to an open meeting of the executive on `on`; returns the item.

        Two presentations on one day share the meeting, as one agenda takes several items.
        """
        executive = self.executive()
        meeting = f"meeting:{self.council.key}-{self.executive_slug}-{on.isoformat()}"
        number = self._executive_items.get(on, 0) + 1
        self._executive_items[on] = number
        excerpt = self.excerpt(
            self.papers(on.year), f"{self.executive_slug}-{on.isoformat()}-{number}", excerpt_text
        )
        if number == 1:
            self.sink.node(meeting, [
                ("a", "rg:Meeting"),
                ("rg:body", executive),
                ("dcterms:date", f'"{on.isoformat()}"^^xsd:date'),
                ("prov:wasDerivedFrom", excerpt),
            ])
        item = f"item:{self.council.key}-{self.executive_slug}-{on.isoformat()}-{number}"
        self.sink.node(item, [
            ("a", "rg:AgendaItem"),
            ("rg:meeting", meeting),
            ("rg:itemNumber", text(str(number))),
            ("dcterms:title", text(title, "en")),
            ("rg:presents", document),
            ("rg:openSession", "true"),
            ("prov:wasDerivedFrom", excerpt),
        ])
        return item

    def executive_day_taken(self, on: date) -> bool:
        return on in self._executive_items
