"""Embedding backends on the CPU: speed, agreement with PyTorch, and search quality.

    python bench/embed_backends.py [--n 1000] [--threads 2] [--rounds 2] [--paths all]

Paths (``--paths`` takes a comma list of these names):

- ``pytorch``: the current ``Embedder`` (sentence-transformers on PyTorch);
- ``torch-int8``: the same model after ``torch.ao.quantization.quantize_dynamic``
  of its Linear layers (int8 weights, per channel);
- ``onnx-fp32-unfused``: ``torch.onnx.export``'s graph as it comes, run by
  ONNX Runtime (its own graph optimisations on, ``ORT_ENABLE_ALL``);
- ``onnx-fp32``: ``OnnxEmbedder``: that graph after ONNX Runtime's BERT fusions;
- ``onnx-int8``: ``OnnxEmbedder(quantized=True)``: the fused graph, int8 weights per channel;
- ``onnx-int8-b32``, ``onnx-int8-b128``, ``pytorch-b32``, ``pytorch-b128``: other batch sizes (64 otherwise).

Speed: papers/s over the ``paper_text`` of the first ``--n`` SciFact documents (their
first twelve words made the title, as in embed_speed.py), every path once per round,
every other round in reverse order, the best round counting (the CPU may be shared). Cosine: each row
against the PyTorch row of the same text, mean and minimum. Quality: SciFact nDCG@10
(graded) of semantic search with that path alone: all 2,101 abstracts embedded as
bench/quality.py indexes them (no titles), the 77 test claims whose relevant documents
are all in the subset embedded one at a time, and ranked by an exact dot product over
all documents. These are bench/quality.py's documents, queries and nDCG, loaded here
rather than imported so that this script does not move with that one.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from _common import SHARED, figure
from paperscope.models import new_paper
from paperscope.search.embed import Embedder, model_dir, paper_text
from paperscope.search.onnx_embed import OnnxEmbedder, _torch_export

SCIFACT = SHARED / "data" / "scifact"
PATHS = (
    "pytorch",
    "torch-int8",
    "onnx-fp32-unfused",
    "onnx-fp32",
    "onnx-int8",
    "pytorch-b32",
    "pytorch-b128",
    "onnx-int8-b32",
    "onnx-int8-b128",
)


class Encoder(Protocol):
    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...


def speed_texts(n: int) -> list[str]:
    texts = []
    with (SCIFACT / "corpus.jsonl").open(encoding="utf-8") as f:
        for line in f:
            words = json.loads(line)["text"].split()
            paper = new_paper(
                title=" ".join(words[:12]), abstract=" ".join(words[12:]), source="scifact"
            )
            texts.append(paper_text(paper))
            if len(texts) == n:
                break
    return texts


class TorchInt8:
    """The sentence-transformers model with its Linear layers quantized by torch."""

    def __init__(self, threads: int):
        base = Embedder(threads=threads)
        model = base.model()  # loads, sets torch's threads
        import torch

        with warnings.catch_warnings():
            # torch.ao.quantization is deprecated in favour of torchao (not installed).
            warnings.simplefilter("ignore")
            # One scale per output channel, as for onnx-int8: one per tensor
            # gives cosines near 0.92 on these abstracts.
            qconfig = torch.ao.quantization.per_channel_dynamic_qconfig
            self.model = torch.ao.quantization.quantize_dynamic(
                model, {torch.nn.Linear: qconfig}, dtype=torch.qint8
            )

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        import torch

        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            vectors = self.model.encode(
                texts, batch_size=batch_size, convert_to_numpy=True, normalize_embeddings=True
            )
        return np.asarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


class OnnxFile(OnnxEmbedder):
    """``OnnxEmbedder`` running a given ONNX file instead of the cached export."""

    def __init__(self, file: Path, threads: int):
        super().__init__(threads=threads)
        self.file = file

    def model_bytes(self) -> bytes:
        return self.file.read_bytes()


class Batched:
    """An encoder with another default batch size."""

    def __init__(self, inner: Any, batch_size: int):
        self.inner, self.batch_size = inner, batch_size

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        return self.inner.encode(texts, batch_size=self.batch_size)

    def encode_query(self, text: str) -> np.ndarray:
        return self.inner.encode_query(text)


def make_encoders(names: list[str], threads: int, tmp: Path) -> dict[str, Encoder]:
    made: dict[str, Any] = {}

    def get(name: str) -> Any:
        if name in made:
            return made[name]
        if name.endswith(("-b32", "-b128")):
            base, _, size = name.rpartition("-b")
            encoder: Any = Batched(get(base), int(size))
        elif name == "pytorch":
            encoder = Embedder(threads=threads)
        elif name == "torch-int8":
            encoder = TorchInt8(threads)
        elif name == "onnx-fp32-unfused":
            raw = tmp / "unfused.onnx"
            _torch_export(model_dir(), raw)
            encoder = OnnxFile(raw, threads)
        elif name == "onnx-fp32":
            encoder = OnnxEmbedder(threads=threads)
        elif name == "onnx-int8":
            encoder = OnnxEmbedder(quantized=True, threads=threads)
        else:
            raise SystemExit(f"unknown path {name!r}: choose from {', '.join(PATHS)}")
        made[name] = encoder
        return encoder

    return {name: get(name) for name in names}


def timed(fn: Callable[[], np.ndarray]) -> tuple[float, np.ndarray]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def load_scifact() -> tuple[list[str], list[str], dict[str, str], dict[str, dict[str, int]]]:
    """Document ids and texts, the test queries with complete judgments, their judgments."""
    ids, docs = [], []
    with (SCIFACT / "corpus.jsonl").open(encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            ids.append(doc["doc_id"])
            docs.append(doc["text"].strip())  # as a Paper's abstract, indexed without title
    with (SCIFACT / "queries.test.tsv").open(encoding="utf-8") as f:
        queries = {row[0]: row[1] for row in csv.reader(f, delimiter="\t")}
    qrels: dict[str, dict[str, int]] = {}
    with (SCIFACT / "qrels.test.txt").open(encoding="utf-8") as f:
        for line in f:
            qid, _, doc_id, rel = line.split()
            qrels.setdefault(qid, {})[doc_id] = int(rel)
    known = set(ids)
    complete = {q: rel for q, rel in qrels.items() if q in queries and set(rel) <= known}
    return ids, docs, {q: queries[q] for q in complete}, complete


def ndcg(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    gain = sum(relevant.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return gain / best if best else 0.0


def semantic_ndcg(encoder: Encoder, ids, texts, queries, qrels) -> float:
    docs = encoder.encode(texts, batch_size=64)
    total = 0.0
    for q, text in queries.items():
        scores = docs @ encoder.encode_query(text)
        top = np.argsort(-scores, kind="stable")[:10]
        total += ndcg([ids[i] for i in top], qrels[q])
    return total / len(queries)


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="papers to time (SciFact, in order)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--paths", default="all", help=f"comma list of: {', '.join(PATHS)}")
    parser.add_argument("--no-quality", action="store_true", help="skip SciFact nDCG@10")
    args = parser.parse_args()
    names = list(PATHS) if args.paths == "all" else args.paths.split(",")
    if "pytorch" not in names:
        names.insert(0, "pytorch")  # the reference for cosines and nDCG
    print(f"# load average at start: {load_average()} ({os.cpu_count()} CPUs)", flush=True)
    texts = speed_texts(args.n)
    print(
        f"# {len(texts):,} SciFact papers, mean text {sum(map(len, texts)) / len(texts):.0f} chars;"
        f" {args.threads} threads, best of {args.rounds} rounds",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="paperscope-backends-") as tmp:
        started = time.perf_counter()
        encoders = make_encoders(names, args.threads, Path(tmp))
        for encoder in encoders.values():
            encoder.encode(texts[:64])  # load, build the ONNX cache if new, first-call costs
        print(f"# loaded (and built) in {time.perf_counter() - started:.0f} s", flush=True)

        best: dict[str, float] = {}
        vectors: dict[str, np.ndarray] = {}
        for round_ in range(args.rounds):
            # Every other round backwards, so that no path always runs just
            # after the same one or at the same point of a shared machine's load.
            order = list(encoders.items())
            for name, encoder in order if round_ % 2 == 0 else order[::-1]:
                seconds, out = timed(lambda e=encoder: e.encode(texts))
                best[name] = min(best.get(name, float("inf")), seconds)
                vectors.setdefault(name, out)
                print(
                    f"# round {round_ + 1} {name}: {len(texts) / seconds:.1f} papers/s"
                    f" (load {load_average()})",
                    flush=True,
                )
        reference = vectors["pytorch"]
        rows = {}
        for name in encoders:
            cos = np.sum(vectors[name] * reference, axis=1)
            rows[name] = {
                "papers/s": len(texts) / best[name],
                "cos mean": float(cos.mean()),
                "cos min": float(cos.min()),
            }
            figure(f"{name} speed", rows[name]["papers/s"], "papers/s")
            figure(f"{name} cosine to pytorch (mean)", rows[name]["cos mean"])
            figure(f"{name} cosine to pytorch (min)", rows[name]["cos min"])

        if not args.no_quality:
            ids, docs, queries, qrels = load_scifact()
            print(f"# SciFact: {len(ids):,} documents, {len(queries)} queries", flush=True)
            for name, encoder in encoders.items():
                if name.endswith(("-b32", "-b128")):
                    continue  # the batch size does not change what is ranked
                rows[name]["nDCG@10"] = semantic_ndcg(encoder, ids, docs, queries, qrels)
                figure(f"{name} SciFact nDCG@10", rows[name]["nDCG@10"])

    base = rows["pytorch"]
    print("\n| path | papers/s | × pytorch | cosine mean | cosine min | nDCG@10 | Δ nDCG |")
    print("|---|---|---|---|---|---|---|")
    for name, row in rows.items():
        quality = row.get("nDCG@10")
        q = f"{quality:.4f}" if quality is not None else "—"
        dq = f"{quality - base['nDCG@10']:+.4f}" if quality is not None else "—"
        print(
            f"| {name} | {row['papers/s']:.1f} | {row['papers/s'] / base['papers/s']:.2f} |"
            f" {row['cos mean']:.5f} | {row['cos min']:.4f} | {q} | {dq} |"
        )
    print(f"\n# load average at end: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
