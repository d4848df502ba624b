"""Derive the duties the records create, with due dates and status on a check date.

Obligations are data (reference/obligations.ttl): what triggers them, the
deadline and the date it runs from, and what in the records shows them met.
For every triggering record this module writes one duty: the basis date it
used (and whether that was the obligation's own basis or its fallback), the
due date from deadlines.py, the earliest qualifying evidence, the days late,
and a status. The obligation shapes in rules/obligations/ then judge the
duties in plain SHACL Core, and their messages are filled from these values.

A missing basis date is itself a status (value:duty-no-due-date), reported as
information: it is never a silent pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pyoxigraph as ox

from . import deadlines
from .namespaces import DUTY, RG, VALUE, prefix_iris

XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@dataclass
class Obligation:
    iri: str
    notation: str
    trigger_class: str
    evidence: str
    unit: str | None = None
    amount: int | None = None
    basis: str | None = None
    fallback: str | None = None
    forum: str | None = None
    open_session: bool = False
    concurrent_with: str | None = None
    council: str | None = None
    in_force_from: date | None = None
    in_force_until: date | None = None
    regimes: list[str] = field(default_factory=list)


@dataclass
class Duty:
    """One derived duty; `triples()` writes it as RDF."""

    iri: str
    obligation: Obligation
    council: str | None
    trigger: str
    basis_date: date | None = None
    basis_used: str | None = None
    due: date | None = None
    fulfilled_by: str | None = None
    fulfilled_on: date | None = None
    days_late: int | None = None
    status: str = "duty-no-due-date"
    gaps: list[str] = field(default_factory=list)

    def triples(self, check_date: date) -> list[tuple[ox.NamedNode, ox.NamedNode, object]]:
        s = ox.NamedNode(self.iri)
        out: list[tuple[ox.NamedNode, ox.NamedNode, object]] = [
            (s, RDF_TYPE, ox.NamedNode(str(RG.Duty))),
            (s, RDF_TYPE, ox.NamedNode(self.obligation.iri)),
            (s, _rg("obligation"), ox.NamedNode(self.obligation.iri)),
            (s, _rg("triggeredBy"), ox.NamedNode(self.trigger)),
            (s, _rg("dutyStatus"), ox.NamedNode(str(VALUE[self.status]))),
            (s, _rg("checkDate"), _date(check_date)),
        ]
        if self.council:
            out.append((s, _rg("owedBy"), ox.NamedNode(self.council)))
        if self.basis_date:
            out.append((s, _rg("basisDate"), _date(self.basis_date)))
        if self.basis_used:
            out.append((s, _rg("basisUsed"), ox.NamedNode(self.basis_used)))
        if self.due:
            out.append((s, _rg("dueDate"), _date(self.due)))
        if self.fulfilled_by:
            out.append((s, _rg("fulfilledBy"), ox.NamedNode(self.fulfilled_by)))
        if self.fulfilled_on:
            out.append((s, _rg("fulfilledOn"), _date(self.fulfilled_on)))
        if self.days_late is not None:
            out.append(
                (
                    s,
                    _rg("daysLate"),
                    ox.Literal(
                        str(self.days_late),
                        datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"),
                    ),
                )
            )
        out.extend((s, _rg("evidenceGap"), ox.Literal(gap)) for gap in self.gaps)
        return out


def _rg(local: str) -> ox.NamedNode:
    return ox.NamedNode(str(RG[local]))


def _date(day: date) -> ox.Literal:
    return ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD_DATE))


def _select(store: ox.Store, query: str) -> list[dict[str, object]]:
    result = store.query(query, prefixes=prefix_iris())
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n] for n in names} for row in result]


def _exact_date(term: object) -> date | None:
    """A day, only when the literal is a full xsd:date (a month is not a day)."""
    if isinstance(term, ox.Literal) and term.datatype.value == XSD_DATE:
        try:
            return date.fromisoformat(term.value[:10])
        except ValueError:
            return None
    return None


def _bounds(term: object) -> tuple[date, date] | None:
    """The first and last day a date of any precision (day, month, year) can mean."""
    if not isinstance(term, ox.Literal):
        return None
    text = term.value
    try:
        if len(text) >= 10:
            day = date.fromisoformat(text[:10])
            return day, day
        if len(text) == 7:
            first = date.fromisoformat(f"{text}-01")
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first, following - timedelta(days=1)
        if len(text) == 4:
            return date(int(text), 1, 1), date(int(text), 12, 31)
    except ValueError:
        return None
    return None


def _value(term: object) -> str | None:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else None


def load_obligations(store: ox.Store) -> list[Obligation]:
    rows = _select(
        store,
        """
        SELECT ?o ?notation ?trigger ?evidence ?unit ?amount ?basis ?fallback ?forum ?open
               ?concurrent ?council ?from ?until
        WHERE {
          ?o a rg:Obligation ; skos:notation ?notation ; rg:triggeringDocument ?trigger ;
             rg:evidenceKind ?evidence .
          OPTIONAL { ?o rg:deadlineUnit ?unit } OPTIONAL { ?o rg:deadlineAmount ?amount }
          OPTIONAL { ?o rg:deadlineBasis ?basis } OPTIONAL { ?o rg:fallbackBasis ?fallback }
          OPTIONAL { ?o rg:requiredForum ?forum } OPTIONAL { ?o rg:requiresOpenSession ?open }
          OPTIONAL { ?o rg:concurrentWith ?concurrent } OPTIONAL { ?o rg:council ?council }
          OPTIONAL { ?o rg:inForceFrom ?from } OPTIONAL { ?o rg:inForceUntil ?until }
        } ORDER BY ?notation""",
    )
    regimes: dict[str, list[str]] = {}
    for row in _select(store, "SELECT ?o ?r WHERE { ?o a rg:Obligation ; rg:appliesToRegime ?r }"):
        regimes.setdefault(str(_value(row["o"])), []).append(str(_value(row["r"])))
    obligations = []
    for row in rows:
        iri = str(_value(row["o"]))
        amount = _value(row["amount"])
        obligations.append(
            Obligation(
                iri=iri,
                notation=str(_value(row["notation"])),
                trigger_class=str(_value(row["trigger"])),
                evidence=str(_value(row["evidence"])),
                unit=_value(row["unit"]),
                amount=int(amount) if amount is not None else None,
                basis=_value(row["basis"]),
                fallback=_value(row["fallback"]),
                forum=_value(row["forum"]),
                open_session=_value(row["open"]) == "true",
                concurrent_with=_value(row["concurrent"]),
                council=_value(row["council"]),
                in_force_from=_exact_date(row["from"]),
                in_force_until=_exact_date(row["until"]),
                regimes=sorted(regimes.get(iri, [])),
            )
        )
    return obligations


_BASIS_PROPERTY = {
    "basis-document-date": "dcterms:date",
    "basis-receipt": "rg:dateReceived",
    "basis-publication": "dcterms:issued",
    "basis-allocation": "rg:allocatedOn",
}


def _triggers(store: ox.Store, obligation: Obligation) -> list[dict[str, object]]:
    """The records that start a duty under this obligation, with their candidate dates."""
    scope = ""
    if obligation.regimes:
        values = " ".join(f"<{r}>" for r in obligation.regimes)
        scope = (
            f"?record prov:wasGeneratedBy ?inspection . ?inspection rg:regime ?regime . "
            f"VALUES ?regime {{ {values} }}"
        )
    if obligation.council:
        scope += f" ?record rg:council <{obligation.council}> ."
    return _select(
        store,
        f"""
        SELECT DISTINCT ?record ?inspection ?council ?documentDate ?received ?issued ?allocated
        WHERE {{
          ?record a/rdfs:subClassOf* <{obligation.trigger_class}> .
          {scope}
          OPTIONAL {{ ?record rg:council ?c1 }}
          OPTIONAL {{ ?record prov:wasGeneratedBy/rg:council ?c2 }}
          BIND(COALESCE(?c1, ?c2) AS ?council)
          OPTIONAL {{ ?record dcterms:date ?documentDate }}
          OPTIONAL {{ ?record rg:dateReceived ?received }}
          OPTIONAL {{ ?record dcterms:issued ?issued }}
          OPTIONAL {{ ?record rg:allocatedOn ?allocated }}
        }} ORDER BY ?record""",
    )


def _basis_dates(row: dict[str, object]) -> dict[str, date | None]:
    return {
        "basis-document-date": _exact_date(row.get("documentDate")),
        "basis-receipt": _exact_date(row.get("received")),
        "basis-publication": _exact_date(row.get("issued")),
        "basis-allocation": _exact_date(row.get("allocated")),
    }


def _event_bounds(row: dict[str, object]) -> tuple[date, date] | None:
    """The first and last day the triggering event can have happened, at any precision.

    An obligation applies only to events certainly inside its period in force;
    a month-precision date such as "2003-11" is enough to tell that an SSI-era
    rating came before a CSCI requirement of April 2004.
    """
    known = [
        b
        for key in ("documentDate", "received", "issued", "allocated")
        if (b := _bounds(row.get(key))) is not None
    ]
    if not known:
        return None
    return min(b[0] for b in known), min(b[1] for b in known)


def _evidence(
    store: ox.Store, obligation: Obligation, record: str, inspection: str | None
) -> tuple[str | None, date | None, list[str]]:
    """The earliest qualifying evidence: (record, date, gaps the records leave)."""
    kind = obligation.evidence.rsplit("/", 1)[-1]
    if kind == "evidence-presentation":
        rows = _select(
            store,
            f"""
            SELECT ?item ?day ?kind ?open ?body WHERE {{
              ?item rg:presents <{record}> ; rg:meeting ?meeting .
              ?meeting dcterms:date ?day ; rg:body ?b .
              OPTIONAL {{ ?b org:classification ?kind }}
              OPTIONAL {{ ?b rdfs:label ?body }}
              OPTIONAL {{ ?item rg:openSession ?open }}
            }} ORDER BY ?day ?item""",
        )
        for row in rows:
            day = _exact_date(row["day"])
            if day is None:
                continue
            if obligation.forum and _value(row["kind"]) != obligation.forum:
                continue
            gaps = []
            if obligation.open_session:
                if _value(row["open"]) == "false":
                    continue
                if _value(row["open"]) is None:
                    body = _value(row["body"]) or "the meeting"
                    gaps.append(
                        f"the records do not say whether {body} took the item in open session"
                    )
            return _value(row["item"]), day, gaps
        return None, None, []
    if kind == "evidence-statement-of-action" and inspection:
        rows = _select(
            store,
            f"""
            SELECT ?plan ?day WHERE {{
              ?plan rg:respondsTo <{inspection}> .
              {{ ?plan dcterms:issued ?day }} UNION {{ ?plan rg:agreedOn ?day }}
            }} ORDER BY ?day""",
        )
        for row in rows:
            day = _exact_date(row["day"])
            if day is not None:
                return _value(row["plan"]), day, []
        return None, None, []
    if kind == "evidence-completion":
        rows = _select(store, f"SELECT ?day WHERE {{ <{record}> rg:completedOn ?day }}")
        for row in rows:
            day = _exact_date(row["day"])
            if day is not None:
                return record, day, []
        return None, None, []
    return None, None, []


def _duty_iri(obligation: Obligation, record: str) -> str:
    slug = record.rstrip("/").rsplit("/", 1)[-1]
    return str(DUTY[f"{obligation.notation.lower()}-{slug}"])


def derive_duties(store: ox.Store, check_date: date) -> list[Duty]:
    """Every duty the records in `store` create, judged on `check_date`."""
    obligations = load_obligations(store)
    by_iri = {o.iri: o for o in obligations}
    duties: dict[str, Duty] = {}
    # Obligations met "at the same time" as another are derived after it.
    ordered = sorted(obligations, key=lambda o: (o.concurrent_with is not None, o.notation))
    for obligation in ordered:
        for row in _triggers(store, obligation):
            record = str(_value(row["record"]))
            event = _event_bounds(row)
            if event is not None and (
                (obligation.in_force_from and event[1] < obligation.in_force_from)
                or (obligation.in_force_until and event[0] > obligation.in_force_until)
            ):
                continue
            duty = Duty(
                iri=_duty_iri(obligation, record),
                obligation=obligation,
                council=_value(row["council"]),
                trigger=record,
            )
            _judge(duty, row, store, check_date, duties, by_iri)
            duties[duty.iri] = duty
    return [duties[k] for k in sorted(duties)]


def _judge(
    duty: Duty,
    row: dict[str, object],
    store: ox.Store,
    today: date,
    done: dict[str, Duty],
    by_iri: dict[str, Obligation],
) -> None:
    obligation = duty.obligation
    dates = _basis_dates(row)
    for basis in (obligation.basis, obligation.fallback):
        if basis and dates.get(basis.rsplit("/", 1)[-1]) is not None:
            duty.basis_used = basis
            duty.basis_date = dates[basis.rsplit("/", 1)[-1]]
            break
    unit = (obligation.unit or "").rsplit("/", 1)[-1]

    if unit == "unit-same-time" and obligation.concurrent_with:
        partner = done.get(_duty_iri(by_iri[obligation.concurrent_with], duty.trigger))
        if partner is not None:
            duty.basis_used, duty.basis_date = partner.basis_used, partner.basis_date
            duty.due = partner.fulfilled_on or partner.due
    elif (
        duty.basis_date is not None
        and obligation.amount is not None
        and unit not in ("unit-as-soon-as-practicable", "")
    ):
        duty.due = deadlines.due_date(duty.basis_date, obligation.amount, str(obligation.unit))

    evidence, on, gaps = _evidence(store, obligation, duty.trigger, _value(row.get("inspection")))
    duty.fulfilled_by, duty.fulfilled_on, duty.gaps = evidence, on, gaps

    if on is not None:
        if duty.due is None:
            duty.status = (
                "duty-met" if unit == "unit-as-soon-as-practicable" else "duty-no-due-date"
            )
        else:
            duty.days_late = deadlines.days_late(duty.due, on)
            duty.status = "duty-late" if duty.days_late > 0 else "duty-met"
        return
    if unit == "unit-as-soon-as-practicable":
        duty.status = "duty-no-fixed-period"
        return
    if duty.due is None:
        duty.status = "duty-no-due-date"
        return
    if today <= duty.due:
        duty.status = "duty-open"
        return
    if obligation.evidence.endswith("evidence-not-recorded"):
        # The records never show this action, so nothing shows it late either.
        duty.status = "duty-unverifiable"
        return
    duty.days_late = deadlines.days_late(duty.due, today)
    duty.status = "duty-overdue"


def duty_quads(
    duties: list[Duty], check_date: date, graph_name: str | None = None
) -> list[ox.Quad]:
    """The duties as quads, in `graph_name` or (None) the default graph."""
    graph = ox.NamedNode(graph_name) if graph_name else ox.DefaultGraph()
    quads = []
    for duty in duties:
        for s, p, o in duty.triples(check_date):
            quads.append(ox.Quad(s, p, o, graph))  # type: ignore[arg-type]
    return quads
