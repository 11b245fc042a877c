"""The OAI-PMH importer on recorded-format arXiv responses (tests/data/oai)."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest

from paperscope.importers import arxiv_atom, arxiv_snapshot, oai_pmh
from paperscope.importers.base import FormatError
from paperscope.importers.oai_pmh import OAIError, parse, parse_page, split_authors

DATA = Path(__file__).resolve().parent.parent / "data" / "oai"


def items(name: str) -> list:
    with open(DATA / name, "rb") as f:
        return list(parse(f))


def lines_of(name: str) -> list[str]:
    return (DATA / name).read_text(encoding="utf-8").splitlines()


def test_detect_takes_oai_responses_and_nothing_else():
    for name in ("listrecords_arxivraw.xml", "listrecords_arxiv.xml", "error_norecordsmatch.xml"):
        head = (DATA / name).read_bytes()[:65536]
        assert oai_pmh.detect(head)
        assert not arxiv_atom.detect(head)
        assert not arxiv_snapshot.detect(head)
    atom = (DATA.parent / "atom" / "query.xml").read_bytes()
    assert not oai_pmh.detect(atom)
    assert not oai_pmh.detect(b'{"id": "1706.03762", "title": "x"}\n')
    assert not oai_pmh.detect(b"<?xml version='1.0'?><rss><channel/></rss>")


def test_arxivraw_records_become_papers_and_deleted_ones_are_skipped():
    got = items("listrecords_arxivraw.xml")
    papers = [i.paper for i in got if i.paper]
    assert [p.id for p in papers] == ["1706.03762", "hep-th/9711200", "1207.7214"]
    assert "1701.00001" not in {p.id for p in papers}  # the deleted record
    attention = papers[0]
    assert attention.title == "Attention Is All You Need"  # line break folded
    assert attention.authors[5] == "Aidan N. Gomez"
    assert len(attention.authors) == 8
    assert [(v.version, v.created, v.size) for v in attention.versions] == [
        (1, "2017-06-12T17:57:34Z", "1068kb"),
        (2, "2017-06-19T16:49:45Z", "1070kb"),
        (3, "2023-08-02T00:41:18Z", "2151kb"),
    ]
    assert attention.published == "2017-06-12T17:57:34Z"  # v1
    assert attention.updated == "2023-08-02T00:41:18Z"  # last version
    assert attention.categories == ["cs.CL", "cs.LG"]
    assert attention.primary_category == "cs.CL"
    assert attention.submitter == "Ashish Vaswani"
    assert attention.comments == "15 pages, 5 figures"
    assert attention.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert attention.sources == ["arxiv-oai"]
    # Whitespace folded, LaTeX verbatim.
    assert attention.abstract.startswith("Fixture text written for paperscope: a sequence")
    assert "scored with $\\mathrm{BLEU}$ on two translation tasks." in attention.abstract

    maldacena = papers[1]
    assert maldacena.authors == ["Juan M. Maldacena"]  # affiliation dropped
    assert maldacena.journal_ref == "Adv.Theor.Math.Phys.2:231-252,1998"
    assert maldacena.doi == "10.1023/A:1026654312961"
    assert "$\\mathcal{N}=4$ super Yang--Mills" in maldacena.abstract
    assert maldacena.links["abs"] == "https://arxiv.org/abs/hep-th/9711200"


def test_bad_records_are_errors_at_the_line_their_record_starts():
    got = items("listrecords_arxivraw.xml")
    errors = [i for i in got if i.error]
    assert [e.error for e in errors] == [
        "version date 'the second of January' is not an RFC 2822 date",
        "the record has no title",
    ]
    text = lines_of("listrecords_arxivraw.xml")
    for item in got:
        assert item.unit == "line"
        assert text[item.line - 1] == "<record>"
    assert text[errors[0].line + 1].strip() == "<identifier>oai:arXiv.org:2401.00002</identifier>"


def test_arxiv_format_gives_structured_authors_and_day_dates():
    papers = [i.paper for i in items("listrecords_arxiv.xml")]
    assert [p.id for p in papers] == ["1706.03762", "1412.6980", "2402.01234"]
    attention, adam, fixture = papers
    assert attention.authors[0] == "Ashish Vaswani"
    assert attention.published == "2017-06-12"
    assert attention.updated == "2023-08-02"
    assert attention.versions == []  # the format does not list versions
    assert (
        attention.abstract == "Fixture text written for paperscope: attention only, no recurrence."
    )
    assert adam.authors == ["Diederik P. Kingma", "Jimmy Ba"]  # affiliation ignored
    assert adam.updated == adam.published == "2014-12-22"  # one version: no <updated>
    assert adam.comments.startswith("Published as a conference paper at the 3rd")
    assert fixture.authors == ["Robert Smith Jr", "The Fixture Collaboration"]
    assert fixture.doi == "10.5555/fixture.2024.1"  # the first of two
    assert fixture.journal_ref == "J. Fixtures 1 (2024) 1-2"
    assert fixture.categories == ["cs.DL", "cs.IR"]


def test_getrecord_response():
    (item,) = items("getrecord_arxivraw.xml")
    paper = item.paper
    assert paper.id == "1810.04805"
    assert paper.title == (
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    )
    assert paper.authors == ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"]
    assert [v.version for v in paper.versions] == [1, 2]


def test_malformed_xml_names_line_and_column_after_the_good_records():
    seen = []
    with open(DATA / "malformed.xml", "rb") as f, pytest.raises(FormatError) as info:
        for item in parse(f):
            seen.append(item.paper.id)
    assert seen == ["1706.03762", "hep-th/9711200"]
    assert info.value.line == 102
    assert "</author>" in lines_of("malformed.xml")[101]
    assert str(info.value) == "line 102: malformed XML at column 36: mismatched tag"


def test_truncated_file_is_a_format_error():
    with open(DATA / "truncated.xml", "rb") as f, pytest.raises(FormatError) as info:
        list(parse(f))
    assert info.value.line == 61
    assert "malformed XML" in str(info.value)


def test_empty_and_foreign_files_are_refused_clearly():
    with pytest.raises(FormatError, match="the file is empty"):
        list(parse(io.BytesIO(b"")))
    with pytest.raises(FormatError, match="not an OAI-PMH response: the root element is rss"):
        list(parse(io.BytesIO(b"<rss><channel/></rss>")))


def test_entity_declarations_are_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">&lol2;</OAI-PMH>'
    )
    with pytest.raises(FormatError) as info:
        list(parse(io.BytesIO(bomb)))
    assert str(info.value) == (
        "line 1: refused unsafe XML: the file declares the entity 'lol'; "
        "entity declarations and external references are not accepted"
    )
    xxe = bomb.replace(b'<!ENTITY lol "lol">', b'<!ENTITY lol SYSTEM "file:///etc/passwd">')
    with pytest.raises(FormatError, match=r"declares the entity 'lol' \(file:///etc/passwd\)"):
        list(parse(io.BytesIO(xxe)))


def test_no_records_match_is_an_empty_complete_page():
    with pytest.raises(FormatError, match="answered noRecordsMatch.*the file holds no records"):
        items("error_norecordsmatch.xml")  # imported, it is refused with a reason
    with open(DATA / "error_norecordsmatch.xml", "rb") as f:
        page = parse_page(f)
    assert page.items == [] and page.resumption_token is None


def test_other_oai_errors_raise_with_their_code():
    with open(DATA / "error_badresumptiontoken.xml", "rb") as f, pytest.raises(OAIError) as info:
        parse_page(f)
    assert info.value.code == "badResumptionToken"
    assert "invalid or expired" in str(info.value)
    assert isinstance(info.value, FormatError)


def test_parse_page_reports_token_list_size_cursor_and_datestamp():
    with open(DATA / "listrecords_arxivraw.xml", "rb") as f:
        page = parse_page(f)
    assert page.resumption_token == "6960524|1001"
    assert page.complete_list_size == 11
    assert page.cursor == 0
    assert page.datestamp == "2024-01-06"  # the latest, the deleted record's
    assert page.deleted == 1
    assert len(page.items) == 5
    with open(DATA / "harvest" / "page3.xml", "rb") as f:
        last = parse_page(f)
    assert last.resumption_token is None  # empty token: the list is complete
    assert (last.complete_list_size, last.cursor) == (8, 6)


def test_unsupported_metadata_format_is_a_record_error():
    doc = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>\n'
        b"<record><header><identifier>oai:arXiv.org:1706.03762</identifier>"
        b"<datestamp>2024-01-01</datestamp></header><metadata>"
        b'<marc:record xmlns:marc="http://www.loc.gov/MARC21/slim"/>'
        b"</metadata></record></ListRecords></OAI-PMH>"
    )
    (item,) = parse(io.BytesIO(doc))
    assert item.line == 2
    assert item.error == (
        "metadata in <record> is not a format this reader knows (arXivRaw, arXiv or oai_dc)"
    )


def test_version_updates_merge_into_one_paper(store):
    for name in ("page1.xml", "page2.xml"):  # 2005.14165 as v1, then with v2
        with open(DATA / "harvest" / name, "rb") as f, store.transaction():
            store.save_papers([i.paper for i in parse(f)])
    paper = store.get("2005.14165")
    assert [v.version for v in paper.versions] == [1, 2]
    assert paper.published == "2020-05-28T17:29:03Z"
    assert paper.updated == "2020-06-01T17:33:10Z"
    assert store.count() == 4


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("A. Smith (MIT, CSAIL), B. Jones and C. Wu", ["A. Smith", "B. Jones", "C. Wu"]),
        ("A. Smith (1), B. Jones (2) ((1) MIT, (2) Harvard)", ["A. Smith", "B. Jones"]),
        ("Tom B. Brown, Benjamin Mann and others", ["Tom B. Brown", "Benjamin Mann"]),
        ("Anderson Andrews and\n  Sandy Anders", ["Anderson Andrews", "Sandy Anders"]),
        ("The ATLAS Collaboration", ["The ATLAS Collaboration"]),
        ("", []),
    ],
)
def test_split_authors(text, names):
    assert split_authors(text) == names


class GeneratedResponse:
    """A ListRecords response of ``n`` records produced on demand, never held whole."""

    RECORD = (
        b"<record><header><identifier>oai:arXiv.org:2401.%05d</identifier>"
        b"<datestamp>2024-01-05</datestamp></header><metadata>\n"
        b'<arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/"><id>2401.%05d</id>'
        b"<version version='v1'><date>Mon, 1 Jan 2024 10:00:00 GMT</date></version>"
        b"<title>Generated record %d</title><authors>A. Author and B. Author</authors>"
        b"<abstract>" + b"Generated abstract text. " * 40 + b"</abstract>"
        b"</arXivRaw></metadata></record>\n"
    )

    def __init__(self, n: int):
        self.parts = self._parts(n)
        self.buffer = b""
        self.size = 0

    def _parts(self, n):
        yield b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>\n'
        for i in range(n):
            yield self.RECORD % (i, i, i)
        yield b"</ListRecords></OAI-PMH>\n"

    def read(self, size: int = -1) -> bytes:
        while len(self.buffer) < size:
            part = next(self.parts, None)
            if part is None:
                break
            self.buffer += part
        out, self.buffer = self.buffer[:size], self.buffer[size:]
        self.size += len(out)
        return out


def test_memory_stays_flat_on_a_large_response():
    source = GeneratedResponse(3_000)
    tracemalloc.start()
    try:
        count = sum(1 for item in parse(source) if item.paper)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 3_000
    assert source.size > 3_000_000
    # Holding the records would take several times the input; streaming keeps
    # a few records' worth.
    assert peak < 1_000_000, f"peak {peak:,} bytes while parsing {source.size:,}"
