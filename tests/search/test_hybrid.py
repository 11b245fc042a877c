"""Fusing the keyword and semantic rankings: both methods, by their formulas."""

from __future__ import annotations

import pytest

from paperscope.search.hybrid import DEFAULT_FUSION, Fusion, fuse
from paperscope.search.lexical import keyword_hit
from paperscope.search.semantic import semantic_hit


def kw(*pairs):
    return [keyword_hit(pid, score, rank, "bm25") for rank, (pid, score) in enumerate(pairs, 1)]


def sem(*pairs):
    return [semantic_hit(pid, cos, rank) for rank, (pid, cos) in enumerate(pairs, 1)]


RRF = Fusion(method="rrf", k=60, semantic_weight=1.0)


def test_rrf_a_paper_both_rankings_like_beats_one_only_one_likes():
    fused = fuse(kw(("a", 3), ("b", 2), ("c", 1)), sem(("c", 0.9), ("d", 0.8), ("a", 0.7)), RRF)
    ids = [h.id for h in fused]
    assert ids[:2] == ["a", "c"]  # in both lists
    assert set(ids) == {"a", "b", "c", "d"}


def test_rrf_scores_follow_the_formula_and_reasons_keep_both_ranks():
    fused = {h.id: h for h in fuse(kw(("x", 5), ("y", 4)), sem(("y", 0.5)), RRF)}
    assert fused["x"].score == pytest.approx(1 / 61)
    assert fused["y"].score == pytest.approx(1 / 62 + 1 / 61)
    assert fused["y"].why == {"keyword_rank": 2, "bm25": 4, "semantic_rank": 1, "cosine": 0.5}


def test_rrf_weights_shift_the_balance():
    light = Fusion(method="rrf", semantic_weight=0.5)
    heavy = Fusion(method="rrf", semantic_weight=2.0)
    assert [h.id for h in fuse(kw(("a", 1)), sem(("b", 0.9)), light)] == ["a", "b"]
    assert [h.id for h in fuse(kw(("a", 1)), sem(("b", 0.9)), heavy)] == ["b", "a"]


def test_convex_normalises_each_ranking_then_mixes_by_alpha():
    mix = Fusion(method="convex", alpha=0.25)
    fused = {h.id: h.score for h in fuse(kw(("a", 10), ("b", 5)), sem(("b", 0.6), ("c", 0.4)),
                                          mix, floor=0.2)}  # fmt: skip
    assert fused["a"] == pytest.approx(0.75 * 1.0)  # best BM25, no vector match
    assert fused["b"] == pytest.approx(0.75 * 0.5 + 0.25 * 1.0)  # best cosine
    assert fused["c"] == pytest.approx(0.25 * (0.4 - 0.2) / (0.6 - 0.2))


def test_convex_keeps_how_far_ahead_a_hit_is_where_rrf_does_not():
    """A paper far ahead in meaning and a close second by keywords: convex
    lets the gap count, RRF sees only ranks."""
    keyword = kw(("near", 10.0), ("far", 9.9))
    semantic = sem(("far", 0.8), ("near", 0.3))
    assert fuse(keyword, semantic, Fusion(method="convex", alpha=0.5), floor=0.2)[0].id == "far"
    rrf_even = Fusion(method="rrf", semantic_weight=1.0)
    assert fuse(keyword, semantic, rrf_even)[0].id == "near"  # a tie, broken by arrival


def test_a_cosine_under_the_floor_adds_nothing_and_empty_rankings_fuse_to_nothing():
    fused = {h.id: h.score for h in fuse(kw(("a", 2)), sem(("b", 0.5), ("a", 0.1)),
                                          Fusion(alpha=0.5), floor=0.2)}  # fmt: skip
    assert fused["a"] == pytest.approx(0.5)
    assert fuse([], [], DEFAULT_FUSION) == []


def test_restriction_only_keyword_hits_keep_their_date_order():
    by_date = kw(("new", 0.0), ("old", 0.0))
    assert [h.id for h in fuse(by_date, [], DEFAULT_FUSION)] == ["new", "old"]


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown fusion method 'magic'"):
        Fusion(method="magic")
