"""Column tables: append, removal (swap or in order) and the id -> row map that follows rows."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lunarcity.city.tables import IdMap, Table


def _table(n: int, indexed: bool = True) -> Table:
    t = Table({"v": np.float64}, IdMap() if indexed else None, indexed=indexed)
    ids = np.arange(1, n + 1)
    t.append(ids, v=ids * 10.0)
    return t


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(st.just(n), st.sets(st.integers(0, n - 1)))))
@pytest.mark.parametrize("keep_order", [False, True])
def test_removal_keeps_every_other_row_and_the_map(keep_order: bool, case) -> None:
    n, removed = case
    t = _table(n)
    gone_ids = {r + 1 for r in removed}
    t.remove_rows(np.array(sorted(removed), dtype=np.int64), keep_order=keep_order)
    left = [i for i in range(1, n + 1) if i not in gone_ids]
    assert t.n == len(left)
    assert sorted(t["id"].tolist()) == left
    if keep_order:
        assert t["id"].tolist() == left  # appended order kept
    np.testing.assert_array_equal(t["v"], t["id"] * 10.0)  # each row stays whole
    for uid in range(1, n + 1):
        row = t.id_map.lookup(uid)[1]
        if uid in gone_ids:
            assert row == -1
        else:
            assert t["id"][row] == uid


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(0, 29), st.integers(1, 30))
def test_removing_a_block_in_order_without_an_index(n: int, start: int, size: int) -> None:
    """The build jobs' case: a table not indexed by id, the oldest rows closed up."""
    start = min(start, n - 1)
    rows = np.arange(start, min(n, start + size))
    t = _table(n, indexed=False)
    t.remove_rows(rows, keep_order=True)
    expected = [i for i in range(1, n + 1) if i - 1 not in set(rows.tolist())]
    assert t["id"].tolist() == expected
    np.testing.assert_array_equal(t["v"], t["id"] * 10.0)
    assert t.id_map is None


@pytest.mark.parametrize("keep_order", [False, True])
def test_rows_given_out_of_order_remove_as_if_sorted(keep_order: bool) -> None:
    """remove_rows takes rows in any order: [7, 2, 9, 0] leaves what [0, 2, 7, 9] leaves."""
    shuffled, ordered = _table(10), _table(10)
    shuffled.remove_rows(np.array([7, 2, 9, 0]), keep_order=keep_order)
    ordered.remove_rows(np.array([0, 2, 7, 9]), keep_order=keep_order)
    # Swap-remove of rows 0, 2, 7, 9 from ids 1..10: rows 0 and 2 are holes below the new end
    # (6); rows 6 and 8 (ids 7 and 9) are the tail rows that stay, moved into them.
    expected = [2, 4, 5, 6, 7, 9] if keep_order else [7, 2, 9, 4, 5, 6]
    assert shuffled["id"].tolist() == ordered["id"].tolist() == expected
    for uid in range(1, 11):
        assert shuffled.id_map.lookup(uid) == ordered.id_map.lookup(uid)


def test_scalars_read_and_write_what_numpy_does_and_follow_the_table_as_it_grows() -> None:
    """A memoryview's row is numpy's: a float32 written rounds as numpy's cast, ids read back.

    0.1 and 1 - 0.3 * 1826 / 3652.5 (a repaired unit's health) are not float32 values: both
    round. After the table grows past its first buffer (16 rows), a view asked for again
    reaches the new column, and a pickled table leaves its views behind.
    """
    t = Table({"h": np.float32, "k": np.int16}, IdMap())
    t.append(np.arange(1, 4), h=1.0, k=7)
    for value in (0.1, 1.0 - 0.3 * 1826 / 3652.5):
        by_numpy = np.zeros(1, dtype=np.float32)
        by_numpy[0] = value
        t.scalars("h")[1] = value
        assert t.scalars("h")[1] == by_numpy.item(0) == t["h"][1]
        assert t.scalars("h")[1] != value
    assert t.scalars("id")[2] == 3 and type(t.scalars("id")[2]) is int
    assert t.scalars("k")[0] == 7
    t.append(np.arange(4, 40), h=0.5, k=-2)
    t.scalars("k")[38] = 5
    assert t["k"][38] == 5 and t.scalars("h")[30] == 0.5 and t.scalars("h")[1] == t["h"][1]
    copy = pickle.loads(pickle.dumps(t))
    assert copy.scalars("k")[38] == 5 and copy.scalars("id")[38] == 39
