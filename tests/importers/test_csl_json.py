"""The CSL-JSON importer: zotero-better-bibtex's real sample in ../shared, and edge cases."""

from __future__ import annotations

import io
import json
import tracemalloc

import pytest

from paperscope.importers import csl_json
from paperscope.importers.base import FormatError, Item
from paperscope.models import Paper
from tests.conftest import SHARED

SAMPLE = SHARED / "data" / "real-formats" / "other" / "sample.csl.json"


def parse(data: str | bytes) -> list[Item]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return list(csl_json.parse(io.BytesIO(raw)))


def one(item: dict) -> Paper:
    (got,) = parse(json.dumps([item]))
    assert got.error is None, got.error
    return got.paper


def test_the_real_sample(shared):
    assert csl_json.detect(SAMPLE.read_bytes())
    with open(SAMPLE, "rb") as f:
        (item,) = list(csl_json.parse(f))
    assert (item.line, item.unit) == (1, "record")
    p = item.paper
    # "<i>Library Quarterly</i>": CSL's rich-text markup is not part of the title.
    assert p.title == (
        "Codes, costs, and critiques: The organization of information in Library Quarterly, "
        "1931–2004"
    )
    assert p.authors == ["Hope A. Olson"]
    assert p.published == "2006"  # date-parts [["2006"]]: a year as a string
    assert p.doi == "10.1086/504343"
    assert (p.journal, p.volume, p.issue, p.pages) == ("Library Quarterly", "76", "1", "19--35")
    assert p.journal_ref == "Library Quarterly 76(1), 19-35"  # "19–35", an en dash, in the file
    assert p.sources == ["csl-json"]


def test_names_dates_and_numbers():
    p = one({
        "id": "x", "type": "article-journal", "title": "T",
        "author": [
            {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
            {"literal": "The CMS Collaboration"},
            {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
        ],
        "issued": {"date-parts": [[2006, 5, 3], [2006, 6]]},
        "volume": 12, "page": "e1234",
    })  # fmt: skip
    assert p.authors == ["Ludwig van Beethoven", "The CMS Collaboration", "Martin Luther King Jr."]
    assert p.published == "2006-05-03"
    assert (p.volume, p.pages) == ("12", "e1234")
    assert one({"title": "T", "issued": {"raw": "2019-07"}}).published == "2019-07"
    assert one({"title": "T", "issued": {"literal": "May 2006"}}).published == "2006-05"
    assert one({"title": "T", "issued": {"date-parts": [[2001, 2, 30]]}}).published == "2001"
    assert one({"title": "T", "editor": [{"family": "Ed", "given": "A."}]}).authors == ["A. Ed"]
    assert one({"title": "T", "container-title-short": "Libr. Q."}).journal == "Libr. Q."


def test_an_arxiv_preprint_as_zotero_exports_it():
    p = one({
        "id": "p", "type": "article", "title": "Attention Is All You Need",
        "publisher": "arXiv", "number": "arXiv:1706.03762",
        "DOI": "10.48550/arXiv.1706.03762", "URL": "http://arxiv.org/abs/1706.03762",
    })  # fmt: skip
    assert (p.id, p.doi) == ("1706.03762", "")
    assert one({"title": "T", "URL": "https://doi.org/10.1000/x"}).doi == "10.1000/x"


def test_bad_items_are_reported_by_number_with_their_line_and_the_rest_kept():
    text = '[\n  {"id": "a", "title": "Good"},\n  {"id": "b"},\n  7,\n  {"id": "c", "title": "Also good", "author": "Doe"}\n]\n'
    items = parse(text)
    assert [(i.line, i.unit) for i in items] == [(1, "record"), (2, "record"), (3, "record"),
                                                 (4, "record")]  # fmt: skip
    assert items[0].paper.title == "Good"
    assert items[1].error == "the item has no \"title\" (line 3, id 'b')"
    assert items[2].error == "an item must be a JSON object, not a number (line 4)"
    assert items[3].error == ("\"author\" must be an array of names, not a string (line 5, id 'c')")


def test_invalid_json_inside_an_item_costs_that_item():
    items = parse('[{"title": "A"}, {"title": "B" "x"}, {"title": "C"}]')
    assert [i.paper.title if i.paper else i.error for i in items] == [
        "A",
        "not valid JSON: unexpected character, expected ',' or '}', at character 15 of the item"
        " (line 1)",
        "C",
    ]  # fmt: skip


def test_strings_with_brackets_commas_and_escapes_do_not_confuse_the_scanner():
    tricky = 'Quotes \\" and \\\\ and ], [, {, } and , too'
    (item,) = parse('[{"title": "' + tricky + '", "abstract": "\\u00e9t\\u00e9"}]')
    assert item.paper.title == 'Quotes " and \\ and ], [, {, } and , too'
    assert item.paper.abstract == "été"


def test_the_zotero_api_wraps_the_items_in_an_object():
    data = json.dumps({"items": [{"id": "1", "type": "book", "title": "Book"}]})
    assert csl_json.detect(data.encode())
    (item,) = parse(data)
    assert item.paper.title == "Book"
    # Other members, before and after the items, are skipped however they nest.
    wrapped = (
        '{"meta": {"x": [1, {"y": "], } {"}]}, "items": [{"title": "A"}, {"title": "B"}],'
        ' "total": [2]}'
    )
    assert [i.paper.title for i in parse(wrapped)] == ["A", "B"]
    with pytest.raises(FormatError, match='without an "items" array'):
        parse('{"papers": [{"title": "A"}]}')
    with pytest.raises(FormatError, match='without an "items" array'):
        parse('{"items": {"title": "A"}}')


TRICKY = [
    '[{"title": "A \\"quoted\\" [title], {with} commas", "author": [{"family": "O\\\\Brien"}]},'
    ' {"title": "B", "issued": {"date-parts": [[2001, 2]]}}, 7, {"title": "\\u00e9t\\u00e9"}]',
    '{"meta": {"note": "\\"items\\": ["}, "items": [{"title": "A"},\n {"title": "B"}]}',
]


@pytest.mark.parametrize("document", TRICKY, ids=["array", "object"])
def test_chunk_boundaries_anywhere_give_the_same_items(document, monkeypatch):
    whole = [(i.line, i.error, i.paper) for i in parse(document)]
    assert any(paper for _, _, paper in whole)
    for size in (1, 2, 3, 5, 7):
        monkeypatch.setattr(csl_json, "_CHUNK", size)
        assert [(i.line, i.error, i.paper) for i in parse(document)] == whole, size


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "the CSL-JSON array is empty"),
        ("  \n", "the file holds no JSON array"),
        ('"just a string"', "does not start with '\\['"),
        ('[{"title": "A"}', "the file ends inside item 1 \\(line 1\\): it is cut short"),
        ('[{"title": "A"},', "the file ends before the JSON array is closed"),
        ('[{"title": "A"},]', "the JSON array ends with a comma"),
        ('[{"title": "A"}] [', "text after the end of the JSON array: '\\['"),
        ('{"items": [{"title": "A"}]', "the file ends before the JSON object is closed"),
        ('{"items": [{"title": "A"}], }', "the JSON object ends with a comma"),
        (b'[{"title": "\xff"}]', "not UTF-8 \\(byte 13\\)"),
    ],
)
def test_a_broken_file_says_what_is_wrong(text, message):
    with pytest.raises(FormatError, match=message):
        parse(text)


def test_a_byte_order_mark_and_an_item_over_the_limit(monkeypatch):
    monkeypatch.setattr(csl_json, "MAX_ITEM_CHARS", 100)
    data = "\ufeff" + json.dumps([{"title": "x" * 200}, {"title": "Small"}])
    items = parse(data)
    assert items[0].error == "the item is over the limit of 100 characters (line 1)"
    assert items[1].paper.title == "Small"


def test_detection():
    assert csl_json.detect(b'[\n\t{\n\t\t"id": "x",\n\t\t"type": "book",\n\t\t"title": "T"}]')
    assert not csl_json.detect(b'[{"paper": {"id": "2101.00001", "title": "T"}}]')  # HF API
    assert not csl_json.detect(b'{"id": "0704.0001", "title": "T", "authors": "A"}')  # arXiv
    assert not csl_json.detect(b"[1, 2, 3]")


def test_memory_holds_one_item_at_a_time(monkeypatch):
    monkeypatch.setattr(csl_json, "_CHUNK", 16 * 1024)  # the file is read in many chunks
    items = [{"id": str(i), "type": "article", "title": f"Paper {i}", "abstract": "word " * 40}
             for i in range(2_000)]  # fmt: skip
    data = json.dumps(items).encode()  # one line, as tools that do not indent write it
    tracemalloc.start()
    try:
        count = sum(1 for item in csl_json.parse(io.BytesIO(data)) if item.paper)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 2_000
    assert peak < len(data) // 4, f"peak {peak:,} bytes for a {len(data):,}-byte file"
