-- The paper store. Dates are ISO 8601 text in UTC; list and mapping fields
-- are JSON text, with authors and categories also kept in their own tables
-- so author pages and category filters use an index.

CREATE TABLE papers (
    id               TEXT PRIMARY KEY,     -- arXiv id without version, or t-<title hash>
    title            TEXT NOT NULL,
    abstract         TEXT NOT NULL DEFAULT '',
    authors          TEXT NOT NULL DEFAULT '[]',   -- JSON list of names, in order
    author_count     INTEGER,
    published        TEXT,
    updated          TEXT,
    versions         TEXT NOT NULL DEFAULT '[]',   -- JSON [[number, created, size]]
    categories       TEXT NOT NULL DEFAULT '[]',   -- JSON list, primary first
    primary_category TEXT,
    doi              TEXT NOT NULL DEFAULT '',
    journal_ref      TEXT NOT NULL DEFAULT '',
    comments         TEXT NOT NULL DEFAULT '',
    license          TEXT NOT NULL DEFAULT '',
    submitter        TEXT NOT NULL DEFAULT '',
    links            TEXT NOT NULL DEFAULT '{}',   -- JSON {"abs": url, "pdf": url, "code": url}
    sources          TEXT NOT NULL DEFAULT '[]',   -- JSON list of source tags
    upvotes          INTEGER NOT NULL DEFAULT 0,   -- as reported by a source
    feed_date        TEXT,                         -- day it entered the daily feed
    submitted_by     TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,                -- first stored here (UTC)
    modified_at      TEXT NOT NULL                 -- last changed here (UTC)
);
CREATE INDEX papers_published ON papers (published);
CREATE INDEX papers_feed_date ON papers (feed_date) WHERE feed_date IS NOT NULL;

-- Every key a paper is known by: arxiv:<id>, doi:<doi>, title:<hash>, and
-- id:<old id> for papers whose id changed when their arXiv id became known.
CREATE TABLE paper_keys (
    key      TEXT PRIMARY KEY,
    paper_id TEXT NOT NULL REFERENCES papers (id) ON UPDATE CASCADE ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX paper_keys_paper ON paper_keys (paper_id);

CREATE TABLE paper_authors (
    paper_id TEXT NOT NULL REFERENCES papers (id) ON UPDATE CASCADE ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    PRIMARY KEY (paper_id, position)
) WITHOUT ROWID;
CREATE INDEX paper_authors_name ON paper_authors (name);

CREATE TABLE paper_categories (
    paper_id TEXT NOT NULL REFERENCES papers (id) ON UPDATE CASCADE ON DELETE CASCADE,
    category TEXT NOT NULL,
    PRIMARY KEY (paper_id, category)
) WITHOUT ROWID;
CREATE INDEX paper_categories_category ON paper_categories (category);

-- One row per import of a file or harvest page, for `stats` and auditing.
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,          -- file path or harvest name
    format      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL DEFAULT 'running',  -- running, done, failed, interrupted
    added       INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0
);

-- Where a harvest stands, so an interrupted one resumes where it stopped.
CREATE TABLE harvest_state (
    name             TEXT PRIMARY KEY,  -- e.g. arxiv-oai:cs:2026-11-01:
    params           TEXT NOT NULL,     -- JSON of the harvest's arguments
    resumption_token TEXT,
    pages            INTEGER NOT NULL DEFAULT 0,
    records          INTEGER NOT NULL DEFAULT 0,
    last_datestamp   TEXT,
    complete         INTEGER NOT NULL DEFAULT 0,
    updated_at       TEXT NOT NULL
);
