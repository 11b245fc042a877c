"""The feedback store (store/feedback.py) on both backends: "not interested",
seen, model resets, and what happens to them when accounts and papers go or
papers are renamed."""

from __future__ import annotations

import pytest

from paperscope.accounts import Accounts
from paperscope.library import Library
from paperscope.models import new_paper
from tests.test_accounts import FAST, PASSWORD


@pytest.fixture
def lib(library_url):
    with Library(library_url) as found:
        with found.store.transaction():
            found.store.save_papers(
                [
                    new_paper(title=f"Paper {i}", source="hf-page", feed_date="2026-03-01")
                    for i in range(4)
                ]  # fmt: skip
            )
        yield found


def ids(lib: Library) -> list[str]:
    return sorted(p.id for p in lib.papers())


def person(lib: Library, name: str) -> int:
    return Accounts(lib.people, hasher=FAST).sign_up(f"{name}@example.org", name, PASSWORD).id


def test_dismiss_and_undismiss_are_idempotent_and_per_person(lib):
    ada, bo = person(lib, "ada"), person(lib, "bo")
    a, b, *_ = ids(lib)
    lib.feedback.dismiss(ada, a)
    lib.feedback.dismiss(ada, a)  # a double click
    lib.feedback.dismiss(ada, b)
    lib.feedback.dismiss(bo, b)
    assert lib.feedback.dismissed([ada, bo, 999]) == {ada: {a, b}, bo: {b}}
    lib.feedback.undismiss(ada, a)
    lib.feedback.undismiss(ada, a)
    assert lib.feedback.dismissed([ada]) == {ada: {b}}
    assert lib.feedback.dismissed([]) == {}
    assert list(lib.feedback.of(ada).dismissed) == [b]


def test_mark_seen_is_idempotent_keeps_both_ways_and_skips_unknown_papers(lib):
    ada, bo = person(lib, "ada"), person(lib, "bo")
    a, b, c, _ = ids(lib)
    lib.feedback.mark_seen(ada, [a, b, "no-such-paper"], "digest")
    lib.feedback.mark_seen(ada, [a, b], "digest")  # the same digest sent again
    lib.feedback.mark_seen(ada, iter([b]), "opened")
    lib.feedback.mark_opened(bo, c)
    lib.feedback.mark_opened(bo, c)
    lib.feedback.mark_seen(bo, [], "digest")
    assert lib.feedback.seen([ada, bo]) == {ada: {a, b}, bo: {c}}
    assert sorted(lib.feedback.of(ada).seen[b]) == ["digest", "opened"]
    with pytest.raises(ValueError, match="how is one of digest, opened"):
        lib.feedback.mark_seen(ada, [a], "emailed")


def test_reset_forgets_what_came_before_it_and_not_what_came_after(lib):
    ada = person(lib, "ada")
    a, b, c, d = ids(lib)
    for pid in (a, b):
        lib.people.toggle_vote(ada, pid)
    collection = lib.collections.create(ada, "To read")
    lib.collections.add_paper(ada, collection.id, c)
    lib.feedback.dismiss(ada, d)
    assert lib.feedback.forgotten([ada]) == {}
    assert lib.feedback.dismissed_since([ada]) == {ada: {d: True}}
    # A reset long ago forgets nothing made since.
    lib.feedback.reset(ada, at="2000-01-01T00:00:00Z")
    assert lib.feedback.forgotten([ada]) == {}
    # A reset now forgets the votes, the save and the dismissal's weight
    # (all made in this second or before), but the dismissal stays.
    at = lib.feedback.reset(ada)
    assert lib.feedback.resets([ada]) == {ada: at} and lib.feedback.of(ada).reset_at == at
    assert lib.feedback.forgotten([ada]) == {ada: {a, b, c}}
    assert lib.feedback.dismissed_since([ada]) == {ada: {d: False}}
    assert lib.feedback.dismissed([ada]) == {ada: {d}}
    assert lib.people.interests([ada])[ada] == {a: "upvoted", b: "upvoted", c: "saved"}


def test_feedback_goes_with_the_account_and_follows_a_renamed_paper(lib):
    ada, bo = person(lib, "ada"), person(lib, "bo")
    a, b, *_ = ids(lib)
    for uid in (ada, bo):
        lib.feedback.dismiss(uid, a)
        lib.feedback.mark_opened(uid, a)
        lib.feedback.reset(uid)
    with lib.store.transaction() as conn:  # ids change when records merge (ON UPDATE CASCADE)
        conn.execute("UPDATE papers SET id = ? WHERE id = ?", ("renamed-paper", a))
        conn.execute("DELETE FROM users WHERE id = ?", (bo,))
    assert lib.feedback.dismissed([ada, bo]) == {ada: {"renamed-paper"}}
    assert lib.feedback.seen([ada, bo]) == {ada: {"renamed-paper"}}
    assert list(lib.feedback.resets([ada, bo])) == [ada]
    with lib.store.transaction() as conn:
        conn.execute("DELETE FROM papers WHERE id = ?", ("renamed-paper",))
    assert lib.feedback.dismissed([ada]) == {} and lib.feedback.seen([ada]) == {}
