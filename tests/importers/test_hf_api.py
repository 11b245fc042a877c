"""The Hugging Face papers API importer (``hf-api``).

Entries in the Hub's shape are written here, small, after the fields that
``huggingface_hub``'s ``PaperInfo`` reads and that a real ``/api/daily_papers``
answer holds (authors with ``_id``, ``hidden`` and ``user`` objects,
millisecond times, ``submittedOnDailyBy``). paperscope's own answers come from
the real app, started in process over a library of the seed pages, the arXiv
sample and the web tests' crafted papers (tests/web/conftest.py).
"""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

from paperscope import importers
from paperscope.config import Settings
from paperscope.importers import hf_api
from paperscope.importers.base import HEAD_BYTES, FormatError, Item
from paperscope.library import Library
from paperscope.web.app import create_app
from tests.conftest import ARXIV_SAMPLE, SHARED
from tests.web.conftest import NOW, fill

CSL_JSON = SHARED / "data" / "real-formats" / "other" / "sample.csl.json"


def user(full: str, name: str) -> dict:
    return {"_id": "6610c90c6c59fff43622eef7", "avatarUrl": "/avatars/f8.svg", "isPro": False,
            "fullname": full, "user": name, "type": "user", "name": name}  # fmt: skip


def entry(arxiv: str = "2407.13168", **paper) -> dict:
    """One ``/api/daily_papers`` entry as the Hub writes it."""
    inner = {
        "id": arxiv,
        "authors": [
            {"_id": "669dcf3b7f28c43e09d5497f", "name": "Minyang Tian", "hidden": False},
            {
                "_id": "669dcf3b7f28c43e09d54980",
                "user": user("Luyu Gao", "luyug"),
                "name": "Luyu Gao",
                "status": "admin_assigned",
                "hidden": True,
            },  # fmt: skip
        ],
        "publishedAt": "2024-07-18T05:15:24.000Z",
        "submittedOnDailyAt": "2024-07-22T00:54:32.437Z",
        "title": "SciCode: A Research Coding Benchmark Curated by Scientists",
        "submittedOnDailyBy": user("Yanxin Lu", "amber1120"),
        "summary": "Since language models (LMs) now outperform average humans on many\n"
        "challenging tasks, it has become difficult to develop evaluations.",
        "upvotes": 17,
        "discussionId": "669dcf3c7f28c43e09d549ca",
        "ai_summary": "A scientist-curated coding benchmark.",
        "ai_keywords": ["language models", "coding benchmark"],
        "githubRepo": "https://github.com/scicode-bench/SciCode",
        "githubStars": 120,
        "projectPage": "https://scicode-bench.github.io",
        **paper,
    }
    return {
        "paper": inner,
        "publishedAt": "2024-07-22T04:54:32.437Z",  # when the entry was posted
        "title": inner["title"],
        "summary": inner["summary"],
        "thumbnail": f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{arxiv}.png",
        "mediaUrls": [],
        "numComments": 3,
        "submittedBy": user("Yanxin Lu", "amber1120"),
        "isAuthorParticipating": False,
    }


def parse(data: bytes | list | dict) -> list[Item]:
    raw = data if isinstance(data, bytes) else orjson.dumps(data, option=orjson.OPT_INDENT_2)
    return list(hf_api.parse(io.BytesIO(raw)))


def papers(items: list[Item]):
    assert [(i.line, i.error) for i in items if i.error] == []
    return [i.paper for i in items]


# -- the Hub's answers ----------------------------------------------------------------


def test_a_daily_papers_entry():
    (paper,) = papers(parse([entry()]))
    assert paper.id == "2407.13168"
    assert paper.title == "SciCode: A Research Coding Benchmark Curated by Scientists"
    assert paper.abstract.startswith("Since language models (LMs) now outperform average humans on")
    assert "\n" not in paper.abstract
    assert paper.authors == ["Minyang Tian", "Luyu Gao"]  # hidden on the Hub, an author still
    assert paper.author_count == 2
    assert paper.published == "2024-07-18T05:15:24Z"  # the paper's date, not the entry's
    assert paper.feed_date == "2024-07-22"
    assert (paper.upvotes, paper.submitted_by) == (17, "Yanxin Lu")
    assert paper.links == {
        "abs": "https://arxiv.org/abs/2407.13168",
        "pdf": "https://arxiv.org/pdf/2407.13168",
        "github": "https://github.com/scicode-bench/SciCode",
        "project": "https://scicode-bench.github.io",
    }
    assert paper.sources == ["hf-api"]


def test_search_answers_and_one_paper_objects():
    nested, flat = entry("2401.00001"), dict(entry("2401.00002")["paper"])
    flat["title"] = "A Paper Object Given Directly"
    items = parse([nested, flat])
    assert [(i.line, i.unit) for i in items] == [(1, "record"), (2, "record")]
    assert [p.id for p in papers(items)] == ["2401.00001", "2401.00002"]
    assert papers(items)[1].feed_date == "2024-07-22"
    # /api/papers/{id}: one object, no array around it.
    (one,) = papers(parse(flat))
    assert one.title == "A Paper Object Given Directly"


def test_what_is_missing_or_null_is_left_empty():
    bare = {"paper": {"id": "2401.00003", "title": "Only a Title", "summary": None,
                      "authors": [], "upvotes": 0, "githubRepo": None}}  # fmt: skip
    (paper,) = papers(parse([bare]))
    assert (paper.abstract, paper.authors, paper.author_count, paper.published) == (
        "",
        [],
        None,
        None,
    )
    assert (paper.feed_date, paper.submitted_by) == (None, "")
    assert set(paper.links) == {"abs", "pdf"}
    # No summary: the AI summary stands in.
    (short,) = papers(parse([entry(summary=None) | {"summary": None}]))
    assert short.abstract == "A scientist-curated coding benchmark."


def test_bad_entries_are_records_with_their_line():
    good = entry("2401.00010")
    data = [
        good,
        entry("2401.00011", upvotes=10**12),
        entry("2401.00012", title="?!"),
        entry("not-an-id"),
        entry("2401.00014", publishedAt="yesterday"),
        entry("2401.00015", authors="Ada"),
        42,
        entry("2401.00017"),
    ]
    text = orjson.dumps(data, option=orjson.OPT_INDENT_2)
    items = parse(text)
    assert [i.unit for i in items] == ["record"] * 8
    assert [i.line for i in items] == list(range(1, 9))
    assert [i.paper.id for i in items if i.paper] == ["2401.00010", "2401.00017"]
    errors = [i.error for i in items if i.error]
    lines = text.decode().splitlines()
    starts = [n for n, s in enumerate(lines, 1) if s in ("  {", "  42,")]
    assert errors == [
        f'"upvotes" is 1,000,000,000,000: more than the 10,000,000 a paper can have'
        f" (the entry starting on line {starts[1]})",
        f"the title '?!' has no letters or digits (the entry starting on line {starts[2]})",
        f"'not-an-id' is not an arXiv id (the entry starting on line {starts[3]})",
        f"\"publishedAt\" 'yesterday' is not an ISO 8601 date (the entry starting on line {starts[4]})",
        f'"authors" should be an array, not a string (the entry starting on line {starts[5]})',
        f"expected a JSON object, got a number (the entry starting on line {starts[6]})",
    ]


def test_broken_json_costs_one_entry_and_a_cut_off_file_says_so():
    one, two = orjson.dumps(entry("2401.00020")), orjson.dumps(entry("2401.00021"))
    items = parse(b"[" + one + b',\n{"paper": {"id": 1,,}},\n' + two + b"]")
    assert [i.paper.id for i in items if i.paper] == ["2401.00020", "2401.00021"]
    (bad,) = [i for i in items if i.error]
    assert (bad.line, bad.unit) == (2, "record")
    assert bad.error.startswith("not valid JSON: ") and "at line 2" in bad.error
    # Cut off inside the third entry: the two before it are read, then the file is refused.
    cut = b"[" + one + b",\n" + two + b",\n" + two[: len(two) // 2]
    read: list[Item] = []
    with pytest.raises(FormatError, match="ends inside this entry .*: it is cut off") as caught:
        read.extend(hf_api.parse(io.BytesIO(cut)))
    assert len(read) == 2 and str(caught.value).startswith("record 3: ")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[]", "the JSON array is empty"),
        (b"  [\n  ", "ends before its JSON array is closed"),
        (b"Daily Papers\nA title\n", "not the JSON of the Hugging Face papers API"),
        (b'"a string"', "not the JSON of the Hugging Face papers API"),
    ],
)
def test_files_that_are_no_such_json_are_refused(data, message):
    with pytest.raises(FormatError, match=message):
        parse(data)


def test_an_entry_over_the_size_bound_is_skipped_and_reported():
    huge = entry("2401.00031", summary="word " * (hf_api.MAX_ENTRY_BYTES // 5 + 10))
    items = parse([entry("2401.00030"), huge, entry("2401.00032")])
    assert [i.paper.id for i in items if i.paper] == ["2401.00030", "2401.00032"]
    (bad,) = [i for i in items if i.error]
    assert bad.line == 2 and "over the 4.0 MiB limit for one entry" in bad.error


def test_a_large_answer_is_read_as_a_stream():
    """250 entries of 40 kB (10 MB) from a stream: memory stays at a chunk and an entry."""
    one = orjson.dumps(entry("2401.00001", summary="A sentence of an abstract. " * 750))
    count = 250

    class Answer(io.RawIOBase):
        def __init__(self) -> None:
            self.parts = iter([b"[", *([one + b","] * (count - 1)), one, b"]"])
            self.left = b""

        def readable(self) -> bool:
            return True

        def readinto(self, out) -> int:
            while not self.left:
                self.left = next(self.parts, b"")
                if not self.left:
                    return 0
            n = min(len(out), len(self.left))
            out[:n], self.left = self.left[:n], self.left[n:]
            return n

    tracemalloc.start()
    try:
        read = sum(1 for i in hf_api.parse(io.BufferedReader(Answer())) if i.paper)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert read == count
    assert count * len(one) > 9 * hf_api.CHUNK
    assert peak < 3 * hf_api.CHUNK  # the chunk being read and one entry, not the 10 MB answer


# -- detection ------------------------------------------------------------------------


def test_detection_finds_the_api_and_leaves_other_json_alone(tmp_path):
    heads = {
        "daily": orjson.dumps([entry()]),
        "daily indented": orjson.dumps([entry()], option=orjson.OPT_INDENT_2),
        "one paper": orjson.dumps(entry()["paper"]),
        "lines": orjson.dumps(entry()) + b"\n" + orjson.dumps(entry()) + b"\n",
    }
    for name, head in heads.items():
        assert importers.detect(head[:HEAD_BYTES]).NAME == "hf-api", name
    with Library(tmp_path / "lib.db") as lib:
        lib.import_file(ARXIV_SAMPLE)
        export = tmp_path / "export.jsonl"
        with export.open("wb") as f:
            lib.export(f)
    others = {
        ARXIV_SAMPLE: "arxiv-json",
        export: "jsonl",
    }
    for path, name in others.items():
        head = path.read_bytes()[:HEAD_BYTES]
        assert not hf_api.detect(head), path
        assert importers.detect(head).NAME == name
    assert not hf_api.detect(CSL_JSON.read_bytes()[:HEAD_BYTES])  # a CSL-JSON array
    assert not hf_api.detect(b'[{"title": "A", "abstract": "B"}]')
    assert not hf_api.detect(b"[1, 2, 3]")


def test_an_answer_imports_through_the_library(tmp_path):
    path = tmp_path / "daily_papers.json"
    path.write_bytes(orjson.dumps([entry("2401.00040"), entry("2401.00041", upvotes=-1)]))
    with Library(tmp_path / "lib.db") as lib:
        report = lib.import_file(path)
        assert (report.format, report.added, report.failed) == ("hf-api", 1, 1)
        (problem,) = report.problems
        assert (problem.line, problem.unit) == (2, "record")
        assert problem.message == '"upvotes" should be a count (a whole number from 0), not -1'
        assert lib.store.get("2401.00040").upvotes == 17


# -- paperscope's own answers -----------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> tuple[Path, list[dict], dict]:
    """The real app's /api/daily_papers for every month its library has, saved
    as one JSON array, and one day's page twin."""
    db = tmp_path_factory.mktemp("served") / "library.db"
    fill(db)
    with Library(db) as lib:
        months = sorted({p.feed_date[:7] for p in lib.store.iter_papers() if p.feed_date})
    answer: list[dict] = []
    app = create_app(Settings(database=str(db)), clock=lambda: NOW)
    with TestClient(app, base_url="http://paperscope.test") as client:
        for month in months:
            page = 0
            while got := client.get("/api/daily_papers",
                                    params={"month": month, "limit": 100, "p": page}).json():  # fmt: skip
                answer += got
                page += 1
        twin = client.get(f"/papers/date/{answer[0]['submittedOnDailyAt']}?format=json").json()
    return db, answer, twin


def test_an_answer_of_paperscope_imports_into_another_one(served, tmp_path):
    db, answer, _ = served
    assert len(answer) > 100  # the seed pages and the crafted papers
    assert {bool(e["paper"]["authors"]) for e in answer} == {True, False}
    assert any(e["paper"]["id"].startswith("t-") for e in answer)
    saved = tmp_path / "daily_papers.json"
    saved.write_bytes(orjson.dumps(answer))
    with Library(tmp_path / "other.db") as other:
        report = other.import_file(saved)
        assert (report.format, report.error, report.failed) == ("hf-api", None, 0)
        assert report.added == len(answer)
        imported = {p.id: p for p in other.store.iter_papers()}
    with Library(db) as lib:
        original = {e["paper"]["id"]: lib.store.get(e["paper"]["id"]) for e in answer}

    def facts(p):
        return (p.title, p.abstract, p.authors, p.author_count, p.feed_date,
                p.upvotes + p.votes, p.submitted_by, p.published)  # fmt: skip

    assert set(imported) == set(original)
    assert {k: facts(p) for k, p in imported.items()} == {k: facts(p) for k, p in original.items()}
    assert {s for p in imported.values() for s in p.sources} == {"hf-api"}


def test_a_page_twin_of_paperscope_reads_as_its_papers(served, tmp_path):
    _, answer, twin = served
    items = parse(twin)
    day = twin["papers"][0]["submittedOnDailyAt"]
    assert [i.paper.id for i in items if i.paper] == [e["paper"]["id"] for e in twin["papers"]]
    assert {i.paper.feed_date for i in items if i.paper} == {day}
    assert [i.line for i in items] == list(range(1, len(twin["papers"]) + 1))
