"""Measure the extractor: seeds against the hand-written records, real pages from other
councils against hand-written fact lists. Run as a script to print the tables in
docs/extract.md:

    .venv/bin/python tests/extract/measure.py --corpus /work/extract-corpus
    REGIMEGRAPH_EXTRACT_CORPUS=/work/extract-corpus .venv/bin/python tests/extract/measure.py

The real pages are third-party text and are not in the repository: only their addresses
(tests/extract/<set>/SOURCES.md), the facts written by hand from reading them and each
text's SHA-256 (tests/extract/<set>/expected.json) are. The corpus folder holds one
subfolder per set (unseen/, heldout/, blind/) with the texts under the names the fact
lists use. A set none of whose texts is there is skipped, and said so; a set with some
is measured on those, and said so; a text that is not the one measured (a page
re-fetched in full, say) is measured and flagged, since its figures need not match.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph

from regimegraph.extract import default_resolver, extract_paths
from regimegraph.extract.facts import Fact, facts_of_graph, render_scores, score
from regimegraph.importers.common import CouncilResolver

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
UNSEEN = HERE / "unseen"
HELDOUT = HERE / "heldout"
BLIND = HERE / "blind"
CORPUS_ENV = "REGIMEGRAPH_EXTRACT_CORPUS"

# Each set of real pages: its folder of hand-written facts (its name is also the
# subfolder of the corpus holding its texts) and its heading in the output.
SETS = (
    (UNSEEN, "Unseen papers"),
    (HELDOUT, "Strictly held-out pages"),
    (BLIND, "Blind pages"),
)

# Each seed paper and the records written by hand from reading it (records/papers/).
SEEDS = {
    "000_b8057de9a76b7ef3.txt": "oxfordshire-cabinet-2008-02-19-adult-apa.ttl",
    "001_ba719408fc176434.txt": "oxfordshire-executive-2003-11-11-annual-review.ttl",
    "002_217eff262eb45c50.txt": "oxfordshire-cabinet-2006-01-17-childrens-inspection.ttl",
    "003_9845c11fa7fbe67d.txt": "oxfordshire-cqc-la-assessment-2025.ttl",
    "004_70bdc9363fe594bc.txt": "bathnes-executive-2003-09-03-annual-review.ttl",
}


def _tag(name: str, facts: set[Fact]) -> set[Fact]:
    """Facts of one paper, its name second so kinds stay first and papers stay apart."""
    return {(f[0], name, *f[1:]) for f in facts}


def seed_facts(resolver: CouncilResolver) -> tuple[set[Fact], set[Fact]]:
    """Facts of the hand-written seed records and of the extractor's reading of the seeds."""
    expected: set[Fact] = set()
    extracted: set[Fact] = set()
    for paper, records in SEEDS.items():
        hand = Graph().parse(ROOT / "records" / "papers" / records)
        result = extract_paths([ROOT / "data" / "papers" / paper], resolver)
        expected |= _tag(paper, facts_of_graph(hand))
        extracted |= _tag(paper, facts_of_graph(result.graph))
    return expected, extracted


def _hand_written(folder: Path) -> dict[str, Any]:
    """A set's expected.json: fact lists by file name, and `_`-prefixed settings."""
    data: dict[str, Any] = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    return data


def unseen_expected(folder: Path = UNSEEN) -> dict[str, set[Fact]]:
    """The hand-written facts of each text of a set, by file name."""
    data = _hand_written(folder)
    return {
        name: {tuple(f) for f in facts} for name, facts in data.items() if not name.startswith("_")
    }


def unseen_councils(folder: Path = UNSEEN) -> dict[str, str]:
    """The council each page's address shows, for the texts that never name it."""
    return dict(_hand_written(folder).get("_council_given", {}))


def unseen_kinds(folder: Path = UNSEEN) -> set[str] | None:
    """The kinds of fact a folder's hand-written lists cover (None: every kind)."""
    kinds = _hand_written(folder).get("_kinds")
    return set(kinds) if kinds else None


def measured_hashes(folder: Path = UNSEEN) -> dict[str, str]:
    """SHA-256 of each text as it was when the figures in docs/extract.md were measured."""
    return dict(_hand_written(folder).get("_sha256", {}))


def unseen_facts(
    resolver: CouncilResolver,
    council_given: bool,
    folder: Path = UNSEEN,
    texts: Path | None = None,
    names: set[str] | None = None,
) -> tuple[set[Fact], set[Fact]]:
    """Expected and extracted facts of a set: its fact lists in `folder`, its texts in
    `texts` (default `folder`), only the texts in `names` when given."""
    councils = unseen_councils(folder) if council_given else {}
    kinds = unseen_kinds(folder)
    expected: set[Fact] = set()
    extracted: set[Fact] = set()
    for name, facts in unseen_expected(folder).items():
        if names is not None and name not in names:
            continue
        result = extract_paths([(texts or folder) / name], resolver, council=councils.get(name))
        expected |= _tag(name, facts)
        extracted |= _tag(
            name, {f for f in facts_of_graph(result.graph) if kinds is None or f[0] in kinds}
        )
    return expected, extracted


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Presence:
    """Which of a set's texts a corpus folder holds, and which differ from those measured."""

    folder: Path
    texts: Path
    present: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.folder.name

    def summary(self) -> str:
        total = len(self.present) + len(self.absent)
        if not self.present:
            return f"{self.name}: skipped: its {total} texts are absent from {self.texts}"
        line = f"{self.name}: measured on {len(self.present)} of {total} texts in {self.texts}"
        if self.absent:
            line += "; absent: " + ", ".join(self.absent)
        if self.changed:
            line += (
                "; not the text measured on 2026-11-23 (figures may differ from "
                "docs/extract.md): " + ", ".join(self.changed)
            )
        return line


def presence(folder: Path, corpus: Path) -> Presence:
    """Look for a set's texts in `corpus/<set>/`, checking each against its recorded hash."""
    found = Presence(folder=folder, texts=corpus / folder.name)
    hashes = measured_hashes(folder)
    for name in sorted(unseen_expected(folder)):
        path = found.texts / name
        if not path.is_file():
            found.absent.append(name)
            continue
        found.present.append(name)
        if hashes.get(name) != _sha256(path):
            found.changed.append(name)
    return found


def corpus_folder(given: str | None) -> Path | None:
    """The corpus folder: --corpus, else the environment variable, else none."""
    value = given if given is not None else os.environ.get(CORPUS_ENV, "")
    return Path(value) if value else None


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="measure.py",
        description="Measure the extractor's precision and recall per kind of fact.",
    )
    parser.add_argument(
        "--corpus",
        metavar="FOLDER",
        help=f"folder with unseen/, heldout/, blind/ holding the real pages' texts "
        f"(default: ${CORPUS_ENV}); without it only the seeds are measured",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Print the tables; 2 with a one-line error when the corpus folder does not exist."""
    args = _parse(argv)
    corpus = corpus_folder(args.corpus)
    if corpus is not None and not corpus.is_dir():
        source = "--corpus" if args.corpus is not None else CORPUS_ENV
        print(f"measure.py: error: {source} {corpus}: no such folder", file=sys.stderr)
        return 2
    resolver = default_resolver()
    print("Seeds\n")
    print(render_scores(score(*seed_facts(resolver))))
    lines: list[str] = []
    for folder, heading in SETS:
        if corpus is None:
            lines.append(
                f"{folder.name}: skipped: no corpus folder given (--corpus or ${CORPUS_ENV})"
            )
            continue
        found = presence(folder, corpus)
        lines.append(found.summary())
        if not found.present:
            continue
        names = set(found.present)
        print(f"\n{heading}, text only\n")
        print(render_scores(score(*unseen_facts(resolver, False, folder, found.texts, names))))
        print(f"\n{heading}, council given where the text never names it\n")
        print(render_scores(score(*unseen_facts(resolver, True, folder, found.texts, names))))
    print("\nReal pages (texts not in the repository; see tests/extract/<set>/SOURCES.md)\n")
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
