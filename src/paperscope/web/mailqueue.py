"""Mail the web service sends, sent after the answer, by one worker thread.

A password-reset request must take the same time whether or not an account
has the address, or the answer's timing tells a stranger which addresses
have accounts. So the request only counts the attempt and queues a job; the
job looks the account up, makes the token and talks to the mail server
here, off the request path. A slow or failing mail server never holds a
page either; a job that fails is logged and the next one runs.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("paperscope.mail")

Job = Callable[[], None]


class MailQueue:
    def __init__(self) -> None:
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._running.set()

    def submit(self, job: Job) -> None:
        """Run ``job`` soon, in the worker thread (started on first use)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="paperscope-mail", daemon=True
                )
                self._thread.start()
        self._jobs.put(job)

    def join(self) -> None:
        """Wait until every job submitted so far has run (tests, shutdown)."""
        self._jobs.join()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Hold the worker while the block runs; jobs queue up and run after it."""
        self._running.clear()
        try:
            yield
        finally:
            self._running.set()

    def close(self) -> None:
        """Run what is queued, then stop the worker."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._jobs.put(None)
            thread.join()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                self._running.wait()
                job()
            except Exception:  # one failed message must not stop the others
                log.exception("a queued email could not be sent")
            finally:
                self._jobs.task_done()
