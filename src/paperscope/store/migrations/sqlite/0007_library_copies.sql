-- Copies of other libraries into this one (`paperscope migrate`), one row per
-- source: an unfinished row (finished_at NULL) lets a rerun of the same copy
-- resume here, and tells it apart from a library that is not a copy at all.
CREATE TABLE library_copies (
    source      TEXT PRIMARY KEY,  -- the source's URL, without any password
    started_at  TEXT NOT NULL,
    finished_at TEXT                -- set once every table was copied and verified
);
