"""EndNote (.enw), PubMed/MEDLINE (.nbib) and ISI/Web of Science (.isi): JabRef's
real files in ../shared/data/real-formats/other, and edge cases of each."""

from __future__ import annotations

import io

import pytest

from paperscope.importers import endnote, isi, medline
from paperscope.importers.base import FormatError, Item
from paperscope.models import Paper
from tests.conftest import SHARED

OTHER = SHARED / "data" / "real-formats" / "other"


def read(module, name: str) -> list[Item]:
    with open(OTHER / name, "rb") as f:
        return list(module.parse(f))


def papers(module, name: str) -> list[Paper]:
    items = read(module, name)
    assert [i.error for i in items if i.error] == []
    return [i.paper for i in items]


def parse(module, text: str) -> list[Item]:
    return list(module.parse(io.BytesIO(text.encode("utf-8"))))


# -- EndNote -----------------------------------------------------------------------------


def test_endnote_book_from_the_german_national_library(shared):
    (p,) = papers(endnote, "Endnote.book.example.enw")
    assert p.title == "Git : dezentrale Versionsverwaltung im Team : Grundlagen und Workflows"
    assert p.authors == ["René Preißel", "Bjørn Stachmann"]
    assert p.published == "2016"
    assert p.links == {"url": "http://d-nb.info/107601965X"}
    # A book: %P "XX, 327" is its number of pages, not a page range, and it has no journal.
    assert (p.journal, p.pages, p.journal_ref) == ("", "", "")
    assert p.sources == ["endnote"]


def test_endnote_records_start_at_each_type_line(shared):
    items = read(endnote, "Endnote.entries.enw")
    assert items[0].paper is not None
    assert (items[0].paper.title, items[0].paper.authors) == ("testT", ["testA0", "testA1"])
    # Twelve more %0 lines, none followed by a %T: each is a record without a title.
    assert len(items) == 13
    assert (items[1].line, items[1].error) == (7, "the record (%0 Journal) has no title (%T)")
    assert all(i.paper is None and "has no title (%T)" in i.error for i in items[1:])


def test_endnote_pattern_files_are_records_without_a_title(shared):
    for name in ("Endnote.pattern.A.enw", "Endnote.pattern.E.enw"):
        (item,) = read(endnote, name)
        assert (item.line, item.error) == (1, "the record has no title (%T)")


def test_endnote_journal_article():
    (item,) = parse(
        endnote,
        "%0 Journal Article\n%T A study of\nsomething\n%A Doe, Jane\n%A Roe, R.\n"
        "%D 2019\n%8 June 15\n%J Nature\n%V 570\n%N 7761\n%P 123-9\n"
        "%R doi:10.1038/s41586-019-1234-5\n%X An abstract.\n%K keyword\n",
    )
    p = item.paper
    assert p.title == "A study of something"  # a line without a tag continues the field
    assert p.authors == ["Jane Doe", "R. Roe"]
    assert p.published == "2019-06-15"
    assert (p.journal, p.volume, p.issue, p.pages) == ("Nature", "570", "7761", "123--129")
    assert p.doi == "10.1038/s41586-019-1234-5" and p.abstract == "An abstract."
    assert p.categories == []


def test_endnote_records_separated_by_blank_lines_and_a_bibtex_file_refused():
    items = parse(endnote, "%T One\n%A A, B\n\n%T Two\n")
    assert [(i.line, i.paper.title) for i in items] == [(1, "One"), (4, "Two")]
    assert not endnote.detect(b"% Encoding: UTF-8\n\n@article{key,\n  title = {T},\n}\n")
    assert not endnote.detect(b"%A a comment\n@article{key, title = {T}}\n")
    with pytest.raises(FormatError, match="no EndNote records"):
        parse(endnote, "just text\n")


# -- PubMed / MEDLINE --------------------------------------------------------------------


def test_pubmed_nbib(shared):
    (p,) = papers(medline, "NbibImporterTest.nbib")
    assert p.title == "Proteomics: A new perspective for cancer."
    # FAU, in order; the AU short forms are not listed again; CN is a collective name.
    assert p.authors == ["Basavaradhya Sahukar Shruthi", "Palani Vinodhkumar", "Selvamani",
                         "corporater"]  # fmt: skip
    assert p.published == "2016"
    assert p.doi == "10.4103/2277-9175.180636"
    assert (p.journal, p.volume, p.issue, p.pages) == (
        "Advanced biomedical research",
        "5",
        "",
        "67",
    )
    assert p.journal_ref == "Advanced biomedical research 5, 67"
    assert p.abstract == "some things will be described Copyright 2015 Tschechlov Press."
    assert p.links == {"pubmed": "https://pubmed.ncbi.nlm.nih.gov/27169098/"}
    assert p.categories == []  # OT keywords are not categories


MEDLINE_TWO = """
PMID- 100
TI  - A title that goes on
      over two lines.
AU  - Smith JA
AU  - van der Berg J
DP  - 2006 May-Jun
JT  - Some Journal
VI  - 13
IP  - 3
PG  - 411-22
AID - 10.1000/abc [doi]

PMID- 200
TI  - Second.
DP  - 2016 Apr 19
"""


def test_medline_records_continuations_and_short_names():
    first, second = (i.paper for i in parse(medline, MEDLINE_TWO))
    assert first.title == "A title that goes on over two lines."
    assert first.authors == ["J. A. Smith", "J. van der Berg"]  # no FAU: AU, initials first
    assert first.published == "2006-05"
    assert (first.pages, first.doi) == ("411--422", "10.1000/abc")
    assert second.published == "2016-04-19"


def test_medline_record_without_title_and_a_file_that_is_not_medline():
    (item,) = parse(medline, "PMID- 5\nDP  - 2000\n")
    assert item.error == "the record of PMID 5 has no title (TI)"
    with pytest.raises(FormatError, match="no MEDLINE records"):
        parse(medline, "not medline at all\n")
    assert not medline.detect(b"TY  - JOUR\nTI  - x\nER  - \n")


# -- ISI / Web of Science ----------------------------------------------------------------


def test_web_of_science_export(shared):
    first, second = papers(isi, "IsiImporterTestWOS.isi")
    assert (
        first.title == "Optical and photoelectric spectroscopy of photorefractive Sn2P2S6 crystals"
    )
    assert first.authors == ["R. V. Gamernyk", "Y. P. Gnatenko", "P. M. Bukivskij",
                             "P. A. Skubenko", "V. Y. Slivka"]  # fmt: skip
    assert first.published == "2006-06-14"  # PY 2006, PD JUN 14
    assert (first.journal, first.volume, first.issue, first.pages) == (
        "JOURNAL OF PHYSICS-CONDENSED MATTER", "18", "23", "5323--5331",
    )  # fmt: skip
    assert first.abstract == "Lorem ipsum abstract"
    assert second.authors[3] == "R. Degl'Innocenti"
    assert second.abstract.startswith("Planar waveguides in nonlinear optical crystals")
    assert second.published == "2006-03-20"


def test_inspec_records_markup_pages_and_the_doi_among_the_identifiers(shared):
    first, second = papers(isi, "IsiImporterTestInspec.isi")
    assert first.title == (
        "Second harmonic generation of continuous wave ultraviolet light and production of "
        "beta -BaB₂O₄ optical waveguides"
    )  # Inspec's /sub 2/ is a subscript
    assert first.authors == ["R. Degl'Innocenti", "A. Guarino", "G. Poberaj", "P. Gunter"]
    assert first.doi == "10.1063/1.2234275"  # the last of the identifiers in ID
    assert first.pages == "41103-1--41103-3"  # BP 41103-1, PS 41103-1-3
    assert first.published == "2006-07"  # PD "07 2006"
    assert (
        second.title == "Optical and photoelectric spectroscopy of photorefractive Sn₂P₂S₆ crystals"
    )
    assert "Sn₂P₂S₆ crystals were carried out" in second.abstract
    assert second.doi == "10.1088/0953-8984/18/23/006"
    # The same paper in the Web of Science file folds to the same title: one work.
    (wos, _) = papers(isi, "IsiImporterTestWOS.isi")
    assert second.id == wos.id


def test_medline_records_in_the_isi_format(shared):
    first, second = papers(isi, "IsiImporterTestMedline.isi")
    assert first.authors == ["Nancy J Wesensten"]
    assert first.pages == "2457--2471"  # PS "2457-71"
    assert first.links == {"pubmed": "https://pubmed.ncbi.nlm.nih.gov/16842170/"}
    # Seven authors on one AU line, separated by semicolons.
    assert second.authors == ["Hadine Joffe", "Janet E Hall", "Staci Gruber", "Ingrid A Sarmiento",
                              "Lee S Cohen", "Deborah Yurgelun-Todd", "Kathryn A Martin"]  # fmt: skip
    assert second.published == "2006-05"  # PD "2006 May-Jun"
    assert (second.journal, second.volume, second.issue) == ("Menopause", "13", "3")


def test_isi_names_one_a_line_and_continued_titles(shared):
    (p,) = papers(isi, "IsiImporterTest1.isi")
    assert p.title == "Optical properties of MgO doped LiNbO₃ single crystals"
    assert p.authors == ["James Brown", "James Marc Brown", "J. M. Brown", "J. Brown",
                         "J.M. Brown", "J. Brown"]  # fmt: skip
    assert (p.volume, p.issue, p.pages, p.published) == ("28", "5", "467--472", "2006-04")


def test_isi_odd_records_still_read(shared):
    items = read(isi, "IsiImporterTest2.isi")
    assert [i.line for i in items] == [4, 27, 45]
    assert all(i.paper and i.paper.title.startswith("Optical properties") for i in items)
    assert items[2].paper.authors == []  # "AU " with nothing after it


def test_isi_file_with_no_records(shared):
    with (
        open(OTHER / "IsiImporterTestEmpty.isi", "rb") as f,
        pytest.raises(FormatError, match="no Web of Science records"),
    ):
        list(isi.parse(f))


def test_isi_record_without_er_and_tags_outside_records():
    items = parse(isi, "FN ISI Export Format\nVR 1.0\nTI Lost\nPT J\nTI Kept\nER\nPT J\nTI Cut\n")
    assert [(i.line, i.error or i.paper.title) for i in items] == [
        (3, "Web of Science tags outside a record: a record starts with a PT line"),
        (4, "Kept"),
        (7, "the record is not closed: the file ends before its ER line"),
    ]


def test_isi_export_with_a_byte_order_mark_and_in_utf16(shared):
    # Web of Science writes its plain-text export with a UTF-8 byte-order mark.
    text = (OTHER / "IsiImporterTestWOS.isi").read_text(encoding="utf-8")
    expected = papers(isi, "IsiImporterTestWOS.isi")
    for data in (b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16")):
        assert isi.detect(data)
        assert [i.paper for i in isi.parse(io.BytesIO(data))] == expected


def test_isi_detection_from_the_first_lines():
    assert isi.detect(b"\xef\xbb\xbfFN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n")
    assert isi.detect(b"PT J\nAU Doe, J\nTI T\nER\n")
    assert not isi.detect(b"PT  - Journal Article\n")  # MEDLINE's PT line
    assert not isi.detect(b"PT J\n")  # one line is not enough to tell
