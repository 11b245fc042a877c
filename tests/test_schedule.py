"""The crontab of ``paperscope schedule``, built by a pure function from settings."""

from __future__ import annotations

import shlex
from datetime import date
from pathlib import Path

import pytest

from paperscope.config import Settings
from paperscope.errors import BadInput
from paperscope.schedule import crontab

TODAY = date(2026, 11, 20)
BASE = "https://papers.example.org"


def build(tmp_path: Path, database: str | None = None, **options) -> str:
    settings = Settings(database=database or str(tmp_path / "lib.db"),
                        base_url=options.pop("base_url", BASE))  # fmt: skip
    options.setdefault("today", TODAY)
    options.setdefault("data_folder", tmp_path / "data")
    return crontab(settings, **options).text


def jobs(text: str) -> list[list[str]]:
    """The cron lines' five time fields and their command, split."""
    found = []
    for line in text.splitlines():
        if line and not line.startswith("#") and "=" not in line.split()[0]:
            fields = line.split(maxsplit=5)
            found.append(fields)
    return found


def test_every_day_harvest_embed_daily_digest_and_weekly_on_its_day(tmp_path):
    text = build(tmp_path, at="7:05", weekly_on="fri", set_spec="math", command="/opt/ps")
    (daily, weekly, hooks) = jobs(text)
    assert hooks[:5] == ["*/15", "*", "*", "*", "*"]
    assert hooks[5] == (f"flock -n {tmp_path / 'lib.db'}.webhooks.lock /opt/ps lenses deliver"
                        f" >> {tmp_path / 'schedule.log'} 2>&1")  # fmt: skip
    assert daily[:5] == ["5", "7", "*", "*", "0,1,2,3,4,6"]
    assert weekly[:5] == ["5", "7", "*", "*", "5"]  # Friday; cron counts from Sunday, 0
    steps = shlex.split(shlex.split(daily[5])[4])  # flock LOCK sh -c STEPS
    assert steps[:7] == ["/opt/ps", "harvest", "arxiv", "--set", "math", "--from", "2026-11-20"]
    assert "digest send --period weekly" in weekly[5] and "--period weekly" not in daily[5]
    assert "CRON_TZ=UTC" in text.splitlines()
    assert f"PAPERSCOPE_DB={tmp_path / 'lib.db'}" in text.splitlines()
    assert f"flock {tmp_path / 'lib.db'}.schedule.lock " in daily[5]
    assert f">> {tmp_path / 'schedule.log'} 2>&1" in daily[5]


def test_full_day_names_and_the_base_url(tmp_path):
    text = build(tmp_path, weekly_on="Sunday", base_url="https://papers.example.org/")
    assert jobs(text)[1][4] == "0"
    assert "PAPERSCOPE_BASE_URL=https://papers.example.org" in text.splitlines()


def test_a_sqlite_url_names_the_file_and_its_folder(tmp_path):
    tab = crontab(Settings(database=f"sqlite:///{tmp_path}/x/lib.db", base_url=BASE), today=TODAY,
                  data_folder=tmp_path / "data")  # fmt: skip
    assert f"PAPERSCOPE_DB={tmp_path}/x/lib.db" in tab.text and tab.folder == tmp_path / "x"
    assert not tab.folder.exists()  # building the text touches nothing


def test_postgresql_keeps_the_password_out_and_the_lock_in_the_data_folder(tmp_path):
    settings = Settings(database="postgresql://ps:hunter2@db.example/papers", base_url=BASE)
    tab = crontab(settings, today=TODAY,
                  data_folder=tmp_path / "data")  # fmt: skip
    assert "hunter2" not in tab.text
    assert "PAPERSCOPE_DB=postgresql://ps@db.example/papers" in tab.text
    assert f"flock {tmp_path / 'data' / 'schedule.lock'} " in tab.text
    assert tab.folder == tmp_path / "data"


def test_a_percent_sign_is_escaped_for_cron(tmp_path):
    folder = tmp_path / "100%"
    text = build(tmp_path, database=str(folder / "lib.db"))
    for job in jobs(text):
        assert "%" not in job[5].replace("\\%", "")


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("at", "25:00", "--at '25:00' is not a time like 06:00"),
        ("at", "6", "--at '6' is not a time like 06:00"),
        ("at", "٦:٠٠", "--at '٦:٠٠' is not a time"),  # Arabic-Indic digits: int() reads them
        ("weekly_on", "monkey", "--weekly-on 'monkey' is not a day: mon, tue"),
        ("weekly_on", "", "--weekly-on '' is not a day"),
        ("from_date", "2026-13-01", "--from '2026-13-01' is not a date like 2026-11-01"),
        ("from_date", "2026-02-30", "--from '2026-02-30' is not a date"),
        ("from_date", "٢٠٢٦-01-01", "--from '٢٠٢٦-01-01' is not a date"),
        (
            "set_spec",
            "cs\n* * * * * rm -rf ~",
            "--set 'cs\\n* * * * * rm -rf ~' is not an arXiv set",
        ),
        ("set_spec", "", "--set '' is not an arXiv set"),
    ],
)
def test_bad_options_are_refused_naming_the_option(tmp_path, option, value, message):
    with pytest.raises(BadInput) as caught:
        build(tmp_path, **{option: value})
    assert str(caught.value).startswith(message)


def test_a_schedule_without_the_sites_address_is_refused(tmp_path):
    """Its digests would be refused every day, into a log nobody reads."""
    with pytest.raises(BadInput, match="links in the digests need the site's public address"):
        build(tmp_path, base_url=None)


def test_a_database_path_with_a_line_break_is_refused(tmp_path):
    with pytest.raises(BadInput, match="line break"):
        build(tmp_path, database=str(tmp_path / "a\nb.db"))
