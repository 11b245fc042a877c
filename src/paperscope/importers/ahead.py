"""Parsing a large file in a second process, ahead of the one that stores it.

An import's main thread parses each record (JSON, dates, names: about 36 µs
an arXiv snapshot line) and stores it (about as long again), while tantivy's
own threads index what was stored. Parsing is pure Python, so another thread
cannot overlap it with the storing (the GIL); another process can.
:class:`ParseAhead` runs the format's own ``parse`` in a child process that
reads the file itself and sends the :class:`Item` records back, pickled a
chunk at a time, in file order; the importing process only unpickles them
(about 10 µs a record). Measured on two cores, 1M arXiv lines imported in
92.5 to 94.3 s this way against 97.8 to 102.0 s parsed in process
(bench/README.md).

The child runs at most AHEAD_CHUNKS chunks ahead (a full queue stops its
parsing), so memory stays flat whatever the file's size. What the parser
raises (a broken file's :class:`FormatError`, a damaged gzip stream's
error) is raised again in the importing process after the records before
it, so an import reports it as an in-process parse would. A child that dies
(killed, out of memory) ends the records with :class:`ParserStopped`.
"""

from __future__ import annotations

import gc
import os
import pickle
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection

from paperscope import importers
from paperscope.importers.base import Item, open_input

# Worth a process from here: starting one (a fresh interpreter importing the
# parsers) costs about 0.2 s, the parsing of 32 MiB of arXiv JSON about 0.7 s.
MIN_BYTES = 32 << 20
# Records a message: 1,000 (arXiv records pickle to 1.5 MB), or fewer once
# their titles and abstracts reach CHUNK_CHARS (a file of 100,000-character
# abstracts would make a 100 MB message of 1,000).
CHUNK = 1_000
CHUNK_CHARS = 2_000_000
# Chunks the child may have parsed before the importer takes them: more than
# an import's batch (10,000 records in a bulk load), at most about 40 MB.
AHEAD_CHUNKS = 16
# How long a child that was told to stop may take before it is killed.
STOP_SECONDS = 5.0


class ParserStopped(OSError):
    """The parsing process ended before the file did (it was killed, or ran
    out of memory); the records before it stand."""


def worthwhile(size: int) -> bool:
    """Whether a file of ``size`` bytes is parsed faster in a second process:
    big enough, and a second core to run it."""
    return size >= MIN_BYTES and (os.cpu_count() or 1) >= 2 and bool(sys.executable)


class ParseAhead:
    """The records of ``path`` in format ``name``, parsed in a child process.

    Iterate once; :attr:`position` is how far into the file on disk the
    child has read (for progress bars), as of the records received so far.
    :meth:`close` (or leaving a ``with`` block) stops the child.

    The child is ``python -m paperscope.importers.ahead`` (not
    :mod:`multiprocessing`, whose spawned children import the caller's main
    module again), in a session of its own so that Ctrl-C at the terminal
    reaches the importer only, sending on a pipe of its own so that nothing
    it prints can garble the records; what it writes to stderr is kept for
    the message should it stop.
    """

    def __init__(self, path: str, name: str):
        importers.get(name)  # an unknown format fails here, not in the child
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        read, write = os.pipe()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__, path, name, str(write)],
                stdin=subprocess.DEVNULL,
                stderr=self._stderr,
                pass_fds=(write,),
                start_new_session=True,
            )
        except BaseException:
            os.close(read)
            self._stderr.close()
            raise
        finally:
            os.close(write)  # the child holds the only writing end: its exit ends the pipe
        self._receive = Connection(read, writable=False)
        self.position = 0

    def __iter__(self) -> Iterator[Item]:
        while True:
            try:
                blob = self._receive.recv_bytes()
            except (EOFError, OSError):
                raise ParserStopped(self._why_stopped()) from None
            items, self.position, failure = _loads(blob)
            yield from items
            if failure is not None:
                raise failure
            if not items:  # the last message is an empty chunk
                return

    def _why_stopped(self) -> str:
        try:
            code = self._process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            code = None
        end = self._stderr.seek(0, os.SEEK_END)
        self._stderr.seek(max(0, end - 4096))  # its last words are enough
        said = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        return (
            f"the process parsing the file stopped before the end of the file (exit code {code})"
            + (f": {said[-1]}" if said else "")
        )

    def close(self) -> None:
        self._receive.close()  # a child blocked sending gets a broken pipe and exits
        try:
            self._process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._stderr.close()

    def __enter__(self) -> ParseAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _loads(blob: bytes) -> tuple[list[Item], int, BaseException | None]:
    """Unpickle one chunk with the cyclic garbage collector paused: a chunk is
    thousands of new containers, and the collections their allocation would
    start (none of which finds garbage) cost four times the unpickling."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(blob)
    finally:
        if paused:
            gc.enable()


def _parse_into(path: str, name: str, send: Connection) -> None:
    """The child: parse ``path`` and send ``(items, position, failure)``
    chunks, then an empty chunk; a failure ends the chunks where it happened.

    A thread sends while the parsing goes on, up to AHEAD_CHUNKS ahead: the
    importer takes records a batch at a time and then stores the batch, and
    without the queue the parsing would wait for it (a pipe holds 64 KiB)."""
    outbox: queue.Queue[bytes | None] = queue.Queue(maxsize=AHEAD_CHUNKS)
    sender = threading.Thread(target=_send_all, args=(outbox, send), daemon=True)
    sender.start()
    chunk: list[Item] = []
    chars = position = 0
    try:
        stream, counter, _ = open_input(path)
        with stream:
            for item in importers.get(name).parse(stream):
                chunk.append(item)
                if item.paper is not None:
                    chars += len(item.paper.title) + len(item.paper.abstract)
                if len(chunk) >= CHUNK or chars >= CHUNK_CHARS:
                    position = counter.count
                    outbox.put(pickle.dumps((chunk, position, None), protocol=5))
                    chunk, chars = [], 0
            position = counter.count
    except Exception as exc:  # handed to the importing process, as it was raised
        outbox.put(_failure(chunk, position, exc))
    else:
        if chunk:
            outbox.put(pickle.dumps((chunk, position, None), protocol=5))
        outbox.put(pickle.dumps(([], position, None), protocol=5))
    outbox.put(None)
    sender.join()


def _send_all(outbox: queue.Queue[bytes | None], send: Connection) -> None:
    while (blob := outbox.get()) is not None:
        try:
            send.send_bytes(blob)
        except OSError:  # the importer stopped reading: nothing more to do
            os._exit(0)
    send.close()


def _failure(chunk: list[Item], position: int, exc: Exception) -> bytes:
    try:
        return pickle.dumps((chunk, position, exc), protocol=5)
    except Exception:  # an exception that does not pickle: its type and message
        stand_in = RuntimeError(f"{type(exc).__name__}: {exc}")
        return pickle.dumps((chunk, position, stand_in), protocol=5)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the importing process decides
    _parse_into(sys.argv[1], sys.argv[2], Connection(int(sys.argv[3]), readable=False))
