"""BibTeX: read ``.bib`` files as a stream of entries, and write papers as entries.

The format is BibTeX's (Oren Patashnik, "BibTeXing", 1988) with biblatex's
fields (``date``, ``journaltitle``, ``eprinttype``, ``eprintclass``), as real
tools write it: JabRef (a ``% Encoding:`` first line, files in UTF-16 or
Windows-1252), BibDesk (``%% Saved with string encoding ...``), Zotero and
Better BibTeX, Mendeley (``{Others}`` for "and others", names escaped twice),
NASA ADS (``{Katz}, M.~P.``, ``journal = {\\apj}``), Google Scholar
(``journal = {arXiv preprint arXiv:2103.00020}``) and Web of Science
(every value in double braces).

Reading is hand-written, not built on ``bibtexparser`` 2.x: that library parses
a whole string, so a large file would sit in memory at once, and its errors do
not carry our line numbers. On the real files of ../shared/data/real-formats
the two find the same entries (bench/bibtex_compare.py prints the comparison),
and this reader decodes more of the TeX in names and venues. A streaming entry
splitter is needed either way, and the value grammar left after it (braces,
quotes, ``#``, ``@string`` macros) is a few dozen lines.

Decisions:
- Encoding: a byte-order mark or UTF-16's NUL pattern says what the file is;
  else a ``% Encoding: NAME`` line (JabRef) or BibDesk's ``Saved with string
  encoding`` line among the comments at the top is honoured; else UTF-8. An
  undecodable line is that entry's error, never replaced silently.
- Braces are counted as BibTeX counts them (``\\{`` too) and ``"`` ends a quoted
  value only at brace depth 0, so files BibTeX accepts read the same here.
- A line starting with ``@type{`` inside an entry cuts that entry short: it is
  reported as not closed and reading resumes there, so one missing brace costs
  one entry, not the rest of the file.
- ``@string`` macros expand, within bounds: no value over ``MAX_ENTRY_CHARS``
  and all macros together under ``MAX_MACRO_CHARS``, so a file of macros that
  double each other (a kilobyte that expands to terabytes) costs the
  definitions that overflow and the entries that use them, with a message.
  An undefined macro keeps its name as text (BibTeX would substitute nothing).
- ``crossref``: an entry inherits the date, venue, volume and number its parent
  has and it lacks (the parent's title becomes its booktitle); never the
  parent's DOI, URL, authors or title. Parents may come after their children
  (as BibTeX wants) or before; children wait for theirs within a bound.
- ``published`` keeps the precision the entry has (biblatex ``date``, or year,
  month and ``day``): ``2017``, ``2017-06`` or ``2017-06-12``. A day or month
  is never invented, and one that cannot be (``month = 13``) is dropped.
- arXiv ids come from eprint, arxivId, arXiv URLs and DOIs (``10.48550/arXiv.*``),
  and ``journal``/``note`` text such as Google Scholar's "arXiv preprint
  math/0311117"; then "arXiv preprint ...", "arXiv e-prints" and CoRR are not
  a venue. ``doi`` stays the publisher's.
- Titles lose braces that only group or protect case; math and LaTeX commands
  (with an argument group right after them) stay verbatim, as do abstracts, as
  in arXiv's own titles. Names and venues are decoded (:func:`paperscope.tex.unlatex`):
  accents, ties, ``\\&``, ``\\relax``; ADS's journal macros are spelled out.
- "and others" (and Mendeley's ``{Others}``, and "et al.") keeps the listed
  names; the list is incomplete, so ``author_count`` is one more than listed
  (at least), unless the entry says how many (``paperscope-author-count``).
- Venue: ``journal`` (or ``journaltitle``, or a ``booktitle`` that is not the
  entry's own title), ``volume``, ``number`` and ``pages`` fill the paper's venue
  fields as the reference-manager importers fill them: pages ``first--last``
  (``227--32`` written out as ``227--232``), ``journal_ref`` the line
  "Journal 12(3), 45-67".
- DOIs, URLs and eprints lose the braces and TeX escapes around them.
- Writing: @misc with eprint/archivePrefix/primaryClass for arXiv papers, @article
  when there is a venue, with ``journal``, ``volume``, ``number`` and ``pages``
  as their own fields (escaped for LaTeX; ``--`` in page ranges); ``date``
  carries the day, since BibTeX has none; ``paperscope-id`` keeps a title-hash
  id and ``paperscope-author-count`` a count the names do not show, so an
  export read back gives the same records.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO, NamedTuple, TextIO

from paperscope.importers.base import (
    FormatError,
    Item,
    Line,
    decode_head,
    peek_head,
    read_text_lines,
    sniff_encoding,
)
from paperscope.importers.reference import page_range, venue_line
from paperscope.models import (
    MAX_AUTHORS,
    InvalidPaper,
    Paper,
    new_paper,
    normalize_doi,
    normalize_space,
)
from paperscope.models import parse_arxiv_id as _arxiv
from paperscope.tex import unlatex

NAME = "bibtex"
SOURCE = "bibtex"
MAX_ENTRY_CHARS = 8 * 1024 * 1024  # papers with thousands of authors stay far below
MAX_MACRO_CHARS = 1024 * 1024  # all @string values together; real files use a few KiB
MAX_WAITING_CHARS = 4 * 1024 * 1024  # entries held until the entry they crossref comes
MAX_PARENTS = 5_000  # books and proceedings remembered for children that come later
DECLARATION_BYTES = 4096  # where the encoding line of JabRef or BibDesk may be

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")  # fmt: skip
_MONTH_MACROS = {m[:3].lower(): m for m in _MONTH_NAMES}  # BibTeX's jan..dec
_MONTHS = list(_MONTH_MACROS)
_HEAD = re.compile(r"@\s*([A-Za-z][\w-]*)\s*([{(])")
_LABEL = re.compile(r'@\s*([A-Za-z][\w-]*)\s*[{(]\s*(?:([^\s,{}()"=]+)(?=\s*(?:,|[)}]|$)))?')
_LINE_START = re.compile(r"\s*@\s*[A-Za-z][\w-]*\s*[{(]")
_ENTRY_LINE = re.compile(r'^\s*@\s*[A-Za-z]+\s*[{(]\s*[^\s,{}()"=]+\s*,', re.MULTILINE)
_DELIMS = re.compile(r'[{}()"]')
_IN_VALUE = re.compile(r'[{}"]')
_NAME = re.compile(r"[^\s=,{}\"#%()]+")
_MACRO_NAME = re.compile(r"([^\s=,{}\"#%()]+)\s*=")
_SPACE = re.compile(r"(?:\s+|%[^\n]*)*")  # whitespace and biber-style % comments
_AND = re.compile(r"[{}]|(?<=\s)and(?=\s)", re.IGNORECASE)
_COMMA = re.compile(r"[{}]|(?<!\\),")  # "\," is a thin space, not a separator
_OTHERS = {"others", "et al", "et al.", "et. al."}
_NEEDS_BRACES = re.compile(r",|\band\b", re.IGNORECASE)
_MATH = re.compile(r"\$\$.*?\$\$|\$(?:\\.|[^$\\])*\$", re.DOTALL)
_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.?)", re.DOTALL)
_TAKES_GROUP = re.compile(r"\\(?:[A-Za-z]+|[`'^~=.\"])")  # control symbols like \- take none
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(\S+)", re.IGNORECASE)
_ARXIV_ID = r"([a-z][a-z-]*(?:\.[a-z]{2})?/\d{7}|\d{4}\.\d{4,5})(?:v\d+)?"
_ARXIV_TEXT = re.compile(r"arxiv(?:\s+preprint)?(?::\s*|\s+)" + _ARXIV_ID, re.IGNORECASE)
_CORR_VOLUME = re.compile(r"abs/" + _ARXIV_ID, re.IGNORECASE)
_PREPRINT = re.compile(r"(arxiv|corr)\b", re.IGNORECASE)
_URL_COMMAND = re.compile(r"\\url\s*\{([^{}]*)\}")
_ESCAPED = re.compile(r"\\([_%&#~$])")
_CATEGORY = re.compile(
    r"(?:cs|math|stat|physics|q-bio|q-fin|eess|econ|nlin|astro-ph|cond-mat)\.[A-Za-z-]+"
    r"|astro-ph|cond-mat|gr-qc|hep-(?:ex|lat|ph|th)|math-ph|nucl-(?:ex|th)|quant-ph"
    r"|acc-phys|adap-org|alg-geom|ao-sci|atom-ph|bayes-an|chao-dyn|chem-ph|cmp-lg|comp-gas"
    r"|dg-ga|funct-an|mtrl-th|patt-sol|plasm-ph|q-alg|solv-int|supr-con"
)
_CONTROL_GROUP = re.compile(r"\{\\[A-Za-z]+\}")  # "{\L}ukasz": the braces end the command
_STOPWORDS = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "from", "towards"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_PAPERSCOPE_ID = re.compile(r"t-[0-9a-f]{16}", re.ASCII)
_ASCII_NUMBER = re.compile(r"[0-9]{1,6}", re.ASCII)
_YEAR = re.compile(r"(?<![0-9])([0-9]{4})(?![0-9])", re.ASCII)
_DATE = re.compile(r"\s*([0-9]{4})(?![0-9])(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)
_MONTH_DAY = re.compile(r"([a-z]+)\.?\s+([0-9]{1,2})", re.ASCII)  # Web of Science: "OCT 1"

# NASA ADS writes journals as AASTeX macros; these are the names they print.
_ADS_JOURNALS = {
    "aj": "AJ", "actaa": "Acta Astron.", "araa": "ARA&A", "apj": "ApJ", "apjl": "ApJL",
    "apjs": "ApJS", "ao": "Appl. Opt.", "apss": "Ap&SS", "aap": "A&A", "aapr": "A&A Rev.",
    "aaps": "A&AS", "azh": "AZh", "baas": "BAAS", "icarus": "Icarus", "jcap": "JCAP",
    "jrasc": "JRASC", "memras": "MmRAS", "mnras": "MNRAS", "na": "New A", "nar": "New A Rev.",
    "pra": "Phys. Rev. A", "prb": "Phys. Rev. B", "prc": "Phys. Rev. C", "prd": "Phys. Rev. D",
    "pre": "Phys. Rev. E", "prl": "Phys. Rev. Lett.", "pasa": "PASA", "pasp": "PASP",
    "pasj": "PASJ", "qjras": "QJRAS", "skytel": "S&T", "solphys": "Sol. Phys.",
    "sovast": "Soviet Ast.", "ssr": "Space Sci. Rev.", "zap": "ZAp", "nat": "Nature",
    "iaucirc": "IAU Circ.", "aplett": "Astrophys. Lett.", "gca": "Geochim. Cosmochim. Acta",
    "grl": "Geophys. Res. Lett.", "jcp": "J. Chem. Phys.", "jgr": "J. Geophys. Res.",
    "jqsrt": "J. Quant. Spec. Radiat. Transf.", "memsai": "Mem. Soc. Astron. Italiana",
    "nphysa": "Nucl. Phys. A", "physrep": "Phys. Rep.", "physscr": "Phys. Scr",
    "planss": "Planet. Space Sci.", "procspie": "Proc. SPIE", "psj": "PSJ",
}  # fmt: skip
_ADS_MACRO = re.compile(r"\s*\\([a-z]+)\s*")
# The fields a crossref child takes from its parent when it lacks them.
_INHERITED = ("year", "date", "month", "day", "journal", "journaltitle", "booktitle",
              "volume", "number", "issue")  # fmt: skip
_PARENT_TYPES = {"book", "mvbook", "collection", "mvcollection", "proceedings",
                 "mvproceedings", "reference", "mvreference", "periodical", "bookinbook"}  # fmt: skip


def detect(head: bytes) -> bool:
    """True when the first thing after blank lines and ``%`` comments is ``@type{``.

    After prose (which BibTeX ignores), two ``@type{key,`` lines are needed, so a
    text that merely quotes a citation is not taken for a .bib file; one is enough
    after a JabRef or BibDesk encoding line. A UTF-16 file is read as such (JabRef
    writes them).
    """
    text = decode_head(head, sniff_encoding(head) or "utf-8").removeprefix("\ufeff")
    declared = False  # JabRef's "% Encoding:" line: one entry after prose is enough
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("%"):
            after = 1 if declared else 2
            return _LINE_START.match(line) is not None or len(_ENTRY_LINE.findall(text)) >= after
        declared = declared or _DECLARED.match(line.strip()) is not None
    return False


# -- encodings ------------------------------------------------------------------------

_DECLARED = re.compile(
    r"%+\s*(?:Encoding:\s*(?P<jabref>[\w.:-]+)|Saved with string encoding\s+(?P<bibdesk>.+?))\s*$",
    re.IGNORECASE,
)
_BIBDESK = {  # the names BibDesk shows, in parentheses, for the common encodings
    "utf-8": "utf-8", "windows latin 1": "cp1252", "iso latin 1": "latin-1",
    "mac os roman": "mac-roman", "iso latin 2": "iso8859-2", "windows latin 2": "cp1250",
}  # fmt: skip


class _Encoding(NamedTuple):
    codec: str
    declared: bool  # named in the file, not assumed
    source: str = "assumed"  # what said so, for messages


def _encoding(head: bytes) -> _Encoding:
    """The file's encoding: what its bytes show, else what its first comments declare."""
    shown = sniff_encoding(head)
    if shown is not None:
        bom = head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
        return _Encoding(shown, True, "its byte-order mark says" if bom else "its NUL bytes show")
    text = head[:DECLARATION_BYTES].decode("latin-1")  # the declaration itself is ASCII
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("%"):
            break
        if m := _DECLARED.match(line.strip()):
            name = m["jabref"] or m["bibdesk"]
            return _Encoding(_codec(name, number), True, f"its line {number} declares")
    return _Encoding("utf-8", False)


def _codec(name: str, line: int) -> str:
    """The Python codec for a declared encoding name (Java's, or BibDesk's)."""
    shown = re.search(r"\(([^)]*)\)\s*$", name)  # BibDesk: "Western (Windows Latin 1)"
    wanted = (shown[1] if shown else name).strip().lower()
    wanted = _BIBDESK.get(wanted, wanted.removeprefix("x-"))
    try:
        info = codecs.lookup(wanted)
    except LookupError:
        info = None
    if info is not None and info.name.startswith(("utf-16", "utf-32")):
        return "utf-8"  # the bytes are not UTF-16 (sniffing said so): the line is wrong
    if info is None or not info._is_text_encoding or not _ascii_compatible(info.name):
        raise FormatError(
            f"the file declares the encoding {name!r}, which cannot be read; "
            "save it as UTF-8, or name a known encoding such as windows-1252",
            line,
        )
    return "utf-8" if info.name == "ascii" else info.name  # UTF-8 reads ASCII, and more


def _ascii_compatible(codec: str) -> bool:
    printable = bytes(range(32, 127))
    try:
        return printable.decode(codec) == printable.decode("ascii")
    except UnicodeDecodeError:
        return False


# -- splitting the file into entries --------------------------------------------------


class _Raw(NamedTuple):
    line: int
    text: str  # the entry from "@" to its closing delimiter (its first line if broken)
    error: str | None = None
    entry: bool = True  # False: an unreadable line outside any entry


_NOT_UTF8_HINT = (
    "; a file in another encoding needs a first line '% Encoding: <name>', as JabRef writes"
)


def _split(lines: Iterator[Line], hint: bool) -> Iterator[_Raw]:
    """Cut the lines into entries, holding one entry in memory at most.

    ``hint``: the encoding was assumed, so the first line that is not UTF-8
    also says how to name the file's real encoding.
    """
    parts: list[str] | None = None
    start = depth = size = 0
    paren = quote = False
    bad: str | None = None
    for line in lines:
        text = line.text
        if text is None:
            error = line.error or "unreadable"
            if hint and error.startswith("invalid UTF-8"):
                error, hint = error + _NOT_UTF8_HINT, False
            if parts is None:
                yield _Raw(line.number, "", error, entry=False)
                continue
            bad = bad or f"has an unreadable line {line.number}: {error}"
            text = ""
        elif parts is not None and _LINE_START.match(text):
            # An unreadable line may have held the closing brace: it is the better reason.
            yield _Raw(
                start, parts[0], bad or f"is not closed before the entry at line {line.number}"
            )
            parts = None
        pos = 0
        while True:
            begin = pos
            if parts is None:
                if (m := _HEAD.search(text, pos)) is None:
                    break
                parts, start, size, bad, quote = [], line.number, 0, None, False
                paren, depth, begin, pos = m[2] == "(", int(m[2] == "{"), m.start(), m.end()
            end = None
            for t in _DELIMS.finditer(text, pos):
                ch = t[0]
                if ch in "{}":
                    depth += 1 if ch == "{" else -1
                    end = t.end() if depth == 0 and not paren else None
                elif paren and depth == 0 and ch == '"':
                    quote = not quote
                elif paren and depth == 0 and ch == ")" and not quote:
                    end = t.end()
                if end is not None:
                    break
            piece = text[begin:end] if end is not None else text[begin:] + "\n"
            size += len(piece)
            if size <= MAX_ENTRY_CHARS or not parts:
                parts.append(piece)
            else:
                bad = bad or f"is over the {MAX_ENTRY_CHARS >> 20} MiB limit for one entry"
            if end is None:
                break
            yield _Raw(start, "".join(parts), bad)
            parts, pos = None, end
    if parts is not None:
        yield _Raw(start, parts[0], bad or "is not closed: the file ends inside it")


def _label(text: str) -> str:
    m = _LABEL.match(text)
    if m is None:
        return "the entry"
    return f"@{m[1].lower()}{{{m[2]}}}" if m[2] else f"@{m[1].lower()} (no key)"


class _Syntax(ValueError):
    def __init__(self, message: str, text: str, offset: int):
        super().__init__(message)
        self.lines = text.count("\n", 0, offset)  # how far into the entry it is


# -- reading ----------------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    line: int
    where: str  # "@article{key} at line 12", for messages
    kind: str
    key: str  # lower-cased: BibTeX keys are case-insensitive
    fields: dict[str, str]


def parse(stream: BinaryIO) -> Iterator[Item]:
    """Yield one Item per entry; @string, @comment and @preamble yield nothing."""
    head, stream = peek_head(stream, DECLARATION_BYTES)
    encoding = _encoding(head)
    lines = read_text_lines(stream, encoding.codec)
    macros = _Macros()
    family = _Crossrefs()
    blocks = records = 0
    early: list[Item] = []  # unreadable lines before the first block: a FormatError may follow
    for raw in _split(lines, hint=not encoding.declared):
        if not raw.entry:
            if blocks:
                yield Item(raw.line, error=raw.error)
            elif len(early) < 100:
                early.append(Item(raw.line, error=raw.error))
            continue
        blocks += 1
        yield from early
        early = []
        where = f"{_label(raw.text)} at line {raw.line}"
        if raw.error:
            records += 1
            if (block := _HEAD.match(raw.text)) and block[1].lower() == "string":
                for name in _MACRO_NAME.findall(raw.text):  # those on its first line, at least
                    macros.failed[name.lower()] = where
            yield Item(raw.line, error=f"{where} {raw.error}")
            continue
        try:
            entry = _parse_entry(raw, where, macros)
        except _Syntax as exc:
            records += 1
            yield Item(raw.line, error=f"{where}: {exc} (line {raw.line + exc.lines})")
            continue
        if entry is not None:
            records += 1
            yield from map(_item, family.add(entry))
    yield from map(_item, family.rest())
    if not records:
        if blocks:
            raise FormatError("the file has only @string, @comment or @preamble blocks, no entries")
        many = f"{len(early)}{'+' * (len(early) >= 100)} unreadable line(s)"
        why = f"; {many}, the first is line {early[0].line}: {early[0].error}" if early else ""
        if encoding.codec != "utf-8":
            why += f" (the file was read as {encoding.codec}, as {encoding.source})"
        raise FormatError(f"no BibTeX entries (@article{{...}} and the like) found{why}")


def _item(entry: _Entry) -> Item:
    try:
        return Item(entry.line, paper=to_paper(entry.fields))
    except InvalidPaper as exc:
        return Item(entry.line, error=f"{entry.where}: {exc}")


@dataclass(slots=True)
class _Macros:
    """``@string`` macros: their values, the ones whose definition failed, their size."""

    values: dict[str, str] = field(default_factory=lambda: dict(_MONTH_MACROS))
    failed: dict[str, str] = field(default_factory=dict)  # name -> where it was defined
    size: int = 0

    def define(self, name: str, value: str, where: str, text: str, offset: int) -> None:
        if self.size + len(value) > MAX_MACRO_CHARS:
            self.failed[name] = where
            raise _Syntax(
                f"the macro {name!r} would put the @string macros over their "
                f"{MAX_MACRO_CHARS >> 20} MiB limit ({len(value):,} characters); it is not defined",
                text,
                offset,
            )
        self.size = max(0, self.size + len(value) - len(self.values.get(name, "")))
        self.values[name] = value
        self.failed.pop(name, None)


def _parse_entry(raw: _Raw, where: str, macros: _Macros) -> _Entry | None:
    """The entry's fields (names lower-cased, a repeated field keeps its first value),
    or None for @string (its macros are defined), @comment and @preamble."""
    text = raw.text
    m = _HEAD.match(text)
    assert m is not None, "_split starts every entry at its head"
    kind, pos, end = m[1].lower(), m.end(), len(text) - 1  # text[end] closes the entry
    if kind in ("comment", "preamble"):
        return None
    key = ""
    comma = text.find(",", pos, end)
    if kind != "string" and "=" not in text[pos : comma if comma >= 0 else end]:
        key = text[pos : end if comma < 0 else comma].strip().lower()
        pos = end if comma < 0 else comma + 1  # skip the citation key
    fields: dict[str, str] = {}
    budget = [MAX_ENTRY_CHARS]  # what macro expansion may still add to this entry
    while (pos := _skip_space(text, pos, end)) < end:
        if text[pos] == ",":
            pos += 1
            continue
        if (name := _NAME.match(text, pos, end)) is None:
            raise _Syntax(f"expected a field name, found {text[pos : pos + 20]!r}", text, pos)
        pos = _skip_space(text, name.end(), end)
        if pos >= end or text[pos] != "=":
            raise _Syntax(f"expected '=' after {name[0]!r}", text, pos)
        if kind != "string":
            value, pos = _value(text, pos + 1, end, macros, budget)
            fields.setdefault(name[0].lower(), value)
            continue
        try:
            value, pos = _value(text, pos + 1, end, macros, budget)
        except _Syntax:
            macros.failed[name[0].lower()] = where  # what uses it fails too, not silently
            raise
        macros.define(name[0].lower(), value, where, text, pos)
    if kind == "string":
        return None
    return _Entry(raw.line, where, kind, key, fields)


def _skip_space(text: str, pos: int, end: int) -> int:
    """Where the whitespace and comments from ``pos`` end (``pos`` itself if none)."""
    m = _SPACE.match(text, pos, end)
    assert m is not None, "_SPACE matches the empty string too"
    return m.end()


def _value(text: str, pos: int, end: int, macros: _Macros, budget: list[int]) -> tuple[str, int]:
    """One value: ``{...}``, ``"..."``, a number or a macro, joined by ``#``.

    ``budget[0]`` is how many characters macros may still add to the entry: a
    value that would outgrow it is an error, before it is built.
    """
    out: list[str] = []
    length = 0
    while True:
        pos = _skip_space(text, pos, end)
        opener = text[pos] if pos < end else ""
        if opener in ("{", '"'):
            depth = 0
            for t in _IN_VALUE.finditer(text, pos + 1, end):
                if t[0] == "{":
                    depth += 1
                elif t[0] == "}" and depth:
                    depth -= 1
                elif depth == 0 and t[0] == ("}" if opener == "{" else '"'):
                    break
            else:
                raise _Syntax("a value is not closed", text, pos)
            piece = text[pos + 1 : t.start()]
            pos = t.end()
        elif (word := _NAME.match(text, pos, end)) is not None:
            name = word[0].lower()
            if name in macros.failed:
                raise _Syntax(
                    f"it uses the macro {word[0]!r}, which is not defined: "
                    f"its @string ({macros.failed[name]}) was refused",
                    text,
                    pos,
                )
            piece = word[0] if word[0].isdigit() else macros.values.get(name, word[0])
            budget[0] -= len(piece)  # text written in the entry is bounded already
            if budget[0] < 0:
                raise _Syntax(
                    f"its macros expand to over the {MAX_ENTRY_CHARS >> 20} MiB limit for one entry",
                    text,
                    pos,
                )
            pos = word.end()
        else:
            raise _Syntax(f"expected a value, found {text[pos : pos + 20]!r}", text, pos)
        length += len(piece)
        if length > MAX_ENTRY_CHARS:
            raise _Syntax(f"a value is over the {MAX_ENTRY_CHARS >> 20} MiB limit", text, pos)
        out.append(piece)
        pos = _skip_space(text, pos, end)
        if pos >= end or text[pos] != "#":
            return "".join(out), pos
        pos += 1


# -- crossref -------------------------------------------------------------------------


class _Crossrefs:
    """Entries waiting for the entry they ``crossref``, and parents met already.

    ``add`` returns the entries that are ready, in the order they became so;
    ``rest`` the ones still waiting at the end of the file (their parent never
    came, or they crossref each other), as they are. Both stores are bounded:
    past ``MAX_WAITING_CHARS`` the oldest waiting entry goes out without its
    parent, past ``MAX_PARENTS`` the oldest parent is forgotten.
    """

    def __init__(self) -> None:
        self.parents: OrderedDict[str, dict[str, str]] = OrderedDict()
        self.waiting: OrderedDict[int, tuple[str, _Entry]] = OrderedDict()
        self.children: dict[str, deque[int]] = {}
        self.size = 0
        self.count = 0

    def add(self, entry: _Entry) -> list[_Entry]:
        ready: list[_Entry] = []
        parent = _verbatim(entry.fields.get("crossref", "")).lower()
        if parent and parent != entry.key and parent not in self.parents:
            self.count += 1
            self.waiting[self.count] = (parent, entry)
            self.children.setdefault(parent, deque()).append(self.count)
            self.size += _size(entry.fields)
            while self.size > MAX_WAITING_CHARS:
                self._orphan(ready)
            return ready
        if parent in self.parents:
            _inherit(entry.fields, self.parents[parent])
        self._release(entry, ready)
        return ready

    def rest(self) -> list[_Entry]:
        ready: list[_Entry] = []
        while self.waiting:
            self._orphan(ready)
        return ready

    def _orphan(self, ready: list[_Entry]) -> None:
        """The oldest waiting entry goes out without its parent (the oldest of its siblings)."""
        number, (parent, entry) = self.waiting.popitem(last=False)
        siblings = self.children[parent]
        siblings.popleft()
        if not siblings:
            del self.children[parent]
        self.size -= _size(entry.fields)
        self._release(entry, ready)

    def _release(self, entry: _Entry, ready: list[_Entry]) -> None:
        """``entry`` is final: out it goes, and the children waiting for it follow."""
        stack = [entry]
        while stack:
            done = stack.pop()
            ready.append(done)
            if not done.key:
                continue
            if done.kind in _PARENT_TYPES:
                self.parents[done.key] = {
                    k: v for k, v in done.fields.items() if k in _INHERITED or k == "title"
                }
                self.parents.move_to_end(done.key)
                if len(self.parents) > MAX_PARENTS:
                    self.parents.popitem(last=False)
            for number in reversed(self.children.pop(done.key, ())):
                if (waiting := self.waiting.pop(number, None)) is not None:
                    child = waiting[1]
                    self.size -= _size(child.fields)
                    _inherit(child.fields, done.fields)
                    stack.append(child)


def _size(fields: dict[str, str]) -> int:
    return sum(len(k) + len(v) + 64 for k, v in fields.items())  # 64: a dict slot, roughly


def _inherit(child: dict[str, str], parent: dict[str, str]) -> None:
    for name in _INHERITED:
        if name not in child and name in parent:
            child[name] = parent[name]
    if "title" in parent and not any(k in child for k in ("booktitle", "journal", "journaltitle")):
        child["booktitle"] = parent["title"]


# -- fields to a paper -------------------------------------------------------------------


def plain(text: str) -> str:
    """Drop braces that only group or protect case; keep math and commands verbatim.

    A command keeps the group right after it (its argument), except control
    symbols that take none: ``pre\\-{C}olumbian`` is "pre-Columbian" with a
    discretionary hyphen, which prints nothing and goes.
    """
    if "\\" not in text and "$" not in text:  # the common case: braces at most
        return normalize_space(text.translate(_NO_BRACES))
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            command = _COMMAND.match(text, i)
            assert command is not None, "a backslash, with or without what follows it"
            j = command.end()
            if command[0] == "\\-":
                i = j
                continue
            if text[j : j + 1] == "{" and _TAKES_GROUP.fullmatch(command[0]):
                j = _group_end(text, j)  # the command's argument, kept with it
            out.append(text[i:j])
            i = j
        elif (c == "$" and (m := _MATH.match(text, i))) or (
            c == "{" and (m := _CONTROL_GROUP.match(text, i))
        ):
            out.append(m[0])
            i = m.end()
        else:
            out.append("" if c in "{}" else c)
            i += 1
    return normalize_space("".join(out))


_NO_BRACES = str.maketrans("", "", "{}")


def text_value(text: str) -> str:
    """A name or venue as plain text: braces gone, TeX decoded (``{\\"u}`` is ü, ``\\&`` &)."""
    return normalize_space(unlatex(plain(text)))


def _group_end(text: str, i: int) -> int:
    depth = 0
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return j + 1
    return len(text)


def _split_depth0(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split at matches of ``pattern`` outside braces (``pattern`` also matches braces)."""
    parts, depth, last = [], 0, 0
    for m in pattern.finditer(text):
        if m[0] in "{}":
            depth += 1 if m[0] == "{" else -1
        elif depth == 0:
            parts.append(text[last : m.start()])
            last = m.end()
    return [*parts, text[last:]]


# Repairs of names that exporters broke: Mendeley escapes TeX a second time
# (``Garc\textbackslash{}'ia``, ``M\textbackslash{}aa\{\}rtensson``) and writes
# ø, ł and ß as math (``So{$\not$}rensen``, ``Pakul{$\not$}a``, ``Kräu$\beta$lich``).
_TWICE = re.compile(r"\\textbackslash(?:\{\}|\s+|(?![A-Za-z]))|\\([{}])")
_SLASHED = re.compile(r"([oOlL])\{?\$\\not\$\}?")
_SLASHED_LETTERS = {"o": "ø", "O": "Ø", "l": "ł", "L": "Ł"}
_BETA_SS = re.compile(r"(?<=[^\W\d_])\{?\$\\beta\$\}?(?=[^\W\d_])")


def _repair(name: str) -> str:
    if "\\textbackslash" in name:
        name = _TWICE.sub(lambda m: m[1] or "\\", name)
    if "$" in name:
        name = _SLASHED.sub(lambda m: _SLASHED_LETTERS[m[1]], name)
        name = _BETA_SS.sub("ß", name)
    return name


def authors(value: str) -> tuple[list[str], bool]:
    """BibTeX names to "First von Last Jr" display names; True when "and others" ends them
    (also ``{Others}`` and "et al.")."""
    names = [n.strip() for n in _split_depth0(value, _AND) if n.strip()]
    others = bool(names) and names[-1].strip("{} ").lower() in _OTHERS
    display = []
    for name in names[:-1] if others else names:
        parts = [p.strip() for p in _split_depth0(_repair(name), _COMMA)]
        if len(parts) > 1:  # "von Last, First" or "von Last, Jr, First"
            parts = [parts[-1], parts[0], *parts[1:-1]]
        shown = text_value(" ".join(p for p in parts if p))
        display.append(re.sub(r"(?<=[^\W\d_])–(?=[^\W\d_])", "-", shown))  # Tzu--Ning
    return [d for d in display if d], others


def _verbatim(value: str) -> str:
    """A DOI, URL, eprint or key as written: no braces, spaces or TeX escapes (``\\_``)."""
    return _ESCAPED.sub(r"\1", re.sub(r"[{}\s]", "", value))


def to_paper(fields: dict[str, str]) -> Paper:
    """Map one entry's fields (lower-case names) to a Paper; InvalidPaper says what is wrong."""
    get = fields.get
    title = plain(get("title", ""))
    if not title:
        raise InvalidPaper("the entry has no title")
    names, others = authors(get("author", ""))
    url = _verbatim(get("url", ""))
    if not url:
        for text in (get("howpublished", ""), get("note", "")):
            if m := _URL_COMMAND.search(text):
                url = _verbatim(m[1])
                break
    doi = normalize_doi(_verbatim(get("doi", "")) or (url if "doi.org/" in url else ""))
    venue = _venue(fields)
    arxiv = None
    if (get("archiveprefix") or get("eprinttype") or "arxiv").strip().lower() == "arxiv":
        arxiv = _arxiv(_verbatim(get("eprint", "")))
    for text in (_verbatim(get("arxivid", "")), url):
        arxiv = arxiv or _arxiv(text)
    for said in (get("journal"), get("note"), get("howpublished")):  # "arXiv preprint math/0311117"
        if arxiv is None and said:
            found = _ARXIV_TEXT.search(said)
            arxiv = _arxiv(found[1] if found else said)
    if arxiv is None and (m := _CORR_VOLUME.fullmatch(_verbatim(get("volume", "")))):
        arxiv = _arxiv(m[1]) if re.match(r"\s*corr\b", get("journal", ""), re.I) else None
    if m := _ARXIV_DOI.match(doi):
        arxiv, doi = arxiv or _arxiv(m[1]), ""
    keywords = re.split(r"[,;\s]+", get("keywords", ""))
    primary = (get("primaryclass") or get("eprintclass") or "").strip()
    categories = [c for c in [primary, *keywords] if _CATEGORY.fullmatch(c)]
    given = _verbatim(get("paperscope-id", ""))
    paper = new_paper(
        title=title,
        arxiv_id=arxiv[0] if arxiv else None,
        paper_id=given if _PAPERSCOPE_ID.fullmatch(given) else None,
        source=SOURCE,
        abstract=_unwrapped(get("abstract", "")),
        authors=names,
        published=_published(fields),
        categories=categories,
        doi=doi,
        journal_ref=venue.line,
        journal=venue.journal,
        volume=venue.volume,
        issue=venue.issue,
        pages=venue.pages,
        links={"url": url} if url.startswith(("https://", "http://")) and not arxiv else {},
    )
    count = _ASCII_NUMBER.fullmatch(get("paperscope-author-count", "").strip("{} "))
    if others and names:
        paper.author_count = len(names) + 1  # at least one more than listed
    if count and len(names) <= int(count[0]) <= MAX_AUTHORS:
        paper.author_count = max(paper.author_count or 0, int(count[0]))
    return paper


def _unwrapped(text: str) -> str:
    """An abstract without the braces around all of it (Web of Science writes ``{{...}}``)."""
    text = text.strip()
    while text.startswith("{") and _group_end(text, 0) == len(text):
        text = text[1:-1].strip()
    return text


def _published(fields: dict[str, str]) -> str | None:
    """The date at the precision the entry gives; digits other than ASCII are not dates."""
    month = day = None
    if m := _DATE.match(fields.get("date", "")):
        year, month, day = (int(g) if g else None for g in m.groups())
    else:
        found = _YEAR.search(fields.get("year", ""))
        year = int(found[1]) if found else None
        raw = plain(fields.get("month", "")).lower().strip(". ")
        if md := _MONTH_DAY.fullmatch(raw):
            raw, day = md[1], int(md[2])
        if _ASCII_NUMBER.fullmatch(raw):
            month = int(raw)
        elif raw[:3] in _MONTHS:
            month = _MONTHS.index(raw[:3]) + 1
        if day is None and (d := _ASCII_NUMBER.fullmatch(fields.get("day", "").strip())):
            day = int(d[0])
    if not year:
        return None
    if month and not 1 <= month <= 12:
        month = day = None  # an impossible month: keep what is certain, the year
    try:
        if month and day:
            return date(year, month, day).isoformat()
    except ValueError:
        pass  # an impossible day: keep the month
    if month:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}"


class _Venue(NamedTuple):
    journal: str
    volume: str
    issue: str
    pages: str
    line: str  # journal_ref: "Nature 518(7540), 529-533"


def _venue(fields: dict[str, str]) -> _Venue:
    """Where the entry appeared, as the reference-manager importers store it too:
    pages ``first--last``, the readable line "Journal 12(3), 45-67" when there is a journal."""
    get = fields.get
    raw = get("journal") or get("journaltitle") or ""
    if (m := _ADS_MACRO.fullmatch(re.sub(r"[{}]", "", raw))) and m[1] in _ADS_JOURNALS:
        raw = _ADS_JOURNALS[m[1]]
    journal = text_value(raw)
    if not journal and (book := text_value(get("booktitle", ""))) != text_value(get("title", "")):
        journal = book
    if _PREPRINT.match(journal):
        return _Venue("", "", "", "", "")  # a preprint, not a publication
    volume = text_value(get("volume", ""))
    issue = text_value(get("number") or get("issue") or "")
    pages = page_range(normalize_space(unlatex(plain(get("pages", "")).replace("--", "-"))))
    return _Venue(journal, volume, issue, pages, venue_line(journal, volume, issue, pages))


# -- writing -----------------------------------------------------------------------------


def _braced(text: str) -> str:
    """Wrap in braces; an unbalanced brace (with a backslash before it) becomes a command."""
    out, opened = list(text), []
    for i, c in enumerate(text):
        if c == "{":
            opened.append(i)
        elif c == "}" and opened:
            opened.pop()
        elif c == "}":
            out[i] = "\\textbraceright{}"
    for i in opened:
        out[i] = "\\textbraceleft{}"
    for i in range(1, len(out)):
        if out[i - 1] == "\\" and out[i].startswith("\\textbrace"):
            out[i - 1] = ""
    return "{" + "".join(out) + (" }" if text.endswith("\\") else "}")  # no "\\}" at the end


# Braces as commands: BibTeX counts "\\{" too, so an escaped brace could unbalance the entry.
_LATEX_SPECIAL = {"\\": "\\textbackslash{}", "{": "\\textbraceleft{}",
                  "}": "\\textbraceright{}", "&": "\\&", "%": "\\%", "$": "\\$", "#": "\\#",
                  "_": "\\_", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}"}  # fmt: skip
_SPECIAL = re.compile(r"[\\{}&%$#_~^]")


def _escaped(text: str) -> str:
    """Plain text (a venue) as LaTeX prints it back: its special characters escaped,
    and ``--`` kept from becoming a dash (``-\\/-``)."""
    return re.sub("-(?=-)", r"-\\/", _SPECIAL.sub(lambda m: _LATEX_SPECIAL[m[0]], text))


def cite_key(paper: Paper) -> str:
    """``<firstauthorlastname><year><firsttitleword>`` in ASCII letters and digits."""
    words = paper.authors[0].split() if paper.authors else []
    while len(words) > 1 and words[-1].lower() in _SUFFIXES:
        words.pop()
    title = next(
        (w for w in map(_ascii, plain(paper.title).split()) if w and w not in _STOPWORDS), ""
    )
    return (_ascii(words[-1] if words else "") + (paper.published or "")[:4] + title) or "paper"


def _ascii(text: str) -> str:
    text = re.sub(r"\\[A-Za-z]+|\$[^$]*\$", "", text)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def dumps(paper: Paper, key: str | None = None) -> str:
    """One entry: @article when there is a venue, else @misc (eprint for arXiv)."""
    key = key or cite_key(paper)
    if not re.fullmatch(r"[^\s,{}()\"#%'=\\@]+", key):
        raise ValueError(f"{key!r} cannot be a BibTeX citation key")
    # A name holding a comma or the word "and" is braced so that it stays one name.
    names = [_braced(n) if _NEEDS_BRACES.search(n) else _braced(n)[1:-1] for n in paper.authors]
    incomplete = bool(names) and (paper.author_count is None or paper.author_count > len(names))
    implied = len(names) + 1 if incomplete else len(names) or None  # what reading gives back
    if incomplete:
        names.append("others")
    day, arxiv = (paper.published or "")[:10], paper.arxiv_id
    link = paper.links.get("abs" if arxiv else "url", "")
    primary, rest = (
        (paper.categories[:1], paper.categories[1:]) if arxiv else ([], paper.categories)
    )
    journal = paper.journal or paper.journal_ref  # an unparsed journal-ref shows as the journal
    pages = "--".join(map(_escaped, page_range(paper.pages).split("--")))  # "first--last"
    count = paper.author_count
    fields = {
        "title": "{" + _braced(paper.title) + "}",  # double braces keep the case
        "author": names and "{" + " and ".join(names) + "}",
        "year": day and "{" + day[:4] + "}",
        "month": len(day) >= 7 and _MONTHS[int(day[5:7]) - 1],
        "date": len(day) == 10 and "{" + day + "}",  # biblatex; how the day survives
        "journal": journal and "{" + _escaped(journal) + "}",
        "volume": paper.volume and "{" + _escaped(paper.volume) + "}",
        "number": paper.issue and "{" + _escaped(paper.issue) + "}",
        "pages": pages and "{" + pages + "}",
        "doi": paper.doi and _braced(paper.doi),
        "eprint": arxiv and "{" + arxiv + "}",
        "archivePrefix": arxiv and "{arXiv}",
        "primaryClass": primary and _braced(primary[0]),
        "keywords": rest and _braced(", ".join(rest)),
        "url": link and _braced(normalize_space(link)),
        "abstract": paper.abstract and _braced(paper.abstract),
        "paperscope-id": "{" + paper.id + "}" if _PAPERSCOPE_ID.fullmatch(paper.id) else "",
        "paperscope-author-count": count is not None and count != implied and f"{{{count}}}",
    }
    body = "".join(f"  {name} = {value},\n" for name, value in fields.items() if value)
    return f"@{'article' if journal else 'misc'}{{{key},\n{body}}}\n"


def write(papers: Iterable[Paper], out: TextIO) -> int:
    """Write entries one blank line apart, keys made unique (``a``, ``b``...); return the count."""
    used: set[str] = set()
    count = 0
    for paper in papers:
        key = base = cite_key(paper)
        n = 0
        while key in used:
            n += 1
            key = base + (chr(96 + n) if n <= 26 else str(n))
        used.add(key)
        out.write(("\n" if count else "") + dumps(paper, key))
        count += 1
    return count
