"""Every inspection regime in its years, for one council: inspections, their documents
and judgments, the presentations and statements of action the obligations require.

Regimes, inspectorates and dates follow reference/regimes.ttl and
reference/organisations.ttl: the SSI until March 2004, CSCI from April 2004 to
March 2009, CQC from April 2009, Ofsted throughout. Values are the scale values
of ontology/scales.ttl. A council is only inspected while it exists.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from fractions import Fraction
from math import floor

from .. import deadlines
from .context import CouncilWriter, duty_iri
from .england import STAR_PRIOR, cqc_months, cqc_score_rows, star_weights
from .writer import day, long_date, long_month, month, text, weekday_after, weekday_before

SSI_END = date(2004, 3, 31)

# (dimension, short name, scale) of each regime's judgments; the first is the headline.
STAR_DIMENSIONS = (
    ("star-rating", "star-rating", "stars"),
    ("children-serving-people-well", "children-serving", "serving"),
    ("children-prospects", "children-prospects", "prospects"),
    ("adults-serving-people-well", "adults-serving", "serving"),
    ("adults-prospects", "adults-prospects", "prospects"),
)
CSCI_OUTCOMES = (
    "outcome-1-health-wellbeing", "outcome-2-quality-of-life", "outcome-3-positive-contribution",
    "outcome-4-choice-control", "outcome-5-freedom-from-discrimination",
    "outcome-6-economic-wellbeing", "outcome-7-dignity-respect",
)  # fmt: skip
OFSTED_DIMENSIONS = (
    "ecm-being-healthy", "ecm-staying-safe", "ecm-enjoying-achieving",
    "ecm-positive-contribution", "ecm-economic-wellbeing", "ofsted-capacity-to-improve",
    "ofsted-service-management",
)  # fmt: skip
CQC_APA_OUTCOMES = tuple(f"cqc-apa-{o}" for o in CSCI_OUTCOMES)
CQC_STATEMENTS = (
    "cqc-qs1-assessing-needs", "cqc-qs2-supporting-healthier-lives",
    "cqc-qs3-equity-experience-outcomes", "cqc-qs4-care-provision-integration-continuity",
    "cqc-qs5-partnerships-communities", "cqc-qs6-safe-pathways-systems-transitions",
    "cqc-qs7-safeguarding", "cqc-qs8-governance-management-sustainability",
    "cqc-qs9-learning-improvement-innovation",
)  # fmt: skip

SCALES = {
    "stars": ("stars-0", "stars-1", "stars-2", "stars-3"),
    "serving": ("serving-no", "serving-some", "serving-most", "serving-yes"),
    "prospects": ("prospects-poor", "prospects-uncertain", "prospects-promising",
                  "prospects-excellent"),
    "outcome": ("outcome-poor", "outcome-adequate", "outcome-good", "outcome-excellent"),
    "ofsted": ("ofsted-4", "ofsted-3", "ofsted-2", "ofsted-1"),  # worst to best
    "cqc-apa": ("cqc-apa-poorly", "cqc-apa-adequately", "cqc-apa-well", "cqc-apa-excellently"),
}
# A value on some other scale, for a planted off-scale judgment.
OFF_SCALE = {
    "serving": "prospects-promising", "prospects": "outcome-good", "outcome": "ofsted-2",
    "ofsted": "outcome-good", "cqc-apa": "ofsted-2",
}
# CQC rating bands (ontology/scales.ttl), on the percentage rounded half up.
CQC_BANDS = ((25, 38, "inadequate"), (39, 62, "requires-improvement"), (63, 87, "good"),
             (88, 100, "outstanding"))  # fmt: skip
# Shares of each grade, worst to best [assumption, from the published national
# summaries' orders of magnitude: few councils at the bottom].
OFSTED_WEIGHTS = (0.03, 0.22, 0.55, 0.20)
CQC_APA_WEIGHTS = (0.01, 0.12, 0.60, 0.27)
CSCI_STAR_PRIOR = (0.02, 0.18, 0.55, 0.25)


def grade(rng: random.Random, weights: tuple[float, ...]) -> int:
    return rng.choices(range(len(weights)), weights=weights)[0]


def near(rng: random.Random, level: int) -> int:
    """A grade near `level` (0-3): the same, or one either side."""
    return min(3, max(0, level + rng.choice((-1, 0, 0, 0, 1))))


def cqc_band(scores: list[int]) -> str:
    """The rating the consistency rules derive: the percentage, rounded half up, banded."""
    exact = Fraction(100 * sum(scores), 4 * len(scores))
    rounded = floor(exact + Fraction(1, 2))
    for low, high, name in CQC_BANDS:
        if low <= rounded <= high:
            return name
    raise ValueError(f"{rounded}% is in no CQC band")


class Inspection:
    """One inspection's records, with the excerpt its records share (as an imported
    table row is shared by the inspection, its report and its judgments)."""

    def __init__(self, cw: CouncilWriter, slug: str, regime: str, inspectorate: str,
                 year: int, excerpt_text: str, extra: list[tuple[str, str]] | None = None):
        self.cw = cw
        self.short = slug
        self.slug = f"{cw.council.key}-{slug}"
        self.iri = f"inspection:{self.slug}"
        self.rng = cw.rng(slug)
        self.excerpt = cw.excerpt(cw.papers(year), slug, excerpt_text)
        self.inspectorate = inspectorate
        if cw.breaks_here(self.rng):
            self.inspectorate = self._wrong_inspectorate(year)
        cw.sink.node(self.iri, [
            ("a", "rg:Inspection"),
            ("rg:council", cw.council.iri),
            ("rg:regime", f"regime:{regime}"),
            ("rg:inspectorate", f"inspectorate:{self.inspectorate}"),
            *(extra or []),
            ("prov:wasDerivedFrom", self.excerpt),
        ])

    def _wrong_inspectorate(self, year: int) -> str:
        """An inspectorate that did not exist when the inspection was made."""
        if year <= 2003:
            self.cw.breaks.add("inspectorate not yet in being",
                               "InspectionWithinLifetimes-inspectorate-begun", "violation",
                               self.iri)
            return "cqc"
        self.cw.breaks.add("inspectorate already abolished",
                           "InspectionWithinLifetimes-inspectorate-not-ended", "violation",
                           self.iri)
        return "ssi"

    def document(self, kind: str, suffix: str, dates: list[tuple[str, str]],
                 label: str | None = None) -> str:
        iri = f"document:{self.slug}-{suffix}"
        pairs = [("a", f"rg:{kind}"), ("prov:wasGeneratedBy", self.iri),
                 ("rg:council", self.cw.council.iri), *dates]
        if label:
            pairs.append(("rdfs:label", text(label, "en")))
        pairs.append(("prov:wasDerivedFrom", self.excerpt))
        self.cw.sink.node(iri, pairs)
        return iri

    def judgment(self, dimension: str, short: str, value: str, *, detail: bool = False,
                 scale: str | None = None) -> str:
        """A judgment; a detail judgment may be planted off its dimension's scale."""
        iri = f"judgment:{self.slug}-{short}"
        rng = self.cw.rng(f"{self.slug}-{short}")
        if detail and scale in OFF_SCALE and self.cw.breaks_here(rng):
            value = OFF_SCALE[scale]
            self.cw.breaks.add("judgment value off its scale", "JudgmentValueOnScale-scale",
                               "violation", iri)
        pairs = [
            ("a", "rg:Judgment"),
            ("rg:inspection", self.iri),
            ("rg:dimension", f"dimension:{dimension}"),
            ("rg:value", f"value:{value}"),
            ("prov:wasDerivedFrom", self.excerpt),
        ]
        if detail:
            self.cw.detail_triples += len(pairs)
        self.cw.sink.node(iri, pairs)
        return iri

    def detailed(self) -> bool:
        return self.rng.random() < self.cw.plan.detail


def write_regimes(cw: CouncilWriter) -> None:
    """Every regime's inspections of this council, oldest first."""
    ssi_annual_reviews(cw)
    star_ratings(cw)
    childrens_apa(cw)
    joint_area_review(cw)
    csci_adult_ratings(cw)
    cqc_adult_apa(cw)
    cqc_la_assessment(cw)


def _period(first_year: int) -> str:
    return f"{first_year}-{(first_year + 1) % 100:02d}"


def _govyear(first_year: int) -> tuple[str, str]:
    return ("rg:periodAssessed", f"govyear:{first_year}-{first_year + 1}")


def ssi_annual_reviews(cw: CouncilWriter) -> None:
    """The Annual Review of Performance letters of 2002-2005 and their presentation (O1)."""
    for first in range(2001, 2005):
        year = first + 1
        rng = cw.rng(f"ssi-annual-review-{first}")
        letter_day = date(year, 7, 1) + timedelta(days=rng.randrange(0, 110))
        if not cw.council.alive(letter_day):
            continue
        inspectorate = "ssi" if letter_day <= SSI_END else "csci"
        name = "Social Services Inspectorate" if inspectorate == "ssi" else "CSCI"
        inspection = Inspection(
            cw, f"ssi-annual-review-{_period(first)}", "ssi-annual-review", inspectorate, year,
            f"The {name} sent the Council its Annual Review of Performance letter for "
            f"{first}-{year} on {long_date(letter_day)}.", [_govyear(first)])
        letter = inspection.document("InspectionLetter", "letter", [("dcterms:date",
                                                                     day(letter_day))])
        due = deadlines.add_calendar_months(letter_day, 2)
        cw.breaks.expect_information("O2-not-shown")
        if cw.breaks_here(inspection.rng):
            if inspection.rng.random() < 0.4:
                cw.breaks.add("annual review letter never presented", "O1-not-overdue",
                              "violation", letter, duty_iri("O1", letter))
                continue
            on = weekday_after(due + timedelta(days=inspection.rng.randrange(1, 75)))
            cw.breaks.add("annual review letter presented late", "O1-not-late", "violation",
                          letter, duty_iri("O1", letter))
        else:
            gap = inspection.rng.randrange(7, (due - letter_day).days + 1)
            on = weekday_before(letter_day + timedelta(days=gap))
        cw.present(on, letter, f"Annual Review of Performance {first}-{year}",
                   f"The {cw.executive_label} received the Annual Review of Performance letter "
                   f"of {long_date(letter_day)} in open session.")


# Star rating rounds: (publication, its literal, first year assessed, inspectorate).
STAR_ROUNDS = (
    (date(2002, 5, 30), day(date(2002, 5, 30)), 2001, "ssi"),
    (date(2003, 11, 30), month(2003, 11), 2002, "ssi"),
    (date(2004, 11, 18), day(date(2004, 11, 18)), 2003, "csci"),
    (date(2005, 12, 1), day(date(2005, 12, 1)), 2004, "csci"),
)
O3_FROM = date(2004, 4, 1)


def star_ratings(cw: CouncilWriter) -> None:
    """The 2002-2005 star ratings: stars, and for detailed records the four judgments."""
    for published, literal, first, inspectorate in STAR_ROUNDS:
        if not cw.council.alive(published):
            continue
        inspection = Inspection(
            cw, f"star-rating-{_period(first)}", "star-ratings-2002-2005", inspectorate,
            published.year, f"The social services performance rating for {first}-{first + 1}, "
            f"published in {long_month(published)}.", [_govyear(first)])
        rng = inspection.rng
        stars = grade(rng, star_weights(published.year, STAR_PRIOR))
        report = inspection.document("InspectionReport", "report", [("dcterms:issued", literal)])
        if inspection.detailed():
            serving = [near(rng, stars + 1 if stars else 1), near(rng, stars + 1 if stars else 1)]
            serving = [max(1, s) for s in serving]
            if stars == 0:
                serving[rng.randrange(2)] = 0  # a failure gives zero stars
            elif cw.breaks_here(rng):
                serving[1] = 0
                cw.breaks.add("a failing service but stars given", "RatingRuleHolds-confirmed",
                              "violation", inspection.iri)
            prospects = [near(rng, stars), near(rng, stars)]
            values = [SCALES["serving"][serving[0]], SCALES["prospects"][prospects[0]],
                      SCALES["serving"][serving[1]], SCALES["prospects"][prospects[1]]]
            for (dimension, short, scale), value in zip(STAR_DIMENSIONS[1:], values, strict=True):
                # The rating rule reads the serving judgments: keep them on their scale.
                inspection.judgment(dimension, short, value, detail=True,
                                    scale=scale if scale == "prospects" else None)
        inspection.judgment("star-rating", "star-rating", f"stars-{stars}")
        if published >= O3_FROM:
            on = weekday_after(published + timedelta(days=rng.randrange(5, 70)))
            cw.present(on, report, f"Social services performance rating {published.year}",
                       f"The {cw.executive_label} received the council's star rating of "
                       f"{long_month(published)} in open session.")


CSCI_ROUNDS = (
    (date(2006, 11, 30), month(2006, 11), 2005),
    (date(2007, 11, 27), day(date(2007, 11, 27)), 2006),
    (date(2008, 11, 26), day(date(2008, 11, 26)), 2007),
)


def csci_adult_ratings(cw: CouncilWriter) -> None:
    """CSCI's adult social care ratings 2006-2008 (O3: reported in open session)."""
    for published, literal, first in CSCI_ROUNDS:
        if not cw.council.alive(published):
            continue
        inspection = Inspection(
            cw, f"csci-adult-{_period(first)}", "csci-adult-performance-2006-2008", "csci",
            published.year, f"CSCI's annual performance assessment of adult social care for "
            f"{first}-{first + 1}, published in {long_month(published)}.", [_govyear(first)])
        rng = inspection.rng
        stars = grade(rng, star_weights(published.year, CSCI_STAR_PRIOR))
        report = inspection.document("InspectionReport", "report", [("dcterms:issued", literal)])
        if inspection.detailed():
            delivering = min(3, stars + 1) if stars < 3 else 3
            outcomes = CSCI_OUTCOMES if first >= 2006 else ()
            for number, dimension in enumerate(outcomes, start=1):
                inspection.judgment(dimension, f"outcome-{number}",
                                    SCALES["outcome"][near(rng, delivering)], detail=True,
                                    scale="outcome")
            if first >= 2006:
                inspection.judgment("leadership", "leadership",
                                    SCALES["prospects"][near(rng, stars)], detail=True,
                                    scale="prospects")
                inspection.judgment("commissioning-use-of-resources", "commissioning",
                                    SCALES["prospects"][near(rng, stars)], detail=True,
                                    scale="prospects")
            inspection.judgment("delivering-outcomes", "delivering-outcomes",
                                SCALES["outcome"][delivering], detail=True, scale="outcome")
            inspection.judgment("capacity-to-improve", "capacity-to-improve",
                                SCALES["prospects"][near(rng, stars)], detail=True,
                                scale="prospects")
        inspection.judgment("star-rating", "star-rating", f"stars-{stars}")
        on = weekday_after(published + timedelta(days=rng.randrange(20, 90)))
        cw.present(on, report, f"Adult social care performance rating {first}-{first + 1}",
                   f"The {cw.executive_label} received CSCI's adult social care rating of "
                   f"{long_month(published)} in open session.")


O6_FROM = date(2007, 4, 1)


def childrens_apa(cw: CouncilWriter) -> None:
    """Ofsted's annual performance assessments 2005-2008; from 2007 a statement of action
    within 70 working days of receipt (O6b)."""
    for first in range(2004, 2008):
        year = first + 1
        rng = cw.rng(f"ofsted-apa-{first}")
        dated = date(year, 11, 1) + timedelta(days=rng.randrange(0, 45))
        if not cw.council.alive(dated):
            continue
        received = dated + timedelta(days=rng.randrange(0, 4))
        inspection = Inspection(
            cw, f"ofsted-apa-{_period(first)}", "ofsted-children-apa", "ofsted", year,
            f"Ofsted's annual performance assessment of children's services for "
            f"{first}-{year}, letter of {long_date(dated)}.", [_govyear(first)])
        overall = grade(inspection.rng, OFSTED_WEIGHTS)
        report = inspection.document(
            "InspectionReport", "letter",
            [("dcterms:date", day(dated)), ("rg:dateReceived", day(received))],
            label=f"Annual performance assessment letter {year}")
        if inspection.detailed():
            for dimension in OFSTED_DIMENSIONS:
                inspection.judgment(dimension, dimension.removeprefix("ecm-"),
                                    SCALES["ofsted"][near(inspection.rng, overall)],
                                    detail=True, scale="ofsted")
        inspection.judgment("ofsted-overall-effectiveness", "overall", SCALES["ofsted"][overall])
        if received >= O6_FROM:
            cw.breaks.expect_information("O6a-not-shown")
            _statement_of_action(cw, inspection, report, received)


def _statement_of_action(cw: CouncilWriter, inspection: Inspection, report: str,
                         received: date) -> None:
    rng = cw.rng(f"{inspection.slug}-plan")
    due = deadlines.add_working_days(received, 70)
    if cw.breaks_here(rng):
        if rng.random() < 0.4:
            cw.breaks.add("no statement of action", "O6b-not-overdue", "violation", report,
                          duty_iri("O6b", report))
            return
        issued = weekday_after(due + timedelta(days=rng.randrange(1, 60)))
        cw.breaks.add("statement of action late", "O6b-not-late", "violation", report,
                      duty_iri("O6b", report))
    else:
        gap = rng.randrange(14, (due - received).days + 1)
        issued = weekday_before(received + timedelta(days=gap))
    plan = f"plan:{inspection.slug}"
    excerpt = cw.excerpt(cw.papers(issued.year), f"{inspection.short}-plan",
                         f"The Council published its statement of action on {long_date(issued)}.")
    cw.sink.node(plan, [
        ("a", "rg:ActionPlan"),
        ("rg:respondsTo", inspection.iri),
        ("rg:council", cw.council.iri),
        ("dcterms:issued", day(issued)),
        ("prov:wasDerivedFrom", excerpt),
    ])


def joint_area_review(cw: CouncilWriter) -> None:
    """One joint area review per council, September 2005 to 2008 (O4 is information only)."""
    rng = cw.rng("jar")
    start = date(2005, 10, 3) + timedelta(days=rng.randrange(0, 3 * 365))
    end = start + timedelta(days=rng.randrange(9, 19))
    received = end + timedelta(days=rng.randrange(40, 90))
    if not (cw.council.alive(start) and cw.council.alive(received)):
        return
    inspection = Inspection(
        cw, f"jar-{received.year}", "joint-area-review", "ofsted", received.year,
        f"The joint area review of children's services, fieldwork {long_date(start)} to "
        f"{long_date(end)}, report received {long_date(received)}.",
        [("rg:fieldworkStart", day(start)), ("rg:fieldworkEnd", day(end))])
    overall = grade(inspection.rng, OFSTED_WEIGHTS)
    inspection.document("InspectionReport", "report",
                        [("dcterms:date", day(received)), ("rg:dateReceived", day(received))])
    cw.breaks.expect_information("O4-not-shown")
    if inspection.detailed():
        for dimension in OFSTED_DIMENSIONS:
            inspection.judgment(dimension, dimension.removeprefix("ecm-"),
                                SCALES["ofsted"][near(inspection.rng, overall)], detail=True,
                                scale="ofsted")
    inspection.judgment("ofsted-overall-effectiveness", "overall", SCALES["ofsted"][overall])


CQC_APA_ROUNDS = ((date(2009, 12, 3), day(date(2009, 12, 3)), 2008),
                  (date(2010, 11, 30), month(2010, 11), 2009))


def cqc_adult_apa(cw: CouncilWriter) -> None:
    """CQC's adult social care assessments for 2008/09 and 2009/10."""
    for published, literal, first in CQC_APA_ROUNDS:
        if not cw.council.alive(published):
            continue
        inspection = Inspection(
            cw, f"cqc-apa-{_period(first)}", "cqc-adult-apa-2008-2010", "cqc", published.year,
            f"CQC's assessment of adult social care for {first}-{first + 1}, published "
            f"{long_month(published)}.", [_govyear(first)])
        overall = grade(inspection.rng, CQC_APA_WEIGHTS)
        inspection.document("InspectionReport", "report", [("dcterms:issued", literal)])
        if inspection.detailed():
            for number, dimension in enumerate(CQC_APA_OUTCOMES, start=1):
                inspection.judgment(dimension, f"outcome-{number}",
                                    SCALES["cqc-apa"][near(inspection.rng, overall)],
                                    detail=True, scale="cqc-apa")
        inspection.judgment("cqc-apa-overall", "overall", SCALES["cqc-apa"][overall])


def cqc_la_assessment(cw: CouncilWriter) -> None:
    """A CQC local authority assessment: scores drawn from the real table's rows, the
    rating their band (a planted break publishes a neighbouring band)."""
    rng = cw.rng("cqc-la")
    year, number = rng.choice(cqc_months())
    if not cw.council.alive(date(year, number, 1)):
        return
    scores = list(rng.choice(cqc_score_rows()))
    if rng.random() < 0.3:
        k = rng.randrange(9)
        scores[k] = min(4, max(1, scores[k] + rng.choice((-1, 1))))
    when = f"{year}-{number:02d}"
    inspection = Inspection(
        cw, f"cqc-la-{when}", "cqc-la-assessment", "cqc", year,
        f"CQC's assessment of the Council's Care Act duties, published {when}: quality "
        f"statement scores {' '.join(map(str, scores))}.")
    inspection.document("InspectionReport", "report", [("dcterms:issued", month(year, number))])
    for k, (dimension, score) in enumerate(zip(CQC_STATEMENTS, scores, strict=True), start=1):
        inspection.judgment(dimension, f"qs{k}", f"cqc-score-{score}")
    band = cqc_band(scores)
    if cw.breaks_here(inspection.rng):
        names = [b[2] for b in CQC_BANDS]
        k = names.index(band)
        band = names[k + 1] if k + 1 < len(names) else names[k - 1]
        cw.breaks.add("overall rating disagrees with the scores", "CqcRatingAgreesWithScores-band",
                      "violation", inspection.iri)
    inspection.judgment("cqc-overall-rating", "overall", f"cqc-rating-{band}")
