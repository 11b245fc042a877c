"""SQL for the map of the library (tables from migration 0013, PostgreSQL 0009).

:mod:`paperscope.layout` computes where each embedded paper goes; this
module keeps the result where both backends' web processes read it. Like the
other stores it runs on the store's per-thread connections and transactions.

Every write moves the site's change counter (``Store.data_version``), so a
cached /map page made before a new layout is not served after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from paperscope.store.base import Store, pages_changed, utcnow

_CHUNK = 10_000  # ids per look-up or insert batch


@dataclass(frozen=True)
class Point:
    paper_id: str
    x: float
    y: float
    cluster: int
    text_hash: str
    how: str  # "layout" (a whole layout) or "nearest" (placed by its neighbours)


@dataclass(frozen=True)
class Cluster:
    id: int
    label: str
    x: float  # where its label is drawn: the centre of its points
    y: float
    size: int


@dataclass(frozen=True)
class LayoutInfo:
    seed: int
    laid_out: int  # points the last whole layout placed
    made_at: str
    updated_at: str


@dataclass(frozen=True)
class MapData:
    """The map as the page draws it: parallel lists, one entry per point, in
    paper id order (titles from the papers table, so renamed papers show
    their current title)."""

    ids: list[str]
    titles: list[str]
    x: list[float]
    y: list[float]
    cluster: list[int]
    clusters: list[Cluster]
    info: LayoutInfo | None


class LayoutStore:
    def __init__(self, store: Store):
        self.store = store

    def info(self) -> LayoutInfo | None:
        row = self.store.reader.execute(
            "SELECT seed, laid_out, made_at, updated_at FROM map_layout WHERE id = 1"
        ).fetchone()
        return None if row is None else LayoutInfo(*row)

    def points(self) -> dict[str, Point]:
        """Every point of the map by paper id."""
        rows = self.store.conn.execute(
            "SELECT paper_id, x, y, cluster, text_hash, how FROM map_points"
        )
        return {row[0]: Point(*row) for row in rows}

    def clusters(self) -> list[Cluster]:
        rows = self.store.reader.execute(
            "SELECT id, label, x, y, size FROM map_clusters ORDER BY id"
        )
        return [Cluster(*row) for row in rows]

    def map_data(self) -> MapData:
        """The map with each point's title, for the page and its JSON twin."""
        rows = self.store.reader.execute(
            "SELECT m.paper_id, p.title, m.x, m.y, m.cluster FROM map_points m"
            " JOIN papers p ON p.id = m.paper_id ORDER BY m.paper_id"
        ).fetchall()
        ids, titles, xs, ys, cs = ([r[i] for r in rows] for i in range(5))
        return MapData(ids, titles, xs, ys, cs, self.clusters(), self.info())

    def titles(self, ids: Iterable[str]) -> dict[str, str]:
        """``{id: title}`` for the papers among ``ids`` (what labels are made of)."""
        ids = list(ids)
        found: dict[str, str] = {}
        for start in range(0, len(ids), _CHUNK):
            rows = self.store.conn.execute(
                f"SELECT id, title FROM papers WHERE {self.store.in_list('id')}",
                (self.store.list_arg(ids[start : start + _CHUNK]),),
            )
            found.update(rows.fetchall())
        return found

    def replace(self, points: list[Point], clusters: list[Cluster], seed: int) -> None:
        """A whole new layout in place of the old one, in one transaction."""
        now = utcnow()
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM map_points")
            conn.execute("DELETE FROM map_clusters")
            self._insert(conn, points)
            self._insert_clusters(conn, clusters)
            conn.execute("DELETE FROM map_layout")
            conn.execute(
                "INSERT INTO map_layout (id, seed, laid_out, made_at, updated_at)"
                " VALUES (1, ?, ?, ?, ?)",
                (seed, len(points), now, now),
            )
            pages_changed(conn)

    def update(self, points: list[Point], removed: list[str], clusters: list[Cluster]) -> None:
        """Points placed (or placed again) since the layout, points whose papers
        lost their vectors taken off, and the clusters' new sizes and centres."""
        with self.store.transaction() as conn:
            for start in range(0, len(removed), _CHUNK):
                conn.execute(
                    f"DELETE FROM map_points WHERE {self.store.in_list('paper_id')}",
                    (self.store.list_arg(removed[start : start + _CHUNK]),),
                )
            conn.executemany(
                "INSERT INTO map_points (paper_id, x, y, cluster, text_hash, how)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (paper_id) DO UPDATE SET"
                " x = excluded.x, y = excluded.y, cluster = excluded.cluster,"
                " text_hash = excluded.text_hash, how = excluded.how",
                [_row(p) for p in points],
            )
            conn.execute("DELETE FROM map_clusters")
            self._insert_clusters(conn, clusters)
            conn.execute("UPDATE map_layout SET updated_at = ? WHERE id = 1", (utcnow(),))
            pages_changed(conn)

    def clear(self) -> None:
        with self.store.transaction() as conn:
            for table in ("map_points", "map_clusters", "map_layout"):
                conn.execute(f"DELETE FROM {table}")
            pages_changed(conn)

    def _insert(self, conn, points: list[Point]) -> None:
        for start in range(0, len(points), _CHUNK):
            conn.executemany(
                "INSERT INTO map_points (paper_id, x, y, cluster, text_hash, how)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [_row(p) for p in points[start : start + _CHUNK]],
            )

    def _insert_clusters(self, conn, clusters: list[Cluster]) -> None:
        conn.executemany(
            "INSERT INTO map_clusters (id, label, x, y, size) VALUES (?, ?, ?, ?, ?)",
            [(c.id, c.label, c.x, c.y, c.size) for c in clusters],
        )


def _row(p: Point) -> tuple:
    return (p.paper_id, float(p.x), float(p.y), int(p.cluster), p.text_hash, p.how)
