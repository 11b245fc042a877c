"""The page importer on the real Hugging Face files in ../shared, as other tools save them.

- data/real-formats/hf/trending-page-saved-as-markdown.txt: the "Trending
  Papers" page as a web-capture tool writes Markdown (``### title``, wrapped
  titles and summaries, ``- 8 authors``, ``[LINK: GitHub 11.3k](...)``, every
  card twice where the capture kept both of the page's layouts);
- seeds/*.txt: "Daily Papers" pages a browser saved as text. A browser that
  keeps links writes each address on its own line; that save is made here from
  the seed text at run time (each title's paper page on the line after it, the
  banner's links, the submitters' profile links), with arXiv ids made up here
  since the seeds carry none. No abstract is copied into the repository.

What is expected of the Markdown file is worked out from the file itself, by a
reading much simpler than the importer's (split at headings), so the test
follows the file rather than a copy of it.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest

from paperscope.importers import detect, hf_page
from paperscope.importers.base import HEAD_BYTES, FormatError, Item
from paperscope.library import Library
from paperscope.models import MAX_AUTHORS
from tests.conftest import SEEDS, SHARED

MARKDOWN = SHARED / "data" / "real-formats" / "hf" / "trending-page-saved-as-markdown.txt"
TODAY = date(2025, 12, 31)
LINK = re.compile(r"^\[LINK: GitHub [\d.]+k?\]\((https://github\.com/[^)]+)\)$")


@pytest.fixture(scope="module")
def markdown() -> str:
    if not MARKDOWN.is_file():
        pytest.fail(f"the real Markdown page is missing: expected it at {MARKDOWN}")
    return MARKDOWN.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page002() -> str:
    (path,) = [p for p in SEEDS if p.name.startswith("002")]
    return path.read_text(encoding="utf-8")


def parse(text: str, today: date = TODAY) -> list[Item]:
    return list(hf_page.parse(io.BytesIO(text.encode("utf-8")), today=today))


def papers(items: list[Item]):
    assert [(i.line, i.error) for i in items if i.error] == []
    return [i.paper for i in items]


def cards(text: str) -> list[dict]:
    """The cards of the Markdown page, read plainly: a ``###`` heading (and its
    indented continuation), the paragraph under it, "- N authors", the link."""
    found = []
    for block in re.split(r"(?m)^### ", text)[1:]:
        lines = block.rstrip("\n").split("\n")
        title = [lines.pop(0).strip()]
        while lines and lines[0].startswith("  ") and lines[0].strip():
            title.append(lines.pop(0).strip())
        body = [s for s in lines if s.strip()]
        authors = [int(m[1]) for s in body if (m := re.fullmatch(r"- (\d+) authors?", s))]
        github = [m[1] for s in body if (m := LINK.match(s))]
        summary = [s for s in body if not s.startswith(("- ", "[LINK:", "-----"))]
        found.append(
            {
                "title": " ".join(title),
                "abstract": " ".join(summary),
                "authors": authors[0] if authors else None,
                "github": github[0] if github else None,
            }
        )
    return found


def junk(title: str) -> bool:
    """What a reader that takes lines for records stores as titles."""
    return bool(
        re.match(r"#|[-*+] |\[|https?://|www\.", title)
        or re.fullmatch(r"[\d\s.,k]*|[-•·]?\s*\d+ authors?|daily|papers|ak|by", title, re.I)
    )


# -- finding 1: the Markdown save ---------------------------------------------------


def test_markdown_page_gives_its_papers_with_summaries_counts_and_code(markdown):
    expected = cards(markdown)
    assert len(expected) == 8  # eight cards, the first one twice
    assert expected[0] == expected[1]
    unique = [c for i, c in enumerate(expected) if i == 0 or c != expected[i - 1]]
    items = parse(markdown)
    found = papers(items)
    assert [p.title for p in found] == [c["title"] for c in unique]
    assert len(found) == 7
    for paper, card in zip(found, unique, strict=True):
        assert paper.abstract == card["abstract"]  # unwrapped: one line, every word kept
        assert paper.author_count == card["authors"]
        assert paper.links == ({"github": card["github"]} if card["github"] else {})
        assert paper.upvotes == 0  # "GitHub 11.3k" is a star count, not upvotes
        assert paper.sources == ["hf-page"]
        assert not junk(paper.title)
    lines = markdown.splitlines()
    assert [lines[i.line - 1] for i in items] == [f"### {p.title}"[: len(lines[i.line - 1])]
                                                  for i, p in zip(items, found, strict=True)]  # fmt: skip
    # The wrapped title and the summary wrapped over fifteen lines, ending in an address.
    smol = next(p for p in found if p.title.startswith("SmolDocling"))
    assert smol.title.endswith("for end-to-end multi-modal document conversion")
    calm = next(p for p in found if p.title == "Continuous Audio Language Models")
    assert calm.abstract.startswith("Audio Language Models (ALM) have emerged")
    assert calm.abstract.endswith(
        "Samples are available at https://continuous-audio-language-models.github.io"
    )
    assert (calm.author_count, calm.links["github"]) == (
        5,
        "https://github.com/kyutai-labs/pocket-tts",
    )
    shaper = next(p for p in found if p.title.startswith("ShapeR"))
    assert shaper.author_count is None  # its card shows no count


def test_markdown_page_imports_through_the_library(markdown, tmp_path):
    assert detect(MARKDOWN.read_bytes()[:HEAD_BYTES]).NAME == "hf-page"
    with Library(tmp_path / "lib.db") as lib:
        report = lib.import_file(MARKDOWN)
        assert (report.format, report.error, report.failed, report.added) == ("hf-page", None, 0, 7)
        stored = sorted(lib.store.iter_papers(), key=lambda p: p.title)
    assert [p.title for p in stored] == sorted({c["title"] for c in cards(markdown)})
    assert all(p.links["github"].startswith("https://github.com/") for p in stored)


def test_markdown_headings_that_link_to_the_paper_page_give_arxiv_ids(markdown):
    ids: dict[str, str] = {}  # one paper page per heading; the card shown twice links one

    def linked(m: re.Match) -> str:
        arxiv = ids.setdefault(m[1], f"2501.{len(ids) + 1:05d}")
        return f"### [{m[1]}](https://huggingface.co/papers/{arxiv})"

    text = re.sub(r"(?m)^### (.+)$", linked, markdown)
    assert text.count("](https://huggingface.co/papers/2501.00001)") == 2
    found = papers(parse(text))
    assert [p.title for p in found] == [p.title for p in papers(parse(markdown))]
    assert [p.id for p in found] == [f"2501.{i:05d}" for i in range(1, 8)]
    assert found[0].links["abs"] == "https://arxiv.org/abs/2501.00001"


# -- finding 2: a browser's save with links --------------------------------------------


def with_links(page: str) -> tuple[str, list[dict]]:
    """Seed page 002 as a browser that keeps links saves it: the banner split
    over lines with its links, each card's submitter (name, profile link,
    upvotes) above the title, the paper page on the line after the title, and
    the site's footer. Returns the text and what each card says."""
    lines = [s.strip() for s in page.splitlines() if s.strip()]
    start = lines.index("Dec 10") + 1
    out = ["Hugging Face", "https://huggingface.co/", "Models", "https://huggingface.co/models",
           "new", "Get trending papers in your email inbox!", "Subscribe",
           "Daily", "Papers", "https://huggingface.co/papers", "by", "AK",
           "https://huggingface.co/akhaliq", "and the research community", "Dec 10"]  # fmt: skip
    expected = []
    i = start
    while i < len(lines):
        title, abstract = lines[i], lines[i + 1]
        n = len(expected)
        arxiv = f"2512.{n + 1:05d}"
        out += ["Submitted by", "AK", "https://huggingface.co/akhaliq", str(10 + n), title,
                f"https://huggingface.co/papers/{arxiv}", abstract]  # fmt: skip
        i += 2
        authors = None
        while i < len(lines) and (
            m := re.fullmatch(r"(?:• (\d+) authors?|·|(\w{3} \d+(?:, \d{4})?)(?: \d+)?)", lines[i])
        ):
            authors = int(m[1]) if m[1] else authors
            out.append(m[2] or lines[i])  # a date's upvotes are shown above the title here
            i += 1
        expected.append({"id": arxiv, "title": title, "abstract": abstract, "upvotes": 10 + n,
                         "authors": authors})  # fmt: skip
    out += ["System theme", "Company", "TOS Privacy About Careers Website",
            "Models Datasets Spaces Pricing Docs"]  # fmt: skip
    return "\n".join(out) + "\n", expected


def test_a_save_with_links_gives_ids_titles_counts_upvotes_and_abstracts(page002):
    text, expected = with_links(page002)
    assert len(expected) == 46
    found = papers(parse(text))
    got = [{"id": p.id, "title": p.title, "abstract": p.abstract, "upvotes": p.upvotes,
            "authors": p.author_count} for p in found]  # fmt: skip
    assert got == expected
    assert {p.submitted_by for p in found} == {"AK"}
    assert {p.feed_date for p in found} == {"2025-12-10"}
    plain = papers(parse(page002))
    assert [p.published for p in found] == [p.published for p in plain]
    assert not [p.title for p in found if junk(p.title)]


@pytest.mark.parametrize(
    "style",
    [
        lambda t, url: [f"{t} <{url}>"],  # the address after the link text, in brackets
        lambda t, url: [f"[{t}]({url})"],  # a Markdown link on a line of its own
        lambda t, url: [url, t],  # a thumbnail's link above the title, none below
        lambda t, url: [t, f"<{url}>", url],  # below, twice
    ],
    ids=["angle", "markdown-link", "link-above", "twice-below"],
)
def test_other_ways_of_writing_the_paper_link(style, page002):
    lines = [s.strip() for s in page002.splitlines() if s.strip()]
    start = lines.index("Dec 10") + 1
    out, n = lines[:start], 0
    titles = set(lines[start::1]) & {p.title for p in papers(parse(page002))}
    for line in lines[start:]:
        if line in titles:
            n += 1
            out += style(line, f"https://huggingface.co/papers/2512.{n:05d}")
        else:
            out.append(line)
    found = papers(parse("\n".join(out)))
    assert [(p.id, p.title) for p in found] == [
        (f"2512.{i:05d}", p.title) for i, p in enumerate(papers(parse(page002)), 1)
    ]


# -- finding 3: no junk, ever; a page that is not one says so ----------------------------


def test_the_markdown_page_without_its_papers_is_refused(markdown):
    # What is left once the headings go: a page of furniture, counts and links.
    bare = "\n".join(s for s in markdown.splitlines() if not s.startswith("### "))
    with pytest.raises(FormatError, match="no papers found"):
        parse(bare)
    furniture = "\n".join(
        s
        for s in markdown.splitlines()
        if s.startswith(("- ", "[LINK:", "#", "Get ", "*", "-")) and not s.startswith("###")
    )
    assert "- 8 authors" in furniture and "[LINK: GitHub 11.3k]" in furniture
    with pytest.raises(FormatError, match="no papers found"):
        parse(furniture)


def test_page_furniture_with_links_is_refused():
    page = "\n".join(["Daily", "Papers", "https://huggingface.co/papers", "by", "AK",
                      "https://huggingface.co/akhaliq", "and the research community", "12",
                      "- 8 authors", "[LINK: GitHub 11.3k](https://github.com/microsoft/x)",
                      "System theme", "TOS Privacy About Careers Website"])  # fmt: skip
    with pytest.raises(FormatError, match="no papers found"):
        parse(page)


# -- finding 4: counts beyond belief --------------------------------------------------


@pytest.mark.parametrize("digits", ["99999999999999999999", "9" * 5000, str(MAX_AUTHORS + 1)])
def test_an_absurd_author_count_is_one_bad_record(digits, page002, tmp_path):
    text = page002.replace("  • 3 authors", f"  • {digits} authors", 1)
    assert text != page002
    items = parse(text)
    bad = [i for i in items if i.error]
    assert len(bad) == 1 and len(items) == 46
    (item,) = bad
    title_line = page002.splitlines()[item.line - 1]
    assert title_line.startswith("Event-based Temporally Dense")  # the paper the count is under
    assert item.error.endswith(f" authors: more than the {MAX_AUTHORS:,} a paper can have")
    assert item.error.startswith(digits[:30]) and len(item.error) < 200
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    with Library(tmp_path / "lib.db") as lib:
        report = lib.import_file(path)
    assert (report.added, report.failed, report.error) == (45, 1, None)


def test_absurd_upvotes_on_the_markdown_page_are_one_bad_record(markdown):
    text = markdown.replace("- 28 authors\n", "- 28 authors\n99999999999999999999\n", 1)
    items = parse(text)
    (bad,) = [i for i in items if i.error]
    assert "99999999999999999999 upvotes: more than the 10,000,000 a paper can have" in bad.error
    assert markdown.splitlines()[bad.line - 1].startswith("### HeartMuLa")
    assert len([i for i in items if i.paper]) == 6


# -- finding 6: a title of punctuation only --------------------------------------------


def test_a_punctuation_only_title_is_an_error_that_reads_well(markdown):
    text = markdown.replace("### MemOS: A Memory OS for AI System", "### ?!", 1)
    items = parse(text)
    (bad,) = [i for i in items if i.error]
    assert bad.error == "the title '?!' has no letters or digits"  # CLI: FILE:LINE: message
    assert len([i for i in items if i.paper]) == 6


def test_seed_pages_still_read_as_before():
    """The plain saves: 67 and 46 papers, none of them junk (test_hf_page.py has the rest)."""
    for path, count in zip(SEEDS, (67, 46), strict=True):
        with Path(path).open("rb") as stream:
            found = papers(list(hf_page.parse(stream, today=TODAY)))
        assert len(found) == count
        assert not [p.title for p in found if junk(p.title)]
