"""The shared text helpers: math found in linear time, excerpts, author lines."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from paperscope.models import new_paper
from paperscope.text import authors_line, excerpt, math_spans, more_authors, plain_math

# The pattern the site used before math_spans: right, but quadratic on
# "\\(" repeated (each opener scanned to the end of the text for its closer).
OLD_MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+?\$|\\\(.+?\\\)|\\\[.+?\\\]", re.S)


@settings(max_examples=2_000)
@given(st.text(alphabet="$\\()[]x \n", max_size=40))
def test_math_spans_finds_what_the_old_pattern_found(text):
    expected = [(m.start(), m.end()) for m in OLD_MATH.finditer(text)]
    assert [(start, end) for start, end, _ in math_spans(text)] == expected


def test_math_spans_on_the_texts_that_were_slow_agree_with_the_old_pattern():
    """The inputs that made the old pattern take seconds, at an abstract's
    full length; the old pattern is run on a prefix only (it is the slow one),
    and the spans it finds well inside that prefix must be the same."""
    for unit in ("\\(", "\\[", "$$", "$", "$\\(", "\\(x\\)\\("):
        text = unit * (100_000 // len(unit))
        spans = [(a, b) for a, b, _ in math_spans(text)]
        prefix = [(m.start(), m.end()) for m in OLD_MATH.finditer(text[:4_000])]
        assert [s for s in spans if s[1] < 3_000] == [s for s in prefix if s[1] < 3_000], unit


def test_display_math_is_marked():
    assert math_spans(r"a $$x$$ b \[y\] c $z$ d \(w\)") == [
        (2, 7, True), (10, 15, True), (18, 21, False), (24, 29, False),
    ]  # fmt: skip


def test_excerpts_never_cut_a_formula():
    text = "word " * 50 + r"$\sum_{i=1}^{n} i$ " + "tail " * 50
    cut = excerpt(text, 260)
    assert cut.endswith(" …") and "$" not in cut


def test_plain_math_for_tab_titles():
    assert plain_math(r"Sorting in $O(n \log n)$ time with $\alpha$-stable comparisons") == (
        "Sorting in O(n log n) time with α-stable comparisons"
    )
    assert plain_math(r"$\mathbb{R}^n$ and \(x_{i}\)") == "Rn and xi"
    assert plain_math("no math here") == "no math here"


def test_author_lines_count_the_rest_in_good_english():
    five = new_paper(title="t", authors=list("ABCDE"), source="bibtex")
    assert authors_line(five) == "A, B, C, D and 1 other"
    assert more_authors(five, 4) == "and 1 other"
    counted = new_paper(title="t", authors=list("ABCDE"), author_count=12, source="bibtex")
    assert authors_line(counted) == "A, B, C, D and 8 others"
    assert authors_line(new_paper(title="t", author_count=1, source="hf-page")) == "1 author"
    assert authors_line(new_paper(title="t", source="hf-page")) == ""
