"""Where each record is written: the file and line a finding should point at.

RDF parsers do not report where a triple came from, so the record files are
scanned as text: a subject is located at the first line where a statement
starts with its IRI (in full, or as any prefixed name the file declares), or
failing that the first line that mentions it. That is what a person fixing
the record wants to see, and what SARIF needs to annotate the line in code
review.
"""

from __future__ import annotations

import re
from pathlib import Path

_PREFIX = re.compile(r"^\s*@?prefix\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.M)
# A statement's subject at the start of a line (optionally inside a TriG graph
# block), with every following line that starts with the same subject: one match
# per block, so a file written a triple a line (as generated and exported records
# are) costs a Python step per subject, not per line. At ten million triples a
# step per line took half a minute.
_SUBJECT_BLOCK = re.compile(
    r"^(?:GRAPH[ \t]+\S+[ \t]*\{[ \t]*|\{[ \t]*)?"
    r"(<[^<>\s]*>|[A-Za-z][\w-]*:[\w.\-]*[\w\-]|:[\w.\-]*[\w\-])"
    r"[^\n]*+(?:\n\1(?![\w\-:.])[^\n]*+)*+",
    re.MULTILINE,
)
_JSON_ID = re.compile(r'"@id"\s*:\s*"([^"]+)"')


class RecordIndex:
    """Look up the file and line of a subject IRI among the checked files.

    Each file is read once: every line that starts a statement is indexed by
    its first token (a full IRI or a prefixed name, expanded with the file's
    own prefixes), so a lookup costs a dictionary access however many findings
    a check reports.
    """

    def __init__(self, files: list[Path], root: Path | None = None) -> None:
        self._files = files
        self._root = root
        self._starts: dict[str, tuple[str, int]] | None = None
        self._mentions: dict[str, tuple[str, int] | None] = {}

    def _index(self) -> dict[str, tuple[str, int]]:
        if self._starts is None:
            self._starts = {}
            for path in self._files:
                self._index_file(path, self._starts)
        return self._starts

    def _index_file(self, path: Path, starts: dict[str, tuple[str, int]]) -> None:
        text = path.read_text(encoding="utf-8", errors="replace")
        prefixes = {prefix or "": iri for prefix, iri in _PREFIX.findall(text)}
        shown = self._display(path)
        if path.suffix.lower() in (".jsonld", ".json"):
            for number, line in enumerate(text.splitlines(), start=1):
                for iri in _JSON_ID.findall(line):
                    starts.setdefault(iri, (shown, number))
            return
        seen: set[str] = set()
        number, counted = 1, 0
        for match in _SUBJECT_BLOCK.finditer(text):
            token = match.group(1)
            if token in seen:
                continue
            seen.add(token)
            number += text.count("\n", counted, match.start())
            counted = match.start()
            if token.startswith("<"):
                iri = token[1:-1]
            else:
                prefix, _, local = token.partition(":")
                if prefix not in prefixes:
                    continue
                iri = prefixes[prefix] + local
            starts.setdefault(iri, (shown, number))

    def locate(self, iri: str) -> tuple[str, int] | None:
        found = self._index().get(iri)
        if found is not None:
            return found
        if iri not in self._mentions:
            self._mentions[iri] = self._first_mention(iri)
        return self._mentions[iri]

    def _first_mention(self, iri: str) -> tuple[str, int] | None:
        """Where a record is only mentioned (an object, not a subject): its first mention."""
        for path in self._files:
            text = path.read_text(encoding="utf-8", errors="replace")
            prefixes = sorted(
                ((prefix or "", ns) for prefix, ns in _PREFIX.findall(text)),
                key=lambda pair: -len(pair[1]),
            )
            forms = [f"<{iri}>"] + [
                f"{prefix}:{iri[len(ns):]}" for prefix, ns in prefixes
                if ns and iri.startswith(ns) and re.fullmatch(r"[\w.\-]*", iri[len(ns):])
            ]
            pattern = re.compile(
                "(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w\-:.]*[\w\-:])")
            for number, line in enumerate(text.splitlines(), start=1):
                if pattern.search(line):
                    return self._display(path), number
        return None

    def _display(self, path: Path) -> str:
        if self._root is not None:
            try:
                return path.resolve().relative_to(self._root.resolve()).as_posix()
            except ValueError:
                pass
        return str(path)
