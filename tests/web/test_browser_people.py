"""A person's path through the site in Debian's Chromium: sign up, upvote a
paper, save it, subscribe to the daily digest, and find the digest in the
inbox of a real SMTP server after `paperscope digest send` runs."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from paperscope.library import Library
from paperscope.models import new_paper
from tests.web.browser_support import needs_chromium, serving, shoot

pytestmark = needs_chromium


@pytest.fixture
def site(tmp_path, smtp):
    """A library whose feed had papers yesterday (what a daily digest covers),
    served with mail going to the test SMTP server."""
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    db = tmp_path / "library.db"
    with Library(db) as lib, lib.store.transaction():
        lib.store.save_papers(
            [
                new_paper(
                    title=f"Yesterday's paper number {i} on sparse attention",
                    abstract="A paper about attention that is sparse, for the digest test.",
                    authors=["Ada Lovelace"],
                    feed_date=yesterday,
                    upvotes=10 - i,
                    source="hf-page",
                )
                for i in range(3)
            ]
        )
    env = {
        "PAPERSCOPE_SMTP_HOST": smtp.host,
        "PAPERSCOPE_SMTP_PORT": str(smtp.port),
        "PAPERSCOPE_SMTP_SECURITY": "none",
    }
    with serving(db, env) as url:
        yield url, db, env, yesterday


def test_sign_up_upvote_save_subscribe_and_receive_the_digest(site, page, smtp):
    url, db, env, yesterday = site
    page.goto(url + "/signup")
    page.fill("input[name=email]", "ada@example.org")
    page.fill("input[name=name]", "ada")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    assert page.locator("nav.account").inner_text().count("ada") == 1

    page.goto(f"{url}/papers/date/{yesterday}")
    vote = page.locator("[data-card] form.votes button").first
    assert vote.get_attribute("aria-pressed") == "false" and vote.locator("b").inner_text() == "10"
    vote.click()
    pressed = page.locator('[data-card] form.votes button[aria-pressed="true"]')
    pressed.wait_for()  # swapped in place by htmx, no page load
    assert pressed.locator("b").inner_text() == "11"
    shoot(page, "7-voted")

    page.locator("[data-card] .title a").first.click()
    page.fill("section.save input[name=name]", "To read")
    page.click("section.save .save-new button")
    page.get_by_text("Saved to").wait_for()
    shoot(page, "8-saved")

    page.goto(url + "/digests")
    page.check("input[name=period][value=daily]")
    page.click("form:has(input[name=action][value=save]) button[type=submit]")
    page.get_by_text("You get the daily digest").wait_for()
    shoot(page, "9-subscribed")

    sent = subprocess.run(
        [sys.executable, "-m", "paperscope", "digest", "send", "--period", "daily",
         "--base-url", url, "--db", str(db)],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    mails = [m for rcpt, m in smtp.messages if rcpt == ["ada@example.org"]]
    assert len(mails) == 1
    text = mails[0].get_body(("plain",)).get_content()
    assert "Yesterday's paper number 0 on sparse attention" in text
    assert mails[0]["List-Unsubscribe"]
