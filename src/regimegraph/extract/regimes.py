"""Which regime and inspectorate a paper reports, the period assessed and the fieldwork.

A regime is recognised by the words papers use for it (an "Annual Review of
Performance" letter, an "annual performance assessment" of adult social care,
an "inspection of children's social care services", CQC's "quality statement"
scores ...), checked against the regime's dates in reference/regimes.ttl
through the meeting's year. Regimes the project does not model (CPA, the
Comprehensive Area Assessment, Ofsted's later children's services assessments
and ILACS inspections) are named in the review summary, never mapped to a
near neighbour.
"""

from __future__ import annotations

import re

from .dates import find_dates, find_financial_years
from .model import Evidence, PaperFacts
from .text import sentence_bounds

INSPECTORATES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ssi", re.compile(r"\bSocial Services Inspectorate\b|\bSSI(?:['\u2019]s)?\b")),
    ("csci", re.compile(r"\bCommission for Social Care Inspection\b|\bCSCI\b")),
    ("cqc", re.compile(r"\bCare Quality Commission\b|\bCQC\b")),
    ("ofsted", re.compile(r"\bOfsted\b|\bOFSTED\b|Office for Standards in Education")),
)

# (regime, rule, pattern): the first that matches names the main regime.
_MAIN: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "cqc-la-assessment",
        "cqc-la-scores",
        re.compile(
            r"Quality statement scores|local authority assessment|Local authority rating and score"
            r"|Care Act (?:2014 )?(?:Part 1 )?assessment",
            re.I,
        ),
    ),
    (
        "childrens-social-care-inspection",
        "childrens-inspection",
        re.compile(
            r"inspection of children['\u2019]s (?:social care )?services|"
            r"children['\u2019]s social care services"
            r"[^.]{0,60}inspected",
            re.I,
        ),
    ),
    (
        "ofsted-children-apa",
        "ofsted-apa",
        re.compile(
            r"annual performance assessment[^.\n]{0,80}children|"
            r"children['\u2019]s services[^.\n]{0,40}"
            r"annual performance assessment",
            re.I,
        ),
    ),
    ("joint-area-review", "jar-main", re.compile(r"^[^\n]*\bJOINT AREA REVIEW\b[^\n]*$", re.M)),
    (
        "adult-apa",
        "adult-apa",
        re.compile(
            r"annual\s+performance\s+assessment|performance\s+assessment\s+of\s+adult|annual\s+"
            r"(?:report|assessment)\s+on\s+how\s+each\s+council\s+serves|adult\s+social\s+care\s+"
            r"performance|performance\s+rating[^.\n]{0,40}adult",
            re.I,
        ),
    ),
    (
        "ssi-annual-review",
        "annual-review",
        re.compile(
            r"annual\s+review\s+(?:of|letter|meeting)|annual\s+review\s+of\s+(?:social\s+services\s+)?"
            r"performance",
            re.I,
        ),
    ),
    (
        "star-ratings-2002-2005",
        "star-rating-title",
        re.compile(r"star\s+ratings?|performance\s+ratings?", re.I),
    ),
)
_NOT_MODELLED = re.compile(
    r"Comprehensive Performance Assessment|Comprehensive Area Assessment|"
    r"children['\u2019]s services"
    r" assessment|inspection of local authority children['\u2019]s services|\bILACS\b|"
    r"SEND (?:area )?inspection|Joint Targeted Area Inspection|\bJTAI\b|inspection of services for"
    r" children in need of help and protection|"
    r"services for children in need of help and protection",
    re.I,
)
_JAR_LATER = re.compile(r"Joint Area Review(?:\s+\(JAR\))?\s+(?:in|during)\s+(?P<y>(?:19|20)\d\d)")


def _mentions(text: str, inspectorate: str) -> list[re.Match[str]]:
    pattern = dict(INSPECTORATES)[inspectorate]
    return list(pattern.finditer(text))


def find_regime(facts: PaperFacts) -> None:
    """The main regime and its inspectorate; regimes the project does not know go to review."""
    text = facts.document.text
    year = int(facts.meeting_date[:4]) if facts.meeting_date else None
    named = {code: _mentions(text, code) for code, _ in INSPECTORATES}
    for match in _NOT_MODELLED.finditer(text):
        facts.note(
            "unknown regime",
            f"{match.group(0)!r} is not a regime in reference/regimes.ttl",
            Evidence(match.start(), match.end(), "regime-not-modelled"),
        )
    # Each regime's wording is counted; the regime named most often (among those
    # that fit the inspectorates named and the year) is the paper's subject.
    best: tuple[int, int, str, Evidence] | None = None
    unfit: Evidence | None = None
    for order, (regime, rule, pattern) in enumerate(_MAIN):
        matches = list(pattern.finditer(text))
        if not matches:
            continue
        evidence = Evidence(matches[0].start(), matches[0].end(), f"regime-{rule}")
        settled = _settle(regime, named, year, text)
        if settled is None:
            unfit = unfit or evidence
            continue
        if best is None or (len(matches), -order) > (best[0], -best[1]):
            best = (len(matches), order, settled, evidence)
    if best is None:
        if unfit is not None:
            facts.note(
                "unknown regime",
                f"{text[unfit.start : unfit.end]!r}: no regime of the "
                "project fits the inspectorate and year named",
                unfit,
            )
        else:
            facts.note("unknown regime", "no inspection regime the project knows was recognised")
    else:
        _, _, regime, evidence = best
        inspection = facts.add(regime, "main", evidence)
        inspection.inspectorate = _inspectorate(regime, named, year)
        if inspection.inspectorate is None:
            facts.note(
                "unknown inspectorate",
                f"the paper does not name who carried out the {regime} (or names more than one)",
                evidence,
            )
        _find_period(facts, inspection)
        _find_fieldwork(facts, inspection)
    _find_later(facts)


def _settle(
    regime: str, named: dict[str, list[re.Match[str]]], year: int | None, text: str
) -> str | None:
    """Pick the regime among look-alikes by inspectorate and year."""
    if regime == "adult-apa":
        if not re.search(r"\badult", text, re.I):
            return None
        if named["cqc"] and (year is None or year >= 2009):
            return "cqc-adult-apa-2008-2010"
        if named["csci"] or (year is not None and 2006 <= year <= 2009):
            return "csci-adult-performance-2006-2008"
        return None
    if regime == "ssi-annual-review" and year is not None and year > 2006:
        return None
    if regime == "star-ratings-2002-2005" and year is not None and year > 2006:
        return None
    if regime == "ofsted-children-apa" and year is not None and not 2005 <= year <= 2009:
        return None
    return regime


_CONDUCTED = {
    "ssi-annual-review": ("ssi", "csci"),
    "star-ratings-2002-2005": ("ssi", "csci"),
    "childrens-social-care-inspection": ("ssi", "csci"),
    "csci-adult-performance-2006-2008": ("csci",),
    "cqc-adult-apa-2008-2010": ("cqc",),
    "cqc-la-assessment": ("cqc",),
    "ofsted-children-apa": ("ofsted", "csci"),
    "joint-area-review": ("ofsted",),
}


def _inspectorate(
    regime: str, named: dict[str, list[re.Match[str]]], year: int | None
) -> str | None:
    """The inspectorate named in the paper that conducts the regime.

    CSCI replaced the SSI in April 2004: a paper naming both is read by its year.
    """
    choices = [code for code in _CONDUCTED.get(regime, ()) if named.get(code)]
    if len(choices) == 1:
        return choices[0]
    if set(choices) == {"ssi", "csci"} and year is not None:
        return "ssi" if year <= 2003 else "csci"
    if regime == "cqc-la-assessment":
        return "cqc"  # only CQC assesses local authorities under the Care Act
    if not choices and len(_CONDUCTED.get(regime, ())) == 1:
        return None
    return None


_NOT_PERIOD = re.compile(
    r"budget|plan for|proposals|strategy|priorit|expenditure|directorate plan|"
    r"\bdata\b|targets?\b",
    re.I,
)


def _find_period(facts: PaperFacts, inspection: object) -> None:
    from .model import Inspection

    assert isinstance(inspection, Inspection)
    if inspection.regime in (
        "cqc-la-assessment",
        "childrens-social-care-inspection",
        "joint-area-review",
    ):
        return  # these regimes do not assess a year
    text = facts.document.text
    meeting_year = int(facts.meeting_date[:4]) if facts.meeting_date else None
    for mention in find_financial_years(text):
        start, end = sentence_bounds(text, mention.start)
        if _NOT_PERIOD.search(text[start:end]):
            continue
        first_year = int(mention.slug[:4])
        if meeting_year is not None and not (meeting_year - 2 <= first_year <= meeting_year):
            continue
        inspection.period = mention.slug
        inspection.evidence.append(Evidence(mention.start, mention.end, f"period-{mention.rule}"))
        return


_FIELDWORK = re.compile(
    r"\b(?:(?:re-?)?inspected|(?:re-?)?inspection\b[^.\n]{0,80}?\b(?:took place|was carried out|"
    r"was undertaken|undertaken|carried out)|fieldwork(?: took place| was carried out)?)\s+"
    r"(?:during|in|between|from|on)\s+",
    re.I,
)


def _find_fieldwork(facts: PaperFacts, inspection: object) -> None:
    """When the inspection took place; the most precise statement wins (a day over a month)."""
    from .model import Inspection

    assert isinstance(inspection, Inspection)
    text = facts.document.text
    best: tuple[str, str, Evidence] | None = None
    for match in _FIELDWORK.finditer(text):
        dates = find_dates(text, match.end(), min(len(text), match.end() + 60))
        if not dates or dates[0].start - match.end() > 2:
            continue
        first = dates[0]
        last = first
        if (len(dates) > 1 and dates[1].start == first.start) or (
            len(dates) > 1
            and re.fullmatch(r"\s*(?:and|to|-|\u2013|until)\s*", text[first.end : dates[1].start])
        ):  # a range of days
            last = dates[1]
        if first.value is None or last.value is None:
            facts.note(
                "ambiguous date",
                f"fieldwork dated {text[first.start : last.end]!r}: "
                f"{first.problem or last.problem}",
                Evidence(first.start, last.end, "fieldwork"),
            )
            continue
        found = (first.value, last.value, Evidence(match.start(), last.end, "fieldwork"))
        if best is None or len(found[0]) > len(best[0]):
            best = found
    inspection.fieldwork = best


def _find_later(facts: PaperFacts) -> None:
    """Inspections the paper announces or cites besides the main one."""
    text = facts.document.text
    for match in _JAR_LATER.finditer(text):
        main = facts.main()
        if main is not None and main.regime == "joint-area-review":
            continue
        inspection = facts.add(
            "joint-area-review", "later", Evidence(match.start(), match.end(), "later-jar")
        )
        inspection.inspectorate = "ofsted" if re.search(r"Ofsted", text) else None
        inspection.year = match.group("y")
    main = facts.main()
    if main is not None and main.regime == "ssi-annual-review":
        earlier = re.search(
            r"\b(?:last|previous|preceding)\s+(?:year['\u2019]s\s+)?annual\s+review\b", text, re.I
        )
        if earlier is not None:
            cited = facts.add(
                "ssi-annual-review",
                "earlier",
                Evidence(earlier.start(), earlier.end(), "earlier-annual-review"),
            )
            # Before April 2004 only the SSI held annual reviews.
            cited.inspectorate = "ssi" if main.inspectorate == "ssi" else None
        pattern = re.compile(
            r"star ratings?[^.\n]{0,60}?\b(?:confirmed|published|announced)\s+"
            r"(?:in|during|on)\s+",
            re.I,
        )
        for match in pattern.finditer(text):
            evidence = Evidence(match.start(), match.end(), "later-star-rating")
            star = facts.add("star-ratings-2002-2005", "later", evidence)
            star.inspectorate = main.inspectorate
            star.year = main.period
            dates = find_dates(text, match.end(), min(len(text), match.end() + 30))
            if dates and dates[0].start == match.end():
                when = dates[0]
                star.evidence[-1] = Evidence(match.start(), when.end, "later-star-rating")
                if when.value is not None:
                    star.report_issued = (
                        when.value,
                        Evidence(match.start(), when.end, "later-star-rating"),
                    )
                else:
                    facts.note(
                        "ambiguous date",
                        f"star ratings dated {text[when.start : when.end]!r}: {when.problem}",
                        Evidence(when.start, when.end, "later-star-rating"),
                    )
            else:
                month = re.match(
                    r"(January|February|March|April|May|June|July|August|September|"
                    r"October|November|December)\b",
                    text[match.end() :],
                )
                if month:
                    facts.note(
                        "ambiguous date",
                        f"star ratings due in {month.group(0)!r}, no year",
                        Evidence(match.end(), match.end() + month.end(), "later-star-rating"),
                    )
            break
