-- Copies of other libraries into this one (`paperscope migrate`), one row per
-- source: an unfinished row (finished_at NULL) lets a rerun of the same copy
-- resume here, and tells it apart from a library that is not a copy at all.
-- (As SQLite's migration 0007.)
CREATE TABLE library_copies (
    source      TEXT PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT
);
