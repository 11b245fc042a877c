"""The paper record, its identity rules and how two records of one paper merge.

Plain data and pure functions only: no I/O happens here, so importers, the
store and the web layer all share these rules.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, fields, replace

from paperscope.tex import unlatex

# Limits on one record. Real arXiv titles stay under 400 characters and
# abstracts under 2,000; these bounds are generous but stop a corrupt file
# from storing a 10 MB "title".
MAX_TITLE = 2_000
MAX_ABSTRACT = 100_000
MAX_AUTHORS = 20_000
MAX_AUTHOR_NAME = 500
MAX_FIELD = 10_000
# The most upvotes any source may report (the busiest Hugging Face papers
# have a few thousand); the columns are 32-bit on PostgreSQL.
MAX_UPVOTES = 10_000_000

# How much a source is trusted when two records disagree on a field.
# arXiv's own metadata beats a saved web page; an unknown source ranks lowest.
SOURCE_PRIORITY = {
    "arxiv-snapshot": 3,
    "arxiv-oai": 3,
    "arxiv-api": 3,
    "arxiv-oai-dc": 3,
    # Reference managers and bibliographic databases: what a person or an
    # indexer typed, often the published version's venue, but arXiv's text wins.
    "bibtex": 1,
    "ris": 1,
    "csl-json": 1,
    "endnote": 1,
    "medline": 1,
    "isi": 1,
    # Hugging Face: its API gives arXiv's title, abstract and authors, cleanly;
    # a saved page is scraped text.
    "hf-api": 2,
    "hf-page": 0,
    "demo": -1,  # synthetic (paperscope demo): any real record wins a merge with it
}

_WORD = re.compile(r"\w+")
_NEW_ARXIV = re.compile(r"(?<![\w.])(\d{4}\.\d{4,5})(v\d+)?(?![\w.])")
_OLD_ARXIV = re.compile(r"(?<![\w.])([a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(v\d+)?(?!\w)")
_ARXIV_PREFIX = re.compile(r"^arxiv:\s*", re.IGNORECASE)
_ARXIV_URL = re.compile(
    r"(?:arxiv\.org|huggingface\.co/papers|hf\.co/papers)/(?:abs/|pdf/|html/)?"
    r"([a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}|\d{4}\.\d{4,5})(v\d+)?",
    re.IGNORECASE,
)
_DOI = re.compile(r"\b(10\.\d{4,9}/\S+)", re.IGNORECASE)


def normalize_space(text: str | None) -> str:
    """Collapse runs of whitespace (line breaks included) to one space and trim."""
    if not text:
        return ""
    # arXiv wraps its abstracts with line breaks: where those and single spaces
    # are all the whitespace there is, replacing the breaks is the whole job,
    # at half the cost of splitting (isprintable is False for every other
    # character str.split() splits on).
    flat = text.replace("\n", " ").strip()
    if "  " not in flat and flat.isprintable():
        return flat
    return " ".join(text.split())


# arXiv's own name parser (authors_parsed, OAI forenames) splits hyphenated
# initials: "C.-P. Yuan" arrives as "C. -P." + "Yuan".
_SPLIT_INITIALS = re.compile(r"(?<=\.) +-(?=\w)")


def tidy_name(name: str) -> str:
    """A person's name with spacing collapsed and hyphenated initials whole."""
    name = normalize_space(name)
    return _SPLIT_INITIALS.sub("-", name) if " -" in name else name


def title_key(title: str) -> str:
    """Fold a title for matching: case, accents (TeX's too), punctuation and
    spacing removed, so ``Gr\\"obner`` and ``Gröbner`` are one title."""
    if "\\" in title or "{" in title:
        title = unlatex(title).replace("{", "").replace("}", "")  # {\c C}elik: one word
    return _fold(title)


def _fold(title: str) -> str:
    if title.isascii():  # the common case, and ten times faster
        return " ".join(_WORD.findall(title.lower()))
    folded = unicodedata.normalize("NFKD", title).casefold()
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(folded))


def title_hash(title: str) -> str:
    """A stable 16-hex-digit hash of the folded title."""
    return _hash(title_key(title))


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def hash_id(title: str) -> str:
    """The id of a paper with no arXiv id: ``t-`` and a hash of its folded title."""
    return "t-" + title_hash(title)


def is_hash_id(paper_id: str) -> bool:
    return paper_id.startswith("t-")


def parse_arxiv_id(text: str | None) -> tuple[str, int | None] | None:
    """Find an arXiv id in ``text`` (bare id, ``arXiv:`` prefix or URL).

    Returns ``(id_without_version, version_or_None)`` or None.
    """
    if not text:
        return None
    text = text.strip()
    # A bare new-style id (most records) first: no URL can match it whole.
    m = _NEW_ARXIV.fullmatch(text) or _ARXIV_URL.search(text)
    if m is None:
        bare = _ARXIV_PREFIX.sub("", text)
        m = _NEW_ARXIV.fullmatch(bare) or _OLD_ARXIV.fullmatch(bare)
    if m is None:
        return None
    version = int(m.group(2)[1:]) if m.group(2) else None
    return m.group(1), version


def normalize_doi(text: str | None) -> str:
    """The bare DOI (``10.x/y``) in a DOI, ``doi:`` string or doi.org URL, case kept."""
    if not text:
        return ""
    # BibTeX writers double-brace DOIs ({{10.1016/x}}): no DOI holds a brace.
    m = _DOI.search(text.replace("{", "").replace("}", "").strip())
    return m.group(1).rstrip(".,;") if m else ""


@dataclass(slots=True)
class Version:
    """One arXiv version: ``version`` is the number (1 for v1), ``created`` ISO UTC."""

    version: int
    created: str | None = None
    size: str | None = None


@dataclass(slots=True)
class Paper:
    """A research paper as paperscope stores it.

    Dates are ISO 8601 in UTC at the precision the source knows: ``YYYY`` or
    ``YYYY-MM`` (BibTeX often gives no day), ``YYYY-MM-DD``, or
    ``YYYY-MM-DDTHH:MM:SSZ``. They sort correctly as text. ``author_count`` is kept even
    when only a count is known (Hugging Face pages show "4 authors").
    """

    id: str
    title: str
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    author_count: int | None = None
    published: str | None = None
    updated: str | None = None
    versions: list[Version] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    doi: str = ""
    journal_ref: str = ""
    # Where the work appeared, field by field, as bibliographic formats give it
    # (BibTeX journal/volume/number/pages, RIS JO/VL/IS/SP-EP, CSL-JSON);
    # journal_ref stays the one readable line pages show.
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    comments: str = ""
    license: str = ""
    submitter: str = ""
    links: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    # Community fields: the upvote count a source reported, the day the paper
    # entered the daily feed, and who submitted it there.
    upvotes: int = 0
    feed_date: str | None = None
    submitted_by: str = ""
    # Votes cast by this instance's users; the store counts them (never merged
    # from or written by an import).
    votes: int = 0

    @property
    def total_upvotes(self) -> int:
        """What the site shows and ranks by: a source's upvotes plus ours."""
        return self.upvotes + self.votes

    @property
    def arxiv_id(self) -> str | None:
        return None if is_hash_id(self.id) else self.id

    @property
    def primary_category(self) -> str | None:
        return self.categories[0] if self.categories else None

    def identity_keys(self) -> list[str]:
        """Identity keys used to find this paper again: arXiv id, DOI, title.

        A title key alone is not proof of identity: the store checks
        :func:`same_work` before it merges two records found by title.
        """
        keys = [] if is_hash_id(self.id) else ["arxiv:" + self.id]
        if self.doi:
            keys.append("doi:" + self.doi.lower())  # DOIs are case-insensitive
        if self.title:
            keys.append("title:" + title_hash(self.title))
            if ("\\" in self.title or "{" in self.title) and (
                legacy := _hash(_fold(self.title))
            ) != keys[-1][6:]:
                # Titles with TeX accents or braces were keyed without
                # decoding them before; the old key finds papers stored then.
                keys.append("title:" + legacy)
        return keys

    @property
    def venue(self) -> tuple[str, str, str, str]:
        return (self.journal, self.volume, self.issue, self.pages)


class InvalidPaper(ValueError):
    """A record that cannot be stored; the message names the field and the problem."""


def new_paper(
    *,
    title: str,
    arxiv_id: str | None = None,
    paper_id: str | None = None,
    source: str,
    **values,
) -> Paper:
    """Build a normalised :class:`Paper` from importer values.

    Whitespace in the title and abstract is collapsed (LaTeX kept verbatim),
    the id is the arXiv id without version when known, else ``paper_id`` when
    the file gives one of paperscope's own ``t-`` ids (an export keeps its
    ids), else a title hash. Raises :class:`InvalidPaper` for records that
    cannot be stored.
    """
    title = normalize_space(title)
    if not title:
        raise InvalidPaper("the record has no title")
    if not _WORD.search(title) or ("\\" in title and not title_key(title)):
        raise InvalidPaper(f"the title {title[:60]!r} has no letters or digits")
    parsed = parse_arxiv_id(arxiv_id) if arxiv_id else None
    if arxiv_id and parsed is None:
        raise InvalidPaper(f"{arxiv_id[:80]!r} is not an arXiv id")
    if paper_id is not None and not _HASH_ID.fullmatch(paper_id):
        raise InvalidPaper(f"id {paper_id[:60]!r} is not t- and 16 hex digits")
    values["abstract"] = normalize_space(values.get("abstract"))
    values["doi"] = normalize_doi(values.get("doi"))
    for name in ("journal_ref", "comments", "license", "submitter", "submitted_by"):
        values[name] = normalize_space(values.get(name))
    for name in ("journal", "volume", "issue", "pages"):  # most records have no venue
        if name in values:
            values[name] = normalize_space(values[name])
    authors = [tidy_name(a) for a in values.get("authors") or []]
    values["authors"] = [a for a in authors if a]
    values["categories"] = _unique(c.strip() for c in values.get("categories") or [] if c.strip())
    paper = Paper(
        id=parsed[0] if parsed else paper_id or hash_id(title),
        title=title,
        sources=[source],
        **values,
    )
    if paper.authors:
        paper.author_count = max(len(paper.authors), paper.author_count or 0)
    if paper.arxiv_id:
        paper.links.setdefault("abs", f"https://arxiv.org/abs/{paper.id}")
        paper.links.setdefault("pdf", f"https://arxiv.org/pdf/{paper.id}")
    validate(paper, id_checked=parsed is not None)
    return paper


def is_valid_id(paper_id: str) -> bool:
    """Whether ``paper_id`` is one paperscope makes: an arXiv id without its
    version, or ``t-`` and 16 hex digits. Nothing else is stored, so no id can
    carry ``/../`` or ``?`` into the site's addresses."""
    if _HASH_ID.fullmatch(paper_id):
        return True
    parsed = parse_arxiv_id(paper_id)
    return parsed is not None and parsed[0] == paper_id and parsed[1] is None


_HASH_ID = re.compile(r"t-[0-9a-f]{16}", re.ASCII)


def validate(paper: Paper, *, id_checked: bool = False) -> None:
    """Raise :class:`InvalidPaper` naming the first field that is out of bounds
    (``id_checked``: the id was just made from a parsed arXiv id)."""
    if not id_checked and not is_valid_id(paper.id):
        raise InvalidPaper(
            f"id {paper.id[:60]!r} is neither an arXiv id (without version) nor t- and 16 hex digits"
        )
    if not paper.title:
        raise InvalidPaper("the record has no title")
    _check_len("title", paper.title, MAX_TITLE)
    _check_len("abstract", paper.abstract, MAX_ABSTRACT)
    if len(paper.authors) > MAX_AUTHORS:
        raise InvalidPaper(f"{len(paper.authors):,} authors (limit {MAX_AUTHORS:,})")
    if paper.authors and max(map(len, paper.authors)) > MAX_AUTHOR_NAME:
        for i, name in enumerate(paper.authors, 1):
            _check_len(f"author {i}", name, MAX_AUTHOR_NAME)
    for name in (
        "doi", "journal_ref", "journal", "volume", "issue", "pages",
        "comments", "license", "submitter", "submitted_by",
    ):  # fmt: skip
        _check_len(name, getattr(paper, name), MAX_FIELD)
    if paper.author_count is not None and not 0 <= paper.author_count <= MAX_AUTHORS:
        raise InvalidPaper(
            f"author count {paper.author_count:,} is out of bounds (0 to {MAX_AUTHORS:,})"
        )
    if not 0 <= paper.upvotes <= MAX_UPVOTES:
        raise InvalidPaper(f"{paper.upvotes:,} upvotes is out of bounds (0 to {MAX_UPVOTES:,})")
    for name in ("published", "updated", "feed_date"):
        value = getattr(paper, name)
        if value is not None and not _ISO.fullmatch(value):
            raise InvalidPaper(f"{name} {value[:40]!r} is not an ISO 8601 UTC date")


# ISO 8601 in UTC, at the precision a source knows: a year, a month, a day or a time.
_ISO = re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}:\d{2}Z)?)?)?")


def _check_len(name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise InvalidPaper(f"{name} is {len(value):,} characters long (limit {limit:,})")


def _unique(items) -> list:
    seen: dict = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def priority(paper: Paper) -> int:
    return max((SOURCE_PRIORITY.get(s, 2) for s in paper.sources), default=0)


def merge(old: Paper, new: Paper) -> Paper:
    """Combine two records of one paper, keeping the richest value of each field.

    The rules, field by field:
    - text fields: a non-empty value beats an empty one; when both are set the
      more trusted source wins (arXiv over BibTeX over a saved web page), and
      between equally trusted sources the longer value wins, then the old one;
    - authors: like text, the more trusted source's list, then the longer
      one; the author count is the largest known;
    - published: the more precise of two values that agree, else the more
      trusted source's;
      updated: the latest; versions: the union by number;
    - venue (journal, volume, issue, pages): taken whole from one record, the
      more trusted source's, else the one that says more, else the old one;
    - categories: the more trusted source's order, then any others;
    - links and sources: the union; upvotes: the highest reported;
    - feed day and submitter: the first one set is kept.

    The result's id is the arXiv id when either record has one. Merging a
    record into itself, or merging the same record twice, changes nothing.
    """
    p_old, p_new = priority(old), priority(new)
    newer_wins = p_new > p_old

    def text(a: str, b: str) -> str:
        if not a or not b:
            return a or b
        if p_new != p_old:
            return b if newer_wins else a
        return b if len(b) > len(a) else a

    if not old.authors or not new.authors:
        authors = old.authors or new.authors
    elif p_new != p_old:
        authors = new.authors if newer_wins else old.authors
    else:
        authors = new.authors if len(new.authors) > len(old.authors) else old.authors
    counts = [c for c in (old.author_count, new.author_count, len(authors) or None) if c]
    author_count = max(counts) if counts else None

    if newer_wins:
        categories = _unique([*new.categories, *old.categories])
    else:
        categories = _unique([*old.categories, *new.categories])

    links = dict(new.links) if not newer_wins else {}
    links.update(old.links)
    if newer_wins:
        links.update(new.links)

    venue = _merge_venue(old, new, p_old, p_new)
    return replace(
        old,
        id=old.id if not is_hash_id(old.id) or is_hash_id(new.id) else new.id,
        title=text(old.title, new.title),
        abstract=text(old.abstract, new.abstract),
        authors=list(authors),
        author_count=author_count,
        published=_merge_published(old.published, new.published, p_old, p_new),
        updated=max(filter(None, (old.updated, new.updated)), default=None),
        versions=_merge_versions(old.versions, new.versions),
        categories=categories,
        doi=text(old.doi, new.doi),
        journal_ref=text(old.journal_ref, new.journal_ref),
        journal=venue[0],
        volume=venue[1],
        issue=venue[2],
        pages=venue[3],
        comments=text(old.comments, new.comments),
        license=text(old.license, new.license),
        submitter=text(old.submitter, new.submitter),
        links=dict(sorted(links.items())),
        sources=sorted(set(old.sources) | set(new.sources)),
        upvotes=max(old.upvotes, new.upvotes),
        feed_date=old.feed_date or new.feed_date,
        submitted_by=old.submitted_by or new.submitted_by,
    )


def _merge_venue(old: Paper, new: Paper, p_old: int, p_new: int) -> tuple[str, str, str, str]:
    a, b = old.venue, new.venue
    filled_a, filled_b = sum(map(bool, a)), sum(map(bool, b))
    if not filled_b or (filled_a and (p_old > p_new or (p_old == p_new and filled_a >= filled_b))):
        return a
    return b


# -- one work or two ----------------------------------------------------------

_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_FIRST_NUMBER = re.compile(r"\d+")


def same_work(a: Paper, b: Paper) -> bool:
    """Whether two records whose titles fold alike are one work.

    A title alone is weak: an editor's 37 "Editorial comments", two papers
    called "The Copper Oxide Rectifier" (1936 and 1951). Two records are one
    work when nothing they both know disagrees:
    - their DOIs (when both have one) are the same;
    - the first authors' family names agree (when both list authors);
    - their years are at most one apart (when both have one);
    - where they appeared agrees: the same journal's another volume, issue or
      first page is another work.
    A preprint and its published version (one has an arXiv id, the other
    not) are one work when the people agree, whatever the years and venue.
    """
    if a.doi and b.doi and a.doi.lower() != b.doi.lower():
        return False
    if a.authors and b.authors and not _same_person(a.authors[0], b.authors[0]):
        return False
    if is_hash_id(a.id) != is_hash_id(b.id):
        return True  # a preprint and its published version
    year_a, year_b = _year(a), _year(b)
    if year_a is not None and year_b is not None and abs(year_a - year_b) > 1:
        return False
    return not _venues_differ(a, b)


def work_id(paper: Paper) -> str:
    """The id of a paper with no arXiv id whose title another work already has:
    the title hash of the title, first author's family name, year and venue,
    which differ between any two records :func:`same_work` tells apart."""
    family = _family(paper.authors[0]) if paper.authors else ""
    year = _year(paper)
    parts = (title_key(paper.title), family, str(year or ""), *paper.venue[1:], paper.doi.lower())
    return "t-" + _hash("\x1f".join(parts))


def _year(paper: Paper) -> int | None:
    published = paper.published
    return int(published[:4]) if published and published[:4].isdigit() else None


def _name_words(name: str) -> list[str]:
    words = title_key(name).split()
    return [w for w in words if w not in _NAME_SUFFIXES]


def _family(name: str) -> str:
    words = _name_words(name)
    return words[-1] if words else ""


def _same_person(a: str, b: str) -> bool:
    """Whether two spellings of a first author share the family name; either
    order of given and family name counts ("Wei Zhang", "Zhang Wei")."""
    words_a, words_b = _name_words(a), _name_words(b)
    if not words_a or not words_b:
        return True
    return words_a[-1] in words_b or words_b[-1] in words_a


def _venues_differ(a: Paper, b: Paper) -> bool:
    for x, y in ((a.volume, b.volume), (a.issue, b.issue), (_first_page(a), _first_page(b))):
        if x and y and title_key(x) != title_key(y):
            return True
    return False


def _first_page(paper: Paper) -> str:
    m = _FIRST_NUMBER.search(paper.pages)
    return m[0] if m else paper.pages


def _merge_published(a: str | None, b: str | None, pa: int, pb: int) -> str | None:
    if not a or not b:
        return a or b
    # The same date at two precisions ("2017", "2017-06-12", "2017-06-12T17:57:34Z"):
    # keep the more precise; a differing time of day is settled by trust below.
    short, long = sorted((a, b), key=len)
    if long.startswith(short[:10]) and len(short) <= 10:
        return long
    return b if pb > pa else a


def _merge_versions(a: list[Version], b: list[Version]) -> list[Version]:
    by_number: dict[int, Version] = {v.version: v for v in a}
    for v in b:
        have = by_number.get(v.version)
        if have is None:
            by_number[v.version] = v
        else:
            by_number[v.version] = Version(
                v.version, have.created or v.created, have.size or v.size
            )
    return [by_number[n] for n in sorted(by_number)]


def canonical(paper: Paper) -> Paper:
    """The record in its stored shape (sorted links and sources), for comparisons."""
    if (
        len(paper.sources) <= 1
        and list(paper.links) == sorted(paper.links)
        and (
            len(paper.versions) < 2
            or all(
                a.version < b.version
                for a, b in zip(paper.versions, paper.versions[1:], strict=False)
            )
        )
    ):
        return paper  # already canonical: skip the copy on the bulk-import path
    return replace(
        paper,
        links=dict(sorted(paper.links.items())),
        sources=sorted(set(paper.sources)),
        versions=sorted(paper.versions, key=lambda v: v.version),
    )


# The fields a record carries between libraries (export, JSONL). ``votes`` is
# not one: it counts this instance's users' votes, which live in its database.
PAPER_FIELDS = tuple(f.name for f in fields(Paper) if f.name != "votes")
