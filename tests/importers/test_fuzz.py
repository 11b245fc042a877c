"""A bounded fuzzer: the real files of ../shared/data/real-formats, mutated, through every importer.

Each example takes one real file (from a fixed sorted list; files over 48 KiB are
cut there, which is itself a mutation), applies one to four byte-level
mutations (flip, insert, delete, duplicate or drop a slice, truncate, splice in
a dangerous token) and reads the result twice over:

- as ``paperscope import FILE`` would: ``importers.detect`` on the head, then
  the detected importer's ``parse``;
- as ``--format NAME`` would, with every importer in turn (a user can force
  any format on any file).

Whatever the bytes, only :class:`FormatError` may escape (with a clear
message); every item is a paper or a non-empty error, never both or neither;
every paper has a title with something in it besides punctuation. The
runs are derandomized and bounded (a fixed number of examples, no database of
past failures), so the file gives the same verdict on every machine; a failure
prints the file and the mutations that reproduce it.
"""

from __future__ import annotations

import functools
import io
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from paperscope import importers
from paperscope.importers.base import HEAD_BYTES, FormatError, Item
from paperscope.models import Paper
from tests.importers.realfiles import message_junk, real_files, rel

SAMPLES = real_files()
FOLDERS = sorted({rel(p).split("/")[0] for p in SAMPLES})
MAX_SAMPLE = 48 * 1024

# Bytes that have broken parsers of these formats elsewhere, or could here.
DANGEROUS: list[bytes] = [
    # numbers past every integer type, and digits that are not ASCII
    b"99999999999999999999", b"-1", b"0", b"1e309", b"NaN", b"-0",
    "²³".encode(), "١٢٣٤".encode(), "①".encode(), "𝟙𝟡𝟡𝟡".encode(), "Ⅻ".encode(),
    # encodings declared but not used, and byte-order marks
    b'<?xml version="1.0" encoding="UTF-32"?>', b'encoding="UTF-16"', b'encoding="latin-1"',
    b"% Encoding: UTF-16\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00",
    # bytes that are not text, or not valid UTF-8
    b"\x00", b"\x1b", b"\x7f", b"\r", b"\r\n", b"\x0c", b"\xc0\xaf", b"\xed\xa0\x80", b"\xff",
    b"\xe2\x80", "\u2028".encode(), "\u202e".encode(), "\u200b".encode(), "\u0301".encode() * 500,
    # deep nesting
    b"{" * 5000, b"}" * 100, b"[" * 5000, b"<a>" * 3000, b"(" * 2000, b"\\{" * 2000,
    # BibTeX: entries, macros (self-referencing, mutual, concatenated), comments
    b"@article{", b"@string{", b"@comment{", b"@preamble{", b"}\n", b"title = {", b"title = ",
    b'title = "', b"title = {}", b"title = {{}}", b"title = { }", b"title = {,}", b"# ", b'"',
    b"@string{m0 = m0}\n", b"@string{a = b}\n@string{b = a}\n", b"@string{t = t # t # t}\n",
    b"crossref = {self}", b"and others", b"{Others}", b"author = { and }", b"%", b"\\",
    b"\\'", b'\\"', b"\\c{", b"\\begin{", b"$", b"$$", b"\\verb|", b"month = 13", b"year = {-5}",
    # XML: records inside records, entities, CDATA, declarations
    b"<record>", b"</record>", b"<record><record><header>", b"<metadata>", b"</metadata>",
    b'<header status="deleted">', b"<title></title>", b"<title>  </title>", b"<title>1234</title>",
    b"<dc:title>", b"<arXivRaw>", b"<version>", b'<version version="v99999999999999999999">',
    b"<entry>", b"</entry>", b"<id>http://arxiv.org/abs/</id>", b"<error>", b"<resumptionToken>",
    b'<!DOCTYPE x [<!ENTITY a "aaaa">]>', b"&a;", b"&#0;", b"&#x110000;", b"&amp;", b"&",
    b"<![CDATA[", b"]]>", b"<?pi?>", b"<!--", b"-->", b"xmlns=''", b'xmlns:x="urn:x"',
    # dates and ids
    b"1999-02-30", b"0000-00-00", b"9999-99-99T99:99:99Z", b"Mon, 32 Foo 2007 25:61:61 GMT",
    b"2101.00001v99999999999999999999", b"arXiv:", b"https://arxiv.org/abs/", b"0704.0001",
    b"10.48550/arXiv.", b"doi:", b"http://",
    # JSON lines and JSON documents
    b'{"id": "0704.0001", "title": ', b'"authors_parsed": [[', b'"versions": [{}]', b"null",
    b'"title": null', b'"title": ""', b'"title": 7', b"[]", b"{}", b'"\\ud800"', b'"\\u0000"',
    # page text and tagged formats (RIS, EndNote, MEDLINE, ISI)
    b"### ", b"## ", b"- 99999999999999999999 authors", b"[LINK: GitHub 1e309k](x)", b"\n\n",
    b"TY  - JOUR\n", b"TY  - ", b"ER  - \n", b"TI  - \n", b"AU  - ,\n", b"PY  - 99999999999\n",
    b"%0 Journal Article\n", b"%T \n", b"%A ,\n", b"PMID- \n", b"TI  - ", b"FN ISI Export Format\n",
    b"PT J\n", b"ER\n", b"EF\n", b"      ",
]  # fmt: skip

MARKS = b'\n{}<>="@,#:-'  # structural bytes a splice may follow

# Targeted edits: the n-th occurrence of the first string becomes the second.
SWAPS: list[tuple[bytes, bytes]] = [
    (b'encoding="UTF-8"', b'encoding="UTF-32"'), (b"encoding='UTF-8'", b"encoding='UTF-16'"),
    (b'encoding="UTF-8"', b'encoding="no-such-codec"'), (b"encoding='UTF-8'", b"encoding='cp037'"),
    (b"<?xml", b"\xef\xbb\xbf<?xml"), (b"<?xml", b"\n<?xml"),
    (b"<record>", b"<record><record>"), (b"</record>", b""), (b"<entry>", b"<entry><entry>"),
    (b"</entry>", b""), (b"<title>", b"<title><title>"), (b"</title>", b""), (b"<metadata>", b""),
    (b"<header>", b'<header status="deleted">'), (b"xmlns=", b"xmlns:no="), (b"<id>", b"<id>x"),
    (b"<title>", b"<title>&#0;"), (b"<title>", b"<title><![CDATA["), (b"oai:arXiv.org:", b""),
    (b"title", b"TITLE"), (b"title", b"titl"), (b"{", b"("), (b"}", b")"), (b"}", b""), (b"{", b""),
    (b"@string", b"@STRING"), (b"@", b"@@"), (b",", b""), (b"=", b"=="), (b'"', b""),
    (b"author", b"editor"), (b" and ", b" and and "), (b"year", b"date"), (b"\n", b"\r"),
    (b"\n", b"\r\n"), (b"\n", b""), (b"\n\n", b"\n"), (b"### ", b"#### "), (b"- ", b"-"),
    (b"TY  - ", b"TY - "), (b"ER  -", b"ER -"), (b"TI  - ", b"T1  - "), (b"  - ", b"  -\n"),
    (b'"id"', b'"ID"'), (b'"title"', b'"titel"'), (b": ", b": null, "), (b"[", b"[["),
    (b"2", b"\xd9\xa2"), (b"1", b"\xc2\xb9"), (b"0", b"99999999999999999999"),
    # JSON documents (CSL-JSON, the Hugging Face API): types and numbers where text goes
    (b'"author":', b'"author": 7, "x":'), (b'"date-parts":[[', b'"date-parts":[[99999999999999999999,'),
    (b'"date-parts":[[', b'"date-parts":[["\xc2\xb2", '), (b'"issued":', b'"issued": [], "i":'),
    (b'"title":', b'"title": {"title": []}, "t":'), (b'"family":', b'"family": null, "f":'),
    (b'"paper": {', b'"paper": {"paper": {'), (b'"authors": [', b'"authors": [null, '),
    (b'"upvotes": ', b'"upvotes": 1e309, "u": '), (b'"page":', b'"page": -99999999999999999999, "p":'),
    (b"},", b"},,"), (b"}", b"}}"), (b"[", b"[" * 2000),
    # tagged formats (RIS, EndNote, MEDLINE, ISI): empty, repeated and huge values
    (b"AU  - ", b"AU  - \n"), (b"PY  - ", b"PY  - 99999999999999999999"), (b"SP  - ", b"SP  - -"),
    (b"ER  - ", b"TY  - JOUR\nER  - "), (b"TY  - ", b"TY  - \xc2\xb2"), (b"%A ", b"%A \n%A "),
    (b"%D ", b"%D 99999999999999999999"), (b"DP  - ", b"DP  - 0000 Feb 30"), (b"\nAU ", b"\nAU \n"),
    (b"\nPY ", b"\nPY 99999999999999999999"), (b"\nER", b""), (b"FAU - ", b"FAU - ,"),
]  # fmt: skip

_POS = st.integers(min_value=0, max_value=1 << 30)  # taken modulo the length; shrinks to 0
_OPS = st.one_of(
    st.tuples(st.just("flip"), _POS, st.integers(0, 7)),
    st.tuples(st.just("insert"), _POS, st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("delete"), _POS, st.integers(1, 64)),
    st.tuples(st.just("duplicate"), _POS, st.integers(1, 4096), _POS),
    st.tuples(st.just("drop"), _POS, st.integers(1, 4096)),
    st.tuples(st.just("truncate"), _POS),
    st.tuples(st.just("splice"), _POS, st.integers(0, len(DANGEROUS) - 1)),
    st.tuples(st.just("after"), st.integers(0, len(MARKS) - 1), _POS,
              st.integers(0, len(DANGEROUS) - 1)),
    st.tuples(st.just("overwrite"), _POS, st.integers(0, len(DANGEROUS) - 1)),
    st.tuples(st.just("swap"), st.integers(0, len(SWAPS) - 1), _POS),
)  # fmt: skip
MUTATIONS = st.lists(_OPS, min_size=1, max_size=4)


@functools.cache
def _sample(path: Path) -> bytes:
    return path.read_bytes()[:MAX_SAMPLE]


def mutate(data: bytes, ops: list[tuple]) -> bytes:
    """Apply the mutations in order; positions are taken modulo the current length."""
    b = bytearray(data)
    for op in ops:
        kind, n = op[0], len(b)
        at = op[1] % (n + 1) if kind not in ("after", "swap") else 0
        if kind == "flip" and n:
            b[at % n] ^= 1 << op[2]
        elif kind == "insert":
            b[at:at] = op[2]
        elif kind == "delete":
            del b[at : at + op[2]]
        elif kind == "duplicate":
            piece = b[at : at + op[2]]
            to = op[3] % (n + 1)
            b[to:to] = piece
        elif kind == "drop":
            del b[at : at + op[2]]
        elif kind == "truncate":
            del b[at:]
        elif kind == "splice":
            b[at:at] = DANGEROUS[op[2]]
        elif kind == "overwrite":
            token = DANGEROUS[op[2]]
            b[at : at + len(token)] = token
        elif kind == "after":
            mark = MARKS[op[1]]
            places = [i for i, c in enumerate(b) if c == mark]
            if places:
                i = places[op[2] % len(places)] + 1
                b[i:i] = DANGEROUS[op[3]]
        elif kind == "swap":
            old, new = SWAPS[op[1]]
            places = _find_all(b, old)
            if places:
                i = places[op[2] % len(places)]
                b[i : i + len(old)] = new
    return bytes(b)


def _find_all(data: bytearray, needle: bytes) -> list[int]:
    places, i = [], data.find(needle)
    while i >= 0 and len(places) < 10_000:
        places.append(i)
        i = data.find(needle, i + 1)
    return places


def describe(path: Path, ops: list[tuple]) -> str:
    shown = [
        (*op[:-1], DANGEROUS[op[-1]][:40])
        if op[0] in ("splice", "overwrite", "after")
        else ("swap", *SWAPS[op[1]], op[2])
        if op[0] == "swap"
        else op
        for op in ops
    ]
    return f"file {rel(path)}, mutations {shown}"


def _has_text(title: str) -> bool:
    return any(unicodedata.category(c)[0] in "LN" for c in title)


def check_items(module: ModuleType, data: bytes) -> int:
    """Read ``data`` with ``module`` to the end, checking every item; returns how many."""
    stream = io.BufferedReader(io.BytesIO(data), buffer_size=1 << 20)  # as open_input gives it
    n = 0
    try:
        for item in module.parse(stream):
            n += 1
            assert isinstance(item, Item), f"{module.NAME} yielded {type(item).__name__}"
            assert (item.paper is None) != (item.error is None), (
                f"{module.NAME}: item {n} (line {item.line}) has "
                + ("both a paper and an error" if item.paper else "neither a paper nor an error")
            )
            if item.error is not None:
                why = message_junk(item.error)
                assert why is None, f"{module.NAME}: item {n} (line {item.line}): {why}"
            else:
                paper = item.paper
                assert isinstance(paper, Paper)
                assert isinstance(paper.title, str) and _has_text(paper.title), (
                    f"{module.NAME}: item {n} (line {item.line}) has the title {paper.title!r}"
                )
    except FormatError as exc:
        why = message_junk(exc.message)
        assert why is None, f"{module.NAME}: FormatError: {why}"
    return n


def _bounded(max_examples: int):
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def test_there_are_samples_of_every_folder(shared):
    assert {"atom", "bibtex", "hf", "oai", "other"} <= set(FOLDERS)


@pytest.mark.parametrize("folder", FOLDERS)
@_bounded(max_examples=300)
@given(data=st.data())
def test_a_mutated_real_file_imports_or_fails_cleanly(folder: str, data):
    path = data.draw(st.sampled_from([p for p in SAMPLES if rel(p).startswith(folder + "/")]))
    ops = data.draw(MUTATIONS)
    note(describe(path, ops))
    content = mutate(_sample(path), ops)
    try:
        module = importers.detect(content[:HEAD_BYTES])
    except FormatError as exc:
        assert message_junk(exc.message) is None, exc.message
        return
    note(f"detected as {module.NAME}")
    check_items(module, content)


@pytest.mark.parametrize("name", importers.FORMATS)
@_bounded(max_examples=150)
@given(data=st.data())
def test_a_mutated_real_file_forced_into_any_format_fails_cleanly(name: str, data):
    path = data.draw(st.sampled_from(SAMPLES))
    ops = data.draw(MUTATIONS)
    note(describe(path, ops))
    check_items(importers.get(name), mutate(_sample(path), ops))
