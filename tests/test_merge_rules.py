"""When two records are one work, and what happens to people's things when
they are: the merge rules, on real files and on both backends."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from paperscope.importers import bibtex, jsonl
from paperscope.library import Library
from paperscope.models import hash_id, new_paper, same_work, title_key, work_id
from tests.conftest import SHARED

BBT = SHARED / "data" / "real-formats" / "bibtex" / "zotero-better-bibtex-import"
JABREF_GROUPS = (
    BBT / "Maintain_the_JabRef_group_and_subgroup_structure_when_importing_a_BibTeX_db__97.bib"
)
COUNTERFACTUALS = BBT / "Some_bibtex_entries_quietly_discarded_on_import_from_bib_file__873.bib"


def paper(title: str = "Editorial comments", **values):
    values.setdefault("source", "bibtex")
    return new_paper(title=title, **values)


def titled(lib: Library, title: str) -> list:
    return sorted(
        (p for p in lib.papers() if title_key(p.title) == title_key(title)),
        key=lambda p: p.published or "",
    )


# -- one work or two ------------------------------------------------------------


def test_the_same_title_by_other_people_in_other_years_is_another_work(tmp_path: Path):
    # Brattain (Rev. Mod. Phys., 1951) and Starr (Physics, 1936) both wrote
    # "The Copper Oxide Rectifier"; one merged record lost the 1936 paper.
    with Library(tmp_path / "library.db") as lib:
        assert lib.import_file(JABREF_GROUPS).error is None
        rectifiers = titled(lib, "The Copper Oxide Rectifier")
        assert [(p.authors, p.published, p.doi) for p in rectifiers] == [
            (["C. Starr"], "1936", "10.1063/1.1745338"),
            (["Walter H. Brattain"], "1951", "10.1103/RevModPhys.23.203"),
        ]
        assert len({p.id for p in rectifiers}) == 2


def test_counterfactuals_by_lewis_and_by_ginsberg_stay_apart(tmp_path: Path):
    with Library(tmp_path / "library.db") as lib:
        assert lib.import_file(COUNTERFACTUALS).error is None
        works = titled(lib, "Counterfactuals")
        # Ginsberg's IJCAI-85 paper (pages 80-86) and his AIJ article (vol.
        # 30, pages 35-79) are two works too: the same title, other pages.
        assert sorted((p.authors[0], p.pages) for p in works) == [
            ("David K. Lewis", ""),
            ("Matthew L. Ginsberg", "35--79"),
            ("Matthew L. Ginsberg", "80--86"),
        ]


def test_an_editors_37_editorial_comments_are_37_works_and_stay_37(tmp_path: Path):
    records = [
        paper(authors=["Jane Editor"], published=str(1988 + i // 4), journal="Notes",
              volume=str(10 + i // 4), issue=str(i % 4 + 1), pages=f"{i + 1}--{i + 2}")
        for i in range(37)
    ]  # fmt: skip
    with Library(tmp_path / "library.db") as lib:
        for _ in range(2):  # importing the same file again adds nothing
            report = lib.import_items(_items(records), _report())
            assert report.failed == 0
            assert lib.count() == 37
        assert report.added == 0 and report.unchanged == 37


def test_one_editorial_in_two_files_is_one_paper(tmp_path: Path):
    first = paper(authors=["Jane Editor"], published="1990", volume="12", pages="5--6")
    again = paper(authors=["J. Editor"], published="1990-03", volume="12", pages="5")
    with Library(tmp_path / "library.db") as lib:
        lib.import_items(_items([first]), _report())
        report = lib.import_items(_items([again]), _report())
        assert (report.added, lib.count()) == (0, 1)
        assert lib.get(first.id).published == "1990-03"


def test_rules_for_records_that_share_a_title():
    base = paper(authors=["Walter H. Brattain"], published="1951", volume="23")
    assert same_work(base, paper(authors=["W. Brattain"], published="1952"))
    assert same_work(base, paper(authors=["Brattain Walter"]))  # order of names
    assert same_work(base, paper())  # nothing to disagree on
    assert not same_work(base, paper(authors=["C. Starr"], published="1951"))
    assert not same_work(base, paper(authors=["Walter H. Brattain"], published="1953"))
    assert not same_work(base, paper(authors=["Walter H. Brattain"], volume="24"))
    assert not same_work(base.__class__(**{**vars_of(base), "doi": "10.1000/a"}),
                         paper(authors=["Walter H. Brattain"], doi="10.1000/b"))  # fmt: skip


def test_a_preprint_and_its_published_version_are_one_paper(tmp_path: Path):
    preprint = new_paper(
        title="Deep Residual Learning", arxiv_id="1512.03385", source="arxiv-api",
        authors=["Kaiming He", "Xiangyu Zhang"], published="2015-12-10",
    )  # fmt: skip
    published = paper(
        "Deep residual learning", authors=["He, Kaiming"], published="2018",
        journal="CVPR", pages="770--778", doi="10.1109/CVPR.2016.90",
    )  # fmt: skip
    someone_else = paper("Deep residual learning", authors=["A. Other"], published="2016")
    with Library(tmp_path / "library.db") as lib:
        lib.import_items(_items([preprint, published, someone_else]), _report())
        assert lib.count() == 2
        merged = lib.get("1512.03385")
        assert merged.doi == "10.1109/CVPR.2016.90" and merged.pages == "770--778"


def test_a_second_work_with_a_taken_title_gets_its_own_stable_id(tmp_path: Path):
    brattain = paper("The Copper Oxide Rectifier", authors=["Walter H. Brattain"], published="1951")
    starr = paper("The Copper Oxide Rectifier", authors=["C. Starr"], published="1936")
    for order in ([brattain, starr], [starr, brattain]):
        with Library(tmp_path / f"{order[0].published}.db") as lib:
            lib.import_items(_items(order), _report())
            ids = {p.authors[0]: p.id for p in lib.papers()}
            first, second = order[0].authors[0], order[1].authors[0]
            assert ids == {first: hash_id(brattain.title), second: work_id(order[1])}


def test_ids_survive_export_and_import_into_a_new_library(tmp_path: Path):
    """A merge that lengthened a title, and a second work's id, come back the same."""
    short = paper(
        "Copper oxide rectifiers", authors=["C. Starr"], published="1936", doi="10.1000/x"
    )
    longer = paper("Copper oxide rectifiers: a study", authors=["C. Starr"], doi="10.1000/x")
    other = paper("Copper oxide rectifiers", authors=["W. Brattain"], published="1951")
    with Library(tmp_path / "a.db") as lib:
        lib.import_items(_items([short, longer, other]), _report())
        before = {p.id: p.title for p in lib.papers()}
        assert len(before) == 2 and "Copper oxide rectifiers: a study" in before.values()
        exports = {"jsonl": tmp_path / "export.jsonl", "bib": tmp_path / "export.bib"}
        with exports["jsonl"].open("wb") as binary:
            jsonl.write(lib.papers(), binary)
        with exports["bib"].open("w", encoding="utf-8") as text:
            bibtex.write(lib.papers(), text)
        for name, out in exports.items():
            with Library(tmp_path / f"b-{name}.db") as again:
                assert again.import_file(out).ok
                assert {p.id: p.title for p in again.papers()} == before, name


# -- what people made moves with the paper ---------------------------------------


def test_a_merge_moves_votes_comments_collections_and_the_submission(library_url):
    """Two stored records turn out to be one paper: a record with the first's
    title and the second's DOI joins them, and nothing people made is lost."""
    with Library(library_url) as lib:
        by_title = paper("Sparse attention at scale", authors=["Ada Lovelace"], published="2024")
        by_doi = paper("Sparse attention at scale (extended)", doi="10.5555/sparse")
        lib.import_items(_items([by_title, by_doi]), _report())
        assert lib.count() == 2
        people, shelf = lib.people, lib.collections
        ada = people.add_user("ada@example.org", "Ada", "x", admin=False)
        bob = people.add_user("bob@example.org", "Bob", "x", admin=False)
        for user in (ada, bob):
            people.toggle_vote(user.id, by_title.id)
        people.toggle_vote(ada.id, by_doi.id)  # Ada voted for both records
        people.submit(by_title.id, ada, "2024-05-01")
        reading = shelf.create(bob.id, "reading")
        shelf.add_paper(bob.id, reading.id, by_title.id)
        shelf.add_comment(bob.id, by_title.id, "Worth reading with the appendix.")

        bridge = paper("Sparse attention at scale", authors=["A. Lovelace"], doi="10.5555/sparse")
        report = lib.import_items(_items([bridge]), _report())
        assert lib.count() == 1 and report.failed == 0
        (kept,) = lib.papers()
        assert lib.resolve(by_title.id) == lib.resolve(by_doi.id) == kept.id
        assert kept.votes == 2  # Ada's two votes are one
        assert people.voted(ada.id, [kept.id]) == people.voted(bob.id, [kept.id]) == {kept.id}
        assert [c.body for c in shelf.comments(kept.id)] == ["Worth reading with the appendix."]
        assert [p.id for p in shelf.papers(reading.id)] == [kept.id]
        assert people.submission(kept.id) is not None


def test_a_merge_keeps_dismissals_seen_papers_and_lens_deliveries(library_url):
    """What people told their recommendations and what a lens already posted
    follow the kept paper: it is not recommended, nor delivered, again."""
    from paperscope.lenses import lens_fields

    with Library(library_url) as lib:
        by_title = paper("Sparse attention at scale", authors=["Ada Lovelace"], published="2024")
        by_doi = paper("Sparse attention at scale (extended)", doi="10.5555/sparse")
        lib.import_items(_items([by_title, by_doi]), _report())
        ada = lib.people.add_user("ada@example.org", "Ada", "x", admin=False)
        lib.feedback.dismiss(ada.id, by_title.id)  # the record that goes
        lib.feedback.mark_seen(ada.id, [by_title.id], "digest")
        lens = lib.lenses.add(ada.id, lens_fields(q="sparse", webhook_url="https://h.example.org/"))
        lib.lenses.record_matches(lens.id, [by_title.id], "2026-03-18T12:00:00Z")
        bridge = paper("Sparse attention at scale", authors=["A. Lovelace"], doi="10.5555/sparse")
        lib.import_items(_items([bridge]), _report())
        (kept,) = lib.papers()
        assert kept.id != by_title.id
        assert lib.feedback.dismissed([ada.id]) == {ada.id: {kept.id}}
        assert lib.feedback.seen([ada.id]) == {ada.id: {kept.id}}
        assert [d.paper_id for d in lib.lenses.deliveries(lens.id)] == [kept.id]


# -- helpers ---------------------------------------------------------------------


def vars_of(p) -> dict:
    return {name: getattr(p, name) for name in p.__dataclass_fields__}


def _items(papers):
    from paperscope.importers import Item

    return [Item(i + 1, paper=p) for i, p in enumerate(papers)]


def _report():
    from paperscope.library import ImportReport

    return ImportReport(source="test", format="bibtex")


def test_bibtex_double_braced_dois_lose_their_braces():
    (item,) = bibtex.parse(io.BytesIO(b"@article{a, title={T}, doi={{10.1016/j.x.2020.01.001}}}"))
    assert item.paper is not None and item.paper.doi == "10.1016/j.x.2020.01.001"


@pytest.mark.parametrize("title", ["...", "{}", "--", "?!"])
def test_titles_without_letters_or_digits_are_refused(title):
    with pytest.raises(ValueError, match="no letters or digits"):
        paper(title)


def test_tex_accents_fold_like_their_letters():
    assert title_key(r"Gr\"obner bases") == title_key("Gröbner bases") == "grobner bases"
    assert title_key(r"{\c C}elik and Ng\d oc") == title_key("Çelik and Ngọc")
