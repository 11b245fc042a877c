"""TeX's accents and special letters, decoded to Unicode.

BibTeX files and arXiv's own metadata (arXivRaw, OAI) write names and titles
with TeX accents: ``Gr{\\"o}bner``, ``\\c{C}elik``, ``Ng\\d oc``. Every reader
of such text decodes them here, and the title key folds them the same way,
so ``Gr\\"obner`` and ``Gröbner`` are one title. Math (``$...$``) is not this
module's business: accents are decoded outside and inside it alike, and
everything else is left as written.
"""

from __future__ import annotations

import re
import unicodedata

# Accent commands and the combining character each stands for.
ACCENTS = {"`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304",
           "u": "\u0306", ".": "\u0307", '"': "\u0308", "r": "\u030a", "H": "\u030b",
           "v": "\u030c", "d": "\u0323", "b": "\u0331", "c": "\u0327", "k": "\u0328",
           "t": "\u0361"}  # fmt: skip
_ACCENT = re.compile(
    r"\\([`'^~=.\"]|[uvHcrkdbt](?![A-Za-z]))\s*(?:\{\s*(\\?[A-Za-z])\s*\}|(\\?[A-Za-z]))"
)
# Letters TeX writes as commands.
LETTERS = {"l": "ł", "L": "Ł", "o": "ø", "O": "Ø", "ss": "ß", "ae": "æ", "AE": "Æ",
           "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "i": "ı", "j": "ȷ", "dh": "ð",
           "DH": "Ð", "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ"}  # fmt: skip
_LETTER = re.compile(
    r"\\(ss|ae|AE|oe|OE|aa|AA|dh|DH|th|TH|ng|NG|dj|DJ|[lLoOij])(?![A-Za-z])(?:\{\}|\s)?"
)
# Commands that print nothing in running text (``{\relax Ph}ilippe``).
_SILENT = re.compile(r"\\(?:relax|protect|/)(?![A-Za-z])\s*")


def unlatex(text: str) -> str:
    """TeX accents (``{\\"o}``, ``\\'{e}``, ``\\d o``) and letters (``{\\L}``) to
    Unicode, as arXiv's own listings show names; other commands stay."""
    if "\\" not in text:
        return text

    def accent(m: re.Match[str]) -> str:
        base = (m[2] or m[3]).replace("\\i", "i").replace("\\j", "j")
        if base.startswith("\\"):
            return m[0]  # an accent on a command we do not know: left as it is
        return unicodedata.normalize("NFC", base + ACCENTS[m[1]])

    text = _SILENT.sub("", text)
    return _LETTER.sub(lambda m: LETTERS[m[1]], _ACCENT.sub(accent, text))
