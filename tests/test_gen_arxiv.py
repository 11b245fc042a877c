"""paperscope.synthetic (and bench/gen_arxiv.py, its command line): synthetic arXiv
snapshots that look like, and import like, the real one."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import orjson
import pytest

from paperscope import synthetic as gen
from paperscope.importers import arxiv_snapshot
from paperscope.models import title_key

BENCH = Path(__file__).resolve().parent.parent / "bench"
COUNT = 2000
SEED = 7

KAGGLE_KEYS = (
    "id",
    "submitter",
    "authors",
    "title",
    "comments",
    "journal-ref",
    "doi",
    "report-no",
    "categories",
    "license",
    "abstract",
    "versions",
    "update_date",
    "authors_parsed",
)
RFC2822 = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT"
)
NEW_ID = re.compile(r"(\d{2})(\d{2})\.(\d{4,5})")
OLD_ID = re.compile(r"([a-z]+(?:-[a-z]+)?)/(\d{2})(\d{2})(\d{3})")


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("gen") / "arxiv.jsonl"
    stats = gen.write(path, COUNT, seed=SEED)
    assert stats.lines == COUNT
    assert stats.bytes == path.stat().st_size
    assert list(path.parent.iterdir()) == [path]  # the temporary file was renamed
    return path


@pytest.fixture(scope="module")
def records(snapshot: Path) -> list[dict]:
    return [orjson.loads(line) for line in snapshot.read_bytes().splitlines()]


def _created(version: dict) -> datetime:
    return parsedate_to_datetime(version["created"])


def test_every_line_is_a_kaggle_record_escaped_like_the_real_file(snapshot, records):
    lines = snapshot.read_bytes().splitlines(keepends=True)
    assert len(lines) == len(records) == COUNT
    for line, record in zip(lines, records, strict=True):
        assert tuple(record) == KAGGLE_KEYS
        # Compact JSON with non-ASCII as \uXXXX, byte for byte what json.dumps
        # writes (and what the real snapshot's lines are).
        assert line == (json.dumps(record, separators=(",", ":")) + "\n").encode("ascii")
        for key in ("id", "submitter", "authors", "title", "categories", "abstract"):
            assert isinstance(record[key], str) and record[key].strip(), key
        for key in ("comments", "journal-ref", "doi", "report-no", "license"):
            assert record[key] is None or isinstance(record[key], str), key
        assert record["authors_parsed"]
        for parts in record["authors_parsed"]:
            assert len(parts) == 3 and all(isinstance(p, str) for p in parts)
            assert parts[0]


def test_ids_are_unique_in_order_and_match_the_first_version(records):
    ids = [r["id"] for r in records]
    assert len(set(ids)) == COUNT
    assert ids == sorted(ids)
    for record in records:
        m = NEW_ID.fullmatch(record["id"])
        assert m, record["id"]
        v1 = _created(record["versions"][0])
        assert (int(m[1]), int(m[2])) == (v1.year % 100, v1.month)
        assert len(m[3]) == (4 if v1.year < 2015 else 5)
        assert gen.DEFAULT_START <= v1.date() <= gen.DEFAULT_END


def test_versions_are_numbered_dated_and_increasing(records):
    counts = set()
    for record in records:
        versions = record["versions"]
        counts.add(len(versions))
        assert [v["version"] for v in versions] == [f"v{i}" for i in range(1, len(versions) + 1)]
        for v in versions:
            assert RFC2822.fullmatch(v["created"]), v["created"]
            # the weekday written is the date's real weekday
            assert _created(v).strftime("%a") == v["created"][:3]
        times = [_created(v) for v in versions]
        assert times == sorted(times) and len(set(times)) == len(times)
        update = date.fromisoformat(record["update_date"])
        assert times[-1].date() <= update <= gen.DEFAULT_END
    assert counts == {1, 2, 3, 4, 5}


def test_the_importer_reads_every_line(snapshot, records):
    with open(snapshot, "rb") as stream:
        items = list(arxiv_snapshot.parse(stream))
    assert len(items) == COUNT
    assert [item.error for item in items if item.error] == []
    for item, record in zip(items, records, strict=True):
        paper = item.paper
        assert paper.id == record["id"]
        assert paper.published == _created(record["versions"][0]).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert len(paper.authors) == len(record["authors_parsed"])
        assert paper.categories == record["categories"].split()


def test_same_seed_same_file_whatever_the_number_of_jobs(tmp_path, snapshot):
    again = tmp_path / "again.jsonl"
    gen.write(again, COUNT, seed=SEED)
    assert again.read_bytes() == snapshot.read_bytes()
    other = tmp_path / "other.jsonl"
    gen.write(other, COUNT, seed=SEED + 1)
    assert other.read_bytes() != snapshot.read_bytes()
    # enough papers for several months and parts, made by two worker processes
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    args = {"count": 3000, "seed": 3, "start_date": "2023-01-01", "end_date": "2023-01-31"}
    gen.write(one, **args, jobs=1)
    gen.write(two, **args, jobs=2)
    assert one.read_bytes() == two.read_bytes()
    assert [r["id"] for r in gen.generate(**args)] == [
        orjson.loads(line)["id"] for line in one.read_bytes().splitlines()
    ]


def test_mixed_ids_add_old_style_ids_before_april_2007(tmp_path):
    path = tmp_path / "mixed.jsonl"
    gen.write(path, 1000, seed=11, id_style="mixed")
    records = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    old = [r for r in records if "/" in r["id"]]
    assert len(old) == 150  # old_share 0.15
    assert len({r["id"] for r in records}) == 1000
    for record in old:
        m = OLD_ID.fullmatch(record["id"])
        assert m, record["id"]
        v1 = _created(record["versions"][0])
        assert (int(m[2]), int(m[3])) == (v1.year % 100, v1.month)
        assert v1.date() < date(2007, 4, 1)
        # the primary category belongs to the id's archive
        assert record["categories"].split()[0].split(".")[0] == m[1]
    with open(path, "rb") as stream:
        items = list(arxiv_snapshot.parse(stream))
    assert [i.error for i in items if i.error] == []
    assert {i.paper.id for i in items} == {r["id"] for r in records}


def test_records_have_realistic_shapes(records):
    n = len(records)
    abstracts = [r["abstract"] for r in records]
    for a in abstracts:
        assert a.startswith("  ") and a.endswith("\n") and not a.startswith("   ")
        assert max(len(line) for line in a.split("\n")) <= 79
    assert 850 <= statistics.mean(map(len, abstracts)) <= 1200
    assert min(map(len, abstracts)) >= 250 and max(map(len, abstracts)) <= 2100
    assert 0.15 <= sum("$" in a for a in abstracts) / n <= 0.4
    titles = [r["title"] for r in records]
    assert all(5 <= len(t.split()) <= 20 for t in titles)
    assert all("\n" not in t or "\n  " in t for t in titles)
    assert 0.2 <= sum("\n  " in t for t in titles) / n <= 0.5
    assert 0.45 <= sum(r["doi"] is not None for r in records) / n <= 0.65
    assert 0.28 <= sum(r["journal-ref"] is not None for r in records) / n <= 0.42
    assert 0.52 <= sum(r["comments"] is not None for r in records) / n <= 0.68
    authors = [len(r["authors_parsed"]) for r in records]
    assert sum(1 <= k <= 12 for k in authors) / n >= 0.95
    names = [p for r in records for parts in r["authors_parsed"] for p in parts[:2]]
    assert any(not p.isascii() for p in names)  # accented and non-Latin names occur
    categories = [c for r in records for c in r["categories"].split()]
    assert sum(c.startswith("cs.") for c in categories) / len(categories) >= 0.25
    licenses = {r["license"] for r in records}
    assert "http://arxiv.org/licenses/nonexclusive-distrib/1.0/" in licenses


def test_titles_rarely_repeat():
    # Real arXiv has well under 1% exact duplicate titles. Papers whose folded
    # titles are equal get matched by title on import, and ties blur search
    # evaluation, so the generator must not repeat itself either.
    titles = [r["title"] for r in gen.generate(20_000, seed=SEED)]
    keys = [title_key(t) for t in titles]
    assert 1 - len(set(keys)) / len(keys) < 0.01
    words = [len(t.split()) for t in titles]
    assert min(words) >= 5 and max(words) <= 20
    assert 8 <= statistics.mean(words) <= 10


def test_the_file_gets_the_usual_permissions(snapshot):
    mask = os.umask(0)
    os.umask(mask)
    assert snapshot.stat().st_mode & 0o777 == 0o666 & ~mask


def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    def boom(task):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(gen, "_chunk_lines", boom)
    with pytest.raises(RuntimeError):
        gen.write(tmp_path / "out.jsonl", 100)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start_date": "2006-01-01"}, "new-style ids began"),
        ({"count": 20_000, "start_date": "2010-05-01", "end_date": "2010-05-31"}, "4-digit"),
        ({"id_style": "weird"}, "id_style"),
        ({"count": -1}, "count"),
    ],
)
def test_impossible_requests_are_refused(kwargs, message):
    args = {"count": 10} | kwargs
    with pytest.raises(ValueError, match=message):
        list(gen.generate(**args))


def test_command_line(tmp_path):
    out = tmp_path / "cli.jsonl"
    result = subprocess.run(
        [sys.executable, str(BENCH / "gen_arxiv.py"), str(out), "--count", "300", "--seed", "5"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert re.search(r"^generate speed: \d+(\.\d+)? lines/s$", result.stdout, re.M)
    expected = tmp_path / "api.jsonl"
    gen.write(expected, 300, seed=5)
    assert out.read_bytes() == expected.read_bytes()
    refused = subprocess.run(
        [sys.executable, str(BENCH / "gen_arxiv.py"), str(out), "--start-date", "1999-01-01"],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2 and "new-style ids began" in refused.stderr
