"""A persistent store of unit vectors with cosine nearest-neighbour search.

Layout of the directory (``base`` changes only when the files are compacted)::

    manifest.json                  what is committed: rows, sizes, mask name
    vectors-<base>.f16             float16 rows, append-only, memory-mapped
    ids-<base>.txt                 one paper id a line, append-only
    hashes-<base>.bin              16 bytes a row: the hash of the embedded text
    deleted-<base>-<commit>.bin    bit per row: superseded or removed rows
    ann-<base>-<rows>.usearch      HNSW graph over rows [0, rows), rebuildable

Crash safety: data files are only appended to, then fsync'ed, then a new
mask file and ``manifest.json`` are written to temporary names and renamed.
The manifest rename is the one commit point; on open, bytes past what it
records are ignored (and cut off before the next append), so a crash at any
moment leaves the index as of the last whole commit. An upsert of a known id
appends a new row and marks the old one deleted; :meth:`VectorIndex.compact`
rewrites the files without dead rows once they outnumber live ones.

Search is exact (numpy over float16 rows converted to float32 a chunk at a
time) below ``exact_max`` vectors and approximate above it (usearch HNSW over
int8-quantised vectors, whose candidates are then re-scored exactly, so both
paths return the same scores). The ANN graph is keyed by row number, updated
in place while loaded, caught up from the new rows when opened, and saved
beside the vectors; it is only a cache of them.

One writer at a time: this class takes no lock between processes. Within a
process its methods take turns (a lock), so web threads can share one; a
long-running reader sees another process's commits by calling :meth:`refresh`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import numpy as np

from paperscope.search import MARK_FILE
from paperscope.search.embed import normalize
from paperscope.search.indexes import MarkFile

if TYPE_CHECKING:
    from usearch.index import Index

# Below this many vectors exact search is used. At 20,000 x 384 a query reads
# 15 MB of float16 and takes a few milliseconds on one core (bench/README), as
# fast as HNSW and always exact, and there is no graph to build or store.
# Above it brute force grows linearly (about 0.3 s a query at 1M) while HNSW
# stays near a millisecond.
EXACT_MAX = 20_000
CHUNK = 32_768  # rows converted to float32 at a time: 48 MB at 384 dims
HASH_BYTES = 16
FORMAT = 1
MANIFEST = "manifest.json"
# Compact when dead rows are at least this share of all rows (and this many).
COMPACT_SHARE = 0.5
COMPACT_MIN = 1_000
# The ANN graph is saved once this many rows were added since it was read.
ANN_SAVE_EVERY = 5_000
ANN_CONNECTIVITY = 16
ANN_EXPANSION_ADD = 128
# Search breadth: at 1M clustered vectors (bench/README.md) 96 reached
# recall@10 0.91, 200 reached 0.97 and 400 0.99, at 0.6, 0.7 and 1.1 ms.
ANN_EXPANSION_SEARCH = 256
_ANN_FILE = re.compile(r"ann-(\d+)-(\d+)\.usearch")
_OWN_FILE = re.compile(
    r"(vectors-\d+\.f16|ids-\d+\.txt|hashes-\d+\.bin|deleted-\d+-\d+\.bin"
    r"|ann-\d+-\d+\.usearch|manifest\.json)(\.tmp)?"
)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _locked(
    method: Callable[Concatenate[VectorIndex, _P], _R],
) -> Callable[Concatenate[VectorIndex, _P], _R]:
    """Run the method holding the index's lock, so threads take turns."""

    @functools.wraps(method)
    def run(self: VectorIndex, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._lock:
            return method(self, *args, **kwargs)

    return run


class VectorIndexError(RuntimeError):
    """The directory does not hold a vector index this version can read."""


class VectorIndex:
    """Unit vectors by paper id, each with the hash of the text it embeds."""

    # The committed state, as _load reads it.
    _manifest: dict[str, Any]
    _manifest_key: tuple[int, int, int]
    _rows: int  # rows in the files, dead ones included
    _ids: list[str]  # by row
    _hashes: np.ndarray  # by row, S16
    _vectors: np.ndarray  # by row, float16 (a memory map while there are rows)
    _dead: np.ndarray  # by row, bool
    _row: dict[str, int]  # the live row of each id
    _f32: np.ndarray | None  # see _dense

    def __init__(self, path: Path | str, dim: int = 384, *, exact_max: int = EXACT_MAX):
        self.path = Path(path)
        self.dim = dim
        self.exact_max = exact_max
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._fd: int | None = None  # the vector file, for _read_rows
        self._ann: Index | None = None
        self._ann_rows = 0  # rows [0, _ann_rows) have been offered to the graph
        self._ann_unsaved = 0
        if not (self.path / MANIFEST).exists():
            self._write_manifest(self._empty_manifest(0))
        self._load()

    # -- reading ------------------------------------------------------

    def count(self) -> int:
        """Live vectors (one per id)."""
        return len(self._row)

    def __len__(self) -> int:
        return self.count()

    @property
    def empty(self) -> bool:
        return not self._row

    def version(self) -> tuple[int, int]:
        """Moves with every commit (compaction included): for caches of results."""
        return self._manifest["base"], self._manifest["commit"]

    def has(self, paper_id: str) -> bool:
        return paper_id in self._row

    def hash_of(self, paper_id: str) -> str | None:
        row = self._row.get(paper_id)
        return None if row is None else self._hashes[row].decode("ascii")

    @_locked
    def vector_of(self, paper_id: str) -> np.ndarray | None:
        """The stored unit vector (float32) of ``paper_id``, or None."""
        row = self._row.get(paper_id)
        return None if row is None else np.asarray(self._vectors[row], dtype=np.float32)

    def ids(self) -> list[str]:
        return list(self._row)

    def hashes(self, ids: Iterable[str]) -> dict[str, str]:
        """``{id: text hash}`` for those of ``ids`` that have a vector."""
        return {pid: h for pid in ids if (h := self.hash_of(pid)) is not None}

    def vectors(self, ids: Iterable[str]) -> dict[str, np.ndarray]:
        """``{id: unit vector}`` for those of ``ids`` that have one."""
        return {pid: v for pid in ids if (v := self.vector_of(pid)) is not None}

    # The embedding job's watermark (paperscope.search.semantic), kept beside the data.

    def read_mark(self) -> dict:
        """``{"seq": last change embedded, "model": model name}``, or {} when there is none."""
        return MarkFile(self.path / MARK_FILE).read()

    def write_mark(self, seq: int, model: str) -> None:
        MarkFile(self.path / MARK_FILE).write(seq, model=model)

    @_locked
    def search(
        self, query_vec: np.ndarray, k: int = 10, exclude: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` nearest ids by cosine similarity, best first, with their scores."""
        if k <= 0 or not self._row:
            return []
        query = normalize(np.asarray(query_vec, dtype=np.float32).reshape(self.dim))
        skip = np.array(
            sorted(self._row[i] for i in exclude or () if i in self._row), dtype=np.int64
        )
        if self.count() >= self.exact_max:
            rows, scores = self._search_ann(query, k, skip)
        else:
            rows, scores = self._search_exact(query, k, skip)
        return [(self._ids[r], float(s)) for r, s in zip(rows, scores, strict=True)]

    def _search_exact(
        self, query: np.ndarray, k: int, skip: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        best_rows = np.zeros(0, dtype=np.int64)
        best_scores = np.zeros(0, dtype=np.float32)
        dense = self._dense()
        for start in range(0, self._rows, CHUNK):
            end = min(start + CHUNK, self._rows)
            block = dense[start:end] if dense is not None else self._vectors[start:end]
            scores = np.asarray(block, dtype=np.float32) @ query
            scores[self._dead[start:end]] = -np.inf
            local = skip[(skip >= start) & (skip < end)] - start
            scores[local] = -np.inf
            take = min(k, len(scores))
            top = np.argpartition(-scores, take - 1)[:take]
            best_rows = np.concatenate([best_rows, top + start])
            best_scores = np.concatenate([best_scores, scores[top]])
            if len(best_rows) > k:
                keep = np.argpartition(-best_scores, k - 1)[:k]
                best_rows, best_scores = best_rows[keep], best_scores[keep]
        return _ranked(best_rows, best_scores, k)

    def _dense(self) -> np.ndarray | None:
        """A float32 copy of the rows while they are few (at most 2 x exact_max,
        15 MB per 10,000 rows at 384 dims): converting float16 costs more than
        the dot products, so exact search reuses the copy across queries."""
        if self._rows > 2 * self.exact_max:
            self._f32 = None
            return None
        have = 0 if self._f32 is None else len(self._f32)
        if have < self._rows:
            fresh = np.asarray(self._vectors[have : self._rows], dtype=np.float32)
            self._f32 = fresh if self._f32 is None else np.concatenate([self._f32, fresh])
        return self._f32

    def _search_ann(
        self, query: np.ndarray, k: int, skip: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        ann = self._ensure_ann()
        # Ask for more than k: excluded ids and rows deleted since are dropped,
        # and the exact re-scoring below reorders the int8 graph's guesses.
        want = min(len(ann), 2 * k + len(skip) + 10)
        matches = ann.search(query, want)
        rows = np.asarray(matches.keys, dtype=np.int64)
        rows = rows[(rows < self._rows)]
        rows = rows[~self._dead[rows]]
        rows = np.setdiff1d(rows, skip)  # also sorts, which suits the memmap
        if not len(rows):
            return rows, np.zeros(0, dtype=np.float32)
        scores = self._read_rows(rows) @ query
        return _ranked(rows, scores, k)

    def _read_rows(self, rows: np.ndarray) -> np.ndarray:
        """Rows (sorted numbers) as float32, read with pread rather than through
        the memory map. A query re-scores a few hundred scattered rows; through
        the map each one faults in a page plus read-ahead, and over thousands
        of queries the whole file ends up counted in this process's resident
        memory (768 MB at 1M vectors). Read this way the pages stay in the
        OS file cache only, and 200 rows cost about 0.3 ms."""
        size = self.dim * 2
        if self._fd is None:
            self._fd = os.open(self.path / _names(self._manifest["base"])["vectors"], os.O_RDONLY)
        blob = b"".join(os.pread(self._fd, size, r * size) for r in rows.tolist())
        return np.frombuffer(blob, dtype=np.float16).reshape(-1, self.dim).astype(np.float32)

    def _close_fd(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    # -- writing ------------------------------------------------------

    @_locked
    def upsert(self, ids: Sequence[str], vectors: np.ndarray, hashes: Sequence[str]) -> None:
        """Store (or replace) the vectors of ``ids``; the last of repeated ids wins."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        if not len(ids) == len(vectors) == len(hashes):
            raise ValueError(f"{len(ids)} ids, {len(vectors)} vectors and {len(hashes)} hashes")
        last: dict[str, int] = {}
        for i, (paper_id, text_hash) in enumerate(zip(ids, hashes, strict=True)):
            _check_id(paper_id)
            if len(text_hash.encode("ascii")) > HASH_BYTES:
                raise ValueError(f"hash {text_hash!r} is longer than {HASH_BYTES} characters")
            last[paper_id] = i
        if not last:
            return
        order = sorted(last.values())
        new_ids = [ids[i] for i in order]
        new_hashes = np.array([hashes[i].encode("ascii") for i in order], dtype=f"S{HASH_BYTES}")
        new_vectors = normalize(vectors[order]).astype(np.float16)
        with self._rollback_on_error():
            start = self._rows
            killed = [self._row[i] for i in new_ids if i in self._row]
            self._append(new_ids, new_vectors, new_hashes)
            self._dead = np.concatenate([self._dead, np.zeros(len(new_ids), dtype=bool)])
            self._dead[killed] = True
            self._ids.extend(new_ids)
            self._hashes = np.concatenate([self._hashes, new_hashes])
            for offset, paper_id in enumerate(new_ids):
                self._row[paper_id] = start + offset
            self._commit()
        self._forget_in_ann(killed)
        self._maybe_compact()

    @_locked
    def remove(self, ids: Iterable[str]) -> int:
        """Forget the vectors of ``ids`` (unknown ids are ignored); returns how many."""
        rows = [self._row[i] for i in set(ids) if i in self._row]
        if not rows:
            return 0
        with self._rollback_on_error():
            for row in rows:
                del self._row[self._ids[row]]
            self._dead[rows] = True
            self._commit()
        self._forget_in_ann(rows)
        self._maybe_compact()
        return len(rows)

    @_locked
    def clear(self) -> None:
        """Forget every vector (e.g. when the embedding model changes)."""
        self._ann = None
        self._write_manifest(self._empty_manifest(self._manifest["base"] + 1))
        self._load()

    @_locked
    def compact(self) -> None:
        """Rewrite the files with live rows only; the ANN graph is rebuilt on next use."""
        live = np.array(sorted(self._row.values()), dtype=np.int64)
        base = self._manifest["base"] + 1
        names = _names(base)
        with open(self.path / names["vectors"], "wb") as out:
            for start in range(0, len(live), CHUNK):
                out.write(
                    np.ascontiguousarray(self._vectors[live[start : start + CHUNK]]).tobytes()
                )
            _sync(out)
        ids_blob = "".join(self._ids[r] + "\n" for r in live).encode("utf-8")
        with open(self.path / names["ids"], "wb") as out:
            out.write(ids_blob)
            _sync(out)
        with open(self.path / names["hashes"], "wb") as out:
            out.write(self._hashes[live].tobytes())
            _sync(out)
        manifest = self._empty_manifest(base)
        manifest.update(rows=len(live), ids_bytes=len(ids_blob))
        self._ann = None
        self._write_manifest(manifest)
        self._load()

    @_locked
    def prepare(self, progress: Callable[[int, int], None] | None = None) -> bool:
        """Bring the ANN graph up to date with every row and save it, when this
        index is large enough to search with one; returns whether it is.

        Batch jobs (``paperscope embed``) call this so that the first search
        after them does not pay for the graph: adding a million vectors takes
        minutes. ``progress(done, total)`` counts rows added, chunk by chunk.
        """
        if self.count() < self.exact_max:
            return False
        self._ensure_ann(progress)
        self.save()
        return True

    @_locked
    def save(self) -> None:
        """Save the ANN graph if it holds rows its saved copy lacks (done on close)."""
        if self._ann is not None and self._ann_unsaved:
            self._save_ann()

    @_locked
    def close(self) -> None:
        self.save()
        self._ann = None
        self._close_fd()
        self._vectors = np.zeros((0, self.dim), dtype=np.float16)

    def __enter__(self) -> VectorIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @_locked
    def refresh(self) -> bool:
        """Re-read the index if another process committed to it since it was
        read or last written here; returns whether it did. Costs one stat."""
        try:
            key = _file_key(self.path / MANIFEST)
        except OSError:
            return False
        if key == self._manifest_key:
            return False
        base, rows = self._manifest["base"], self._rows
        self._load(tidy=False)
        if self._manifest["base"] != base or self._rows < rows:
            self._ann = None  # compacted or cleared there: the graph's row numbers are stale
            self._ann_rows = self._ann_unsaved = 0
        return True

    # -- files --------------------------------------------------------

    def _empty_manifest(self, base: int) -> dict:
        return {
            "format": FORMAT, "dim": self.dim, "base": base, "commit": 0,
            "rows": 0, "ids_bytes": 0, "mask": None,
        }  # fmt: skip

    def _load(self, tidy: bool = True) -> None:
        """Read the committed state, ignoring anything a crash left past it.

        ``tidy`` also deletes files no commit refers to; a reader catching up
        with another process must not, as they may be that writer's work."""
        try:
            manifest = json.loads((self.path / MANIFEST).read_text())
        except (OSError, ValueError) as exc:
            raise VectorIndexError(f"{self.path}: unreadable {MANIFEST} ({exc})") from None
        if manifest.get("format") != FORMAT:
            raise VectorIndexError(f"{self.path}: format {manifest.get('format')}, not {FORMAT}")
        if manifest["dim"] != self.dim:
            raise VectorIndexError(f"{self.path} holds {manifest['dim']}-d vectors, not {self.dim}")
        self._manifest = manifest
        self._manifest_key = _file_key(self.path / MANIFEST)
        self._close_fd()  # the vector file may be another one now
        rows = self._rows = manifest["rows"]
        names = _names(manifest["base"])
        try:
            if rows:
                with open(self.path / names["ids"], "rb") as f:
                    blob = f.read(manifest["ids_bytes"])
                self._ids = blob.decode("utf-8").split("\n")[:-1]
                self._hashes = np.fromfile(
                    self.path / names["hashes"], dtype=f"S{HASH_BYTES}", count=rows
                )
                self._vectors = np.memmap(
                    self.path / names["vectors"], dtype=np.float16, mode="r", shape=(rows, self.dim)
                )
            else:
                self._ids = []
                self._hashes = np.zeros(0, dtype=f"S{HASH_BYTES}")
                self._vectors = np.zeros((0, self.dim), dtype=np.float16)
            if manifest["mask"]:
                bits = np.fromfile(self.path / manifest["mask"], dtype=np.uint8)
                self._dead = np.unpackbits(bits, count=rows).astype(bool)
            else:
                self._dead = np.zeros(rows, dtype=bool)
        except (OSError, ValueError) as exc:
            raise VectorIndexError(f"{self.path}: damaged vector files ({exc})") from None
        if len(self._ids) != rows or len(self._hashes) != rows or len(self._dead) != rows:
            raise VectorIndexError(f"{self.path}: files shorter than {MANIFEST} records")
        self._row = {self._ids[r]: r for r in np.flatnonzero(~self._dead).tolist()}
        self._f32 = None
        if self._ann is None:
            self._ann_rows = self._ann_unsaved = 0
        if tidy:
            self._remove_strays()

    def _append(self, ids: list[str], vectors: np.ndarray, hashes: np.ndarray) -> None:
        names = _names(self._manifest["base"])
        ids_blob = "".join(i + "\n" for i in ids).encode("utf-8")
        parts = (
            (names["vectors"], self._rows * self.dim * 2, vectors.tobytes()),
            (names["ids"], self._manifest["ids_bytes"], ids_blob),
            (names["hashes"], self._rows * HASH_BYTES, hashes.tobytes()),
        )
        for name, committed, data in parts:
            with open(self.path / name, "ab") as f:
                f.truncate(committed)  # drop what a crashed append left behind
                f.write(data)
                _sync(f)
        self._rows += len(ids)
        self._manifest["ids_bytes"] += len(ids_blob)

    def _commit(self) -> None:
        manifest = dict(self._manifest, rows=self._rows, commit=self._manifest["commit"] + 1)
        if self._dead.any():
            mask = f"deleted-{manifest['base']}-{manifest['commit']}.bin"
            tmp = self.path / (mask + ".tmp")
            with open(tmp, "wb") as f:
                f.write(np.packbits(self._dead).tobytes())
                _sync(f)
            os.replace(tmp, self.path / mask)
            manifest["mask"] = mask
        else:
            manifest["mask"] = None
        old_mask = self._manifest.get("mask")
        self._write_manifest(manifest)
        self._manifest = manifest
        self._manifest_key = _file_key(self.path / MANIFEST)
        if old_mask and old_mask != manifest["mask"]:
            with contextlib.suppress(OSError):
                (self.path / old_mask).unlink()
        if self._rows and len(self._vectors) != self._rows:
            self._remap()

    def _write_manifest(self, manifest: dict) -> None:
        tmp = self.path / (MANIFEST + ".tmp")
        with open(tmp, "w") as f:
            json.dump(manifest, f)
            _sync(f)
        os.replace(tmp, self.path / MANIFEST)
        _sync_dir(self.path)

    def _remove_strays(self) -> None:
        """Delete files no commit refers to: leftovers of a crash or of old bases."""
        base = self._manifest["base"]
        keep = {MANIFEST, *_names(base).values(), self._manifest["mask"]}
        for entry in self.path.iterdir():
            if not _OWN_FILE.fullmatch(entry.name) or entry.name in keep:
                continue  # other files (a caller's watermark) are not ours to delete
            m = _ANN_FILE.fullmatch(entry.name)
            if m and int(m[1]) == base and int(m[2]) <= self._rows:
                continue
            with contextlib.suppress(OSError):
                entry.unlink()

    @contextlib.contextmanager
    def _rollback_on_error(self) -> Iterator[None]:
        try:
            yield
        except BaseException:
            self._ann = None  # it may hold rows that were never committed
            self._load()
            raise

    def _maybe_compact(self) -> None:
        dead = self._rows - len(self._row)
        if dead >= COMPACT_MIN and dead >= COMPACT_SHARE * self._rows:
            self.compact()

    # -- the ANN graph ------------------------------------------------

    def _ensure_ann(self, progress: Callable[[int, int], None] | None = None) -> Index:
        """The HNSW graph over every live row, read from disk and caught up."""
        Index = _usearch_index()  # noqa: N806 (a class)

        ann = self._ann
        if ann is None:
            found = self._saved_ann()
            # restore() gives None for a file it cannot read: the graph is
            # only a cache of the rows, so it is built afresh then.
            saved = Index.restore(str(found[1])) if found else None
            if found and saved is not None:
                ann = self._ann = saved
                # Saved by an older build? (usearch's setter is not next to its
                # getter, which mypy takes for a read-only property; it is not.)
                ann.expansion_search = ANN_EXPANSION_SEARCH  # type: ignore[misc]
                self._ann_rows = found[0]
                dead = np.flatnonzero(self._dead[: self._ann_rows])
                if len(dead):
                    ann.remove(dead.astype(np.uint64))
            else:
                ann = self._ann = Index(
                    ndim=self.dim, metric="cos", dtype="i8",
                    connectivity=ANN_CONNECTIVITY, expansion_add=ANN_EXPANSION_ADD,
                    expansion_search=ANN_EXPANSION_SEARCH,
                )  # fmt: skip
                self._ann_rows = 0
            self._ann_unsaved = 0
        if self._ann_rows < self._rows:
            fresh = np.arange(self._ann_rows, self._rows)
            fresh = fresh[~self._dead[fresh]]
            for start in range(0, len(fresh), CHUNK):
                rows = fresh[start : start + CHUNK]
                vectors = np.asarray(self._vectors[rows], dtype=np.float32)
                ann.add(rows.astype(np.uint64), vectors)
                if progress:
                    progress(start + len(rows), len(fresh))
            self._ann_rows = self._rows
            self._ann_unsaved += len(fresh)
            if len(fresh) > CHUNK:
                self._remap()
            if self._ann_unsaved >= ANN_SAVE_EVERY:
                self._save_ann()
        return ann

    def _remap(self) -> None:
        """Map the vector file afresh. Building the graph reads every row through
        the map; the pages it touched stop counting as this process's memory
        once that map is gone (they stay in the OS file cache)."""
        if self._rows:
            self._vectors = np.memmap(
                self.path / _names(self._manifest["base"])["vectors"],
                dtype=np.float16, mode="r", shape=(self._rows, self.dim),
            )  # fmt: skip

    def _forget_in_ann(self, rows: list[int]) -> None:
        if self._ann is not None:
            gone = [r for r in rows if r < self._ann_rows]
            if gone:
                self._ann.remove(np.array(gone, dtype=np.uint64))
                self._ann_unsaved += len(gone)

    def _saved_ann(self) -> tuple[int, Path] | None:
        best = None
        for entry in self.path.glob("ann-*.usearch"):
            m = _ANN_FILE.fullmatch(entry.name)
            if not m or int(m[1]) != self._manifest["base"] or int(m[2]) > self._rows:
                continue
            if best is None or int(m[2]) > best[0]:
                best = (int(m[2]), entry)
        return best

    def _save_ann(self) -> None:
        if self._ann is None:
            return  # no graph in memory: nothing to save
        name = f"ann-{self._manifest['base']}-{self._ann_rows}.usearch"
        tmp = self.path / (name + ".tmp")
        self._ann.save(str(tmp))
        with open(tmp, "rb+") as f:
            _sync(f)
        os.replace(tmp, self.path / name)
        _sync_dir(self.path)
        for entry in self.path.glob("ann-*.usearch"):
            if entry.name != name:
                with contextlib.suppress(OSError):
                    entry.unlink()
        self._ann_unsaved = 0


def _usearch_index() -> type[Index]:
    """usearch's ``Index``, loaded after ONNX Runtime: importing ONNX Runtime's
    extension once usearch's is loaded crashes the process (SIGSEGV; usearch
    2.26.6 and onnxruntime 1.31.1, either import alone is fine), while the
    other order works. The query embedder may load it at any later moment."""
    with contextlib.suppress(ImportError):
        import onnxruntime  # noqa: F401
    from usearch.index import Index

    return Index


def _file_key(path: Path) -> tuple[int, int, int]:
    """What changes when a file is replaced: a rename gives a new inode."""
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _names(base: int) -> dict[str, str]:
    return {
        "vectors": f"vectors-{base}.f16",
        "ids": f"ids-{base}.txt",
        "hashes": f"hashes-{base}.bin",
    }


def _ranked(rows: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    keep = np.isfinite(scores)
    rows, scores = rows[keep], scores[keep]
    order = np.lexsort((rows, -scores))[:k]  # ties: the older row first, so results are stable
    return rows[order], scores[order]


def _check_id(paper_id: str) -> None:
    if not paper_id or "\n" in paper_id or "\r" in paper_id:
        raise ValueError(f"{paper_id!r} cannot be stored as a vector id")


def _sync(f: IO[Any]) -> None:
    f.flush()
    os.fsync(f.fileno())


def _sync_dir(path: Path) -> None:
    """Make a rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
