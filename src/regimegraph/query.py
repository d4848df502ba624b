"""Run read-only SPARQL over the knowledge base and render the results.

The default graph is the merge of every named graph (see store.py), so a
researcher's query sees ontology, reference data, records and inferences
without naming graphs, and can still say `GRAPH ?g` to ask where a fact came
from. The project's
prefixes are predeclared. Updates and SERVICE are refused: a query file from
someone else must never change the data or make the machine call out.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import QueryError, UsageError
from .namespaces import PREFIXES, prefix_iris
from .readonly import refusal
from .stores.base import QueryStore

TABULAR_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("turtle", "nt", "jsonld", "trig")

_LOCATION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


@dataclass
class Table:
    """SELECT results as plain Python data, in the query's variable order."""

    variables: list[str]
    rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]]


def execute(store: QueryStore, text: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run one query in any store (stores/); bad or disallowed SPARQL raises QueryError."""
    reason = refusal(text)
    if reason is not None:
        raise QueryError(reason)
    try:
        return store.query(
            text,
            prefixes=prefix_iris(),
        )
    except SyntaxError as error:
        raise QueryError(_describe_syntax_error(str(error))) from None
    except OSError as error:
        raise QueryError(f"the query could not run: {error}") from None


def _describe_syntax_error(message: str) -> str:
    match = _LOCATION.match(message)
    if match:
        line, column, reason = match.groups()
        return f"SPARQL syntax error at line {line}, column {column}: {reason.strip()}"
    return f"SPARQL syntax error: {message}"


def to_table(solutions: ox.QuerySolutions) -> Table:
    variables = [v.value for v in solutions.variables]
    rows = [[solution[name] for name in variables] for solution in solutions]
    return Table(variables=variables, rows=rows)


def compact(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    """A term as a person reads it: prefixed names, plain literal values.

    Language tags are dropped: nearly every label here is English, and the
    machine-readable formats (csv, json, xml) keep them.
    """
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        best = ""
        best_prefix = ""
        for prefix, namespace in PREFIXES.items():
            ns = str(namespace)
            if term.value.startswith(ns) and len(ns) > len(best):
                local = term.value[len(ns) :]
                if re.fullmatch(r"[A-Za-z0-9_\-.]*", local) and not local.endswith("."):
                    best, best_prefix = ns, prefix
        if best:
            return f"{best_prefix}:{term.value[len(best) :]}"
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def render_table(table: Table) -> str:
    """Aligned columns for a terminal; full values, never cut short."""
    cells = [[compact(term).replace("\n", " ") for term in row] for row in table.rows]
    widths = [len(v) for v in table.variables]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = [
        "  ".join(name.ljust(widths[i]) for i, name in enumerate(table.variables)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in cells
    ]
    count = len(cells)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


def render(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, fmt: str) -> bytes:
    """Serialise a result in the requested format (SPARQL 1.1 result formats for tables)."""
    if isinstance(result, ox.QueryTriples):
        return _render_graph(result, fmt)
    if fmt in GRAPH_FORMATS:
        raise UsageError(
            f"--format {fmt} is for CONSTRUCT and DESCRIBE; use one of {', '.join(TABULAR_FORMATS)}"
        )
    if isinstance(result, ox.QueryBoolean):
        if fmt == "table":
            return b"true\n" if bool(result) else b"false\n"
        return _boolean(bool(result), fmt)
    if fmt == "table":
        return render_table(to_table(result)).encode()
    formats = {
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
        "json": ox.QueryResultsFormat.JSON,
        "xml": ox.QueryResultsFormat.XML,
    }
    return result.serialize(format=formats[fmt]) or b""


def _boolean(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{str(value).lower()}</boolean></sparql>\n"
        ).encode()
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t" if fmt == "tsv" else ",").writerow([str(value).lower()])
    return buffer.getvalue().encode()


def _render_graph(result: ox.QueryTriples, fmt: str) -> bytes:
    if fmt in TABULAR_FORMATS and fmt != "table":
        raise UsageError(
            f"--format {fmt} is for SELECT and ASK; use one of {', '.join(GRAPH_FORMATS)}"
        )
    triples: Sequence[ox.Triple] = sorted(result, key=str)
    formats = {
        "table": ox.RdfFormat.TURTLE,
        "turtle": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
        "trig": ox.RdfFormat.TRIG,
    }
    fmt_value = formats[fmt]
    if fmt_value in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return (
            ox.serialize(
                triples, format=fmt_value, prefixes=prefix_iris()
            )
            or b""
        )
    return ox.serialize(triples, format=fmt_value) or b""
