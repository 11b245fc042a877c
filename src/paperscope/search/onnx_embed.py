"""all-MiniLM-L6-v2 through ONNX Runtime on the CPU: the same vectors as ``Embedder``, faster.

The ONNX files are made from the installed package's own PyTorch weights (no
hub, no download) the first time they are needed, and cached:

- ``model.onnx``: the transformer exported by ``torch.onnx.export``, then the
  BERT operator fusions of ``onnxruntime.transformers`` (one ``Attention``
  node a layer, ``SkipLayerNormalization``, ``BiasGelu``); float32, its
  vectors match PyTorch's to float rounding;
- ``model-int8.onnx``: that model with its weights quantized to int8 per
  channel by ``quantize_dynamic`` (activations quantized on the fly); about
  a quarter the size and faster, its vectors within about 0.99 cosine.

Tokenising, pooling and normalising are done here as sentence-transformers
does for this model (``modules.json``: Transformer, mean Pooling, Normalize):
word pieces of ``tokenizer.json`` cut to ``max_seq_length`` (256) with
[CLS] and [SEP], each batch padded to its longest text, the mean of the
token vectors under the attention mask, scaled to unit length.

The cache is ``$PAPERSCOPE_MODEL_CACHE`` if set, else
``$XDG_CACHE_HOME/paperscope/models`` (``~/.cache`` by default), with one
folder per key: the model files' hash, the ONNX Runtime version and this
module's export recipe, so an upgrade builds afresh rather than reuse a
stale file. Files are written under temporary names and renamed, and a
``manifest.json`` written last records each file's size and hash: a file
that does not match it (a torn copy, a full disk, a hand edit) is rebuilt,
not loaded. Building holds an ``fcntl`` lock on the folder's ``.lock``, so
two processes starting at once build once.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import secrets
import shutil
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from paperscope.config import model_cache
from paperscope.search.embed import DIM, MODEL_NAME, _default_threads, model_dir, normalize

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

FP32_NAME = "model.onnx"
INT8_NAME = "model-int8.onnx"
MANIFEST_NAME = "manifest.json"
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT_NAME = "last_hidden_state"
# Bumped when the export recipe changes (exporter options, fusion,
# quantization), so caches made by an older recipe are not reused.
RECIPE = 1
OPSET = 17
# The files whose contents decide the exported graph.
_KEY_FILES = ("model.safetensors", "config.json")


def cache_root() -> Path:
    """Where the ONNX folders live: ``$PAPERSCOPE_MODEL_CACHE``, else the XDG cache."""
    return model_cache()


def cache_key(model_path: Path) -> str:
    """A folder name that changes with the model's weights, ONNX Runtime, or the recipe."""
    import onnxruntime

    digest = hashlib.blake2b(digest_size=8)
    digest.update(f"recipe {RECIPE}\n".encode())
    for name in _KEY_FILES:
        digest.update(name.encode() + b"\n")
        digest.update(_file_digest(model_path / name).encode() + b"\n")
    return f"all-MiniLM-L6-v2-ort{onnxruntime.__version__}-{digest.hexdigest()}"


def cache_dir(model_path: Path | None = None) -> Path:
    """The cache folder for the model at ``model_path`` (the package's by default)."""
    path = Path(model_path) if model_path else model_dir()
    return cache_root() / cache_key(path)


def _file_digest(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _bytes_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def max_seq_length(model_path: Path) -> int:
    """The word pieces the model reads, from ``sentence_bert_config.json`` (256 here)."""
    config = json.loads((model_path / "sentence_bert_config.json").read_text(encoding="utf-8"))
    return int(config["max_seq_length"])


# -- building the files ---------------------------------------------------------------


def export_onnx(model_dir: Path, out_dir: Path) -> Path:
    """Build ``model.onnx`` and ``model-int8.onnx`` from the weights in ``model_dir``.

    Both go into ``out_dir`` (made if missing) by rename from a private
    build folder beside them, then ``manifest.json`` is written the same way;
    until it is, the new files do not count as built. Returns ``out_dir``.
    This takes seconds and imports torch; it does not lock:
    ``load_model_bytes`` calls it under the folder's lock.
    """
    model_dir, out_dir = Path(model_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    build = out_dir / f".build-{os.getpid()}-{secrets.token_hex(4)}"
    build.mkdir()
    try:
        raw = build / "raw.onnx"
        _torch_export(model_dir, raw)
        fp32 = build / FP32_NAME
        _fuse(model_dir, raw, fp32)
        int8 = build / INT8_NAME
        _quantize(fp32, int8)
        files = {}
        for path in (fp32, int8):
            _fsync(path)
            files[path.name] = {"size": path.stat().st_size, "blake2b": _file_digest(path)}
        for path in (fp32, int8):
            os.replace(path, out_dir / path.name)
        import onnxruntime
        import torch

        manifest = {
            "model": MODEL_NAME,
            "recipe": RECIPE,
            "onnxruntime": onnxruntime.__version__,
            "torch": torch.__version__,
            "files": files,
        }
        _write_atomic(out_dir / MANIFEST_NAME, json.dumps(manifest, indent=1).encode())
        _fsync_dir(out_dir)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return out_dir


def _torch_export(model_path: Path, out: Path) -> None:
    """The BERT transformer (no pooling) to ONNX, batch and sequence axes dynamic.

    The TorchScript exporter (``dynamo=False``) needs no ``onnxscript``. It
    warns that it is deprecated, that tracing takes one shape check as a
    constant (whether the mask must be padded to the key length, never for
    an encoder) and that indexing is exported as Gathers (wrong only for
    negative indices, which masking does not use): the warnings are logged at
    debug level rather than shown, and the tests compare the vectors with
    PyTorch's over batches of many shapes. Eager attention rather than SDPA
    gives the plain MatMul-Softmax pattern that ONNX Runtime fuses.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import torch
    import transformers

    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    model = transformers.AutoModel.from_pretrained(str(model_path), attn_implementation="eager")
    model.eval()

    class Encoder(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    # Two rows, the second padded, so the trace goes through the masking path.
    ids = torch.tensor([[101, 7592, 2088, 2003, 1012, 102], [101, 7592, 102, 0, 0, 0]])
    mask = (ids != 0).long()
    axes = {name: {0: "batch", 1: "sequence"} for name in (*INPUT_NAMES, OUTPUT_NAME)}
    with warnings.catch_warnings(record=True) as caught, torch.inference_mode():
        warnings.simplefilter("always")
        torch.onnx.export(
            Encoder(model),
            (ids, mask, torch.zeros_like(ids)),
            str(out),
            dynamo=False,
            input_names=list(INPUT_NAMES),
            output_names=[OUTPUT_NAME],
            dynamic_axes=axes,
            opset_version=OPSET,
            do_constant_folding=True,
        )
    for w in caught:
        log.debug("torch.onnx.export: %s: %s", w.category.__name__, w.message)


def _fuse(model_path: Path, raw: Path, out: Path) -> None:
    """ONNX Runtime's BERT fusions, kept only if the fused graph gives the same numbers."""
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((model_path / "config.json").read_text(encoding="utf-8"))
    try:
        fused = optimize_model(
            str(raw),
            model_type="bert",
            num_heads=int(config["num_attention_heads"]),
            hidden_size=int(config["hidden_size"]),
            opt_level=0,
        )
        stats = fused.get_fused_operator_statistics()
        fused.save_model_to_file(str(out))
        diff = _max_difference(raw, out)
    except Exception as e:  # the fusions are an optimisation: the export stands without them
        log.warning("ONNX Runtime's fusions failed (%s); using the export unfused", e)
        shutil.copyfile(raw, out)
        return
    if diff > 1e-4:
        log.warning("fused ONNX graph differs from the export by %.2g; using it unfused", diff)
        shutil.copyfile(raw, out)
    else:
        log.debug("ONNX fusions: %s", {k: v for k, v in stats.items() if v})


def _quantize(fp32: Path, out: Path) -> None:
    """Int8 weights, one scale per output channel.

    One scale per tensor loses too much here (cosine to float32 about 0.93
    on long abstracts): a few outlier weights take most of the int8 range.
    ``reduce_range`` (7-bit weights) avoids the u8s8 saturation of AVX2
    CPUs without VNNI at no cost measurable in the vectors.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _quiet_root_logger("Please consider to run pre-processing"):
        quantize_dynamic(
            str(fp32),
            str(out),
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=True,
            # The fused operators are in Microsoft's domain, which shape
            # inference does not know: their outputs are float.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )


def _max_difference(a: Path, b: Path) -> float:
    """The largest difference of two graphs' outputs on a padded probe batch."""
    ids = np.array([[101, 2023, 2003, 1037, 3231, 1012, 102], [101, 7592, 102, 0, 0, 0, 0]])
    feeds = {
        "input_ids": ids,
        "attention_mask": (ids != 0).astype(np.int64),
        "token_type_ids": np.zeros_like(ids),
    }
    outs = [_session(p.read_bytes(), 1).run(None, feeds)[0] for p in (a, b)]
    return float(np.max(np.abs(outs[0] - outs[1])))


@contextlib.contextmanager
def _quiet_root_logger(prefix: str) -> Iterator[None]:
    """Drop root-logger records starting with ``prefix`` (advice the quantizer logs)."""

    def keep(record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(prefix)

    root = logging.getLogger()
    root.addFilter(keep)
    try:
        yield
    finally:
        root.removeFilter(keep)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem syncs folders
        _fsync(path)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        with tmp.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# -- finding (or building) them -------------------------------------------------------


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _read_checked(folder: Path, name: str) -> bytes | None:
    """The file's bytes if the manifest vouches for them, else None."""
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        entry = manifest["files"][name]
        if manifest.get("recipe") != RECIPE:
            return None
        data = (folder / name).read_bytes()
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if len(data) != entry.get("size") or _bytes_digest(data) != entry.get("blake2b"):
        log.warning("%s does not match its manifest; rebuilding it", folder / name)
        return None
    return data


def load_model_bytes(
    quantized: bool, model_path: Path | None = None, folder: Path | None = None
) -> bytes:
    """The checked bytes of the cached ONNX file, exporting it first if needed.

    The bytes are read and checked under the lock, then handed to ONNX
    Runtime from memory, so what was checked is what runs even if another
    process rebuilds the file meanwhile.
    """
    path = Path(model_path) if model_path else model_dir()
    folder = Path(folder) if folder else cache_dir(path)
    name = INT8_NAME if quantized else FP32_NAME
    with _locked(folder):
        data = _read_checked(folder, name)
        if data is None:
            for stale in folder.glob(".build-*"):  # left by a build that was killed
                shutil.rmtree(stale, ignore_errors=True)
            (folder / MANIFEST_NAME).unlink(missing_ok=True)
            log.info("building the ONNX model in %s (once; takes seconds)", folder)
            export_onnx(path, folder)
            data = _read_checked(folder, name)
            if data is None:
                raise RuntimeError(f"the ONNX export in {folder} does not match its manifest")
    return data


def _session(data: bytes, threads: int) -> onnxruntime.InferenceSession:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only: not the notes on unused initializers
    return onnxruntime.InferenceSession(data, options, providers=["CPUExecutionProvider"])


# -- the embedder ---------------------------------------------------------------------


class OnnxEmbedder:
    """``Embedder``'s interface and vectors, run by ONNX Runtime.

    ``quantized`` picks the int8 model (faster, cosine about 0.99 to the
    float32 vectors) over the float32 one (the same vectors as PyTorch to
    about 1e-6). ``model_name`` is ``Embedder``'s: float32 vectors are
    interchangeable with PyTorch's, and int8 ones close enough to search
    an index of either. ``path`` is the model folder (the package's by
    default); ``cache`` the folder for its ONNX files, instead of the one
    ``cache_dir`` picks by key.
    """

    dim = DIM
    model_name = MODEL_NAME

    def __init__(
        self,
        path: Path | None = None,
        *,
        quantized: bool = False,
        threads: int | None = None,
        cache: Path | None = None,
    ):
        self.path = Path(path) if path else None
        self.quantized = quantized
        self.threads = threads or _default_threads()
        self.cache = Path(cache) if cache else None
        self.encoded = 0
        self._session: onnxruntime.InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._session is not None

    def load(self) -> None:
        """Load the tokenizer and the ONNX session (building the file on first use)."""
        with self._lock:
            if self._session is None:
                self._tokenizer, self._session = self._load()

    def _load(self) -> tuple[Tokenizer, onnxruntime.InferenceSession]:
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from tokenizers import Tokenizer

        path = self.path or model_dir()
        tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        # tokenizer.json says 128 and fixed padding; sentence-transformers
        # cuts at max_seq_length and pads each batch to its longest text.
        tokenizer.enable_truncation(max_length=max_seq_length(path))
        tokenizer.no_padding()
        session = _session(self.model_bytes(), self.threads)
        got = [i.name for i in session.get_inputs()]
        if sorted(got) != sorted(INPUT_NAMES):
            raise ValueError(f"the ONNX model takes {got}, not {list(INPUT_NAMES)}")
        return tokenizer, session

    def model_bytes(self) -> bytes:
        """The ONNX model to run: the cached export (a subclass may run another)."""
        return load_model_bytes(self.quantized, self.path, self.cache)

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Embed ``texts``: a ``(len(texts), dim)`` float32 array of unit rows."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.load()
        assert self._tokenizer is not None and self._session is not None
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
        # Longest first, as sentence-transformers does: each batch is padded
        # only to its own longest text, and the first batch shows the peak.
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = self._run([ids[i] for i in chunk])
        self.encoded += len(texts)
        return normalize(out)

    def _run(self, rows: list[np.ndarray]) -> np.ndarray:
        assert self._session is not None
        width = max(len(r) for r in rows)
        input_ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, r in enumerate(rows):
            input_ids[i, : len(r)] = r
            mask[i, : len(r)] = 1
        feeds: dict[str, Any] = {
            "input_ids": input_ids,
            "attention_mask": mask,
            "token_type_ids": np.zeros_like(input_ids),
        }
        hidden = self._session.run([OUTPUT_NAME], feeds)[0]
        # Mean of the token vectors under the mask (sentence-transformers' Pooling).
        weights = mask.astype(np.float32)
        summed = np.matmul(weights[:, None, :], hidden)[:, 0, :]
        counts = np.maximum(weights.sum(axis=1, keepdims=True), 1e-9)
        return summed / counts

    def encode_query(self, text: str) -> np.ndarray:
        """Embed one query: a ``(dim,)`` float32 unit vector."""
        return self.encode([text])[0]


if __name__ == "__main__":  # `python -m paperscope.search.onnx_embed`: build the cache now
    for quantized in (False, True):
        load_model_bytes(quantized)
    print(f"ONNX models ready in {cache_dir()}")
