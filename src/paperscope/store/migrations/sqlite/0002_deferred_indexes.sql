-- Secondary indexes dropped for a bulk import, with the SQL that rebuilds
-- them. A row here outlives a crash: opening the store rebuilds what is listed.
CREATE TABLE deferred_indexes (
    name TEXT PRIMARY KEY,
    sql  TEXT NOT NULL
);
