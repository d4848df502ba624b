"""`regimegraph extract`: committee papers into records, with provenance and a review summary.

A paper (plain text, HTML or Word) is read into visible text with a map back
to the file (reader.py); rules find the meeting and council (meeting.py), the
regime, inspectorate and period (regimes.py), the judgments (judgments.py),
letters, cited reports and action plans (documents.py) and stated obligations
(obligations.py); records.py writes them in the project's vocabulary, every
record citing the excerpt it was read from, and review.py lists what was seen
but not settled. The extractor never calls the network and never guesses: a
council the register does not know, a date without a year or a regime the
project does not model is reported, not recorded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from ..importers.common import CouncilResolver
from ..namespaces import bind_prefixes
from .documents import find_documents
from .judgments import find_judgments
from .meeting import find_council, find_meeting, given_council, meeting_day
from .model import PaperFacts
from .obligations import find_obligations
from .reader import Document, read_document
from .records import write_records
from .regimes import find_regime
from .review import summarise


@dataclass
class Extraction:
    """The records of every paper read, each paper's facts, and the review summary."""

    graph: Graph
    papers: list[PaperFacts] = field(default_factory=list)
    review: list[str] = field(default_factory=list)


def default_resolver() -> CouncilResolver:
    """The council register (with corrections and historic councils) and the curated aliases."""
    from ..importers import import_register
    from ..importers.common import (
        CORRECTIONS_FILE,
        HISTORIC_FILE,
        REGISTER_FILE,
        sources_dir,
    )

    folder = sources_dir()
    register = import_register(
        folder / REGISTER_FILE, folder / CORRECTIONS_FILE, folder / HISTORIC_FILE
    )
    return CouncilResolver.from_graph(register.graph)


def extract_document(
    document: Document, resolver: CouncilResolver, council: str | None = None
) -> PaperFacts:
    """Run every rule over one paper.

    `council` names the council when the paper does not (a page saved from a
    council's own site often never names it): it is resolved through the
    register like a name in the text, and a name it does not know is a usage error.
    """
    facts = PaperFacts(document=document)
    find_meeting(facts)
    if council is not None:
        given_council(facts, resolver, council)
    else:
        find_council(facts, resolver, meeting_day(facts))
    find_regime(facts)
    find_judgments(facts)
    find_documents(facts)
    find_obligations(facts)
    _undated(facts)
    if facts.council is None:
        facts.note(
            "no records",
            "without a council no inspection records can be named; only the source is described",
        )
    return facts


_MONTH_ALONE = re.compile(
    r"\b(?:in|during|by|until|from|since|before|after)\s+(?:the\s+(?:end|start|beginning)\s+of\s+)?"
    r"(?P<m>January|February|March|April|June|July|August|September|October|November|December)"
    r"\b(?![ \t]*,?[ \t]*(?:19|20)\d\d)"
)


def _undated(facts: PaperFacts) -> None:
    """Every date written without a year ("13 December") is listed: none is completed."""
    from .dates import find_dates
    from .model import Evidence

    text = facts.document.text
    noted = {(n.evidence.start, n.evidence.end) for n in facts.review if n.evidence}
    for mention in find_dates(text):
        if mention.value is not None:
            continue
        inside = any(a <= mention.start and mention.end <= b for a, b in noted)
        if not inside:
            facts.note(
                "ambiguous date",
                f"{text[mention.start : mention.end]!r}: {mention.problem}",
                Evidence(mention.start, mention.end, "date-without-year"),
            )
    for match in _MONTH_ALONE.finditer(text):
        inside = any(a <= match.start("m") and match.end("m") <= b for a, b in noted)
        if not inside:
            facts.note(
                "ambiguous date",
                f"{match.group('m')!r} gives no year",
                Evidence(match.start("m"), match.end("m"), "month-without-year"),
            )


def extract_paths(
    paths: Iterable[Path], resolver: CouncilResolver | None = None, council: str | None = None
) -> Extraction:
    """Read and extract each paper; records of all of them in one graph."""
    resolver = resolver or default_resolver()
    graph = bind_prefixes(Graph())
    result = Extraction(graph=graph)
    for path in paths:
        facts = extract_document(read_document(Path(path)), resolver, council)
        write_records(facts, graph)
        result.papers.append(facts)
        result.review.extend(summarise(facts, str(path)))
    return result


__all__ = ["Extraction", "default_resolver", "extract_document", "extract_paths"]
