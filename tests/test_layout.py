"""The map's layout (paperscope.layout) on real libraries: papers of three
topics, each with its own title words, and vectors scattered around a random
centre per topic, written straight into the library's vector index."""

from __future__ import annotations

import numpy as np
import pytest

from paperscope.layout import (
    UMAP_EXACT,
    MapError,
    _neighbours,
    cluster,
    cluster_count,
    label_clusters,
    lay_out,
)
from paperscope.library import Library
from paperscope.models import new_paper
from paperscope.search.embed import paper_text, text_hash

DIM = 384
TOPICS = {
    "graphs": ["graph", "neural", "message", "passing", "networks"],
    "quantum": ["quantum", "qubit", "error", "correction", "codes"],
    "proteins": ["protein", "folding", "structure", "prediction", "residues"],
}
PER_TOPIC = 30


def _vectors(topics: list[str], seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = {t: rng.normal(size=DIM) for t in TOPICS}
    return np.stack([centres[t] + 0.6 * rng.normal(size=DIM) for t in topics])


def _title(topic: str, i: int) -> str:
    words = TOPICS[topic]
    return f"{words[i % 5].title()} {words[(i + 1) % 5]} and {words[(i + 2) % 5]}, study {i}"


def fill(lib: Library, per_topic: int = PER_TOPIC, start: int = 0, seed: int = 3) -> dict:
    """Papers of every topic with vectors; ``{paper id: topic}``."""
    papers, topics = [], []
    for topic in TOPICS:
        for i in range(start, start + per_topic):
            papers.append(new_paper(title=_title(topic, i), abstract=f"About {topic}.",
                                    source="bibtex"))  # fmt: skip
            topics.append(topic)
    with lib.store.transaction():
        lib.store.save_papers(papers)
    ids = [p.id for p in papers]
    # The hashes the embedder would give: `paperscope serve` leaves these vectors be.
    hashes = [text_hash(paper_text(p)) for p in papers]
    lib.vector_index().upsert(ids, _vectors(topics, seed), hashes)
    return dict(zip(ids, topics, strict=True))


@pytest.fixture
def lib(tmp_path):
    with Library(tmp_path / "library.db") as library:
        yield library


def test_the_layout_is_the_same_for_the_same_input():
    vectors = _vectors([t for t in TOPICS for _ in range(PER_TOPIC)])
    first, again = lay_out(vectors, seed=7), lay_out(vectors, seed=7)
    assert first.shape == (len(vectors), 2)
    assert np.array_equal(first, again)
    assert np.abs(first).max() == pytest.approx(100.0)  # scaled to the map's span


def test_exact_neighbours_are_each_rows_nearest_itself_first():
    data = np.random.default_rng(5).normal(size=(300, 50)).astype(np.float32)
    indices, distances = _neighbours(data, block=64)  # several blocks
    assert indices.shape == distances.shape == (300, 15)
    full = np.linalg.norm(data[:, None] - data[None], axis=2)
    for row in (0, 63, 64, 137, 299):
        assert indices[row, 0] == row and distances[row, 0] == 0
        assert set(indices[row]) == set(np.argsort(full[row])[:15])
        assert np.allclose(distances[row], np.sort(full[row])[:15], atol=1e-3)


@pytest.mark.slow
def test_a_large_layout_with_neighbours_found_here_is_deterministic_too():
    per = UMAP_EXACT // len(TOPICS) + 10  # past umap-learn's own exact search
    vectors = _vectors([t for t in TOPICS for _ in range(per)])
    first = lay_out(vectors)
    assert np.array_equal(first, lay_out(vectors)) and len(first) > UMAP_EXACT


def test_every_embedded_paper_is_on_the_map_and_runs_repeat(lib):
    topics = fill(lib)
    unembedded = new_paper(title="Not embedded yet", source="bibtex")
    with lib.store.transaction():
        lib.store.save_papers([unembedded])
    report = lib.update_map()
    assert report.full and report.laid_out == len(topics) == report.points
    points = lib.layout.points()
    assert set(points) == set(topics) and unembedded.id not in points
    assert {p.how for p in points.values()} == {"layout"}
    again = lib.update_map(full=True)
    assert again.full and lib.layout.points() == points  # deterministic end to end
    data = lib.layout.map_data()
    assert data.ids == sorted(topics) and len(data.x) == len(data.titles) == len(topics)
    assert sum(c.size for c in data.clusters) == len(topics)


def test_clusters_follow_topics_and_are_labelled_by_their_title_words(lib):
    topics = fill(lib)
    ids = sorted(topics)
    vectors = np.stack([lib.vector_index().vector_of(i) for i in ids])
    coords = lay_out(vectors)
    found = cluster(coords, 3)
    titles = lib.layout.titles(ids)
    labels = label_clusters([titles[i] for i in ids], found, 3)
    for c, label in enumerate(labels):
        members = [i for i, k in zip(ids, found, strict=True) if k == c]
        (topic,) = {topics[i] for i in members}  # one topic per cluster, whole
        words = label.split(" · ")
        assert len(words) == 3 and set(words) <= set(TOPICS[topic]), (label, topic)
        for word in words:  # every label word is in the cluster's titles
            assert any(word in titles[i].lower() for i in members)
        assert not any(ch.isdigit() for ch in label) and "and" not in words


def test_labels_skip_stop_words_and_digits():
    titles = [
        "The 2024 theory of the kernels",
        "A 3D regression with kernels",
        "Of cats",
        "Cats 42",
    ]
    first, second = label_clusters(titles, np.array([0, 0, 1, 1]), 2)
    assert set(first.split(" · ")) == {"kernels", "theory", "regression"} and second == "cats"
    assert label_clusters(["the of", "and 12"], np.array([0, 1]), 2) == ["cluster 1", "cluster 2"]


def test_cluster_count_grows_with_the_library():
    assert [cluster_count(n) for n in (0, 1, 3, 100, 3000, 10_000, 100_000)] == [
        1, 1, 2, 2, 11, 20, 40,
    ]  # fmt: skip


def test_papers_embedded_later_are_placed_near_their_neighbours(library_url):
    with Library(library_url) as lib:
        topics = fill(lib)
        lib.update_map()
        before = lib.layout.points()
        new = fill(lib, per_topic=2, start=100, seed=3)  # same centres, new papers
        report = lib.update_map()
        assert not report.full and report.placed == len(new) and report.laid_out == 0
        points = lib.layout.points()
        assert {pid: points[pid] for pid in before} == before  # the rest stay where they were
        centres = {t: np.mean([(before[p].x, before[p].y) for p in before if topics[p] == t],
                              axis=0) for t in TOPICS}  # fmt: skip
        for pid, topic in new.items():
            p = points[pid]
            assert p.how == "nearest"
            distance = {t: np.hypot(p.x - c[0], p.y - c[1]) for t, c in centres.items()}
            assert min(distance, key=distance.get) == topic
            same = [before[q].cluster for q in before if topics[q] == topic]
            assert p.cluster == max(set(same), key=same.count)
        assert lib.update_map().placed == 0  # nothing new: nothing placed
        gone = next(iter(new))
        lib.vector_index().remove([gone])
        report = lib.update_map()
        assert report.removed == 1 and gone not in lib.layout.points()
        assert sum(c.size for c in lib.layout.clusters()) == len(topics) + len(new) - 1


def test_no_embeddings_is_a_clear_error(lib):
    with lib.store.transaction():
        lib.store.save_papers([new_paper(title="Lonely", source="bibtex")])
    with pytest.raises(MapError, match="no embeddings yet: run `paperscope embed`"):
        lib.update_map()


def test_paperscope_migrate_copies_the_map(tmp_path, pg_url):
    from paperscope.store.copy import copy_library

    source = str(tmp_path / "library.db")
    with Library(source) as lib:
        fill(lib)
        lib.update_map()
        made = lib.layout.map_data()
    report = copy_library(source, pg_url)
    assert report.ok, report.checks
    with Library(pg_url) as there:
        copied = there.layout.map_data()
        assert copied.ids == made.ids and copied.x == made.x and copied.cluster == made.cluster
        assert copied.clusters == made.clusters and copied.info == made.info
        assert there.update_map().placed == 0  # the copy is the layout, vectors and all


def test_the_map_command(tmp_path):
    from typer.testing import CliRunner

    from paperscope.cli import app

    db = str(tmp_path / "library.db")
    runner = CliRunner()
    with Library(db) as lib, lib.store.transaction():
        lib.store.save_papers([new_paper(title="Not embedded", source="bibtex")])
    result = runner.invoke(app, ["map", "--db", db, "--quiet"])
    assert result.exit_code == 1
    assert "error: no embeddings yet: run `paperscope embed` first" in result.output
    with Library(db) as lib:
        fill(lib)
    result = runner.invoke(app, ["map", "--db", db, "--quiet", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "laid out 90 papers in 2 clusters (90 papers on the map" in result.output
    result = runner.invoke(app, ["map", "--db", db, "-q"])
    assert result.exit_code == 0 and "the map was up to date" in result.output
    with Library(db) as lib:
        assert lib.layout.info().seed == 7
        fill(lib, per_topic=1, start=200)
    result = runner.invoke(app, ["map", "--db", db, "-q"])
    assert "placed 3 new papers by their neighbours" in result.output
    result = runner.invoke(app, ["map", "--db", db, "-q", "--seed", "-1"])
    assert result.exit_code == 2 and "--seed" in result.output
