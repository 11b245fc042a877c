"""Mail the web service sends, sent after the answer, by one worker thread.

A password-reset request must take the same time whether or not an account
has the address, or the answer's timing tells a stranger which addresses
have accounts. So the request only counts the attempt and, once its answer
has gone, queues a job; the job looks the account up, makes the token and
talks to the mail server here, off the request path. Each job also waits a
random moment first (``DELAY``): the work an address with an account causes
then lands on no request in particular, where a stranger's next probe,
sent right after, would otherwise feel it (bench/README.md measures both).
A slow or failing mail server never holds a page either; a job that fails
is logged and the next one runs.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("paperscope.mail")

Job = Callable[[], None]
DELAY = (0.2, 1.5)  # seconds a job waits, at random, before it runs
_RANDOM = random.SystemRandom()  # not predictable from outside


class MailQueue:
    def __init__(self, delay: tuple[float, float] = DELAY) -> None:
        self.delay = delay
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._running.set()
        self._hurry = threading.Event()  # set on close: what is queued goes out at once

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
        """Run what is queued, without the waits, then stop the worker."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._hurry.set()
            self._jobs.put(None)
            thread.join()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                self._running.wait()
                self._hurry.wait(_RANDOM.uniform(*self.delay))
                job()
            except Exception:  # one failed message must not stop the others
                log.exception("a queued email could not be sent")
            finally:
                self._jobs.task_done()
