"""Personal recommendations on a real SQLite library, with vectors written
straight into its vector index: papers of three topics, each topic's vectors
scattered around its own random centre."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from paperscope.accounts import Accounts
from paperscope.library import Library
from paperscope.models import new_paper
from paperscope.recommend import (
    ITERATIONS,
    MIN_POSITIVES,
    MODEL,
    TRENDING,
    negative_sample,
    rank,
    recommend,
    recommend_many,
    window,
)
from paperscope.store.community import CommunityStore
from tests.test_accounts import FAST, PASSWORD

NOW = datetime(2026, 3, 18, 12, tzinfo=UTC)
DIM = 384
TOPICS = "ABC"
OLD, RECENT = 10, 4  # papers a topic has from long ago, and in the last days


def day(days_ago: int) -> str:
    return (NOW - timedelta(days=days_ago)).date().isoformat()


@dataclass
class Corpus:
    lib: Library
    old: dict[str, list[str]] = field(default_factory=dict)  # topic: paper ids
    recent: dict[str, list[str]] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)  # name: id

    def user(self, name: str) -> int:
        accounts = Accounts(self.lib.people, hasher=FAST)
        self.users[name] = accounts.sign_up(f"{name}@example.org", name, PASSWORD).id
        return self.users[name]

    def vote(self, user: int, ids: list[str]) -> None:
        community = CommunityStore(self.lib.store)
        for pid in ids:
            assert community.toggle_vote(user, pid)[0]

    def save(self, user: int, ids: list[str], name: str = "Reading list") -> None:
        """Rows straight into the collection tables (migration 0006)."""
        with self.lib.store.transaction() as conn:
            cid = conn.execute(
                "INSERT INTO collections (user_id, name, created_at) VALUES (?, ?, ?)",
                (user, name, "2026-03-01T00:00:00Z"),
            ).lastrowid
            conn.executemany(
                "INSERT INTO collection_papers VALUES (?, ?, ?)",
                [(cid, pid, "2026-03-01T00:00:00Z") for pid in ids],
            )

    def topic_of(self, pid: str) -> str:
        return next(t for t in TOPICS if pid in self.old[t] or pid in self.recent[t])


def build(path: Path, *, vectors: bool = True) -> Corpus:
    """Ten old and four recent feed papers per topic (upvoted, so that trending
    has something), and a recent topic-A preprint that is not in the feed."""
    rng = np.random.default_rng(7)
    lib = Library(path)
    corpus = Corpus(lib)
    papers, topic_of = [], []
    for t in TOPICS:
        for i in range(OLD):
            papers.append(new_paper(title=f"Topic {t} old paper {i}", source="hf-page",
                                    feed_date=day(40 + i), upvotes=i))  # fmt: skip
            topic_of.append(t)
        for i in range(RECENT):
            papers.append(new_paper(title=f"Topic {t} recent paper {i}", source="hf-page",
                                    feed_date=day(i), upvotes=5 + 3 * i))  # fmt: skip
            topic_of.append(t)
    papers.append(new_paper(title="Topic A fresh preprint", arxiv_id="2603.00077",
                            source="arxiv-oai", published=f"{day(1)}T09:00:00Z"))  # fmt: skip
    topic_of.append("A")
    with lib.store.transaction():
        lib.store.save_papers(papers)
    for paper, t in zip(papers, topic_of, strict=True):
        kind = corpus.recent if "recent" in paper.title or "fresh" in paper.title else corpus.old
        kind.setdefault(t, []).append(paper.id)
    if vectors:
        centres = {t: rng.normal(size=DIM) / np.sqrt(DIM) for t in TOPICS}
        vecs = np.stack([centres[t] + rng.normal(size=DIM) / np.sqrt(DIM) for t in topic_of])
        lib.vector_index().upsert([p.id for p in papers], vecs, [""] * len(papers))
    return corpus


@pytest.fixture
def corpus(tmp_path):
    found = build(tmp_path / "library.db")
    yield found
    found.lib.close()


def cosine(lib: Library, a: str, b: str) -> float:
    index = lib.vector_index()
    return float(index.vector_of(a) @ index.vector_of(b))


def test_upvotes_of_one_topic_bring_its_recent_papers_first(corpus):
    ada = corpus.user("ada")
    mine = corpus.old["A"][:5]
    corpus.vote(ada, mine)
    recs = recommend(corpus.lib, ada, now=NOW, k=8)
    assert len(recs) == 8
    # Every recent topic-A paper, the preprint outside the feed included,
    # comes before anything else; old papers are never recommended.
    assert {r.paper.id for r in recs[:5]} == set(corpus.recent["A"])
    assert all(r.paper.id not in corpus.old[corpus.topic_of(r.paper.id)] for r in recs)
    assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)
    for r in recs:
        assert r.kind == MODEL and r.action == "upvoted" and r.because.id in mine
        # The explanation names the upvoted paper most like the recommended one.
        sims = {pid: cosine(corpus.lib, r.paper.id, pid) for pid in mine}
        assert r.because.id == max(sims, key=sims.get)
        assert r.similarity == pytest.approx(sims[r.because.id], abs=1e-3)
        assert r.reason == f"because you upvoted “{r.because.title}”"
    assert recs[0].as_dict()["because"]["id"] == recs[0].because.id


def test_saved_papers_count_and_saving_beats_upvoting(corpus):
    bo = corpus.user("bo")
    corpus.save(bo, corpus.old["B"][:3])
    corpus.vote(bo, corpus.old["B"][:1])  # saved and upvoted: "saved" is the stronger sign
    recs = recommend(corpus.lib, bo, now=NOW, k=4)
    assert {r.paper.id for r in recs} == set(corpus.recent["B"])
    assert {r.action for r in recs} == {"saved"}
    assert all(r.reason.startswith("because you saved “Topic B old paper") for r in recs)


def test_papers_already_upvoted_or_saved_are_left_out(corpus):
    cy = corpus.user("cy")
    corpus.vote(cy, [*corpus.old["A"][:3], corpus.recent["A"][0]])
    corpus.save(cy, [corpus.recent["A"][1]])
    recs = recommend(corpus.lib, cy, now=NOW, k=50)
    shown = [r.paper.id for r in recs]
    assert corpus.recent["A"][0] not in shown and corpus.recent["A"][1] not in shown
    assert set(shown[:3]) == set(corpus.recent["A"][2:])
    # Every other recent paper with a vector is ranked; nothing else is.
    assert len(shown) == len(set(shown)) == 3 * RECENT + 1 - 2


def test_fewer_than_three_positives_fall_back_to_trending_and_say_so(corpus):
    di = corpus.user("di")
    corpus.vote(di, [corpus.recent["C"][3], corpus.old["C"][0]])
    recs = recommend(corpus.lib, di, now=NOW, k=5)
    assert [r.kind for r in recs] == [TRENDING] * 5
    assert recs[0].reason == (
        "trending: you have upvoted or saved 2 papers with embeddings, "
        f"and recommendations need {MIN_POSITIVES}"
    )
    trending = [t.paper.id for t in corpus.lib.trending(NOW, limit=10).trends]
    assert [r.paper.id for r in recs] == [p for p in trending if p != corpus.recent["C"][3]][:5]
    assert recs[0].because is None and recs[0].as_dict()["because"] is None


def test_a_library_without_embeddings_gives_everyone_trending(tmp_path):
    corpus = build(tmp_path / "library.db", vectors=False)
    with corpus.lib:
        ed = corpus.user("ed")
        corpus.vote(ed, corpus.old["A"][:5])
        recs = recommend(corpus.lib, ed, now=NOW, k=3)
        assert [r.kind for r in recs] == [TRENDING] * 3
        assert "you have upvoted or saved 0 papers with embeddings" in recs[0].reason
        stranger = recommend(corpus.lib, 12345, now=NOW, k=3)  # no such account
        assert [r.paper.id for r in stranger] == [r.paper.id for r in recs]


def test_recommend_many_gives_what_one_at_a_time_gives(corpus):
    people = {name: corpus.user(name) for name in ("fay", "gus", "hal", "ivy")}
    corpus.vote(people["fay"], corpus.old["A"][:4])
    corpus.save(people["gus"], corpus.old["B"][2:8])
    corpus.vote(people["hal"], [*corpus.old["A"][5:7], *corpus.old["C"][:3]])
    corpus.vote(people["ivy"], corpus.old["C"][:1])  # one positive: trending
    ids = [*people.values(), 999]
    together = recommend_many(corpus.lib, ids, now=NOW, k=6)
    assert list(together) == ids
    for uid in ids:
        alone = recommend(corpus.lib, uid, now=NOW, k=6)
        assert [r.paper.id for r in together[uid]] == [r.paper.id for r in alone]
        assert [r.reason for r in together[uid]] == [r.reason for r in alone]
        assert [r.score for r in together[uid]] == pytest.approx([r.score for r in alone],
                                                                 rel=1e-4, abs=1e-5)  # fmt: skip
    assert together[people["ivy"]][0].kind == together[999][0].kind == TRENDING
    topics = {corpus.topic_of(r.paper.id) for r in together[people["gus"]][:RECENT]}
    assert topics == {"B"}
    assert {corpus.topic_of(r.paper.id) for r in together[people["hal"]][:4]} <= {"A", "C"}


def test_the_recent_window_is_the_days_before_now():
    assert window(NOW, 7) == (date(2026, 3, 12), date(2026, 3, 18))  # today and 6 days before
    # A digest's "now" is the midnight that ends its day or ISO week: exactly that period.
    assert window(datetime(2026, 3, 19, tzinfo=UTC), 1) == (date(2026, 3, 18), date(2026, 3, 18))
    assert window(datetime(2026, 3, 16, tzinfo=UTC), 7) == (date(2026, 3, 9), date(2026, 3, 15))
    east = timezone(timedelta(hours=5))
    assert window(datetime(2026, 3, 19, 5, tzinfo=east), 1) == window(
        datetime(2026, 3, 19, tzinfo=UTC), 1
    )


def test_a_digest_of_one_day_ranks_only_that_days_papers(corpus):
    kim = corpus.user("kim")
    corpus.vote(kim, corpus.old["A"][:3])
    end_of_yesterday = datetime(2026, 3, 18, tzinfo=UTC)
    recs = recommend(corpus.lib, kim, now=end_of_yesterday, k=50, days=1)
    assert {r.paper.feed_date or r.paper.published[:10] for r in recs} == {day(1)}
    assert corpus.recent["A"][1] in {r.paper.id for r in recs}


def test_the_negative_sample_is_stable_and_leaves_recent_papers_out():
    ids = [f"p{i}" for i in range(500)]
    recent = {f"p{i}" for i in range(0, 500, 7)}
    sample = negative_sample(ids, recent, size=50)
    assert len(sample) == 50 and not set(sample) & recent and sample == sorted(sample)
    assert negative_sample(list(reversed(ids)), recent, size=50) == sample
    # A new paper joins the sample only by hashing lower: most of it stays.
    grown = negative_sample([*ids, *(f"q{i}" for i in range(20))], recent, size=50)
    assert len(set(grown) & set(sample)) >= 40
    # Too few papers outside the window: every paper is a negative.
    assert negative_sample(ids, recent, size=450) == sorted(ids)


def test_rank_converges_and_excludes_each_persons_own_papers():
    """The core on clustered vectors: the default number of steps ranks as a
    model trained ten times longer does, and nobody is offered their own papers."""
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(20, DIM))
    topic = rng.integers(0, 20, 3_000)
    vectors = centres[topic] / np.sqrt(DIM) + rng.normal(size=(3_000, DIM)) / np.sqrt(DIM)
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float16)
    cand = np.arange(2_500, 3_000)
    people = [rng.choice(np.flatnonzero(np.isin(topic, rng.choice(20, 2))), 12, replace=False)
              for _ in range(60)]  # fmt: skip
    ptr = np.cumsum([0, *map(len, people)])
    rows = np.concatenate(people)
    fast = rank(vectors, ptr, rows, np.arange(0, 2_000), cand, k=10)
    slow = rank(vectors, ptr, rows, np.arange(0, 2_000), cand, k=10, iterations=10 * ITERATIONS)
    agree = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(fast.top, slow.top, strict=True)])
    assert agree >= 0.95
    for u, mine in enumerate(people):
        assert not set(cand[fast.top[u]]) & set(mine)
        assert all(ptr[u] <= b < ptr[u + 1] for b in fast.because[u])
    # Fewer candidates than asked for: the rest is marked empty.
    few = rank(vectors, ptr[:2], rows[: ptr[1]], np.arange(100), people[0][:2], k=5)
    assert few.top.shape == (1, 2) and (few.top == -1).all() and np.isinf(few.scores).all()


def test_with_the_real_embedding_model(tmp_path):
    """A dozen short abstracts embedded by the shipped model: someone who
    upvoted protein papers is offered the recent protein paper first."""
    protein = ["Predicting protein structure from amino acid sequences",
               "Protein folding dynamics simulated with molecular mechanics",
               "Enzyme design by deep learning on protein backbones",
               "Antibody binding affinity from protein language models",
               "A new protein language model predicts mutation effects"]  # fmt: skip
    vision = ["Image classification with convolutional networks",
              "Object detection in street scenes from camera images",
              "Self-supervised pretraining for image segmentation",
              "Video action recognition with spatio-temporal attention",
              "Vision transformers for high-resolution images",
              "Diffusion models for photorealistic image generation",
              "Depth estimation from a single camera image"]  # fmt: skip
    with Library(tmp_path / "library.db") as lib:
        old = [new_paper(title=t, source="hf-page", feed_date=day(30)) for t in protein[:4]]
        old += [new_paper(title=t, source="hf-page", feed_date=day(30)) for t in vision[:5]]
        new = [new_paper(title=t, source="hf-page", feed_date=day(1))
               for t in [protein[4], *vision[5:]]]  # fmt: skip
        with lib.store.transaction():
            lib.store.save_papers(old + new)
        assert lib.embed() == 12
        corpus = Corpus(lib)
        jo = corpus.user("jo")
        corpus.vote(jo, [p.id for p in old[:3]])
        recs = recommend(lib, jo, now=NOW, k=3)
        assert [r.kind for r in recs] == [MODEL] * 3
        assert recs[0].paper.title == protein[4]
        assert recs[0].because.title in protein[:3]
