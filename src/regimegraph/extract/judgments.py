"""Judgments, as papers word them, mapped onto the scales' value IRIs (ontology/scales.ttl).

Each rule reads one wording: "rated a 2 star authority", "This equates to a 2
Star Rating", "serving some people well" or "Serving people well? - Most",
"promising prospects", "Capacity for improvement - promising", "delivering
good outcomes", "good on each individual outcome", "excellent leadership",
"performing well", CQC's "Score: 2" (or "Score: two", "scored 3 out of 4")
under a quality statement's name, and the overall "Good". The dimension comes
from the regime recognised (and, for the 2002-05 ratings, from whether the
sentence is about children's or adults' services); a judgment whose service
area cannot be told, or that contradicts another, goes to the review summary.

A judgment in a sentence that speaks of a "previous" or "last" judgment is an
earlier one: it is recorded on an earlier inspection of the same regime, which
the main inspection names as its rg:previousInspection.
"""

from __future__ import annotations

import re

from .model import Evidence, Inspection, Judgment, PaperFacts
from .text import NUMBER, number, sentence_bounds

_STARS = re.compile(r"\b(?P<n>zero|no|one|two|three|[0-3])[\s-]*stars?\b", re.I)
_STARS_NOT = re.compile(
    r"scale|from\s+(?:zero|0)\b|\bto achieve|top overall|maximum|needs? to|would|could|between|"
    r"range|\bor\b|\bof\s+the\s+\w+\s+councils",
    re.I,
)
_SERVING = re.compile(
    r"serving\s+(?P<v>all|most|some|no)\s+(?:people|adults|children(?:\s+and\s+families)?)?"
    r"\s*well|serving\s+people\s+well\??\s*[-\u2013\u2014:]\s*['\u2018\"\u201c]?(?P<v2>yes|all|most|some|no)\b",
    re.I,
)
_SERVING_VALUE = {
    "all": "serving-yes",
    "yes": "serving-yes",
    "most": "serving-most",
    "some": "serving-some",
    "no": "serving-no",
}
_GRADE4 = r"(?P<g>excellent|promising|uncertain|poor)"
_PROSPECTS = re.compile(
    _GRADE4 + r"\s+(?:prospects|capacity)(?P<for>\s+for\s+(?:commissioning|improvement))?"
    r"|(?:prospects|capacity)\s+(?:for|to|of)\s+improve(?:ment)?['\u2019\"\u201d]?\s*(?:is|was|are|were|as|"
    r"to\s+be|judged|assessed|rated|[-\u2013\u2014:])*\s*(?:as\s+)?['\u2018\"\u201c]?(?P<g2>excellent|promising|"
    r"uncertain|poor)",
    re.I,
)
_LEADERSHIP = re.compile(r"\b(?P<g>excellent|promising|uncertain|poor)\s+leadership\b", re.I)
_OUTCOMES = re.compile(
    r"deliver(?:ing|s|ed)?\s+(?P<g>poor|adequate|good|excellent)\s+outcomes|deliver(?:y|ing)\s+of"
    r"\s+outcomes['\u2019\"\u201d]?\s*(?:is|was|as|to\s+be|judged|[-\u2013\u2014:])*\s*(?:as\s+)?['\u2018\"\u201c]?"
    r"(?P<g2>poor|adequate|good|excellent)",
    re.I,
)
_EACH_OUTCOME = re.compile(
    r"\b(?P<g>poor|adequate|good|excellent)\s+(?:on|in|for|across)\s+(?:each|every|all)\s+"
    r"(?:of\s+the\s+)?(?:individual\s+|seven\s+)?outcomes?",
    re.I,
)
OUTCOME_DIMENSIONS = (
    ("outcome-1-health-wellbeing", r"improved health and emotional well[\s\u2013-]*being"),
    ("outcome-2-quality-of-life", r"improved quality of life"),
    ("outcome-3-positive-contribution", r"making a positive contribution"),
    ("outcome-4-choice-control", r"increased choice and control"),
    ("outcome-5-freedom-from-discrimination", r"freedom from discrimination (?:or|and) harassment"),
    ("outcome-6-economic-wellbeing", r"economic well[\s\u2013-]*being"),
    ("outcome-7-dignity-respect", r"maintaining personal dignity and respect"),
)
_APA_WORD = re.compile(
    r"(?:performing|performs|performed)\s+(?P<g>poorly|adequately|well|excellently)"
    r"|(?:overall\s+)?(?:rating|grading|grade|judgement|judgment)\s+(?:of\s+)?['\u2018\"\u201c]"
    r"(?P<g2>poor|adequate|well|excellent)['\u2019\"\u201d]",
    re.I,
)
_APA_VALUE = {
    "poor": "cqc-apa-poorly",
    "poorly": "cqc-apa-poorly",
    "adequate": "cqc-apa-adequately",
    "adequately": "cqc-apa-adequately",
    "well": "cqc-apa-well",
    "excellent": "cqc-apa-excellently",
    "excellently": "cqc-apa-excellently",
}
CQC_STATEMENTS = (
    ("cqc-qs1-assessing-needs", r"Assessing needs"),
    ("cqc-qs2-supporting-healthier-lives", r"Supporting people to l(?:ead|ive) healthier lives"),
    ("cqc-qs3-equity-experience-outcomes", r"Equity in experiences? and outcomes"),
    (
        "cqc-qs4-care-provision-integration-continuity",
        r"Care provision,? integration and continuity",
    ),
    ("cqc-qs5-partnerships-communities", r"Partnerships and communities"),
    (
        "cqc-qs6-safe-pathways-systems-transitions",
        r"Safe (?:pathways,? systems|systems,? pathways) and transitions",
    ),
    ("cqc-qs7-safeguarding", r"Safeguarding"),
    ("cqc-qs8-governance-management-sustainability", r"Governance,? management and sustainability"),
    ("cqc-qs9-learning-improvement-innovation", r"Learning,? improvement and innovation"),
)
_SCORE_AFTER = re.compile(
    r"[\s|:,\t-]*(?:\n\s*)*(?:(?:quality statement\s+)?score[ds]?\s*(?:of|:|=|-)?\s*|scored\s+)?"
    r"(?P<n>[1-4]|one|two|three|four)\b(?:\s*(?:out of|/)\s*4)?",
    re.I,
)
_CQC_RATING = re.compile(
    r"(?:overall rating|rating and score|rated(?: overall)?(?: as)?|overall,?[^.\n]{0,40}?rated)"
    r"[^\n]{0,5}(?:\n[^\n]{0,80}){0,3}?\W*\b(?P<r>Outstanding|Good|Requires improvement|"
    r"Inadequate)\b",
    re.I,
)
_OFSTED_GRADE = re.compile(
    r"overall effectiveness[^.\n]{0,40}?(?:grade\s*)?(?P<n>[1-4])\b|overall effectiveness[^.\n]"
    r"{0,40}?['\u2018\"\u201c]?(?P<w>outstanding|excellent|good|adequate|inadequate)",
    re.I,
)
_OFSTED_WORD = {
    "inadequate": "ofsted-1",
    "adequate": "ofsted-2",
    "good": "ofsted-3",
    "outstanding": "ofsted-4",
    "excellent": "ofsted-4",
}
_EARLIER = re.compile(r"\b(?:previous|previously|last year|last time|earlier|prior)\b", re.I)
_COUNT_STRENGTHS = re.compile(
    r"(?P<over>over|more than|at least|in excess of)?\s*(?P<n>" + NUMBER + r")\s+(?:distinct\s+)?"
    r"(?:key\s+)?(?:areas?\s+of\s+)?strengths?\b",
    re.I,
)
_COUNT_AREAS = re.compile(
    r"(?P<n>" + NUMBER + r")\s+(?:key\s+)?areas?\s+(?:for|of|requiring)\s+(?:further\s+)?"
    r"(?:development|improvement)s?\b",
    re.I,
)


def _rated_stars(text: str) -> re.Match[str] | None:
    """The first star rating stated as awarded ("awarded two stars", "rated a 2 star council")."""
    for match in _STARS.finditer(text):
        start, _ = sentence_bounds(text, match.start())
        if not _STARS_NOT.search(text[max(start, match.start() - 60) : match.start()]):
            return match
    return None


def _area(text: str, at: int, default: str | None) -> str | None:
    """children or adults: from the sentence, else the nearest heading above, else the default."""
    start, end = sentence_bounds(text, at)
    here = text[start:end].lower()
    kids, adults = "child" in here, "adult" in here
    if kids != adults:
        return "children" if kids else "adults"
    window = text[max(0, at - 250) : at].lower()
    k, a = window.rfind("child"), window.rfind("adult")
    if k != a:
        return "children" if k > a else "adults"
    return default


def _target(facts: PaperFacts, main: Inspection, at: int) -> Inspection:
    """The main inspection, or an earlier one of its regime when the sentence says so."""
    text = facts.document.text
    start, end = sentence_bounds(text, at)
    cue = _EARLIER.search(text, start, end)
    if cue is None or cue.start() > at:
        return main
    earlier = facts.add(main.regime, "earlier", Evidence(start, end, "earlier-judgment"))
    year = re.search(r"\b(?:19|20)\d\d\b", text[cue.start() : end])
    if year and earlier.year is None:
        earlier.year = year.group(0)
    return earlier


def _add(
    facts: PaperFacts, inspection: Inspection, dimension: str, value: str, evidence: Evidence
) -> None:
    """Record a judgment once; two different values for one dimension record neither.

    A paper that reads both ways ("changed from promising to uncertain" without
    a cue the extractor knows) is reported, not settled by picking one.
    """
    key = (inspection.regime, inspection.role, dimension)
    if key in facts.contested:
        return
    for known in inspection.judgments:
        if known.dimension == dimension:
            if known.value != value:
                inspection.judgments.remove(known)
                facts.contested.add(key)
                facts.note(
                    "conflicting judgment",
                    f"{dimension} is read as both {known.value} and {value}; neither is recorded",
                    evidence,
                )
            return
    inspection.judgments.append(Judgment(dimension, value, evidence))


def find_judgments(facts: PaperFacts) -> None:
    """Every judgment the paper states, on the main inspection or an earlier one."""
    main = facts.main()
    if main is None:
        return
    text = facts.document.text
    if main.regime == "ssi-annual-review" and (_SERVING.search(text) or _rated_stars(text)):
        # An annual review paper that states ratings reports the star rating the
        # review fed: the judgments belong to that rating, not to the review.
        rating = facts.find("star-ratings-2002-2005", "later")
        if rating is None:
            first = _SERVING.search(text) or _rated_stars(text)
            assert first is not None
            rating = facts.add(
                "star-ratings-2002-2005",
                "later",
                Evidence(first.start(), first.end(), "star-rating-in-review"),
            )
            rating.inspectorate = main.inspectorate
            rating.year = main.period
        main = rating
    regime = main.regime
    if regime == "cqc-la-assessment":
        _cqc_la(facts, main)
        _counts(facts, main)
        return
    if regime in ("ofsted-children-apa", "joint-area-review"):
        for match in _OFSTED_GRADE.finditer(text):
            value = f"ofsted-{match['n']}" if match["n"] else _OFSTED_WORD[match["w"].lower()]
            _add(
                facts,
                _target(facts, main, match.start()),
                "ofsted-overall-effectiveness",
                value,
                Evidence(match.start(), match.end(), "ofsted-overall"),
            )
        return
    default_area = {
        "childrens-social-care-inspection": "children",
        "csci-adult-performance-2006-2008": "adults",
    }.get(regime)
    if regime in ("star-ratings-2002-2005", "csci-adult-performance-2006-2008"):
        for match in _STARS.finditer(text):
            start, end = sentence_bounds(text, match.start())
            before = text[max(start, match.start() - 60) : match.start()]
            after = text[match.end() : min(end, match.end() + 30)]
            if _STARS_NOT.search(before) or re.match(r"\s*rating\s+is\s+described", after, re.I):
                continue
            stars = number(match["n"]) if not match["n"].isdigit() else int(match["n"])
            if stars is None:
                continue
            _add(
                facts,
                _target(facts, main, match.start()),
                "star-rating",
                f"stars-{stars}",
                Evidence(match.start(), match.end(), "stars"),
            )
    if regime in ("star-ratings-2002-2005", "childrens-social-care-inspection"):
        for match in _SERVING.finditer(text):
            word = (match["v"] or match["v2"]).lower()
            area = _area(text, match.start(), default_area)
            evidence = Evidence(match.start(), match.end(), "serving-people-well")
            if area is None:
                facts.note(
                    "unresolved judgment",
                    "serving people well, but of children or adults?",
                    evidence,
                )
                continue
            _add(
                facts,
                _target(facts, main, match.start()),
                f"{area}-serving-people-well",
                _SERVING_VALUE[word],
                evidence,
            )
    for match in _PROSPECTS.finditer(text):
        grade = (match["g"] or match["g2"]).lower()
        evidence = Evidence(match.start(), match.end(), "prospects")
        if match["for"] and "commissioning" in match["for"].lower():
            if regime == "csci-adult-performance-2006-2008":
                _add(facts, main, "commissioning-use-of-resources", f"prospects-{grade}", evidence)
            continue
        if regime in ("csci-adult-performance-2006-2008",):
            _add(
                facts,
                _target(facts, main, match.start()),
                "capacity-to-improve",
                f"prospects-{grade}",
                evidence,
            )
        elif regime in ("star-ratings-2002-2005", "childrens-social-care-inspection"):
            area = _area(text, match.start(), default_area)
            if area is None:
                facts.note("unresolved judgment", "prospects, but of children or adults?", evidence)
                continue
            _add(
                facts,
                _target(facts, main, match.start()),
                f"{area}-prospects",
                f"prospects-{grade}",
                evidence,
            )
    if regime == "csci-adult-performance-2006-2008":
        _csci_adult(facts, main)
    if regime == "cqc-adult-apa-2008-2010":
        for match in _APA_WORD.finditer(text):
            grade = (match["g"] or match["g2"]).lower()
            _add(
                facts,
                _target(facts, main, match.start()),
                "cqc-apa-overall",
                _APA_VALUE[grade],
                Evidence(match.start(), match.end(), "cqc-apa-overall"),
            )
    reported = facts.main()
    if reported is not None:
        _counts(facts, reported)


def _csci_adult(facts: PaperFacts, main: Inspection) -> None:
    text = facts.document.text
    for match in _OUTCOMES.finditer(text):
        grade = (match["g"] or match["g2"]).lower()
        _add(
            facts,
            _target(facts, main, match.start()),
            "delivering-outcomes",
            f"outcome-{grade}",
            Evidence(match.start(), match.end(), "delivering-outcomes"),
        )
    for match in _LEADERSHIP.finditer(text):
        _add(
            facts,
            main,
            "leadership",
            f"prospects-{match['g'].lower()}",
            Evidence(match.start(), match.end(), "leadership"),
        )
    for match in _EACH_OUTCOME.finditer(text):
        evidence = Evidence(match.start(), match.end(), "each-outcome")
        for dimension, _ in OUTCOME_DIMENSIONS:
            _add(facts, main, dimension, f"outcome-{match['g'].lower()}", evidence)
    for dimension, label in OUTCOME_DIMENSIONS:
        pattern = re.compile(
            # "label: Good", "label is good", or a table row read as "label\nGood".
            label
            + r"(?:\s*[-\u2013\u2014:|]\s*|\s+(?:is|was|were|as|rated|judged)\s+|[ \t]*\n[ \t]*)"
            r"['\u2018\"\u201c]?(?P<g>poor|adequate|good|excellent)\b",
            re.I,
        )
        for match in pattern.finditer(text):
            _add(
                facts,
                main,
                dimension,
                f"outcome-{match['g'].lower()}",
                Evidence(match.start(), match.end(), "outcome-grade"),
            )


def _cqc_la(facts: PaperFacts, main: Inspection) -> None:
    text = facts.document.text
    for dimension, label in CQC_STATEMENTS:
        for match in re.finditer(r"(?m)^[ \t]*(?:QS\d\s*[-:]?\s*)?" + label + r"\b", text):
            score = _SCORE_AFTER.match(text, match.end())
            if score is None or score.end() - match.end() > 80:
                continue
            n = number(score["n"])
            if n is None:
                continue
            _add(
                facts,
                main,
                dimension,
                f"cqc-score-{n}",
                Evidence(match.start(), score.end(), "cqc-quality-statement-score"),
            )
            break
    overall = _CQC_RATING.search(text)
    if overall is not None:
        rating = overall["r"].lower().replace(" ", "-")
        _add(
            facts,
            main,
            "cqc-overall-rating",
            f"cqc-rating-{rating}",
            Evidence(overall.start(), overall.end(), "cqc-overall-rating"),
        )


def _counts(facts: PaperFacts, main: Inspection) -> None:
    text = facts.document.text
    match = _COUNT_STRENGTHS.search(text)
    if match is not None and number(match["n"]) is not None:
        main.strength_count = (
            number(match["n"]) or 0,
            bool(match["over"]),
            Evidence(
                match.start() + (len(match.group(0)) - len(match.group(0).lstrip())),
                match.end(),
                "strength-count",
            ),
        )
    match = _COUNT_AREAS.search(text)
    if match is not None and number(match["n"]) is not None:
        main.development_count = (
            number(match["n"]) or 0,
            Evidence(match.start(), match.end(), "development-count"),
        )
