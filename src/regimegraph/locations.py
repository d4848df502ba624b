"""Where each record is written: the file and line a finding should point at.

RDF parsers do not report where a triple came from, so the record files are
scanned as text: a subject is located at the first line where a statement
starts with its IRI (in full, or as any prefixed name the file declares), or
failing that the first line that mentions it. That is what a person fixing
the record wants to see, and what SARIF needs to annotate the line in code
review.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

_PREFIX = re.compile(r"^\s*@?prefix\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.M)


class RecordIndex:
    """Look up the file and line of a subject IRI among the checked files."""

    def __init__(self, files: list[Path], root: Path | None = None) -> None:
        self._files = files
        self._root = root
        self._texts: dict[Path, list[str]] = {}
        self._prefixes: dict[Path, list[tuple[str, str]]] = {}
        self._cache: dict[str, tuple[str, int] | None] = {}

    def _lines(self, path: Path) -> list[str]:
        if path not in self._texts:
            text = path.read_text(encoding="utf-8", errors="replace")
            self._texts[path] = text.splitlines()
            self._prefixes[path] = sorted(
                ((prefix or "", iri) for prefix, iri in _PREFIX.findall(text)),
                key=lambda pair: -len(pair[1]),
            )
        return self._texts[path]

    def _forms(self, path: Path, iri: str) -> list[str]:
        forms = [f"<{iri}>"]
        for prefix, namespace in self._prefixes[path]:
            if iri.startswith(namespace) and namespace:
                local = iri[len(namespace) :]
                if re.fullmatch(r"[\w.\-]*", local):
                    forms.append(f"{prefix}:{local}")
        if path.suffix.lower() in (".jsonld", ".json"):
            forms.append(json.dumps(iri))
        return forms

    def locate(self, iri: str) -> tuple[str, int] | None:
        if iri in self._cache:
            return self._cache[iri]
        found: tuple[str, int] | None = None
        mention: tuple[str, int] | None = None
        for path in self._files:
            lines = self._lines(path)
            forms = self._forms(path, iri)
            pattern = re.compile(
                "(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w\-:.]*[\w\-:])"
            )
            for number, line in enumerate(lines, start=1):
                match = pattern.search(line)
                if not match:
                    continue
                if line[: match.start()].strip() in ("", "{", "GRAPH"):
                    found = (self._display(path), number)
                    break
                if mention is None:
                    mention = (self._display(path), number)
            if found:
                break
        result = found or mention
        self._cache[iri] = result
        return result

    def _display(self, path: Path) -> str:
        if self._root is not None:
            try:
                return path.resolve().relative_to(self._root.resolve()).as_posix()
            except ValueError:
                pass
        return str(path)
