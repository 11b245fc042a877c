"""The query language: each rule on a plain example, and hostile input never raising."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from paperscope.search.query import (
    MAX_CLAUSES,
    MAX_QUERY_CHARS,
    ParsedQuery,
    SearchFilters,
    parse_query,
)


def test_words_phrases_and_exclusions():
    q = parse_query('graph networks "graph neural network" -transformer -"large language"')
    assert q.terms == ["graph", "networks"]
    assert q.phrases == ["graph neural network"]
    assert q.excluded == ["transformer", "large language"]
    assert q.fields == {} and not q.is_empty


def test_field_prefixes():
    q = parse_query('author:"Geoffrey  Hinton" author:lecun TITLE:attention cat:cs.LG title:"a b"')
    assert q.fields == {
        "author": ["Geoffrey Hinton", "lecun"],
        "title": ["attention", "a b"],
        "cat": ["cs.LG"],
    }
    assert q.terms == []


def test_excluded_fields():
    q = parse_query("-cat:cs.CV -title:survey -author:smith")
    assert q.excluded_fields == {"cat": ["cs.CV"], "title": ["survey"], "author": ["smith"]}
    assert q.fields == {} and q.excluded == []


def test_unknown_prefix_is_a_plain_word():
    assert parse_query("foo:bar").terms == ["foo:bar"]


def test_boolean_operators():
    q = parse_query("a AND b OR c NOT d")
    assert q.terms == ["a", "b", "c"]
    assert q.excluded == ["d"]
    assert parse_query("and or not").terms == ["and", "or", "not"]  # only capitals are operators
    assert parse_query("AND OR NOT").is_empty


def test_parentheses_are_ignored():
    q = parse_query("((graph OR tree) -(noise)")
    assert q.terms == ["graph", "tree"]
    assert q.excluded == ["noise"]


def test_unbalanced_quote_makes_the_rest_a_phrase():
    q = parse_query('deep "graph neural')
    assert q.terms == ["deep"]
    assert q.phrases == ["graph neural"]


def test_control_characters_stripped_and_whitespace_kept_as_a_separator():
    q = parse_query("gra\x00ph\x07\tnet\nwork\ud800s")
    assert q.terms == ["graph", "net", "works"]


def test_punctuation_only_tokens_dropped_and_other_scripts_kept():
    q = parse_query("* ** && 🤖 日本語 net* ")
    assert q.terms == ["🤖", "日本語", "net*"]


def test_empty_queries():
    for text in ["", "   ", "()", '""', "-", "title:", "*", "\x00\x01"]:
        assert parse_query(text).is_empty, text


def test_long_queries_are_truncated():
    q = parse_query("x" * 10_000)
    assert q.truncated and q.terms == ["x" * MAX_QUERY_CHARS]
    q = parse_query(" ".join(f"w{i}" for i in range(500)))
    assert q.clause_count() == MAX_CLAUSES
    assert q.terms[:2] == ["w0", "w1"]


def test_duplicates_kept_once():
    assert parse_query("graph graph Graph").terms == ["graph", "Graph"]


def test_filters_empty():
    assert SearchFilters().is_empty
    assert not SearchFilters(min_upvotes=0).is_empty
    assert not SearchFilters(categories=["cs.LG"]).is_empty


HOSTILE = st.sampled_from(
    ['"', "(", ")", "-", "+", "*", ":", "AND", "OR", "NOT", "title:", "author:", "cat:", "foo:"]
    + ["\x00", "\x1b", "\n", "\ud800", "🤖", "👩‍🔬", "日本語", "\u202e", "\ufeff", " "]
)
QUERIES = st.one_of(
    st.text(),
    st.lists(st.one_of(HOSTILE, st.text(max_size=12)), max_size=60).map("".join),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=5), st.integers(2000, 3000)),
)


@settings(max_examples=300, deadline=None)
@given(QUERIES)
def test_parse_query_never_raises(text):
    q = parse_query(text)
    assert isinstance(q, ParsedQuery)
    assert q.clause_count() <= MAX_CLAUSES
    values = q.terms + q.phrases + q.excluded
    values += [v for vs in (*q.fields.values(), *q.excluded_fields.values()) for v in vs]
    for value in values:
        assert value and value == value.strip()
        assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in value)
