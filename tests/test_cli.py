"""The command line, run in process through Typer's runner on real databases."""

from __future__ import annotations

import json
import os
import re

import pytest
from typer.testing import CliRunner

from paperscope.cli import app
from tests.conftest import ARXIV_SAMPLE


@pytest.fixture
def run(db_path, monkeypatch):
    monkeypatch.setenv("PAPERSCOPE_DB", str(db_path))
    runner = CliRunner()

    def invoke(*args: str, code: int = 0):
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, result.output + str(result.exception or "")
        return result

    return invoke


def test_init_creates_the_database(run, db_path):
    result = run("init")
    assert db_path.exists() and "0 papers" in result.output


def test_db_option_beats_the_environment(run, tmp_path):
    other = tmp_path / "other.db"
    run("import", "--db", str(other), str(ARXIV_SAMPLE))
    assert "200 papers" in run("init", "--db", str(other)).output
    assert "0 papers" in run("init").output


def test_import_reports_counts_and_is_idempotent(run):
    first = run("import", str(ARXIV_SAMPLE))
    assert "200 added, 0 updated, 0 unchanged, 0 failed" in first.output
    second = run("import", str(ARXIV_SAMPLE))
    assert "0 added, 0 updated, 200 unchanged" in second.output


def test_import_of_bad_records_names_file_and_line_and_exits_1(run, tmp_path):
    path = tmp_path / "bad.jsonl"
    lines = ARXIV_SAMPLE.read_text(encoding="utf-8").splitlines()[:3]
    lines.insert(1, '{"id": "0704.9999", "title": ')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("import", str(path), code=1)
    assert f"{path}:2: not valid JSON: the record is truncated" in result.output
    assert "3 added" in result.output and "1 failed" in result.output


def test_import_of_an_empty_file_is_a_clear_error(run, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = run("import", str(path), code=1)
    assert f"{path}: error: the file is empty" in result.output
    assert "Traceback" not in result.output


def test_unknown_format_is_a_usage_error(run):
    assert "unknown format 'xml'" in run("import", "-f", "xml", str(ARXIV_SAMPLE), code=2).output


def test_show_stats_and_export(run, tmp_path):
    run("import", str(ARXIV_SAMPLE))
    shown = run("show", "https://arxiv.org/abs/0704.0001v2")
    assert "Calculation of prompt diphoton production" in shown.output
    assert "10.1103/PhysRevD.76.013009" in shown.output
    as_json = json.loads(run("show", "--json", "0704.0001").output)
    assert as_json["id"] == "0704.0001" and len(as_json["authors"]) == 4
    assert "no paper matches" in run("show", "9999.99999", code=1).output

    stats = json.loads(run("stats", "--json").output)
    assert stats["papers"] == 200 and stats["by_source"] == {"arxiv-snapshot": 200}
    assert "200 papers" in run("stats").output

    out = tmp_path / "out" / "all.jsonl"
    run("export", "-o", str(out))
    assert len(out.read_text().splitlines()) == 200
    assert not list(out.parent.glob(".all.jsonl.*"))  # no temporary file left behind


def test_a_database_path_that_is_a_directory_is_refused(run, tmp_path):
    result = run("init", "--db", str(tmp_path), code=2)
    assert "is a directory" in result.output


def test_every_command_has_help(run):
    for name, _ in _commands(app):
        result = run(*name.split(), "--help")
        assert re.search(r"Usage: .*" + name.split()[-1], result.output)


def _commands(typer_app):
    import typer.main

    group = typer.main.get_command(typer_app)

    def walk(cmd, prefix):
        for name, sub in getattr(cmd, "commands", {}).items():
            full = f"{prefix} {name}".strip()
            if getattr(sub, "commands", None):
                yield from walk(sub, full)
            else:
                yield full, sub

    return list(walk(group, ""))


def test_harvest_against_a_local_oai_server_then_resume_incrementally(run, arxiv, db_path):
    args = ("harvest", "arxiv", "--url", arxiv.url, "--from", "2024-01-01", "--delay", "0")
    first = run(*args)
    assert "3 pages, 7 records (6 added, 1 updated" in first.output
    stats = json.loads(run("stats", "--json").output)
    assert stats["papers"] == 6 and stats["by_source"] == {"arxiv-oai": 6}
    # A finished harvest run again fetches only what changed: nothing new here.
    again = run(*args)
    assert "0 added" in again.output


def test_harvest_that_keeps_failing_says_how_to_resume(run, arxiv):
    arxiv.down.add("cs|1001")
    result = run(
        "harvest", "arxiv", "--url", arxiv.url, "--from", "2024-01-01", "--delay", "0",
        "--max-retries", "1", code=1,
    )  # fmt: skip
    assert "error:" in result.output and "resume" in result.output
    assert "Traceback" not in result.output
    arxiv.down.clear()
    resumed = run("harvest", "arxiv", "--url", arxiv.url, "--from", "2024-01-01", "--delay", "0")
    assert "resumed and finished" in resumed.output


def test_harvest_rejects_a_bad_date(run):
    result = run("harvest", "arxiv", "--from", "1st of May", code=2)
    assert "error:" in result.output


def test_a_bad_setting_in_the_environment_is_named(tmp_path):
    import subprocess
    import sys

    env = {**os.environ, "PAPERSCOPE_PAGE_CACHE": "lots", "PAPERSCOPE_DB": str(tmp_path / "x.db")}
    r = subprocess.run([sys.executable, "-m", "paperscope", "stats"], env=env,
                       capture_output=True, text=True)  # fmt: skip
    assert r.returncode == 2
    assert "PAPERSCOPE_PAGE_CACHE='lots' is not a whole number" in r.stderr
    assert "Traceback" not in r.stderr


def test_serve_refuses_a_database_it_cannot_open_before_starting(run, tmp_path):
    result = run("serve", "--db", str(tmp_path), "--port", "1", code=2)
    assert "is a directory" in result.output


def test_user_add_creates_accounts_and_promotes_admins(db_path, monkeypatch):
    from paperscope.accounts import Accounts
    from paperscope.store import SQLiteStore
    from paperscope.store.community import CommunityStore

    monkeypatch.setenv("PAPERSCOPE_DB", str(db_path))
    runner = CliRunner()
    twice = "correct horse battery\ncorrect horse battery\n"
    r = runner.invoke(app, ["user", "add", "ada@example.org", "--name", "ada"], input=twice)
    assert r.exit_code == 0 and "created (admin)" in r.output  # the first account
    r = runner.invoke(app, ["user", "add", "bob@example.org", "--name", "bob"], input=twice)
    assert r.exit_code == 0 and "created (user)" in r.output
    assert "correct horse" not in r.output  # never echoed
    r = runner.invoke(app, ["user", "add", "bob@example.org", "--name", "bob"], input=twice)
    assert r.exit_code == 1 and "already has an account" in r.output
    r = runner.invoke(app, ["user", "add", "BOB@example.org", "--name", "bob", "--admin"])
    assert r.exit_code == 0 and "is now an admin" in r.output
    r = runner.invoke(app, ["user", "add", "c@example.org", "--name", "c!"], input=twice)
    assert r.exit_code == 1 and "a name is 2 to 40" in r.output
    store = SQLiteStore(db_path)
    accounts = Accounts(CommunityStore(store))
    assert accounts.log_in("bob@example.org", "correct horse battery").user.is_admin
    store.close()


def test_init_on_postgresql_names_the_database_without_its_password(run, pg_url):
    secret = pg_url.replace("postgres:@", "postgres:hunter2@")  # trust auth ignores it
    result = run("init", "--db", secret)
    assert "0 papers" in result.output and "hunter2" not in result.output
    assert "postgres:***@" in result.output


def test_schedule_for_postgresql_keeps_the_password_out_of_the_crontab(run, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = run("schedule", "--db", "postgresql://paperscope:hunter2@db.example/papers",
                 "--base-url", "https://papers.example.org")  # fmt: skip
    assert "hunter2" not in result.output
    assert "PAPERSCOPE_DB=postgresql://paperscope@db.example/papers" in result.output
    assert "~/.pgpass" in result.output
    lock = tmp_path / "data" / "paperscope" / "schedule.lock"
    assert f"flock {lock} " in result.output and lock.parent.is_dir()


# -- the CLI only parses options: the checks are the core's, with its messages ------


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("--from", "2026-13"), {"date_from": "2026-13"}),
        (("--until", "2026-02-30"), {"date_to": "2026-02-30"}),
        (("--from", "2027", "--until", "2026"), {"date_from": "2027", "date_to": "2026"}),
        (("--min-upvotes", "99999999999999999999"), {"min_upvotes": "99999999999999999999"}),
        (("--min-upvotes", "²"), {"min_upvotes": "²"}),
        (("--min-upvotes", "-1"), {"min_upvotes": "-1"}),
        (("--author", "x" * 600), {"author": "x" * 600}),
    ],
)
def test_search_filters_are_checked_by_the_core_with_the_webs_message(run, args, problem):
    from paperscope.errors import BadInput
    from paperscope.search.query import SearchFilters

    with pytest.raises(BadInput) as expected:
        SearchFilters.parse(**problem)
    result = run("search", "graph", *args, code=2)
    assert f"error: {expected.value}" in result.output


def test_search_mode_is_checked_by_the_core(run):
    result = run("search", "graph", "--mode", "fuzzy", code=2)
    assert "error: mode 'fuzzy' is not one of hybrid, keyword, semantic" in result.output
    run("search", "graph", "--mode", "KEYWORD", code=1)  # any case; nothing matched


def test_digest_send_needs_the_sites_address_except_for_a_dry_run(run, tmp_path, monkeypatch):
    monkeypatch.delenv("PAPERSCOPE_BASE_URL", raising=False)
    refused = run("digest", "send", "--period", "daily", code=2)
    assert "links in the emails need the site's public address" in refused.output
    assert "PAPERSCOPE_BASE_URL" in refused.output and "--base-url" in refused.output
    preview = run("digest", "send", "--period", "daily", "--dry-run", str(tmp_path / "p"))
    assert "http://localhost:8000" in preview.output and "preview" in preview.output
    sent = run("digest", "send", "--period", "daily", "--base-url", "https://papers.example.org")
    assert "digest daily:" in sent.output


def test_digest_send_checks_its_options_in_the_core(run):
    bad_url = run("digest", "send", "--period", "daily", "--base-url", "papers.example.org", code=2)
    assert "error: --base-url 'papers.example.org' is not an http:// or https:// address" in (
        bad_url.output
    )
    future = run("digest", "send", "--period", "daily", "--date", "2999-01-01",
                 "--base-url", "https://papers.example.org", code=2)  # fmt: skip
    assert "is not over yet" in future.output
    assert "not a real day" in run("digest", "send", "--period", "daily", "--date", "2026-02-30",
                                   code=2).output  # fmt: skip
    assert "unknown period 'hourly'" in run("digest", "send", "--period", "hourly", code=2).output


def test_schedule_prints_the_core_crontab_and_makes_its_folder(run, tmp_path):
    db = tmp_path / "deep" / "lib.db"
    result = run("schedule", "--db", str(db), "--at", "5:30", "--base-url", "https://p.example")
    assert db.parent.is_dir()  # flock needs the folder of its lock file
    assert f"30 5 * * 0,2,3,4,5,6 flock {db}.schedule.lock " in result.output
    assert "PAPERSCOPE_BASE_URL=https://p.example" in result.output
    bad = run("schedule", "--weekly-on", "caturday", "--base-url", "https://p.example", code=2)
    assert "error: --weekly-on 'caturday' is not a day" in bad.output
    assert "public address" in run("schedule", code=2).output


def test_text_is_printed_as_it_is_never_as_markup(run, tmp_path):
    """Rich markup in a title, a query or a file name is text, and never an error."""
    from paperscope.library import Library
    from paperscope.models import new_paper

    with Library(os.environ["PAPERSCOPE_DB"]) as lib:
        lib.store.save_papers([new_paper(title="[bold]Not bold[/bold] and [/x] too",
                                         source="hf-page", abstract="[red]plain[/red]")])  # fmt: skip
    shown = run("show", "[bold]Not bold[/bold] and [/x] too")
    assert "[bold]Not bold[/bold] and [/x] too" in shown.output
    assert "[red]plain[/red]" in shown.output
    assert "no paper matches '[/x]'" in run("show", "[/x]", code=1).output
    named = tmp_path / "[" / "x].txt"  # the path holds "[/x]", a closing tag to Rich
    named.parent.mkdir()
    named.write_text("")
    assert f"{named}: error: the file is empty" in run("import", str(named), code=1).output
