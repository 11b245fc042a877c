"""`paperscope lenses`: list, dry-run and deliver through the real command
line, on both backends, with a real webhook receiver on 127.0.0.1."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from typer.testing import CliRunner

from paperscope.cli import app as cli
from paperscope.lenses import lens_fields
from paperscope.library import Library
from paperscope.models import Version, new_paper
from tests.test_feedback import person
from tests.test_webhooks import Receiver

BASE = "https://papers.example.org"
TODAY = datetime.now(UTC).date()  # the commands' clock is the real one


def _paper(title: str, n: int, days_ago: int, cats: list[str]):
    day = (TODAY - timedelta(days=days_ago)).isoformat()
    return new_paper(title=title, arxiv_id=f"2603.{n:05d}", source="arxiv-oai",
                     versions=[Version(1, f"{day}T10:00:00Z")], published=day,
                     categories=cats, authors=["Ada Byron"],
                     abstract=f"We study {title.lower()} in depth.")  # fmt: skip


@pytest.fixture
def lib(library_url):
    with Library(library_url) as found:
        with found.store.transaction():
            found.store.save_papers([
                _paper("Graph networks for molecules", 1, 0, ["cs.LG"]),
                _paper("Graph networks for traffic", 2, 2, ["cs.CV"]),
                _paper("Graph networks of last month", 3, 30, ["cs.LG"]),
            ])  # fmt: skip
        found.sync_index()
        person(found, "ada")
        yield found


@pytest.fixture
def run(lib, library_url, monkeypatch):
    monkeypatch.setenv("PAPERSCOPE_DB", library_url)
    monkeypatch.delenv("PAPERSCOPE_BASE_URL", raising=False)
    monkeypatch.delenv("PAPERSCOPE_WEBHOOKS_ALLOW_PRIVATE", raising=False)
    runner = CliRunner()

    def invoke(*args: str, code: int = 0):
        result = runner.invoke(cli, ["lenses", *args])
        assert result.exit_code == code, result.output + str(result.exception or "")
        return result

    return invoke


@pytest.fixture
def receiver():
    made = Receiver()
    made.thread.start()
    yield made
    made.server.shutdown()
    made.server.server_close()
    made.thread.join(5)


def add(lib: Library, **values) -> int:
    (user,) = [lib.people.user_by_email("ada@example.org")]
    assert user is not None
    fields = lens_fields(allow_private_webhooks=True, **values)
    return lib.lenses.add(user[0].id, fields).id


def test_list_shows_a_persons_lenses(run, lib):
    assert "ada@example.org has no lenses" in run("list", "--user", "ada@example.org").output
    add(lib, name="Graphs", q="graph networks", categories="cs.LG")
    add(lib, name="Ada's papers", authors="Ada Byron", webhook_url="http://127.0.0.1:9/hook",
        in_digest=False)  # fmt: skip
    text = run("list", "--user", " ADA@example.org ").output
    lines = text.splitlines()
    assert lines[0].endswith("  Ada's papers: by Ada Byron (not in the digest; "
                             "webhook http://127.0.0.1:9/hook)")  # fmt: skip
    assert lines[1].endswith("  Graphs: “graph networks” in cs.LG (in the digest)")
    data = orjson.loads(run("list", "--user", "ada@example.org", "--json").output)
    assert [x["name"] for x in data] == ["Ada's papers", "Graphs"]  # by name
    assert data[0]["in_digest"] is False and data[1]["categories"] == ["cs.LG"]
    assert all(x["feed"].startswith("/lenses/feed/") for x in data)
    assert "webhook_secret" not in data[0]


def test_a_bad_email_is_named_and_exits_2(run):
    for command in (["list"], ["dry-run", "--q", "graph"]):
        result = run(*command, "--user", "nobody@example.org", code=2)
        assert "error: no account has the email address 'nobody@example.org'" in result.output
        assert "Traceback" not in result.output


def test_dry_run_shows_what_a_lens_would_have_matched(run):
    week = run("dry-run", "--user", "ada@example.org", "--q", "graph networks").output
    assert "molecules" in week and "traffic" in week and "last month" not in week
    assert "2 matches in the last 7 days" in week
    lg = run("dry-run", "--user", "ada@example.org", "--q", "graph", "--cat", "cs.LG",
             "--days", "60", "--json").output  # fmt: skip
    assert [m["id"] for m in orjson.loads(lg)] == ["2603.00001", "2603.00003"]
    cv = run("dry-run", "--user", "ada@example.org", "--cat", "cs.CV", "--cat", "cs.AI").output
    assert "traffic" in cv and "molecules" not in cv
    excluded = run("dry-run", "--user", "ada@example.org", "--q", "graph -traffic").output
    assert "traffic" not in excluded and "molecules" in excluded
    nobody = run("dry-run", "--user", "ada@example.org", "--author", "Grace Hopper").output
    assert "nothing matched in the last 7 days" in nobody


def test_dry_run_refuses_bad_settings_clearly(run):
    bad_cat = run("dry-run", "--user", "ada@example.org", "--cat", "not a category!", code=2)
    assert "error: 'not a category!' is not an arXiv category such as cs.LG" in bad_cat.output
    empty = run("dry-run", "--user", "ada@example.org", code=2)
    assert "a lens needs words, a description, a category or an author" in empty.output
    too_far = run("dry-run", "--user", "ada@example.org", "--q", "x", "--days", "0", code=2)
    assert "--days" in too_far.output
    for result in (bad_cat, empty, too_far):
        assert "Traceback" not in result.output


def test_deliver_posts_new_matches_once_and_says_what_it_did(run, lib, receiver, monkeypatch):
    lens = add(lib, name="Graphs", q="graph networks", webhook_url=receiver.url)
    nowhere = run("deliver", code=2)
    assert "public address" in nowhere.output and receiver.posts == []
    monkeypatch.setenv("PAPERSCOPE_BASE_URL", BASE)

    refused = run("deliver")  # private addresses are refused unless the instance allows them
    assert f'retry: lens {lens} "Graphs": 1 match to 127.0.0.1 at ' in refused.output
    assert "not a public address" in refused.output and receiver.posts == []
    assert "1 lenses, 1 new matches; 0 delivered, 1 to retry, 0 failed" in refused.output

    monkeypatch.setenv("PAPERSCOPE_WEBHOOKS_ALLOW_PRIVATE", "1")
    lib.lenses.settle(lens, ["2603.00001"], status="pending", attempts=1,
                      next_at="2000-01-01T00:00:00Z")  # due again now, without waiting  # fmt: skip
    posted = run("deliver")
    assert f'delivered: lens {lens} "Graphs": 1 match to 127.0.0.1' in posted.output
    assert "0 new matches; 1 delivered, 0 to retry, 0 failed" in posted.output
    (data,) = receiver.payloads()
    # The webhook was set today: yesterday's and older papers are never posted.
    assert [m["id"] for m in data["matches"]] == ["2603.00001"]
    assert data["lens"]["url"] == f"{BASE}/lenses/{lens}"
    again = run("deliver", "--days", "7")
    assert "0 new matches; 0 delivered, 0 to retry, 0 failed" in again.output
    assert len(receiver.posts) == 1
    assert "--days" in run("deliver", "--days", "31", code=2).output


def test_a_receiver_that_fails_is_not_the_commands_failure(run, lib, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]  # nothing listens there
    monkeypatch.setenv("PAPERSCOPE_BASE_URL", BASE)
    monkeypatch.setenv("PAPERSCOPE_WEBHOOKS_ALLOW_PRIVATE", "yes")
    add(lib, q="graph networks", webhook_url=f"http://127.0.0.1:{dead}/closed")
    result = run("deliver")  # exit status 0
    assert "refused the connection" in result.output and "1 to retry" in result.output
    monkeypatch.setenv("PAPERSCOPE_WEBHOOKS_ALLOW_PRIVATE", "maybe")
    bad = run("deliver", code=2)
    assert "error: PAPERSCOPE_WEBHOOKS_ALLOW_PRIVATE='maybe' is not one of" in bad.output
