"""Fixtures the search tests share."""

from __future__ import annotations

import pytest

from paperscope.importers import arxiv_snapshot
from paperscope.models import Paper
from paperscope.search.embed import Embedder
from tests.conftest import ARXIV_SAMPLE


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """One model for the whole run: loading it costs seconds, and tests only
    read its ``encoded`` counter as differences."""
    return Embedder()


@pytest.fixture(scope="module")
def papers(shared) -> list[Paper]:
    """The 200 real arXiv sample papers, parsed afresh for each module."""
    with open(ARXIV_SAMPLE, "rb") as f:
        return [item.paper for item in arxiv_snapshot.parse(f) if item.paper]
