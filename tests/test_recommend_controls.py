"""Control over recommendations, on the three-topic library of
tests/test_recommend.py: "not interested", seen papers, a collection's own
model, model resets, and what the model learned."""

from __future__ import annotations

import numpy as np
import pytest

from paperscope.learned import export, learned, telling_words
from paperscope.models import new_paper
from paperscope.recommend import COLLECTION, MODEL, TRENDING, Recommender, recommend, recommend_many
from tests.test_recommend import NOW, RECENT
from tests.test_recommend import corpus as corpus  # the fixture


def ranked(corpus, uid: int, **kw) -> list[str]:
    return [r.paper.id for r in recommend(corpus.lib, uid, now=NOW, k=50, **kw)]


def test_a_dismissed_paper_never_returns_and_pulls_its_kind_down(corpus):
    hal = corpus.user("hal")
    corpus.vote(hal, [*corpus.old["A"][:3], *corpus.old["C"][:3]])  # two topics
    before = {r.paper.id: r for r in recommend(corpus.lib, hal, now=NOW, k=50)}
    a_first = corpus.recent["A"][:2]
    for pid in a_first:
        corpus.lib.feedback.dismiss(hal, pid)
    after = {r.paper.id: r for r in recommend(corpus.lib, hal, now=NOW, k=50)}
    assert not set(a_first) & set(after)
    assert set(after) == set(before) - set(a_first)  # nothing else is left out
    # The other topic-A papers lose score, and the topic-C papers gain on them.
    rest = corpus.recent["A"][2:]
    assert all(after[p].score < before[p].score for p in rest)
    order = list(after)
    c_ahead = [c for c in corpus.recent["C"] for a in rest if order.index(c) < order.index(a)]
    before_order = [p for p in before if p not in a_first]
    c_ahead_before = [c for c in corpus.recent["C"] for a in rest
                      if before_order.index(c) < before_order.index(a)]  # fmt: skip
    assert len(c_ahead) > len(c_ahead_before)
    # Taken back: it may come back.
    corpus.lib.feedback.undismiss(hal, a_first[0])
    assert a_first[0] in ranked(corpus, hal)


def test_a_handful_of_dismissals_turn_the_ranking_around(corpus):
    """Someone who upvoted five topic-A papers and three of topic B gets the
    recent A papers first; three dismissed A papers, against 1,024 sampled
    negatives, are enough to put B first."""
    ivy = corpus.user("ivy")
    corpus.vote(ivy, [*corpus.old["A"][:5], *corpus.old["B"][:3]])
    before = ranked(corpus, ivy)
    assert {corpus.topic_of(p) for p in before[: RECENT + 1]} == {"A"}
    for pid in corpus.recent["A"][:3]:
        corpus.lib.feedback.dismiss(ivy, pid)
    after = ranked(corpus, ivy)
    assert corpus.topic_of(after[0]) == "B"
    assert len(after) == len(before) - 3


def test_seen_papers_are_not_recommended_nor_offered_as_trending(corpus):
    jo, di = corpus.user("jo"), corpus.user("di")
    corpus.vote(jo, corpus.old["A"][:3])
    corpus.lib.feedback.mark_seen(jo, corpus.recent["A"][:2], "digest")
    corpus.lib.feedback.mark_opened(jo, corpus.recent["A"][2])
    shown = ranked(corpus, jo)
    assert not set(corpus.recent["A"][:3]) & set(shown)
    assert shown[0] == corpus.recent["A"][3]
    # A person on trending (no positives) does not get what they saw either.
    trending = ranked(corpus, di)
    corpus.lib.feedback.mark_opened(di, trending[0])
    corpus.lib.feedback.dismiss(di, trending[1])
    assert ranked(corpus, di)[:3] == [p for p in trending if p not in trending[:2]][:3]


def test_recommend_many_with_feedback_gives_what_one_at_a_time_gives(corpus):
    people = [corpus.user(n) for n in ("fay", "gus", "kim")]
    corpus.vote(people[0], corpus.old["A"][:4])
    corpus.vote(people[1], [*corpus.old["B"][:3], *corpus.old["C"][:3]])
    corpus.vote(people[2], corpus.old["C"][:5])
    corpus.lib.feedback.dismiss(people[1], corpus.recent["B"][0])
    corpus.lib.feedback.dismiss(people[1], corpus.old["A"][0])  # a negative outside the window
    corpus.lib.feedback.mark_seen(people[2], corpus.recent["C"][:1], "digest")
    together = recommend_many(corpus.lib, people, now=NOW, k=6)
    for uid in people:
        alone = recommend(corpus.lib, uid, now=NOW, k=6)
        assert [r.paper.id for r in together[uid]] == [r.paper.id for r in alone]
        assert [r.score for r in together[uid]] == pytest.approx([r.score for r in alone],
                                                                 rel=1e-4, abs=1e-5)  # fmt: skip
    assert corpus.recent["B"][0] not in {r.paper.id for r in together[people[1]]}
    assert corpus.recent["C"][0] not in {r.paper.id for r in together[people[2]]}


def test_a_collection_has_a_model_of_its_own(corpus):
    bo = corpus.user("bo")
    corpus.vote(bo, corpus.old["A"][:5])  # their own model likes A
    bees = corpus.old["B"][:4]
    corpus.save(bo, bees, name="Bees")
    corpus.lib.feedback.dismiss(bo, corpus.recent["B"][0])
    recs = Recommender(corpus.lib, now=NOW).like_these(bo, bees, "Bees", k=5)
    assert {r.paper.id for r in recs[:3]} == set(corpus.recent["B"][1:])
    assert corpus.recent["B"][0] not in {r.paper.id for r in recs}
    for r in recs:
        assert r.kind == COLLECTION and r.because.id in bees and r.action == "in"
        assert r.reason == f"because your collection “Bees” has “{r.because.title}”"
    assert not set(bees) & {r.paper.id for r in recs}
    # Too few papers with embeddings for a model: nothing.
    assert Recommender(corpus.lib, now=NOW).like_these(bo, bees[:2], "Two", k=5) == []


def test_a_reset_forgets_positives_and_dismissals_until_then(corpus):
    kim = corpus.user("kim")
    corpus.save(kim, corpus.old["B"][:4])  # saved on 2026-03-01
    corpus.vote(kim, corpus.old["A"][:3])  # voted now (the real clock)
    corpus.lib.feedback.reset(kim, at="2026-06-01T00:00:00Z")  # after the save, before the votes
    recs = recommend(corpus.lib, kim, now=NOW, k=RECENT + 1)
    assert {r.paper.id for r in recs} == set(corpus.recent["A"])
    assert {r.action for r in recs} == {"upvoted"}
    # The saved papers are still never recommended, though not learned from.
    corpus.lib.feedback.reset(kim)
    recs = recommend(corpus.lib, kim, now=NOW, k=50)
    assert {r.kind for r in recs} == {TRENDING}
    assert "since you reset your model" in recs[0].reason
    assert not {r.paper.id for r in recs} & {*corpus.old["A"][:3], *corpus.old["B"][:4]}


def test_what_the_model_learned_and_its_export(corpus):
    lee = corpus.user("lee")
    corpus.vote(lee, corpus.old["A"][:5])
    corpus.lib.feedback.dismiss(lee, corpus.recent["C"][0])
    corpus.lib.feedback.mark_opened(lee, corpus.recent["B"][0])
    found = learned(corpus.lib, lee, now=NOW, k=8)
    assert found is not None
    assert found.model.weights.shape == (385,) and found.model.signals.negatives == [
        corpus.recent["C"][0]
    ]
    # The nearest papers to the weights are topic A's, old and new, the
    # person's own included, and scored as the model scores them.
    assert {corpus.topic_of(n.paper.id) for n in found.nearest} == {"A"}
    assert any(n.yours == "upvoted" for n in found.nearest)
    index = corpus.lib.vector_index()
    for n in found.nearest:
        x = index.vector_of(n.paper.id).astype(np.float32)
        x /= np.linalg.norm(x)
        w = found.model.weights
        assert n.score == pytest.approx(float(w[:-1] @ (x - found.model.centre) + w[-1]),
                                        abs=2e-3)  # fmt: skip
    assert [n.score for n in found.nearest] == sorted((n.score for n in found.nearest),
                                                      reverse=True)  # fmt: skip
    data = export(corpus.lib, lee, now=NOW)
    assert {p["id"] for p in data["positives"]} == set(corpus.old["A"][:5])
    assert all(p["counted"] and p["action"] == "upvoted" for p in data["positives"])
    assert data["dismissed"] == [{"id": corpus.recent["C"][0], "at": data["dismissed"][0]["at"],
                                  "counted": True}]  # fmt: skip
    assert data["seen"] == [{"id": corpus.recent["B"][0], "how": ["opened"]}]
    assert len(data["model"]["weights"]) == len(data["model"]["centre"]) == 384
    assert data["reset_at"] is None
    # No model yet: no weights, and learned() says so with None.
    nobody = corpus.user("nobody")
    assert learned(corpus.lib, nobody, now=NOW) is None
    assert export(corpus.lib, nobody, now=NOW)["model"] is None


def test_telling_words_are_those_of_the_positives_not_of_the_rest():
    ours = [new_paper(title=t, abstract="", source="hf-page") for t in (
        "Protein folding with graph networks", "Protein design by diffusion",
        "Folding proteins quickly", "Graph networks for protein docking")]  # fmt: skip
    rest = [new_paper(title=t, abstract="", source="hf-page") for t in (
        "Image segmentation with graph networks", "Image diffusion for video",
        "Language agents that plan", "Speech recognition at scale")]  # fmt: skip
    words = telling_words(ours, rest, k=3)
    assert words[0].word == "protein" and words[0].papers == 3
    assert "with" not in {w.word for w in words}  # a stop word
    assert all(w.papers >= 2 for w in words)  # one paper alone does not speak for all
    assert telling_words([], rest) == []
    assert MODEL == "model" and RECENT == 4
