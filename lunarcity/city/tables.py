"""Growable column tables: the per-kind state of units and build jobs as numpy arrays.

Rows are dense (0..n-1); removing rows moves the last rows into the holes, so a removal costs
work per removed row, not per row in the table. A stable id -> row map follows every move.
"""

from __future__ import annotations

import bisect

import numpy as np


class Table:
    """Named numpy columns with append and swap-remove, and an id -> row map.

    Args:
        columns: Column name -> dtype; an ``id`` column (int64) is always present.
        id_map: Shared id -> row array holder (so ids of all kinds index one map), or None.
        code: Which table an id belongs to, in a shared id map.
        indexed: Whether to keep an id -> row map at all (a table nobody looks up by id, such
            as the build jobs, skips that work).
    """

    def __init__(
        self,
        columns: dict[str, type | np.dtype],
        id_map: IdMap | None = None,
        code: int = 0,
        indexed: bool = True,
    ):
        self.code = code  # which table an id belongs to, in a shared id map
        self.n = 0
        self._cap = 16
        self._dtypes = {"id": np.dtype(np.int64), **{k: np.dtype(v) for k, v in columns.items()}}
        self._cols = {k: np.zeros(self._cap, dtype=dt) for k, dt in self._dtypes.items()}
        self.id_map = (id_map or IdMap()) if indexed else None
        # Memoryviews of whole columns, made when first asked for (:meth:`scalars`) and dropped
        # when the columns are replaced (:meth:`_grow`) or pickled (a memoryview does not pickle).
        self._views: dict[str, memoryview] = {}

    def __getstate__(self) -> dict[str, object]:
        """The table's state without its memoryviews (made again when next asked for)."""
        state = self.__dict__.copy()
        state["_views"] = {}
        return state

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, name: str) -> np.ndarray:
        """A live view of the used part of a column."""
        return self._cols[name][: self.n]

    def scalars(self, name: str) -> memoryview:
        """A column's whole buffer as a memoryview: a row's value read or written as a plain number.

        A day's failures and repairs of a kind touch a few rows one at a time; a memoryview's
        index costs about half of ``ndarray.item`` and ``ndarray.__setitem__`` (benchmarks/run.py's
        `default_30y_s`), with the same values: a float32 written rounds as numpy's cast does.
        Rows from ``n`` on are unused. Ask again after :meth:`append`: a table that grows
        replaces its columns, and a view kept from before would still reach the old ones.
        """
        view = self._views.get(name)
        if view is None:
            view = self._views[name] = memoryview(self._cols[name])
        return view

    def _grow(self, need: int) -> None:
        cap = self._cap
        while cap < need:
            cap *= 2
        if cap != self._cap:
            for k, arr in self._cols.items():
                bigger = np.zeros(cap, dtype=arr.dtype)
                bigger[: self.n] = arr[: self.n]
                self._cols[k] = bigger
            self._cap = cap
            self._views = {}

    def append(self, ids: np.ndarray, **values: np.ndarray | float | int) -> np.ndarray:
        """Append rows with the given ids and column values; returns the new rows."""
        n, k = self.n, len(ids)
        if n + k > self._cap:
            self._grow(n + k)
        cols = self._cols
        cols["id"][n : n + k] = ids
        for name, v in values.items():
            cols[name][n : n + k] = v
        self.n = n + k
        rows = np.arange(n, n + k)
        if self.id_map is not None:
            self.id_map.set(ids, rows, self.code)
        return rows

    def remove_rows(self, rows: np.ndarray, keep_order: bool = False) -> None:
        """Remove rows (any order, no duplicates).

        By default the last rows move into the holes (work per removed row); with
        ``keep_order`` the rows after the first hole close up instead, so rows stay in the
        order they were appended (work per row after it; for small tables kept in order, such
        as build jobs oldest first).
        """
        rows = np.asarray(rows, dtype=np.int64)
        # Sorted as plain numbers: the rows come sorted (a scan's), which sorted() sees in one
        # pass, and a bisect finds the tail below a numpy call's cost (a few rows a call).
        listed = rows.tolist()
        ordered = sorted(listed)
        if ordered != listed:
            rows = np.array(ordered, dtype=np.int64)
        k = len(rows)
        if k == 0:
            return
        if keep_order:
            n, first = self.n, int(rows[0])
            removed_ids = self._cols["id"][rows] if self.id_map is not None else None
            if int(rows[-1]) - first == k - 1:  # one block (e.g. the oldest jobs): close it up
                for arr in self._cols.values():
                    arr[first : n - k] = arr[first + k : n]
            else:
                stays = np.ones(n - first, dtype=bool)
                stays[rows - first] = False
                for arr in self._cols.values():
                    arr[first : n - k] = arr[first:n][stays]
            self.n = n - k
            if removed_ids is not None:
                self.id_map.clear(removed_ids)
                ids = self._cols["id"][first : n - k]
                self.id_map.set(ids, np.arange(first, n - k), self.code)
            return
        n = self.n
        tail_start = n - k
        cols = self._cols
        removed_ids = cols["id"][rows]  # a copy (fancy indexing)
        # Rows below the new end are holes; the last k rows that are not removed fill them.
        split = bisect.bisect_left(ordered, tail_start)
        holes = rows[:split]
        if split:
            if split == k:  # none of the last k rows goes: they all move (a slice, no index)
                movers: slice | np.ndarray = slice(tail_start, n)
            else:
                stays = np.ones(k, dtype=bool)
                stays[rows[split:] - tail_start] = False
                movers = np.flatnonzero(stays) + tail_start
            for arr in cols.values():
                arr[holes] = arr[movers]
        self.n = tail_start
        if self.id_map is not None:
            self.id_map.clear(removed_ids)
            if split:
                self.id_map.set(cols["id"][holes], holes, self.code)

    def rows_of(self, ids: np.ndarray) -> np.ndarray:
        """Rows of ids (which must be in this table)."""
        return self.id_map.rows[np.asarray(ids, dtype=np.int64)]


#: Arrays of one repeated value, by (value, dtype): see :func:`filled`.
_FILLED: dict[tuple[float, type], np.ndarray] = {}


def filled(value: float, n: int, dtype: type) -> np.ndarray:
    """``n`` copies of ``value`` as a read-only array, kept from call to call.

    A day's births take a column of one value (full health, no slot) for a few rows: a slice
    of an array kept and grown by doubling costs a fraction of building one each time
    (np.full, np.ones). Read-only, so no caller can change what the next one reads.
    """
    key = (value, dtype)
    kept = _FILLED.get(key)
    if kept is None or len(kept) < n:
        kept = np.full(max(n, 64, 2 * len(kept) if kept is not None else 0), value, dtype=dtype)
        kept.flags.writeable = False
        _FILLED[key] = kept
    return kept[:n]


class IdMap:
    """id -> (table code, row), row -1 for an id not in any table; grown as ids are issued."""

    def __init__(self) -> None:
        self.rows = np.full(1024, -1, dtype=np.int64)
        self.codes = np.full(1024, -1, dtype=np.int16)

    def set(self, ids: np.ndarray, rows: np.ndarray, code: int) -> None:
        """Point ``ids`` at ``rows`` of the table with ``code`` (growing the map as ids are issued)."""
        if len(ids) == 0:
            return
        try:
            self.rows[ids] = rows
        except IndexError:  # an id past the map (rare): grow it, then write again
            # numpy may have written some ids before it met the one out of range; that partial
            # write is harmless, as the write below sets every one of ``ids`` again.
            top = int(ids.max()) + 1
            size = len(self.rows)
            while size < top:
                size *= 2
            for name in ("rows", "codes"):
                old = getattr(self, name)
                bigger = np.full(size, -1, dtype=old.dtype)
                bigger[: len(old)] = old
                setattr(self, name, bigger)
            self.rows[ids] = rows
        self.codes[ids] = code

    def clear(self, ids: np.ndarray) -> None:
        """Forget ``ids`` (units scrapped): a lookup then says they are not in service."""
        self.rows[ids] = -1
        self.codes[ids] = -1

    def lookup(self, uid: int) -> tuple[int, int]:
        """(table code, row) of an id, or (-1, -1)."""
        if uid < 0 or uid >= len(self.rows):
            return -1, -1
        return int(self.codes[uid]), int(self.rows[uid])
