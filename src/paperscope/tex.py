"""TeX in names and venue lines, decoded to Unicode.

BibTeX files and arXiv's own metadata (arXivRaw, OAI) write names with TeX:
accents (``Gr{\\"o}bner``, ``\\c{C}elik``, ``Ng\\d oc``, ``\\'\\i``), special
letters (``{\\o}``, ``\\ss``, ``\\cyrchar\\CYRA``), ties (``M.~P. Katz``), dashes
(``--``), escaped symbols (``\\&``) and commands that print nothing
(``{\\relax Ph}.``). :func:`unlatex` turns those into the text TeX would print,
as arXiv's listings show names. Commands it does not know stay as written, and
so does math (``$...$``): accents are decoded inside and outside it alike.
Grouping braces are the caller's business, except that a group left holding one
decoded letter (``{\\"o}``) loses its braces.
"""

from __future__ import annotations

import re
import unicodedata

# Accent commands and the combining character each stands for.
ACCENTS = {"`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304",
           "u": "\u0306", ".": "\u0307", '"': "\u0308", "r": "\u030a", "H": "\u030b",
           "v": "\u030c", "d": "\u0323", "b": "\u0331", "c": "\u0327", "k": "\u0328",
           "t": "\u0361", "ocirc": "\u030a"}  # fmt: skip
# Letters TeX writes as commands.
LETTERS = {"l": "ł", "L": "Ł", "o": "ø", "O": "Ø", "ss": "ß", "ae": "æ", "AE": "Æ",
           "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "i": "ı", "j": "ȷ", "dh": "ð",
           "DH": "Ð", "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ"}  # fmt: skip
# Control symbols and words that print one character (or a space); biblatex's
# ``\psq``/``\psqq`` are the "f."/"ff." of page ranges ("367\psqq").
SYMBOLS = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ",
           ",": " ", ";": " ", ":": " ", "\\": " ", "textendash": "–", "textemdash": "—",
           "textbackslash": "\\", "textasciitilde": "~", "textasciicircum": "^",
           "textbraceleft": "{", "textbraceright": "}", "textunderscore": "_",
           "textdollar": "$", "textquoteleft": "‘", "textquoteright": "’",
           "textquotedblleft": "“", "textquotedblright": "”", "textquotesingle": "'",
           "textregistered": "®", "texttrademark": "™", "textcopyright": "©",
           "copyright": "©", "textdegree": "°", "textperiodcentered": "·",
           "textbullet": "•", "textellipsis": "…", "ldots": "…", "dots": "…",
           "textsection": "§", "S": "§", "P": "¶", "textpm": "±", "pounds": "£",
           "textsterling": "£", "euro": "€", "texteuro": "€", "textexclamdown": "¡",
           "textquestiondown": "¿", "guillemotleft": "«", "guillemotright": "»",
           "textless": "<", "textgreater": ">", "textbar": "|", "textmu": "µ",
           "psq": " f.", "psqq": " ff."}  # fmt: skip
# Commands that print nothing in running text: ``{\relax Ph}ilippe``, ``{\sc Name}``,
# discretionary hyphens, the Cyrillic prefix of ``\cyrchar\CYRA``.
SILENT = {"relax", "protect", "/", "-", "!", "@", "null", "nobreak", "xspace", "cyrchar",
          "sc", "em", "bf", "it", "rm", "sf", "tt", "sl", "up", "md", "normalfont", "scshape",
          "itshape", "bfseries", "upshape", "mdseries", "rmfamily", "sffamily", "ttfamily"}  # fmt: skip
# Commands whose argument is printed as it is (only the style changes).
WRAPPERS = {"textit", "textbf", "textsc", "textrm", "textsf", "texttt", "textup", "textmd",
            "textnormal", "textsl", "emph", "mbox", "hbox", "text", "textsuperscript",
            "textsubscript"}  # fmt: skip
# ``\noopsort{key}`` sorts a name and prints nothing, argument included.
DROPPED = {"noopsort"}

_CYRILLIC = ["A", "B", "V", "G", "D", "E", "YO", "ZH", "Z", "I", "ISHRT", "K", "L", "M",
             "N", "O", "P", "R", "S", "T", "U", "F", "H", "C", "CH", "SH", "SHCH",
             "HRDSN", "ERY", "SFTSN", "EREV", "YU", "YA"]  # fmt: skip
for _name, _upper in zip(_CYRILLIC, "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ", strict=True):
    SYMBOLS["CYR" + _name] = _upper
    SYMBOLS["cyr" + _name.lower()] = _upper.lower()
for _name, _upper in zip(["IE", "II", "YI", "GUP"], "ЄІЇҐ", strict=True):
    SYMBOLS["CYR" + _name] = _upper
    SYMBOLS["cyr" + _name.lower()] = _upper.lower()

_CONTROL = re.compile(r"\\([A-Za-z]+|.?)", re.DOTALL)
_SPACES = re.compile(r"\s*")
_AFTER_WORD = re.compile(r"\s*(?:\{\})?")  # TeX's spaces after a control word, and "{}"
_ONE_LETTER_GROUP = re.compile(r"\{([^\x00-\x7f{}\\][\u0300-\u036f]*)\}")
_NEEDS_WORK = re.compile(r"[\\~]|--")


def unlatex(text: str) -> str:
    """The text TeX prints for ``text``: accents, letters, ties, dashes and symbols
    decoded; commands that print nothing removed; unknown commands kept."""
    if not _NEEDS_WORK.search(text):
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "~":
            out.append(" ")  # a tie: a space that does not break
            i += 1
        elif c == "-" and text.startswith("--", i):
            dash = "—" if text.startswith("---", i) else "–"
            out.append(dash)
            i += 3 if dash == "—" else 2
        elif c != "\\":
            j = _NEEDS_WORK.search(text, i)
            end = j.start() if j else n
            out.append(text[i:end])
            i = end
        else:
            decoded, i = _command(text, i)
            out.append(decoded)
    return _ONE_LETTER_GROUP.sub(r"\1", "".join(out))


def _command(text: str, i: int) -> tuple[str, int]:
    """What the command at ``text[i]`` (a backslash) prints, and where it ends."""
    m = _CONTROL.match(text, i)
    assert m is not None, "a backslash, with or without what follows it"
    name, j = m[1], m.end()
    word = name.isalpha()
    if name in ACCENTS:
        if (accented := _accent(name, text, j)) is not None:
            return accented
        if name == "d":  # "{\d}ur": an exporter's "\d" for ð (TeX's \dh); no dot below
            return "ð", _past(_AFTER_WORD, text, j)
        return m[0], j
    if name in LETTERS and word:
        return LETTERS[name], _past(_AFTER_WORD, text, j)
    if name in SYMBOLS:
        return SYMBOLS[name], _past(_AFTER_WORD, text, j) if word else j
    if name in SILENT:
        return "", _past(_SPACES, text, j) if word else j
    if name in WRAPPERS or name in DROPPED:
        k = _past(_SPACES, text, j)
        if text[k : k + 1] == "{":
            end = _group_end(text, k)
            inner = "" if name in DROPPED else unlatex(text[k + 1 : end - 1])
            return inner, end
        return "", k
    return m[0], j  # unknown: as written


def _accent(name: str, text: str, j: int) -> tuple[str, int] | None:
    """The accented letter of ``\\<name>`` whose argument starts at ``j``, or None."""
    k = _past(_SPACES, text, j)
    if text[k : k + 1] == "{":
        end = _group_end(text, k)
        inner, after = text[k + 1 : end - 1].strip(), end
    else:
        letter = _CONTROL.match(text, k) if text[k : k + 1] == "\\" else None
        inner = letter[0] if letter else text[k : k + 1]
        after = k + len(inner)
    base = _letter(inner)
    if base is None and name == "t" and len(inner) == 2 and inner.isalpha():
        return unicodedata.normalize("NFC", inner[0] + ACCENTS["t"] + inner[1]), after
    if base is None:
        return None
    if inner.startswith("\\"):  # "Mart\'\i nez": TeX drops the spaces after a control word
        after = _past(_AFTER_WORD, text, after)
    return unicodedata.normalize("NFC", base + ACCENTS[name]), after


def _letter(inner: str) -> str | None:
    """The letter an accent's argument stands for: ``e``, ``\\i``, ``\\o``, ``{\\i}``."""
    whole, inner = inner.strip(), inner.strip("{} ")
    if len(inner) == 1 and inner.isalpha():
        return inner
    if inner.startswith("\\") and inner[1:] in LETTERS:
        return {"i": "i", "j": "j"}.get(inner[1:], LETTERS[inner[1:]])
    if inner.startswith("\\"):  # a stacked accent: Vietnamese "Nguy\~{\^e}n"
        decoded = unicodedata.normalize("NFC", unlatex(whole).strip("{}"))
        if len(decoded) == 1 and decoded.isalpha():
            return decoded
    return None


def _past(pattern: re.Pattern[str], text: str, j: int) -> int:
    """Where ``pattern`` (one that also matches nothing) stops matching from ``j``."""
    m = pattern.match(text, j)
    assert m is not None, "the pattern matches the empty string too"
    return m.end()


def _group_end(text: str, i: int) -> int:
    """Where the brace group opening at ``text[i]`` ends (past its ``}``)."""
    depth = 0
    j = i
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        depth += {"{": 1, "}": -1}.get(c, 0)
        j += 1
        if depth == 0:
            return j
    return len(text)
