"""Write triples as lines of Turtle, counted, into a few files of bounded size.

Why lines and not rdflib: a generated England of ten million triples must be
written in minutes and in memory that does not grow with its size, so records
are formatted as strings and streamed. Each line is one triple (`s p o .`) with
the project's prefixed names, which is valid Turtle, keeps the files about a
third of the size of N-Triples, and makes the triple count exact.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from ..namespaces import PREFIXES

# The prefixes the generated records use, declared at the top of every file.
USED_PREFIXES = (
    "rdf", "rdfs", "xsd", "dcterms", "prov", "org", "rg", "council", "body", "inspectorate",
    "regime", "dimension", "value", "inspection", "document", "judgment", "plan", "meeting",
    "item", "source", "enquiry", "govyear",
)  # fmt: skip

HEADER = "".join(f"@prefix {name}: <{PREFIXES[name]}> .\n" for name in USED_PREFIXES) + "\n"


def text(value: str, lang: str | None = None) -> str:
    """A string literal, escaped for Turtle; with `lang`, a language-tagged one."""
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def day(value: date) -> str:
    """An xsd:date literal."""
    return f'"{value.isoformat()}"^^xsd:date'


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")  # fmt: skip


def long_date(value: date) -> str:
    """'14 August 2003', whatever the locale (strftime's %B is not)."""
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def long_month(value: date) -> str:
    """'August 2003'."""
    return f"{MONTH_NAMES[value.month - 1]} {value.year}"


def weekday_before(value: date) -> date:
    """`value`, or the Friday before it when it falls at a weekend (councils meet on weekdays)."""
    return value - timedelta(days=max(0, value.weekday() - 4))


def weekday_after(value: date) -> date:
    """`value`, or the Monday after it when it falls at a weekend."""
    return value + timedelta(days=(7 - value.weekday()) % 7 if value.weekday() >= 5 else 0)


def month(year: int, number: int) -> str:
    """An xsd:gYearMonth literal (a date the source gives to the month)."""
    return f'"{year:04d}-{number:02d}"^^xsd:gYearMonth'


class Sink:
    """Where triples go: counted, and written to files unless this is a dry run.

    `node` writes a subject's triples in one call, which is most of the speed.
    Files are named `{stem}-{n:03d}.ttl` and a new one starts at a record
    boundary once `max_triples` are in the current one.
    """

    def __init__(self, folder: Path | None, stem: str, max_triples: int = 2_000_000) -> None:
        self.folder = folder
        self.stem = stem
        self.max_triples = max_triples
        self.count = 0
        self.kinds: dict[str, int] = {}
        self.files: list[Path] = []
        self._handle: TextIO | None = None
        self._in_file = 0

    def node(self, subject: str, pairs: list[tuple[str, str]]) -> None:
        """Write `subject`'s triples; its first pair, when it is `a`, names its kind."""
        self.count += len(pairs)
        if pairs and pairs[0][0] == "a":
            kind = pairs[0][1]
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
        if self.folder is None:
            return
        handle = self._current()
        self._in_file += len(pairs)
        handle.write("".join(f"{subject} {p} {o} .\n" for p, o in pairs))

    def boundary(self) -> None:
        """Mark the end of a record: the next one may start a new file."""
        if self._handle is not None and self._in_file >= self.max_triples:
            self._handle.close()
            self._handle = None

    def _current(self) -> TextIO:
        if self._handle is None:
            assert self.folder is not None
            path = self.folder / f"{self.stem}-{len(self.files) + 1:03d}.ttl"
            self.files.append(path)
            # newline="\n": the same bytes on every platform.
            self._handle = path.open("w", encoding="utf-8", newline="\n", buffering=1 << 20)
            self._handle.write(HEADER)
            self._in_file = 0
        return self._handle

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
