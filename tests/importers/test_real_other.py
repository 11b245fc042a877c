"""Every file of ../shared/data/real-formats/other (RIS, EndNote, MEDLINE, ISI,
CSL-JSON) through detection and the real import path, and the five detectors
against every other real file: none may claim a file of another format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paperscope import importers
from paperscope.importers.base import HEAD_BYTES, FormatError
from paperscope.library import Library
from tests.conftest import SHARED

REAL = SHARED / "data" / "real-formats"
OTHER = REAL / "other"
MINE = ("ris", "endnote", "medline", "isi", "csl-json")

# What each file is detected as, and how many papers it gives (records that are
# one work merge: IsiImporterTest2 holds one paper three times); None: no format
# can be told (the file holds no record of any), which import reports as such.
EXPECTED = {
    "Endnote.book.example.enw": ("endnote", 1),
    "Endnote.entries.enw": ("endnote", 1),
    "Endnote.pattern.A.enw": ("endnote", 0),
    "Endnote.pattern.E.enw": ("endnote", 0),
    "IsiImporterTest1.isi": ("isi", 1),
    "IsiImporterTest2.isi": ("isi", 3),
    "IsiImporterTestEmpty.isi": (None, 0),
    "IsiImporterTestInspec.isi": ("isi", 2),
    "IsiImporterTestMedline.isi": ("isi", 2),
    "IsiImporterTestWOS.isi": ("isi", 2),
    "NbibImporterTest.nbib": ("medline", 1),
    "RisImporterCorrupted.ris": ("ris", 0),
    "RisImporterTest1.ris": ("ris", 0),
    "RisImporterTest3.ris": ("ris", 1),
    "RisImporterTest4a.ris": ("ris", 1),
    "RisImporterTest4b.ris": ("ris", 1),
    "RisImporterTest4c.ris": ("ris", 1),
    "RisImporterTest5a.ris": ("ris", 1),
    "RisImporterTest5b.ris": ("ris", 1),
    "RisImporterTest6.ris": ("ris", 1),
    "RisImporterTest7.ris": ("ris", 1),
    "RisImporterTest8_date.ris": ("ris", 1),
    "RisImporterTest9.ris": ("ris", 1),
    "RisImporterTestDOI.ris": ("ris", 1),
    "RisImporterTestDate1.1.ris": ("ris", 1),
    "RisImporterTestDate1.2.ris": ("ris", 1),
    "RisImporterTestDoiAndJournalTitle.ris": ("ris", 0),
    "RisImporterTestScience.ris": ("ris", 1),
    "RisImporterTestScopus.ris": ("ris", 1),
    "RisImporterTestWithEmptyER.ris": ("ris", 1),
    "sample.csl.json": ("csl-json", 1),
}


def test_every_file_of_the_folder_is_listed(shared):
    assert sorted(p.name for p in OTHER.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_file_is_detected_and_imports_or_says_why(name: str, tmp_path):
    path = OTHER / name
    fmt, count = EXPECTED[name]
    head = path.read_bytes()[:HEAD_BYTES]
    if fmt is None:
        with pytest.raises(FormatError, match="--format"):
            importers.detect(head)
    else:
        assert importers.detect(head).NAME == fmt
    with Library(tmp_path / "library.db") as lib:
        report = lib.import_file(path)
        stored = lib.count()
    assert report.format == fmt
    assert report.added + report.updated + report.unchanged == count
    assert stored == report.added
    messages = [report.error] * (report.error is not None) + [p.message for p in report.problems]
    if count == 0:
        assert messages, f"{name}: nothing imported and nothing said"
    assert [m for m in messages if message_junk(m)] == []
    assert all(p.line >= 1 for p in report.problems)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_format_forced_on_every_file_gives_papers_or_messages(name: str):
    # --format NAME on a file of another format: never a traceback, never an
    # item that is neither a paper nor a clear error.
    for fmt in MINE:
        module = importers.get(fmt)
        with open(OTHER / name, "rb") as f:
            try:
                for item in module.parse(f):
                    assert (item.paper is None) != (item.error is None)
                    assert item.paper is not None or message_junk(item.error) is None
            except FormatError as exc:
                assert message_junk(exc.message) is None


def message_junk(message: str | None) -> str | None:
    """Why an error message does not say what was wrong (None when it does)."""
    if not message or len(message.strip()) < 8:
        return f"no message, or too short: {message!r}"
    if re.search(r"Traceback|object at 0x|^[A-Z]\w*(?:Error|Exception)\b", message):
        return f"Python's words, not a message: {message[:80]!r}"
    return None


def _files_of_other_formats() -> list[Path]:
    files = (p for p in REAL.rglob("*") if p.is_file() and p.name != "README.md")
    others = sorted(p for p in files if not p.is_relative_to(OTHER))
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    arxiv = sorted((SHARED / "data" / "arxiv").glob("*.jsonl"))
    return others + seeds + arxiv


def test_no_detector_of_these_formats_claims_another_formats_file(shared):
    files = _files_of_other_formats()
    assert len(files) > 200
    claimed = []
    for path in files:
        head = path.read_bytes()[:HEAD_BYTES]
        claimed += [f"{path.name}: {fmt}" for fmt in MINE if importers.get(fmt).detect(head)]
    assert claimed == []


def test_each_detector_claims_only_its_own_files(shared):
    for path in OTHER.iterdir():
        head = path.read_bytes()[:HEAD_BYTES]
        claimed = [fmt for fmt in MINE if importers.get(fmt).detect(head)]
        fmt = EXPECTED[path.name][0]
        assert claimed == ([fmt] if fmt else []), path.name
