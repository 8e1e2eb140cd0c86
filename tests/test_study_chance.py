"""How much of a study's spread is chance (issue 29): the split worked by hand."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from lunarcity.study.chance import chance_section, from_results, split


def test_the_variance_splits_into_seeds_and_inputs_by_hand() -> None:
    # Two draws at two seeds: 1, 3 and 5, 7. Within each draw the (population) variance is
    # ((1 - 2)^2 + (3 - 2)^2) / 2 = 1, and 1 again: chance's mean 1. Over all four runs the mean
    # is 4 and the variance (9 + 1 + 1 + 9) / 4 = 5: chance's share 1 / 5 = 0.2.
    # Relative ranges: 2 / 2 = 1 and 2 / 6 = 0.333, median 0.667. The seeds disagree on the
    # flag at the first draw only.
    values = np.array([[1.0, 3.0], [5.0, 7.0]])
    flags = np.array([[True, False], [True, True]])
    got = split(values, flags, "industrial_mass_t", "met_within_horizon")
    assert got.within_var == pytest.approx(1.0)
    assert got.total_var == pytest.approx(5.0)
    assert got.share == pytest.approx(0.2)
    assert got.median_rel_range == pytest.approx(2 / 3)
    assert got.disagree == 1 and (got.points, got.seeds) == (2, 2)
    text = "\n".join(chance_section(got))
    assert "20 %" in text and "1 draw of 2" in text


def test_the_split_reads_a_phase_by_point_and_replicate() -> None:
    # The same runs in a phase's per-run table, out of order and with a failed run elsewhere.
    results = pl.DataFrame(
        {
            "point": [1, 0, 1, 0],
            "replicate": [1, 0, 0, 1],
            "status": ["done"] * 4,
            "industrial_mass_t": [7.0, 1.0, 5.0, 3.0],
            "met_within_horizon": [True, True, True, False],
        }
    )
    got = from_results(results, "industrial_mass_t", "met_within_horizon")
    assert got.share == pytest.approx(0.2) and got.disagree == 1
