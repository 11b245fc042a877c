"""The map of the library: its papers' embeddings laid out in 2-D, in clusters
labelled by their most telling title words (``paperscope map``, the /map page).

A whole layout (the first run, or ``--full``):

1. every embedded paper's vector, in paper id order (the same input gives
   the same output), reduced to PCA_DIMS dimensions by PCA: UMAP's
   neighbour search is several times faster on 50 dimensions than on 384,
   and the first 50 components keep what sets topics apart;
2. UMAP (umap-learn) to 2-D, seeded, hence deterministic (and so on one
   core: a seed turns umap-learn's threads off). Under SMALL papers UMAP has
   too few neighbours to work with and PCA's first two components are the
   layout. Up to EXACT_NEIGHBOURS papers each one's nearest neighbours are
   found here, exactly, by matrix products (seconds), and handed to UMAP:
   its own approximate search (pynndescent) is what it needs for large
   libraries, but numba compiles it in every new process, which took longer
   than the whole layout of 10,000 papers (bench/README.md);
3. k-means (scikit-learn) on the 2-D points, so that a cluster is a region
   of the map and its colour reads as one; k grows with the square root of
   the library (:func:`cluster_count`);
4. each cluster labelled by the LABEL_WORDS words of its papers' titles
   whose tf-idf is highest in the cluster against the rest of the library
   (English stop words and anything with a digit left out).

Later runs are incremental, because a layout of 100k papers takes minutes
(bench/README.md) and papers arrive every day: a paper embedded since the
layout (or whose text, hence vector, changed) is placed at the mean of its
PLACE_K nearest laid-out neighbours by cosine similarity, weighted by it,
and joins the cluster most of that weight falls in. That is UMAP's own idea
of a neighbourhood without keeping its model around (``UMAP.transform``
needs the fitted object, pickled beside the database and tied to the
installed versions), it costs a matrix product, and a paper lands in the
topic its neighbours are in. Papers that lost their vector leave the map.
The map drifts as placed papers pile up, so the report says when they have
become a large share of it, and ``--full`` lays everything out afresh.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from paperscope.store.layout import Cluster, Point

if TYPE_CHECKING:
    from paperscope.library import Library
    from paperscope.search.pg import PgVectorIndex
    from paperscope.search.vectors import VectorIndex

SEED = 42
PCA_DIMS = 50
NEIGHBOURS = 15  # UMAP's n_neighbors: the size of a local neighbourhood
EPOCHS = 200  # UMAP's optimisation rounds (its own default for large data)
SMALL = 20  # below this many papers the layout is PCA alone
EXACT_NEIGHBOURS = 20_000  # up to this many, neighbours are found here (see the module)
UMAP_EXACT = 4_096  # below this many, umap-learn computes exact neighbours itself
PLACE_K = 10  # laid-out neighbours a new paper is placed among
LABEL_WORDS = 3
MAX_CLUSTERS = 40  # more colours than this cannot be told apart anyway
SPAN = 100.0  # the layout is scaled to fit [-SPAN, SPAN] on its longer side
READ_CHUNK = 10_000
DRIFT_SHARE = 0.2  # placed points past this share of the map: say to run --full
LOCK = "map"  # the store lock one map job holds

Progress = Callable[[str, int, int], None]  # (what, done, total)


class MapError(Exception):
    """The map cannot be made: the message says what to do."""


@dataclass
class MapReport:
    full: bool  # a whole layout was made
    points: int  # points on the map now
    laid_out: int  # by the whole layout of this run
    placed: int  # by their neighbours, this run
    removed: int  # left the map (no vector any more)
    clusters: int
    seconds: float
    placed_share: float = 0.0  # of the map, placed by neighbours since the last layout

    @property
    def drifted(self) -> bool:
        return self.placed_share > DRIFT_SHARE

    def __str__(self) -> str:
        if self.full:
            done = f"laid out {self.laid_out:,} papers in {self.clusters} clusters"
        elif self.placed or self.removed:
            done = f"placed {self.placed:,} new papers by their neighbours"
            if self.removed:
                done += f", took {self.removed:,} off"
        else:
            done = "the map was up to date"
        return f"{done} ({self.points:,} papers on the map, {self.seconds:.1f} s)"


def cluster_count(n: int) -> int:
    """How many clusters ``n`` papers get: about sqrt(n / 25), from 1 to MAX_CLUSTERS
    (11 for the 3,000 demo papers, 20 at 10k, 40 from 40k)."""
    if n < 2:
        return 1
    return max(2, min(MAX_CLUSTERS, round(math.sqrt(n / 25)), n // 2))


def lay_out(vectors: np.ndarray, seed: int = SEED) -> np.ndarray:
    """2-D coordinates, one row per vector: PCA, then UMAP (see the module)."""
    n = len(vectors)
    if n == 0:
        return np.zeros((0, 2))
    if n < 3:
        return _fit(np.arange(n, dtype=np.float64)[:, None] * np.array([[1.0, 0.0]]))
    from sklearn.decomposition import PCA

    data = np.asarray(vectors, dtype=np.float32)
    if n < SMALL:
        return _fit(PCA(2, random_state=seed).fit_transform(data))
    reduced = PCA(min(PCA_DIMS, n - 1, data.shape[1]), random_state=seed).fit_transform(data)
    with warnings.catch_warnings():
        # umap-learn says it runs on one thread when seeded (we want that), and
        # numba warns about its own internals: neither is ours to act on.
        warnings.simplefilter("ignore")
        import umap

        knn = _neighbours(reduced) if UMAP_EXACT <= n <= EXACT_NEIGHBOURS else None
        model = umap.UMAP(
            precomputed_knn=knn or (None, None, None),
            n_neighbors=min(NEIGHBOURS, n - 1),
            n_components=2,
            n_epochs=EPOCHS,
            init="pca",
            random_state=seed,
            n_jobs=1,
        )
        coords = model.fit_transform(reduced)
    return _fit(np.asarray(coords, dtype=np.float64))


def _neighbours(data: np.ndarray, block: int = 1_024) -> tuple[np.ndarray, np.ndarray]:
    """Each row's NEIGHBOURS nearest rows (itself first) and their euclidean
    distances, exactly: what umap-learn's ``precomputed_knn`` takes."""
    n, k = len(data), min(NEIGHBOURS, len(data))
    data = np.asarray(data, dtype=np.float32)
    norms = (data * data).sum(axis=1)
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        rows = slice(start, start + block)
        d2 = norms[rows, None] - 2 * (data[rows] @ data.T) + norms[None, :]
        d2[np.arange(len(d2)), np.arange(start, start + len(d2))] = -1.0  # itself first
        near = np.argpartition(d2, k - 1, axis=1)[:, :k]
        near_d2 = np.take_along_axis(d2, near, axis=1)
        order = np.argsort(near_d2, axis=1, kind="stable")
        indices[rows] = np.take_along_axis(near, order, axis=1)
        distances[rows] = np.sqrt(np.maximum(np.take_along_axis(near_d2, order, axis=1), 0))
    return indices, distances


def _fit(coords: np.ndarray) -> np.ndarray:
    """Centred, and scaled so the longer side spans [-SPAN, SPAN]: the same
    numbers whatever the reduction's own scale, rounded for a compact page."""
    coords = coords - (coords.max(axis=0) + coords.min(axis=0)) / 2
    extent = float(np.abs(coords).max()) if coords.size else 0.0
    if extent > 0:
        coords = coords * (SPAN / extent)
    return np.round(coords, 3)


def cluster(coords: np.ndarray, k: int, seed: int = SEED) -> np.ndarray:
    """k-means cluster of each point, numbered by size (0 is the largest)."""
    n = len(coords)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    k = max(1, min(k, n))
    if k == 1:
        return np.zeros(n, dtype=np.int64)
    from sklearn.cluster import KMeans

    found = KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(coords)
    sizes = np.bincount(found, minlength=k)
    order = sorted(range(k), key=lambda c: (-sizes[c], c))
    renumber = np.empty(k, dtype=np.int64)
    renumber[order] = np.arange(k)
    return renumber[found]


def label_clusters(titles: list[str], clusters: np.ndarray, k: int) -> list[str]:
    """Each cluster's LABEL_WORDS most telling title words, joined by " · ":
    those whose mean tf-idf in the cluster exceeds the rest's the most (only
    words its titles have). A cluster with no such word is "cluster N"."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    fallback = [f"cluster {c + 1}" for c in range(k)]
    if not titles:
        return fallback
    # Words of two or more letters: no digits, no underscores, no stop words.
    vectorizer = TfidfVectorizer(
        stop_words="english", token_pattern=r"(?u)\b[^\W\d_]{2,}\b", sublinear_tf=True
    )
    try:
        weights = vectorizer.fit_transform(titles).tocsr()
    except ValueError:  # every title is stop words, numbers or symbols
        return fallback
    words = vectorizer.get_feature_names_out()
    total = np.asarray(weights.sum(axis=0)).ravel()
    labels = []
    for c in range(k):
        mask = clusters == c
        inside = int(mask.sum())
        if not inside:
            labels.append(fallback[c])
            continue
        within = np.asarray(weights[mask].sum(axis=0)).ravel()
        rest = len(titles) - inside
        outside = (total - within) / rest if rest else np.zeros_like(total)
        score = within / inside - outside
        present = np.flatnonzero(within > 0)
        best = present[np.lexsort((words[present], -score[present]))][:LABEL_WORDS]
        labels.append(" · ".join(words[best]) if len(best) else fallback[c])
    return labels


def place(
    new: np.ndarray, known: np.ndarray, coords: np.ndarray, clusters: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates and clusters for ``new`` unit vectors among ``known`` ones
    laid out at ``coords`` in ``clusters`` (see the module)."""
    k = min(PLACE_K, len(known))
    out_xy = np.zeros((len(new), 2))
    out_c = np.zeros(len(new), dtype=np.int64)
    if not k or not len(new):
        return out_xy, out_c
    known = np.asarray(known, dtype=np.float32)
    for start in range(0, len(new), 1024):
        sims = np.asarray(new[start : start + 1024], dtype=np.float32) @ known.T
        near = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        weight = np.clip(np.take_along_axis(sims, near, axis=1), 1e-3, None).astype(np.float64)
        weight /= weight.sum(axis=1, keepdims=True)
        out_xy[start : start + len(near)] = np.einsum("nk,nkd->nd", weight, coords[near])
        for row, (idx, w) in enumerate(zip(near, weight, strict=True)):
            votes = np.bincount(clusters[idx], weights=w)
            out_c[start + row] = int(np.argmax(votes))
    return np.round(out_xy, 3), out_c


def update_map(
    library: Library, *, full: bool = False, seed: int = SEED, progress: Progress | None = None
) -> MapReport:
    """Bring the library's map up to date (see the module); MapError when
    there is nothing to lay out, or another map job holds the library."""
    started = time.perf_counter()
    tick = progress or (lambda what, done, total: None)
    store = library.store
    if not store.try_lock(LOCK):
        raise MapError("another `paperscope map` is running on this library; let it finish")
    try:
        index = library.vector_index()
        tick("reading vectors", 0, 1)
        hashes = index.hashes(index.ids())
        titles = library.layout.titles(hashes)  # papers removed since are not on the map
        ids = sorted(pid for pid in hashes if pid in titles)
        if not ids:
            raise MapError("no embeddings yet: run `paperscope embed` first")
        old = {} if full else library.layout.points()
        info = None if full else library.layout.info()
        if info is None or not old:
            return _full(library, index, ids, hashes, titles, seed, tick, started)
        return _incremental(library, index, ids, hashes, old, tick, started)
    finally:
        store.unlock(LOCK)


def _full(library: Library, index, ids, hashes, titles, seed, tick, started) -> MapReport:
    vectors = _matrix(index, ids, tick)
    tick("laying out", 0, 1)
    coords = lay_out(vectors, seed)
    tick("clustering", 0, 1)
    k = cluster_count(len(ids))
    found = cluster(coords, k, seed)
    k = int(found.max()) + 1
    tick("labelling", 0, 1)
    labels = label_clusters([titles[i] for i in ids], found, k)
    points = [Point(pid, float(x), float(y), int(c), hashes[pid], "layout")
              for pid, (x, y), c in zip(ids, coords, found, strict=True)]  # fmt: skip
    tick("saving", 0, 1)
    library.layout.replace(points, _clusters(points, labels), seed)
    return MapReport(True, len(points), len(points), 0, 0, k, time.perf_counter() - started)


def _incremental(library: Library, index, ids, hashes, old, tick, started) -> MapReport:
    current = set(ids)
    removed = sorted(pid for pid in old if pid not in current)
    stale = [pid for pid in ids if pid not in old or old[pid].text_hash != hashes[pid]]
    placed: list[Point] = []
    if stale:
        stale_set = set(stale)
        known_ids = [pid for pid in ids if pid in old and pid not in stale_set]
        if not known_ids:  # every vector changed: nothing left to place them among
            seed = library.layout.info().seed  # type: ignore[union-attr]
            titles = library.layout.titles(ids)
            return _full(library, index, ids, hashes, titles, seed, tick, started)
        known = _matrix(index, known_ids, tick)
        coords = np.array([(old[p].x, old[p].y) for p in known_ids])
        clusters = np.array([old[p].cluster for p in known_ids], dtype=np.int64)
        tick("placing new papers", 0, 1)
        xy, cs = place(_matrix(index, stale, tick), known, coords, clusters)
        placed = [Point(pid, float(x), float(y), int(c), hashes[pid], "nearest")
                  for pid, (x, y), c in zip(stale, xy, cs, strict=True)]  # fmt: skip
    labels = {c.id: c.label for c in library.layout.clusters()}
    if stale or removed:
        points = {
            **{p: v for p, v in old.items() if p in current},
            **{p.paper_id: p for p in placed},
        }
        tick("saving", 0, 1)
        k = max(labels, default=-1) + 1
        names = [labels.get(c, f"cluster {c + 1}") for c in range(k)]
        library.layout.update(placed, removed, _clusters(list(points.values()), names))
    else:
        points = old
    share = sum(p.how == "nearest" for p in points.values()) / max(1, len(points))
    return MapReport(False, len(points), 0, len(placed), len(removed), len(labels),
                     time.perf_counter() - started, share)  # fmt: skip


def _clusters(points: list[Point], labels: list[str]) -> list[Cluster]:
    """Each cluster's label, the centre of its points (where the label is
    drawn) and its size; a cluster left empty keeps its label at 0, 0."""
    k = len(labels)
    xs = np.zeros(k)
    ys = np.zeros(k)
    sizes = np.zeros(k, dtype=np.int64)
    for p in points:
        xs[p.cluster] += p.x
        ys[p.cluster] += p.y
        sizes[p.cluster] += 1
    shown = np.maximum(sizes, 1)
    return [Cluster(c, labels[c], round(float(xs[c] / shown[c]), 3),
                    round(float(ys[c] / shown[c]), 3), int(sizes[c])) for c in range(k)]  # fmt: skip


def _matrix(index: VectorIndex | PgVectorIndex, ids: list[str], tick: Progress) -> np.ndarray:
    """The vectors of ``ids`` as float32 rows, read a chunk at a time."""
    out = np.empty((len(ids), index.dim), dtype=np.float32)
    for start in range(0, len(ids), READ_CHUNK):
        chunk = ids[start : start + READ_CHUNK]
        found = index.vectors(chunk)
        for row, pid in enumerate(chunk, start):
            out[row] = found[pid]
        tick("reading vectors", start + len(chunk), len(ids))
    return out
