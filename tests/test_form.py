"""Form decoding (web/form.py) against the standard library's, on any input."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote_plus, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regimegraph.namespaces import sparql_prologue
from regimegraph.web.form import NotUtf8, form_pairs, unquote_plus

# Bytes that make form encoding interesting, and some that are merely bytes.
_PIECES = st.sampled_from([b"%", b"+", b"&", b"=", b"\\", b"\\x", b"%2", b"%zz", b"%41", b"%e9",
                           b"%C3%A9", b"\xc3\xa9", b"\xff", b"%FF", b"%0a", b"a", b"q", b"%%",
                           b"\\N{x}", b"%5C", b"%5Cx41", b"\\u0041", b" "])
_RAW = st.lists(st.one_of(_PIECES, st.binary(max_size=4)), max_size=24).map(b"".join)


def _reference(raw: bytes) -> list[tuple[str, str]] | None:
    """urllib's answer, decoding as UTF-8 strictly (None: not UTF-8)."""
    try:
        text = raw.decode("latin-1")  # urllib splits text; the bytes come back below
        return [(name.encode("latin-1").decode("utf-8"), value.encode("latin-1").decode("utf-8"))
                for name, value in parse_qsl(text, keep_blank_values=True, encoding="latin-1")]
    except UnicodeDecodeError:
        return None


@given(_RAW)
def test_the_same_pairs_as_urllib(raw: bytes) -> None:
    expected = _reference(raw)
    if expected is None:
        with pytest.raises(NotUtf8):
            form_pairs(raw)
    else:
        assert form_pairs(raw) == expected


@given(st.text(max_size=40), st.text(max_size=40))
def test_what_urlencode_wrote_comes_back(name: str, value: str) -> None:
    raw = urlencode([(name, value), ("format", "json")]).encode("ascii")
    assert form_pairs(raw) == [(name, value), ("format", "json")]


def test_a_query_with_the_prologue_and_accents() -> None:
    query = sparql_prologue() + 'SELECT ?x { ?x rdfs:label "Sant\u00e9 \u00e0 l\'\u00e9cole" }'
    assert form_pairs(f"query={quote_plus(query)}&x".encode()) == [("query", query), ("x", "")]


@pytest.mark.parametrize("raw", [b"%", b"%4", b"a%zz", b"100%", b"%%41"])
def test_a_lone_percent_is_kept(raw: bytes) -> None:
    assert unquote_plus(raw) == parse_qsl(raw.decode(), keep_blank_values=True)[0][0]


def test_bytes_that_are_not_utf8_are_named() -> None:
    with pytest.raises(NotUtf8, match="byte 0xe9 at 3"):
        unquote_plus(b"caf%E9")
    with pytest.raises(NotUtf8, match=r"^query: byte 0xe9 at 3 is not UTF-8$"):
        form_pairs(b"format=json&query=caf%E9")
    with pytest.raises(NotUtf8, match=r"^a parameter name: byte 0xff at 0"):
        form_pairs(b"%FF=1")
