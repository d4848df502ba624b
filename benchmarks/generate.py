"""Write a seeded, synthetic records file for benchmarking `regimegraph check`.

For every council and year it writes what the obligations apply to: SSI/CSCI
annual review letters (2001-2005) presented to the executive, Ofsted APA
letters (2007-2008) with statements of action, a joint area review per council
with its report, and Section 42 enquiries for Oxfordshire-like local targets.
About `--error-rate` of the records break a rule (a late or missing
presentation, a late statement, a slow enquiry), so the checker has real work.
The same seed gives the same file, byte for byte.

    .venv/bin/python benchmarks/generate.py --councils 150 --enquiries 20 -o /tmp/gen.ttl
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

PREFIXES = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rg: <https://w3id.org/regimegraph/def#> .
@prefix council: <https://w3id.org/regimegraph/id/council/> .
@prefix body: <https://w3id.org/regimegraph/id/body/> .
@prefix inspectorate: <https://w3id.org/regimegraph/id/inspectorate/> .
@prefix regime: <https://w3id.org/regimegraph/id/regime/> .
@prefix value: <https://w3id.org/regimegraph/id/value/> .
@prefix inspection: <https://w3id.org/regimegraph/id/inspection/> .
@prefix document: <https://w3id.org/regimegraph/id/document/> .
@prefix plan: <https://w3id.org/regimegraph/id/action-plan/> .
@prefix meeting: <https://w3id.org/regimegraph/id/meeting/> .
@prefix item: <https://w3id.org/regimegraph/id/agenda-item/> .
@prefix enquiry: <https://w3id.org/regimegraph/id/enquiry/> .

"""


def day(value: date) -> str:
    return f'"{value.isoformat()}"^^xsd:date'


def generate(councils: int, enquiries: int, error_rate: float, seed: int) -> str:
    rng = random.Random(seed)
    out = [PREFIXES]

    def broken() -> bool:
        return rng.random() < error_rate

    for n in range(councils):
        gss = "E10000025" if n == 0 else f"E06{n:06d}"  # council 0 has the s.42 target
        out.append(
            f'council:{gss} a rg:Council ; rdfs:label "Synthetic council {n}"@en ; '
            f'rg:gssCode "{gss}" .\n'
            f'body:{gss}-executive a rg:CouncilBody ; rdfs:label "Executive"@en ; '
            f"org:classification value:body-executive ; org:unitOf council:{gss} .\n"
        )
        for year in range(2001, 2006):
            slug = f"{gss}-ssi-annual-review-{year}"
            insp = "ssi" if year < 2004 else "csci"
            letter = date(year, 7, 1) + timedelta(days=rng.randrange(0, 60))
            out.append(
                f"inspection:{slug} a rg:Inspection ; rg:council council:{gss} ; "
                f"rg:regime regime:ssi-annual-review ; rg:inspectorate inspectorate:{insp} .\n"
                f"document:{slug}-letter a rg:InspectionLetter ; "
                f'rdfs:label "Annual review letter {year}"@en ; '
                f"prov:wasGeneratedBy inspection:{slug} ; rg:council council:{gss} ; "
                f"dcterms:date {day(letter)} .\n"
            )
            if broken() and rng.random() < 0.5:
                continue  # never presented: overdue
            gap = rng.randrange(70, 120) if broken() else rng.randrange(10, 55)
            meeting_day = letter + timedelta(days=gap)
            out.append(
                f"meeting:{gss}-executive-{meeting_day} a rg:Meeting ; "
                f"rg:body body:{gss}-executive ; dcterms:date {day(meeting_day)} .\n"
                f"item:{gss}-executive-{meeting_day}-review a rg:AgendaItem ; "
                f"rg:meeting meeting:{gss}-executive-{meeting_day} ; rg:openSession true ; "
                f"rg:presents document:{slug}-letter .\n"
            )
        for year in (2007, 2008):
            slug = f"{gss}-apa-{year}"
            received = date(year, 11, 1) + timedelta(days=rng.randrange(0, 28))
            out.append(
                f"inspection:{slug} a rg:Inspection ; rg:council council:{gss} ; "
                f"rg:regime regime:ofsted-children-apa ; rg:inspectorate inspectorate:ofsted .\n"
                f"document:{slug}-report a rg:InspectionReport ; "
                f'rdfs:label "APA letter {year}"@en ; prov:wasGeneratedBy inspection:{slug} ; '
                f"rg:council council:{gss} ; rg:dateReceived {day(received)} .\n"
            )
            plan_day = received + timedelta(days=rng.randrange(110, 160) if broken()
                                            else rng.randrange(20, 90))
            out.append(
                f"plan:{slug} a rg:ActionPlan ; rg:respondsTo inspection:{slug} ; "
                f"dcterms:issued {day(plan_day)} .\n"
            )
        for k in range(enquiries):
            allocated = date(2024, 1, 2) + timedelta(days=rng.randrange(0, 330))
            took = rng.randrange(30, 60) if broken() else rng.randrange(5, 26)
            out.append(
                f"enquiry:{gss}-{k:04d} a rg:Section42Enquiry ; rg:council council:{gss} ; "
                f"rg:allocatedOn {day(allocated)} ; "
                f"rg:completedOn {day(allocated + timedelta(days=took))} .\n"
            )
    return "".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--councils", type=int, default=150)
    parser.add_argument("--enquiries", type=int, default=20,
                        help="Section 42 enquiries per council")
    parser.add_argument("--error-rate", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", "-o", type=Path, required=True)
    args = parser.parse_args()
    args.output.write_text(
        generate(args.councils, args.enquiries, args.error_rate, args.seed), encoding="utf-8")


if __name__ == "__main__":
    main()
