"""Births' kept figures: the columns of one value and the mass sums kept between calls."""

from __future__ import annotations

import numpy as np
import pytest

from lunarcity.city.fleet import _copies_kg
from lunarcity.city.tables import filled
from lunarcity.stages.placement import Slot


def test_filled_columns_hold_their_value_read_only_at_any_length() -> None:
    short = filled(1.0, 3, np.float32)
    assert short.dtype == np.float32 and short.tolist() == [1.0, 1.0, 1.0]
    assert not short.flags.writeable
    with pytest.raises(ValueError):
        short[0] = 0.0  # the next caller reads the same memory
    long = filled(1.0, 1000, np.float32)  # past the kept length: grown
    assert len(long) == 1000 and bool(np.all(long == 1.0))
    assert filled(1.0, 5, np.float32).tolist() == [1.0] * 5
    slots = filled(Slot.NONE.value, 4, np.int64)
    assert slots.dtype == np.int64 and slots.tolist() == [-1] * 4
    assert filled(1.0, 0, np.float32).size == 0


@pytest.mark.parametrize("mass", [1000.0, 0.1, 123.456789, 1 / 3, 2_345.678_901_234_5])
def test_kept_mass_of_copies_equals_the_reduction_of_the_rows(mass: float) -> None:
    """Fleet.add sums new rows at the kind's mass from a kept figure by count; it must equal
    np.add.reduce over the new rows of the column, wherever they start (values that do not
    add exactly: 0.1 or 1/3 summed n times rounds by the grouping of the additions)."""
    column = np.full(80, mass)
    for n in range(1, 41):
        for start in range(9):
            assert _copies_kg(mass, n) == float(np.add.reduce(column[start : start + n]))
