"""Path segments: the ASCII fast path writes exactly what quote() writes."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from paperscope.urls import author_url, segment


def test_every_ascii_character_is_written_as_quote_writes_it():
    for n in range(128):
        char = chr(n)
        assert segment(char * 3) == quote(char * 3, safe=""), repr(char)


@given(st.text())
def test_any_text_is_one_segment_as_quote_writes_it(text):
    expected = quote(text, safe="") if text not in (".", "..") else text.replace(".", "%2E")
    assert segment(text) == expected
    assert "/" not in segment(text)


def test_dots_and_names():
    assert segment(".") == "%2E" and segment("..") == "%2E%2E" and segment("...") == "..."
    assert author_url("Ada Lovelace") == "/authors/Ada%20Lovelace"
    assert author_url("Zoë O'Brien/..") == "/authors/Zo%C3%AB%20O%27Brien%2F.."
    assert segment(2603) == "2603"
