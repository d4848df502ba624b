"""`regimegraph generate`: a seeded, realistic England in the project's own vocabulary.

Why: `regimegraph check`, `build` into stores and the SPARQL endpoint must be
measured on data shaped like the real thing and far larger than the bundled
records, with a known answer. A generated England is written as Turtle, one
triple per line, with a manifest listing every rule break planted in it, so a
check of the files can be compared with the manifest exactly.

What is in it:

- councils: every upper-tier council of the real register (importers/register.py),
  with the register's own records and real lifetimes (`councils.nt`);
- every regime in its years (`regimes-*.ttl`, generate/regimes.py): SSI annual
  review letters 2002-2005 presented to the executive (O1), star ratings
  2002-2005 and CSCI adult ratings 2006-2008 reported in open session (O3),
  Ofsted APAs 2005-2008 with statements of action (O6b), one joint area review
  each, CQC adult assessments 2009-2010 and a CQC local authority assessment
  with scores drawn from the real CQC table;
- business (`business-*.ttl`, generate/business.py): committee meetings and
  agenda items 2001-2025 and Section 42 enquiries from April 2015.

How the size is reached: the councils and one headline judgment per
inspection are the floor (about 94,000 triples at seed 2026: the smallest
England there is, so a "100k" England is nearly all floor). Above it, half of
what is left, up to all of it, records inspections in full, every dimension's
judgment (about 67,000 triples more). The rest samples England's meetings,
agenda items and Section 42 enquiries, which really are numerous, at the
fraction that fills the size asked for: all of England's recorded business at
the rates in generate/business.py would be about 22 million triples, so "1M"
samples 4% of it and "10M" 45%; above 22 million an England is denser than the
real one. The total lands within about 1% of the size asked for (a few per
cent for a handful of councils).

Rule breaks: records of these kinds break a rule with probability
`break_rate` (1%) each: an annual review letter presented late or never, an
APA letter whose statement of action is late or missing, an Oxfordshire
enquiry past its local target, a meeting of no body or dated to the month, an
agenda item of no meeting or without provenance, a detailed judgment off its
scale, a star rating given despite a failing service, a CQC rating that
disagrees with its scores, an inspection naming an inspectorate that did not
exist at the time. Other councils' enquiries are judged by no rule (the only
Section 42 target is Oxfordshire's), so about 0.5% of all records and 0.9% of
those a rule can judge are broken. Each break is in the manifest with the
rule it breaks and the node the check reports. What the rules report as
information whatever the records say (O2, O4 and O6a: council records cannot
show copies, circulation or publication) is counted in the manifest
("information_expected"), not listed.

Deterministic: every record group draws from its own generator seeded by the
seed and the group's name, so the same seed and size give the same bytes.
Streamed: records are formatted as strings and written as they are made; what
is kept is one council's small bookkeeping at a time.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import UsageError
from .business import ENQUIRIES_PER_YEAR, expected_triples, write_business
from .context import Breaks, CouncilWriter, Plan
from .england import councils
from .regimes import write_regimes
from .writer import Sink

DEFAULT_SEED = 2026
# Check dates from which the manifest is exactly what a check finds: every
# generated duty is due before then.
VALID_FROM = "2026-01-01"
_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([kKmM]?)\s*$")


def parse_size(value: str) -> int:
    """A number of triples: 1000000, 1M, 100k, 2.5M."""
    match = _SIZE.match(value.replace("_", "").replace(",", ""))
    if not match:
        raise UsageError(f"--triples {value!r}: expected a number such as 1000000, 100k or 1M")
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    return int(float(match.group(1)) * factor)


@dataclass
class Result:
    """What was written: files, triples by kind, the plan used and the breaks planted."""

    folder: Path
    files: list[Path]
    triples: int
    counts: dict[str, int]
    plan: Plan
    breaks: int
    councils: int
    records: dict[str, int] = field(default_factory=dict)
    breaks_by_shape: dict[str, int] = field(default_factory=dict)
    information: dict[str, int] = field(default_factory=dict)


def floor_and_detail(seed: int, only: Collection[str] | None = None) -> tuple[int, int]:
    """(triples with headline judgments only, extra triples when every inspection is in full)."""
    sink = Sink(None, "dry")
    plan = Plan(seed=seed, break_rate=0.0, detail=1.0)
    chosen, register_rest = councils(only)
    sink.count += len(register_rest.splitlines())
    detail = 0
    for council in chosen:
        sink.count += len(council.register_nt.splitlines())
        cw = CouncilWriter(council, sink, plan, Breaks(None))
        write_regimes(cw)
        detail += cw.detail_triples
    return sink.count - detail, detail


def generate(folder: Path, triples: int, seed: int = DEFAULT_SEED,
             break_rate: float = 0.01, only: Collection[str] | None = None) -> Result:
    """Write a generated England of about `triples` triples into `folder`, with manifest.json.

    `only` keeps the councils with these keys (GSS codes): a small England for
    tests and quick runs; the default is every upper-tier council.
    """
    if not 0 <= break_rate <= 1:
        raise UsageError(f"--break-rate {break_rate}: expected a share from 0 to 1")
    floor, detail = floor_and_detail(seed, only)
    if triples < floor:
        raise UsageError(
            f"--triples {triples:,}: the smallest generated England (every council, every "
            f"regime) is {floor:,} triples"
        )
    spare = triples - floor
    share = min(1.0, 0.5 * spare / detail) if detail else 1.0
    all_councils, register_rest = councils(only)
    weights = {c.key: c.weight() for c in all_councils}
    business = max(0.0, (spare - share * detail) / expected_triples(all_councils, weights))
    plan = Plan(seed=seed, break_rate=break_rate, detail=share, business=business)

    folder.mkdir(parents=True, exist_ok=True)
    for old in [*folder.glob("regimes-*.ttl"), *folder.glob("business-*.ttl")]:
        old.unlink()
    (folder / "councils.nt").write_text(
        register_rest + "".join(c.register_nt for c in all_councils), encoding="utf-8",
        newline="\n")
    council_triples = len(register_rest.splitlines()) + sum(
        len(c.register_nt.splitlines()) for c in all_councils)
    regimes, bulk = Sink(folder, "regimes"), Sink(folder, "business")
    total_weight = sum(weights.values())
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        breaks = Breaks(spool)
        for council in all_councils:
            cw = CouncilWriter(council, regimes, plan, breaks)
            write_regimes(cw)
            regimes.boundary()
            cw.sink = bulk
            write_business(cw, ENQUIRIES_PER_YEAR * weights[council.key] / total_weight)
        regimes.close()
        bulk.close()
        counts = {"councils": council_triples, "regimes": regimes.count, "business": bulk.count}
        records = {"rg:Council": len(all_councils)}
        for sink in (regimes, bulk):
            for kind, number in sink.kinds.items():
                records[kind] = records.get(kind, 0) + number
        result = Result(
            folder=folder,
            files=[folder / "councils.nt", *regimes.files, *bulk.files],
            triples=sum(counts.values()),
            counts=counts,
            plan=plan,
            breaks=breaks.count,
            councils=len(all_councils),
            records=dict(sorted(records.items())),
            breaks_by_shape=dict(sorted(breaks.by_shape.items())),
            information=dict(sorted(breaks.information.items())),
        )
        spool.seek(0)
        _write_manifest(result, triples, spool)
    return result


def _write_manifest(result: Result, asked: int, spool: object) -> None:
    """manifest.json: the plan, the counts, and every planted break (streamed in)."""
    head = {
        "generator": "regimegraph generate",
        "version": __version__,
        "seed": result.plan.seed,
        "councils": result.councils,
        "triples_asked": asked,
        "triples": result.triples,
        "triples_by_file_kind": result.counts,
        "records_by_class": result.records,
        "files": [p.name for p in result.files],
        "break_rate": result.plan.break_rate,
        "inspections_in_full": round(result.plan.detail, 6),
        "business_sampled": round(result.plan.business, 6),
        "valid_for_check_dates_from": VALID_FROM,
        "information_expected": result.information,
        "breaks_by_rule": result.breaks_by_shape,
        "break_count": result.breaks,
    }
    path = result.folder / "manifest.json"
    with path.open("w", encoding="utf-8", newline="\n") as out:
        text = json.dumps(head, indent=2, sort_keys=True)
        out.write(text[:-2] + ',\n  "breaks": [')
        first = True
        for line in spool:  # type: ignore[attr-defined]
            out.write(("\n    " if first else ",\n    ") + line.rstrip("\n"))
            first = False
        out.write("\n  ]\n}\n")


__all__ = ["DEFAULT_SEED", "Result", "generate", "parse_size"]
