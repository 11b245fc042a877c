"""The account as a home in Debian's Chromium: comment with a formula, reply,
edit, see it all on the account page, then delete the account and find the
comment still there as by "deleted account" (issue 15, part 3)."""

from __future__ import annotations

import pytest

from paperscope.library import Library
from paperscope.models import new_paper
from tests.web.browser_support import needs_chromium, serving, shoot

pytestmark = needs_chromium
PASSWORD = "correct horse battery"


@pytest.fixture
def site(tmp_path):
    db = tmp_path / "library.db"
    with Library(db) as lib, lib.store.transaction():
        lib.store.save_papers([new_paper(title="Sorting in $O(n \\log n)$", source="hf-page",
                                         abstract="We sort.", feed_date="2026-11-20")])  # fmt: skip
    with serving(db) as url:
        yield url


def sign_up(page, url: str, email: str, name: str) -> None:
    page.goto(url + "/signup")
    page.fill("input[name=email]", email)
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")


def test_comment_reply_edit_and_delete_the_account(site, page, browser):
    url = site
    sign_up(page, url, "ada@example.org", "ada")
    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_up(other, url, "bob@example.org", "bob")

    other.goto(url + "/")
    other.locator("[data-card] .title a").first.click()
    paper = other.url
    other.fill("#comment-body", "Why is it $n \\log n$? <b>not bold</b>")
    other.click("form.comment-form:has(#comment-body) button")
    other.locator("article.comment .text .katex").first.wait_for()  # KaTeX drew the formula
    assert "<b>not bold</b>" in other.locator("article.comment .text").first.inner_text()

    page.goto(paper)
    page.locator("article.comment details.comment-reply summary").first.click()
    page.locator("article.comment details.comment-reply textarea").first.fill("Because $\\log$.")
    page.locator("article.comment details.comment-reply button").first.click()
    reply = page.locator("article.comment .replies article.comment.reply")
    reply.wait_for()
    reply.locator(".katex").wait_for()
    reply.locator("details.comment-edit summary").click()
    reply.locator("details.comment-edit textarea").fill("Because of $\\log n$ levels.")
    reply.locator("details.comment-edit button").click()
    page.locator("article.comment.reply .edited").wait_for()
    shoot(page, "account-1-thread")

    other.goto(url + "/account")
    assert other.locator("#comments li").count() == 1
    shoot(other, "account-2-home")
    asked: list[str] = []
    other.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    other.fill("form[action='/account/delete'] input[name=password]", PASSWORD)
    other.click("form[action='/account/delete'] button")
    other.get_by_text("Your account is deleted").wait_for()
    assert asked == ["Delete your account for good? This cannot be undone."]
    other.context.close()

    page.goto(paper)
    top = page.locator("article.comment").first
    assert "deleted account" in top.locator(".meta").first.inner_text()
    assert "Because of" in top.locator(".replies").inner_text()
    shoot(page, "account-3-deleted")
