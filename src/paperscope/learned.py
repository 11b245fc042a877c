"""What a person's recommendation model learned, in words and papers, and
all of it as data to take away (the "For you" model page and its export).

The model (:mod:`paperscope.recommend`) is a direction in embedding space,
which no one can read. Two views of it that people can:

- **Nearest papers**: a paper's score is an increasing function of the
  cosine between its embedding and the model's weights (the centre and the
  bias add the same to every paper), so the papers of the whole library
  nearest to the weights, found by the vector index as a search is, are
  exactly the ones the model likes most, old or new.
- **Telling words**: the words of the titles and abstracts whose share of
  the positives most exceeds their share of the negatives (the shared
  sample and the person's dismissed papers): a smoothed log ratio of
  document frequencies, as a tf-idf contrast would give, with a word
  needing two positives (when there are two) so that one long abstract
  does not speak for all. The dismissed papers get the same contrast
  against the positives: the words of what they do not want.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from paperscope.library import Library
from paperscope.models import Paper
from paperscope.recommend import DAYS, Model, Recommender

WORDS = 15
NEAREST = 10
_WORD = re.compile(r"[a-z][a-z0-9]+(?:-[a-z0-9]+)*")
# Words that say nothing about a topic: English function words and the
# words every abstract uses.
_STOP_TEXT = """a about above after again against all also an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having here how if in into is it its itself just
    more most no nor not now of off on once only or other our out over own same should so
    some such than that the their them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with
    would you your via using use used based new show shows shown propose proposed approach
    method methods paper results result work however well two one three first while also
    model models data task tasks performance state art existing study our novel"""
STOPWORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True)
class Word:
    word: str
    score: float  # log of (share among ours) / (share among the rest), smoothed
    papers: int  # how many of ours have it


@dataclass(frozen=True)
class Near:
    paper: Paper
    score: float  # the model's logit for it
    yours: str | None  # "upvoted", "saved", "dismissed", or None


@dataclass(frozen=True)
class Learned:
    """What :func:`learned` found: the model, the papers nearest to it, and words."""

    model: Model
    nearest: list[Near]
    more_of: list[Word]  # words of the positives against the negatives
    less_of: list[Word]  # words of the dismissed papers against the positives


def words_of(paper: Paper) -> set[str]:
    """The distinct words of a paper's title and abstract, stop words left out."""
    text = f"{paper.title} {paper.abstract}".lower()
    return {w for w in _WORD.findall(text) if w not in STOPWORDS and len(w) > 2}


def telling_words(ours: Iterable[Paper], rest: Iterable[Paper], k: int = WORDS) -> list[Word]:
    """The ``k`` words that most tell ``ours`` from ``rest`` (see the module)."""
    mine = [words_of(p) for p in ours]
    others = [words_of(p) for p in rest]
    if not mine:
        return []
    have, elsewhere = Counter(w for ws in mine for w in ws), Counter(w for ws in others for w in ws)
    least = 2 if len(mine) >= 2 else 1
    scored = []
    for word, count in have.items():
        if count < least:
            continue
        share = (count + 0.5) / (len(mine) + 1)
        base = (elsewhere[word] + 0.5) / (len(others) + 1)
        scored.append(Word(word, math.log(share / base), count))
    scored.sort(key=lambda w: (-w.score, -w.papers, w.word))
    return [w for w in scored if w.score > 0][:k]


def learned(
    library: Library, user_id: int, *, now: datetime, k: int = NEAREST, days: int = DAYS
) -> Learned | None:
    """The person's model and what it learned; None while they have too few
    positives for a model (the page says so)."""
    recommender = Recommender(library, now=now, days=days)
    model = recommender.model(user_id)
    if model is None:
        return None
    signals = model.signals
    direction = model.weights[:-1]
    found = []
    if float(np.linalg.norm(direction)) > 0:
        found = library.vector_index().search(direction, k=k)
    papers = {p.id: p for p in library.get_many([pid for pid, _ in found])}
    length = float(np.linalg.norm(direction))
    offset = float(model.weights[-1] - direction @ model.centre)
    dismissed = set(signals.negatives)
    nearest = [
        Near(papers[pid], length * cos + offset,
             signals.interests.get(pid) or ("dismissed" if pid in dismissed else None))
        for pid, cos in found if pid in papers
    ]  # fmt: skip
    positives = library.get_many(signals.positives)
    negatives = library.get_many(recommender.negatives)
    said_no = library.get_many(signals.negatives)
    return Learned(
        model,
        nearest,
        telling_words(positives, [*negatives, *said_no]),
        telling_words(said_no, positives) if said_no else [],
    )


def export(library: Library, user_id: int, *, now: datetime, days: int = DAYS) -> dict:
    """Everything the person's recommendations rest on, as JSON data: their
    positives (and whether the model still counts each), their dismissed and
    seen papers, the last reset, and the model's weights."""
    recommender = Recommender(library, now=now, days=days)
    (signals,) = recommender.signals([user_id]).values()
    feedback = library.feedback.of(user_id)
    counted = set(signals.positives)
    model = recommender.model(user_id)
    as_model = None
    if model is not None:
        as_model = {
            "kind": "L2-regularised logistic regression on unit sentence embeddings",
            "score": "weights . (embedding - centre) + bias",
            "dim": len(model.centre),
            "bias": round(float(model.weights[-1]), 6),
            "weights": [round(float(x), 6) for x in model.weights[:-1]],
            "centre": [round(float(x), 6) for x in model.centre],
        }
    return {
        "as_of": now.isoformat(),
        "reset_at": feedback.reset_at,
        "positives": [
            {"id": pid, "action": action, "counted": pid in counted}
            for pid, action in sorted(signals.interests.items())
        ],  # fmt: skip
        "dismissed": [
            {"id": pid, "at": at, "counted": pid in signals.negatives}
            for pid, at in feedback.dismissed.items()
        ],  # fmt: skip
        "seen": [{"id": pid, "how": how} for pid, how in feedback.seen.items()],
        "model": as_model,
    }
