"""Text helpers every view shares: the web pages, the feeds and the email digests.

Titles and abstracts come from imported files and from users, so everything
here must take any text, of any length, in time proportional to its length:
no regular expression that can backtrack over the whole text per character
(``\\(`` fifty thousand times once took a page 49 seconds through such a
pattern). Math is found by :func:`math_spans`, a single left-to-right scan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

EXCERPT_CHARS = 300
# Delimiters of math as papers write it and KaTeX renders it: (opener, closer, display).
MATH_DELIMITERS = (
    ("$$", "$$", True),
    ("$", "$", False),
    ("\\(", "\\)", False),
    ("\\[", "\\]", True),
)
# The next place where math may open: one search per candidate, never a backtrack.
_OPENER = re.compile(r"\$|\\[(\[]")


def math_spans(text: str) -> list[tuple[int, int, bool]]:
    """Where the formulas of ``text`` are: ``(start, end, display)`` slices,
    delimiters included, left to right, never overlapping.

    The rules are those of KaTeX's auto-render, which the site once used:
    the first opener wins, ``$$`` before ``$``; a formula holds at least one
    character; ``$...$`` holds no ``$``. It runs in linear time: when no
    closer of some kind is left after a point, no later opener of that kind
    can close either, so each kind gives up at most once.
    """
    spans: list[tuple[int, int, bool]] = []
    dead: set[str] = set()  # openers with no closer anywhere after the current point
    pos, n = 0, len(text)
    while pos < n and len(dead) < len(MATH_DELIMITERS):
        found = _OPENER.search(text, pos)
        if found is None:
            break
        start = found.start()
        end = None
        for opener, closer, display in MATH_DELIMITERS:
            if opener in dead or not text.startswith(opener, start):
                continue
            body = start + len(opener)
            close = text.find(closer, body + 1 if opener != "$" else body)
            if close < 0:
                dead.add(opener)
                continue
            if opener == "$" and close == body:  # "$$" that did not close as display math
                continue
            end = close + len(closer)
            spans.append((start, end, display))
            break
        pos = end if end is not None else start + 1
    return spans


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` cut at a word boundary near ``limit`` characters, with an ellipsis,
    never inside a formula (a half formula renders as an error)."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    cut = cut if cut > limit // 2 else limit
    for start, end, _ in math_spans(text):
        if start < cut < end:
            cut = start
            break
        if start >= cut:
            break
    return text[:cut].rstrip(" ,;:") + " …"


class Authored(Protocol):
    """What the author lines read of a paper: a Paper, or the facts a card shows."""

    @property
    def authors(self) -> Sequence[str]: ...

    @property
    def author_count(self) -> int | None: ...


def authors_line(paper: Authored, limit: int = 4) -> str:
    """ "A, B, C and 5 others", or "4 authors" when only the count is known."""
    names = paper.authors
    if not names:
        n = paper.author_count or 0
        return f"{n} author{'s' if n != 1 else ''}" if n else ""
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + " " + more_authors(paper, limit)


def more_authors(paper: Authored, shown: int) -> str:
    """ "and 1 other" / "and 5 others": the authors not shown, or "" when none."""
    rest = max(paper.author_count or 0, len(paper.authors)) - shown
    if rest <= 0:
        return ""
    return f"and {rest:,} other{'s' if rest != 1 else ''}"


# LaTeX commands shown as the character they stand for, where only plain text
# can go (a browser tab's title, an email subject): \alpha becomes α.
_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "ell": "ℓ",
    "infty": "∞", "times": "×", "cdot": "·", "cdots": "⋯", "ldots": "…", "dots": "…",
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈",
    "sim": "∼", "pm": "±", "to": "→", "rightarrow": "→", "leftarrow": "←", "in": "∈",
    "sum": "∑", "prod": "∏", "int": "∫", "partial": "∂", "nabla": "∇", "sqrt": "√",
    "log": "log", "ln": "ln", "exp": "exp", "sin": "sin", "cos": "cos", "max": "max",
    "min": "min", "lim": "lim", "mathbb": "", "mathcal": "", "mathrm": "", "mathbf": "",
    "text": "", "textrm": "", "textbf": "", "emph": "", "left": "", "right": "",
}  # fmt: skip
_COMMAND = re.compile(r"\\([A-Za-z]+)|\\(.)")


def plain_math(text: str) -> str:
    """``text`` with each formula written as plain characters: delimiters and
    braces dropped, common commands as symbols (``$O(n \\log n)$`` becomes
    ``O(n log n)``). For places that cannot render math."""
    spans = math_spans(text)
    if not spans:
        return text
    out, last = [], 0
    for start, end, _ in spans:
        out.append(text[last:start])
        out.append(_plain_formula(text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out)


def _plain_formula(formula: str) -> str:
    for opener, closer, _ in MATH_DELIMITERS:
        if formula.startswith(opener) and formula.endswith(closer):
            formula = formula[len(opener) : len(formula) - len(closer)]
            break

    def command(m: re.Match[str]) -> str:
        if m[1] is not None:
            return _SYMBOLS.get(m[1], m[1])
        return m[2] if m[2] in "{}$%&#_ " else ""

    formula = _COMMAND.sub(command, formula)
    formula = formula.replace("{", "").replace("}", "").replace("^", "").replace("_", "")
    return " ".join(formula.split())
