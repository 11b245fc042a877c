"""BM25 keyword search over a tantivy index kept in one directory.

The index is a derived copy of the store: only the paper id is stored (the
store holds the record), which keeps the index small and upserts cheap.
Queries are built with tantivy's ``Query`` constructors from a
:class:`ParsedQuery`, never from query strings, so user text cannot cause a
parser error.

Scoring: free words are OR-ed and ranked by BM25 (a paper matching more words
scores higher); within one word the fields are OR-ed with boosts. Phrases and
``title:``/``author:``/``cat:`` clauses are required. A query with no
scoring clause but with restrictions (``cat:`` only, filters only) returns the
matching papers newest first (undated ones last), each with score 0.0. A
query with nothing to look for (empty, or only exclusions) and no filters
returns no hits rather than the whole library minus the exclusions.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable, Container, Iterable
from pathlib import Path

import tantivy
from tantivy import FieldType, Filter, Occur, Query, TextAnalyzerBuilder, Tokenizer

from paperscope.models import Paper
from paperscope.search import MARK_FILE
from paperscope.search.indexes import MarkFile
from paperscope.search.query import ParsedQuery, SearchFilters, clean, parse_query
from paperscope.search.results import Hit

# Bump when the schema or an analyzer changes: an index built by another
# version is refused (or rebuilt when asked) instead of silently mis-matching.
SCHEMA_VERSION = 1
MARKER = "paperscope-lexical.json"

# Titles are short, chosen summaries: a word there says more about what the
# paper is about than the same word in a 200-word abstract, so it counts
# 2.5 times. Names are rare, specific terms a user types on purpose: 1.5.
BOOSTS = {"title": 2.5, "abstract": 1.0, "authors": 1.5}
TEXT_FIELDS = ("title", "abstract", "authors")
PHRASE_FIELDS = ("title", "abstract")

# The writer's indexing memory, split between its threads (tantivy needs at
# least 15 MB a thread). 128 MB holds a 10,000-paper batch in one segment
# without flushing, yet stays small beside the rest of a server.
WRITER_HEAP = 128_000_000
WRITER_THREADS = max(1, min(4, os.cpu_count() or 1))
MAX_LIMIT = 10_000


class LexicalIndexError(Exception):
    """The index directory cannot be used as it is; the message says why and what to do."""


def _english() -> tantivy.TextAnalyzer:
    # ascii_fold before stemming so "naïve" and "naive" share a stem.
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(40))
        .filter(Filter.lowercase())
        .filter(Filter.ascii_fold())
        .filter(Filter.stopword("english"))
        .filter(Filter.stemmer("english"))
        .build()
    )


def _names() -> tantivy.TextAnalyzer:
    # No stemming and no stop words: "Wang", "Will" and "An" are names here.
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(40))
        .filter(Filter.lowercase())
        .filter(Filter.ascii_fold())
        .build()
    )


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", tokenizer_name="ps_english")
    sb.add_text_field("abstract", tokenizer_name="ps_english")
    sb.add_text_field("authors", tokenizer_name="ps_names")
    sb.add_text_field("author_exact", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("categories", tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("published", indexed=True, fast=True)  # yyyymmdd
    sb.add_unsigned_field("upvotes", indexed=True, fast=True)
    return sb.build()


def author_key(name: str) -> str:
    """An author name as the exact-author filter compares it: spacing and case folded."""
    return " ".join(name.split()).casefold()


def date_number(value: str, *, end: bool = False) -> int:
    """``YYYY[-MM[-DD[...]]]`` as the integer yyyymmdd.

    A reduced-precision date maps to the first day of its period, or with
    ``end`` to the last possible day (31 is fine: it only bounds a range).
    Raises ValueError for anything else.
    """
    parts = value[:10].split("-")
    try:
        if not 1 <= len(parts) <= 3 or len(parts[0]) != 4:
            raise ValueError
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else (12 if end else 1)
        day = int(parts[2]) if len(parts) > 2 else (31 if end else 1)
        if not (1 <= month <= 12 and 1 <= day <= 31):
            raise ValueError
    except ValueError:
        raise ValueError(f"{value[:40]!r} is not a date (expected YYYY-MM-DD)") from None
    return year * 10_000 + month * 100 + day


class LexicalIndex:
    """A tantivy index in ``path``: created when missing, opened when present.

    An index built with another schema version raises
    :class:`LexicalIndexError`; with ``rebuild=True`` it is emptied instead and
    ``rebuilt`` is set, telling the caller to re-index every paper.
    A writer is opened per :meth:`upsert` and closed after its commit, so the
    lock is held only while writing and other processes can write in between.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        rebuild: bool = False,
        mark: Path | None = None,
        boosts: dict[str, float] | None = None,
    ):
        self.path = Path(path)
        self.rebuilt = False
        self.boosts = {**BOOSTS, **(boosts or {})}
        self._mark = MarkFile(mark or self.path / MARK_FILE)
        self._schema = _schema()
        self._english = _english()
        self._names = _names()
        self._index = self._open(rebuild)
        self._index.register_tokenizer("ps_english", self._english)
        self._index.register_tokenizer("ps_names", self._names)
        self._index.config_reader(reload_policy="manual")
        self._index.reload()
        if self.rebuilt:
            self.write_mark(0)  # a new schema: every paper must be indexed again

    def _open(self, rebuild: bool) -> tantivy.Index:
        marker = self.path / MARKER
        if (self.path / "meta.json").exists():
            problem = None
            try:
                found = json.loads(marker.read_text()).get("schema_version")
            except (OSError, ValueError, AttributeError):
                found = None
            if found != SCHEMA_VERSION:
                problem = (
                    f"was built with schema version {found}, this paperscope uses {SCHEMA_VERSION}"
                )
            else:
                try:
                    return tantivy.Index(self._schema, path=str(self.path), reuse=True)
                except ValueError as e:
                    problem = f"cannot be opened ({e})"
            if not rebuild:
                raise LexicalIndexError(
                    f"the search index at {self.path} {problem}; "
                    "rebuild it (LexicalIndex(path, rebuild=True), then re-index the papers)"
                )
            shutil.rmtree(self.path)
            self.rebuilt = True
        elif self.path.exists() and any(self.path.iterdir()):
            raise LexicalIndexError(
                f"{self.path} is not empty and holds no search index; choose an empty folder"
            )
        self.path.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(self._schema, path=str(self.path), reuse=False)
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(json.dumps({"schema_version": SCHEMA_VERSION}))
        tmp.replace(marker)
        return index

    # Writing -------------------------------------------------------------

    def _document(self, paper: Paper) -> tantivy.Document:
        doc = tantivy.Document()
        doc.add_text("id", paper.id)
        doc.add_text("title", paper.title)
        if paper.abstract:
            doc.add_text("abstract", paper.abstract)
        for name in paper.authors:
            doc.add_text("authors", name)
            doc.add_text("author_exact", author_key(name))
        for cat in paper.categories:
            doc.add_text("categories", cat.lower())
        if paper.published:
            with contextlib.suppress(ValueError):
                doc.add_integer("published", date_number(paper.published))
        doc.add_unsigned("upvotes", max(0, paper.total_upvotes))
        return doc

    def writer(self, threads: int = WRITER_THREADS) -> Writer:
        """A writer held until its :meth:`Writer.commit` (or rollback): for
        many batches in one commit, as an import that indexes as it goes
        (with fewer ``threads``, leaving a core to the import itself)."""
        return Writer(self, threads)

    def _write(self, work: Callable[[Writer], int]) -> int:
        writer = self.writer()
        try:
            done = work(writer)
        except BaseException:
            writer.rollback()
            raise
        writer.commit()
        return done

    def read_mark(self) -> int:
        return self._mark.seq()

    def write_mark(self, seq: int) -> None:
        self._mark.write(seq)

    def refresh(self) -> None:
        """See what another process (or another LexicalIndex) committed since."""
        self._index.reload()

    def upsert(self, papers: Iterable[Paper]) -> int:
        """Index ``papers``, replacing any earlier copy of each; one commit. Returns the count."""

        return self._write(lambda writer: writer.add(papers))

    def remove(self, ids: Iterable[str]) -> int:
        """Drop these papers from the index; returns how many ids were given."""

        return self._write(lambda writer: writer.remove(ids))

    def clear(self) -> None:
        """Remove every paper (the schema and the directory stay)."""
        self._write(lambda writer: writer.clear())

    def count(self) -> int:
        return self._index.searcher().num_docs

    # Searching -----------------------------------------------------------

    def search(
        self,
        query: ParsedQuery | str,
        *,
        limit: int = 20,
        offset: int = 0,
        filters: SearchFilters | None = None,
    ) -> list[Hit]:
        """The hits for ``query`` and ``filters``, best first; [] when neither asks
        for anything. Each says its ``keyword_rank`` (1-based, counting the
        offset) and its ``bm25`` score (0.0 when ordered by date)."""
        if isinstance(query, str):
            query = parse_query(query)
        limit = min(max(0, int(limit)), MAX_LIMIT)
        offset = max(0, int(offset))
        scoring = self._scoring(query)
        required = self._required(query, filters)
        excluded = self._excluded(query)
        if limit == 0 or (not scoring and not required):
            return []
        # Restrictions score 0 so that only the words, phrases and fields rank.
        clauses = [(Occur.Must, Query.const_score_query(q, 0.0)) for q in required]
        clauses += [(Occur.MustNot, q) for q in excluded]
        searcher = self._index.searcher()
        if scoring:
            # Free words alone are searched as one flat union of term queries,
            # unwrapped: the one shape tantivy ranks with block-max WAND,
            # skipping the blocks of postings that cannot reach the top hits.
            ranked = _any(scoring)
            top = Query.boolean_query([*clauses, (Occur.Must, ranked)]) if clauses else ranked
            result = searcher.search(top, limit=limit, offset=offset, count=False)
            hits = [(float(score), addr) for score, addr in result.hits]
        else:
            result = searcher.search(
                Query.boolean_query(clauses),
                limit=limit,
                offset=offset,
                count=False,
                order_by_field="published",
                order=tantivy.Order.Desc,
            )
            hits = [(0.0, addr) for _, addr in result.hits]
        return [
            keyword_hit(searcher.doc(addr)["id"][0], score, offset + i, "bm25")
            for i, (score, addr) in enumerate(hits, 1)
        ]

    def _scoring(self, query: ParsedQuery) -> list[Query]:
        """The clauses that rank: free words (any one may match) and required text clauses.

        Each free word gives one boosted clause per field, all side by side:
        a union's score is the sum of its clauses', so this ranks as a union
        of per-word unions would, and a boosted term query stays a term
        query to tantivy (the boost goes into its BM25 weight)."""
        words = []
        for term in query.terms:
            if not self._english.analyze(term):
                # A stop word ("the") would still match names such as "The
                # BABAR Collaboration"; author: finds those on purpose.
                continue
            words += [
                Query.boost_query(q, self.boosts[name])
                for name in TEXT_FIELDS
                if (q := self._text(name, term)) is not None
            ]
        must = [q for phrase in query.phrases if (q := self._in_fields(PHRASE_FIELDS, phrase))]
        must += [q for v in query.fields.get("title", []) if (q := self._text("title", v))]
        must += [q for v in query.fields.get("author", []) if (q := self._text("authors", v))]
        if not must:
            return words
        if words:  # the words still rank papers that have every required clause
            must.append(Query.boolean_query([(Occur.Should, w) for w in words]))
        return [Query.boolean_query([(Occur.Must, q) for q in must])]

    def _required(self, query: ParsedQuery, filters: SearchFilters | None) -> list[Query]:
        schema = self._schema
        required = [
            Query.term_query(schema, "categories", c.lower()) for c in query.fields.get("cat", [])
        ]
        if filters is None:
            return required
        # Filters come from URL parameters: as untrusted as the query text.
        cats = [c for c in (clean(c).strip().lower() for c in filters.categories) if c]
        if cats:
            required.append(Query.term_set_query(schema, "categories", cats))
        author = author_key(clean(filters.author or ""))
        if author:
            required.append(Query.term_query(schema, "author_exact", author))
        if filters.date_from or filters.date_to:
            lo = date_number(filters.date_from) if filters.date_from else None
            hi = date_number(filters.date_to, end=True) if filters.date_to else None
            required.append(Query.range_query(schema, "published", FieldType.Integer, lo, hi))
        if filters.min_upvotes is not None:
            least = max(0, int(filters.min_upvotes))
            required.append(Query.range_query(schema, "upvotes", FieldType.Unsigned, least, None))
        return required

    def _excluded(self, query: ParsedQuery) -> list[Query]:
        out = [q for v in query.excluded if (q := self._in_fields(TEXT_FIELDS, v))]
        ex = query.excluded_fields
        out += [q for v in ex.get("title", []) if (q := self._text("title", v))]
        out += [q for v in ex.get("author", []) if (q := self._text("authors", v))]
        out += [Query.term_query(self._schema, "categories", c.lower()) for c in ex.get("cat", [])]
        return out

    def _in_fields(self, names: Iterable[str], text: str) -> Query | None:
        found = [q for name in names if (q := self._text(name, text)) is not None]
        return _any(found) if found else None

    def _text(self, name: str, text: str) -> Query | None:
        """``text`` analyzed as field ``name`` indexes it: a term, a phrase, or None if no tokens."""
        analyzer = self._names if name == "authors" else self._english
        tokens = analyzer.pre_tokenize(text).tokens
        if not tokens:
            return None
        if len(tokens) == 1:
            return Query.term_query(self._schema, name, tokens[0].text)
        # Positions keep the gaps of removed stop words: "graph of networks"
        # matches "graph for networks" but not "graph networks".
        first = tokens[0].position
        words: list[str | tuple[int, str]] = [(t.position - first, t.text) for t in tokens]
        return Query.phrase_query(self._schema, name, words)


class Writer:
    """One tantivy writer (it holds the index's writer lock) and its uncommitted
    work. Added documents go to tantivy's own indexing threads, which run beside
    the caller (an import parsing and storing the next batch meanwhile);
    nothing is visible to searches until :meth:`commit`."""

    def __init__(self, index: LexicalIndex, threads: int = WRITER_THREADS):
        self._index = index
        self._writer = index._index.writer(heap_size=WRITER_HEAP, num_threads=threads)

    def add(self, papers: Iterable[Paper], new_ids: Container[str] = ()) -> int:
        """Index ``papers``, replacing any earlier copy of each, except those in
        ``new_ids`` (known to be absent: nothing to delete). Returns the count."""
        writer = self._writer
        document = self._index._document
        n = 0
        for paper in papers:
            if paper.id not in new_ids:
                writer.delete_documents_by_term("id", paper.id)
            writer.add_document(document(paper))
            n += 1
        return n

    def remove(self, ids: Iterable[str]) -> int:
        n = 0
        for paper_id in ids:
            self._writer.delete_documents_by_term("id", paper_id)
            n += 1
        return n

    def clear(self) -> int:
        self._writer.delete_all_documents()
        return 0

    def commit(self) -> None:
        """Make the work visible, then release the writer (and its lock)."""
        try:
            self._writer.commit()
            # Let the merges this commit started finish before the writer goes:
            # dropped at once, it abandons them, segments pile up (one per
            # commit) and every query visits all of them: p50 grew 30x at 1M.
            self._writer.wait_merging_threads()
        except BaseException:
            self.rollback()
            raise
        del self._writer  # releases the writer lock
        self._index.refresh()

    def rollback(self) -> None:
        """Forget the uncommitted work and release the writer."""
        with contextlib.suppress(AttributeError):  # already committed or rolled back
            self._writer.rollback()
            del self._writer


def keyword_hit(paper_id: str, score: float, rank: int, scorer: str) -> Hit:
    """A keyword ranker's hit: its rank and its score, named by the scorer."""
    return Hit(paper_id, score, {"keyword_rank": rank, scorer: round(score, 3)})


def _any(queries: list[Query]) -> Query:
    return (
        queries[0]
        if len(queries) == 1
        else Query.boolean_query([(Occur.Should, q) for q in queries])
    )
