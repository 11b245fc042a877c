-- The map of the library (paperscope map, the /map page): each embedded
-- paper's place in a 2-D layout of the embeddings, and the clusters the
-- places fall into. The layout is a batch job's output, not part of a paper,
-- so it has tables of its own; a paper that is renamed keeps its place (ON
-- UPDATE CASCADE), one that is deleted leaves the map.
--
-- text_hash is the hash of the text whose vector was laid out: a paper whose
-- title or abstract changed since is placed again. how says whether the
-- point came from a whole layout ('layout') or was placed by its nearest
-- laid-out neighbours afterwards ('nearest').
CREATE TABLE map_points (
    paper_id  TEXT PRIMARY KEY REFERENCES papers (id) ON UPDATE CASCADE ON DELETE CASCADE,
    x         REAL NOT NULL,
    y         REAL NOT NULL,
    cluster   INTEGER NOT NULL,
    text_hash TEXT NOT NULL,
    how       TEXT NOT NULL
);

-- One row per cluster: its label (its most telling title words), the centre
-- the label is drawn at, and how many points it has.
CREATE TABLE map_clusters (
    id    INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    x     REAL NOT NULL,
    y     REAL NOT NULL,
    size  INTEGER NOT NULL
);

-- The one layout's bookkeeping (a single row, id 1): when the whole layout
-- was made and with what seed, and when points were last placed.
CREATE TABLE map_layout (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    seed       INTEGER NOT NULL,
    laid_out   INTEGER NOT NULL,
    made_at    TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
