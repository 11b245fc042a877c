"""Reciprocal rank fusion."""

from __future__ import annotations

import pytest

from paperscope.search.hybrid import rrf


def test_a_paper_both_rankings_like_beats_one_only_one_likes():
    fused = rrf({"keyword": ["a", "b", "c"], "semantic": ["c", "d", "a"]}, weights=None)
    ids = [pid for pid, _, _ in fused]
    assert ids[:2] == ["a", "c"]  # in both lists
    assert set(ids) == {"a", "b", "c", "d"}


def test_scores_and_reasons_follow_the_formula():
    fused = dict(
        (pid, (score, why))
        for pid, score, why in rrf({"kw": ["x", "y"], "sem": ["y"]}, k=60, weights=None)
    )
    assert fused["x"] == (pytest.approx(1 / 61), {"kw": 1})
    assert fused["y"] == (pytest.approx(1 / 62 + 1 / 61), {"kw": 2, "sem": 1})


def test_missing_from_one_ranking_still_ranks_and_duplicates_count_once():
    fused = rrf({"keyword": ["a", "a", "b"], "semantic": []})
    assert [(pid, why) for pid, _, why in fused] == [("a", {"keyword": 1}), ("b", {"keyword": 3})]


def test_weights_shift_the_balance_and_ties_are_stable():
    assert [p for p, _, _ in rrf({"kw": ["a"], "sem": ["b"]})] == ["a", "b"]
    assert [p for p, _, _ in rrf({"kw": ["a"], "sem": ["b"]}, weights={"sem": 2.0})] == ["b", "a"]
    assert rrf({}) == []


def test_by_default_semantic_counts_half_as_much_as_keyword():
    fused = rrf({"keyword": ["a", "b"], "semantic": ["b", "a"]})
    assert [pid for pid, _, _ in fused] == ["a", "b"]
    assert fused[0][1] == pytest.approx(1 / 61 + 0.5 / 62)
