"""The ONNX Runtime embedder: the PyTorch model's vectors, from files cached once.

The ONNX files are exported once for the session into a temporary cache
(``PAPERSCOPE_MODEL_CACHE``); tests of the cache's repair replace the export
by a copy of those files, so they check what triggers a rebuild without
paying for one. Abstracts are read from ../shared at test time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from paperscope.search import onnx_embed
from paperscope.search.embed import DIM, Embedder
from paperscope.search.onnx_embed import (
    FP32_NAME,
    INT8_NAME,
    MANIFEST_NAME,
    OnnxEmbedder,
    cache_dir,
    cache_key,
    cache_root,
    load_model_bytes,
)

# Our own words, not copied from anywhere: accents, CJK, Greek and symbols.
NON_ASCII = "Über die Wärmeleitung in dünnen Schichten: 熱伝導の測定, αβγ-Phasen und ∑ Δλ ≈ 0,5 µm — ein Überblick."


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory) -> Iterator[Path]:
    """A fresh cache root for the session, through the environment as deployments set it."""
    root = tmp_path_factory.mktemp("onnx-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PAPERSCOPE_MODEL_CACHE", str(root))
        yield root


@pytest.fixture(scope="session")
def fp32(onnx_cache) -> OnnxEmbedder:
    embedder = OnnxEmbedder(threads=2)
    embedder.load()  # exports both files into the session cache
    return embedder


@pytest.fixture(scope="session")
def int8(fp32) -> OnnxEmbedder:
    return OnnxEmbedder(quantized=True, threads=2)


@pytest.fixture(scope="session")
def built(fp32) -> Path:
    """The session's cache folder, as the export left it."""
    return cache_dir()


@pytest.fixture(scope="module")
def abstracts(shared) -> list[str]:
    docs = []
    with (shared / "data" / "scifact" / "corpus.jsonl").open(encoding="utf-8") as f:
        for line, _ in zip(f, range(40), strict=False):
            docs.append(json.loads(line)["text"])
    return docs


@pytest.fixture(scope="module")
def texts(abstracts) -> list[str]:
    """About twenty varied texts: whole abstracts (most over 256 word pieces),
    first sentences, title-length snippets, an empty and a one-letter text,
    non-ASCII text, and two abstracts run together (far over 256 pieces)."""
    whole = abstracts[:8]
    sentences = [a.split(". ")[0] + "." for a in abstracts[8:14]]
    snippets = [" ".join(a.split()[:8]) for a in abstracts[14:17]]
    odd = ["", "a", NON_ASCII, abstracts[17] + " " + abstracts[18]]
    return whole + sentences + snippets + odd


@pytest.fixture(scope="module")
def reference(embedder, texts) -> np.ndarray:
    """The PyTorch embedder's vectors (the suite's shared model)."""
    return embedder.encode(texts)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_interface_matches_embedder(onnx_cache):
    e = OnnxEmbedder()
    assert not e.loaded
    assert e.dim == Embedder.dim == DIM == 384
    assert e.model_name == Embedder.model_name  # the same model: vectors are interchangeable
    assert not e.quantized and OnnxEmbedder(quantized=True).quantized
    assert e.encode([]).shape == (0, DIM)
    assert not e.loaded  # nothing to embed, nothing loaded


def test_fp32_matches_pytorch(fp32, texts, reference):
    assert len(texts) >= 20
    got = fp32.encode(texts)
    assert got.dtype == np.float32 and got.shape == (len(texts), DIM)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    cos = cosines(got, reference)
    assert cos.min() > 0.9999, [
        (round(float(c), 6), t[:40]) for c, t in zip(cos, texts, strict=True) if c <= 0.9999
    ]
    np.testing.assert_allclose(got, reference, atol=1e-4)


def test_int8_close_to_pytorch(int8, texts, reference):
    got = int8.encode(texts)
    assert got.dtype == np.float32 and got.shape == (len(texts), DIM)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    cos = cosines(got, reference)
    report = [(round(float(c), 4), t[:40]) for c, t in zip(cos, texts, strict=True)]
    real = cos[: len(texts) - 4]  # abstracts, sentences and snippets
    assert real.min() > 0.98, report
    # Dynamic quantization scales activations per batch, and a vector of two
    # tokens ("" is [CLS] [SEP]) has least to average over: measured 0.97-0.98.
    assert cos.min() > 0.95, report
    assert cos.mean() > 0.985, report


def test_order_and_batching_do_not_change_vectors(fp32, texts):
    texts = texts[::2]  # a mix of lengths, odd ones included; fewer to keep it quick
    whole = fp32.encode(texts, batch_size=64)
    small = fp32.encode(texts, batch_size=3)
    np.testing.assert_allclose(small, whole, atol=2e-5)
    backwards = fp32.encode(texts[::-1], batch_size=5)
    np.testing.assert_allclose(backwards[::-1], whole, atol=2e-5)
    q = fp32.encode_query(texts[5])
    assert q.shape == (DIM,)
    np.testing.assert_allclose(q, whole[5], atol=2e-5)


def test_texts_are_cut_at_256_word_pieces(fp32, abstracts):
    long = abstracts[17] + " " + abstracts[18]
    assert fp32._tokenizer is not None
    assert len(fp32._tokenizer.encode(long).ids) == 256
    more = fp32.encode([long, long + " " + abstracts[19]])
    np.testing.assert_allclose(more[0], more[1], atol=1e-6)


def test_encoded_counts_texts(fp32):
    before = fp32.encoded
    fp32.encode(["one", "two"])
    fp32.encode_query("three")
    assert fp32.encoded - before == 3


def test_cache_is_reused(fp32, built, monkeypatch):
    files = {name: (built / name).stat() for name in (FP32_NAME, INT8_NAME, MANIFEST_NAME)}

    def no_export(model_dir: Path, out_dir: Path) -> Path:
        raise AssertionError("exported again although the cache was complete")

    monkeypatch.setattr(onnx_embed, "export_onnx", no_export)
    for quantized in (False, True):
        again = OnnxEmbedder(quantized=quantized)
        assert again.encode(["cached"]).shape == (1, DIM)
        assert again.loaded
    for name, stat in files.items():
        now = (built / name).stat()
        assert (now.st_ino, now.st_mtime_ns, now.st_size) == (
            stat.st_ino,
            stat.st_mtime_ns,
            stat.st_size,
        ), name
    assert not list(built.glob(".build-*")) and not list(built.glob("*.tmp"))


def test_cache_location(monkeypatch, tmp_path):
    monkeypatch.setenv("PAPERSCOPE_MODEL_CACHE", str(tmp_path / "explicit"))
    assert cache_root() == tmp_path / "explicit"
    monkeypatch.delenv("PAPERSCOPE_MODEL_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "paperscope" / "models"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_root() == tmp_path / "home" / ".cache" / "paperscope" / "models"
    # The key follows ONNX Runtime's version: an upgrade builds afresh.
    import onnxruntime

    key = cache_key(onnx_embed.model_dir())
    assert onnxruntime.__version__ in key
    monkeypatch.setattr(onnxruntime, "__version__", "0.0.1")
    assert cache_key(onnx_embed.model_dir()) != key


# -- damaged caches are rebuilt ------------------------------------------------------


@pytest.fixture
def copied_cache(built, tmp_path, monkeypatch) -> tuple[Path, list[Path]]:
    """A copy of the session's cache under a new root, with a stand-in export
    that copies the good files back (and records that it ran)."""
    root = tmp_path / "cache"
    folder = root / built.name
    shutil.copytree(built, folder)
    monkeypatch.setenv("PAPERSCOPE_MODEL_CACHE", str(root))
    calls: list[Path] = []

    def fake_export(model_dir: Path, out_dir: Path) -> Path:
        calls.append(out_dir)
        for name in (FP32_NAME, INT8_NAME, MANIFEST_NAME):
            shutil.copyfile(built / name, out_dir / name)
        return out_dir

    monkeypatch.setattr(onnx_embed, "export_onnx", fake_export)
    return folder, calls


def truncate(path: Path) -> None:
    with path.open("r+b") as f:
        f.truncate(path.stat().st_size // 2)


def flip_bytes(path: Path) -> None:
    """Same size, different contents: a check of sizes alone would miss it."""
    with path.open("r+b") as f:
        f.seek(path.stat().st_size // 2)
        chunk = f.read(64)
        f.seek(-len(chunk), os.SEEK_CUR)
        f.write(bytes(b ^ 0xFF for b in chunk))


DAMAGE = {
    "truncated fp32": (FP32_NAME, truncate),
    "truncated int8": (INT8_NAME, truncate),
    "fp32 bytes changed": (FP32_NAME, flip_bytes),
    "fp32 missing": (FP32_NAME, lambda p: p.unlink()),
    "manifest missing": (MANIFEST_NAME, lambda p: p.unlink()),
    "manifest not JSON": (MANIFEST_NAME, lambda p: p.write_text("{half")),
    "manifest of another shape": (MANIFEST_NAME, lambda p: p.write_text('{"files": []}')),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_cache_is_rebuilt(damage, copied_cache, fp32, texts):
    folder, calls = copied_cache
    name, harm = DAMAGE[damage]
    harm(folder / name)
    quantized = name == INT8_NAME
    e = OnnxEmbedder(quantized=quantized)
    got = e.encode(texts[:3])  # no crash: the damage is found and the files rebuilt
    assert calls == [folder]
    want = OnnxEmbedder(quantized=True) if quantized else fp32
    np.testing.assert_allclose(got, want.encode(texts[:3]), atol=1e-5)
    # and the rebuilt cache is then used as it is
    OnnxEmbedder(quantized=quantized).encode(["again"])
    assert len(calls) == 1


def test_undamaged_file_is_used_beside_a_damaged_one(copied_cache):
    folder, calls = copied_cache
    truncate(folder / INT8_NAME)
    OnnxEmbedder(quantized=False).encode(["fp32 is intact"])
    assert calls == []


def test_a_killed_build_is_cleaned_up(copied_cache):
    folder, calls = copied_cache
    stale = folder / ".build-12345-deadbeef"
    stale.mkdir()
    (stale / "raw.onnx").write_bytes(b"half an export")
    (folder / MANIFEST_NAME).unlink()  # the kill came before the manifest
    OnnxEmbedder().encode(["after a crash"])
    assert calls == [folder]
    assert not stale.exists()


def test_a_failed_rebuild_raises(copied_cache, monkeypatch):
    folder, _ = copied_cache
    (folder / MANIFEST_NAME).unlink()
    monkeypatch.setattr(onnx_embed, "export_onnx", lambda model_dir, out_dir: out_dir)
    with pytest.raises(RuntimeError, match="does not match its manifest"):
        OnnxEmbedder().encode(["x"])


def test_two_processes_starting_at_once_build_once(built, tmp_path):
    """Two processes find an empty cache together: the lock lets one build,
    and the other then loads what it built. The stand-in export is slow so
    that both are waiting at once."""
    script = textwrap.dedent(
        """
        import shutil, sys, time
        from pathlib import Path
        from paperscope.search import onnx_embed

        built, log = Path(sys.argv[1]), Path(sys.argv[2])

        def slow_export(model_dir, out_dir):
            with log.open("a") as f:
                f.write("export\\n")
            time.sleep(1.5)
            for name in ("model.onnx", "model-int8.onnx", "manifest.json"):
                shutil.copyfile(built / name, Path(out_dir) / (name + ".part"))
                (Path(out_dir) / (name + ".part")).rename(Path(out_dir) / name)
            return out_dir

        onnx_embed.export_onnx = slow_export
        data = onnx_embed.load_model_bytes(quantized=True)
        print(len(data))
        """
    )
    log = tmp_path / "exports.log"
    env = dict(os.environ, PAPERSCOPE_MODEL_CACHE=str(tmp_path / "cache"))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(built), str(log)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert int(out) == (built / INT8_NAME).stat().st_size
    assert log.read_text().splitlines() == ["export"]


def test_load_model_bytes_checks_what_it_returns(built):
    data = load_model_bytes(quantized=True)
    assert data == (built / INT8_NAME).read_bytes()
    manifest = json.loads((built / MANIFEST_NAME).read_text())
    assert manifest["files"][INT8_NAME]["size"] == len(data)
    assert manifest["model"] == Embedder.model_name


def test_the_ann_graph_and_the_onnx_embedder_live_in_one_process(tmp_path):
    """ONNX Runtime's extension crashed the process when loaded after usearch's
    (a server builds its HNSW graph, then embeds its first query): the vector
    index loads it first. In a child process, since the failure is a SIGSEGV."""
    script = textwrap.dedent(f"""
        import numpy as np
        from paperscope.search.vectors import VectorIndex
        index = VectorIndex({str(tmp_path / "v")!r}, dim=8, exact_max=10)
        vectors = np.random.default_rng(1).normal(size=(40, 8)).astype(np.float32)
        index.upsert([f"p{{i}}" for i in range(40)], vectors, ["0" * 16] * 40)
        assert index.search(vectors[3], 1)[0][0] == "p3"  # through the HNSW graph
        import onnxruntime
        print("alive", onnxruntime.__version__)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert "alive" in done.stdout
