"""Library.import_file on real files: detection, idempotence and every kind of bad input."""

from __future__ import annotations

import gzip
import json

import pytest

from paperscope.library import Library
from tests.conftest import ARXIV_SAMPLE


@pytest.fixture
def lib(db_path):
    with Library(db_path) as library:
        yield library


def sample_lines() -> list[str]:
    return ARXIV_SAMPLE.read_text(encoding="utf-8").splitlines()


def test_arxiv_sample_imports_with_authors_categories_versions_and_dois(lib, shared):
    report = lib.import_file(ARXIV_SAMPLE)
    assert report.ok and report.format == "arxiv-json"
    assert report.added == 200
    records = [json.loads(line) for line in sample_lines()]
    for record in records:
        paper = lib.get(record["id"])
        assert paper is not None, record["id"]
        assert len(paper.authors) == len(record["authors_parsed"])
        assert paper.categories == record["categories"].split()
        assert [f"v{v.version}" for v in paper.versions] == [
            v["version"] for v in record["versions"]
        ]
        assert paper.doi == (record["doi"] or "").split(" ")[0]
        assert paper.journal_ref == " ".join((record["journal-ref"] or "").split())
        assert paper.published.startswith(("2007-", "2006-"))
        assert "\n" not in paper.title and "\n" not in paper.abstract
    with_doi = sum(1 for r in records if r["doi"])
    assert sum(1 for p in lib.papers() if p.doi) == with_doi


def test_same_file_twice_changes_nothing(lib):
    lib.import_file(ARXIV_SAMPLE)
    before = lib.store.dump()
    again = lib.import_file(ARXIV_SAMPLE)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 200)
    assert lib.store.dump() == before


def test_export_then_import_round_trips_exactly(lib, tmp_path):
    lib.import_file(ARXIV_SAMPLE)
    first = tmp_path / "first.jsonl"
    with first.open("wb") as f:
        assert lib.export(f) == 200
    with Library(tmp_path / "copy.db") as copy:
        assert copy.import_file(first).added == 200
        assert copy.store.dump() == lib.store.dump()
        second = tmp_path / "second.jsonl"
        with second.open("wb") as f:
            copy.export(f)
    assert first.read_bytes() == second.read_bytes()


def test_gzipped_files_are_read_transparently(lib, tmp_path):
    packed = tmp_path / "sample.jsonl.gz"
    packed.write_bytes(gzip.compress(ARXIV_SAMPLE.read_bytes()))
    assert lib.import_file(packed).added == 200


@pytest.mark.parametrize("damage", ["flipped", "cut"])
def test_a_damaged_gzip_file_is_reported_and_what_came_before_is_kept(lib, tmp_path, damage):
    packed = bytearray(gzip.compress(ARXIV_SAMPLE.read_bytes()))
    if damage == "flipped":
        middle = len(packed) // 2
        packed[middle : middle + 64] = bytes(b ^ 0xFF for b in packed[middle : middle + 64])
    else:
        del packed[len(packed) // 2 :]
    path = tmp_path / "sample.jsonl.gz"
    path.write_bytes(bytes(packed))
    report = lib.import_file(path)
    assert report.error is not None and "compressed file is damaged" in report.error
    assert report.added < 200 and lib.count() == report.added


def test_bad_records_are_counted_named_and_good_ones_kept(lib, tmp_path):
    lines = sample_lines()[:10]
    lines[2] = lines[2][: len(lines[2]) // 2]  # truncated JSON
    lines[5] = json.dumps({**json.loads(lines[5]), "title": ""})  # no title
    lines[7] = "[1, 2, 3]"
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = lib.import_file(path)
    assert report.added == 7 and report.failed == 3
    assert [(p.line, p.message.split(" (")[0]) for p in report.problems] == [
        (3, "not valid JSON: the record is truncated"),
        (6, "the record has no title"),
        (8, "expected a JSON object, got list"),
    ]
    assert not report.ok and report.error is None


def test_strict_import_writes_nothing_when_one_record_is_bad(lib, tmp_path):
    lines = sample_lines()[:50]
    lines[40] = "{broken"
    path = tmp_path / "strict.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = lib.import_file(path, strict=True, batch_size=10)
    assert "line 41" in report.error and "nothing was imported" in report.error
    assert lib.store.count() == 0
    assert report.added == 0


def test_invalid_utf8_names_the_line(lib, tmp_path):
    data = ARXIV_SAMPLE.read_bytes().split(b"\n")[:5]
    data[3] = data[3].replace(b"the", b"th\xff\xfee", 1)
    path = tmp_path / "latin.jsonl"
    path.write_bytes(b"\n".join(data) + b"\n")
    report = lib.import_file(path)
    assert report.added == 4 and report.failed == 1
    assert report.problems[0].line == 4 and "invalid UTF-8" in report.problems[0].message


def test_a_ten_megabyte_title_is_refused_clearly(lib, tmp_path):
    record = json.loads(sample_lines()[0])
    record["title"] = "x" * (10 * 1024 * 1024)
    path = tmp_path / "huge.jsonl"
    path.write_text(sample_lines()[1] + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    report = lib.import_file(path)
    assert report.added == 1 and report.failed == 1
    assert report.problems[0].line == 2
    assert "over the 4.0 MiB limit" in report.problems[0].message


def test_a_long_title_under_the_line_limit_is_refused_by_its_field_limit(lib, tmp_path):
    record = json.loads(sample_lines()[0])
    record["title"] = "word " * 100_000
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    report = lib.import_file(path)
    assert report.failed == 1 and "title is" in report.problems[0].message
    assert "limit 2,000" in report.problems[0].message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\n  \n\t\n", "only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary file"),
        (bytes(range(128, 256)) * 20, "binary file"),
        (b"name,age\nada,36\nalan,41\n", "could not tell the format"),
    ],
)
def test_files_that_are_no_format_at_all(lib, tmp_path, content, message):
    path = tmp_path / "input.dat"
    path.write_bytes(content)
    report = lib.import_file(path)
    assert report.status == "failed" and message in report.error
    assert lib.store.count() == 0


def test_missing_file_and_directory_are_reported(lib, tmp_path):
    assert "No such file" in lib.import_file(tmp_path / "nope.jsonl").error
    assert lib.import_file(tmp_path).error


def test_a_forced_wrong_format_fails_every_record_with_reasons(lib, tmp_path):
    report = lib.import_file(ARXIV_SAMPLE, format="jsonl")
    assert report.added == 0 and report.failed == 200
    assert "unknown field" in report.problems[0].message


def test_an_unknown_forced_format_is_named(lib):
    report = lib.import_file(ARXIV_SAMPLE, format="csv")
    assert "unknown format 'csv'" in report.error


def test_import_log_records_each_run(lib):
    lib.import_file(ARXIV_SAMPLE)
    rows = lib.store.conn.execute("SELECT format, status, added, failed FROM imports").fetchall()
    assert rows == [("arxiv-json", "done", 200, 0)]


def test_resolve_by_every_kind_of_reference(lib):
    lib.import_file(ARXIV_SAMPLE)
    record = json.loads(sample_lines()[0])
    for ref in (
        record["id"],
        record["id"] + "v2",
        f"https://arxiv.org/abs/{record['id']}v1",
        f"arXiv:{record['id']}",
        record["doi"].upper(),
        f"https://doi.org/{record['doi']}",
        record["title"].upper().replace("\n", " ") + "!",
    ):
        assert lib.resolve(ref) == record["id"], ref
    assert lib.resolve("") is None
    assert lib.resolve("no such paper at all") is None


def test_stats_count_by_source_year_and_category(lib):
    lib.import_file(ARXIV_SAMPLE)
    stats = lib.stats()
    assert stats.papers == 200
    assert stats.by_source == {"arxiv-snapshot": 200}
    assert sum(stats.by_year.values()) == 200
    assert stats.by_category and max(stats.by_category.values()) <= 200


def test_a_bulk_import_stores_exactly_what_a_normal_import_does(tmp_path, monkeypatch):
    from paperscope import library as library_module

    with Library(tmp_path / "normal.db") as normal:
        assert not normal._is_bulk(ARXIV_SAMPLE.stat().st_size)
        normal.import_file(ARXIV_SAMPLE)
        expected = normal.store.dump()
    monkeypatch.setattr(library_module, "BULK_MIN_PAPERS", 1)
    with Library(tmp_path / "bulk.db") as bulk:
        assert bulk._is_bulk(ARXIV_SAMPLE.stat().st_size)
        bulk.import_file(ARXIV_SAMPLE)
        assert bulk.store.dump() == expected
        names = {r[0] for r in bulk.store.conn.execute("SELECT name FROM sqlite_master")}
        assert "paper_authors_nocase" in names
        assert not bulk.store.conn.execute("SELECT * FROM deferred_indexes").fetchall()


def test_export_reports_progress_up_to_the_total(lib, tmp_path):
    lib.import_file(ARXIV_SAMPLE)
    seen = []
    with (tmp_path / "out.bib").open("wb") as f:
        assert (
            lib.export(f, "bibtex", progress=lambda done, total: seen.append((done, total))) == 200
        )
    assert seen[-1] == (200, 200)
    assert (tmp_path / "out.bib").read_text(encoding="utf-8").count("\n@") + 1 == 200


def test_a_bulk_import_turns_the_garbage_collector_back_on(tmp_path, monkeypatch):
    """The collector is off while a bulk load stores its batches (library.py
    says why) and as it was before once the load ends, however it ends."""
    import gc

    from paperscope import library as library_module

    monkeypatch.setattr(library_module, "BULK_MIN_PAPERS", 1)
    states: list[bool] = []
    with Library(tmp_path / "bulk.db") as lib:
        report = lib.import_file(ARXIV_SAMPLE, progress=lambda *_: states.append(gc.isenabled()))
        assert report.added == 200 and gc.isenabled()
        assert states and not any(states)  # off while the batches were stored
        gc.disable()
        try:
            lib.import_file(ARXIV_SAMPLE)
            assert not gc.isenabled()  # left off, as the caller had it
        finally:
            gc.enable()

        def interrupt(*_):  # Ctrl-C after the first batch
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            lib.import_file(ARXIV_SAMPLE, progress=interrupt)
        assert gc.isenabled()
