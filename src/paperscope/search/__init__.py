"""Search: the query language (query.py) and the BM25 keyword index (lexical.py).

Vectors and hybrid ranking will live beside them; every ranker returns hits
with an id, a score and a 1-based rank so views can treat them alike.
"""
