"""An import killed with SIGKILL or interrupted with Ctrl-C leaves a consistent
database, and running it again completes it with no duplicates."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from paperscope.library import Library
from tests.conftest import ARXIV_SAMPLE

BATCH = 250
COPIES = 150  # 30,000 records: long enough to interrupt mid-way


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """The real sample, repeated under fresh ids, written to a temporary file."""
    records = [json.loads(line) for line in ARXIV_SAMPLE.read_text(encoding="utf-8").splitlines()]
    path = tmp_path_factory.mktemp("data") / "big.jsonl"
    with path.open("w", encoding="utf-8") as f:
        n = 0
        for copy in range(COPIES):
            for record in records:
                n += 1
                f.write(json.dumps({**record, "id": f"2{copy // 100:03d}.{n:05d}",
                                    "title": f"{record['title']} (copy {copy})"}) + "\n")  # fmt: skip
    return path


def _start(db, path):
    env = {**os.environ, "PAPERSCOPE_DB": str(db)}
    return subprocess.Popen(
        [sys.executable, "-m", "paperscope", "import", "--batch-size", str(BATCH), str(path)],
        env=env,
        # As at a terminal: a shell that starts a job in the background (as CI
        # may run this suite) has it ignore SIGINT, and children inherit that.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for_rows(db, proc, minimum) -> bool:
    """Wait until the import has committed ``minimum`` rows; False if it ended first."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with sqlite3.connect(db) as conn:
                if conn.execute("SELECT count(*) FROM papers").fetchone()[0] >= minimum:
                    return True
        except sqlite3.OperationalError:
            pass  # the schema is not there yet
        time.sleep(0.01)
    raise AssertionError("no rows appeared")


def _check_consistent(db):
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    papers = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    authors = conn.execute("SELECT count(DISTINCT paper_id) FROM paper_authors").fetchone()[0]
    conn.close()
    return papers, authors


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_interrupted_import_is_consistent_and_completes_on_rerun(tmp_path, big_file, sig):
    total = COPIES * 200
    # On a loaded machine the signal can land after the import has finished;
    # then nothing was interrupted, so try again on a fresh database.
    for attempt in range(5):
        db = tmp_path / f"lib{attempt}.db"
        proc = _start(db, big_file)
        started = _wait_for_rows(db, proc, BATCH)
        if started:
            proc.send_signal(sig)
        output, _ = proc.communicate(timeout=60)
        papers, with_authors = _check_consistent(db)
        if started and papers < total:
            break
    else:
        pytest.fail("the import always finished before the signal could interrupt it")
    assert 0 < papers < total, output
    assert papers % BATCH == 0, "only whole batches are ever committed"
    assert with_authors == papers
    if sig == signal.SIGINT:
        assert proc.returncode == 130, output
        assert "interrupted" in output and "Run the same command again" in output
        assert "Traceback" not in output

    rerun = _start(db, big_file)
    output, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, output
    assert f"{total - papers:,} added" in output and f"{papers:,} unchanged" in output

    with Library(tmp_path / "clean.db") as clean:
        clean.import_file(big_file)
        with Library(db) as resumed:
            assert resumed.store.dump() == clean.store.dump()
