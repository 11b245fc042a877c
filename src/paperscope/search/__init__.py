"""Search: the query language (query.py), the one index contract and its
catch-up loop (indexes.py), the BM25 keyword index (lexical.py), embeddings
(embed.py, onnx_embed.py) and the vector store and semantic index
(vectors.py, semantic.py), fusion (hybrid.py), the same rankings inside
PostgreSQL (pg.py), the search itself (engine.py: exact look-up, floor,
fusion, paging) and the embedder beside a server (background.py). Every
ranking ends as :class:`~paperscope.search.results.Hit` objects: an id, a
score and why it matched, so views treat them alike.
"""

# The file beside an index holding its watermark, the last change it applied:
# the keyword index's in ``library.db.search/``, the vectors' in ``.../vectors/``.
MARK_FILE = "synced.json"
