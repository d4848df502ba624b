"""Whether a SPARQL query may run: read-only, and on local data only.

Used by `regimegraph query` and by the endpoint, so both refuse the same
things with the same words. Updates could not run anyway (queries go to
pyoxigraph's Store.query, whose grammar has no update forms): refusing them
here only gives a clear message. SERVICE would make pyoxigraph call out over
HTTP, so it is refused wherever the keyword appears outside strings, IRIs and
comments, and, where a scan cannot be sure, after a full parse.
"""

from __future__ import annotations

import re

# Possessive (Python 3.11): runs of plain characters are taken whole, never
# given back, so a long IRI costs one step, not one per character (the
# prologue skip 0.055 -> 0.019 ms), and an unclosed `<aaaa...` cannot make the
# nested repeat backtrack exponentially.
_IRI = r"""<(?:[^<>"{}|^`\\\x00-\x20]++|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>"""
_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<comment>\#[^\n\r]*)
      | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 | '''(?:[^'\\]|\\.|'(?!''))*'''
                 | "(?:[^"\\\n\r]|\\.)*"
                 | '(?:[^'\\\n\r]|\\.)*')
      | (?P<iri>""" + _IRI + r""")
      | (?P<word>\w+)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
# Comments, whitespace and PREFIX / BASE declarations, as the scan reads them.
_PROLOGUE = re.compile(
    r"""(?:\s++ | \#[^\n\r]*
        | PREFIX\s+(?:[^\W\d_][\w.-]*)?:\s*""" + _IRI + r"""
        | BASE\s*""" + _IRI + r""")*""",
    re.VERBOSE | re.IGNORECASE,
)


def after_prologue(text: str) -> int:
    """Where a query's prologue (PREFIX, BASE, comments, whitespace) ends: scans start there."""
    match = _PROLOGUE.match(text)
    return match.end() if match else 0


_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                 "WITH"}


def refusal(text: str) -> str | None:
    """Why a query is not accepted (an update, LOAD or SERVICE), or None if it may run.

    Updates could not run anyway (queries go to `Store.query`, whose grammar has
    no update forms): this check only gives a clear message. SERVICE would make
    pyoxigraph call out over HTTP, so it is refused wherever the keyword
    appears outside strings, IRIs and comments; a word is only excused when it
    is a variable (?service), a language tag or part of a prefixed name
    (ex:service, service:x).
    """
    # With no "service" anywhere, only the first word after the prologue
    # matters: the prologue is skipped in one match and the scan stops there
    # (0.4 ms a request less for a query with the 43 usual PREFIX lines).
    quick = not _mentions_service(text)
    start_at = after_prologue(text) if quick else 0
    in_prologue = True
    in_declaration = False
    hidden = False  # "service" inside what the scan read as a string or an IRI
    for match in _TOKEN.finditer(text, start_at):
        group = match.lastgroup
        if group in ("space", "comment"):
            continue
        if quick and not in_prologue:
            return None
        if group in ("string", "iri") and not hidden:
            hidden = _mentions_service(match.group())
        if group != "word":
            if group == "iri":
                in_declaration = False
            elif not in_declaration:
                in_prologue = False
            continue
        start, end = match.span()
        before = text[start - 1] if start else ""
        after = text[end : end + 1]
        upper = match.group().upper()
        keyword = before not in ("?", "$", ":", "@") and after != ":"
        if keyword and upper == "SERVICE":
            return _NO_SERVICE
        if in_prologue and not in_declaration:
            if keyword and upper in ("PREFIX", "BASE"):
                in_declaration = True
            else:
                in_prologue = False
                if keyword and upper in _UPDATE_WORDS:
                    return _NO_UPDATE
    # Only a string or IRI can hide a keyword from the scan (when it misreads a
    # less-than as an IRI). A comment cannot: where the scan sees one, the
    # grammar sees one too, or a string; so "children's services" in a comment
    # no longer costs a full parse (20-35 ms a request, benchmarks/RESULTS.md).
    if hidden and _parsed_service(text):
        return _NO_SERVICE
    return None


def _mentions_service(text: str) -> bool:
    """Whether "service" appears in any case.

    SPARQL keywords are ASCII and lower() maps ASCII letters to ASCII, so every
    SERVICE is found (a non-ASCII look-alike only costs the full scan); 2.5 us
    on the usual query, where re.IGNORECASE took 45 us of the check's 75.
    """
    return "service" in text.lower()


_NO_UPDATE = ("read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is not accepted; "
              "only read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE) run")
_NO_SERVICE = "SERVICE (federated query) is not allowed: queries run on local data only"


def _parsed_service(text: str) -> bool:
    """Whether a full SPARQL parser finds a SERVICE pattern (or cannot parse the query).

    The scan above cannot always tell `<` the IRI from `<` less-than (FILTER(?a<'x>')
    then SERVICE hides behind what looks like a string); rdflib's parser reads the
    grammar as pyoxigraph does. A query mentioning SERVICE that it cannot parse is
    refused: it could not be shown to be safe.
    """
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    def found(node: object) -> bool:
        if isinstance(node, CompValue):
            return node.name == "ServiceGraphPattern" or any(found(v) for v in node.values())
        if isinstance(node, list | tuple | ParseResults):
            return any(found(v) for v in node)
        return False

    try:
        return found(parseQuery(text))
    except Exception:
        return True
