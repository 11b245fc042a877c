"""Lenses: the rules of what one may hold, the store on both backends, and
matching by words, filters and meaning (with the shipped embedding model)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from paperscope import lenses
from paperscope.library import Library
from paperscope.models import new_paper
from paperscope.store.lenses import Lens, NameTaken

TODAY = date(2026, 3, 18)


def day(days_ago: int) -> str:
    return (TODAY - timedelta(days=days_ago)).isoformat()


def paper(title: str, days_ago: int, cats=("cs.LG",), authors=("Ada Byron",), abstract=""):
    return new_paper(title=title, source="arxiv-oai", published=day(days_ago),
                     categories=list(cats), authors=list(authors), abstract=abstract)  # fmt: skip


def user(lib: Library, name: str) -> int:
    return lib.people.add_user(f"{name}@example.org", name, "x", admin=False).id


# -- the rules ------------------------------------------------------------------------


def test_fields_are_cleaned_and_a_lens_without_a_name_is_named_after_what_it_holds():
    f = lenses.lens_fields(q="  graph   networks ", categories="cs.LG, stat.ML,cs.LG",
                           authors=["Ada Byron", " "])  # fmt: skip
    assert (f.q, f.categories, f.authors) == ("graph networks", ["cs.LG", "stat.ML"], ["Ada Byron"])
    assert f.name == "“graph networks” by Ada Byron in cs.LG or stat.ML"
    assert lenses.lens_fields(about="proteins that fold").name == "about proteins that fold"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "needs words"),
        ({"q": "a", "categories": ["cs LG"]}, "not an arXiv category"),
        ({"q": "a", "authors": ["!!!"]}, "not an author's name"),
        ({"q": "a", "authors": [f"Person {i}" for i in range(11)]}, "at most 10 authors"),
        ({"about": "x" * 501}, "at most 500 characters"),
        ({"q": "a", "webhook_url": "javascript:alert(1)"}, "not an http"),
        ({"q": "a", "webhook_url": "http://10.0.0.7/x"}, "private or reserved"),
        ({"q": "a", "webhook_url": "http://169.254.169.254/latest"}, "private or reserved"),
        ({"q": "a", "webhook_url": "http://printer.local/x"}, "may not go to printer.local"),
        ({"q": "a", "webhook_url": "http://example.org:99999/x"}, "bad port"),
    ],
)
def test_bad_fields_name_what_is_wrong(kwargs, message):
    with pytest.raises(lenses.LensError, match=message):
        lenses.lens_fields(**kwargs)


def test_private_webhook_addresses_are_allowed_only_when_the_settings_say_so():
    url = "http://127.0.0.1:8080/hook"
    assert (
        lenses.lens_fields(q="a", webhook_url=url, allow_private_webhooks=True).webhook_url == url
    )
    assert lenses.check_webhook_url("https://hooks.example.org/x", allow_private=False)


# -- the store ------------------------------------------------------------------------


def test_the_store_keeps_lenses_per_owner_with_revocable_feed_tokens(library_url):
    with Library(library_url) as lib:
        ada, bob = user(lib, "ada"), user(lib, "bob")
        lens = lib.lenses.add(
            ada, lenses.lens_fields(name="Graphs", q="graph", categories=["cs.LG"])
        )
        assert lib.lenses.get(lens.id, ada) == lens and lib.lenses.get(lens.id, bob) is None
        assert lib.lenses.by_feed_token(lens.feed_token) == lens
        with pytest.raises(NameTaken):
            lib.lenses.add(ada, lenses.lens_fields(name="Graphs", q="other"))
        lib.lenses.add(bob, lenses.lens_fields(name="Graphs", q="other"))  # names are per owner
        assert lib.lenses.update(lens.id, bob, lenses.lens_fields(q="stolen")) is None
        assert lib.lenses.delete(lens.id, bob) is False
        moved = lib.lenses.new_feed_token(lens.id, ada)
        assert moved is not None and moved.feed_token != lens.feed_token
        assert lib.lenses.by_feed_token(lens.feed_token) is None
        hooked = lib.lenses.update(
            lens.id, ada, lenses.lens_fields(name="Graphs", q="graph",
                                             webhook_url="https://hooks.example.org/a"),
        )  # fmt: skip
        assert hooked is not None and len(hooked.webhook_secret) > 30 and hooked.webhook_since
        assert [x.id for x in lib.lenses.with_webhooks()] == [lens.id]
        assert set(lib.lenses.of_users([ada, bob])) == {ada, bob}
        assert lib.lenses.delete(lens.id, ada) and lib.lenses.get(lens.id) is None


def test_matches_are_recorded_once_and_settled(library_url):
    with Library(library_url) as lib:
        with lib.store.transaction():
            lib.store.save_papers([paper("One", 1), paper("Two", 1)])
        ids = sorted(
            p.id
            for p in lib.store.get_many(sorted(lib.recent_ids(TODAY - timedelta(days=3), TODAY)))
        )
        ada = user(lib, "ada")
        lens = lib.lenses.add(ada, lenses.lens_fields(q="a", webhook_url="https://h.example.org/"))
        now = "2026-03-18T12:00:00Z"
        assert lib.lenses.record_matches(lens.id, ids, now) == 2
        assert lib.lenses.record_matches(lens.id, ids, now) == 0
        due = lib.lenses.due(lens.id, now)
        assert [d.paper_id for d in due] == ids and all(d.attempts == 0 for d in due)
        lib.lenses.settle(lens.id, ids[:1], status="delivered", attempts=1, next_at=now)
        lib.lenses.settle(lens.id, ids[1:], status="pending", attempts=1,
                          next_at="2026-03-18T12:05:00Z", error="HTTP 500")  # fmt: skip
        assert lib.lenses.due(lens.id, now) == []
        later = lib.lenses.due(lens.id, "2026-03-18T12:05:00Z")
        assert [(d.paper_id, d.attempts, d.last_error) for d in later] == [(ids[1], 1, "HTTP 500")]


# -- matching -------------------------------------------------------------------------


@pytest.fixture
def library(library_url):
    with Library(library_url) as lib:
        with lib.store.transaction():
            lib.store.save_papers([
                paper("Graph networks for molecules", 1),
                paper("Graph networks: a survey", 1, authors=("Alan Turing",)),
                paper("Graph networks for images", 1, cats=("cs.CV",)),
                paper("Graph networks for traffic", 9),
                paper("Sorting in linear time", 1, cats=("cs.DS",), authors=("Alan Turing",)),
            ])  # fmt: skip
        lib.sync_index()
        yield lib


def lens_of(**kwargs) -> Lens:
    f = lenses.lens_fields(**kwargs)
    return Lens(0, 1, f.name, f.q, tuple(f.categories), tuple(f.authors), f.about, f.ranked)


def titles(found) -> list[str]:
    return sorted(m.paper.title for m in found)


def test_words_filters_and_exclusions_over_a_window(library):
    window = lenses.WindowMatcher(library, TODAY - timedelta(days=2), TODAY)
    assert len(window.papers) == 4  # the 9-day-old paper is outside it
    assert titles(window.matches(lens_of(q="graph -survey", categories=["cs.LG"]))) == [
        "Graph networks for molecules"
    ]
    assert titles(window.matches(lens_of(authors=["Alan Turing"]))) == [
        "Graph networks: a survey", "Sorting in linear time"]  # fmt: skip
    assert titles(window.matches(lens_of(q="graph", authors=["Ada Byron", "Alan Turing"],
                                         categories=["cs.LG"]))) == [
        "Graph networks for molecules", "Graph networks: a survey"]  # fmt: skip
    assert window.matches(lens_of(q="nothing like it")) == []


def test_whole_library_matches_newest_first_or_best_first(library):
    lens = lens_of(q="graph networks", categories=["cs.LG"])
    newest = lenses.matches(library, lens, sort="new", today=TODAY)
    assert [m.paper.title for m in newest][-1] == "Graph networks for traffic"  # 9 days old: last
    assert len(lenses.matches(library, lens, sort="best", today=TODAY, limit=2)) == 2
    with pytest.raises(lenses.LensError, match="sort 'old' is not one of new, best"):
        lenses.matches(library, lens, sort="old", today=TODAY)


def test_a_description_matches_by_meaning_with_the_real_model(tmp_path):
    """The shipped model, a dozen abstracts: a description with no word in
    common with a paper's title still finds it, exclusions still apply, and
    "ranked for me" puts what is near the owner's upvotes first."""
    with Library(tmp_path / "library.db") as lib:
        topics = [
            ("Predicting protein structure from amino acid sequences", "q-bio.BM"),
            ("Enzyme design by deep learning on protein backbones", "q-bio.BM"),
            ("Antibody binding affinity from protein language models", "q-bio.BM"),
            ("Object detection in street scenes from camera images", "cs.CV"),
            ("Self-supervised pretraining for image segmentation", "cs.CV"),
            ("Diffusion models for photorealistic image generation", "cs.CV"),
            ("Auction design for selling advertising slots", "econ.TH"),
            ("Interest rates and inflation expectations of households", "econ.GN"),
        ]
        with lib.store.transaction():
            lib.store.save_papers([paper(t, 1, cats=(c,)) for t, c in topics])
        lib.sync_index()
        assert lib.embed() == len(topics)
        window = lenses.WindowMatcher(lib, TODAY - timedelta(days=2), TODAY)
        about = lens_of(about="how proteins fold and bind, in biology")
        found = window.matches(about)
        assert found and all("protein" in m.paper.title.lower() for m in found)
        assert all(m.why["cosine"] >= lenses.ABOUT_FLOOR for m in found)
        assert window.embedded == 1
        later = lenses.WindowMatcher(lib, TODAY - timedelta(days=2), TODAY)  # the next run
        assert titles(later.matches(about)) == titles(found) and later.embedded == 0
        excluding = lens_of(q="-antibody", about="how proteins fold and bind, in biology")
        kept = titles(window.matches(excluding))
        assert kept and not any("Antibody" in t for t in kept)
        whole = lenses.matches(lib, about, sort="best", today=TODAY)
        assert titles(whole) == titles(found)
        jo = user(lib, "jo")
        cv = [p for p in lib.store.get_many(sorted(lib.recent_ids(TODAY - timedelta(days=2), TODAY)))
              if "cs.CV" in p.categories]  # fmt: skip
        for p in cv[:2]:
            lib.people.toggle_vote(jo, p.id)
        mine = Lens(0, jo, "all", categories=("cs.CV", "q-bio.BM"), ranked=True)
        ranked = window.matches(mine)
        assert "cs.CV" in ranked[0].paper.categories and "taste" in ranked[0].why
        assert ranked[-1].why["taste"] < ranked[0].why["taste"]


def test_a_dry_run_shows_the_last_week(library):
    fields = lenses.lens_fields(q="graph")
    found = lenses.dry_run(library, fields, 1, today=TODAY)
    assert titles(found) == ["Graph networks for images", "Graph networks for molecules",
                             "Graph networks: a survey"]  # fmt: skip
    assert len(lenses.dry_run(library, fields, 1, today=TODAY, days=10)) == 4


def test_a_paper_published_at_a_time_of_day_is_in_its_days_window(library):
    with library.store.transaction():
        stamp = datetime(2026, 3, 18, 23, 59, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        library.store.save_papers([new_paper(title="Late graph paper", source="arxiv-oai",
                                             published=stamp, categories=["cs.LG"])])  # fmt: skip
    library.sync_index()
    window = lenses.WindowMatcher(library, TODAY, TODAY)
    assert "Late graph paper" in titles(window.matches(lens_of(q="graph")))


def test_a_busy_category_is_followed_whole_past_a_search_page(library_url):
    """A search page stops at 200 hits; a day of a busy category has more,
    and a webhook or a digest must see every one of them."""
    with Library(library_url) as lib:
        with lib.store.transaction():
            lib.store.save_papers([paper(f"Busy paper {i}", 1 + i % 2, cats=("cs.LG",))
                                   for i in range(260)])  # fmt: skip
        lib.sync_index()
        window = lenses.WindowMatcher(lib, TODAY - timedelta(days=2), TODAY)
        assert len(window.matches(lens_of(categories=["cs.LG"]))) == 260
        assert len(window.matches(lens_of(q="busy"))) == 260
        newest = lenses.matches(lib, lens_of(categories=["cs.LG"]), sort="new", today=TODAY,
                                limit=300)  # fmt: skip
        days = [m.paper.published for m in newest]
        assert len(newest) == 260 and days == sorted(days, reverse=True)
