-- What people keep and receive: collections of papers, comments on papers,
-- digest subscriptions and the record of every digest sent.

-- A named list of papers, private to its owner unless shared by link.
CREATE TABLE collections (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    share_token TEXT UNIQUE,            -- set while shared by link; NULL: private
    created_at  TEXT NOT NULL,
    UNIQUE (user_id, name)
);

CREATE TABLE collection_papers (
    collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    paper_id      TEXT NOT NULL REFERENCES papers (id) ON UPDATE CASCADE ON DELETE CASCADE,
    added_at      TEXT NOT NULL,
    PRIMARY KEY (collection_id, paper_id)
) WITHOUT ROWID;
CREATE INDEX collection_papers_paper ON collection_papers (paper_id);

-- Plain-text comments; a deleted one keeps its row (deleted_at) so threads
-- and counts stay explainable.
CREATE TABLE comments (
    id         INTEGER PRIMARY KEY,
    paper_id   TEXT NOT NULL REFERENCES papers (id) ON UPDATE CASCADE ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX comments_paper ON comments (paper_id, created_at);

-- One digest subscription per user: how often, and what goes in it.
CREATE TABLE subscriptions (
    user_id     INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    period      TEXT NOT NULL CHECK (period IN ('daily', 'weekly')),
    trending    INTEGER NOT NULL DEFAULT 1,
    recommended INTEGER NOT NULL DEFAULT 0,
    searches    TEXT NOT NULL DEFAULT '[]',  -- JSON list of saved searches
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Every digest, one row per subscriber per period ('daily:2026-11-21',
-- 'weekly:2026-W47'), written before the message goes to SMTP and marked
-- after: a second run, or a run after a crash, sends nobody a second copy.
CREATE TABLE digest_sends (
    period_key TEXT NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status     TEXT NOT NULL,                -- sending, sent, empty or failed
    message_id TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (period_key, user_id)
) WITHOUT ROWID;
CREATE INDEX digest_sends_user ON digest_sends (user_id);  -- deleting an account

-- Secrets of this instance (e.g. the key that signs unsubscribe links),
-- made on first use.
CREATE TABLE instance_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Changes that pages show but that are not changes to papers (comments, shared
-- collections) count here, so the page cache drops what it kept without the
-- search indexes thinking papers changed (see SQLiteStore.data_version).
INSERT INTO counters VALUES ('site', 0);
