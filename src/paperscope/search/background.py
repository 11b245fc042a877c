"""The embedder that runs beside ``paperscope serve``: one per library.

``paperscope serve`` starts ``paperscope embed --watch`` as a child process at
a lower CPU priority, so that requests come first and a crash of the model
never takes a page down. The watcher embeds every paper without a vector
(newest feed papers first), then looks for new ones every few seconds, so a
paper imported or submitted while the site runs becomes findable by meaning
within a minute or so. Web processes read the vectors as they are committed.

Only one embedder may write a library's vectors, whatever starts it (several
``serve`` processes on one database, or ``paperscope embed`` by hand): each
takes :class:`EmbedderLock` first: an exclusive ``flock`` on a file beside the
SQLite database (``library.db.embedder.lock``), or a PostgreSQL advisory lock. The lock goes when its holder
does, even on a crash, so another watcher takes over.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paperscope.library import Library

POLL_SECONDS = 5.0  # how often a watcher looks for new papers
NICE = 10  # the watcher's CPU priority, below the web processes'


class ParentGone(Exception):
    """The server that started this watcher has exited."""


class EmbedderLock:
    """The right to write one library's vectors, held until :meth:`release`
    (the store's lock named "embedder")."""

    NAME = "embedder"

    def __init__(self, library: Library):
        self.store = library.store

    def acquire(self) -> bool:
        """Take the lock if no one holds it; True if this process holds it now."""
        return self.store.try_lock(self.NAME)

    def holder(self) -> int | None:
        """The process id of the holder, where the backend can tell (SQLite)."""
        return self.store.lock_holder(self.NAME)

    def release(self) -> None:
        self.store.unlock(self.NAME)

    def __enter__(self) -> EmbedderLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def lower_priority() -> None:
    """Run this process at NICE (once: serve already starts the watcher so)."""
    with contextlib.suppress(OSError):
        now = os.nice(0)
        if now < NICE:
            os.nice(NICE - now)


def watch(
    library: Library,
    *,
    poll: float = POLL_SECONDS,
    parent: int | None = None,
    say: Callable[[str], None] = print,
) -> None:
    """Embed the library's papers, then keep embedding new ones until stopped.

    With ``parent``, return once that process is gone (the server exited).
    Waits while another process holds the embedder lock, and takes over when
    it goes.
    """

    def check_parent(*_: object) -> None:
        if parent is not None and os.getppid() != parent:
            raise ParentGone

    lower_priority()
    lock = EmbedderLock(library)
    waiting = False
    try:
        while not lock.acquire():
            if not waiting:
                say("embedder: another process embeds this library; waiting to take over")
                waiting = True
            check_parent()
            time.sleep(poll)
        announced = False
        while True:
            started = time.perf_counter()
            embedded = library.embed(check_parent)
            coverage = library.coverage()
            if embedded or not announced:
                seconds = time.perf_counter() - started
                say(f"embedder: {embedded:,} papers embedded in {seconds:.0f} s; {coverage}")
                announced = True
            check_parent()
            time.sleep(poll)
    except ParentGone:
        pass
    finally:
        lock.release()
