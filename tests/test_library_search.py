"""Library.search on a real library: exact look-up first, incremental indexing,
catching up after a crash, and no query that can make it fail."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperscope.library import Library
from paperscope.models import hash_id
from paperscope.search import MARK_FILE
from paperscope.search.query import SearchFilters
from tests.conftest import ARXIV_SAMPLE, SEEDS


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    with Library(tmp_path_factory.mktemp("lib") / "lib.db") as library:
        library.import_file(ARXIV_SAMPLE)
        for seed in SEEDS:
            library.import_file(seed)
        yield library


def first_record() -> dict:
    return json.loads(ARXIV_SAMPLE.read_text(encoding="utf-8").splitlines()[1])


@pytest.mark.parametrize(
    ("ref", "kind"),
    [
        ("0704.0002", "id"),
        ("0704.0002v2", "arXiv id"),
        ("arXiv:0704.0002", "arXiv id"),
        ("https://arxiv.org/abs/0704.0002v1", "arXiv URL"),
        ("https://huggingface.co/papers/0704.0002", "arXiv URL"),
        ("SPARSITY-certifying graph decompositions!", "title"),
    ],
)
def test_exact_references_come_first_and_say_so(lib, ref, kind):
    results = lib.search(ref)
    assert results.hits[0].id == "0704.0002"
    assert results.hits[0].why["exact"] == kind
    assert results.ids.count("0704.0002") == 1


def test_a_doi_finds_its_paper_first(lib):
    results = lib.search("https://doi.org/10.1103/PhysRevD.76.013009")
    assert results.hits[0].id == "0704.0001" and results.hits[0].why["exact"] == "DOI"


def test_keyword_hits_carry_rank_and_score_and_pages_do_not_overlap(lib):
    page1 = lib.search("neural networks", limit=5)
    page2 = lib.search("neural networks", limit=5, offset=5)
    assert [h.why["keyword_rank"] for h in page1.hits] == [1, 2, 3, 4, 5]
    assert [h.why["keyword_rank"] for h in page2.hits] == [6, 7, 8, 9, 10]
    scores = [h.score for h in page1.hits + page2.hits]
    assert scores == sorted(scores, reverse=True)
    assert not set(page1.ids) & set(page2.ids)


def test_filters_reach_the_index(lib):
    results = lib.search("quantum", filters=SearchFilters(categories=["quant-ph"]))
    assert results.hits and all("quant-ph" in h.paper.categories for h in results.hits)


def test_a_new_paper_is_searchable_right_after_its_import(tmp_path):
    with Library(tmp_path / "lib.db") as library:
        library.import_file(SEEDS[0])
        assert library.search("diphoton").hits == []
        before = library.lexical_index().count()
        library.import_file(ARXIV_SAMPLE)
        hits = library.search("diphoton production Tevatron").hits
        assert hits[0].id == "0704.0001"
        assert library.lexical_index().count() == before + 200


def test_a_renamed_paper_leaves_no_stale_entry(tmp_path):
    with Library(tmp_path / "lib.db") as library:
        page = tmp_path / "page.txt"
        record = first_record()
        title, abstract = (" ".join(record[k].split()) for k in ("title", "abstract"))
        page.write_text(f"Daily Papers\n{title}\n{abstract}\n", encoding="utf-8")
        library.import_file(page)
        old = hash_id(record["title"])
        assert library.search(record["title"]).hits[0].id == old
        library.import_file(ARXIV_SAMPLE)
        ids = library.search("sparsity certifying pebble game").ids
        assert ids[0] == record["id"] and old not in ids


def test_the_index_catches_up_after_a_crash_before_its_commit(tmp_path):
    path = tmp_path / "lib.db"
    with Library(path) as library:
        library.import_file(ARXIV_SAMPLE)
        library.sync_index()
        # As if the process died after the database commit but before the
        # index recorded its progress: the mark is behind.
        (library.index_path / MARK_FILE).write_text(json.dumps({"seq": 0}))
    with Library(path) as library:
        assert library.sync_index() == 200  # re-applied, harmlessly
        assert library.lexical_index().count() == 200
        assert library.sync_index() == 0


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(max_size=300),
        st.sampled_from(
            ['"', "((", ")", "AND OR NOT", "*", "-", "title:", 'author:"', "🧪🔬", "ẞ Ω 中文"]
        ),
        st.text(alphabet='"()-*: ANDORT\x00\x1b', max_size=50),
        st.just("x" * 10_000),
    )
)
def test_no_query_can_make_search_fail(lib, query):
    results = lib.search(query)
    assert isinstance(results.hits, list)
    assert all(h.paper is not None for h in results.hits)


def test_a_long_running_reader_sees_papers_another_process_imported(tmp_path):
    """The web service keeps one Library open while `paperscope import` runs
    in another process; its searches must find the new papers."""
    path = tmp_path / "lib.db"
    with Library(path) as web, Library(path) as cli:
        web.import_file(SEEDS[0])
        assert web.search("diphoton").hits == []
        cli.import_file(ARXIV_SAMPLE)
        cli.sync_index()  # the import command does this; the web process did not write
        assert web.search("diphoton production Tevatron").hits[0].id == "0704.0001"
