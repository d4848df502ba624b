"""Reading a paper into plain text, keeping a map from each character back to the file.

Every extracted statement quotes its evidence by character span (docs/records.md,
"Provenance"), and the quote must be the exact text of the local copy between
the offsets. So the extractor works on the *visible* text of a paper, and each
`Document` can turn a span of that text back into a span of the file:

- plain text (.txt): the text is the file as read (UTF-8, line endings kept), so
  spans are offsets into the file's characters and the quote equals the span;
- HTML (.htm, .html): the visible text is what the stdlib parser yields (tags
  dropped, entities decoded, script and style skipped). A span maps back to the
  characters of the HTML file (decoded as UTF-8, or Windows-1252 when it is not
  UTF-8) from the first character of its first word to the last of its last;
  the quoted `prov:value` is that slice of the HTML file, so it equals the span
  in the file, and may hold markup when the evidence crosses a tag;
- Word (.docx): a .docx file is a zip, not text, so offsets cannot refer to the
  file. The text is the paragraphs (and table cells, row by row) as python-docx
  reads them (a table row's cells on lines of their own), joined by blank
  lines; spans are offsets into that text, and the source record says so in a
  note.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ..errors import InputError

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".htm", ".html", ".xhtml")
DOCX_SUFFIXES = (".docx",)


@dataclass(frozen=True)
class Document:
    """A paper as read: its visible text and how to map a span of it back to the file.

    `offsets[i]` is the file offset of visible character i (None for plain text and
    .docx, where they are the same); `file_text` is the text the offsets refer to.
    """

    path: Path
    kind: str
    text: str
    file_text: str
    offsets: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def file_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the file (or, for .docx, of the text) that visible [start, end) came from."""
        if self.offsets is None or self.ends is None:
            return start, end
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.ends[end - 1]

    def quote(self, start: int, end: int) -> tuple[int, int, str]:
        """File span and the exact file text between its offsets."""
        first, last = self.file_span(start, end)
        return first, last, self.file_text[first:last]


def read_document(path: Path) -> Document:
    """Read a .txt, .htm(l) or .docx paper; anything else is an InputError naming the file."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(path, "no such file")
    if suffix in DOCX_SUFFIXES:
        return _read_docx(path)
    raw = path.read_bytes()
    text = _decode(raw)
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and _looks_like_html(text)):
        return _read_html(path, text)
    if suffix in TEXT_SUFFIXES or suffix == "":
        return Document(path=path, kind="text", text=text, file_text=text)
    raise InputError(path, f"cannot read {suffix} files; expected .txt, .htm, .html or .docx")


def _decode(raw: bytes) -> str:
    # Decoded without newline translation: offsets count CRLF as two characters.
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Older council sites publish Windows-1252 pages; every byte decodes.
        return raw.decode("cp1252", errors="replace")


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<body" in head or "<!doctype html" in head


#################################################################
# HTML
#################################################################

_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tfoot",
        "tr",
        "ul",
        "title",
    ]
)
_SKIP = frozenset({"script", "style", "head"})


class _TextCollector(HTMLParser):
    """Collects visible text, one source offset (start, end) per visible character."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", source)]
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.skip_depth = 0
        self.in_pre = 0

    def _here(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _break(self) -> None:
        at = self._here()
        if self.chars and self.chars[-1] != "\n":
            self.chars.append("\n")
            self.starts.append(at)
            self.ends.append(at)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag == "pre":
            self.in_pre += 1
        if tag in _BLOCK:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag == "pre":
            self.in_pre = max(0, self.in_pre - 1)
        if tag in _BLOCK:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self._break()

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        at = self._here()
        for index, char in enumerate(data):
            if char in "\r\n\t " and not self.in_pre:
                # Runs of white space in HTML show as one space.
                if not self.chars or self.chars[-1] in " \n":
                    continue
                char = " "
            self.chars.append(char)
            self.starts.append(at + index)
            self.ends.append(at + index + 1)

    def _entity(self, decoded: str, width: int) -> None:
        if self.skip_depth:
            return
        at = self._here()
        for char in decoded:
            if char == "\xa0":
                char = " "
            if char == " " and (not self.chars or self.chars[-1] in " \n"):
                continue
            self.chars.append(char)
            self.starts.append(at)
            self.ends.append(at + width)

    def handle_entityref(self, name: str) -> None:
        from html import unescape

        raw = f"&{name};"
        width = len(raw) if self.source.startswith(raw, self._here()) else len(raw) - 1
        self._entity(unescape(raw), width)

    def handle_charref(self, name: str) -> None:
        from html import unescape

        raw = f"&#{name};"
        width = len(raw) if self.source.startswith(raw, self._here()) else len(raw) - 1
        self._entity(unescape(raw), width)


def _read_html(path: Path, source: str) -> Document:
    collector = _TextCollector(source)
    try:
        collector.feed(source)
        collector.close()
    except (AssertionError, ValueError) as error:  # html.parser's own complaints
        raise InputError(path, f"cannot parse this HTML: {error}") from error
    return Document(
        path=path,
        kind="html",
        text="".join(collector.chars),
        file_text=source,
        offsets=tuple(collector.starts),
        ends=tuple(collector.ends),
    )


#################################################################
# Word
#################################################################


def _read_docx(path: Path) -> Document:
    try:
        import docx  # python-docx
    except ImportError as error:  # pragma: no cover - a declared dependency
        raise InputError(
            path, "reading .docx needs python-docx (pip install python-docx)"
        ) from error
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InputError(path, f"not a readable Word (.docx) file: {error}") from error
    blocks: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if not row.tag.endswith("}tr"):
                    continue
                cells = []
                for cell in row.iterchildren():
                    if cell.tag.endswith("}tc"):
                        cells.append(
                            " ".join(
                                "".join(t.text or "" for t in p.iter() if t.tag.endswith("}t"))
                                for p in cell.iter()
                                if p.tag.endswith("}p")
                            ).strip()
                        )
                blocks.append("\n".join(cells))
    text = "\n\n".join(blocks)
    return Document(path=path, kind="docx", text=text, file_text=text)
