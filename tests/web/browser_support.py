"""Support for the browser tests: Debian's Chromium, `paperscope serve` on a
free port of 127.0.0.1, and screenshots kept as test artifacts."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts" / "browser"

# Mark for browser test modules: skipped where Chromium is missing, except in
# CI, where a missing browser must fail loudly.
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (make browser installs it)",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db: Path, env: dict[str, str] | None = None):
    """`paperscope serve` on a free port of 127.0.0.1 over ``db``; yields its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "paperscope", "serve", "--port", str(port), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url, proc)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()


def wait_until_up(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    """Wait for `paperscope serve` (``proc``) to answer at ``url``; fail with its output."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url + "/about", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            output = proc.stdout.read().decode()[-2000:] if proc.stdout else ""
            raise RuntimeError(f"server did not start: {output}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def server(sqlite_web_db):
    with serving(sqlite_web_db) as url:
        yield url


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-desktop.png"), full_page=False)
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=False)
    page.set_viewport_size(size)


# Every visible piece of text on the page whose contrast with what is behind it
# is under WCAG AA: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).
# The background is the nearest ancestor's that is not transparent,
# composited over the ones behind it.
LOW_CONTRAST_JS = """
() => {
  function rgba(text) {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function over(top, bottom) {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (!a) return [0, 0, 0, 0];
    const mix = i => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  }
  function background(el) {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let colour = [255, 255, 255, 1];  // the canvas, if nothing paints
    for (let i = layers.length - 1; i >= 0; i--) colour = over(layers[i], colour);
    return colour;
  }
  function luminance(c) {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  }
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest(".sr, [hidden], script, style, .skip:not(:focus)")) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility !== "visible" || style.display === "none" || !box.width || !box.height) continue;
    if (Number(style.opacity) === 0) continue;
    const bg = background(el);
    const fg = over(rgba(style.color), bg);
    const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) found.push(`${ratio.toFixed(2)}:1 "${text.slice(0, 40)}" <${el.tagName.toLowerCase()} class="${el.className}"> ${style.color} on rgb(${bg.slice(0, 3).map(Math.round)})`);
  }
  return found;
}
"""


def low_contrast(page) -> list[str]:
    """What :data:`LOW_CONTRAST_JS` finds on the page as it is now."""
    return page.evaluate(LOW_CONTRAST_JS)
