-- Search inside PostgreSQL: on SQLite the keyword index (tantivy) and the
-- vectors (usearch) are files beside the database; here both are in it.

-- A paper's categories as lexemes 'cat:cs.lg', taken as they are (no parsing).
CREATE FUNCTION paperscope_category_lexemes(categories text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_tsvector(ARRAY(
        SELECT DISTINCT 'cat:' || lower(value) FROM jsonb_array_elements_text(categories::jsonb)))
$$;

-- Full-text search: title weighted A, abstract B, author names C (the
-- 'simple' configuration: names are not English words to be stemmed), and
-- the categories D, which the ranking weighs 0: they are there so that GIN
-- intersects a category filter with the words instead of a join visiting
-- every paper with the words. Generated: every write keeps it in step.
ALTER TABLE papers ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A')
    || setweight(to_tsvector('english', abstract), 'B')
    || setweight(to_tsvector('simple', authors), 'C')
    || setweight(paperscope_category_lexemes(categories), 'D')
) STORED;
-- Kept in the row (compressed) rather than out of line: ranking reads every
-- candidate's vector, and fetching it from TOAST doubled the cost.
ALTER TABLE papers ALTER COLUMN search SET STORAGE MAIN;
CREATE INDEX papers_search ON papers USING gin (search);

-- Author names as the exact-author filter compares them (spacing and case
-- folded, as paperscope.search.lexical.author_key does).
CREATE INDEX paper_authors_key ON paper_authors (lower(regexp_replace(btrim(name), '\s+', ' ', 'g')));

CREATE EXTENSION IF NOT EXISTS vector;

-- One unit vector per paper (all-MiniLM-L6-v2: 384 dimensions) and the hash
-- of the text it embeds, so unchanged text is never embedded again.
CREATE TABLE paper_vectors (
    paper_id  TEXT COLLATE "C" PRIMARY KEY REFERENCES papers (id) ON UPDATE CASCADE ON DELETE CASCADE,
    text_hash TEXT NOT NULL,
    embedding vector(384) NOT NULL
);
CREATE INDEX paper_vectors_hnsw ON paper_vectors USING hnsw (embedding vector_cosine_ops)
    WITH (m = 16, ef_construction = 128);

-- Watermarks of work that follows the change sequence (the embedding job):
-- on SQLite these are files beside the index.
CREATE TABLE search_state (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
