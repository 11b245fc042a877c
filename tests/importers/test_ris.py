"""The RIS importer, on JabRef's real RIS files in ../shared and on edge cases.

The real files are exports of Scopus, ScienceDirect, PubMed, SciFinder, AIP
and JabRef's own torture tests (other/ in ../shared/data/real-formats).
"""

from __future__ import annotations

import io
import tracemalloc

import pytest

from paperscope.importers import ris
from paperscope.importers.base import FormatError, Item
from paperscope.models import Paper
from tests.conftest import SHARED

OTHER = SHARED / "data" / "real-formats" / "other"


def parse(data: str | bytes) -> list[Item]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return list(ris.parse(io.BytesIO(raw)))


def read(name: str) -> list[Item]:
    with open(OTHER / name, "rb") as f:
        return list(ris.parse(f))


def one(name: str) -> Paper:
    (item,) = read(name)
    assert item.error is None, item.error
    assert item.paper is not None
    return item.paper


# -- the real files ----------------------------------------------------------------------


def test_scopus_export(shared):
    p = one("RisImporterTestScopus.ris")
    assert p.title.startswith("A transversely isotropic composite with a statistical")
    assert p.authors == ["S. Federico", "A. Grillo", "W. Herzog"]
    assert p.published == "2004"
    assert p.doi == "10.1016/j.jmps.2004.03.010"
    assert (p.journal, p.volume, p.issue, p.pages) == (
        "Journal of the Mechanics and Physics of Solids", "52", "10", "2309--2327",
    )  # fmt: skip
    assert p.journal_ref == "Journal of the Mechanics and Physics of Solids 52(10), 2309-2327"
    assert p.categories == []  # its KW lines are keywords, not categories
    assert p.sources == ["ris"]


def test_sciencedirect_export_with_greek_letters_and_a_doi_address(shared):
    p = one("RisImporterTestScience.ris")
    assert (
        p.title == "Phase separation and ω transformation in binary V-Ti and ternary V-Ti-Cr alloys"
    )
    assert p.authors == ["Chanchal Ghosh", "Joysurya Basu", "Divakar Ramachandran", "E. Mohandas"]
    assert p.published == "2016-12"  # "2016/12//": no day is invented
    assert p.doi == "10.1016/j.actamat.2016.09.028"  # DO holds a dx.doi.org address
    # JO is the journal (T2 is empty); IS is empty, so there is no issue.
    assert (p.journal, p.volume, p.issue, p.pages) == ("Acta Materialia", "121", "", "310--324")
    assert p.links["url"] == "https://www.sciencedirect.com/science/article/pii/S1359645416307273"


def test_aip_export_with_accented_names_written_without_a_space(shared):
    for name in (
        "RisImporterTest8_date.ris",
        "RisImporterTestDate1.1.ris",
        "RisImporterTestDate1.2.ris",
    ):
        p = one(name)
        assert p.authors == [
            "J. J. Valle-Delgado", "J. A. Molina-Bolívar", "F. Galisteo-González",
            "M. J. Gálvez-Ruiz", "A. Feiler", "M. W. Rutland",
        ]  # fmt: skip
        # PY 2005, Y1 and DA 2005/07/15, Y2 (the access date) 2019/03/28 in any order.
        assert p.published == "2005-07-15", name
        assert (p.journal, p.volume, p.issue, p.pages) == (
            "The Journal of Chemical Physics", "123", "3", "034708",
        )  # fmt: skip
        assert p.doi == "10.1063/1.1954747"


def test_two_dates_that_disagree_give_da_the_date(shared):
    # Y1 2013/07/22 (online), DA 2013/07/28 (the issue): DA is the RIS date field.
    p = one("RisImporterTestWithEmptyER.ris")
    assert p.published == "2013-07-28"
    assert p.authors == ["Yu Shi", "Thomas L. Beck"]
    assert p.title == "Length scales and interfacial potentials in ion hydration"


def test_pubmed_export(shared):
    p = one("RisImporterTestDOI.ris")
    assert p.authors == [
        "Sang In Jung",
        "Na Kyung Lee",
        "Kyung Woo Kang",
        "Kyoung Kim",
        "Do Youn Lee",
    ]
    assert p.published == "2016-01"  # "2016/01/"
    assert p.doi == "10.1589/jpts.28.186"
    assert p.journal == "Journal of physical therapy science"  # JF, not the J2 abbreviation
    assert (p.volume, p.issue, p.pages) == ("28", "1", "186--189")


def test_scifinder_exports(shared):
    a = one("RisImporterTest5a.ris")
    assert a.title == (
        "Release profile of ibuprofen in β-cyclodextrin complexes from two different "
        "solid dosage forms."
    )
    assert a.published == "2012"  # "2012///"
    assert a.abstract.startswith("The objective of this work was to develop solid dosage forms")
    assert a.journal == "Powder Technology"  # JF beats the abbreviation in JA
    assert a.authors[3] == "H. M. Cabral-Marques"
    b = one("RisImporterTest5b.ris")
    assert b.pages == "377--386"  # SP 377, EP 86: MEDLINE's abbreviated last page
    assert b.doi == ""  # none given
    assert b.published == "2009"


def test_a_chapter_has_its_book_as_venue_and_a_doi_from_do(shared):
    p = one("RisImporterTest3.ris")
    assert p.title == (
        "Toward a Robust Analysis of Dermoscopy Images Acquired under Different Conditions"
    )
    assert p.authors == ["Catarina Barata", "MEmre Celebi", "JorgeS Marques"]  # as written
    assert p.doi == "10.1201/b19107-2"  # "doi:10.1201/b19107-2"
    assert p.journal == "Dermoscopy Image Analysis"  # T2; T3 is the series
    assert p.pages == "1--22"  # SP holds the range
    assert p.published == "2015-09-10"  # PY 2015 and Y1 2015/09/10; Y2 is the access date


def test_books(shared):
    a = one("RisImporterTest4a.ris")
    assert (a.authors, a.published, a.journal_ref) == (["R. I. Berkman"], "1994", "")
    edited = one("RisImporterTest4b.ris")
    assert edited.authors == ["W. F. Robinson", "C. R. R. Huxtable"]  # ED: only editors
    seven = one("RisImporterTest7.ris")
    assert seven.authors == ["Bob Smith", "Jan Doe", "Judy Brown"]  # A2 are the editors
    assert seven.published == "2015-10"  # "2015/october"
    assert seven.journal == "" and seven.volume == "1"


def test_volume_and_issue_written_together(shared):
    p = one("RisImporterTest4c.ris")
    assert (p.journal, p.volume, p.issue, p.pages) == ("Food Technology", "50", "2", "49--52")
    assert p.journal_ref == "Food Technology 50(2), 49-52"


def test_pmc_export_with_an_em_dash_in_the_title(shared):
    p = one("RisImporterTest6.ris")
    assert p.title == "Chelation: Harnessing and Enhancing Heavy Metal Detoxification—A Review"
    assert p.published == "2013-04-18"  # the first PY; the later ones are received/accepted
    assert p.journal == "The Scientific World Journal"
    assert p.doi == "10.1155/2013/219840"


def test_abstract_from_ab_or_n2(shared):
    p = one("RisImporterTest9.ris")
    assert p.abstract.startswith("location and direction of movement in 2D")
    assert p.published == "2016-10-19"


def test_a_record_without_a_title_is_reported(shared):
    (item,) = read("RisImporterTestDoiAndJournalTitle.ris")
    assert item.paper is None and item.line == 1
    assert item.error == "the PAT record has no title (TI or T1)"


def test_a_record_that_lost_its_ty_line_is_reported_not_guessed(shared):
    with open(OTHER / "RisImporterCorrupted.ris", "rb") as f:
        items = []
        with pytest.raises(FormatError, match="no RIS records"):
            for item in ris.parse(f):
                items.append(item)
    assert [(i.line, i.error) for i in items] == [
        (2, "RIS tags outside a record: a record starts with a TY  - line")
    ]


def test_jabrefs_torture_file_gives_clear_errors_and_no_junk(shared):
    # Nine TY lines in a row, then TY lines inside the record: each TY starts a
    # record, and every record cut short by the next TY is reported as such.
    items = read("RisImporterTest1.ris")
    assert all(i.paper is None for i in items)
    assert items[0].line == 2
    assert items[0].error == (
        "the record is not closed: a new one starts at line 3 before its ER line"
    )
    assert items[-1].error == "the THES record has no title (TI or T1)"
    assert len(items) == 11


# -- edge cases --------------------------------------------------------------------------

RECORD = "TY  - JOUR\nTI  - A title\nAU  - Doe, Jane\nER  - \n"


def test_utf8_bom_crlf_and_a_header_before_the_first_record():
    data = (
        "\ufeffProvider: Elsevier\r\nDatabase: ScienceDirect\r\n\r\n" + RECORD.replace("\n", "\r\n")
    ).encode()
    assert ris.detect(data)
    (item,) = parse(data)
    assert item.paper.title == "A title" and item.paper.authors == ["Jane Doe"]
    assert item.line == 4


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_export_reads_as_the_utf8_one(encoding, shared):
    # Windows tools write UTF-16, with a byte-order mark ("utf-16") or without.
    text = (OTHER / "RisImporterTestScopus.ris").read_text(encoding="utf-8")
    data = text.encode(encoding)
    assert ris.detect(data)
    (item,) = parse(data)
    assert item.paper == one("RisImporterTestScopus.ris")


def test_a_line_in_another_encoding_costs_its_record_and_says_so():
    latin1 = "TY  - JOUR\nTI  - Caf\xe9\nER  - \n".encode("latin-1")
    items = parse(latin1 + RECORD.encode())
    assert items[0].paper is None
    assert "line 2 cannot be read: invalid UTF-8" in items[0].error
    assert "iconv -f WINDOWS-1252 -t UTF-8" in items[0].error
    assert items[1].paper.title == "A title"


def test_continuation_lines_join_the_field_above():
    items = parse("TY  - JOUR\nTI  - A title that\n   goes on\nAU  - Doe,\n Jane\nER  - \n")
    assert items[0].paper.title == "A title that goes on"
    assert items[0].paper.authors == ["Jane Doe"]  # a wrapped name stays one name


def test_a_missing_er_costs_one_record_not_a_merge_of_two():
    items = parse(RECORD.replace("ER  - \n", "") + RECORD.replace("A title", "Another"))
    assert items[0].paper is None and "not closed" in items[0].error
    assert items[1].paper.title == "Another" and items[1].line == 4


def test_the_file_ending_inside_a_record():
    items = parse(RECORD + "TY  - JOUR\nTI  - Cut\n")
    assert items[0].paper.title == "A title"
    assert items[1].error == "the record is not closed: the file ends before its ER line"


def test_dates():
    def published(lines: str) -> str | None:
        (item,) = parse(f"TY  - JOUR\nTI  - T\n{lines}ER  - \n")
        return item.paper.published

    assert published("PY  - 2012/05/03/\n") == "2012-05-03"
    assert published("PY  - 2012///\n") == "2012"
    assert published("PY  - 2012\n") == "2012"
    assert published("Y1  - 2012/05/03/other info\n") == "2012-05-03"
    assert published("PY  - 2012\nDA  - 2011/05/03\n") == "2012"  # DA of another year
    assert published("PY  - 2001/02/30/\n") == "2001"  # no such day: the year is certain
    assert published("PY  - 99\nY1  - 2001/09/01/\n") == "2001-09-01"
    assert published("PY  - YEAR/MONTH/DAY/\n") is None
    assert published("DA  - 2016-12-01\n") == "2016-12-01"
    assert published("PY  - 2019\nY1  - May 2019\n") == "2019-05"  # IEEE Xplore
    assert published("PY  - 2006\nDA  - JUN 14\n") == "2006-06-14"  # Web of Science


def test_doi_and_arxiv_id_from_the_fields_that_hold_them():
    def paper(lines: str) -> Paper:
        (item,) = parse(f"TY  - JOUR\nTI  - T\n{lines}ER  - \n")
        return item.paper

    assert paper("UR  - https://doi.org/10.1000/xyz\n").doi == "10.1000/xyz"
    assert paper("M3  - doi: 10.1000/xyz\n").doi == "10.1000/xyz"
    # A note that merely mentions a DOI is not this record's DOI.
    assert paper("N1  - Comment on doi:10.1000/other, by us\n").doi == ""
    preprint = paper(
        "DO  - 10.48550/arXiv.2101.00001\nT2  - arXiv\nUR  - http://arxiv.org/abs/2101.00001\n"
    )
    assert (preprint.id, preprint.doi, preprint.journal, preprint.journal_ref) == (
        "2101.00001", "", "", "",
    )  # fmt: skip
    assert paper("UR  - https://arxiv.org/abs/hep-th/9901001v2\n").id == "hep-th/9901001"
    assert paper("N1  - arXiv:1706.03762 [cs]\n").id == "1706.03762"


def test_an_empty_file_of_blank_lines_and_a_text_that_is_not_ris():
    with pytest.raises(FormatError, match="no RIS records"):
        parse("\n\n  \n")
    with pytest.raises(FormatError, match="no RIS records"):
        parse("name,age\nada,36\n")
    assert not ris.detect(b"name,age\nada,36\n")


def test_a_record_over_the_size_limit_costs_only_itself(monkeypatch):
    monkeypatch.setattr("paperscope.importers.tagged.MAX_RECORD_CHARS", 1000)
    big = "TY  - JOUR\nTI  - Big\n" + "AB  - " + "x" * 2000 + "\nER  - \n"
    items = parse(big + RECORD)
    assert (items[0].line, items[0].error) == (
        1,
        "the record is over the limit of 1,000 characters",
    )
    assert items[1].paper.title == "A title"


def _peak_memory(records: int) -> int:
    data = "".join(
        f"TY  - JOUR\nTI  - Paper number {i}\nAU  - Doe, Jane\nAB  - {'word ' * 40}\nER  - \n"
        for i in range(records)
    ).encode()
    stream = io.BufferedReader(io.BytesIO(data), buffer_size=1 << 16)  # as open_input gives
    tracemalloc.start()
    try:
        assert sum(1 for item in ris.parse(stream) if item.paper) == records
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_over_many_records():
    # Records are read one at a time: three times the records, not three times the memory.
    small, large = _peak_memory(500), _peak_memory(1_500)  # 130 KB and 400 KB of RIS
    assert large < 1.5 * small, f"peak {small:,} bytes for 500 records, {large:,} for 1,500"


def test_plain_text_tildes_and_dashes_stay_and_tex_accents_are_decoded():
    text = (
        'TY  - JOUR\nTI  - Films ~50 nm thick -- a study\nAU  - M{\\"u}ller, Anna\n'
        "PY  - 2020\nER  - \n"
    )
    (item,) = ris.parse(io.BytesIO(text.encode()))
    assert item.paper is not None
    assert item.paper.title == "Films ~50 nm thick -- a study"
    assert item.paper.authors == ["Anna Müller"]
