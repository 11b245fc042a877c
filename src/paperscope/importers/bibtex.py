"""BibTeX: read ``.bib`` files as a stream of entries, and write papers as entries.

Reading is hand-written, not built on ``bibtexparser`` 2.x: that library parses
a whole string, so a large file would sit in memory at once, and its errors do
not carry our line numbers. A streaming entry splitter is needed either way,
and the value grammar left after it (braces, quotes, ``#``, ``@string`` macros)
is a few dozen lines, so the dependency would buy little.

Decisions:
- Braces are counted as BibTeX counts them (``\\{`` too) and ``"`` ends a quoted
  value only at brace depth 0, so files BibTeX accepts read the same here.
- A line starting with ``@type{`` inside an entry cuts that entry short: it is
  reported as not closed and reading resumes there, so one missing brace costs
  one entry, not the rest of the file.
- ``published`` keeps the precision the entry has (biblatex ``date``, or year,
  month and ``day``): ``2017``, ``2017-06`` or ``2017-06-12``. A day or month
  is never invented.
- An undefined macro keeps its name as text (BibTeX would substitute nothing).
- arXiv DOIs (``10.48550/arXiv.*``) give the arXiv id; ``doi`` stays the publisher's.
- Titles and names lose braces that only group or protect case; math and LaTeX
  commands (with an argument group right after them) stay verbatim, as do abstracts,
  as in arXiv's own titles. Accents in names become Unicode, as in arXiv's names.
- "and others" keeps the listed names and sets ``author_count`` to None (unknown);
  the writer adds "and others" back whenever the list is known to be incomplete.
- Writing: @misc with eprint/archivePrefix/primaryClass for arXiv papers, @article
  when there is a journal reference; ``date`` carries the day, since BibTeX has none.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date
from typing import BinaryIO, NamedTuple, TextIO

from paperscope.importers.base import FormatError, Item, read_lines
from paperscope.models import InvalidPaper, Paper, new_paper, normalize_doi, normalize_space
from paperscope.models import parse_arxiv_id as _arxiv
from paperscope.tex import unlatex

NAME = "bibtex"
SOURCE = "bibtex"
MAX_ENTRY_CHARS = 8 * 1024 * 1024  # papers with thousands of authors stay far below

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
_SPACE = re.compile(r"(?:\s+|%[^\n]*)*")  # whitespace and biber-style % comments
_AND = re.compile(r"[{}]|(?<=\s)and(?=\s)", re.IGNORECASE)
_COMMA = re.compile(r"[{},]")
_NEEDS_BRACES = re.compile(r",|\band\b", re.IGNORECASE)
_MATH = re.compile(r"\$\$.*?\$\$|\$(?:\\.|[^$\\])*\$", re.DOTALL)
_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.?)", re.DOTALL)
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(\S+)", re.IGNORECASE)
_ARXIV_TEXT = re.compile(r"arxiv:\s*([a-z][a-z-]*(?:\.[a-z]{2})?/\d{7}|\d{4}\.\d{4,5})", re.I)
_CATEGORY = re.compile(
    r"(?:cs|math|stat|physics|q-bio|q-fin|eess|econ|nlin|astro-ph|cond-mat)\.[A-Za-z-]+"
    r"|astro-ph|cond-mat|gr-qc|hep-(?:ex|lat|ph|th)|math-ph|nucl-(?:ex|th)|quant-ph"
    r"|acc-phys|adap-org|alg-geom|ao-sci|atom-ph|bayes-an|chao-dyn|chem-ph|cmp-lg|comp-gas"
    r"|dg-ga|funct-an|mtrl-th|patt-sol|plasm-ph|q-alg|solv-int|supr-con"
)
_CONTROL_GROUP = re.compile(r"\{\\[A-Za-z]+\}")  # "{\L}ukasz": the braces end the command
_STOPWORDS = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "from", "towards"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


def detect(head: bytes) -> bool:
    """True when the first thing after blank lines and ``%`` comments is ``@type{``.

    After prose (which BibTeX ignores), two ``@type{key,`` lines are needed, so a
    text that merely quotes a citation is not taken for a .bib file.
    """
    text = head.decode("utf-8-sig", "replace")
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("%"):
            return _LINE_START.match(line) is not None or len(_ENTRY_LINE.findall(text)) >= 2
    return False


class _Raw(NamedTuple):
    line: int
    text: str  # the entry from "@" to its closing delimiter (its first line if broken)
    error: str | None = None
    entry: bool = True  # False: an unreadable line outside any entry


def _split(stream: BinaryIO) -> Iterator[_Raw]:
    """Cut the stream into entries, holding one entry in memory at most."""
    parts: list[str] | None = None
    start = depth = size = 0
    paren = quote = False
    bad: str | None = None
    for line in read_lines(stream):
        text = line.text
        if text is None:
            if parts is None:
                yield _Raw(line.number, "", line.error, entry=False)
                continue
            bad = bad or f"has an unreadable line {line.number}: {line.error}"
            text = ""
        elif parts is not None and _LINE_START.match(text):
            yield _Raw(start, parts[0], f"is not closed before the entry at line {line.number}")
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
        yield _Raw(start, parts[0], "is not closed: the file ends inside it")


def _label(text: str) -> str:
    m = _LABEL.match(text)
    if m is None:
        return "the entry"
    return f"@{m[1].lower()}{{{m[2]}}}" if m[2] else f"@{m[1].lower()} (no key)"


class _Syntax(ValueError):
    def __init__(self, message: str, text: str, offset: int):
        super().__init__(message)
        self.lines = text.count("\n", 0, offset)  # how far into the entry it is


def parse(stream: BinaryIO) -> Iterator[Item]:
    """Yield one Item per entry; @string, @comment and @preamble yield nothing."""
    macros: dict[str, str] = dict(_MONTH_MACROS)
    blocks = records = 0
    early: list[Item] = []  # unreadable lines before the first block: a FormatError may follow
    for raw in _split(stream):
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
            yield Item(raw.line, error=f"{where} {raw.error}")
            continue
        try:
            fields = _parse_entry(raw.text, macros)
            if fields is None:
                continue
            records += 1
            yield Item(raw.line, paper=to_paper(fields))
        except _Syntax as exc:
            records += 1
            yield Item(raw.line, error=f"{where}: {exc} (line {raw.line + exc.lines})")
        except InvalidPaper as exc:
            yield Item(raw.line, error=f"{where}: {exc}")
    if not records:
        if blocks:
            raise FormatError("the file has only @string, @comment or @preamble blocks, no entries")
        many = f"{len(early)}{'+' * (len(early) >= 100)} unreadable line(s)"
        why = f"; {many}, the first is line {early[0].line}: {early[0].error}" if early else ""
        raise FormatError(f"no BibTeX entries (@article{{...}} and the like) found{why}")


def _parse_entry(text: str, macros: dict[str, str]) -> dict[str, str] | None:
    """Fields of one entry (names lower-cased, a repeated field keeps its first value)."""
    m = _HEAD.match(text)
    assert m is not None, "_split starts every entry at its head"
    kind, pos, end = m[1].lower(), m.end(), len(text) - 1  # text[end] closes the entry
    if kind in ("comment", "preamble"):
        return None
    comma = text.find(",", pos, end)
    if kind != "string" and "=" not in text[pos : comma if comma >= 0 else end]:
        pos = end if comma < 0 else comma + 1  # skip the citation key
    fields: dict[str, str] = {}
    while (pos := _skip_space(text, pos, end)) < end:
        if text[pos] == ",":
            pos += 1
            continue
        if (name := _NAME.match(text, pos, end)) is None:
            raise _Syntax(f"expected a field name, found {text[pos : pos + 20]!r}", text, pos)
        pos = _skip_space(text, name.end(), end)
        if pos >= end or text[pos] != "=":
            raise _Syntax(f"expected '=' after {name[0]!r}", text, pos)
        value, pos = _value(text, pos + 1, end, macros)
        fields.setdefault(name[0].lower(), value)
    if kind == "string":
        macros.update(fields)
        return None
    return fields


def _skip_space(text: str, pos: int, end: int) -> int:
    """Where the whitespace and comments from ``pos`` end (``pos`` itself if none)."""
    m = _SPACE.match(text, pos, end)
    assert m is not None, "_SPACE matches the empty string too"
    return m.end()


def _value(text: str, pos: int, end: int, macros: dict[str, str]) -> tuple[str, int]:
    """One value: ``{...}``, ``"..."``, a number or a macro, joined by ``#``."""
    out: list[str] = []
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
            out.append(text[pos + 1 : t.start()])
            pos = t.end()
        elif (word := _NAME.match(text, pos, end)) is not None:
            out.append(word[0] if word[0].isdigit() else macros.get(word[0].lower(), word[0]))
            pos = word.end()
        else:
            raise _Syntax(f"expected a value, found {text[pos : pos + 20]!r}", text, pos)
        pos = _skip_space(text, pos, end)
        if pos >= end or text[pos] != "#":
            return "".join(out), pos
        pos += 1


def plain(text: str) -> str:
    """Drop braces that only group or protect case; keep math and commands verbatim."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            command = _COMMAND.match(text, i)
            assert command is not None, "a backslash, with or without what follows it"
            j = command.end()
            if text[j : j + 1] == "{":  # the command's argument, kept with it
                j = _group_end(text, j)
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


def authors(value: str) -> tuple[list[str], bool]:
    """BibTeX names to "First von Last Jr" display names; True when "and others" ends them."""
    names = [n.strip() for n in _split_depth0(value, _AND) if n.strip()]
    others = bool(names) and names[-1].lower() == "others"
    display = []
    for name in names[:-1] if others else names:
        parts = [p.strip() for p in _split_depth0(name, _COMMA)]
        if len(parts) > 1:  # "von Last, First" or "von Last, Jr, First"
            parts = [parts[-1], parts[0], *parts[1:-1]]
        display.append(plain(unlatex(" ".join(p for p in parts if p))))
    return [d for d in display if d], others


def to_paper(fields: dict[str, str]) -> Paper:
    """Map one entry's fields (lower-case names) to a Paper; InvalidPaper says what is wrong."""
    get = fields.get
    title = plain(get("title", ""))
    if not title:
        raise InvalidPaper("the entry has no title")
    names, others = authors(get("author", ""))
    url = re.sub(r"\\([_%&#~])", r"\1", re.sub(r"[{}\s]", "", get("url", "")))
    doi = normalize_doi(get("doi") or (url if "doi.org/" in url else ""))
    arxiv = None
    if (get("archiveprefix") or get("eprinttype") or "arxiv").strip().lower() == "arxiv":
        arxiv = _arxiv(get("eprint"))
    for text in (get("arxivid"), url, get("journal"), get("note"), get("howpublished")):
        if arxiv is None and text:
            found = _ARXIV_TEXT.search(text)
            arxiv = _arxiv(found[1] if found else text)
    if m := _ARXIV_DOI.match(doi):
        arxiv, doi = arxiv or _arxiv(m[1]), ""
    keywords = re.split(r"[,;\s]+", get("keywords", ""))
    primary = (get("primaryclass") or get("eprintclass") or "").strip()
    categories = [c for c in [primary, *keywords] if _CATEGORY.fullmatch(c)]
    paper = new_paper(
        title=title,
        arxiv_id=arxiv[0] if arxiv else None,
        source=SOURCE,
        abstract=get("abstract", ""),
        authors=names,
        published=_published(fields),
        categories=categories,
        doi=doi,
        journal_ref=_journal_ref(fields),
        links={"url": url} if url.startswith(("https://", "http://")) and not arxiv else {},
    )
    if others:
        paper.author_count = None  # more authors than listed; how many is unknown
    return paper


def _published(fields: dict[str, str]) -> str | None:
    if m := re.match(r"\s*(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", fields.get("date", "")):
        year, month, day = (int(g) if g else None for g in m.groups())
    else:
        found = re.search(r"\d{4}", fields.get("year", ""))
        year = int(found[0]) if found else None
        raw = plain(fields.get("month", "")).lower().strip(". ")
        month = int(raw) if raw.isdigit() else None
        if raw[:3] in _MONTHS:
            month = _MONTHS.index(raw[:3]) + 1
        day = int(fields["day"]) if fields.get("day", "").strip().isdigit() else None
    if not year:
        return None
    try:
        if month and day:
            return date(year, month, day).isoformat()
        if month:
            return date(year, month, 1).isoformat()[:7]
    except ValueError:
        pass  # an impossible month or day: keep what is certain, the year
    return f"{year:04d}"


def _journal_ref(fields: dict[str, str]) -> str:
    get = fields.get
    venue = plain(get("journal") or get("journaltitle") or get("booktitle") or "")
    if not venue or re.match(r"(arxiv|corr)\b", venue, re.IGNORECASE):
        return ""  # a preprint, not a publication
    volume, number = plain(fields.get("volume", "")), plain(fields.get("number", ""))
    pages = plain(fields.get("pages", "")).replace("--", "-")
    return f"{venue}{volume and ' ' + volume}{number and f'({number})'}{pages and ', ' + pages}"


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
    """One entry: @article when there is a journal reference, else @misc (eprint for arXiv)."""
    key = key or cite_key(paper)
    if not re.fullmatch(r"[^\s,{}()\"#%'=\\@]+", key):
        raise ValueError(f"{key!r} cannot be a BibTeX citation key")
    # A name holding a comma or the word "and" is braced so that it stays one name.
    names = [_braced(n) if _NEEDS_BRACES.search(n) else _braced(n)[1:-1] for n in paper.authors]
    if names and (paper.author_count is None or paper.author_count > len(names)):
        names.append("others")  # the list is known to be incomplete
    day, arxiv = (paper.published or "")[:10], paper.arxiv_id
    link = paper.links.get("abs" if arxiv else "url", "")
    primary, rest = (
        (paper.categories[:1], paper.categories[1:]) if arxiv else ([], paper.categories)
    )
    fields = {
        "title": "{" + _braced(paper.title) + "}",  # double braces keep the case
        "author": names and "{" + " and ".join(names) + "}",
        "year": day and "{" + day[:4] + "}",
        "month": len(day) >= 7 and _MONTHS[int(day[5:7]) - 1],
        "date": len(day) == 10 and "{" + day + "}",  # biblatex; how the day survives
        "journal": paper.journal_ref and _braced(paper.journal_ref),
        "doi": paper.doi and _braced(paper.doi),
        "eprint": arxiv and "{" + arxiv + "}",
        "archivePrefix": arxiv and "{arXiv}",
        "primaryClass": primary and _braced(primary[0]),
        "keywords": rest and _braced(", ".join(rest)),
        "url": link and _braced(normalize_space(link)),
        "abstract": paper.abstract and _braced(paper.abstract),
    }
    body = "".join(f"  {name} = {value},\n" for name, value in fields.items() if value)
    return f"@{'article' if paper.journal_ref else 'misc'}{{{key},\n{body}}}\n"


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
