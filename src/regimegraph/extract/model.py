"""What the extractor finds in one paper, before it becomes records.

Rules fill a `PaperFacts`; the records writer turns it into RDF. Every fact
keeps its `Evidence`: the span of the paper's visible text it was read from and
the rule that matched, so each record can cite the exact words
(docs/records.md, "Provenance"). What a rule saw but could not settle goes to
`PaperFacts.review` as a `ReviewNote` instead of a record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import URIRef

from .reader import Document

if TYPE_CHECKING:
    from .dates import DateMention


@dataclass(frozen=True)
class Evidence:
    """Where in the visible text a fact was read, and by which rule."""

    start: int
    end: int
    rule: str


@dataclass
class Judgment:
    dimension: str  # local name in dimension:
    value: str  # local name in value:
    evidence: Evidence


@dataclass
class Inspection:
    """An inspection the paper reports (role "main") or cites ("earlier", "later")."""

    regime: str  # local name in regime:
    role: str
    evidence: list[Evidence] = field(default_factory=list)
    inspectorate: str | None = None
    period: str | None = None  # government-year slug, "2006-2007"
    year: str | None = None  # a year the paper ties it to, for the IRI only
    fieldwork: tuple[str, str, Evidence] | None = None
    judgments: list[Judgment] = field(default_factory=list)
    strength_count: tuple[int, bool, Evidence] | None = None  # (n, "over n", where)
    development_count: tuple[int, Evidence] | None = None
    letter_date: tuple[str, Evidence] | None = None
    letter_received: tuple[str, Evidence] | None = None
    report_issued: tuple[str, Evidence] | None = None
    plan: Plan | None = None


@dataclass
class Plan:
    evidence: list[Evidence] = field(default_factory=list)
    agreed_on: tuple[str, Evidence] | None = None
    agreed_with: str | None = None
    consultation_ends: tuple[str, Evidence] | None = None


@dataclass
class ObligationFact:
    obligation: str  # local name in obligation:
    wording: Evidence
    unit: str | None = None
    basis: str | None = None
    amount: int | None = None


@dataclass(frozen=True)
class ReviewNote:
    """Something seen but not settled (or worth a look): kind, message, where."""

    kind: str
    message: str
    evidence: Evidence | None = None


@dataclass
class PaperFacts:
    document: Document
    council: URIRef | None = None
    council_label: str | None = None
    council_evidence: Evidence | None = None
    body: str | None = None  # the body's name as written
    body_evidence: Evidence | None = None
    meeting_date: str | None = None
    meeting_evidence: Evidence | None = None
    item_number: str | None = None
    item_evidence: Evidence | None = None
    open_session: Evidence | None = None  # where the paper says its item is open to the public
    author_role: str | None = None
    author_evidence: Evidence | None = None
    inspections: list[Inspection] = field(default_factory=list)
    obligations: list[ObligationFact] = field(default_factory=list)
    review: list[ReviewNote] = field(default_factory=list)
    # Judgments read two ways: (regime, role, dimension); none of them is recorded.
    contested: set[tuple[str, str, str]] = field(default_factory=set)

    def note(self, kind: str, message: str, evidence: Evidence | None = None) -> None:
        """Add a review note once."""
        item = ReviewNote(kind, message, evidence)
        if item not in self.review:
            self.review.append(item)

    def dated(self, when: DateMention, what: str, evidence: Evidence) -> str | None:
        """The date's value; a date without one (no year...) goes to review, never guessed.

        `what` says what the paper dates ("letter dated"), for the review note.
        """
        if when.value is None:
            written = self.document.text[when.start : when.end]
            self.note("ambiguous date", f"{what} {written!r}: {when.problem}", evidence)
        return when.value

    def main(self) -> Inspection | None:
        """The inspection the paper is about, if it found one."""
        return next((i for i in self.inspections if i.role == "main"), None)

    def find(self, regime: str, role: str) -> Inspection | None:
        return next((i for i in self.inspections if i.regime == regime and i.role == role), None)

    def add(self, regime: str, role: str, evidence: Evidence) -> Inspection:
        """The inspection of this regime and role, created on first mention."""
        found = self.find(regime, role)
        if found is None:
            found = Inspection(regime=regime, role=role)
            self.inspections.append(found)
        if evidence not in found.evidence:
            found.evidence.append(evidence)
        return found
