"""The vector index on real directories: persistence, crash safety, exact and ANN search."""

from __future__ import annotations

import json

import numpy as np
import pytest

from paperscope.search.vectors import MANIFEST, VectorIndex, VectorIndexError

DIM = 384


def unit(rng: np.random.Generator, n: int, dim: int = DIM) -> np.ndarray:
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def clustered(rng: np.random.Generator, n: int, clusters: int = 300) -> np.ndarray:
    centers = rng.normal(size=(clusters, DIM))
    v = centers[rng.integers(0, clusters, n)] + 0.6 * rng.normal(size=(n, DIM))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def fill(index: VectorIndex, vectors: np.ndarray, prefix: str = "p") -> list[str]:
    ids = [f"{prefix}{i}" for i in range(len(vectors))]
    index.upsert(ids, vectors, [f"h{i}" for i in range(len(vectors))])
    return ids


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


def test_empty(tmp_path):
    index = VectorIndex(tmp_path / "v")
    assert index.count() == 0
    assert index.search(np.ones(DIM), k=5) == []
    assert index.vector_of("x") is None and index.hash_of("x") is None and not index.has("x")


def test_upsert_search_and_reopen(tmp_path, rng):
    vectors = unit(rng, 50)
    index = VectorIndex(tmp_path / "v")
    ids = fill(index, vectors)
    assert index.count() == 50 and index.has("p3") and index.hash_of("p3") == "h3"
    top = index.search(vectors[3], k=3)
    assert top[0][0] == "p3" and top[0][1] == pytest.approx(1.0, abs=1e-3)
    assert [s for _, s in top] == sorted((s for _, s in top), reverse=True)
    index.close()
    again = VectorIndex(tmp_path / "v")
    assert again.count() == 50 and again.ids() == ids
    assert again.search(vectors[3], k=3) == top
    np.testing.assert_allclose(again.vector_of("p7"), vectors[7], atol=2e-3)


def test_vectors_are_normalised_and_float16_on_disk(tmp_path, rng):
    index = VectorIndex(tmp_path / "v")
    index.upsert(["a"], 5 * unit(rng, 1), ["h"])
    assert np.linalg.norm(index.vector_of("a")) == pytest.approx(1.0, abs=1e-3)
    assert (tmp_path / "v" / "vectors-0.f16").stat().st_size == DIM * 2


def test_upsert_replaces(tmp_path, rng):
    a, b = unit(rng, 2)
    index = VectorIndex(tmp_path / "v")
    index.upsert(["x", "y"], [a, b], ["1", "1"])
    index.upsert(["x"], [b], ["2"])
    assert index.count() == 2 and index.hash_of("x") == "2"
    np.testing.assert_allclose(index.vector_of("x"), b, atol=2e-3)
    assert {i for i, _ in index.search(a, k=5)} == {"x", "y"}
    index.upsert(["z", "z"], [a, b], ["first", "last"])  # the last of repeats wins
    assert index.hash_of("z") == "last"
    reopened = VectorIndex(tmp_path / "v")
    assert reopened.hash_of("x") == "2" and reopened.count() == 3


def test_remove_and_exclude(tmp_path, rng):
    vectors = unit(rng, 20)
    index = VectorIndex(tmp_path / "v")
    fill(index, vectors)
    assert index.remove(["p1", "p2", "nope"]) == 2
    assert index.remove(["p1"]) == 0
    assert index.count() == 18 and not index.has("p1")
    found = [i for i, _ in index.search(vectors[1], k=20)]
    assert "p1" not in found and "p2" not in found and len(found) == 18
    assert "p5" not in [i for i, _ in index.search(vectors[5], k=5, exclude={"p5"})]
    assert VectorIndex(tmp_path / "v").count() == 18
    index.upsert(["p1"], vectors[1:2], ["back"])
    assert index.search(vectors[1], k=1)[0][0] == "p1"


def test_bad_input(tmp_path, rng):
    index = VectorIndex(tmp_path / "v")
    with pytest.raises(ValueError):
        index.upsert(["a", "b"], unit(rng, 1), ["h", "h"])
    with pytest.raises(ValueError):
        index.upsert(["a\nb"], unit(rng, 1), ["h"])
    with pytest.raises(ValueError):
        index.upsert(["a"], unit(rng, 1, dim=10), ["h"])
    assert index.count() == 0
    index.close()
    with pytest.raises(VectorIndexError):
        VectorIndex(tmp_path / "v", dim=10)


def test_crash_between_append_and_commit_is_ignored(tmp_path, rng):
    """Bytes appended without a manifest commit (a crash mid-upsert) are ignored,
    then cut off by the next upsert."""
    vectors = unit(rng, 6)
    folder = tmp_path / "v"
    index = VectorIndex(folder)
    fill(index, vectors[:3])
    manifest = (folder / MANIFEST).read_text()
    index.upsert(["p0", "late"], vectors[3:5], ["new", "new"])
    index.remove(["p1"])
    (folder / MANIFEST).write_text(manifest)  # as if the process died before renaming
    (folder / "manifest.json.tmp").write_text("{half")
    (folder / "deleted-0-99.bin.tmp").write_bytes(b"\x00")
    index = VectorIndex(folder)
    assert index.ids() == ["p0", "p1", "p2"] and index.hash_of("p0") == "h0"
    assert not (folder / "manifest.json.tmp").exists()
    assert not (folder / "deleted-0-99.bin.tmp").exists()
    index.upsert(["q"], vectors[5:6], ["hq"])
    again = VectorIndex(folder)
    assert again.ids() == ["p0", "p1", "p2", "q"]
    assert again.search(vectors[5], k=1)[0] == ("q", pytest.approx(1.0, abs=1e-3))
    assert (folder / "vectors-0.f16").stat().st_size == 4 * DIM * 2


def test_failed_write_rolls_back(tmp_path, rng, monkeypatch):
    index = VectorIndex(tmp_path / "v")
    fill(index, unit(rng, 3))

    def boom(manifest):
        raise OSError("disk full")

    monkeypatch.setattr(index, "_write_manifest", boom)
    with pytest.raises(OSError):
        index.upsert(["p0", "new"], unit(rng, 2), ["x", "x"])
    monkeypatch.undo()
    assert index.ids() == ["p0", "p1", "p2"] and index.hash_of("p0") == "h0"
    assert VectorIndex(tmp_path / "v").ids() == ["p0", "p1", "p2"]


def test_damaged_manifest_is_an_error(tmp_path):
    VectorIndex(tmp_path / "v").close()
    (tmp_path / "v" / MANIFEST).write_text("not json")
    with pytest.raises(VectorIndexError):
        VectorIndex(tmp_path / "v")


def test_other_files_are_left_alone(tmp_path):
    folder = tmp_path / "v"
    folder.mkdir()
    (folder / "synced.json").write_text(json.dumps({"seq": 3}))
    VectorIndex(folder).close()
    assert (folder / "synced.json").exists()


def test_compaction(tmp_path, rng, monkeypatch):
    monkeypatch.setattr("paperscope.search.vectors.COMPACT_MIN", 10)
    vectors = unit(rng, 40)
    folder = tmp_path / "v"
    index = VectorIndex(folder)
    fill(index, vectors)
    index.remove([f"p{i}" for i in range(25)])  # 25 of 40 rows dead: compacted
    assert (folder / "vectors-1.f16").stat().st_size == 15 * DIM * 2
    assert not (folder / "vectors-0.f16").exists()
    reopened = VectorIndex(folder)
    assert reopened.count() == 15
    assert reopened.search(vectors[30], k=1)[0][0] == "p30"
    assert reopened.hash_of("p30") == "h30"


def test_clear(tmp_path, rng):
    index = VectorIndex(tmp_path / "v")
    fill(index, unit(rng, 5))
    index.clear()
    assert index.count() == 0 and VectorIndex(tmp_path / "v").count() == 0


def exact_top(vectors: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    return list(np.argsort(-(vectors.astype(np.float16).astype(np.float32) @ query))[:k])


def test_exact_search_is_exact(tmp_path, rng):
    both = clustered(rng, 3_010)
    vectors = both[:3_000]
    index = VectorIndex(tmp_path / "v")
    fill(index, vectors)
    for q in both[3_000:]:
        got = [int(i[1:]) for i, _ in index.search(q, k=10)]
        assert got == exact_top(vectors, q, 10)


@pytest.mark.slow
def test_ann_agrees_with_exact(tmp_path, rng):
    """30k clustered vectors with the switch lowered to 10k: ANN recall@10 >= 0.95,
    scores identical (candidates are re-scored exactly), graph persisted and reused."""
    both = clustered(rng, 30_100)  # queries come from the same clusters as the data
    vectors, queries = both[:30_000], both[30_000:]
    folder = tmp_path / "v"
    ann = VectorIndex(folder, exact_max=10_000)
    fill(ann, vectors)
    exact = VectorIndex(folder, exact_max=10**9)  # the same files, brute force
    recall = []
    for q in queries:
        want = exact.search(q, k=10)
        got = ann.search(q, k=10)
        recall.append(len({i for i, _ in want} & {i for i, _ in got}) / 10)
        common = dict(want)
        for i, s in got:
            if i in common:
                assert s == pytest.approx(common[i], abs=1e-5)
    assert np.mean(recall) >= 0.95
    assert ann._ann is not None
    # Updates reach the loaded graph; removals and exclusions are honoured.
    ann.upsert(["new"], queries[:1], ["h"])
    ann.remove(["p5"])
    assert ann.search(queries[0], k=1)[0][0] == "new"
    assert "p5" not in [i for i, _ in ann.search(vectors[5], k=10)]
    assert ann.search(vectors[6], k=3, exclude={"p6"})[0][0] != "p6"
    ann.close()
    assert list(folder.glob("ann-0-30001.usearch"))
    reopened = VectorIndex(folder, exact_max=10_000)
    assert reopened.search(queries[0], k=1)[0][0] == "new"
    assert "p5" not in [i for i, _ in reopened.search(vectors[5], k=10)]
    assert reopened._ann_unsaved == 0  # read from disk, not rebuilt


def test_switches_back_to_exact_below_threshold(tmp_path, rng):
    vectors = unit(rng, 30)
    index = VectorIndex(tmp_path / "v", exact_max=20)
    fill(index, vectors)
    assert index.search(vectors[4], k=1)[0][0] == "p4"
    assert index._ann is not None
    index.remove([f"p{i}" for i in range(15)])
    assert index.search(vectors[20], k=1)[0][0] == "p20"
    assert "p4" not in [i for i, _ in index.search(vectors[4], k=15)]


def test_prepare_builds_and_saves_the_graph_only_when_it_will_be_used(tmp_path, rng):
    folder = tmp_path / "v"
    index = VectorIndex(folder, exact_max=200)
    fill(index, unit(rng, 150))
    assert index.prepare() is False  # exact search: no graph to build
    assert not list(folder.glob("ann-*.usearch"))
    fill(index, unit(rng, 300), prefix="q")
    seen = []
    assert index.prepare(lambda done, total: seen.append((done, total))) is True
    assert seen[-1] == (450, 450)
    assert list(folder.glob("ann-0-450.usearch"))  # saved, so a new process need not rebuild
    index.close()
    reopened = VectorIndex(folder, exact_max=200)
    reopened.search(unit(rng, 1)[0], k=3)
    assert reopened._ann_unsaved == 0


def test_a_reader_sees_another_writers_commits_after_refresh(tmp_path, rng, monkeypatch):
    monkeypatch.setattr("paperscope.search.vectors.COMPACT_MIN", 10)
    folder = tmp_path / "v"
    writer = VectorIndex(folder, exact_max=100)
    fill(writer, unit(rng, 150))
    reader = VectorIndex(folder, exact_max=100)
    assert reader.refresh() is False  # nothing new: one stat, no reload
    reader.search(unit(rng, 1)[0], k=3)  # builds its graph over 150 rows
    extra = unit(rng, 5)
    new = [f"new{i}" for i in range(5)]
    writer.upsert(new, extra, ["h"] * 5)
    assert reader.search(extra[0], k=1)[0][0] != "new0"  # not seen yet
    assert reader.refresh() is True
    assert reader.search(extra[0], k=1)[0][0] == "new0"
    writer.remove([f"p{i}" for i in range(150)])  # mostly dead: compacted to a new base
    assert writer._manifest["base"] == 1
    assert reader.refresh() is True
    assert reader._ann is None  # its row numbers meant the old files
    found = reader.search(extra[1], k=10)
    assert found[0][0] == "new1" and {i for i, _ in found} == set(new)
