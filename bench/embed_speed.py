"""Embedding throughput: the `paperscope embed` pipeline next to the bare model.

    python bench/embed_speed.py [--rounds 2]

Texts are real abstracts from ../shared: the 2,101 SciFact documents (their
first words made the title) and the 200-paper arXiv sample. They are stored
in a fresh SQLite library, then embedded two ways, alternately, in one process:

- **bare model**: ``SentenceTransformer.encode`` on the very texts the
  pipeline embeds (``paper_text`` of each paper), all at once, batch 64;
- **pipeline**: ``Library.embed()`` on an empty vector index: reading the
  change log from SQLite, building and hashing texts, encoding in chunks,
  appending float16 rows with fsync, and moving the watermark.

Both use the same model object and thread count, so the difference is the
pipeline's own overhead. Each round repeats both; the best round counts. Last,
300 four-word queries are embedded one at a time, as search requests do.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from _common import ARXIV_SAMPLE, SHARED, figure
from paperscope.library import Library
from paperscope.models import new_paper
from paperscope.search.embed import paper_text

SCIFACT = SHARED / "data" / "scifact" / "corpus.jsonl"


def scifact_papers():
    with SCIFACT.open(encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            words = doc["text"].split()
            yield new_paper(
                title=" ".join(words[:12]),
                abstract=" ".join(words[12:]),
                source="scifact",
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="paperscope-embed-") as tmp:
        lib = Library(Path(tmp) / "lib.db")
        lib.import_file(ARXIV_SAMPLE)
        with lib.store.transaction():
            lib.store.save_papers(scifact_papers())
        papers = list(lib.papers())
        texts = [paper_text(p) for p in papers]
        print(f"# {len(texts):,} papers, mean text {sum(map(len, texts)) / len(texts):.0f} chars")
        embedder = lib.embedder()
        model = embedder.model()
        import torch  # loaded by the model above

        model.encode(texts[:64], batch_size=64)  # warm up: first calls allocate
        print(f"# model on {model.device}, {embedder.threads} torch threads")
        bare, pipeline = [], []
        for _ in range(args.rounds):
            started = time.perf_counter()
            with torch.inference_mode():  # as the pipeline runs it
                model.encode(texts, batch_size=64, normalize_embeddings=True)
            bare.append(time.perf_counter() - started)
            lib.close()
            shutil.rmtree(lib.index_path / "vectors", ignore_errors=True)
            lib = Library(Path(tmp) / "lib.db")
            lib.set_embedder(embedder)  # the loaded model, not a second copy
            started = time.perf_counter()
            done = lib.embed()
            pipeline.append(time.perf_counter() - started)
            if done != len(papers):
                raise SystemExit(f"the pipeline embedded {done} papers, expected {len(papers)}")
        lib.close()
        # One short query at a time, as a search request embeds it.
        queries = [" ".join(p.title.split()[:4]) for p in papers[:300]]
        one = []
        for q in queries:
            started = time.perf_counter()
            embedder.encode_query(q)
            one.append(time.perf_counter() - started)
    n = len(texts)
    one.sort()
    figure("query embedding p50", one[len(one) // 2] * 1000, "ms")
    figure("query embedding p99", one[int(len(one) * 0.99)] * 1000, "ms")
    figure("bare model", n / min(bare), "papers/s")
    figure("pipeline (paperscope embed)", n / min(pipeline), "papers/s")
    figure("pipeline overhead", (min(pipeline) / min(bare) - 1) * 100, "%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
