"""The real all-MiniLM-L6-v2 model, loaded offline from its package.

Queries below are our own paraphrases of titles; abstracts are read from
../shared at test time, never copied here.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from paperscope.models import Paper, new_paper
from paperscope.search.embed import DIM, MAX_CHARS, Embedder, model_dir, paper_text, text_hash


@pytest.fixture(scope="module")
def paper_vectors(embedder, papers) -> np.ndarray:
    return embedder.encode([paper_text(p) for p in papers])


def paper(title: str, abstract: str = "") -> Paper:
    return new_paper(title=title, abstract=abstract, source="bibtex")


def test_model_ships_in_the_package():
    assert (model_dir() / "model.safetensors").is_file()
    assert (model_dir() / "modules.json").is_file()


def test_lazy_load():
    e = Embedder()
    assert not e.loaded
    assert e.dim == DIM == 384
    assert e.model_name == "sentence-transformers/all-MiniLM-L6-v2"


def test_rows_are_unit_float32(embedder):
    v = embedder.encode(["graph neural networks", "a", "x" * 5000])
    assert v.dtype == np.float32 and v.shape == (3, DIM)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert embedder.encode([]).shape == (0, DIM)
    q = embedder.encode_query("graph neural networks")
    assert q.shape == (DIM,)
    np.testing.assert_allclose(q, v[0], atol=1e-5)


def test_batching_does_not_change_vectors(embedder, papers):
    texts = [paper_text(p) for p in papers[:10]]
    np.testing.assert_allclose(
        embedder.encode(texts, batch_size=3), embedder.encode(texts, batch_size=64), atol=1e-4
    )


def test_encoded_counts_texts(embedder):
    before = embedder.encoded
    embedder.encode(["one", "two"])
    assert embedder.encoded == before + 2


def test_meaning_beats_words(embedder):
    q, near, far = embedder.encode(
        [
            "photon pair production at hadron colliders",
            "diphoton cross sections at the LHC",
            "production of photographs for a colliding exhibition",
        ]
    )
    assert q @ near > q @ far


PARAPHRASES = {
    "0704.0001": "how often two photons are produced together in proton collisions at the LHC",
    "0704.0016": "how long do baryons containing two charm quarks live",
    "0704.0027": "magnetophonon resonance in a single carbon layer depends on filling factor",
    "0704.0032": "using neutrinos from exploding stars to test exotic neutrino couplings",
}


@pytest.mark.parametrize("paper_id", sorted(PARAPHRASES))
def test_paraphrase_finds_its_paper(embedder, papers, paper_vectors, paper_id):
    scores = paper_vectors @ embedder.encode_query(PARAPHRASES[paper_id])
    top3 = [papers[i].id for i in np.argsort(-scores)[:3]]
    assert paper_id in top3


def test_abstract_sentence_finds_its_paper(embedder, papers, paper_vectors):
    """The first sentence of each abstract, as a query, ranks its paper high."""
    with_abstract = [(i, p) for i, p in enumerate(papers) if len(p.abstract) > 80]
    queries = [p.abstract.split(". ")[0] for _, p in with_abstract]
    scores = embedder.encode(queries) @ paper_vectors.T
    hits = sum(i in np.argsort(-row)[:3] for (i, _), row in zip(with_abstract, scores, strict=True))
    assert hits >= 0.9 * len(with_abstract)


def test_paper_text():
    assert paper_text(paper("A title", "Some words.")) == "A title. Some words."
    assert paper_text(paper("Why?", "Because.")) == "Why? Because."
    assert paper_text(paper("Only a title")) == "Only a title"
    long = paper_text(paper("T", "word " * 5000))
    assert len(long) <= MAX_CHARS and long.endswith("word")


def test_text_hash():
    assert text_hash("a") == text_hash("a") != text_hash("b")
    assert len(text_hash("a")) == 16


def test_loads_without_network(tmp_path):
    """Any attempt to open a socket while loading and encoding fails the run."""
    script = textwrap.dedent(
        """
        import socket
        def refuse(*a, **k):
            raise RuntimeError("network used")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from paperscope.search.embed import Embedder
        print(Embedder().encode(["offline"]).shape)
        """
    )
    env = {"HOME": str(tmp_path), "HF_HOME": str(tmp_path / "hf"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "(1, 384)" in done.stdout
    assert not (tmp_path / "hf").exists()
