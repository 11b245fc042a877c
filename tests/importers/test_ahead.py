"""A file parsed in a second process (importers/ahead.py) imports exactly as it
does parsed in process: the same papers, the same problems, the same error
where a file breaks. A parser that dies ends the import with a message, not a
traceback, and no parsing process outlives the import that started it."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from paperscope.importers import ahead
from paperscope.importers.ahead import ParseAhead, ParserStopped
from paperscope.library import Library
from tests.conftest import ARXIV_SAMPLE, SHARED

REAL = SHARED / "data" / "real-formats"
# Files other tools wrote, one or more per format that detection finds.
REAL_FILES = [
    ARXIV_SAMPLE,
    REAL / "other" / "RisImporterTest1.ris",  # every record refused, each with its reason
    REAL / "other" / "Endnote.entries.enw",
    REAL / "other" / "IsiImporterTestWOS.isi",
    REAL / "other" / "NbibImporterTest.nbib",
    REAL / "other" / "sample.csl.json",
    REAL / "atom" / "q_testing_s0_m100_cfe7536492ca.xml",
    REAL / "atom" / "id_abc_s0_m100_b79c8dcf6bc3.xml",  # the API's error: a FormatError
    REAL / "hf" / "trending-page-saved-as-markdown.txt",
    REAL / "oai" / "oai_dc" / "ListRecords_data_0.xml",
    REAL / "bibtex" / "bibtexparser" / "biber-examples.bib",
    REAL / "bibtex" / "zotero-better-bibtex-import" / "Unabbreviate_on_import__1436-3.bib",
]


@pytest.fixture
def started(monkeypatch) -> list[ParseAhead]:
    """Every file parsed ahead, whatever its size; the parsers started, in order."""
    seen: list[ParseAhead] = []
    original = ParseAhead.__init__

    def init(self, path: str, name: str) -> None:
        original(self, path, name)
        seen.append(self)

    monkeypatch.setattr(ahead, "MIN_BYTES", 0)
    monkeypatch.setattr(ParseAhead, "__init__", init)
    return seen


def _outcome(report) -> tuple:
    problems = [(p.line, p.unit, p.message) for p in report.problems]
    return (report.format, report.added, report.updated, report.unchanged, report.failed,
            problems, report.error, report.status)  # fmt: skip


def _import(db: Path, path: Path, **options) -> tuple[tuple, list]:
    with Library(db) as lib:
        report = lib.import_file(path, **options)
        return _outcome(report), lib.store.dump()


def _in_process(tmp_path: Path, path: Path, **options) -> tuple[tuple, list]:
    assert not ahead.worthwhile(path.stat().st_size)  # these test files are small
    return _import(tmp_path / "in-process.db", path, **options)


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_real_files_import_the_same_parsed_ahead(tmp_path, path, monkeypatch):
    assert path.is_file(), f"missing test file {path}"
    expected = _in_process(tmp_path, path)
    format_name, added, _, _, failed, _, error, _ = expected[0]
    assert added or failed or error  # there is something to compare
    monkeypatch.setattr(ahead, "MIN_BYTES", 0)
    assert _import(tmp_path / "ahead.db", path) == expected


def _with_bad_lines(tmp_path: Path) -> Path:
    lines = ARXIV_SAMPLE.read_bytes().splitlines(keepends=True)
    broken = [b'{"id": "0704.0001", "title": "cut short\n', b"\xff\xfe not UTF-8\n", b"[1, 2]\n",
              b'{"id": "not an id", "title": "x"}\n', b"\n"]  # fmt: skip
    path = tmp_path / "bad-lines.jsonl"
    path.write_bytes(b"".join(lines[:50] + broken + lines[50:120] + broken + lines[120:]))
    return path


def test_bad_records_are_reported_the_same_parsed_ahead(tmp_path, started):
    path = _with_bad_lines(tmp_path)
    ahead_outcome = _import(tmp_path / "ahead.db", path)
    assert len(started) == 1
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ahead, "MIN_BYTES", 1 << 60)
        expected = _import(tmp_path / "in-process.db", path)
    assert ahead_outcome == expected
    outcome, _ = expected
    assert outcome[4] == 8 and outcome[1] == 200  # 8 bad lines, every good one stored
    assert [p[0] for p in outcome[5]] == [51, 52, 53, 54, 126, 127, 128, 129]


def test_a_damaged_gzip_stream_fails_the_same_parsed_ahead(tmp_path, started):
    whole = gzip.compress(_big_file(tmp_path, 20).read_bytes())  # far past the first MiB read
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    ahead_outcome = _import(tmp_path / "ahead.db", path)
    assert len(started) == 1
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ahead, "MIN_BYTES", 1 << 60)
        expected = _import(tmp_path / "in-process.db", path)
    assert ahead_outcome == expected
    outcome, _ = expected
    assert outcome[7] == "failed" and "compressed file is damaged" in outcome[6]
    assert 1000 < outcome[1] < 4000  # the records before the damage are stored


def test_a_format_error_after_good_records_reaches_the_report(tmp_path, started):
    """CSL-JSON with text after its array: the parser raises FormatError at the
    end, in the child; the importer reports it with its line, as in process."""
    items = [{"id": f"item-{i}", "type": "article-journal", "title": f"Paper number {i} on graphs",
              "author": [{"family": "Noether", "given": "Emmy"}], "issued": {"date-parts": [[2020]]}}
             for i in range(5)]  # fmt: skip
    path = tmp_path / "trailing.json"
    path.write_text(json.dumps(items, indent=1) + "\n]junk\n", encoding="utf-8")
    ahead_outcome = _import(tmp_path / "ahead.db", path)
    assert len(started) == 1
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ahead, "MIN_BYTES", 1 << 60)
        expected = _import(tmp_path / "in-process.db", path)
    assert ahead_outcome == expected
    outcome, _ = expected
    assert outcome[1] == 5 and outcome[7] == "failed"
    assert "text after the end" in outcome[6]


def test_progress_reaches_the_end_of_the_file(tmp_path, started):
    seen: list[tuple[int, int, int]] = []
    with Library(tmp_path / "lib.db") as lib:
        lib.import_file(ARXIV_SAMPLE, batch_size=50, progress=lambda *p: seen.append(p))
    size = ARXIV_SAMPLE.stat().st_size
    assert len(started) == 1
    assert [records for _, _, records in seen][-1] == 200
    assert all(total == size for _, total, _ in seen)
    positions = [position for position, _, _ in seen]
    assert positions == sorted(positions) and positions[-1] == size


def _big_file(folder: Path, copies: int) -> Path:
    """The arXiv sample again and again under fresh ids: 200 records a copy."""
    records = [json.loads(line) for line in ARXIV_SAMPLE.read_text(encoding="utf-8").splitlines()]
    path = folder / "big.jsonl"
    with path.open("w", encoding="utf-8") as f:
        n = 0
        for copy in range(copies):
            for record in records:
                n += 1
                f.write(json.dumps({**record, "id": f"2{copy // 100:03d}.{n:05d}",
                                    "title": f"{record['title']} (copy {copy})"}) + "\n")  # fmt: skip
    return path


BIG_RECORDS = 24_000


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    """More records than the child may run ahead of the importer, so that it
    is still parsing (or waiting to send) when a test stops or kills it, and
    big enough to be parsed ahead unpatched (34 MB)."""
    assert BIG_RECORDS > (ahead.AHEAD_CHUNKS + 2) * ahead.CHUNK
    return _big_file(tmp_path_factory.mktemp("ahead"), BIG_RECORDS // 200)


def test_a_parser_that_dies_ends_the_records_with_parser_stopped(big_file):
    with ParseAhead(str(big_file), "arxiv-json") as records:
        items = iter(records)
        assert next(items).paper is not None
        os.kill(records._process.pid, signal.SIGKILL)
        with pytest.raises(
            ParserStopped, match=r"stopped before the end of the file \(exit code -9\)"
        ):
            for _ in items:
                pass


def test_an_import_whose_parser_dies_keeps_what_it_stored_and_says_why(tmp_path, big_file, started):
    def kill_the_parser(position: int, size: int, records: int) -> None:
        if records and started[0]._process.poll() is None:
            os.kill(started[0]._process.pid, signal.SIGKILL)

    with Library(tmp_path / "lib.db") as lib:
        report = lib.import_file(big_file, batch_size=500, progress=kill_the_parser)
        stored = lib.store.count()
    assert report.status == "failed"
    assert report.error.startswith("the process parsing the file stopped before the end")
    assert "exit code -9" in report.error
    assert 500 <= report.added == stored < BIG_RECORDS


def test_what_the_parser_said_before_it_stopped_is_in_the_message(tmp_path, monkeypatch):
    broken = tmp_path / "python"  # an interpreter that cannot start, and says so
    broken.write_text(
        '#!/bin/sh\necho "first line" >&2\necho "cannot start: no memory" >&2\nexit 3\n'
    )
    broken.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(broken))
    with (
        ParseAhead(str(ARXIV_SAMPLE), "arxiv-json") as records,
        pytest.raises(ParserStopped) as stopped,
    ):
        list(records)
    assert str(stopped.value).endswith("(exit code 3): cannot start: no memory")


def test_stopping_early_ends_the_parser(big_file):
    with ParseAhead(str(big_file), "arxiv-json") as records:
        next(iter(records))
        process = records._process
        assert process.poll() is None  # still parsing, or waiting to send
    assert process.returncode is not None


def _parsers_of(path: Path) -> list[int]:
    """The pids of parsing processes reading ``path``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"paperscope.importers.ahead" in argv and str(path).encode() in argv:
            found.append(int(entry.name))
    return found


@pytest.mark.slow
def test_a_killed_importer_leaves_no_parser_behind(tmp_path, big_file):
    importer = subprocess.Popen(
        [sys.executable, "-m", "paperscope", "import", "--quiet", "--db", str(tmp_path / "k.db"),
         str(big_file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert ahead.worthwhile(big_file.stat().st_size)  # parsed ahead for real, unpatched
    deadline = time.monotonic() + 60
    try:
        while not _parsers_of(big_file):
            assert importer.poll() is None, "the import ended before its parser was seen"
            assert time.monotonic() < deadline, "no parsing process appeared"
            time.sleep(0.01)
    finally:
        importer.kill()
        importer.wait()
    deadline = time.monotonic() + 10
    while _parsers_of(big_file):
        assert time.monotonic() < deadline, "the parser outlived its importer"
        time.sleep(0.05)


def test_without_a_process_to_start_the_file_is_parsed_in_process(tmp_path, monkeypatch, started):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    with Library(tmp_path / "lib.db") as lib:
        report = lib.import_file(ARXIV_SAMPLE)
        assert (report.added, report.failed, report.error) == (200, 0, None)
        assert lib.store.count() == 200
    assert started == []  # the process could not start, and nothing said so but the speed
