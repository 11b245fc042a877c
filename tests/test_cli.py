"""The command line, run in process through Typer's runner on real databases."""

from __future__ import annotations

import json
import os
import re

import pytest
from typer.testing import CliRunner

from paperscope.cli import app
from tests.conftest import ARXIV_SAMPLE, REPO


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


def test_every_command_and_option_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, command in _commands(app):
        assert f"paperscope {name}" in readme, f"README does not mention `paperscope {name}`"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in readme, f"README does not mention {opt} of `paperscope {name}`"


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
    assert Accounts(store).log_in("bob@example.org", "correct horse battery").user.is_admin
    store.close()


def test_init_on_postgresql_names_the_database_without_its_password(run, pg_url):
    secret = pg_url.replace("postgres:@", "postgres:hunter2@")  # trust auth ignores it
    result = run("init", "--db", secret)
    assert "0 papers" in result.output and "hunter2" not in result.output
    assert "postgres:***@" in result.output


def test_schedule_for_postgresql_keeps_the_password_out_of_the_crontab(run, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = run("schedule", "--db", "postgresql://paperscope:hunter2@db.example/papers")
    assert "hunter2" not in result.output
    assert "PAPERSCOPE_DB=postgresql://paperscope@db.example/papers" in result.output
    assert "~/.pgpass" in result.output
    lock = tmp_path / "data" / "paperscope" / "schedule.lock"
    assert f"flock {lock} " in result.output and lock.parent.is_dir()
