"""The Hugging Face page-text importer, on the two real pages in ../shared/seeds.

Variants (no blank lines, glued banner, CRLF, missing abstracts, truncation,
over-long lines) are made here from the seed text at run time, so no abstract
is ever copied into the repository.
"""

from __future__ import annotations

import io
import re
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from paperscope.importers import hf_page
from paperscope.importers.base import FormatError, Item
from paperscope.models import title_key
from tests.conftest import ARXIV_SAMPLE, SEEDS

TODAY = date(2025, 12, 31)
GRADIENT_NOISE = "Adding Gradient Noise Improves Learning for Very Deep Networks"


def _seed(prefix: str) -> Path:
    found = [p for p in SEEDS if p.name.startswith(prefix)]
    if not found:
        pytest.fail(f"seed page {prefix}_*.txt is missing from {SEEDS}")
    return found[0]


@pytest.fixture(scope="module")
def page000() -> str:
    return _seed("000").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page002() -> str:
    return _seed("002").read_text(encoding="utf-8")


def parse(text: str | bytes, today: date | None = TODAY) -> list[Item]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return list(hf_page.parse(io.BytesIO(data), today=today))


def papers(items: list[Item]):
    assert [i.error for i in items if i.error] == []
    return [i.paper for i in items]


def summary(items: list[Item]) -> list[tuple]:
    """What a variant of a page must keep: everything but line numbers."""
    return [
        (p.title, p.abstract, p.author_count, p.published, p.upvotes, p.feed_date)
        for p in papers(items)
    ]


def starting(found, prefix: str):
    """The one paper whose title starts with ``prefix``."""
    (paper,) = [p for p in found if p.title.startswith(prefix)]
    return paper


def next_content(lines: list[str], number: int) -> str:
    """The first non-blank line after line ``number`` (1-based)."""
    return next(s.strip() for s in lines[number:] if s.strip())


def no_blanks(text: str) -> str:
    return "\n".join(s for s in text.splitlines() if s.strip()) + "\n"


# -- the real pages -------------------------------------------------------


def test_page_without_meta_gives_67_papers_with_their_abstracts(page000):
    items = parse(page000)
    lines = page000.splitlines()
    found = papers(items)
    assert len(found) == 67
    for item, paper in zip(items, found, strict=True):
        assert lines[item.line - 1].strip() == paper.title  # Item.line is the title's line
        assert paper.abstract == next_content(lines, item.line)
        assert (paper.author_count, paper.published, paper.upvotes) == (None, None, 0)
        assert paper.feed_date == "2025-03-17"
        assert paper.sources == ["hf-page"]
    assert found[0].title.startswith("Depression Detection and Analysis")
    assert len({p.id for p in found}) == 67


def test_page_with_meta_gives_46_papers_with_counts_dates_and_upvotes(page002):
    items = parse(page002)
    lines = page002.splitlines()
    found = papers(items)
    assert len(found) == 46
    counts = [int(m) for m in re.findall(r"(?m)^\s*• (\d+) authors?$", page002)]
    assert [p.author_count for p in found] == counts
    for item, paper in zip(items, found, strict=True):
        assert lines[item.line - 1].strip() == paper.title
        assert paper.abstract == next_content(lines, item.line)
        assert paper.feed_date == "2025-12-10"
    first = found[0]
    assert first.title.startswith("Fast & Slow Learning")
    assert (first.author_count, first.published, first.upvotes) == (4, "2020-11-10", 0)
    assert starting(found, GRADIENT_NOISE).published == "2015-11-20"
    mamba = starting(found, "Mamba-360")
    assert (mamba.published, mamba.upvotes) == ("2024-04-24", 1)  # "Apr 24, 2024 1"
    # Dates without a year are in the page's year (2025, the latest Dec 10 by TODAY).
    quantized = starting(found, "Fine-tuning Quantized")
    assert (quantized.published, quantized.upvotes) == ("2025-05-19", 2)  # "May 19 2"
    memmamba = starting(found, "MemMamba")
    assert (memmamba.published, memmamba.upvotes) == ("2025-09-28", 3)  # "Sep 28 3"
    risk = starting(found, "Risk forecasting")
    assert (risk.published, risk.upvotes, risk.author_count) == ("2025-01-02", 0, 1)  # "Jan 2"


def test_years_are_inferred_from_today_and_the_page_date(page002):
    # Before Dec 10 of 2025 the page can only be from Dec 10, 2024.
    early = papers(parse(page002, today=date(2025, 12, 9)))
    assert {p.feed_date for p in early} == {"2024-12-10"}
    assert starting(early, "MemMamba").published == "2024-09-28"
    assert starting(early, "Risk forecasting").published == "2024-01-02"
    assert starting(early, GRADIENT_NOISE).published == "2015-11-20"  # a year on the page is kept
    # A yearless paper date after the page date belongs to the year before.
    page = (
        "Daily Papers\nMar 17\nA Title\nAn abstract. It has two sentences.\n• 2 authors\nNov 3 5\n"
    )
    (paper,) = papers(parse(page, today=date(2026, 6, 1)))
    assert (paper.feed_date, paper.published, paper.upvotes) == ("2026-03-17", "2025-11-03", 5)
    (undated,) = papers(parse(page.replace("Mar 17\n", ""), today=date(2026, 6, 1)))
    assert (undated.feed_date, undated.published) == (None, "2025-11-03")


def test_today_defaults_to_the_utc_date(page000):
    feed = date.fromisoformat(papers(parse(page000, today=None))[0].feed_date)
    today = datetime.now(UTC).date()
    assert feed <= today and (today - feed).days < 366


# -- how other tools save the same pages -----------------------------------


@pytest.mark.parametrize("name", ["000", "002"])
def test_no_blank_lines_and_crlf_change_nothing(name, page000, page002):
    text = page000 if name == "000" else page002
    expected = summary(parse(text))
    assert summary(parse(no_blanks(text))) == expected
    assert summary(parse(text.replace("\n", "\r\n").encode())) == expected
    assert summary(parse(no_blanks(text).replace("\n", "\r\n").encode())) == expected


@pytest.mark.parametrize(
    "glue",
    [
        # "Subscribe" glued to the first title, the page date above it
        lambda lines: [
            "new",
            "Get trending papers in your email inbox!",
            "Mar 17",
            "Subscribe" + lines[5],
            *lines[6:],
        ],  # fmt: skip
        # both banner lines glued to the title, no page date
        lambda lines: [
            "new",
            "Get trending papers in your email inbox!Subscribe" + lines[5],
            *lines[6:],
        ],  # fmt: skip
    ],
)
def test_banner_glued_to_the_first_title(glue, page000):
    lines = no_blanks(page000).splitlines()
    assert lines[:5] == ["new", "Get trending papers in your email inbox!", "Subscribe",
                         "byAK and the research community", "Mar 17"]  # fmt: skip
    expected = summary(parse(page000))
    glued = "\n".join(glue(lines))
    got = summary(parse(glued))
    assert [row[:2] for row in got] == [row[:2] for row in expected]
    assert got[0][0].startswith("Depression Detection")
    assert {row[5] for row in got} == ({"2025-03-17"} if "Mar 17" in glued else {None})


def test_other_spellings_of_the_meta_lines(page002):
    """Each paper's meta block rewritten in one of six styles other tools use."""
    upvotes, submitters = [], []

    def restyle(m: re.Match) -> str:
        n, count, when = len(upvotes), m.group(1), m.group(2)
        plain = re.fullmatch(r"(\w{3} \d+)(?:, (\d{4}))?", when)  # no upvote count
        upvotes.append(None)
        submitters.append("")
        if n % 6 == 0:
            return f"{count} authors\n·\n{when}"  # no bullet
        if n % 6 == 1:
            return f"· {count} authors\n{when}"  # the separator on the author line
        if n % 6 == 2:
            return f"  • {count} authors · {when}"  # all on one line
        if n % 6 == 3 and plain and plain.group(2):
            return f"{count} authors\n{plain.group(1)} {plain.group(2)}"  # "Nov 10 2020"
        if n % 6 == 4 and plain:
            upvotes[-1] = 100 + n
            return f"  • {count} authors\n·\n{when}\n{100 + n}"  # upvotes on their own line
        if n % 6 == 5:
            submitters[-1] = f"someone{n}"
            return f"  • {count} authors\n·\nSubmitted by someone{n}\n{when}"
        return m.group(0)

    restyled = re.sub(r"(?m)^  • (\d+) authors?\n·\n(.+)$", restyle, no_blanks(page002))
    expected = summary(parse(page002))
    got = papers(parse(restyled))
    assert len(upvotes) == 46 and any(upvotes)
    assert [(p.title, p.abstract, p.author_count, p.published) for p in got] == [
        row[:4] for row in expected
    ]
    assert [p.upvotes for p in got] == [
        row[4] if up is None else up for row, up in zip(expected, upvotes, strict=True)
    ]
    assert [p.submitted_by for p in got] == submitters


def test_trailing_upvote_counts_on_every_date(page002):
    numbered = iter(range(1, 1000))
    dates = re.compile(r"(?m)^(\w{3} \d{1,2}(?:, \d{4})?)(?: \d+)?$")
    text = dates.sub(lambda m: f"{m.group(1)} {next(numbered) * 7}", page002.split("Dec 10", 1)[1])
    got = papers(parse("Daily Papers\nDec 10\n" + text))
    assert [p.upvotes for p in got] == [7 * i for i in range(1, 47)]
    assert [p.published for p in got] == [p.published for p in papers(parse(page002))]
    # "Nov 10 2020": four digits and no comma are a year, not 2,020 upvotes.
    (paper,) = papers(
        parse("Daily Papers\nA Title\nSome abstract. Two sentences.\n4 authors\nNov 10 2020\n")
    )
    assert (paper.published, paper.upvotes) == ("2020-11-10", 0)


def test_titles_without_abstracts_are_still_papers(page000, page002):
    lines = no_blanks(page000).splitlines()
    expected = summary(parse(page000))
    # Paper 10 loses its abstract, papers 20 and 21 both lose theirs, and the
    # last one ends the file with its title.
    drop = {5 + 2 * i + 1 for i in (9, 19, 20, 66)}
    got = summary(parse("\n".join(s for i, s in enumerate(lines) if i not in drop)))
    assert [row[0] for row in got] == [row[0] for row in expected]
    for i, (row, want) in enumerate(zip(got, expected, strict=True)):
        assert row[1] == ("" if i in (9, 19, 20, 66) else want[1])
    # In the layout with meta lines, a title followed by its meta block.
    meta_lines = no_blanks(page002).splitlines()
    title_at = meta_lines.index(GRADIENT_NOISE)
    del meta_lines[title_at + 1]
    got002 = papers(parse("\n".join(meta_lines)))
    assert len(got002) == 46
    noise = next(p for p in got002 if p.title == GRADIENT_NOISE)
    assert (noise.abstract, noise.author_count, noise.published) == ("", 7, "2015-11-20")


def test_submitter_and_meta_shown_above_the_title(page000):
    """Kinds of meta that a page shows above its first title belong to the paper below."""
    lines = no_blanks(page000).splitlines()
    nav = ["Hugging Face", "Models", "Datasets", "Spaces"]  # the site's menu, not papers
    page = [*nav, *lines[:5]]
    for i in range(4):
        page += ["Submitted by", f"reader{i}", str(10 + i), lines[5 + 2 * i], lines[6 + 2 * i]]
        page += [f"· {i + 2} authors · Feb {i + 1}"]
    got = papers(parse("\n".join(page)))
    assert [p.title for p in got] == lines[5:13:2]
    assert [(p.submitted_by, p.upvotes, p.author_count, p.published) for p in got] == [
        (f"reader{i}", 10 + i, i + 2, f"2025-02-0{i + 1}") for i in range(4)
    ]


def test_a_page_of_titles_only_after_the_banner():
    titles = [f"Learning Representation Number {i} for Sparse Graphs" for i in range(80)]
    got = papers(parse("Daily Papers\nMar 17\n" + "\n".join(titles)))
    assert [p.title for p in got] == titles and {p.abstract for p in got} == {""}


def test_truncated_final_block(page000, page002):
    expected = summary(parse(page000))
    cut = page000.rstrip()
    cut = cut[: len(cut) - len(expected[-1][1]) // 2]  # half of the last abstract
    got = summary(parse(cut))
    assert got[:-1] == expected[:-1] and len(got) == 67
    assert got[-1][0] == expected[-1][0] and expected[-1][1].startswith(got[-1][1])
    # The meta page cut after the last paper's author count: no date.
    cut002 = page002[: page002.rindex("·")]
    last = papers(parse(cut002))[-1]
    assert (last.author_count, last.published) == (5, None)
    assert len(papers(parse(cut002))) == 46


def test_over_long_lines_are_errors_that_name_the_line(page000):
    lines = no_blanks(page000).splitlines()
    # Paper 3's abstract is 10 MB; paper 5's title is 50,000 characters.
    lines[5 + 2 * 2 + 1] = "Word " * 2_000_000
    lines[5 + 2 * 4] = ("Title " * 8_334)[:50_000]
    items = parse("\n".join(lines))
    assert len(items) == 67
    bad = {i.line: i.error for i in items if i.error}
    assert list(bad) == [5 + 2 * 2 + 1, 5 + 2 * 4 + 1]  # each error sits on the title's line
    assert "line 11" in bad[10] and "over the 4.0 MiB limit" in bad[10] and "abstract" in bad[10]
    assert "title is 50,000 characters long (limit 2,000)" in bad[14]
    good = [i.paper for i in items if i.paper]
    want = [row for k, row in enumerate(summary(parse(page000))) if k not in (2, 4)]
    assert [(p.title, p.abstract) for p in good] == [row[:2] for row in want]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n \t\n",
        "\r\n\r\n",
        "new\nSubscribe\nDaily Papers\n",
        "hello\n",
        "\n".join(f"word{i}" for i in range(300)),
    ],  # fmt: skip
)
def test_no_papers_is_a_format_error(text):
    with pytest.raises(FormatError, match="not the text of a Hugging Face|no papers found"):
        parse(text)


def test_streaming_keeps_memory_bounded(page000):
    """Parse 40 copies of a page from a stream without holding them."""
    page = page000.encode()

    class Repeated(io.RawIOBase):
        def __init__(self, times: int):
            self.left, self.at = times, len(page)

        def readable(self) -> bool:
            return True

        def readinto(self, out) -> int:
            if self.at == len(page) and self.left:
                self.at, self.left = 0, self.left - 1
            n = min(len(out), len(page) - self.at)
            out[:n] = page[self.at : self.at + n]
            self.at += n
            return n

    tracemalloc.start()
    try:
        count = sum(
            1 for i in hf_page.parse(io.BufferedReader(Repeated(40)), today=TODAY) if i.paper
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 40 * 67
    assert peak < len(page)  # a few blocks, not the 40-page stream (4.7 MB)


# -- detection ---------------------------------------------------------------


def test_detect_pages(page000, page002):
    heads = [
        page000,
        page002,
        no_blanks(page000),
        page000.replace("\n", "\r\n"),
        "\n".join(no_blanks(page000).splitlines()[5:]),  # no banner, no date: structure only
        "\n".join(no_blanks(page002).splitlines()[6:]),
    ]
    for head in heads:
        assert hf_page.detect(head.encode()[:65536]), head[:80]


def test_detect_refuses_other_formats(page000):
    titles = no_blanks(page000).splitlines()[5::2][:5]
    abstracts = no_blanks(page000).splitlines()[6::2][:5]
    csv = "id,title,abstract\n" + "".join(
        f'{i},"{t}","{a}"\n' for i, (t, a) in enumerate(zip(titles, abstracts, strict=True))
    )
    bibtex = "".join(
        f"@article{{k{i},\n  title = {{{t}}},\n  abstract = {{{a}}},\n}}\n\n"
        for i, (t, a) in enumerate(zip(titles, abstracts, strict=True))
    )
    source = Path(hf_page.__file__).read_text(encoding="utf-8")
    heads = [
        ARXIV_SAMPLE.read_bytes()[:65536],
        b'[{"title": "A", "abstract": "B"}]',
        b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"></feed>',
        bibtex.encode(),
        ("% exported\n" + bibtex).encode(),
        csv.encode(),
        source.encode()[:65536],
        b"hello\n",
        b"",
        b"\x00\x01binary",
    ]
    for head in heads:
        assert not hf_page.detect(head), head[:80]


# -- into a real store ---------------------------------------------------------


def test_both_pages_in_a_store_become_one_record_per_paper(store, page000, page002):
    first, second = papers(parse(page000)), papers(parse(page002))
    with store.transaction():
        added = store.save_papers(first)
    with store.transaction():
        store.save_papers(second)
    shared = {title_key(p.title) for p in first} & {title_key(p.title) for p in second}
    assert title_key(GRADIENT_NOISE) in shared
    assert store.count() == len({title_key(p.title) for p in first + second})
    assert added.added == 67
    noise = [p for p in store.iter_papers() if p.title == GRADIENT_NOISE]
    assert len(noise) == 1
    assert (noise[0].published, noise[0].author_count) == ("2015-11-20", 7)  # from 002
    for again in (papers(parse(page000)), papers(parse(page002))):
        with store.transaction():
            result = store.save_papers(again)
        assert (result.added, result.updated, result.unchanged) == (0, 0, len(again))


# -- page furniture, star counts and links (test_real_hf.py has the real files) ---------


def test_furniture_and_star_counts_are_never_papers_nor_upvotes(page002):
    """The trending page's "GitHub 11.3k", a site menu inside the page, a
    one-word line: none is a title, and stars are not upvotes."""
    lines = no_blanks(page002).splitlines()
    title_at = lines.index(GRADIENT_NOISE)
    assert [s.strip() for s in lines[title_at + 2 : title_at + 5]] == [
        "• 7 authors",
        "·",
        "Nov 20, 2015",
    ]
    lines[title_at + 5 : title_at + 5] = ["GitHub 11.3k", "Upvote", "Spaces", "Lumiere"]
    got = papers(parse("\n".join(lines)))
    assert [p.title for p in got] == [p.title for p in papers(parse(page002))]
    noise = next(p for p in got if p.title == GRADIENT_NOISE)
    assert (noise.upvotes, noise.author_count) == (0, 7)
    # One word with its abstract is a title ("Lumiere" is a real one).
    (one,) = papers(parse("Daily Papers\nLumiere\n" + lines[title_at + 1] + "\n"))
    assert one.title == "Lumiere"


def test_a_paper_link_after_a_title_ending_in_a_full_stop_makes_it_the_title(page000):
    lines = no_blanks(page000).splitlines()
    title, abstract = "Attention is not all you need.", lines[6]
    page = [*lines[:5], title, "https://arxiv.org/abs/2103.03404v2", abstract]
    (paper,) = papers(parse("\n".join(page)))
    assert (paper.id, paper.title, paper.abstract) == ("2103.03404", title, abstract)
