"""An import that indexes as it goes (``import_file(searchable=True)``, what
the CLI does): the keyword index follows the store batch by batch, and is
current when the import returns, whatever else writes meanwhile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperscope.library import Library
from paperscope.models import hash_id
from paperscope.search.lexical import LexicalIndex
from paperscope.store.base import Changes


def snapshot_line(n: int, title: str | None = None, author: str = "Ada Lovelace") -> str:
    family, given = author.split()[-1], " ".join(author.split()[:-1])
    return json.dumps(
        {
            "id": f"2101.{n:05d}",
            "title": title or f"Paper {n} about follower lattices",
            "abstract": f"Abstract {n}: the quokka estimator on graph {n}.",
            "authors_parsed": [[family, given, ""]],
            "categories": "cs.LG",
            "versions": [{"version": "v1", "created": "Mon, 4 Jan 2021 10:00:00 GMT"}],
            "update_date": "2021-01-05",
        }
    )


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ids_found(lib: Library, query: str) -> set[str]:
    return {hit.id for hit in lib.search(query, mode="keyword", limit=200).hits}


def fresh_view(lib: Library) -> LexicalIndex:
    """The index as another process opens it: only what is committed."""
    root = lib.engine.index_path
    return LexicalIndex(root / "lexical", mark=root / "synced.json")


def test_papers_are_searchable_and_the_mark_current_when_the_import_returns(library_url, tmp_path):
    path = write(tmp_path / "a.jsonl", [snapshot_line(n) for n in range(1, 51)])
    with Library(library_url) as lib:
        report = lib.import_file(path, batch_size=7, searchable=True)
        assert report.added == 50
        view = fresh_view(lib)
        assert view.count() == 50
        assert view.read_mark() == lib.store.last_change()
        assert lib.sync_index() == 0  # nothing was left for a catch-up
        assert ids_found(lib, "quokka") == {f"2101.{n:05d}" for n in range(1, 51)}


def test_another_writer_between_batches_is_caught_up_after(library_url, tmp_path):
    path = write(tmp_path / "a.jsonl", [snapshot_line(n) for n in range(1, 31)])
    other = write(tmp_path / "b.jsonl", [snapshot_line(900, "An interloping wombat paper")])
    with Library(library_url) as lib, Library(library_url) as elsewhere:
        wrote = []

        def progress(done: int, total: int, papers: int) -> None:
            if papers >= 10 and not wrote:  # between two batches of the import
                wrote.append(elsewhere.import_file(other).added)

        lib.import_file(path, batch_size=10, searchable=True, progress=progress)
        assert wrote == [1]
        assert fresh_view(lib).read_mark() == lib.store.last_change()
        assert fresh_view(lib).count() == 31
        assert ids_found(lib, "wombat") == {"2101.00900"}
        assert len(ids_found(lib, "quokka")) == 31


def test_an_interrupted_import_commits_nothing_to_the_index_and_sync_finishes(db_path, tmp_path):
    path = write(tmp_path / "a.jsonl", [snapshot_line(n) for n in range(1, 41)])
    with Library(db_path) as lib:

        def progress(done: int, total: int, papers: int) -> None:
            if papers >= 20:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            lib.import_file(path, batch_size=10, searchable=True, progress=progress)
        stored = lib.count()
        assert stored == 20  # whole batches only
        assert fresh_view(lib).count() == 0 and fresh_view(lib).read_mark() == 0
        assert lib.sync_index() == stored
        assert len(ids_found(lib, "quokka")) == stored


def test_a_renamed_paper_leaves_no_stale_copy_in_the_index(db_path, tmp_path):
    title = "Tangled quokka networks"
    first = {"id": hash_id(title), "title": title, "authors": ["Grace Hopper"],
             "published": "2021-01-04", "abstract": "The quokka estimator."}  # fmt: skip
    with Library(db_path) as lib:
        own = write(tmp_path / "a.jsonl", [json.dumps(first)])
        assert lib.import_file(own, format="jsonl", searchable=True).added == 1
        assert ids_found(lib, "tangled") == {hash_id(title)}
        again = write(tmp_path / "b.jsonl", [snapshot_line(7, title, "Grace Hopper")])
        report = lib.import_file(again, searchable=True)
        assert report.updated == 1
        assert ids_found(lib, "tangled") == {"2101.00007"}
        assert fresh_view(lib).count() == 1


def test_save_papers_reports_its_changes_and_their_sequence(db_path, tmp_path):
    with Library(db_path) as lib:
        lib.import_file(write(tmp_path / "a.jsonl", [snapshot_line(n) for n in (1, 2)]))
        before = lib.store.last_change()
        # a newer version of paper 2, and a new paper 3
        newer = json.loads(snapshot_line(2))
        newer["versions"].append({"version": "v2", "created": "Mon, 1 Feb 2021 10:00:00 GMT"})
        papers = [item.paper for item in _parsed(tmp_path, [json.dumps(newer), snapshot_line(3)])]
        with lib.store.transaction():
            result = lib.store.save_papers(papers)
        assert (result.added, result.updated) == (1, 1)
        changes = result.changes
        assert isinstance(changes, Changes)
        assert (changes.before, changes.after) == (before, lib.store.last_change())
        assert [p.id for p in changes.papers] == ["2101.00002", "2101.00003"]
        assert changes.new_ids == {"2101.00003"} and changes.removed == []


def _parsed(tmp_path: Path, lines: list[str]):
    from paperscope.importers import arxiv_snapshot

    with write(tmp_path / "p.jsonl", lines).open("rb") as f:
        return list(arxiv_snapshot.parse(f))


def test_a_paper_updated_by_a_later_batch_of_the_same_import_is_indexed_once(db_path, tmp_path):
    newer = json.loads(snapshot_line(1))
    newer["versions"].append({"version": "v2", "created": "Mon, 1 Feb 2021 10:00:00 GMT"})
    newer["abstract"] += " Now with a numbat."
    lines = [snapshot_line(n) for n in range(1, 6)] + [json.dumps(newer)]
    with Library(db_path) as lib:
        report = lib.import_file(write(tmp_path / "a.jsonl", lines), batch_size=5, searchable=True)
        assert (report.added, report.updated) == (5, 1)
        assert fresh_view(lib).count() == 5  # the first copy was replaced, not kept beside
        assert ids_found(lib, "numbat") == {"2101.00001"}


def test_a_fold_reports_the_kept_paper_with_the_votes_it_took_over(db_path):
    """Votes move with a folded duplicate (by trigger): the index must get the
    kept paper's new count, or a min-upvotes filter would miss it."""
    from tests.test_merge_rules import paper

    by_title = paper("Sparse attention at scale", authors=["Ada Lovelace"], published="2024")
    by_doi = paper("Sparse attention at scale (extended)", doi="10.5555/sparse")
    with Library(db_path) as lib:
        with lib.store.transaction():
            lib.store.save_papers([by_title, by_doi])
        ada = lib.people.add_user("ada@example.org", "Ada", "x", admin=False)
        lib.people.toggle_vote(ada.id, by_title.id)
        bridge = paper("Sparse attention at scale", authors=["A. Lovelace"], doi="10.5555/sparse")
        with lib.store.transaction():
            changes = lib.store.save_papers([bridge]).changes
        assert changes is not None and changes.after == lib.store.last_change()
        (kept,) = changes.papers
        assert kept.votes == 1 and changes.removed and kept.id not in changes.removed
