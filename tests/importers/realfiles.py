"""The real files in ../shared/data/real-formats, and what a sane import of them looks like.

Shared by test_real_files.py (every file through the real import path),
test_fuzz.py (the same files, mutated) and test_memory_bombs.py (samples to
blow up). The files are read where they are, never copied into the repository.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from tests.conftest import SHARED

REAL = SHARED / "data" / "real-formats"


def real_files() -> list[Path]:
    """Every sample file, all folders, in a fixed (sorted) order; README.md is not one."""
    if not REAL.is_dir():
        return []
    return sorted(p for p in REAL.rglob("*") if p.is_file() and p.name != "README.md")


def rel(path: Path) -> str:
    """A file's name relative to the real-formats folder (test ids, messages)."""
    return path.relative_to(REAL).as_posix()


# Titles that look like junk but are what the paper is really called. Each one
# is checked against its file, so the exception cannot hide a parser bug.
REAL_ODD_TITLES = {
    # arXiv:2104.12255, Nguyen, "0": crypto bugs in BLS libraries that revolve around zero.
    ("atom/id_2104.12255v1_s0_m100_6ae69987ffe1.xml", "0"): b"<title>0</title>",
}

_URL = re.compile(r"(?:(?:https?|ftp)://|www\.|doi:\s*)\S*", re.IGNORECASE)
_MARKUP = re.compile(
    r"#{1,6}\s"  # a Markdown heading
    r"|[-*+]\s"  # a Markdown list item
    r"|\[[^\]]*\]\(\S*\)$"  # a whole Markdown link
    r"|\[LINK:"  # a web-capture tool's link
)
_AUTHOR_COUNT = re.compile(r"[-*]?\s*\d[\d,.]*k?\s+authors?", re.IGNORECASE)


def title_junk(title: object) -> str | None:
    """Why a stored title is junk (None when it is a plausible title).

    Junk: not a string; nothing left once punctuation and spaces go; a bare URL;
    a bare number; leftover page markup (a Markdown heading, list item or link,
    "8 authors"), which is what a reader that mistakes lines for records stores.
    """
    if not isinstance(title, str):
        return f"the title is a {type(title).__name__}, not text"
    text = title.strip()
    kept = [c for c in text if unicodedata.category(c)[0] in "LN"]
    if not kept:
        return "nothing but punctuation and spaces"
    if _URL.fullmatch(text):
        return "a bare URL"
    if not any(unicodedata.category(c)[0] == "L" for c in text):
        return "a bare number (no letter in it)"
    if _MARKUP.match(text):
        return "leftover page markup"
    if _AUTHOR_COUNT.fullmatch(text):
        return "an author count, not a title"
    return None


def junk_titles(path: Path, titles: list[str]) -> list[str]:
    """The junk titles among those imported from ``path``, each with the reason."""
    found = []
    data: bytes | None = None
    for title in titles:
        why = title_junk(title)
        if why is None:
            continue
        proof = REAL_ODD_TITLES.get((rel(path), title)) if path.is_relative_to(REAL) else None
        if proof is not None:
            data = path.read_bytes() if data is None else data
            if proof in data:
                continue
        found.append(f"{title[:80]!r}: {why}")
    return found


_PYTHON_LEAK = re.compile(
    r"Traceback \(most recent call last\)"
    r"| object at 0x[0-9a-f]+"
    r"|^[A-Z][A-Za-z]*(?:Error|Exception)\b"  # "KeyError: 'x'": an exception's repr, not a message
    r"|^[A-Z][A-Za-z]*(?:Error|Exception)\("
    r"|\b[A-Z][A-Za-z]+\(\w+=",  # "EntitiesForbidden(name='x', system_id=None)": a repr
)


def message_junk(message: object) -> str | None:
    """Why an error message is not a clear one (None when it reads as a message)."""
    if not isinstance(message, str):
        return f"the message is a {type(message).__name__}, not text"
    text = message.strip()
    if not text:
        return "the message is empty"
    if len(text) < 8:
        return f"the message {text!r} is too short to say what was wrong"
    if _PYTHON_LEAK.search(text):
        return f"the message is Python's, not ours: {text[:120]!r}"
    return None
