"""The semantic index: paper vectors kept in step with the store, searched by meaning.

:class:`SemanticIndex` puts an embedder in front of a vector store (files
beside the database on SQLite, pgvector on PostgreSQL) so that it keeps the
same contract as the keyword index (:mod:`paperscope.search.indexes`):
``upsert`` embeds papers, ``search`` embeds the query. The watermark records
the model the vectors come from; vectors of another model are thrown away
and the papers embedded again.

Papers whose embedded text (title and abstract) is unchanged are not embedded
again: a text hash is stored with each vector, so a repeated chunk after a
crash, or a re-import that only changed upvotes, costs no model time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from paperscope.models import Paper
from paperscope.search.embed import TextEmbedder, paper_text, text_hash
from paperscope.search.query import ParsedQuery, SearchFilters, parse_query
from paperscope.search.results import Hit

if TYPE_CHECKING:
    from paperscope.search.pg import PgVectorIndex
    from paperscope.search.vectors import VectorIndex

# The cosine below which a paper found only by meaning is not a match. A
# sentence embedding puts every text somewhere, so without a floor a random
# string "finds" the papers nearest to it. Two floors, calibrated on the
# judged query sets and a set of nonsense queries (bench/quality.py --floor,
# bench/README.md): 0.20 keeps 98% of the judged papers' similarities; a
# query none of whose words occurs in the library (random letters, emoji)
# must reach 0.40, above the best similarity any nonsense query reached (0.353).
SIMILARITY_FLOOR = 0.20
UNKNOWN_WORDS_FLOOR = 0.40


def meaning(query: ParsedQuery) -> str:
    """The part of a query that has a meaning to embed: its words, phrases and
    title words in order. Exclusions, authors and categories are not topics
    ("-survey" must not pull surveys closer), and a query of punctuation has
    none, so it finds nothing by meaning."""
    parts = [*query.terms, *query.phrases, *query.fields.get("title", [])]
    return " ".join(" ".join(parts).split())


class SemanticIndex:
    """Vectors of papers' embeddings, maintained and searched like any index."""

    def __init__(self, vectors: VectorIndex | PgVectorIndex, embedder: TextEmbedder):
        self.vectors = vectors
        self.embedder = embedder

    @property
    def empty(self) -> bool:
        return self.vectors.empty

    def count(self) -> int:
        return self.vectors.count()

    def read_mark(self) -> int:
        """The last change embedded; 0 (after emptying the vectors) when they
        come from another model than this one."""
        mark = self.vectors.read_mark()
        if mark.get("model") not in (None, self.embedder.model_name):
            self.vectors.clear()
            return 0
        return int(mark.get("seq", 0))

    def write_mark(self, seq: int) -> None:
        self.vectors.write_mark(seq, self.embedder.model_name)

    def upsert(self, papers: Sequence[Paper]) -> int:
        """Embed the papers whose text has no vector yet (or changed); returns how many."""
        ids, texts, hashes = [], [], []
        known = self.vectors.hashes([p.id for p in papers])
        for paper in papers:
            text = paper_text(paper)
            digest = text_hash(text)
            if known.get(paper.id) != digest:  # new, or its title/abstract changed
                ids.append(paper.id)
                texts.append(text)
                hashes.append(digest)
        if ids:
            self.vectors.upsert(ids, self.embedder.encode(texts), hashes)
        return len(ids)

    def remove(self, ids: Iterable[str]) -> int:
        return self.vectors.remove(list(ids))

    def search(
        self,
        query: ParsedQuery | str,
        *,
        limit: int = 20,
        filters: SearchFilters | None = None,
        floor: float | None = SIMILARITY_FLOOR,
        accept: Callable[[list[str]], set[str]] | None = None,
    ) -> list[Hit]:
        """The ``limit`` papers nearest in meaning to ``query``, at or above
        ``floor`` (None: no floor), best first.

        Filters cannot be pushed into a nearest-neighbour search, so when
        ``accept`` is given (it returns which of some ids pass the filters)
        more candidates are fetched and the ones it rejects are dropped.
        """
        if isinstance(query, str):
            query = parse_query(query)
        text = meaning(query)
        if not text or limit <= 0 or self.vectors.empty:
            return []  # nothing to mean; and do not load the model for an empty index
        vector = self.embedder.encode_query(text)
        wanted = limit * FILTER_OVERFETCH if accept is not None else limit
        found = self.vectors.search(vector, wanted)
        if floor is not None:
            found = [(pid, s) for pid, s in found if s >= floor]
        if accept is not None:
            passing = accept([pid for pid, _ in found])
            found = [(pid, s) for pid, s in found if pid in passing]
        return [semantic_hit(pid, s, rank) for rank, (pid, s) in enumerate(found[:limit], 1)]

    def similar(self, paper_id: str, limit: int = 10) -> list[Hit]:
        """The papers nearest to ``paper_id``'s own vector, itself excluded;
        [] when it has no vector yet."""
        vector = self.vectors.vector_of(paper_id)
        if vector is None:
            return []
        found = self.vectors.search(vector, limit, exclude={paper_id})
        return [semantic_hit(pid, s, rank) for rank, (pid, s) in enumerate(found, 1)]


FILTER_OVERFETCH = 5  # candidates fetched per wanted hit when filters apply


def semantic_hit(paper_id: str, cosine: float, rank: int) -> Hit:
    return Hit(paper_id, cosine, {"semantic_rank": rank, "cosine": round(cosine, 4)})
