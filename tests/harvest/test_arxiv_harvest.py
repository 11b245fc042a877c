"""The OAI-PMH harvester against a real local HTTP server serving arXiv-shaped pages.

The server (``FakeArxiv``) serves tests/data/oai/harvest/page1-3.xml, linked
by resumption tokens, and can be scripted to fail: a 503 with Retry-After, a
malformed page, a dropped connection, an OAI-PMH error, a request that hangs,
or a permanent 500 for one page. Waiting is recorded, never done: every test
passes its own ``sleep``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from email.utils import formatdate

import pytest

from paperscope.harvest import HarvestError, harvest_oai, state_name, user_agent
from paperscope.harvest.arxiv import retry_after_seconds
from paperscope.store import SQLiteStore
from tests.harvest.fake_arxiv import PAGES, Reply, oai_error

ALL_IDS = {"2005.14165", "1512.03385", "1406.2661", "1409.0473", "1301.3781", "2010.11929"}
NAME = state_name("cs", "2024-01-01", None, "arXivRaw")


def harvest(store, arxiv, sleeps=None, **kwargs):
    sleeps = [] if sleeps is None else sleeps
    kwargs.setdefault("from_date", "2024-01-01")
    kwargs.setdefault("delay", 3.0)
    return harvest_oai(store, base_url=arxiv.url, sleep=sleeps.append, **kwargs)


def stored_ids(store) -> list[str]:
    return [row[0] for row in store.dump()]


def imports(store) -> list[tuple]:
    return store.conn.execute(
        "SELECT source, format, status, added, updated, unchanged, failed FROM imports ORDER BY id"
    ).fetchall()


def test_three_pages_with_a_503_and_a_malformed_page(store, arxiv):
    arxiv.faults["cs|1001"] = [Reply(503, b"busy", {"Retry-After": "7"})]
    arxiv.faults["cs|2001"] = [Reply(200, PAGES["cs|2001"][:900])]  # cut off mid-record
    sleeps: list[float] = []
    seen = []
    report = harvest(store, arxiv, sleeps, on_page=lambda r: seen.append((r.pages, r.cursor)))

    # Politeness: the delay between pages, Retry-After honoured, back-off after
    # the malformed page (twice the delay for the first retry).
    assert sleeps == [3.0, 7.0, 3.0, 6.0]
    assert arxiv.keys() == ["start", "cs|1001", "cs|1001", "cs|2001", "cs|2001"]
    first = arxiv.requests[0].query
    assert first == {"verb": "ListRecords", "metadataPrefix": "arXivRaw", "set": "cs",
                     "from": "2024-01-01"}  # fmt: skip
    assert arxiv.requests[1].query == {"verb": "ListRecords", "resumptionToken": "cs|1001"}
    assert {r.user_agent for r in arxiv.requests} == {user_agent()}
    assert user_agent().startswith("paperscope/")

    assert (report.pages, report.records, report.deleted, report.failed) == (3, 7, 1, 0)
    assert (report.added, report.updated, report.unchanged) == (6, 1, 0)
    assert report.retries == 2
    assert report.complete and not report.resumed
    assert (report.complete_list_size, report.cursor) == (8, 6)
    assert report.last_datestamp == "2024-01-08"
    assert seen == [(1, 0), (2, 3), (3, 6)]

    assert set(stored_ids(store)) == ALL_IDS
    gpt3 = store.get("2005.14165")  # v1 on page 1, v1+v2 on page 2: one paper
    assert [v.version for v in gpt3.versions] == [1, 2]
    assert gpt3.published == "2020-05-28T17:29:03Z"
    assert gpt3.updated == "2020-06-01T17:33:10Z"

    state = store.harvest_state(NAME)
    assert state["complete"] and state["resumption_token"] is None
    assert (state["pages"], state["records"], state["last_datestamp"]) == (3, 7, "2024-01-08")
    assert state["params"]["base_url"] == arxiv.url
    assert imports(store) == [(NAME, "oai-pmh", "done", 6, 1, 0, 0)]


def test_retry_after_as_http_date_and_the_cap(store, arxiv):
    in_two_minutes = formatdate(time.time() + 120, usegmt=True)
    arxiv.faults["start"] = [
        Reply(503, b"", {"Retry-After": in_two_minutes}),
        Reply(503, b"", {"Retry-After": "86400"}),  # a day: capped
        Reply(429, b"", {}),  # no header: back-off
    ]
    sleeps: list[float] = []
    report = harvest(store, arxiv, sleeps, max_wait=600.0)
    assert 100 <= sleeps[0] <= 121
    assert sleeps[1:] == [600.0, 24.0, 3.0, 3.0]  # 3rd retry: 3 * 2**3
    assert report.retries == 3 and report.complete


def test_network_errors_are_retried(store, arxiv):
    arxiv.faults["start"] = [Reply(drop=True)]
    sleeps: list[float] = []
    report = harvest(store, arxiv, sleeps)
    assert report.retries == 1 and report.complete
    assert sleeps[0] == 6.0
    assert arxiv.keys()[:2] == ["start", "start"]


def test_gives_up_with_a_resumable_error_then_resumes_from_the_token(store, arxiv):
    arxiv.down.add("cs|2001")
    sleeps: list[float] = []
    with pytest.raises(HarvestError) as info:
        harvest(store, arxiv, sleeps, max_retries=2)
    message = str(info.value)
    assert "gave up after 2 retries: HTTP 500" in message
    assert "run the same harvest again to resume" in message
    assert sleeps == [3.0, 3.0, 6.0, 12.0]
    assert arxiv.keys() == ["start", "cs|1001", "cs|2001", "cs|2001", "cs|2001"]

    # Pages 1 and 2 are stored, and the checkpoint points at page 3.
    assert set(stored_ids(store)) == {"2005.14165", "1512.03385", "1406.2661", "1409.0473"}
    state = store.harvest_state(NAME)
    assert state["resumption_token"] == "cs|2001" and not state["complete"]
    assert (state["pages"], state["records"]) == (2, 5)
    assert imports(store)[-1][2] == "failed"

    arxiv.down.clear()
    before = len(arxiv.requests)
    report = harvest(store, arxiv)
    assert report.resumed
    assert arxiv.keys()[before:] == ["cs|2001"]  # from the token, not a fresh listing
    assert (report.pages, report.records, report.added) == (1, 2, 2)
    assert sorted(stored_ids(store)) == sorted(ALL_IDS)  # every record exactly once
    assert store.conn.execute("SELECT count(*) FROM paper_authors").fetchone()[0] == 28
    state = store.harvest_state(NAME)
    assert state["complete"] and (state["pages"], state["records"]) == (3, 7)


def test_ctrl_c_after_a_page_keeps_it_and_resumes(store, arxiv):
    def stop(report):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        harvest(store, arxiv, on_page=stop)
    assert store.harvest_state(NAME)["resumption_token"] == "cs|1001"
    assert store.count() == 2
    assert imports(store)[-1][2] == "interrupted"

    report = harvest(store, arxiv)
    assert report.resumed and report.complete
    assert arxiv.keys() == ["start", "cs|1001", "cs|2001"]
    assert sorted(stored_ids(store)) == sorted(ALL_IDS)


def test_a_page_and_its_checkpoint_are_saved_together(store, arxiv, monkeypatch):
    real = store.save_harvest_state

    def fail_on_page_two(name, **values):
        if values["pages"] == 2:
            raise RuntimeError("disk full")
        real(name, **values)

    monkeypatch.setattr(store, "save_harvest_state", fail_on_page_two)
    with pytest.raises(RuntimeError):
        harvest(store, arxiv)
    # Page 2's papers were rolled back with its checkpoint.
    assert set(stored_ids(store)) == {"2005.14165", "1512.03385"}
    assert store.get("2005.14165").versions[-1].version == 1
    assert store.harvest_state(NAME)["resumption_token"] == "cs|1001"


_KILLED_HARVEST = """
import sys
from paperscope.harvest import harvest_oai
from paperscope.store import SQLiteStore
from tests.harvest.fake_arxiv import PAGES, FakeArxiv, Reply, oai_error
harvest_oai(SQLiteStore(sys.argv[1]), base_url=sys.argv[2], from_date="2024-01-01", delay=0)
"""


def test_kill_9_mid_harvest_loses_nothing_saved(db_path, arxiv):
    arxiv.faults["cs|2001"] = [Reply(hang=True)]
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_HARVEST, str(db_path), arxiv.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert arxiv.reached.wait(30), proc.stderr.read().decode() if proc.poll() else "no request"
    finally:
        proc.kill()  # SIGKILL: no cleanup runs
        proc.communicate()
    arxiv.release.set()

    store = SQLiteStore(db_path)
    try:
        assert store.count() == 4
        state = store.harvest_state(NAME)
        assert state["resumption_token"] == "cs|2001" and state["pages"] == 2
        before = len(arxiv.requests)
        report = harvest(store, arxiv)
        assert report.resumed and arxiv.keys()[before:] == ["cs|2001"]
        assert sorted(stored_ids(store)) == sorted(ALL_IDS)
    finally:
        store.close()


def test_rejected_token_restarts_the_listing(store, arxiv):
    arxiv.faults["cs|2001"] = [Reply(200, oai_error("badResumptionToken", "expired"))]
    sleeps: list[float] = []
    report = harvest(store, arxiv, sleeps)
    assert report.restarts == 1 and report.complete
    assert arxiv.keys() == ["start", "cs|1001", "cs|2001", "start", "cs|1001", "cs|2001"]
    assert arxiv.requests[3].query["from"] == "2024-01-01"  # the listing's own start
    assert (report.added, report.updated) == (6, 1)
    assert report.unchanged == 5  # pages 1 and 2 seen again
    assert sorted(stored_ids(store)) == sorted(ALL_IDS)


def test_completed_harvest_runs_again_incrementally(store, arxiv):
    harvest(store, arxiv)
    report = harvest(store, arxiv)
    again = arxiv.requests[3]
    assert again.key == "start" and again.query["from"] == "2024-01-08"  # latest datestamp
    assert not report.resumed and report.complete
    assert (report.added, report.updated, report.unchanged) == (0, 0, 7)
    report = harvest(store, arxiv, restart=True)
    assert arxiv.requests[6].query["from"] == "2024-01-01"
    assert len(imports(store)) == 3


def test_no_records_match_is_a_complete_empty_harvest(store, arxiv):
    arxiv.faults["start"] = [Reply(200, oai_error("noRecordsMatch", "empty list"))]
    report = harvest(store, arxiv)
    assert report.complete and (report.pages, report.records) == (1, 0)
    assert arxiv.keys() == ["start"]
    assert store.count() == 0


def test_oai_errors_other_than_tokens_are_not_retried(store, arxiv):
    arxiv.faults["start"] = [Reply(200, oai_error("badArgument", "bad from"))]
    with pytest.raises(HarvestError, match="answered badArgument: bad from"):
        harvest(store, arxiv)
    assert arxiv.keys() == ["start"]


def test_http_404_is_not_retried(store, arxiv):
    with pytest.raises(HarvestError, match="HTTP 404"):
        harvest_oai(store, base_url=arxiv.url + "/wrong", sleep=lambda s: None)
    assert len(arxiv.requests) == 1


def test_arxiv_metadata_format(store, arxiv):
    report = harvest(store, arxiv, metadata_prefix="arXiv", from_date=None)
    assert arxiv.requests[0].query == {
        "verb": "ListRecords",
        "metadataPrefix": "arXiv",
        "set": "cs",
    }
    assert (report.pages, report.records, report.deleted) == (1, 3, 1)
    assert store.get("1412.6980").authors == ["Diederik P. Kingma", "Jimmy Ba"]
    assert store.harvest_state(state_name("cs", None, None, "arXiv"))["complete"]


def test_oai_dc_metadata_format_on_arxivs_real_pages(store, arxiv):
    """Three real oai_dc pages from arXiv (../shared), linked by arXiv's own tokens."""
    sleeps: list[float] = []
    report = harvest(store, arxiv, sleeps, metadata_prefix="oai_dc", from_date="2023-03-07")
    assert arxiv.requests[0].query == {
        "verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "cs", "from": "2023-03-07",
    }  # fmt: skip
    assert arxiv.keys() == ["start:oai_dc", "6511260|1001", "6511260|2001"]
    assert sleeps == [3.0, 3.0]
    assert (report.pages, report.records, report.deleted, report.failed) == (3, 2265, 0, 0)
    assert (report.complete_list_size, report.cursor) == (2265, 2000)
    assert report.complete and report.last_datestamp == "2023-03-07"
    assert store.count() == report.added == 2265
    kempner = store.get("0806.4410")  # the first record of the first page
    assert kempner.title == "Summing the curious series of Kempner and Irwin"
    assert kempner.authors == ["Robert Baillie"]  # "Baillie, Robert"
    assert kempner.categories == ["math.CA", "math.NT"]  # MSC "40-01, 65B10" left out
    assert (kempner.published, kempner.updated) == ("2008-06-27", "2023-03-04")
    assert kempner.comments.startswith("29 pages, 2 figures, 10 tables. Several new sections.")
    assert kempner.sources == ["arxiv-oai"]
    assert store.harvest_state(state_name("cs", "2023-03-07", None, "oai_dc"))["complete"]


def test_arguments_are_checked():
    from paperscope.errors import BadInput

    with pytest.raises(ValueError, match="is not a day like 2026-11-01"):
        harvest_oai(None, from_date="2024/01/01")
    with pytest.raises(BadInput, match="--metadata 'marc21' is not a format this harvester"):
        harvest_oai(None, metadata_prefix="marc21")


def test_retry_after_seconds():
    now = 1_700_000_000.0
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(formatdate(now + 30, usegmt=True), now=now) == 30.0
    assert retry_after_seconds(formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("Mon, 2 Apr 2007 99999999999:00:00 GMT") is None  # no traceback
    assert retry_after_seconds("Mon, 99999999999 Apr 2007 10:00:00 GMT") is None
    assert retry_after_seconds(None) is None


def test_dates_arxiv_would_refuse_are_refused_before_asking(store, arxiv):
    from paperscope.errors import BadInput

    for dates, words in [
        ({"from_date": "2026-13-01"}, "--from '2026-13-01' is not a day"),
        ({"until_date": "2026-02-30"}, "--until '2026-02-30' is not a day"),
        ({"from_date": "２０２６-01-01"}, "is not a day"),  # full-width digits
        ({"from_date": "2026-11-02", "until_date": "2026-11-01"}, "is after --until"),
    ]:
        with pytest.raises(BadInput, match=words):
            harvest_oai(store, base_url=arxiv.url, sleep=lambda s: None, **dates)
    assert arxiv.requests == []  # nothing was sent to arXiv


def test_cli_harvests_oai_dc_with_metadata_prefix(arxiv, db_path, monkeypatch):
    from typer.testing import CliRunner

    from paperscope.cli import app

    monkeypatch.setenv("PAPERSCOPE_DB", str(db_path))
    args = ["harvest", "arxiv", "--url", arxiv.url, "--from", "2023-03-07", "--delay", "0"]
    result = CliRunner().invoke(app, [*args, "--metadata-prefix", "oai_dc", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "harvest arxiv-oai:cs:2023-03-07::oai_dc finished: 3 pages, 2,265 records" in (
        result.output
    )
    assert {r.query.get("metadataPrefix") for r in arxiv.requests} == {"oai_dc", None}
    result = CliRunner().invoke(app, [*args, "--metadata", "marc21"])
    assert result.exit_code == 2
    assert "--metadata 'marc21' is not a format this harvester reads" in result.output


def test_fetch_record_by_id_and_arxivs_answers_for_an_unknown_one(arxiv, shared):
    from paperscope.harvest import fetch_record

    bert = fetch_record("1810.04805", base_url=arxiv.url)
    assert bert is not None and bert.id == "1810.04805"
    assert [v.version for v in bert.versions] == [1, 2]
    assert arxiv.requests[0].query == {
        "verb": "GetRecord", "identifier": "oai:arXiv.org:1810.04805", "metadataPrefix": "arXivRaw",
    }  # fmt: skip
    assert fetch_record("2401.99999", base_url=arxiv.url) is None  # idDoesNotExist, enveloped
    # arXiv also answers with a bare <error>, no OAI-PMH envelope around it (a real answer).
    bare = shared / "data" / "real-formats" / "oai" / "paperhive" / "ph_malformed_arxiv.xml"
    arxiv.faults["get:oai:arXiv.org:2401.88888"] = [Reply(200, bare.read_bytes())]
    assert fetch_record("2401.88888", base_url=arxiv.url) is None
    arxiv.faults["get:oai:arXiv.org:2401.77777"] = [Reply(500, b"down")]
    with pytest.raises(HarvestError, match="HTTP 500"):
        fetch_record("2401.77777", base_url=arxiv.url)
