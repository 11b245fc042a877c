"""Search: the query language (query.py), the BM25 keyword index (lexical.py),
embeddings and the vector index (embed.py, vectors.py, semantic.py), rank
fusion (hybrid.py), and the same rankings inside PostgreSQL (pg.py). Every
ranking ends as :class:`~paperscope.search.results.Hit` objects: an id, a
score and why it matched, so views treat them alike.
"""

# The file beside an index holding its watermark, the last change it applied:
# the keyword index's in ``library.db.search/``, the vectors' in ``.../vectors/``.
MARK_FILE = "synced.json"
