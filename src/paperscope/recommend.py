"""Personal recommendations ("For you"): one linear classifier per person, as
arxiv-sanity made them, trained for many people at once.

What a person likes are their *positives*: the papers they upvoted or saved
to a collection. For each person a classifier learns to tell the embeddings
of their positives from a sample of other papers (the *negatives*), and then
ranks the *recent* papers (those that entered the daily feed, or were
published, in the ``days`` days before now: see :func:`window`) they have not
upvoted or saved yet. Each recommendation names the positive paper most similar to it
(cosine of the embeddings): "because you saved X". With fewer than
``MIN_POSITIVES`` positives that have embeddings there is nothing to learn
from, and the person gets trending papers instead, marked as such.

The model, and why:

- L2-regularised logistic regression on the 384-d sentence embeddings plus a
  bias (385 weights). arxiv-sanity used a linear SVM on tf-idf; the logistic
  loss is smooth, so plain (accelerated) gradient descent trains it with a
  fixed step and a fixed number of steps, the same for every person, which is
  what lets a whole batch of people train as one matrix product per step.
- Class-balanced, like arxiv-sanity's ``class_weight="balanced"``: the
  positives' mean loss and the negatives' mean loss count half each, so 5
  positives are not drowned by 1,024 negatives.
- Negatives: ``NEGATIVES`` (1,024) papers with embeddings from outside the
  recent window, chosen by the smallest CRC-32 of their ids. The sample is
  the same for everyone and stable from day to day (a paper leaves it only
  when a newer one hashes lower), and no paper being ranked is also a
  negative, which would push some candidates down and not others. A library
  with fewer papers than that outside the window uses all its embedded papers,
  candidates included, as arxiv-sanity did: every candidate is then treated
  alike. A person's own positives are left out of their negatives.
  1,024 rather than 512: the top 10 depends less on which papers happen to
  be in the sample (91% of it stays when another sample is drawn, against
  86%; bench/README.md), for about a quarter more time.
- Features are centred on the negatives' mean: sentence embeddings share a
  common direction, which otherwise slows gradient descent down.
- ``L2`` = 0.01 on the weights (not the bias), relative to the two mean
  losses. Weaker regularisation fits a person's papers more closely but
  converges more slowly (the steps needed grow with the square root of
  1/L2); 0.01 keeps the weights moderate (logits within about ±5), and
  ``ITERATIONS`` = 15 Nesterov steps from a warm start (see :func:`_fit`)
  give a top 10 that agrees with the exact optimum's on about 99% of its
  papers (the benchmark measures this).
- The step is 1/L for a bound L on the loss's curvature that depends only on
  the centre, and the momentum is the standard (√κ - 1)/(√κ + 1) for the
  condition number κ = L / L2: both are the same for every person, so a
  person's model does not depend on who else is in the batch.

What a person says besides votes and saves (:mod:`paperscope.store.feedback`):

- A paper they marked "not interested" is never recommended to them again
  (nor offered as trending), and it is one of their own negatives. Each such
  paper weighs as much as one positive (half the loss shared among the
  positives): "not interested" is as deliberate as an upvote, while a
  sampled negative only stands for "the rest of the library" and weighs
  1/2,048 of the loss, so with 5 positives one dismissal counts about 200
  sampled negatives and a handful of them push a whole topic down. The
  dismissed papers together never weigh more than the positives (each
  weighs 1/2 over the larger of the two counts), so someone who dismissed
  hundreds of papers still has a model of what they like.
- A paper they saw (shown in a digest, or its page opened while signed in)
  is never recommended again either; it teaches the model nothing, since
  opening a paper says neither "more" nor "less".
- A model reset makes upvotes, saves and dismissals up to that moment stop
  training the model; the votes and collections stay, and those papers,
  like dismissed ones, are still never recommended.

A collection can be a source of its own (:meth:`Recommender.like_these`, as
arxiv-sanity's tags): its papers are the positives of a model trained like a
person's, by the same batch trainer.

Scores are the classifier's logit (log-odds of "one of theirs"). Everything
here is deterministic: the same library, clock and person give the same list,
whether the person is ranked alone (:func:`recommend`) or among 100,000
(:func:`recommend_many`, which the digest job calls). :func:`rank` is the
numerical core, with no database: the benchmark times it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from paperscope.library import Library
from paperscope.models import Paper
from paperscope.search.pg import PgVectorIndex
from paperscope.search.vectors import VectorIndex

DAYS = 7  # the recent window, as long as trending's (see window())
K = 10
MIN_POSITIVES = 3  # fewer (with embeddings) and a person gets trending papers
NEGATIVES = 1_024
L2 = 0.01
ITERATIONS = 15
CHUNK = 2_048  # people trained at a time: 2,048 x 1,024 scores are 8 MB
BLOCK = 256  # people whose positives are handled at a time within a chunk
BLOCK_ROWS = 8_192  # at most this many (padded) positives in a block: 12 MB
MODEL = "model"
TRENDING = "trending"
COLLECTION = "collection"  # ranked by a collection's own model


@dataclass(frozen=True)
class Recommendation:
    """One recommended paper and why.

    ``kind`` is ``"model"`` (ranked by the person's classifier; ``score`` is
    its logit, and ``because`` is their positive paper most similar to this
    one, which they ``action``: ``"upvoted"`` or ``"saved"``) or
    ``"trending"`` (the fallback; ``score`` is the trending score).
    ``reason`` says the same in words, for pages and emails.
    """

    paper: Paper
    kind: str
    score: float
    reason: str
    because: Paper | None = None
    action: str | None = None
    similarity: float | None = None

    def as_dict(self) -> dict:
        because = None
        if self.because is not None:
            because = {
                "id": self.because.id,
                "title": self.because.title,
                "action": self.action,
                "cosine": round(float(self.similarity or 0.0), 4),
            }
        return {"kind": self.kind, "score": round(self.score, 6), "reason": self.reason,
                "because": because}  # fmt: skip


@dataclass
class Ranking:
    """What :func:`rank` found for each person (rows of these arrays).

    ``top``: the recommended candidates, best first, as positions in the
    candidate rows (-1 where there were fewer than ``k`` to give);
    ``scores``: their logits (-inf where none); ``because``: for each, the
    position in ``pos_rows`` of the person's most similar positive (-1 where
    none); ``cosine``: that similarity (nan where none).
    """

    top: np.ndarray
    scores: np.ndarray
    because: np.ndarray
    cosine: np.ndarray
    weights: np.ndarray | None = None  # (people x 385), when asked for (keep_weights)
    centre: np.ndarray | None = None  # what the features were centred on

    @classmethod
    def empty(cls, users: int, k: int) -> Ranking:
        return cls(
            np.full((users, k), -1, dtype=np.int64),
            np.full((users, k), -np.inf, dtype=np.float32),
            np.full((users, k), -1, dtype=np.int64),
            np.full((users, k), np.nan, dtype=np.float32),
        )


def rank(
    vectors: np.ndarray,
    pos_ptr: np.ndarray,
    pos_rows: np.ndarray,
    neg_rows: np.ndarray,
    cand_rows: np.ndarray,
    *,
    k: int = K,
    l2: float = L2,
    iterations: int = ITERATIONS,
    chunk: int = CHUNK,
    dis_ptr: np.ndarray | None = None,
    dis_rows: np.ndarray | None = None,
    skip_ptr: np.ndarray | None = None,
    skip_rows: np.ndarray | None = None,
    keep_weights: bool = False,
) -> Ranking:
    """Train every person's classifier and rank the candidates for each.

    ``vectors`` holds unit embeddings (float16 or float32, one a row; a
    memory map will do). Person ``u``'s positives are the rows
    ``pos_rows[pos_ptr[u]:pos_ptr[u + 1]]`` (at least one each); ``neg_rows``
    are the shared negatives and ``cand_rows`` the papers to rank. A row
    that is one of a person's positives is neither a negative nor a
    candidate for them. People are trained ``chunk`` at a time: gradient
    descent on a (people x 385) weight matrix, whose costly part is two
    matrix products with the negatives per step.

    Optional, in the same layout as the positives: ``dis_rows`` are each
    person's own negatives (papers they dismissed, weighted as the module
    says), and ``skip_rows`` the rows that are never candidates for them
    (dismissed, seen). ``keep_weights`` keeps every person's weights.
    """
    pos_ptr = np.asarray(pos_ptr, dtype=np.int64)
    pos_rows = np.asarray(pos_rows, dtype=np.int64)
    dis_ptr, dis_rows = _csr(dis_ptr, dis_rows, len(pos_ptr))
    skip_ptr, skip_rows = _csr(skip_ptr, skip_rows, len(pos_ptr))
    neg_rows = np.asarray(neg_rows, dtype=np.int64)
    cand_rows = np.asarray(cand_rows, dtype=np.int64)
    users = len(pos_ptr) - 1
    counts = np.diff(pos_ptr)
    if users and counts.min() < 1:
        raise ValueError("every person needs at least one positive")
    k = max(0, min(k, len(cand_rows)))
    ranking = Ranking.empty(users, k)
    if not users or not k or not len(neg_rows):
        return ranking
    negatives = _unit_rows(vectors, neg_rows)
    centre = negatives.mean(axis=0)
    neg = _features(negatives, centre)
    candidates = _unit_rows(vectors, cand_rows)
    cand = _features(candidates, centre)
    in_neg, in_cand = _Lookup(neg_rows), _Lookup(cand_rows)
    dis_counts = np.diff(dis_ptr)
    dis_each = 0.5 / np.maximum(np.maximum(counts, dis_counts), 1)  # see the module
    if keep_weights:
        ranking.weights = np.zeros((users, neg.shape[1]), dtype=np.float32)
        ranking.centre = centre
    for start in range(0, users, chunk):
        end = min(start + chunk, users)
        first = pos_ptr[start]
        rows = pos_rows[first : pos_ptr[end]]
        n = counts[start:end]
        starts = pos_ptr[start:end] - first
        positives = _unit_rows(vectors, rows)
        grouped = _Positives(_features(positives, centre), starts, n)
        own = dis_rows[dis_ptr[start] : dis_ptr[end]]
        m = dis_counts[start:end]
        dismissed = _Positives(_features(_unit_rows(vectors, own), centre),
                               dis_ptr[start:end] - dis_ptr[start], m,
                               each=dis_each[start:end], sign=-1.0)  # fmt: skip
        step, momentum = _schedule(centre, l2, m * dis_each[start:end])
        weights = _fit(grouped, neg, in_neg(rows), l2=l2, iterations=iterations, step=step,
                       momentum=momentum, dismissed=dismissed)  # fmt: skip
        if ranking.weights is not None:
            ranking.weights[start:end] = weights
        scores = weights @ cand.T
        found = in_cand(rows)
        seen = found >= 0
        scores[grouped.owner[seen], found[seen]] = -np.inf
        skip = in_cand(skip_rows[skip_ptr[start] : skip_ptr[end]])
        skip_owner = np.repeat(np.arange(end - start), np.diff(skip_ptr[start : end + 1]))
        scores[skip_owner[skip >= 0], skip[skip >= 0]] = -np.inf
        top, top_scores = _top(scores, k)
        because, cosine = _explain(positives, starts, n, candidates, top)
        ranking.top[start:end] = top
        ranking.scores[start:end] = top_scores
        ranking.because[start:end] = np.where(because >= 0, because + first, -1)
        ranking.cosine[start:end] = cosine
    return ranking


def _csr(
    ptr: np.ndarray | None, rows: np.ndarray | None, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Optional per-person rows as int64 arrays: none for anyone if not given."""
    if ptr is None or rows is None:
        return np.zeros(size, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.asarray(ptr, dtype=np.int64), np.asarray(rows, dtype=np.int64)


def _unit_rows(vectors: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Rows as float32, read in sorted order (kind to a memory map)."""
    if not len(rows):
        return np.zeros((0, vectors.shape[1]), dtype=np.float32)
    order = np.argsort(rows, kind="stable")
    out = np.empty((len(rows), vectors.shape[1]), dtype=np.float32)
    out[order] = vectors[rows[order]]
    return out


def _features(unit: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Embeddings minus the centre, with a constant 1 for the bias."""
    out = np.empty((len(unit), unit.shape[1] + 1), dtype=np.float32)
    np.subtract(unit, centre, out=out[:, :-1])
    out[:, -1] = 1.0
    return out


def _schedule(
    centre: np.ndarray, l2: float, dismissed: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Step size and momentum of Nesterov's method for this problem.

    The logistic curve's slope is at most 1/4, so the balanced loss's Hessian
    is at most a quarter of the mean of x x^T over the positives (weight 1/2)
    and over the negatives (1/2). For the positives that is at most the largest
    squared norm of a centred unit vector with its bias, 1 + (1 + |centre|)^2;
    the negatives, centred on their own mean, have covariance eigenvalues at
    most 1 beside the bias's 1 (a little more for someone whose own papers
    are a large part of a small sample, who then gets a step still well
    below 2/L). The L2 term adds ``l2``, which is also the smallest
    curvature. Each person's dismissed papers, of total weight
    ``dismissed`` (at most 1/2), add a quarter of that times the positives'
    bound. The bound depends on nothing else, so a person's steps do not
    depend on who else is in the batch; it is one column of step sizes and
    one of momenta, float32 so as not to widen the weights.
    """
    widest = 1.0 + (1.0 + float(np.linalg.norm(centre))) ** 2
    lipschitz = 0.125 * (1.0 + widest) + l2 + 0.25 * widest * np.asarray(dismissed, np.float64)
    root = np.sqrt(lipschitz / l2)
    step = (1.0 / lipschitz).astype(np.float32)[:, None]
    return step, ((root - 1.0) / (root + 1.0)).astype(np.float32)[:, None]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, in place: 1/2 + tanh(x/2)/2, which numpy computes
    several times faster than the form with exp, and which cannot overflow."""
    x *= 0.5
    np.tanh(x, out=x)
    x *= 0.5
    x += 0.5
    return x


def _fit(
    positives: _Positives,
    neg: np.ndarray,
    neg_hit: np.ndarray,
    *,
    l2: float,
    iterations: int,
    step: np.ndarray,
    momentum: np.ndarray,
    dismissed: _Positives | None = None,
) -> np.ndarray:
    """The weights (people x 385) minimising each person's balanced, L2
    regularised logistic loss: ``iterations`` steps of Nesterov's method from
    a warm start.

    ``neg`` holds the shared negatives' features; ``neg_hit`` says which
    negative each positive is (-1: none), and those pairs are left out of
    that person's loss. ``dismissed`` holds each person's own negatives.

    The warm start is the minimum, along the steepest descent direction at
    zero, of the loss's quadratic model there. At zero every logistic slope
    is exactly 1/4, so the model is exact at that point, and the step lands
    near where the weights end up: 15 steps from there rank as well as about
    19 from zero.
    """
    users, dim = positives.users, neg.shape[1]
    taken = neg_hit >= 0
    skip_user, skip_neg = positives.owner[taken], neg_hit[taken]
    left = len(neg) - np.bincount(skip_user, minlength=users)
    neg_weight = (0.5 / np.maximum(left, 1)).astype(np.float32)[:, None]
    penalty = np.full(dim, l2, dtype=np.float32)
    penalty[-1] = 0.0  # the bias is not regularised

    def gradient(w: np.ndarray) -> np.ndarray:
        scores = _sigmoid(w @ neg.T)  # d/ds log(1 + e^s) = sigmoid(s)
        scores[skip_user, skip_neg] = 0.0
        grad = scores @ neg
        grad *= neg_weight
        positives.add_gradient(w, grad)
        if dismissed is not None:
            dismissed.add_gradient(w, grad)
        grad += w * penalty
        return grad

    down = gradient(np.zeros((users, dim), dtype=np.float32))
    np.negative(down, out=down)
    along_neg = down @ neg.T
    along_neg[skip_user, skip_neg] = 0.0
    own = dismissed.mean_square(down) if dismissed is not None else 0.0
    curvature = 0.25 * (
        positives.mean_square(down) + own
        + np.einsum("ij,ij->i", along_neg, along_neg) * neg_weight[:, 0]
    ) + np.einsum("ij,ij->i", down * penalty, down)  # fmt: skip
    length = np.einsum("ij,ij->i", down, down)
    w = down * (length / np.maximum(curvature, 1e-12)).astype(np.float32)[:, None]
    look = w  # where Nesterov's method evaluates the gradient
    for _ in range(iterations):
        nxt = look - step * gradient(look)
        look = nxt + momentum * (nxt - w)
        w = nxt
    return w


class _Positives:
    """One chunk's positive features, in blocks of people with about as many
    positives each (sorted by that number), padded with zero rows to the
    block's largest number. A gradient step then takes one batched matrix
    product per block instead of gathers, multiplies and segment sums over
    every positive, which ran at memory speed and cost as much as the
    products with the negatives.

    Each person's examples weigh ``each`` (default: half their loss shared
    among them); ``sign`` -1 makes them negatives, a person's dismissed
    papers. People with none have no block."""

    def __init__(self, features: np.ndarray, starts: np.ndarray, counts: np.ndarray, *,
                 each: np.ndarray | None = None, sign: float = 1.0):  # fmt: skip
        self.users = len(counts)
        self.owner = np.repeat(np.arange(self.users), counts)
        self.sign = sign
        each = 0.5 / np.maximum(counts, 1) if each is None else each
        self.blocks = []
        for group in _groups(counts):
            group = group[counts[group] > 0]
            if not len(group):
                continue
            index, valid = _padded(starts[group], counts[group])
            rows = features[index]
            rows[~valid] = 0.0
            weight = np.where(valid, each[group][:, None], 0.0).astype(np.float32)
            self.blocks.append((group, rows, weight))

    def add_gradient(self, w: np.ndarray, grad: np.ndarray) -> None:
        """Add these examples' part of the loss's gradient at ``w`` to ``grad``."""
        for group, rows, weight in self.blocks:
            margin = np.matmul(rows, w[group][:, :, None])[..., 0]
            if self.sign > 0:
                np.negative(margin, out=margin)
            # d/ds log(1 + e^-s) = -sigmoid(-s); for a negative, d/ds log(1 + e^s) = sigmoid(s)
            coef = _sigmoid(margin)
            coef *= weight
            if self.sign > 0:
                grad[group] -= np.einsum("bp,bpd->bd", coef, rows)
            else:
                grad[group] += np.einsum("bp,bpd->bd", coef, rows)

    def mean_square(self, d: np.ndarray) -> np.ndarray:
        """Each person's weighted mean of (x . d)^2 over their positives."""
        out = np.zeros(self.users, dtype=np.float32)
        for group, rows, weight in self.blocks:
            along = np.matmul(rows, d[group][:, :, None])[..., 0]
            out[group] = (weight * along**2).sum(axis=1)
        return out


def _groups(counts: np.ndarray) -> list[np.ndarray]:
    """People (positions in ``counts``) in blocks of at most ``BLOCK``, sorted
    by their number of positives, each block padded to at most
    ``BLOCK_ROWS`` rows (but at least one person), so that someone with
    thousands of upvotes costs memory only for themself."""
    order = np.argsort(counts, kind="stable")
    groups = []
    i = 0
    while i < len(order):
        widths = counts[order[i : i + BLOCK]]
        fits = np.searchsorted(np.arange(1, len(widths) + 1) * widths, BLOCK_ROWS, "right")
        groups.append(order[i : i + max(1, int(fits))])
        i += len(groups[-1])
    return groups


def _padded(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row numbers of each person's positives, padded to the largest count
    (padding points at row ``starts[0]``), and which of them are real."""
    slots = np.arange(int(counts.max()))
    valid = slots < counts[:, None]
    return np.where(valid, starts[:, None] + slots, starts[0]), valid


def _top(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` best columns, best first (ties: lower column first),
    with -1 for columns whose score is -inf."""
    if k < scores.shape[1]:
        part = np.argpartition(scores, scores.shape[1] - k, axis=1)[:, -k:]
    else:
        part = np.broadcast_to(np.arange(scores.shape[1]), scores.shape).copy()
    values = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -values), axis=1)
    top = np.take_along_axis(part, order, axis=1)
    values = np.take_along_axis(values, order, axis=1)
    top[~np.isfinite(values)] = -1
    return top, values


def _explain(
    positives: np.ndarray,
    starts: np.ndarray,
    counts: np.ndarray,
    candidates: np.ndarray,
    top: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """For each recommendation, the person's positive most similar to it
    (its position in ``positives``) and their cosine: one batched matrix
    product per block of people (see :func:`_groups`)."""
    users, k = top.shape
    because = np.full((users, k), -1, dtype=np.int64)
    cosine = np.full((users, k), np.nan, dtype=np.float32)
    for group in _groups(counts):
        index, valid = _padded(starts[group], counts[group])
        recs = candidates[np.maximum(top[group], 0)]  # (people, k, dim)
        sims = recs @ positives[index].transpose(0, 2, 1)  # (people, k, positives)
        sims[~np.broadcast_to(valid[:, None, :], sims.shape)] = -np.inf
        best = sims.argmax(axis=2)
        found = top[group] >= 0
        because[group] = np.where(found, np.take_along_axis(index, best, axis=1), -1)
        cosine[group] = np.where(found, np.take_along_axis(sims, best[..., None], 2)[..., 0],
                                 np.nan)  # fmt: skip
    return because, cosine


class _Lookup:
    """Where each of some rows is in ``rows`` (-1 if absent), by binary search."""

    def __init__(self, rows: np.ndarray):
        self.order = np.argsort(rows, kind="stable")
        self.sorted = rows[self.order]

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        if not len(self.sorted):
            return np.full(len(rows), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.sorted, rows), len(self.sorted) - 1)
        return np.where(self.sorted[at] == rows, self.order[at], -1)


# -- the library side --------------------------------------------------------------


class Recommender:
    """Recommendations over one library at one moment: the recent papers to
    rank, the negative sample and their vectors are read once, here, and
    shared by every :meth:`recommend_many` call (the digest job asks for a
    batch of people at a time)."""

    def __init__(self, library: Library, *, now: datetime, days: int = DAYS):
        self.library = library
        self.now = now
        self.days = days
        self.index = library.vector_index()
        first, last = window(now, days)
        recent = library.recent_ids(first, last)
        self.candidates = sorted(self.index.hashes(recent))  # the recent ones with vectors
        self.negatives = negative_sample(self.index.ids(), set(self.candidates))
        shared = list(dict.fromkeys([*self.negatives, *self.candidates]))
        self._row = {pid: row for row, pid in enumerate(shared)}
        self._shared = _stack(self.index, shared)

    def signals(self, user_ids: list[int]) -> dict[int, Signals]:
        """What each person's model learns from and what it leaves out (see
        :class:`Signals`), read in five queries for the whole batch."""
        interests = self.library.people.interests(user_ids)
        forgotten = self.library.feedback.forgotten(user_ids)
        dismissed = self.library.feedback.dismissed_since(user_ids)
        seen = self.library.feedback.seen(user_ids, among=self.candidates)
        resets = self.library.feedback.resets(user_ids)
        wanted = {pid for mine in interests.values() for pid in mine}
        wanted |= {pid for mine in dismissed.values() for pid in mine}
        embedded = self.index.hashes(wanted)
        out = {}
        for uid in user_ids:
            mine = interests.get(uid, {})
            gone = forgotten.get(uid, set())
            said = dismissed.get(uid, {})
            out[uid] = Signals(
                interests=mine,
                positives=sorted(p for p in mine if p in embedded and p not in gone),
                negatives=sorted(
                    p for p, counts in said.items() if counts and p in embedded and p not in mine
                ),  # fmt: skip
                hidden=set(said) | seen.get(uid, set()),
                reset=uid in resets,
            )
        return out

    def recommend_many(
        self, user_ids: Iterable[int], *, k: int = K
    ) -> dict[int, list[Recommendation]]:
        """Up to ``k`` recommendations for each of ``user_ids`` (see the module)."""
        user_ids = list(dict.fromkeys(user_ids))
        if k <= 0:
            return {uid: [] for uid in user_ids}
        signals = self.signals(user_ids)
        trained: list[int] = []
        fallback: dict[int, str] = {}
        for uid in user_ids:
            have = len(signals[uid].positives)
            if have < MIN_POSITIVES:
                since = " since you reset your model" if signals[uid].reset else ""
                fallback[uid] = (
                    f"trending: you have upvoted or saved {have} paper{'s' if have != 1 else ''}"
                    f" with embeddings{since}, and recommendations need {MIN_POSITIVES}"
                )
            elif not self.candidates:
                fallback[uid] = "trending: no recent paper has an embedding to rank for you"
            else:
                trained.append(uid)
        mine = [signals[uid] for uid in trained]
        ranking = self._rank(mine, k)
        found = self._explained(ranking, mine, [s.interests for s in mine])
        out: dict[int, list[Recommendation]] = {}
        for uid, recs in zip(trained, found, strict=True):
            if recs:
                out[uid] = recs
            else:
                fallback[uid] = "trending: every recent paper is one you upvoted, saved or saw"
        if fallback:
            out.update(self._trending(fallback, signals, k))
        return {uid: out.get(uid, []) for uid in user_ids}

    def like_these(
        self, user_id: int, paper_ids: Iterable[str], name: str, *, k: int = K
    ) -> list[Recommendation]:
        """Recent papers like ``paper_ids`` (a collection called ``name``), by a
        model of their own, trained as a person's is, on those papers alone;
        each explained by the one of them nearest to it. The papers that
        ``user_id`` dismissed or saw are left out, as in their own
        recommendations. Empty with fewer than ``MIN_POSITIVES`` embedded."""
        ids = set(paper_ids)
        positives = sorted(self.index.hashes(ids))
        if len(positives) < MIN_POSITIVES or not self.candidates or k <= 0:
            return []
        hidden = self.signals([user_id])[user_id].hidden
        one = Signals(interests={p: "saved" for p in ids}, positives=positives, negatives=[],
                      hidden=hidden)  # fmt: skip
        (recs,) = self._explained(self._rank([one], k), [one], [{}], collection=name)
        return recs

    def model(self, user_id: int, *, k: int = K) -> Model | None:
        """The person's model itself, with what it learned from and its top
        ``k``: the model page and the export. None while they have too few
        positives for one."""
        signals = self.signals([user_id])[user_id]
        if len(signals.positives) < MIN_POSITIVES or not self.negatives:
            return None
        ranking = self._rank([signals], max(1, k), keep_weights=True)
        assert ranking.weights is not None and ranking.centre is not None
        (recs,) = self._explained(ranking, [signals], [signals.interests])
        return Model(signals, ranking.weights[0], ranking.centre, recs)

    def _rank(self, people: list[Signals], k: int, *, keep_weights: bool = False) -> Ranking:
        """:func:`rank` over the shared vectors plus the positives' and
        dismissed papers' own."""
        row = dict(self._row)
        extra = list(dict.fromkeys(pid for s in people for pid in [*s.positives, *s.negatives]
                                   if pid not in row))  # fmt: skip
        for pid in extra:
            row[pid] = len(row)
        vectors = np.concatenate([self._shared, _stack(self.index, extra)])
        pos_ptr = np.cumsum([0, *(len(s.positives) for s in people)])
        pos_rows = np.fromiter((row[p] for s in people for p in s.positives), dtype=np.int64)
        dis_ptr = np.cumsum([0, *(len(s.negatives) for s in people)])
        dis_rows = np.fromiter((row[p] for s in people for p in s.negatives), dtype=np.int64)
        skips = [[row[p] for p in sorted(s.hidden) if p in row] for s in people]
        skip_ptr = np.cumsum([0, *map(len, skips)])
        skip_rows = np.fromiter((r for mine in skips for r in mine), dtype=np.int64)
        neg_rows = np.array([row[pid] for pid in self.negatives], dtype=np.int64)
        cand_rows = np.array([row[pid] for pid in self.candidates], dtype=np.int64)
        return rank(vectors, pos_ptr, pos_rows, neg_rows, cand_rows, k=k, dis_ptr=dis_ptr,
                    dis_rows=dis_rows, skip_ptr=skip_ptr, skip_rows=skip_rows,
                    keep_weights=keep_weights)  # fmt: skip

    def _explained(
        self,
        ranking: Ranking,
        people: list[Signals],
        actions: list[dict[str, str]],
        *,
        collection: str | None = None,
    ) -> list[list[Recommendation]]:
        """The ranking as Recommendations, each with the positive it is most
        like (its ``action`` from ``actions``, or "in" the ``collection``)."""
        flat = [pid for s in people for pid in s.positives]
        wanted = {self.candidates[c] for c in ranking.top.ravel().tolist() if c >= 0}
        wanted |= {flat[b] for b in ranking.because.ravel().tolist() if b >= 0}
        papers = {p.id: p for p in self.library.get_many(sorted(wanted))}
        out = []
        for u in range(len(people)):
            recs = []
            for c, score, b, cos in zip(ranking.top[u].tolist(), ranking.scores[u].tolist(),
                                        ranking.because[u].tolist(), ranking.cosine[u].tolist(),
                                        strict=True):  # fmt: skip
                paper = papers.get(self.candidates[c]) if c >= 0 else None
                because = papers.get(flat[b]) if b >= 0 else None
                if paper is None or because is None:
                    continue  # none left to rank, or deleted since it was read
                if collection is not None:
                    reason = f"because your collection “{collection}” has “{because.title}”"
                    recs.append(
                        Recommendation(paper, COLLECTION, score, reason, because, "in", cos)
                    )
                    continue
                action = actions[u][because.id]
                reason = f"because you {action} “{because.title}”"
                recs.append(Recommendation(paper, MODEL, score, reason, because, action, cos))
            out.append(recs)
        return out

    def _trending(
        self, reasons: dict[int, str], signals: dict[int, Signals], k: int
    ) -> dict[int, list[Recommendation]]:
        """Trending papers for the people in ``reasons``, leaving out what they
        upvoted, saved, dismissed or saw; the ranking is read once for all of them."""
        most = max(len(signals[uid].interests) + len(signals[uid].hidden) for uid in reasons)
        trends = self.library.trending(self.now, limit=k + most).trends
        out = {}
        for uid, reason in reasons.items():
            mine, hidden = signals[uid].interests, signals[uid].hidden
            out[uid] = [Recommendation(t.paper, TRENDING, t.score, reason) for t in trends
                        if t.paper.id not in mine and t.paper.id not in hidden][:k]  # fmt: skip
        return out


@dataclass(frozen=True)
class Signals:
    """What one person's model learns from and leaves out.

    ``interests``: every paper they upvoted or saved (never recommended to
    them); ``positives``: those with embeddings made since their last model
    reset (what the model learns from); ``negatives``: papers they dismissed
    since then, with embeddings (their own negatives); ``hidden``: every
    paper they dismissed or saw, never recommended; ``reset``: whether they
    ever reset their model.
    """

    interests: dict[str, str]
    positives: list[str]
    negatives: list[str]
    hidden: set[str]
    reset: bool = False


@dataclass(frozen=True)
class Model:
    """A person's trained model (:meth:`Recommender.model`): a paper's score
    is ``weights[:-1] . (x - centre) + weights[-1]`` for its unit embedding x."""

    signals: Signals
    weights: np.ndarray
    centre: np.ndarray
    top: list[Recommendation]


def recommend_many(
    library: Library, user_ids: Iterable[int], *, now: datetime, k: int = K, days: int = DAYS
) -> dict[int, list[Recommendation]]:
    """Up to ``k`` recommendations for each person, as of ``now``: papers of the
    last ``days`` days ranked by their own classifier, or trending papers
    (see the module). Every person's model is trained in the same matrix
    operations; the negatives and the recent papers are read once."""
    return Recommender(library, now=now, days=days).recommend_many(user_ids, k=k)


def recommend(
    library: Library,
    user_id: int,
    *,
    now: datetime | None = None,
    k: int = K,
    days: int = DAYS,
) -> list[Recommendation]:
    """Up to ``k`` recommendations for one person (:func:`recommend_many` of one)."""
    now = now or datetime.now(UTC)
    return recommend_many(library, [user_id], now=now, k=k, days=days)[user_id]


def window(now: datetime, days: int) -> tuple[date, date]:
    """The first and last day of the papers recent at ``now``: the days whose
    start (00:00 UTC, when a paper enters the feed) falls in the ``days`` days
    before ``now``. At noon that is today and the ``days - 1`` days before;
    at the midnight that ends a day or an ISO week (a digest's ``now``),
    exactly that day or week."""
    now = now.astimezone(UTC) if now.tzinfo else now
    start = now - timedelta(days=days)
    first = start.date() if start.time() == time() else start.date() + timedelta(days=1)
    last = now.date() - timedelta(days=1) if now.time() == time() else now.date()
    return first, last


def negative_sample(ids: Sequence[str], recent: set[str], size: int = NEGATIVES) -> list[str]:
    """The shared negatives: the ``size`` ids outside ``recent`` with the
    smallest CRC-32 (ties by id), sorted; or every id, ``recent`` included,
    when fewer than ``size`` are outside it (see the module for why)."""
    outside = [pid for pid in ids if pid not in recent]
    if len(outside) < size:
        return sorted(ids)
    keys = np.fromiter((zlib.crc32(pid.encode()) for pid in outside), dtype=np.uint32,
                       count=len(outside))  # fmt: skip
    cut = np.partition(keys, size - 1)[size - 1]
    near = [outside[i] for i in np.flatnonzero(keys <= cut).tolist()]
    near.sort(key=lambda pid: (zlib.crc32(pid.encode()), pid))
    return sorted(near[:size])


def _stack(index: VectorIndex | PgVectorIndex, ids: list[str]) -> np.ndarray:
    """The stored vectors of ``ids`` as float16 rows (as the index keeps them)."""
    found = index.vectors(ids)
    out = np.empty((len(ids), index.dim), dtype=np.float16)
    for row, pid in enumerate(ids):
        out[row] = found[pid]
    return out
