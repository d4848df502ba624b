"""Decoding application/x-www-form-urlencoded text (query strings and form bodies).

Every SPARQL request by GET or form POST arrives percent-encoded, and the
usual query carries the project's 43 PREFIX lines: some 3.5 KB in which most
punctuation is a %XX escape. `urllib.parse.parse_qsl` decodes each escape in
a Python loop (0.3 ms of a request that the Oxigraph server answers in 0.3 ms
in all), and given bytes it cannot return non-ASCII text at all: it encodes
its result back to ASCII, so a query holding "é" raised UnicodeEncodeError.
Here the escapes are turned into Python's `\\xXX` and decoded by the
`unicode_escape` codec, in C; a `%` not followed by two hex digits (kept as it
is, as URL parsers do) sends that one field through urllib's decoder instead.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes


class NotUtf8(ValueError):
    """A name or value whose bytes, once decoded, are not UTF-8."""


def form_pairs(raw: bytes) -> list[tuple[str, str]]:
    """The (name, value) pairs in order, as parse_qsl(keep_blank_values=True) splits them.

    Fields are split at `&`, names from values at the first `=`; an empty
    field is skipped and a field without `=` is a name with an empty value.
    NotUtf8 names the field whose value is not UTF-8.
    """
    pairs = []
    for field in raw.split(b"&"):
        if field:
            name, _, value = field.partition(b"=")
            try:
                name_text = unquote_plus(name)
            except NotUtf8 as error:
                raise NotUtf8(f"a parameter name: {error}") from None
            try:
                pairs.append((name_text, unquote_plus(value)))
            except NotUtf8 as error:
                raise NotUtf8(f"{name_text}: {error}") from None
    return pairs


def unquote_plus(raw: bytes) -> str:
    """One form-encoded field: `+` is a space, `%XX` a byte, the bytes UTF-8."""
    raw = raw.replace(b"+", b" ")
    if b"%" in raw:
        try:
            escaped = raw.replace(b"\\", b"\\\\").replace(b"%", b"\\x")
            raw = escaped.decode("unicode_escape").encode("latin-1")
        except UnicodeDecodeError:  # a % with no two hex digits after it
            raw = unquote_to_bytes(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotUtf8(f"byte {raw[error.start]:#04x} at {error.start} is not UTF-8") from None
