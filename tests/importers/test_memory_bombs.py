"""Small or hostile files that would take all memory if an importer were naive.

Each import runs in a child process (tests/importers/import_child.py) with its
address space capped at 2 GiB, so a bomb that goes off kills only the child.
The child imports paperscope (and every importer) but not torch or
onnxruntime, which the test checks; so the peak RSS it reports (its own
high-water mark, see import_child.py for why not ``ru_maxrss``) is what the
import path costs, and it is held to an absolute bound, MAX_RSS_MIB. The
baseline (the same figure before the file is read, about 40 MiB) is shown in
failure messages.

The bombs, none kept in the repository (each is written here, in tmp_path):
- a 1 KB BibTeX file whose ``@string`` macros double 38 times (a 550 GB title);
- a gzipped OAI-PMH header followed by 1 GiB of whitespace (about 1 MB on disk);
- a 100 MB line in a file of each line-based format;
- 100 MB JSON documents on one line (as APIs answer), array and object forms;
- 2,000 JSON-lines records at the abstract's size limit (200 MB), one batch's worth;
- a BibTeX entry whose brace never closes, followed by 200 MB of text;
- XML entity expansion (billion laughs) and an external entity (XXE);
- an XML record nested a million elements deep (a 7 MB file).
"""

from __future__ import annotations

import gzip
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from paperscope import importers
from paperscope.importers import jsonl
from paperscope.importers.base import HEAD_BYTES, FormatError
from paperscope.library import Library
from paperscope.models import MAX_ABSTRACT, new_paper
from tests.conftest import ARXIV_SAMPLE
from tests.importers.realfiles import REAL, message_junk, real_files

MAX_RSS_MIB = 200
CHILD = Path(__file__).with_name("import_child.py")
MiB = 1 << 20


def import_in_child(path: Path, tmp_path: Path, format: str | None = None) -> dict:
    """Import ``path`` into a new library in a capped child; its report, checked for memory."""
    forced = [format] if format else []
    run = subprocess.run(
        [sys.executable, str(CHILD), str(tmp_path / "child.db"), str(path), *forced],
        capture_output=True,
        text=True,
        timeout=900,  # a hang guard only, far above any honest run
    )
    assert run.returncode == 0 and "Traceback" not in run.stderr, (
        f"importing {path.name} died (exit {run.returncode}; the child's address space is capped "
        f"at 2 GiB):\n{run.stderr[-2500:]}"
    )
    result = json.loads(run.stdout.splitlines()[-1])
    assert result["heavy_modules"] == [], "the import path loads " + ", ".join(
        result["heavy_modules"]
    )
    peak, baseline = result["peak_kib"] / 1024, result["baseline_kib"] / 1024
    assert peak < MAX_RSS_MIB, (
        f"importing {path.name} peaked at {peak:.0f} MiB RSS (limit {MAX_RSS_MIB}; "
        f"{baseline:.0f} MiB before reading the file)"
    )
    return result


def messages(result: dict) -> list[str]:
    found = [result["error"]] if result["error"] else []
    return found + [message for _line, _unit, message in result["problems"]]


def assert_said_why(result: dict) -> None:
    said = messages(result)
    assert said, f"the bomb was read without a word: {result}"
    unclear = [why for why in map(message_junk, said) if why]
    assert not unclear, unclear


# -- (a) BibTeX macros that double ---------------------------------------------


def macro_bomb(levels: int = 39) -> str:
    """``@string{m0 = "ab"}``, then ``m{i} = m{i-1} # m{i-1}``: m38 is 2**39 bytes long."""
    lines = ['@string{m0 = "ab"}']
    lines += [f"@string{{m{i} = m{i - 1} # m{i - 1}}}" for i in range(1, levels)]
    lines.append(f"@article{{bomb, author = {{Bob Bomb}}, title = m{levels - 1}, year = 2024}}")
    return "\n".join(lines) + "\n"


GOOD_BEFORE = (
    "@article{before, author = {Ada Lovelace}, title = {Notes on the Engine}, year = 1843}"
)
GOOD_AFTER = "@article{after, author = {Alan Turing}, title = {On Computable Numbers}, year = 1936}"


def test_a_bibtex_macro_bomb_is_refused_and_the_other_entries_kept(tmp_path):
    bomb = macro_bomb()
    assert len(bomb.encode()) < 1100  # about a kilobyte on disk
    path = tmp_path / "macros.bib"
    path.write_text(f"{GOOD_BEFORE}\n\n{bomb}\n{GOOD_AFTER}\n", encoding="utf-8")
    first, last = 3, 3 + bomb.count("\n") - 1  # the lines the bomb spans

    result = import_in_child(path, tmp_path)

    assert sorted(result["titles"]) == ["Notes on the Engine", "On Computable Numbers"], result
    assert result["error"] is None, result["error"]
    assert_said_why(result)
    assert any(first <= line <= last for line, _unit, _msg in result["problems"]), result


# -- (b) a gzipped OAI-PMH response that is 1 GiB of whitespace -----------------

OAI_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>'
)


@pytest.mark.slow  # about 10 s: 1 GiB goes through gunzip and the XML parser
def test_a_gzipped_oai_response_of_whitespace_is_read_in_flat_memory(tmp_path):
    path = tmp_path / "whitespace.xml.gz"
    # gzip allows several members in one file, read back as one stream: the
    # first holds the header, each other one a MiB of spaces (compressed once).
    block = gzip.compress(b" " * MiB, compresslevel=9)
    with open(path, "wb") as f:
        f.write(gzip.compress(OAI_HEAD))
        for _ in range(1024):
            f.write(block)
    assert path.stat().st_size < 2 * MiB

    result = import_in_child(path, tmp_path)

    assert result["format"] == "oai-pmh" and result["added"] == 0
    assert_said_why(result)  # the response never closes


# -- (c) a 100 MB line in each line-based format --------------------------------

# Formats read as one document (XML, BibTeX, JSON documents); every other
# format reads its input line by line and is held to the line bound.
DOCUMENT_FORMATS = {"oai-pmh", "arxiv-atom", "bibtex", "csl-json", "hf-api"}
LINE_FORMATS = [name for name in importers.FORMATS if name not in DOCUMENT_FORMATS]


def test_the_line_based_formats_are_known():
    assert {"jsonl", "arxiv-json", "hf-page"} <= set(LINE_FORMATS)
    assert DOCUMENT_FORMATS <= set(importers.FORMATS), "a document format was renamed"


def line_sample(name: str, tmp_path: Path) -> Path:
    """A real file of a line-based format: from ../shared where there is one."""
    if name == "arxiv-json":
        return ARXIV_SAMPLE
    if name == "jsonl":  # paperscope's own export: export the arXiv sample
        path = tmp_path / "export.jsonl"
        with Library(tmp_path / "export.db") as lib, open(path, "wb") as out:
            lib.import_file(ARXIV_SAMPLE)
            lib.export(out)
        return path
    for path in real_files():
        try:
            if importers.detect(path.read_bytes()[:HEAD_BYTES]).NAME == name:
                return path
        except FormatError:
            continue
    return REAL / "hf" / "trending-page-saved-as-markdown.txt"  # any text, forced


def with_long_line(sample: Path, out: Path, size: int) -> None:
    """Copy ``sample`` with ``size`` bytes of letters into the middle of its longest
    early line (inside a JSON string, a title, a tag's value)."""
    lines = sample.read_bytes().splitlines(keepends=True)
    early = range(min(len(lines), 20))
    longest = max(early, key=lambda i: len(lines[i]))
    line = lines[longest]
    mid = len(line) // 2
    with open(out, "wb") as f:
        f.writelines(lines[:longest])
        f.write(line[:mid])
        chunk = b"a" * MiB
        for _ in range(size // MiB):
            f.write(chunk)
        f.write(line[mid:])
        f.writelines(lines[longest + 1 :])


def added_in_process(path: Path, tmp_path: Path, name: str) -> int:
    with Library(tmp_path / "plain.db") as lib:
        return lib.import_file(path, format=name).added


@pytest.mark.parametrize("name", LINE_FORMATS)
def test_a_100_mb_line_costs_one_record_not_the_memory(name, tmp_path):
    sample = line_sample(name, tmp_path)
    path = tmp_path / f"long-line.{name}"
    with_long_line(sample, path, 100 * MiB)
    plain = added_in_process(sample, tmp_path, name)

    result = import_in_child(path, tmp_path, format=name)

    assert_said_why(result)
    assert result["added"] >= plain - 1, f"{plain} papers without the long line, {result}"
    assert result["longest_title"] < MiB


# -- (d) more bombs ---------------------------------------------------------------

# Each record carries 20 KB in a field the importer does not keep, so the file
# is big while the papers stay small: what is measured is the reading.
BULK = "ignored " * 2_500


def csl_item(i: int) -> dict:
    return {"id": f"item{i}", "type": "article-journal", "title": f"Streaming paper {i}",
            "author": [{"family": "Olson", "given": "Hope A."}], "note": BULK,
            "issued": {"date-parts": [[2006]]}, "container-title": "Library Quarterly"}  # fmt: skip


def hf_entry(i: int) -> dict:
    paper = {"id": f"2401.{i:05d}", "title": f"Streaming paper {i}", "summary": "An abstract.",
             "authors": [{"name": "Hope Olson"}], "publishedAt": "2024-01-01T00:00:00.000Z",
             "upvotes": 3}  # fmt: skip
    return {"paper": paper, "title": paper["title"], "thumbnail": BULK,
            "submittedOnDailyAt": "2024-01-02T00:00:00.000Z"}  # fmt: skip


JSON_DOCUMENTS = {  # the format, one record, how the document opens and closes, its size
    "csl-json-array": ("csl-json", csl_item, b"[", b"]", 100 * MiB),
    "csl-json-object": ("csl-json", csl_item, b'{"items": [', b"]}", 100 * MiB),
    # Zotero's API form, just under the size csl_json reads whole (MAX_OBJECT_BYTES)
    "csl-json-object-60mb": ("csl-json", csl_item, b'{"items": [', b"]}", 60 * MiB),
    "hf-api-array": ("hf-api", hf_entry, b"[", b"]", 100 * MiB),
}


@pytest.mark.parametrize("case", JSON_DOCUMENTS)
def test_a_big_json_document_on_one_line_is_read_in_flat_memory(case, tmp_path):
    name, record, opening, closing, size = JSON_DOCUMENTS[case]
    path = tmp_path / f"{case}.json"
    count = 0
    with open(path, "wb") as f:
        f.write(opening)
        for i in itertools.count(1):
            if f.tell() > size:
                break
            f.write((b"," if i > 1 else b"") + json.dumps(record(i)).encode())
            count = i
        f.write(closing)

    result = import_in_child(path, tmp_path, format=name)

    # All of it, or a clear refusal (a bound on what is read whole).
    assert result["added"] == count or (result["added"] == 0 and result["error"]), result
    if result["added"] == 0:
        assert_said_why(result)


@pytest.mark.slow  # about 8 s: 200 MB to write and to store
def test_records_at_the_size_limits_are_not_held_a_whole_batch_at_a_time(tmp_path):
    # 2,000 papers (one write batch) with abstracts of the largest allowed size.
    paper = new_paper(title="Paper", abstract="x" * MAX_ABSTRACT, authors=["A. Author"], source="t")
    record = jsonl.to_dict(paper)
    path = tmp_path / "big.jsonl"
    with open(path, "wb") as f:
        for i in range(2_000):
            record.update(id=f"t-{i:016x}", title=f"Paper {i}")
            f.write(json.dumps(record).encode() + b"\n")

    result = import_in_child(path, tmp_path, format="jsonl")

    assert result["added"] == 2_000, result


@pytest.mark.slow  # about 5 s: 200 MB of text to write and to read
def test_an_unclosed_bibtex_entry_before_200_mb_of_text_costs_that_entry(tmp_path):
    path = tmp_path / "unclosed.bib"
    prose = b"The brace above is never closed, so all of this is inside its title.\n" * 15_000
    with open(path, "wb") as f:
        f.write(GOOD_BEFORE.encode() + b"\n\n@article{open, author = {Nobody}, title = {Open\n")
        for _ in range(200 * MiB // len(prose)):
            f.write(prose)
        f.write(b"\n" + GOOD_AFTER.encode() + b"\n")

    result = import_in_child(path, tmp_path)

    assert sorted(result["titles"]) == ["Notes on the Engine", "On Computable Numbers"], result
    assert_said_why(result)
    assert any(line == 3 for line, _unit, _msg in result["problems"]), result["problems"]


RECORD = (
    "<record><header><identifier>oai:arXiv.org:0704.0001</identifier>"
    "<datestamp>2008-11-13</datestamp></header><metadata>"
    '<arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/"><id>0704.0001</id>'
    "<title>{title}</title><authors>A. Author</authors><abstract>An abstract.</abstract>"
    '<version version="v1"><date>Mon, 2 Apr 2007 19:18:42 GMT</date><size>1kb</size></version>'
    "</arXivRaw></metadata></record>"
)
ENTRY = (
    "<entry><id>http://arxiv.org/abs/0704.0001v1</id><title>{title}</title>"
    "<summary>An abstract.</summary><published>2007-04-02T19:18:42Z</published>"
    "<updated>2007-04-02T19:18:42Z</updated><author><name>A. Author</name></author></entry>"
)


def oai_document(doctype: str, title: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>\n'
        + RECORD.format(title=title)
        + "\n</ListRecords></OAI-PMH>\n"
    )


def atom_document(doctype: str, title: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">'
        "<title>arXiv Query: id_list=0704.0001</title>\n"
        + ENTRY.format(title=title)
        + "\n</feed>\n"
    )


LAUGHS = (
    "<!DOCTYPE lolz [\n"
    '<!ENTITY lol0 "lol">\n'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
    + "]>\n"
)
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
ENTITY_BOMBS = {
    "oai-billion-laughs": (oai_document, LAUGHS, "&lol9;", "oai-pmh"),
    "oai-external-entity": (oai_document, XXE, "&xxe;", "oai-pmh"),
    "atom-billion-laughs": (atom_document, LAUGHS, "&lol9;", "arxiv-atom"),
    "atom-external-entity": (atom_document, XXE, "&xxe;", "arxiv-atom"),
}


@pytest.mark.parametrize("case", ENTITY_BOMBS)
def test_xml_entities_are_refused_with_a_clear_message(case, tmp_path):
    document, doctype, title, name = ENTITY_BOMBS[case]
    path = tmp_path / f"{case}.xml"
    path.write_text(document(doctype, title), encoding="utf-8")

    # Forced: detection may not look past a DOCTYPE, and the parser is the point.
    result = import_in_child(path, tmp_path, format=name)

    assert result["format"] == name and result["added"] == 0, result
    assert result["error"], result
    assert_said_why(result)
    # Says what was refused, in words: not Python's repr of defusedxml's exception.
    assert "entit" in result["error"].lower(), result["error"]
    assert "=None" not in result["error"] and "Forbidden(" not in result["error"], result["error"]
    assert not any("root:" in t for t in result["titles"])


@pytest.mark.parametrize("document", [oai_document, atom_document], ids=["oai", "atom"])
def test_xml_nested_a_million_deep_is_read_in_flat_memory(document, tmp_path):
    depth = 1_000_000
    path = tmp_path / "deep.xml"
    path.write_text(document("", "<i>" * depth + "deep" + "</i>" * depth), encoding="utf-8")

    result = import_in_child(path, tmp_path)

    assert result["longest_title"] < MiB
    assert result["added"] >= 1 or messages(result), result
    if messages(result):
        assert_said_why(result)
