-- A change sequence, so indexes outside the database (the keyword index, and
-- later the vectors) can catch up with exactly what changed since they last
-- looked, even after a crash between a commit here and theirs.
ALTER TABLE papers ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE papers SET seq = rowid;
CREATE INDEX papers_seq ON papers (seq);

-- Ids that no longer name a stored paper (folded into another, or renamed to
-- their arXiv id), with the sequence number of their removal.
CREATE TABLE removed_papers (
    id  TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX removed_papers_seq ON removed_papers (seq);

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters VALUES ('seq', (SELECT coalesce(max(seq), 0) FROM papers));
