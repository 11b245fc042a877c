"""The one result type every ranker returns: ids, scores and why each matched.

Views (CLI, web pages, API, feeds) filter and paginate any ranking the same
way, and can always show the reasoning behind a position.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from paperscope.models import Paper


@dataclass(slots=True)
class Hit:
    """One ranked paper. ``why`` names each reason it is here, e.g.
    ``{"exact": "arXiv id"}`` or ``{"keyword_rank": 3, "bm25": 11.2}`` (``ts_rank``
    in place of ``bm25`` on PostgreSQL), ``{"semantic_rank": 1, "cosine": 0.61}``."""

    id: str
    score: float
    why: dict[str, str | int | float] = field(default_factory=dict)
    paper: Paper | None = None


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of the library semantic search can see: papers with a vector
    out of all papers (the background embedder closes the gap)."""

    embedded: int
    papers: int

    @property
    def complete(self) -> bool:
        return self.embedded >= self.papers

    def __str__(self) -> str:
        return f"{self.embedded:,} of {self.papers:,} papers embedded"


@dataclass(slots=True)
class SearchResults:
    query: str
    mode: str
    hits: list[Hit]
    offset: int = 0
    limit: int = 20
    # Set when meaning took part (semantic, hybrid, similar): what it could see.
    coverage: Coverage | None = None

    @property
    def ids(self) -> list[str]:
        return [h.id for h in self.hits]

    @property
    def partial(self) -> bool:
        """Whether meaning took part but not every paper is embedded yet."""
        return self.coverage is not None and not self.coverage.complete
