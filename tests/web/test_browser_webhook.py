"""A lens's webhook, end to end: made in Debian's Chromium on `paperscope
serve`, posted by `paperscope lenses deliver` to a receiver on 127.0.0.1,
and checked there with the secret the lens's page shows."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from paperscope.library import Library
from paperscope.models import new_paper
from paperscope.webhooks import verify
from tests.test_webhooks import Receiver
from tests.web.browser_support import needs_chromium, serving, shoot

pytestmark = needs_chromium


@pytest.fixture
def receiver():
    made = Receiver()
    made.thread.start()
    yield made
    made.server.shutdown()
    made.server.server_close()


@pytest.fixture
def site(tmp_path):
    today = datetime.now(UTC).date().isoformat()
    db = tmp_path / "library.db"
    with Library(db) as lib:
        with lib.store.transaction():
            lib.store.save_papers([
                new_paper(title="Graph networks for molecules", published=today,
                          categories=["cs.LG"], source="arxiv-oai"),
                new_paper(title="Protein folding with attention", published=today,
                          categories=["q-bio.BM"], source="arxiv-oai"),
            ])  # fmt: skip
        lib.sync_index()
    env = {"PAPERSCOPE_WEBHOOKS_ALLOW_PRIVATE": "1"}  # the receiver is on 127.0.0.1
    with serving(db, env) as url:
        yield url, db, env


def test_a_webhook_made_in_the_browser_is_received_signed(site, page, receiver):
    url, db, env = site
    page.goto(url + "/signup")
    page.fill("input[name=email]", "ada@example.org")
    page.fill("input[name=name]", "ada")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")

    page.goto(url + "/lenses")
    page.fill("form.lens-form input[name=name]", "Graphs")
    page.fill("form.lens-form input[name=q]", "graph networks")
    page.fill("form.lens-form input[name=webhook_url]", receiver.url)
    page.click("form.lens-form button:has-text('Save the lens')")
    page.wait_for_url(url + "/lenses/*")
    secret = page.locator("input[aria-label='Webhook secret']").input_value()
    shoot(page, "webhook-1-lens")

    run = [sys.executable, "-m", "paperscope", "lenses", "deliver", "--db", str(db),
           "--base-url", url]  # fmt: skip
    done = subprocess.run(run, capture_output=True, text=True, env={**os.environ, **env},
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "delivered" in done.stdout
    ((path, headers, body),) = receiver.posts
    assert path == "/hook?k=1"
    assert verify(secret, headers["X-Paperscope-Timestamp"], body,
                  headers["X-Paperscope-Signature"], now=datetime.now(UTC))  # fmt: skip
    assert not verify(secret[::-1], headers["X-Paperscope-Timestamp"], body,
                      headers["X-Paperscope-Signature"])  # fmt: skip
    sent = orjson.loads(body)
    assert sent["lens"]["name"] == "Graphs"
    assert [m["title"] for m in sent["matches"]] == ["Graph networks for molecules"]
    again = subprocess.run(run, capture_output=True, text=True, env={**os.environ, **env},
                           timeout=120)  # fmt: skip
    assert again.returncode == 0 and len(receiver.posts) == 1  # each match once
    assert timedelta(0) <= datetime.now(UTC) - datetime.fromtimestamp(
        int(headers["X-Paperscope-Timestamp"]), UTC) < timedelta(minutes=5)  # fmt: skip
