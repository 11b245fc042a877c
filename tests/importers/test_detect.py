"""Format detection over one real file of every format, and an import of each."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperscope import importers
from paperscope.importers import jsonl
from paperscope.importers.base import HEAD_BYTES, FormatError
from paperscope.library import Library
from paperscope.models import new_paper
from tests.conftest import ARXIV_SAMPLE, SEEDS

DATA = Path(__file__).resolve().parent.parent / "data"
CASES = [
    (SEEDS[0], "hf-page"),
    (SEEDS[1], "hf-page"),
    (ARXIV_SAMPLE, "arxiv-json"),
    (DATA / "oai" / "listrecords_arxiv.xml", "oai-pmh"),
    (DATA / "oai" / "listrecords_arxivraw.xml", "oai-pmh"),
    (DATA / "oai" / "getrecord_arxivraw.xml", "oai-pmh"),
    (DATA / "atom" / "query.xml", "arxiv-atom"),
    (DATA / "bibtex" / "papers.bib", "bibtex"),
]


@pytest.mark.parametrize(("path", "name"), CASES, ids=[f"{n}-{p.name}" for p, n in CASES])
def test_each_format_is_detected_and_imports(path, name, tmp_path):
    head = path.read_bytes()[:HEAD_BYTES]
    assert importers.detect(head).NAME == name
    with Library(tmp_path / "lib.db") as lib:
        report = lib.import_file(path)
        # Some fixtures hold deliberately bad records; the file itself must read.
        assert report.format == name and report.error is None
        assert report.added > 0
        assert all(p.line and p.message for p in report.problems)


def test_own_export_is_detected_as_jsonl(tmp_path):
    with Library(tmp_path / "lib.db") as lib:
        lib.import_file(DATA / "bibtex" / "papers.bib")
        out = tmp_path / "export.jsonl"
        with out.open("wb") as f:
            lib.export(f)
    assert importers.detect(out.read_bytes()[:HEAD_BYTES]).NAME == "jsonl"


def test_own_export_with_a_first_record_longer_than_the_head_is_jsonl(tmp_path):
    paper = new_paper(title="Long", abstract="word " * 20_000, source="bibtex")
    head = jsonl.dumps(paper)[:HEAD_BYTES]
    assert b'"sources"' not in head  # the fields detection used to need
    assert importers.detect(head).NAME == "jsonl"
    with Library(tmp_path / "lib.db") as lib:
        out = tmp_path / "long.jsonl"
        out.write_bytes(jsonl.dumps(paper))
        assert lib.import_file(out).added == 1


def test_every_format_module_follows_the_protocol():
    for name in importers.FORMATS:
        module = importers.get(name)
        assert module.NAME == name
        assert isinstance(module.SOURCE, str) and callable(module.detect)
        assert callable(module.parse)
    with pytest.raises(ValueError, match="known formats"):
        importers.get("docx")


def test_text_that_is_no_format_is_refused_with_a_hint():
    with pytest.raises(FormatError, match="--format"):
        importers.detect(b"name,age\nada,36\n")
