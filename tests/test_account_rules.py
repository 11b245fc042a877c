"""The account's rules and storage on both backends (issue 15, part 3): the
comments migration, changing a password, deleting an account, replies and
the edit window, the export, and ``paperscope user delete``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from typer.testing import CliRunner

from paperscope import account_data
from paperscope.accounts import AccountError, Accounts, token_hash
from paperscope.cli import app
from paperscope.lenses import lens_fields
from paperscope.library import Library
from paperscope.models import new_paper
from paperscope.store import base, open_store
from paperscope.store.collections import EditClosed, InvalidInput
from tests.test_accounts import FAST, PASSWORD, Clock

BEFORE = {"sqlite": 12, "postgresql": 8}  # the migration that lets comments outlive accounts
# (id, author, body) of the comments an old library holds; ids with gaps, to see them kept.
OLD_COMMENTS = [(5, 1, "first"), (7, 2, "second"), (9, 1, "third")]


@pytest.fixture
def library(library_url):
    with Library(library_url) as lib:
        with lib.store.transaction():
            lib.store.save_papers([
                new_paper(title=f"Paper {i}", source="hf-page", feed_date="2026-11-20",
                          upvotes=5)
                for i in range(3)
            ])  # fmt: skip
        yield lib


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(library, clock) -> Accounts:
    return Accounts(library.people, clock=clock, hasher=FAST)


def paper_ids(library: Library) -> list[str]:
    return sorted(p.id for p in library.papers())


# -- the migration ---------------------------------------------------------------------


@pytest.fixture(params=sorted(BEFORE))
def old_library(request, tmp_path, monkeypatch) -> str:
    """A library made before comments could outlive accounts, with comments in it."""
    if request.param == "sqlite":
        url, module = str(tmp_path / "old.db"), "paperscope.store.sqlite.migrations"
    else:
        url = request.getfixturevalue("pg_server").new_database(schema=False)
        module = "paperscope.store.postgres.migrations"
    limit = BEFORE[request.param]
    with monkeypatch.context() as patch:
        patch.setattr(module, lambda d: [m for m in base.migrations(d) if m[0] < limit])
        store = open_store(url)
        try:
            with store.transaction() as conn:
                store.save_papers([new_paper(title="Old paper", source="hf-page")])
                (paper_id,) = conn.execute("SELECT id FROM papers").fetchone()
                for uid, name in ((1, "ada"), (2, "bob")):
                    conn.execute(
                        "INSERT INTO users (id, email, name, password_hash, is_admin, created_at)"
                        " VALUES (?, ?, ?, 'x', 0, '2026-01-01T00:00:00Z')",
                        (uid, f"{name}@example.org", name),
                    )
                for cid, uid, body in OLD_COMMENTS:
                    conn.execute(
                        "INSERT INTO comments (id, paper_id, user_id, body, created_at)"
                        " VALUES (?, ?, ?, ?, '2026-01-02T00:00:00Z')",
                        (cid, paper_id, uid, body),
                    )
        finally:
            store.close()
    return url


def test_the_migration_keeps_comments_and_lets_them_outlive_their_author(old_library):
    with Library(old_library) as lib:
        [paper_id] = paper_ids(lib)
        found = lib.collections.comments(paper_id)
        assert [(c.id, c.user_id, c.body) for c in found] == OLD_COMMENTS
        assert all(c.parent_id is None and c.edited_at is None for c in found)
        # The foreign keys are there: a reply names its top comment, an author may go.
        reply = lib.collections.add_comment(2, paper_id, "a reply", reply_to=9)
        assert reply.parent_id == 9
        assert lib.people.delete_user(1)
        after = {c.id: (c.user_id, c.author, c.body) for c in lib.collections.comments(paper_id)}
        assert after == {5: (None, "", "first"), 7: (2, "bob", "second"),
                         9: (None, "", "third"), reply.id: (2, "bob", "a reply")}  # fmt: skip
        with pytest.raises(InvalidInput, match="no comment 99 on this paper"):
            lib.collections.add_comment(2, paper_id, "lost", reply_to=99)


def test_the_comment_indexes_are_there(library):
    if library.store.dialect == "sqlite":
        rows = library.store.conn.execute("PRAGMA index_list(comments)")
        names = {row[1] for row in rows}
    else:
        rows = library.store.conn.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'comments'"
        )
        names = {row[0] for row in rows}
    assert {"comments_paper", "comments_user", "comments_parent"} <= names


# -- passwords and deleting --------------------------------------------------------------


def test_a_password_change_ends_every_session_and_returns_a_fresh_one(accounts):
    accounts.sign_up("ada@example.org", "ada", PASSWORD)
    here = accounts.log_in("ada@example.org", PASSWORD)
    there = accounts.log_in("ada@example.org", PASSWORD)
    with pytest.raises(AccountError, match="the current password is wrong"):
        accounts.change_password(here.user.id, "wrong password", "a new password")
    fresh = accounts.change_password(here.user.id, PASSWORD, "a new password")
    assert fresh.token not in (here.token, there.token) and fresh.user.id == here.user.id
    assert accounts.session(here.token) is None and accounts.session(there.token) is None
    assert accounts.session(fresh.token)[0].name == "ada"


def test_asking_for_the_password_again_is_rate_limited(accounts):
    from paperscope.accounts import LIMITS, RateLimited

    ada = accounts.sign_up("ada@example.org", "ada", PASSWORD)
    attempts, _ = LIMITS["reauth"]
    for _ in range(attempts):
        with pytest.raises(AccountError, match="the current password is wrong"):
            accounts.delete_account(ada.id, "a guess at it")
    with pytest.raises(RateLimited, match="too many attempts"):
        accounts.change_password(ada.id, PASSWORD, "a new password")  # even the right one
    assert accounts.user_by_email("ada@example.org") is not None


def test_deleting_an_account_takes_what_only_it_had_and_keeps_its_comments(library, accounts):
    ada = accounts.sign_up("ada@example.org", "ada", PASSWORD)
    bob = accounts.sign_up("bob@example.org", "bob", PASSWORD)
    session = accounts.log_in("bob@example.org", PASSWORD)
    first, second, third = paper_ids(library)
    people, shelf, digests = library.people, library.collections, library.subscriptions
    people.toggle_vote(ada.id, first)
    people.toggle_vote(bob.id, first)
    people.toggle_vote(bob.id, second)
    assert library.get(first).total_upvotes == 7
    said = shelf.add_comment(bob.id, first, "Bob's word")
    answer = shelf.add_comment(ada.id, first, "Ada's answer", reply_to=said.id)
    private = shelf.create(bob.id, "Private")
    shared = shelf.create(bob.id, "Shared")
    shelf.add_paper(bob.id, shared.id, third)
    token = shelf.share(bob.id, shared.id)
    kept = shelf.create(ada.id, "Ada's")
    digests.save_subscription(bob.id, period="daily", trending=True, recommended=False,
                              searches=[])  # fmt: skip
    assert digests.claim("daily:2026-11-20", bob.id, "<m@x>")
    version = library.data_version()

    with pytest.raises(AccountError, match="the current password is wrong"):
        accounts.delete_account(bob.id, "wrong password")
    with pytest.raises(AccountError, match="only admin"):
        accounts.delete_account(ada.id, PASSWORD)
    accounts.delete_account(bob.id, PASSWORD)

    assert people.user(bob.id) is None and accounts.session(session.token) is None
    assert library.get(first).total_upvotes == 6 and library.get(second).total_upvotes == 5
    assert shelf.get(private.id) is None and shelf.get(shared.id) is None
    assert shelf.by_token(token) is None and shelf.get(kept.id) is not None
    assert digests.subscription(bob.id) is None
    for table in ("digest_sends", "sessions", "votes", "collections"):
        count = library.store.conn.execute(
            f"SELECT count(*) FROM {table} WHERE user_id = ?", (bob.id,)
        ).fetchone()[0]
        assert count == 0, table
    comments = {c.id: c for c in shelf.comments(first)}
    assert comments[said.id].user_id is None and comments[said.id].body == "Bob's word"
    assert comments[answer.id].parent_id == said.id and comments[answer.id].author == "ada"
    assert library.data_version() != version  # cached pages showing bob's name are dropped
    assert not people.delete_user(bob.id)  # gone already
    # The last account may go, admin or not.
    accounts.delete_account(ada.id, PASSWORD)
    assert people.count_admins() == (0, 0)


def test_a_submitters_name_leaves_the_papers_it_submitted(library, accounts):
    bob = accounts.sign_up("bob@example.org", "bob", PASSWORD)
    with library.store.transaction():
        library.store.save_papers([new_paper(title="Not yet in the feed", source="hf-page")])
    [paper] = [p for p in library.papers() if p.feed_date is None]
    assert library.people.submit(paper.id, bob, "2026-11-20")
    assert library.get(paper.id).submitted_by == "bob"
    assert [pid for pid, _ in library.people.submissions_of(bob.id)] == [paper.id]
    seq = library.store.last_change()
    library.people.delete_user(bob.id)
    kept = library.get(paper.id)
    assert kept.feed_date == "2026-11-20" and kept.submitted_by == ""
    assert library.store.last_change() > seq  # the indexes see the change


# -- replies and edits --------------------------------------------------------------------


def test_replies_attach_to_the_top_comment_and_edits_close_after_15_minutes(library, accounts,
                                                                           clock):  # fmt: skip
    ada = accounts.sign_up("ada@example.org", "ada", PASSWORD)
    first, second, _ = paper_ids(library)
    shelf = library.collections
    now = clock.now
    top = shelf.add_comment(ada.id, first, "top", now=now)
    reply = shelf.add_comment(ada.id, first, "reply", reply_to=top.id, now=now)
    deeper = shelf.add_comment(ada.id, first, "deeper", reply_to=reply.id, now=now)
    assert (top.parent_id, reply.parent_id, deeper.parent_id) == (None, top.id, top.id)
    assert top.created_at == "2026-11-20T12:00:00Z"  # the caller's clock, not the machine's
    with pytest.raises(InvalidInput, match="no comment"):
        shelf.add_comment(ada.id, second, "elsewhere", reply_to=top.id)

    edited = shelf.edit_comment(ada.id, top.id, "top, edited", now + timedelta(minutes=15))
    assert edited.body == "top, edited" and edited.edited_at == "2026-11-20T12:15:00Z"
    with pytest.raises(EditClosed, match="can be edited for 15 minutes"):
        shelf.edit_comment(ada.id, top.id, "too late", now + timedelta(minutes=15, seconds=1))
    assert shelf.comment(top.id).body == "top, edited"
    assert shelf.edit_comment(ada.id + 1, reply.id, "not mine", now) is None
    with pytest.raises(InvalidInput, match="1 to 5,000"):
        shelf.edit_comment(ada.id, reply.id, " ", now)

    shelf.delete_comment(top.id)
    thread = shelf.comments(first)
    assert [(c.id, c.deleted, c.body) for c in thread] == [
        (top.id, True, ""), (reply.id, False, "reply"), (deeper.id, False, "deeper")
    ]  # fmt: skip
    assert shelf.edit_comment(ada.id, top.id, "back", now) is None  # deleted: nothing to edit
    assert [c.id for c in shelf.comments_of(ada.id)] == [deeper.id, reply.id]


# -- the export ---------------------------------------------------------------------------


def test_the_export_is_its_sections_and_holds_only_the_persons_things(library, accounts, clock,
                                                                     monkeypatch):  # fmt: skip
    ada = accounts.sign_up("ada@example.org", "ada", PASSWORD)
    bob = accounts.sign_up("bob@example.org", "bob", PASSWORD)
    first, second, third = paper_ids(library)
    library.people.toggle_vote(ada.id, first)
    library.people.toggle_vote(bob.id, second)
    library.collections.add_comment(bob.id, third, "bob's")
    shelf = library.collections.create(ada.id, "Mine")
    library.collections.add_paper(ada.id, shelf.id, third)
    library.subscriptions.save_subscription(ada.id, period="weekly", trending=False,
                                            recommended=True)  # fmt: skip
    library.lenses.add(ada.id, lens_fields(categories=["cs.LG"]))
    library.lenses.add(bob.id, lens_fields(name="Bob's", q="bob"))

    data = account_data.export(library, ada, clock.now)
    assert list(data) == ["format", "version", "exported_at", *account_data.SECTIONS]
    assert data["account"] == {"id": ada.id, "email": "ada@example.org", "name": "ada",
                               "admin": True, "created_at": ada.created_at}  # fmt: skip
    assert [v["paper_id"] for v in data["upvotes"]] == [first]
    assert data["comments"] == [] and data["submissions"] == []
    assert data["collections"][0]["papers"] == [{"paper_id": third, "title": "Paper 2"}]
    assert data["digest_subscription"]["recommended"] is True
    assert [(x["name"], x["categories"]) for x in data["lenses"]] == [("in cs.LG", ["cs.LG"])]
    assert account_data.export(library, bob, clock.now)["digest_subscription"] is None
    # A new kind of thing is one more section.
    monkeypatch.setitem(account_data.SECTIONS, "lenses", lambda lib, user: [])
    assert account_data.export(library, ada, clock.now)["lenses"] == []


# -- the shell ----------------------------------------------------------------------------


def test_user_delete_from_the_shell(tmp_path, monkeypatch):
    db = tmp_path / "library.db"
    monkeypatch.setenv("PAPERSCOPE_DB", str(db))
    with Library(str(db)) as lib:
        accounts = Accounts(lib.people, hasher=FAST)
        accounts.sign_up("ada@example.org", "ada", PASSWORD)
        bob = accounts.sign_up("bob@example.org", "bob", PASSWORD)
        session = accounts.log_in("bob@example.org", PASSWORD)
    runner = CliRunner()
    r = runner.invoke(app, ["user", "delete", "nobody@example.org", "--yes"])
    assert r.exit_code == 1 and "no account has the email address nobody@example.org" in r.output
    r = runner.invoke(app, ["user", "delete", "BOB@example.org"], input="n\n")
    assert r.exit_code == 1 and "nothing deleted" in r.output
    r = runner.invoke(app, ["user", "delete", "bob@example.org"], input="y\n")
    assert r.exit_code == 0 and "account bob <bob@example.org> deleted" in r.output
    with Library(str(db)) as lib:
        assert lib.people.user(bob.id) is None
        assert lib.people.session(token_hash(session.token), "2000-01-01T00:00:00Z") is None


# -- copying a library -----------------------------------------------------------------------


def test_paperscope_migrate_copies_replies_edits_and_comments_of_deleted_accounts(tmp_path,
                                                                                   pg_server):  # fmt: skip
    from paperscope.store.copy import copy_library

    source = tmp_path / "library.db"
    with Library(str(source)) as lib:
        with lib.store.transaction():
            lib.store.save_papers([new_paper(title="A paper", source="hf-page")])
        [paper_id] = paper_ids(lib)
        accounts = Accounts(lib.people, hasher=FAST)
        ada = accounts.sign_up("ada@example.org", "ada", PASSWORD)
        bob = accounts.sign_up("bob@example.org", "bob", PASSWORD)
        clock = Clock()
        top = lib.collections.add_comment(bob.id, paper_id, "top", now=clock.now)
        reply = lib.collections.add_comment(ada.id, paper_id, "reply", reply_to=top.id,
                                            now=clock.now)  # fmt: skip
        lib.collections.edit_comment(ada.id, reply.id, "reply, edited", clock.now)
        lib.people.delete_user(bob.id)
        before = lib.collections.comments(paper_id)
    target = pg_server.new_database()
    try:
        report = copy_library(str(source), target)
        assert report.ok, report.checks
        with Library(target) as there:
            assert there.collections.comments(paper_id) == before
            assert [(c.user_id, c.parent_id) for c in before] == [(None, None), (ada.id, top.id)]
            assert before[1].edited_at == "2026-11-20T12:00:00Z"
    finally:
        pg_server.drop_database(target)


def test_a_deleted_accounts_id_is_never_given_to_a_new_one(library_url):
    """Signed links (unsubscribe, "not interested") and rate-limit keys name
    people by id: a new account must not inherit the newest deleted one's."""
    from paperscope.library import Library

    with Library(library_url) as lib:
        people = lib.people
        first = people.add_user("a@example.org", "a", "x", admin=True)
        newest = people.add_user("b@example.org", "b", "x", admin=False)
        assert people.delete_user(newest.id)
        again = people.add_user("c@example.org", "c", "x", admin=False)
        assert again.id > newest.id > first.id
        assert people.delete_user(again.id) and people.delete_user(newest.id) is False
        assert people.add_user("d@example.org", "d", "x", admin=False).id > again.id
