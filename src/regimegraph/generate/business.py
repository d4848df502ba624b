"""The numerous records: committee meetings and their agenda items, and Section 42
safeguarding enquiries. These are what make a generated England large.

Rates are England's, roughly [assumption, orders of magnitude]: each body
concerned with social care meets eight to eleven times a year with about eight
items; England's councils conclude about 170,000 Section 42 enquiries a year
(NHS England, Safeguarding Adults Collection), shared out by council size. A
generated England samples a fraction (`Plan.business`) of that business; the
fraction is chosen so the whole lands on the size asked for.

Oxfordshire's enquiries are judged against its 20-working-day local target
(the only Section 42 target in reference/obligations.ttl); the others carry
realistic completion times that no rule judges.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date, timedelta

from .. import deadlines
from .context import CouncilWriter, duty_iri
from .england import OXFORDSHIRE, Council
from .writer import day, long_date, month, text, weekday_after, weekday_before

FIRST_YEAR, LAST_YEAR = 2001, 2025
LAST_DAY = date(2025, 9, 30)  # nothing later: every duty is due before 2026
ITEMS_MEAN = 8.0
ENQUIRIES_PER_YEAR = 170_000
CARE_ACT = date(2015, 4, 1)

# (slug, label, kind, meetings a year, first year, weekday): the bodies whose
# business touches social care [assumption: a typical upper-tier council].
BODIES = (
    ("executive", "", "body-executive", 11, FIRST_YEAR, 1),
    ("adult-social-care-scrutiny", "Adult Social Care and Health Scrutiny Committee",
     "body-scrutiny", 8, FIRST_YEAR, 3),
    ("childrens-services-scrutiny", "Children's Services Scrutiny Committee",
     "body-scrutiny", 8, FIRST_YEAR, 2),
    ("corporate-parenting-panel", "Corporate Parenting Panel", "body-committee", 6, 2003, 4),
    ("health-and-wellbeing-board", "Health and Wellbeing Board", "body-committee", 5, 2013, 3),
)
TITLES = {
    "executive": ("Financial monitoring report", "Adult social care charging policy",
                  "Children's services improvement plan", "Capital programme update",
                  "Commissioning strategy for older people", "Performance scorecard",
                  "Home care contract award", "Exempt: property transaction"),
    "adult-social-care-scrutiny": ("Adult social care performance report",
                                   "Safeguarding adults annual report", "Hospital discharge",
                                   "Carers strategy", "Market position statement",
                                   "Deprivation of Liberty Safeguards update"),
    "childrens-services-scrutiny": ("Children's social care performance", "Ofsted action plan",
                                    "Looked after children sufficiency", "Early help offer",
                                    "Child protection plans review"),
    "corporate-parenting-panel": ("Looked after children health", "Care leavers offer",
                                  "Fostering service annual report", "Virtual school report"),
    "health-and-wellbeing-board": ("Joint strategic needs assessment", "Better Care Fund plan",
                                   "Health and wellbeing strategy", "Pharmaceutical needs"),
}
MEETING_TRIPLES, ITEM_TRIPLES, EXCERPT_TRIPLES, ENQUIRY_TRIPLES = 4, 6, 4, 5
SOURCE_TRIPLES = 3


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method below 30, a rounded normal above)."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _year_share(year: int, first: date) -> float:
    """The part of `year` from `first` to LAST_DAY."""
    start = max(date(year, 1, 1), first)
    end = min(date(year, 12, 31), LAST_DAY)
    return max(0, (end - start).days + 1) / 365.0


def _council_years(council: Council, first: date) -> Iterator[tuple[int, float]]:
    for year in range(max(FIRST_YEAR, first.year), LAST_YEAR + 1):
        begin = max(date(year, 1, 1), first, council.start or first)
        end = min(date(year, 12, 31), LAST_DAY, council.end or LAST_DAY)
        if end >= begin:
            yield year, ((end - begin).days + 1) / 365.0


def expected_triples(councils: tuple[Council, ...], weights: dict[str, float]) -> float:
    """The triples `write_business` writes on average at `Plan.business` = 1."""
    total = 0.0
    per_meeting = MEETING_TRIPLES + EXCERPT_TRIPLES + ITEM_TRIPLES * ITEMS_MEAN
    per_enquiry = ENQUIRY_TRIPLES + EXCERPT_TRIPLES
    share = ENQUIRIES_PER_YEAR / sum(weights.values())
    for council in councils:
        for _slug, _label, _kind, rate, first, _weekday in BODIES:
            for _year, part in _council_years(council, date(first, 1, 1)):
                total += rate * part * per_meeting
        for _year, part in _council_years(council, CARE_ACT):
            total += share * weights[council.key] * part * per_enquiry + SOURCE_TRIPLES
    return total


def write_business(cw: CouncilWriter, enquiry_share: float) -> None:
    """This council's sampled meetings and enquiries."""
    for slug, label, kind, rate, first, weekday in BODIES:
        for year, part in _council_years(cw.council, date(first, 1, 1)):
            _meetings(cw, slug, label, kind, year, rate * part, weekday)
    for year, part in _council_years(cw.council, CARE_ACT):
        _enquiries(cw, year, enquiry_share * part)


def _meetings(cw: CouncilWriter, slug: str, label: str, kind: str, year: int, rate: float,
              weekday: int) -> None:
    rng = cw.rng(f"meetings-{slug}-{year}")
    count = min(52, poisson(rng, rate * cw.plan.business))
    if not count:
        return
    council = cw.council
    if slug == "executive":
        slug, label = cw.executive_slug, cw.executive_label
    body = cw.body(slug, label, kind)
    jan1 = date(year, 1, 1)
    first_weekday = jan1 + timedelta(days=(weekday - jan1.weekday()) % 7)
    for week in sorted(rng.sample(range(52), count)):
        on = first_weekday + timedelta(weeks=week)
        if not (council.alive(on) and on <= LAST_DAY) or (
            slug == cw.executive_slug and cw.executive_day_taken(on)
        ):
            continue
        meeting = f"meeting:{council.key}-{slug}-{on.isoformat()}"
        excerpt = cw.excerpt(cw.papers(year), f"{slug}-{on.isoformat()}",
                             f"Minutes of the meeting of the {label} held on {long_date(on)}.")
        pairs = [("a", "rg:Meeting"), ("rg:body", body), ("dcterms:date", day(on)),
                 ("prov:wasDerivedFrom", excerpt)]
        if cw.breaks_here(rng):
            if rng.random() < 0.5:
                del pairs[1]
                cw.breaks.add("meeting of no body", "MeetingRecord-one-body", "violation",
                              meeting)
            else:
                pairs[2] = ("dcterms:date", month(on.year, on.month))
                cw.breaks.add("meeting dated to the month", "MeetingRecord-one-day",
                              "violation", meeting)
        cw.sink.node(meeting, pairs)
        titles = TITLES[slug if slug in TITLES else "executive"]
        for number in range(1, 3 + poisson(rng, ITEMS_MEAN - 2)):
            item = f"{meeting.replace('meeting:', 'item:', 1)}-{number}"
            title = rng.choice(titles)
            pairs = [("a", "rg:AgendaItem"), ("rg:meeting", meeting),
                     ("rg:itemNumber", text(str(number))), ("dcterms:title", text(title, "en")),
                     ("rg:openSession", "false" if title.startswith("Exempt") else "true"),
                     ("prov:wasDerivedFrom", excerpt)]
            if cw.breaks_here(rng):
                if rng.random() < 0.5:
                    del pairs[1]
                    cw.breaks.add("agenda item of no meeting", "AgendaItemRecord-one-meeting",
                                  "violation", item)
                else:
                    del pairs[5]
                    cw.breaks.add("agenda item without provenance", "Provenance-derived-from",
                                  "warning", item)
            cw.sink.node(item, pairs)
        cw.sink.boundary()


def _enquiries(cw: CouncilWriter, year: int, mean: float) -> None:
    rng = cw.rng(f"enquiries-{year}")
    count = poisson(rng, mean * cw.plan.business)
    if not count:
        return
    council = cw.council
    judged = council.key == OXFORDSHIRE
    source = cw.source(f"s42-{year}", f"Section 42 enquiry register {year}", "rg:SourceDocument")
    begin = max(date(year, 1, 1), CARE_ACT, council.start or CARE_ACT)
    end = min(date(year, 12, 31), LAST_DAY - timedelta(days=60), council.end or LAST_DAY)
    span = max(1, (end - begin).days + 1)
    for number in range(1, count + 1):
        allocated = weekday_after(begin + timedelta(days=rng.randrange(span)))
        if allocated > end:  # a weekday within the council's lifetime
            allocated = weekday_before(end)
        enquiry = f"enquiry:{council.key}-{year}-{number:05d}"
        completed: date | None
        if judged:
            due = deadlines.add_working_days(allocated, 20)
            if cw.breaks_here(rng):
                if rng.random() < 0.3:
                    completed = None
                    cw.breaks.add("enquiry never completed", "S42-not-overdue", "warning",
                                  enquiry, duty_iri("OXF-S42", enquiry))
                else:
                    completed = weekday_after(due + timedelta(days=rng.randrange(1, 35)))
                    cw.breaks.add("enquiry completed late", "S42-not-late", "warning", enquiry,
                                  duty_iri("OXF-S42", enquiry))
            else:
                gap = rng.randrange(2, (due - allocated).days + 1)
                completed = weekday_before(allocated + timedelta(days=gap))
        else:
            gap = max(1, int(rng.lognormvariate(3.3, 0.6)))
            completed = weekday_after(allocated + timedelta(days=gap))
        row = f"{number},{allocated.isoformat()},{completed.isoformat() if completed else ''}"
        excerpt = cw.excerpt(source, f"row-{number}", row)
        pairs = [("a", "rg:Section42Enquiry"), ("rg:council", council.iri),
                 ("rg:allocatedOn", day(allocated))]
        if completed is not None:
            pairs.append(("rg:completedOn", day(completed)))
        pairs.append(("prov:wasDerivedFrom", excerpt))
        cw.sink.node(enquiry, pairs)
        cw.sink.boundary()
