"""A library for the web tests: the seed pages, the arXiv sample, and a few
papers written here for what the shared data lacks (today's papers, votes for
trending, LaTeX, hostile text), served by the real app at a fixed time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paperscope.config import Settings
from paperscope.library import Library
from paperscope.models import new_paper
from paperscope.web.app import create_app
from tests.conftest import ARXIV_SAMPLE, BACKENDS, SEEDS

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # the day after the newer seed page
TODAY = "2026-03-18"

HOSTILE = [
    "<script>alert('title')</script>",
    '"><img src=x onerror="alert(1)">',
    "<svg onload=alert(2)>",
    "javascript:alert(3)",
    '<a href="javascript:alert(4)">click</a>',
    "$\\frac{1}{$ broken \\href{javascript:alert(5)}{x} $",
    "</textarea><iframe src=//evil.example>",
]


def crafted() -> list:
    """Papers the seed data does not have, each for a test's purpose."""
    papers = [
        new_paper(
            title=r"Sorting in $O(n \log n)$ time with $\alpha$-stable comparisons",
            abstract=r"We sort $n$ keys in $O(n \log n)$ expected time. Networks of comparators "
            r"and networking hardware are discussed; the bound $\sum_{i=1}^n i = n(n+1)/2$ holds.",
            authors=["Ada Lovelace", "Alan Turing"],
            feed_date=TODAY,
            upvotes=12,
            submitted_by="ada",
            categories=["cs.DS"],
            source="hf-page",
        ),
        new_paper(
            title="Old favourite with many votes",
            abstract="A paper from two days ago that many people upvoted.",
            authors=["Grace Hopper"],
            feed_date="2026-03-16",
            upvotes=60,
            source="hf-page",
        ),
        new_paper(
            title="Fresh paper with a few votes",
            abstract="Entered the feed today with a handful of votes.",
            authors=["Grace Hopper", "Ada Lovelace"],
            feed_date=TODAY,
            upvotes=9,
            source="hf-page",
        ),
        new_paper(
            title="A paper by an author with a slash in the name",
            abstract="Names come from imported files and may hold any character.",
            authors=["AC/DC Collaboration"],
            feed_date=TODAY,
            upvotes=1,
            source="hf-page",
        ),
    ]
    for i, payload in enumerate(HOSTILE):
        papers.append(
            new_paper(
                title=f"Hostile title {i} {payload}",
                abstract=f"Hostile abstract {i}: {payload} and more {payload}",
                authors=[f"Eve {i} {payload}"],
                feed_date=TODAY,
                upvotes=0,
                links={"code": payload, "project": "javascript:alert(6)"},
                source="bibtex",
            )
        )
    return papers


def fill(path: str | Path) -> None:
    """The web tests' library: seed pages, arXiv sample and crafted papers."""
    files = [*SEEDS, ARXIV_SAMPLE]
    missing = [str(f) for f in files if not Path(f).is_file()]
    assert len(SEEDS) == 2 and not missing, f"the shared data is missing: {missing or SEEDS}"
    with Library(path) as lib:
        for file in files:
            report = lib.import_file(file)
            # A page test on less data than it thinks would pass for the wrong reason.
            assert report.ok and report.added, (file, report.error, report.problems[:3])
        with lib.store.transaction():
            lib.store.save_papers(crafted())
        lib.sync_index()


@pytest.fixture(scope="session", params=BACKENDS)
def web_db(request, tmp_path_factory) -> str:
    """The web tests' library, on SQLite and on PostgreSQL: every page test
    runs on both backends."""
    if request.param == "sqlite":
        path = str(tmp_path_factory.mktemp("web") / "library.db")
    else:
        path = request.getfixturevalue("pg_server").new_database()
    fill(path)
    return path


@pytest.fixture(scope="session")
def sqlite_web_db(tmp_path_factory) -> Path:
    """The same library on SQLite only, for the browser tests (slow to run twice)."""
    path = tmp_path_factory.mktemp("web") / "library.db"
    fill(path)
    return path


@pytest.fixture
def open_client():
    """``open_client(database, **settings)``: a TestClient on a fresh app over
    ``database``, at the fixed time NOW, with cheap argon2 costs; all are
    closed when the test ends. arXiv is never asked for real: unless a test
    says otherwise, the harvester's address is a local port nothing listens on."""
    from tests.test_accounts import FAST

    opened: list[TestClient] = []

    def open_(database: str | Path, **settings) -> TestClient:
        settings.setdefault("harvest_url", "http://127.0.0.1:9/oai")
        app = create_app(Settings(database=str(database), **settings), clock=lambda: NOW,
                         hasher=FAST)  # fmt: skip
        client = TestClient(app, base_url="http://paperscope.test")
        client.__enter__()
        opened.append(client)
        return client

    yield open_
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture(scope="session")
def client(web_db: Path):
    app = create_app(Settings(database=str(web_db)), clock=lambda: NOW)
    with TestClient(app, base_url="http://paperscope.test") as c:
        yield c


# -- the browser (tests/web/browser_support.py has the rest) -------------------


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.web.browser_support import CHROMIUM

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []

    def answer(dialog) -> None:  # confirmations a test expects are accepted, all else refused
        dialogs.append(dialog.message)
        if dialog.message in page.expected_dialogs:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # Anything the Content-Security-Policy refused (an inline script or style,
    # an eval) is reported on the console: the pages must need none of it.
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text
            else None)  # fmt: skip
    page.expected_dialogs = []  # a test that clicks a confirmation lists its questions here
    yield page
    context.close()
    unexpected = [d for d in dialogs if d not in page.expected_dialogs]
    assert not unexpected, f"a script ran: {unexpected}"  # hostile payloads never execute
    assert not errors, errors
    assert not refused, refused
