"""arXiv's own answers, recorded from its live servers (../shared/data/real-formats/oai
and /atom), through the real import path: counts and fields checked by hand.

Mutated copies of these files, built here, stand for what a fuzzer found: each
bad record is reported at its line and skipped, the rest of the file kept; a
file that cannot be read at all is one clear FormatError, never a traceback.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import orjson
import pytest

from paperscope import importers
from paperscope.importers import arxiv_atom, arxiv_snapshot, oai_pmh
from paperscope.importers.base import HEAD_BYTES, FormatError
from paperscope.library import Library
from tests.conftest import ARXIV_SAMPLE, SHARED

REAL = SHARED / "data" / "real-formats"
PAPERHIVE = REAL / "oai" / "paperhive"
RAW = REAL / "oai" / "arxivraw"
DC = REAL / "oai" / "oai_dc"
ATOM = REAL / "atom"


@pytest.fixture(autouse=True)
def _real_files(shared):
    """Every test here reads ../shared: fail clearly when it is missing."""


def read(module, data: bytes) -> list:
    return list(module.parse(io.BytesIO(data)))


def papers_of(module, path: Path) -> list:
    with open(path, "rb") as f:
        items = list(module.parse(f))
    assert all(i.paper for i in items), [i.error for i in items if i.error]
    return [i.paper for i in items]


def imported(tmp_path: Path, data: bytes, name: str = "file.xml"):
    """Import bytes as a file through Library.import_file, with format detection."""
    path = tmp_path / name
    path.write_bytes(data)
    with Library(tmp_path / "library.db") as lib:
        report = lib.import_file(path)
        return report, {p.id: p for p in lib.papers()}


# -- every file -------------------------------------------------------------------------

# What each file gives: papers, or the FormatError that says why it holds none.
NOT_RECORDS = "not records; harvest with ListRecords or GetRecord"
EXPECTED = {
    "oai/arxivraw/invenio_1304.4214_arXivRaw.xml": 1,
    "oai/arxivraw/live_cs_CV_arXivRaw.xml": 5,
    "oai/oai_dc/GetRecord_data.xml": 1,
    "oai/oai_dc/ListRecords_data_0.xml": 1000,
    "oai/oai_dc/ListRecords_data_1.xml": 1000,
    "oai/oai_dc/ListRecords_data_2.xml": 265,
    "oai/paperhive/ph_malformed_arxiv.xml": (
        "the OAI-PMH server answered idDoesNotExist: The value of the identifier argument "
        "is unknown or illegal in this repository."
    ),
    "oai/paperhive/ph_nock-fixtures_oaipmh-getrecord---should-get-a-record_0.xml": 1,
    "oai/paperhive/ph_nock-fixtures_oaipmh-identify---should-identify-arxiv_0.xml": (
        f"line 5: this is an OAI-PMH Identify response: it describes the repository, {NOT_RECORDS}"
    ),
    "oai/paperhive/ph_nock-fixtures_oaipmh-listidentifiers---should-list-identifiers-from-arxiv_0.xml": (
        f"line 5: this is an OAI-PMH ListIdentifiers response: it lists identifiers, {NOT_RECORDS}"
    ),
    "oai/paperhive/ph_nock-fixtures_oaipmh-listmetadataformats---should-list-metadata-formats-for-arxiv-id-1208-0264_0.xml": (
        "line 5: this is an OAI-PMH ListMetadataFormats response: it lists metadata formats, "
        + NOT_RECORDS
    ),
    "oai/paperhive/ph_nock-fixtures_oaipmh-listmetadataformats---should-list-metadata-formats-for-arxiv_0.xml": (
        "line 5: this is an OAI-PMH ListMetadataFormats response: it lists metadata formats, "
        + NOT_RECORDS
    ),
    "oai/paperhive/ph_nock-fixtures_oaipmh-listrecords---should-list-identifiers-from-arxiv_1.xml": 2,
    "oai/paperhive/ph_nock-fixtures_oaipmh-listsets---should-list-arxiv-sets-single-result_0.xml": (
        f"line 5: this is an OAI-PMH ListSets response: it lists the repository's sets, {NOT_RECORDS}"
    ),
    "oai/paperhive/ph_nock-fixtures_oaipmh-listsets---should-list-arxiv-sets_0.xml": (
        f"line 5: this is an OAI-PMH ListSets response: it lists the repository's sets, {NOT_RECORDS}"
    ),
    "oai/paperhive/ph_nock-fixtures_oaipmh-non-standards-should-accept-empty-result-listrecords_0.xml": (
        "this OAI-PMH ListRecords response holds no records"
    ),
    "oai/paperhive/ph_nockFixtures_oaipmh-getrecord---should-get-a-record_0.xml": 1,
    "oai/paperhive/ph_nockFixtures_oaipmh-listidentifiers---should-list-identifiers-from-arxiv_0.xml": (
        f"line 5: this is an OAI-PMH ListIdentifiers response: it lists identifiers, {NOT_RECORDS}"
    ),
    "oai/paperhive/ph_nockFixtures_oaipmh-listidentifiers---should-list-identifiers-from-arxiv_2.xml": (
        f"line 5: this is an OAI-PMH ListIdentifiers response: it lists identifiers, {NOT_RECORDS}"
    ),
    "oai/paperhive/ph_nockFixtures_oaipmh-listrecords---should-list-identifiers-from-arxiv_1.xml": 2,
    "atom/id_0000.0000_s0_m100_8b51d9633a68.xml": (
        "this arXiv API feed holds no entries: id_list=0000.0000 matched nothing"
    ),
    "atom/id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.xml": 1,
    "atom/id_0808.05394_s0_m100_7b0c7d0a7cdd.xml": (
        "this arXiv API feed holds no entries: id_list=0808.05394 matched nothing"
    ),
    "atom/id_1605.08386_s0_m100_199195aa31ad.xml": 1,
    "atom/id_1707.08567_s0_m100_6a1afebfc6a3.xml": 1,
    "atom/id_2104.12255v1_s0_m100_6ae69987ffe1.xml": 1,
    "atom/id_abc_s0_m100_b79c8dcf6bc3.xml": (
        "line 9: the arXiv API answered with an error: incorrect id format for abc"
    ),
    "atom/id_astro-ph_0601001_s0_m100_3150dca9dc76.xml": 1,
    "atom/id_quant-ph_0201082v1_s0_m100_86989fe779ef.xml": 1,
    "atom/q_testing_s0_m100_cfe7536492ca.xml": 100,
    "atom/q_testing_s0_m10_bc5a6c384fe9.xml": 10,
    "atom/q_testing_s0_m15_80c242b59d59.xml": 15,
    "atom/q_testing_s10_m10_34e56e15aaac.xml": 10,
    "atom/q_testing_s20_m10_348a237fecab.xml": 10,
    "atom/q_testing_s30_m10_f2e39f0143dc.xml": 10,
    "atom/q_testing_s40_m10_96dd32eb854c.xml": 10,
    "atom/q_testing_s50_m10_7f488ab8598c.xml": 10,
    "atom/q_testing_s5_m10_c0e94a259d4a.xml": 10,
    "atom/q_testing_s5_m15_bbcf6b23085b.xml": 15,
    "atom/q_testing_s9_m15_0b78d4b4d476.xml": 15,
    "atom/share_old_entry.xml": 1,
}


def test_the_expectations_cover_every_file_of_both_folders():
    found = sorted(p.relative_to(REAL).as_posix() for p in [*REAL.glob("oai/*/*"), *ATOM.glob("*")])
    assert found == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_real_file_imports_or_is_refused_clearly(name, tmp_path):
    path = REAL / name
    assert importers.detect(path.read_bytes()[:HEAD_BYTES]).NAME == (
        "arxiv-atom" if name.startswith("atom/") else "oai-pmh"
    )
    with Library(tmp_path / "library.db") as lib:
        report = lib.import_file(path)
        stored = lib.count()
    expected = EXPECTED[name]
    assert report.failed == 0 and report.problems == []
    if isinstance(expected, int):
        assert report.error is None
        assert report.added == stored == expected
    else:
        assert report.error == expected
        assert stored == 0


# -- oai/paperhive: the arXiv format, and what is not a list of records -----------------


def test_paperhive_getrecord_in_the_arxiv_format():
    (paper,) = papers_of(
        oai_pmh, PAPERHIVE / "ph_nockFixtures_oaipmh-getrecord---should-get-a-record_0.xml"
    )
    assert paper.id == "1412.8544"
    assert paper.title == "A Kochen-Specker system has at least 22 vectors (extended abstract)"
    assert paper.authors == ["Sander Uijlen", "Bas Westerbaan"]  # affiliations left out
    assert (paper.published, paper.updated) == ("2014-12-29", "2014-12-29")  # days only
    assert paper.versions == []
    assert paper.categories == ["cs.DM"]
    assert paper.doi == "10.4204/EPTCS.172.11"
    assert paper.journal_ref == "EPTCS 172, 2014, pp. 154-164"
    assert paper.comments == "In Proceedings QPL 2014, arXiv:1412.8102"
    assert paper.abstract.startswith("At the heart of the Conway-Kochen Free Will theorem")
    assert paper.sources == ["arxiv-oai"]


def test_paperhive_listrecords_with_an_old_style_id():
    name = "ph_nock-fixtures_oaipmh-listrecords---should-list-identifiers-from-arxiv_1.xml"
    kochen, requardt = papers_of(oai_pmh, PAPERHIVE / name)
    assert kochen.id == "1412.8544"
    assert requardt.id == "hep-th/9504118"
    assert requardt.links["abs"] == "https://arxiv.org/abs/hep-th/9504118"
    assert requardt.authors == ["M. Requardt"]
    assert requardt.published == "1995-04-24"
    assert requardt.categories == ["hep-th"]
    assert requardt.comments == "21 pages, Latex"
    # Entities decoded, TeX in the abstract kept as arXiv wrote it.
    assert 'the "strength" of the bonds' in requardt.abstract
    assert "'{\\it cellular network}'" in requardt.abstract


def test_an_arxiv_element_without_its_namespace_is_still_read():
    real = (PAPERHIVE / "ph_nockFixtures_oaipmh-getrecord---should-get-a-record_0.xml").read_bytes()
    bare = real.replace(b' xmlns="http://arxiv.org/OAI/arXiv/"', b"", 1)
    assert bare != real
    (item,) = read(oai_pmh, bare)
    (paper,) = papers_of(
        oai_pmh, PAPERHIVE / "ph_nockFixtures_oaipmh-getrecord---should-get-a-record_0.xml"
    )
    assert item.paper == paper
    assert item.paper.authors == ["Sander Uijlen", "Bas Westerbaan"]


def test_the_bare_error_arxiv_answers_names_the_error(tmp_path):
    report, stored = imported(tmp_path, (PAPERHIVE / "ph_malformed_arxiv.xml").read_bytes())
    assert report.format == "oai-pmh"
    assert report.error.startswith("the OAI-PMH server answered idDoesNotExist: The value")
    assert stored == {}
    # Inside the envelope, the request says which identifier arXiv did not know.
    enveloped = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">\n'
        b'<request verb="GetRecord" identifier="oai:arXiv.org:1234.99999" metadataPrefix="arXiv">'
        b"http://export.arxiv.org/oai2</request>\n"
        + (PAPERHIVE / "ph_malformed_arxiv.xml").read_bytes().split(b"\n", 1)[1]
        + b"</OAI-PMH>\n"
    )
    with pytest.raises(oai_pmh.OAIError) as info:
        read(oai_pmh, enveloped)
    assert info.value.code == "idDoesNotExist"
    assert str(info.value).startswith(
        "the OAI-PMH server answered idDoesNotExist for oai:arXiv.org:1234.99999: The value"
    )


# -- oai/arxivraw: versions, affiliations, TeX in names ---------------------------------


def test_live_cs_cv_arxivraw_page():
    with open(RAW / "live_cs_CV_arXivRaw.xml", "rb") as f:
        page = oai_pmh.parse_page(f)
    assert page.resumption_token is None  # empty token: the list is complete
    assert (page.complete_list_size, page.cursor, page.datestamp) == (5, 0, "2026-09-24")
    gan, masks, scdm, attention, forests = (i.paper for i in page.items)
    assert [i.line for i in page.items] == [6, 32, 62, 89, 144]

    assert gan.id == "2303.15533"
    assert gan.title.startswith(
        'Sequential training of GANs against GAN-classifiers reveals correlated "knowledge gaps"'
    )
    assert gan.doi == "10.1109/CVPR52729.2023.02343"
    assert (
        gan.journal_ref
        == "2023 IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)"
    )
    assert gan.categories == ["cs.LG", "cs.CV"]
    assert [(v.version, v.created, v.size) for v in gan.versions] == [
        (1, "2023-03-27T18:18:15Z", "3279kb")
    ]

    assert masks.authors == ["Augustine X. W. Lee", "Pak-Hei Yeung", "Jagath C. Rajapakse"]
    assert (masks.published, masks.updated) == ("2025-08-15T12:57:35Z", "2026-09-11T06:31:45Z")
    assert masks.license == "http://creativecommons.org/licenses/by-nc-sa/4.0/"

    # arXiv lists "\c{C}elik" as "Çelik"; the submitter field is plain text already.
    assert scdm.authors == ["Mustafa Bora Çelik", "Hayriye Aktaş Dinçer", "Ayse Keles"]
    assert scdm.submitter == "Mustafa Bora Celik"

    assert len(attention.versions) == 7
    assert attention.versions[-1].created == "2023-08-02T00:41:18Z"
    assert attention.submitter == "Llion Jones"
    assert attention.authors[5] == "Aidan N. Gomez" and len(attention.authors) == 8

    # "(1) ... ((1) Department of Geography, ...)": affiliations dropped.
    assert forests.authors == [
        "Thomas Ratsakatika",
        "Mihai Zotta",
        "Srinivasan Keshav",
        "Emily R. Lines",
    ]
    assert forests.categories == ["cs.LG", "cs.CV", "eess.IV"]


def test_invenio_arxivraw_getrecord():
    (paper,) = papers_of(oai_pmh, RAW / "invenio_1304.4214_arXivRaw.xml")
    assert paper.id == "1304.4214"
    assert paper.title == "Neutron Scattering and Its Application to Strongly Correlated Systems"
    assert paper.authors == ["Igor A. Zaliznyak", "John M. Tranquada"]
    assert paper.submitter == "John M. Tranquada"
    assert [(v.version, v.created, v.size) for v in paper.versions] == [
        (1, "2013-04-15T19:33:21Z", "609kb")
    ]
    assert paper.categories == ["cond-mat.str-el"]
    assert paper.comments.startswith(
        '31 pages, chapter for "Strongly Correlated Systems: Experimental Techniques"'
    )


def test_tex_names_are_decoded_like_the_snapshots_own_parsed_names():
    """The snapshot's authors_parsed is arXiv's decoding of its TeX author string;
    reading that string ourselves (as arXivRaw gives it) must agree."""
    lines = ARXIV_SAMPLE.read_bytes().splitlines()
    tex = [line for line in lines if b"\\\\" in line.split(b'"title"')[0]]
    assert len(tex) >= 5
    for line in tex:
        record = orjson.loads(line)
        parsed = arxiv_snapshot.to_paper(record)
        raw = oai_pmh.split_authors(record["authors"])
        assert [arxiv_snapshot.arxiv_name(n) for n in raw] == parsed.authors, parsed.id


# -- oai/oai_dc: Dublin Core -------------------------------------------------------------


def test_oai_dc_getrecord():
    (paper,) = papers_of(oai_pmh, DC / "GetRecord_data.xml")
    assert paper.id == "2107.10460"
    assert (
        paper.title
        == "Anomalous High-Field Magnetotransport in CaFeAsF due to the Quantum Hall Effect"
    )
    assert paper.authors == [
        "Taichi Terashima", "Hishiro T. Hirose", "Naoki Kikugawa", "Shinya Uji",
        "David Graf", "Takao Morinari", "Teng Wang", "Gang Mu",
    ]  # fmt: skip
    # Subject names mapped back to categories, in arXiv's order; the set
    # physics:cond-mat names no one category and adds none.
    assert paper.categories == ["cond-mat.supr-con", "cond-mat.mtrl-sci", "cond-mat.str-el"]
    assert (paper.published, paper.updated) == ("2021-07-22", "2022-06-15")
    assert paper.versions == []
    assert paper.doi == "10.1038/s41535-022-00470-6"
    assert paper.journal_ref == "npj Quantum Materials 7, 62 (2022)"
    assert paper.comments == "18 pages, 1 table, 4 figures"
    assert paper.abstract.startswith("CaFeAsF is an iron-based superconductor parent compound")
    assert 'Schr\\"odinger-hole' in paper.abstract  # TeX kept in the abstract
    assert paper.links["abs"] == "https://arxiv.org/abs/2107.10460"


def test_oai_dc_listrecords_pages():
    pages = []
    for name in ("ListRecords_data_0.xml", "ListRecords_data_1.xml", "ListRecords_data_2.xml"):
        with open(DC / name, "rb") as f:
            pages.append(oai_pmh.parse_page(f))
    assert [len(p.items) for p in pages] == [1000, 1000, 265]
    assert [p.resumption_token for p in pages] == ["6511260|1001", "6511260|2001", None]
    assert [p.cursor for p in pages] == [0, 1000, 2000]
    assert {p.complete_list_size for p in pages} == {2265}
    papers = {i.paper.id: i.paper for p in pages for i in p.items}
    assert len(papers) == 2265

    kempner = papers["0806.4410"]
    assert kempner.authors == ["Robert Baillie"]
    assert kempner.categories == ["math.CA", "math.NT"]  # the MSC subject "40-01, 65B10" left out
    assert (kempner.published, kempner.updated) == ("2008-06-27", "2023-03-04")

    baez = papers["gr-qc/9910050"]  # an old-style id
    assert baez.authors == ["John C. Baez"]
    assert baez.categories == ["gr-qc"]
    assert baez.published == baez.updated == "1999-10-13"  # one date: one version
    assert baez.journal_ref == (
        "in Diagrammatic Morphisms and Applications, eds. David Radford, Fernando Souza, "
        "and David Yetter, Contemp. Math. 318, 2003, pp. 9-21"
    )
    peakon = papers["nlin/0202021"]
    assert peakon.categories == ["nlin.SI", "nlin.PS"]
    assert peakon.comments == "Some errors in the previous versions have been corrected"

    # arXiv's name parser leaves "." after "et al."; it is no author.
    braiding = next(
        p
        for p in papers.values()
        if p.title.startswith("Interference measurements of non-Abelian e/4")
    )
    assert braiding.authors[-1] == "K. W. West" and len(braiding.authors) == 8
    assert (
        braiding.title
        == "Interference measurements of non-Abelian e/4 & Abelian e/2 quasiparticle braiding"
    )
    everyone = {a for p in papers.values() for a in p.authors}
    assert "M. Finger Jr." in everyone  # "Finger, Jr., M."
    assert "D. Zarić" in everyone  # "Zari&#x107;, D."
    assert not any(re.fullmatch(r"\W*", a) for a in everyone)
    with_doi = [p for p in papers.values() if p.doi]
    assert len(with_doi) > 200 and all(p.doi.startswith("10.") for p in with_doi)
    uncategorised = [p.id for p in papers.values() if not p.categories]
    assert uncategorised == []


# -- atom: the arXiv API -----------------------------------------------------------------


def test_atom_old_style_id_with_a_version():
    (paper,) = papers_of(arxiv_atom, ATOM / "id_quant-ph_0201082v1_s0_m100_86989fe779ef.xml")
    assert paper.id == "quant-ph/0201082"
    assert [(v.version, v.created) for v in paper.versions] == [(1, "2002-01-18T15:08:05Z")]
    assert paper.categories == ["quant-ph", "cs.PL"]  # primary first
    assert paper.authors == ["Stephen Blaha"]
    assert paper.comments == "32 pages"
    assert paper.links["abs"] == "https://arxiv.org/abs/quant-ph/0201082"


def test_atom_journal_ref_and_doi():
    (gould,) = papers_of(arxiv_atom, ATOM / "id_astro-ph_0601001_s0_m100_3150dca9dc76.xml")
    assert gould.id == "astro-ph/0601001"
    assert gould.journal_ref == "ActaAstron.56:1-50,2006"
    assert gould.authors == ["Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski"]
    (cusp,) = papers_of(arxiv_atom, ATOM / "share_old_entry.xml")  # the API's older layout
    assert cusp.id == "cond-mat/0102536"
    assert cusp.doi == "10.1063/1.1383585"
    assert cusp.links["doi"] == "http://dx.doi.org/10.1063/1.1383585"
    assert cusp.journal_ref == "J. Chem. Phys. 115, 1626 (2001)"
    assert cusp.categories == ["cond-mat.str-el"]  # primary and category, once
    assert cusp.published == "2001-02-28T20:12:09Z"


def test_atom_text_encoded_twice_by_the_live_api_is_decoded():
    (aew,) = papers_of(arxiv_atom, ATOM / "id_1707.08567_s0_m100_6a1afebfc6a3.xml")
    assert len(aew.authors) == 34
    assert "Dirk Wübben" in aew.authors  # the feed says "Dirk WÃ¼bben"
    assert (
        b"Dirk W\xc3\x83\xc2\xbcbben"
        in (ATOM / "id_1707.08567_s0_m100_6a1afebfc6a3.xml").read_bytes()
    )
    testing = {p.id: p for p in papers_of(arxiv_atom, ATOM / "q_testing_s0_m100_cfe7536492ca.xml")}
    assert testing["2602.15552"].authors == ["Giorgi Merabishvili", "Oliver Weißl", "Andrea Stocco"]
    assert (
        testing["2306.03845"].title == "$ω$Test: WebView-Oriented Testing for Android Applications"
    )
    text = " ".join(f"{p.title} {p.abstract} {' '.join(p.authors)}" for p in testing.values())
    assert not re.search("[ÃÂÎÏ][\u0080-\u00bf]", text)


def test_atom_paging_and_the_title_zero():
    with open(ATOM / "q_testing_s10_m10_34e56e15aaac.xml", "rb") as f:
        page = arxiv_atom.parse_feed(f)
    assert (page.total_results, page.start_index, page.items_per_page) == (214881, 10, 10)
    assert page.items[0].paper.id == "2403.16981"
    (zero,) = papers_of(arxiv_atom, ATOM / "id_2104.12255v1_s0_m100_6ae69987ffe1.xml")
    assert (zero.id, zero.title) == ("2104.12255", "0")  # the paper is called "0"
    with open(ATOM / "id_0000.0000_s0_m100_8b51d9633a68.xml", "rb") as f:
        empty = arxiv_atom.parse_feed(f)  # paging an empty answer is no error
    assert empty.items == [] and empty.total_results == 0


# -- the arXiv JSON snapshot --------------------------------------------------------------


def test_a_snapshot_that_starts_with_a_bom_imports(tmp_path):
    data = ARXIV_SAMPLE.read_bytes()
    for folder in ("plain", "bom"):
        (tmp_path / folder).mkdir()
    plain, plain_papers = imported(tmp_path / "plain", data, "sample.jsonl")
    bom, bom_papers = imported(tmp_path / "bom", b"\xef\xbb\xbf" + data, "sample.jsonl")
    assert bom.format == "arxiv-json" and bom.error is None
    assert bom.added == plain.added == 200
    assert bom_papers == plain_papers


# -- mutated copies: what a fuzzer found -------------------------------------------------

LIVE = RAW / "live_cs_CV_arXivRaw.xml"  # five records, starting at lines 6, 32, 62, 89, 144


def problems(report) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in report.problems]


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ("UTF-0", "the XML declaration names the encoding 'UTF-0', which does not exist"),
        (
            "UTF-32",
            "the file is not UTF-32, as it says or starts (byte 1 cannot be read as UTF-32)",
        ),
        ("x" * 500, "the XML declaration names the encoding 'xxxxxxxxxxxxxxxx"),
    ],
)
def test_an_encoding_that_cannot_be_read_is_one_clear_error(declared, message, tmp_path):
    data = LIVE.read_bytes().replace(b'encoding="UTF-8"', f'encoding="{declared}"'.encode(), 1)
    report, stored = imported(tmp_path, data)
    assert report.format == "oai-pmh"
    assert report.error.startswith("line 1: " + message)
    assert len(report.error) < 200
    assert stored == {}


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be", "utf-16-le", "iso-8859-9"])
def test_a_file_in_another_encoding_python_knows_is_read(codec):
    text = LIVE.read_text("utf-8").replace('encoding="UTF-8"', f'encoding="{codec.upper()}"', 1)
    data = text.encode(codec)  # Turkish Latin-5 has Ç and ş: a multi-byte-free real case too
    assert oai_pmh.detect(data[:HEAD_BYTES])
    papers = [i.paper for i in read(oai_pmh, data)]
    assert [p.id for p in papers] == [
        "2303.15533",
        "2508.11450",
        "2609.12825",
        "1706.03762",
        "2609.28194",
    ]
    assert papers[2].authors[:2] == ["Mustafa Bora Çelik", "Hayriye Aktaş Dinçer"]


SCDM_V1 = b"Fri, 11 Sep 2026 13:21:59 GMT"  # 2609.12825's v1, the record at line 62


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (SCDM_V1, b"Fri, 11 Sep 2026 99999999999:00:00 GMT", 62,
         "version date 'Fri, 11 Sep 2026 99999999999:00:00 GMT' is not an RFC 2822 date"),
        (SCDM_V1, b"Fri, 11 Sep 2026 13:21:59 +99999999", 62,
         "version date 'Fri, 11 Sep 2026 13:21:59 +99999999' is not an RFC 2822 date"),
        (SCDM_V1, b"Fri, 99999999999 Sep 2026 13:21:59 GMT", 62,
         "version date 'Fri, 99999999999 Sep 2026 13:21:59 GMT' is not an RFC 2822 date"),
        (SCDM_V1, b"Fri, 31 Feb 2026 13:21:59 GMT", 62,
         "version date 'Fri, 31 Feb 2026 13:21:59 GMT' is not a time the calendar has"),
        (SCDM_V1, b"Fri, 31 Dec 9999 23:00:00 -2300", 62,
         "version date 'Fri, 31 Dec 9999 23:00:00 -2300' is not a time the calendar has"),
        (b'version="v2"', b'version="v99999999999999999999"', 32,
         "version 2 has a bad label 'v99999999999999999999' (v1 to v1000)"),
    ],
)  # fmt: skip
def test_a_bad_arxivraw_record_is_reported_at_its_line_and_the_rest_kept(
    old, new, line, message, tmp_path
):
    data = LIVE.read_bytes()
    assert data.count(old) >= 1
    report, stored = imported(tmp_path, data.replace(old, new, 1))
    assert report.error is None
    assert problems(report) == [(line, message)]
    assert (report.added, report.failed) == (4, 1)
    assert len(stored) == 4


@pytest.mark.parametrize(
    ("created", "message"),
    [
        (b"1995-04-99999999999", "<created> '1995-04-99999999999' is not a day like 2007-04-02"),
        (b"1995-04-31", "<created> '1995-04-31' is not a day like 2007-04-02"),
    ],
)
def test_a_bad_day_in_the_arxiv_format_is_a_record_error(created, message, tmp_path):
    name = "ph_nock-fixtures_oaipmh-listrecords---should-list-identifiers-from-arxiv_1.xml"
    data = (PAPERHIVE / name).read_bytes().replace(b"1995-04-24", created)
    report, stored = imported(tmp_path, data)
    assert problems(report) == [(31, message)]  # hep-th/9504118's <record>
    assert data.splitlines()[30] == b"<record>"
    assert list(stored) == ["1412.8544"]


def test_a_snapshot_line_with_a_huge_version_is_skipped(tmp_path):
    lines = ARXIV_SAMPLE.read_bytes().splitlines(keepends=True)
    bad = lines[0].replace(b'"version":"v2"', b'"version":"v99999999999999999999"', 1)
    bad_date = lines[1].replace(
        b'"created":"', b'"created":"Mon, 2 Apr 2007 99999999999:00:00 GMT', 1
    )
    assert bad != lines[0] and bad_date != lines[1]
    report, stored = imported(tmp_path, b"".join([bad, bad_date, *lines[2:]]), "sample.jsonl")
    assert report.format == "arxiv-json"
    assert [line for line, _ in problems(report)] == [1, 2]
    assert (
        problems(report)[0][1] == "version 2 has a bad label 'v99999999999999999999' (v1 to v1000)"
    )
    assert "is not an RFC 2822 date" in problems(report)[1][1]
    assert report.added == len(stored) == 198


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b"1605.08386v1</id>", b"1605.08386v99999999999999999999</id>",
         "entry id 'http://arxiv.org/abs/1605.08386v99999999999999999999' has a bad version"),
        (b"<published>2016-05-26T17:59:46Z", b"<published>2016-05-99999999999T17:59:46Z",
         "published '2016-05-99999999999T17:59:46Z' is not an ISO 8601 date"),
        (b"<published>2016-05-26T17:59:46Z", b"<published>9999-12-31T23:59:59-05:00",
         "published '9999-12-31T23:59:59-05:00' is out of the calendar's range"),
        (b"<updated>2016-05-26T17:59:46Z", b"<updated>2016-05-26T99999999999:00:00+99999999",
         "updated '2016-05-26T99999999999:00:00+99999999' is not an ISO 8601 date"),
    ],
)  # fmt: skip
def test_a_bad_atom_entry_is_a_record_error(old, new, message, tmp_path):
    data = (ATOM / "id_1605.08386_s0_m100_199195aa31ad.xml").read_bytes()
    assert old in data
    report, stored = imported(tmp_path, data.replace(old, new, 1))
    assert report.error is None and stored == {}
    ((line, got),) = problems(report)
    assert line == 10 and got.startswith(message)


def test_a_record_nested_in_another_element_is_skipped_and_the_rest_kept(tmp_path):
    data = LIVE.read_bytes()
    second = data.index(b"<record>", data.index(b"<record>") + 1)
    end = data.index(b"</record>", second) + len(b"</record>")
    wrapped = data[:second] + b"<wrapper>" + data[second:end] + b"</wrapper>" + data[end:]
    report, stored = imported(tmp_path, wrapped)
    assert problems(report) == [
        (32, "a <record> inside <wrapper>, not directly in <ListRecords> or <GetRecord>: skipped")
    ]
    assert sorted(stored) == ["1706.03762", "2303.15533", "2609.12825", "2609.28194"]
    # A record inside a record's <metadata> is the outer record's content, not a record.
    meta_end = data.rindex(b"</metadata>", 0, second)
    inner = data[:meta_end] + data[second:end] + data[meta_end:second] + data[end:]
    items = read(oai_pmh, inner)
    assert [i.paper.id for i in items] == ["2303.15533", "2609.12825", "1706.03762", "2609.28194"]


def test_an_atom_entry_nested_in_another_element_is_skipped(tmp_path):
    data = (ATOM / "q_testing_s0_m10_bc5a6c384fe9.xml").read_bytes()
    first = data.index(b"<entry>")
    end = data.index(b"</entry>", first) + len(b"</entry>")
    wrapped = data[:first] + b"<group>" + data[first:end] + b"</group>" + data[end:]
    report, stored = imported(tmp_path, wrapped)
    ((line, message),) = problems(report)
    assert message == "an <entry> inside <group>, not directly in <feed>: skipped"
    assert wrapped.splitlines()[line - 1].strip().startswith(b"<group><entry>")
    assert len(stored) == 9 and "2202.12139" not in stored


# -- bounded memory ----------------------------------------------------------------------


class Stream:
    """A file made of parts produced on demand, never held whole."""

    def __init__(self, *parts: bytes | tuple[bytes, int]):
        self.parts = iter(parts)
        self.pending = b""
        self.repeat: tuple[bytes, int] | None = None

    def read(self, size: int = -1) -> bytes:
        while len(self.pending) < size:
            if self.repeat and self.repeat[1] > 0:
                self.pending += self.repeat[0]
                self.repeat = (self.repeat[0], self.repeat[1] - 1)
                continue
            part = next(self.parts, None)
            if part is None:
                break
            if isinstance(part, tuple):
                self.repeat = part
            else:
                self.pending += part
        out, self.pending = self.pending[:size], self.pending[size:]
        return out


HEADER = LIVE.read_bytes().split(b"<record>")[0] if LIVE.exists() else b""
MiB = 1 << 20


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ((b"<record><header><identifier>", (b"a" * MiB, 8)),
         "a text in <identifier> is over 4 MiB long; no record holds that much"),
        ((b"<record ", (b" " * MiB, 8)),
         "one XML tag, comment or declaration is over 4 MiB long"),
        ((b"<!--", (b"x" * MiB, 8)),
         "one XML tag, comment or declaration is over 4 MiB long"),
        ((b"<record><metadata><arXiv><authors>", (b"<author><keyname>a</keyname></author>" * 1024, 100)),
         "<record> (from line 6) holds over 16 MiB; no record is that large"),
        ((b"<a>" * 100,), "elements are nested more than 64 deep"),
    ],
)  # fmt: skip
def test_what_no_record_holds_is_refused_before_it_fills_memory(parts, message):
    with pytest.raises(FormatError) as info:
        list(oai_pmh.parse(Stream(HEADER, *parts, (b"x" * MiB, 1024))))
    assert info.value.message == message
    assert info.value.line == 6  # where the text, tag or record is
