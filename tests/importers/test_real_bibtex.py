"""The BibTeX importer on the real .bib files of ../shared/data/real-formats/bibtex.

Four folders of files other tools wrote: Zotero/Better BibTeX's import fixtures
(files users attached to bug reports: Mendeley, JabRef, Web of Science, Hebrew
and Russian), JabRef's test libraries (its encoding tests among them), the
parser edge cases of python-bibtexparser, and NASA ADS exports. Every file must
read without a traceback; the tests per folder check by hand what a person
would expect of a few of them. The files are read where they are.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from paperscope import importers
from paperscope.importers import bibtex
from paperscope.importers.base import (
    HEAD_BYTES,
    FormatError,
    Item,
    check_head,
    peek_head,
    read_text_lines,
)
from paperscope.library import Library
from paperscope.models import Paper
from tests.conftest import SHARED

BIB = SHARED / "data" / "real-formats" / "bibtex"
FOLDERS = ("zotero-better-bibtex-import", "jabref", "bibtexparser", "ads")
FILES = sorted(p for folder in FOLDERS for p in (BIB / folder).glob("*.bib"))
ZOTERO, JABREF, BIBTEXPARSER, ADS = (BIB / folder for folder in FOLDERS)

# The files with no entry to import, and why: each is refused as a whole, with a message.
NO_ENTRIES = {
    "bibtexparser/empty.bib": "no BibTeX entries",
    "bibtexparser/comments_only.bib": "only @string, @comment or @preamble",
    "bibtexparser/common_strings.bib": "only @string, @comment or @preamble",
    "bibtexparser/multiline_comments.bib": "only @string, @comment or @preamble",
    "jabref/issue-12274.bib": "only @string, @comment or @preamble",
    # GBK-encoded Chinese with no encoding line: not UTF-8, and the message says what to do.
    "bibtexparser/gbk_test.bib": "% Encoding: <name>",
}


def rel(path: Path) -> str:
    return path.relative_to(BIB).as_posix()


def read(path: Path) -> list[Item]:
    with open(path, "rb") as f:  # buffered, as the CLI's open_input gives it
        return list(bibtex.parse(f))


def papers(path: Path) -> list[Paper]:
    return [item.paper for item in read(path) if item.paper]


def by_title(path: Path, start: str) -> Paper:
    (paper,) = [p for p in papers(path) if p.title.startswith(start)]
    return paper


def test_the_four_folders_are_there(shared):
    counts = {folder: len(list((BIB / folder).glob("*.bib"))) for folder in FOLDERS}
    assert counts == {
        "zotero-better-bibtex-import": 98,
        "jabref": 43,
        "bibtexparser": 47,
        "ads": 2,
    }


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_every_real_file_reads_to_papers_and_clear_errors(path):
    try:
        items = read(path)
    except FormatError as exc:
        assert rel(path) in NO_ENTRIES, f"{rel(path)} refused: {exc}"
        assert NO_ENTRIES[rel(path)] in str(exc)
        return
    assert rel(path) not in NO_ENTRIES
    assert items, rel(path)
    for item in items:
        assert (item.paper is None) != (item.error is None), item
        if item.error:
            assert item.line >= 1 and f"at line {item.line}" in item.error, item.error
        else:
            assert item.paper.title.strip() and item.paper.sources == ["bibtex"]


@pytest.mark.parametrize("path", [p for p in FILES if p.stat().st_size], ids=rel)
def test_every_real_file_is_detected_as_bibtex(path):
    head = path.read_bytes()[:HEAD_BYTES]
    check_head(head)  # neither empty nor "binary", whatever its script or encoding
    assert importers.detect(head).NAME == "bibtex"


def test_the_hand_counted_totals():
    counts = {
        name: (
            sum(1 for i in read(BIB / name) if i.paper),
            sum(1 for i in read(BIB / name) if i.error),
        )
        for name in [
            "ads/AMReX-Astro+Castro__Docs_source_refs.bib",
            "ads/AMReX-Astro+Castro__paper_paper.bib",
            "jabref/testjabref.bib",
            "jabref/jabref-authors.bib",
            "zotero-better-bibtex-import/Unabbreviate_on_import__1436-3.bib",
            "zotero-better-bibtex-import/web_page_and_other_mendeley_idiocy.bib",
            "bibtexparser/article_missing_coma.bib",
            "bibtexparser/article_comma_first.bib",
        ]
    }
    assert counts == {
        "ads/AMReX-Astro+Castro__Docs_source_refs.bib": (78, 0),
        "ads/AMReX-Astro+Castro__paper_paper.bib": (18, 0),
        "jabref/testjabref.bib": (156, 0),
        "jabref/jabref-authors.bib": (212, 0),
        "zotero-better-bibtex-import/Unabbreviate_on_import__1436-3.bib": (7166, 0),
        # Mendeley writes several entries under one key: each is still read.
        "zotero-better-bibtex-import/web_page_and_other_mendeley_idiocy.bib": (512, 0),
        "bibtexparser/article_missing_coma.bib": (4, 0),
        "bibtexparser/article_comma_first.bib": (2, 0),
    }


# -- Zotero / Better BibTeX's fixtures: what users' files hold --------------------------


def test_hebrew_is_text_not_a_binary_file(tmp_path):
    path = ZOTERO / "article_with_entrysubtype.bib"
    check_head(path.read_bytes()[:HEAD_BYTES])  # was "this is a binary file, not UTF-8 text"
    (paper,) = papers(path)
    assert paper.title == '"בשורה לנשים": אושרה גלולה להפלה גם בחודש שלישי'
    assert paper.authors == ['ד"ר איתי גל']
    assert (paper.journal, paper.published) == ("Ynet", "2016-03-31")
    with Library(tmp_path / "lib.db") as lib:  # --format bibtex took the same check
        report = lib.import_file(path, format="bibtex")
    assert (report.error, report.added) == (None, 1)


def test_russian_names_and_tex_cyrillic():
    jabref = (
        ZOTERO
        / "Maintain_the_JabRef_group_and_subgroup_structure_when_importing_a_BibTeX_db__97.bib"
    )
    check_head(jabref.read_bytes()[:HEAD_BYTES])
    russian = [p for p in papers(jabref) if "Влияние" in p.title]
    assert len(russian) == 3 and all(
        p.journal == "Czechoslovak Journal of Physics" for p in russian
    )
    assert russian[0].title.startswith("\\bibcyr{Влияние предварител ьного освещения")
    mendeley = ZOTERO / "Unabbreviate_on_import__1436-3.bib"
    paper = by_title(mendeley, "Modelling of X-Ray Diffraction Curves for GaN Nano")
    assert "А.V. Kuchuk" in paper.authors  # \cyrchar\CYRA: Cyrillic А
    assert not any("\\" in a for a in paper.authors)


def test_mendeley_braced_others_means_and_others():
    path = ZOTERO / "Unabbreviate_on_import__1436-3.bib"
    paper = by_title(path, "High Purity GaAs Nanowires Free of Planar Defects")
    assert "Others" not in paper.authors and len(paper.authors) == 10
    assert paper.author_count == 11  # incomplete: at least one more than listed
    assert not any(a.lower() == "others" for p in papers(path) for a in p.authors)


def test_mendeley_names_escaped_twice_or_written_as_math():
    path = ZOTERO / "Unabbreviate_on_import__1436-3.bib"
    names = {a for p in papers(path) for a in p.authors}
    for name in ["Alberto García", "F García-Santamaría", "S Juršėnas", "Claus B. Sørensen",
                 "K. Pakuła", "B. Łucznik", "J Kräußlich"]:  # fmt: skip
        assert name in names, name
    assert (
        by_title(path, "Optical Properties of Rotationally Twinned InP").authors.count(
            "Thomas Mårtensson"
        )
        == 1
    )  # M\textbackslash{}aa\{\}rtensson


def test_tex_in_zotero_names():
    assert (
        "Ragnheiður Bogadóttir"
        in by_title(
            ZOTERO / "BBT_does_not_import_groups_from_JabRef_5.1__1641.bib", "Fleece"
        ).authors
    )  # "Ragnhei{\d}ur": an exporter's \d for ð
    franc = by_title(ZOTERO / "BibTeX_import__preamble_with_def_create_problems__732.bib", "Homo")
    assert franc.authors == ["Jan Franců", "Pavel Krejčí"]  # \ocirc{u}, \v{c}, \'{\i}
    chen = by_title(
        ZOTERO
        / "Maintain_the_JabRef_group_and_subgroup_structure_when_importing_a_BibTeX_db__97.bib",
        "Non-Volatile Resistive Switching",
    )
    assert chen.authors[2:4] == ["Yi-Ching (Jean) Wu", "Tzu-Ning Fang"]  # Tzu--Ning
    names = {a for path in ZOTERO.glob("*.bib") for p in papers(path) for a in p.authors}
    left = sorted(a for a in names if any(c in a for c in "\\{}~$"))
    # What is left is beyond repair: Mendeley dropped the braces of an accent's
    # argument before escaping it ("Mickevi\textbackslash{}ucius", "O\vguzman").
    assert len(left) <= 6, left


def test_web_of_science_double_braces():
    paper = papers(ZOTERO / "Options_to_use_default_import_process__1562.bib")[0]
    assert paper.doi == "10.1016/j.buildenv.2018.07.033"  # DOI = {{10.1016/...}}
    assert paper.title.startswith("Mitigation versus adaptation")
    assert paper.abstract.startswith("Given climate change") and paper.abstract.endswith(
        "environments."
    )  # no braces around all of it
    assert paper.venue == ("BUILDING AND ENVIRONMENT", "143", "", "740--759")
    assert paper.published == "2018-10-01"  # Month = {{OCT 1}}
    out = io.StringIO()
    bibtex.write([paper], out)
    assert "textbrace" not in out.getvalue()
    assert "  doi = {10.1016/j.buildenv.2018.07.033},\n" in out.getvalue()


def test_crossref_children_inherit_from_a_parent_that_comes_between_them():
    path = (
        ZOTERO
        / "Child_items_that_use_the_crossref_field_do_not_have_their_parent_fields_imported__2373.bib"
    )
    items = read(path)
    lebanon = [i.paper for i in items if i.paper.title == "Lebanon"]
    assert len(lebanon) == 2  # the @inbook before the @book and the @incollection after it
    for paper in lebanon:
        assert paper.published == "2004"
        assert paper.journal == "Global Civil Society: Dimensions of the Nonprofit Sector"
        assert (paper.volume, paper.pages) == ("2", "227--232")  # 227--32, written out
    assert sorted(i.line for i in items) == [1, 8, 17]


def test_ads_journal_macro_in_a_zotero_file():
    (paper,) = papers(ZOTERO / "unknown_command_handler__1733.bib")
    assert (paper.id, paper.journal, paper.journal_ref) == (
        "astro-ph/0405395",
        "A&A",
        "A&A 424, 927-934",
    )


def test_arxiv_e_prints_is_not_a_journal():
    paper = by_title(
        ZOTERO / "Unabbreviate_on_import__1436-3.bib", 'Comment on "Direct Measurement'
    )
    assert paper.id == "1305.2512"
    assert (paper.journal, paper.journal_ref) == ("", "")  # journal = {ArXiv E-Prints}


def test_dblp_corr_volume_gives_the_arxiv_id():
    path = ZOTERO / "Some_bibtex_entries_quietly_discarded_on_import_from_bib_file__873.bib"
    paper = by_title(path, "Synthesizing Robust Plans under Incomplete Domain Models")
    assert paper.id == "1104.5069"  # journal = {CoRR}, volume = {abs/1104.5069}
    assert paper.journal == ""


def test_a_bad_month_in_a_real_file_costs_nothing_but_the_month():
    data = (ZOTERO / "Copy_date-addeddate-modified_menu_option_not_working__2378.bib").read_bytes()
    assert data.count(b"month = {2}") == 2  # BibDesk writes months as numbers
    for month in ["{²}", "{١٢}", "99999999999999", "{13}", "{0}", "{-1}"]:
        mutated = data.replace(b"month = {2}", b"month = " + month.encode(), 1)
        items = list(bibtex.parse(io.BytesIO(mutated)))
        assert [i.paper.published for i in items] == ["1998", "1998-02"], month
    huge_day = data.replace(b"month = {2}", b"month = {2}, day = {99999999999999999999}", 1)
    assert [i.paper.published for i in bibtex.parse(io.BytesIO(huge_day))] == ["1998-02"] * 2


# -- JabRef's test libraries: encodings --------------------------------------------------


@pytest.mark.parametrize(
    "name", ["tiny-BE-noBOM", "tiny-BE-withBOM", "tiny-LE-noBOM", "tiny-LE-withBOM"]
)
def test_utf16_with_and_without_a_byte_order_mark(name):
    path = JABREF / f"{name}.bib"
    head = path.read_bytes()[:HEAD_BYTES]
    assert b"\x00" in head
    assert importers.detect(head).NAME == "bibtex"  # not "a binary file (a NUL byte)"
    (paper,) = papers(path)
    assert (
        paper.title
        == "Investigation of the best suture pattern to close a stuffed Christmas turkey"
    )
    assert paper.authors == ["D. Verwilghen", "V. Busoni", "G. van Galen", "M. Wilke"]
    assert paper.venue == ("Veterinary Record", "169", "26", "685--686")
    assert (paper.published, paper.doi) == ("2011-12", "10.1136/vr.d6221")


@pytest.mark.parametrize(
    "name",
    [
        "encoding-utf-16BE-with-header",
        "encoding-utf-16BE-without-header",
        "encoding-utf-8-with-header",
        "encoding-utf-8-without-header",
        "encoding-utf-8-with-header-with-databasetypecomment",
        "encoding-utf-8-without-header-with-databasetypecomment",
    ],
)
def test_the_same_umlaut_in_every_unicode_encoding(name):
    (paper,) = papers(JABREF / f"{name}.bib")
    assert paper.title == "Ü ist ein Umlaut"


def lines_as_read(path: Path) -> list[str | None]:
    with open(path, "rb") as f:
        head, stream = peek_head(f, bibtex.DECLARATION_BYTES)
        return [line.text for line in read_text_lines(stream, bibtex._encoding(head).codec)]


@pytest.mark.parametrize(
    "name", ["encoding-windows-1252-with-header", "encoding-windows-1252-without-header"]
)
def test_windows_1252_is_read_as_its_header_says(name):
    path = JABREF / f"{name}.bib"
    assert b"25\xb0 C" in path.read_bytes()  # the degree sign, one byte
    assert "  abstract = {25° C}," in lines_as_read(path)
    (item,) = read(path)  # the entry has an abstract and nothing else
    assert item.error == "@article (no key) at line 3: the entry has no title"


def test_windows_1252_declared_as_utf8_fails_that_entry_only():
    (item,) = read(JABREF / "encoding-windows-1252-but-utf-8-declared--decoding-fails.bib")
    assert item.error == (
        "@article (no key) at line 3 has an unreadable line 4: invalid UTF-8 (byte 18 of the line)"
    )  # declared: no hint about naming the encoding


def test_an_iso_8859_1_header_on_an_ascii_file():
    paper = by_title(ZOTERO / "Jabref_import_-_groups_lost__1730-5.bib", "Virtual Sensing")
    assert paper.authors[0] == "Arnold Chau"


def test_utf8_byte_order_mark():
    for path in [BIBTEXPARSER / "article_start_with_bom.bib", BIBTEXPARSER / "book_bom.bib"]:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        assert len(papers(path)) == 1


def test_prose_after_a_jabref_encoding_line_is_still_bibtex():
    head = (JABREF / "cleanup.bib").read_bytes()
    assert head.startswith(b"% Encoding: UTF-8\nCleanup of this entry")
    assert importers.detect(head).NAME == "bibtex"


def test_jabref_crossref_to_proceedings_at_the_end():
    paper = by_title(JABREF / "crossref.bib", "Architectural Decision Guidance")
    assert paper.published == "2015" and paper.doi == "10.1109/WICSA.2015.29"
    assert paper.journal.startswith("12th Working IEEE/IFIP Conference on Software Architecture")
    proceedings = by_title(JABREF / "crossref.bib", "12th Working")
    assert proceedings.doi == ""  # a child never gives its DOI to the parent, nor the reverse


# -- python-bibtexparser's edge cases ------------------------------------------------------


def test_comma_first_and_missing_commas_read_like_the_normal_file():
    first = [
        (p.title, p.authors, p.published, p.venue)
        for p in papers(BIBTEXPARSER / "article_comma_first.bib")
    ]
    venue = ("Nice Journal", "12", "", "")
    assert first == [
        ("An amazing title", ["Jean Cesar"], "2013", venue),
        ("An amazing title", ["Jean Baltazar"], "2013", venue),
    ]
    missing = papers(BIBTEXPARSER / "article_missing_coma.bib")
    assert [p.authors[0] for p in missing] == [
        "Jean Cesar",
        "Jean Baltazar",
        "Jean Aimar",
        "Jean Doute",
    ]
    assert [p.published for p in missing] == ["2013", "2013", "2013-01", "2013"]  # "january"


def test_crossref_parents_after_their_children():
    found = {p.title: p for p in papers(BIBTEXPARSER / "crossref_entries.bib")}
    assert found["Great and Good Graphs"].published == "1974"  # from @BOOK{cr_m} below it
    assert found["Great and Good Graphs"].journal == "Graphs of the Continent"
    assert found["Title of inproceeding"].journal == "Manual booktitle"  # its own wins
    assert found["Title of Collection bit"].venue == ("Book Title", "", "", "1--12")


def test_crossref_cycles_and_missing_parents_end():
    cycle = read(BIBTEXPARSER / "crossref_cascading_cycle.bib")
    assert [i.error for i in cycle] == [
        "@book{circ1} at line 6: the entry has no title",
        "@book{circ2} at line 11: the entry has no title",
    ]
    (missing,) = papers(BIBTEXPARSER / "crossref_missing_entries.bib")
    assert (missing.title, missing.authors) == ("Lumbering Lunatics", ["Megan Mistrel"])


def test_traps_and_special_characters():
    (trap,) = papers(BIBTEXPARSER / "traps.bib")
    # "Jean Laid{\'e},\n Ben Loaeb" has no "and": BibTeX reads one name, "Last, First".
    assert trap.authors == ["Ben Loaeb Jean Laidé"]
    assert trap.venue == ("Nice Journal", "n.s. 2", "", "12--23")  # n.s.~2: a tie
    assert trap.published == "2013-01"


# -- NASA ADS ------------------------------------------------------------------------------


def test_ads_names_lose_their_ties_and_braces():
    names = {a for path in ADS.glob("*.bib") for p in papers(path) for a in p.authors}
    assert {"M. P. Katz", "J. C. B. Papaloizou", "S. Børve", "Mario C. R. D'Souza"} <= names
    assert not [a for a in names if any(c in a for c in "\\{}~")]
    sdc = by_title(
        ADS / "AMReX-Astro+Castro__paper_paper.bib", "Improved Coupling of Hydrodynamics"
    )
    assert sdc.authors[:2] == ["M. Zingale", "M. P. Katz"]  # {Zingale}, M. and {Katz}, M.~P.
    assert (sdc.id, sdc.categories, sdc.published) == ("1908.03661", ["physics.comp-ph"], "2019-12")
    assert sdc.venue == ("Astrophysical Journal", "886", "2", "105")


def test_ads_journal_macros_are_spelled_out():
    journals = {p.journal for p in papers(ADS / "AMReX-Astro+Castro__Docs_source_refs.bib")}
    assert {"ApJ", "ApJS", "Astrophysical Journal"} <= journals
    assert not [j for j in journals if "\\" in j]


# -- export and import again -----------------------------------------------------------------


def record(p: Paper) -> tuple:
    return (p.id, p.title, p.authors, p.author_count, p.published, p.doi, p.venue, p.journal_ref,
            p.arxiv_id, p.categories)  # fmt: skip


@pytest.mark.parametrize(
    "path",
    [
        ADS / "AMReX-Astro+Castro__Docs_source_refs.bib",
        ZOTERO / "Unabbreviate_on_import__1436-1.bib",
        ZOTERO
        / "Maintain_the_JabRef_group_and_subgroup_structure_when_importing_a_BibTeX_db__97.bib",
        JABREF / "testjabref.bib",
        JABREF / "tiny-LE-withBOM.bib",
    ],
    ids=rel,
)
def test_real_records_survive_export_and_import(path):
    originals = papers(path)
    assert any(p.author_count and p.author_count > len(p.authors) for p in originals) or (
        path.name in ("AMReX-Astro+Castro__Docs_source_refs.bib", "tiny-LE-withBOM.bib")
    )
    out = io.StringIO()
    bibtex.write(originals, out)
    again = [i.paper for i in bibtex.parse(io.BytesIO(out.getvalue().encode()))]
    assert [record(p) for p in again] == [record(p) for p in originals]
