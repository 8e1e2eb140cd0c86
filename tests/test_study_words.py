"""The study's number formatting, on cases worked by hand."""

from __future__ import annotations

import pytest

from lunarcity.study.words import count, number, percent


@pytest.mark.parametrize(
    ("value", "digits", "want"),
    [
        # 34,395.7 to three significant digits is 34,400 (3.44 x 10^4), printed in full.
        (34395.7, 3, "34,400"),
        # 104,655 -> 105,000 (1.05 x 10^5).
        (104655.0, 3, "105,000"),
        # 999.6 rounds up to 1,000: the rounded value has four digits before the point.
        (999.6, 3, "1,000"),
        # 0.007712 -> 0.00771 (three digits after the leading zeros).
        (0.007712, 3, "0.00771"),
        # 0.0077 to two digits stays 0.0077; 0.19 to two digits is 0.19.
        (0.0077, 2, "0.0077"),
        # 15.66 -> 15.7; -6.183 -> -6.18.
        (15.66, 3, "15.7"),
        (-6.183, 3, "-6.18"),
        # 1.5 keeps no trailing zero (not 1.50); 2.0 prints as 2.
        (1.5, 3, "1.5"),
        (2.0, 3, "2"),
        (0.0, 3, "0"),
        # Integers are counts: exact, separated (1,024, not 1,020).
        (1024, 3, "1,024"),
        (1234567, 3, "1,234,567"),
        # A tiny value is written out, not 1.2e-07.
        (1.2e-7, 2, "0.00000012"),
        (None, 3, "-"),
    ],
)
def test_number_by_hand(value: float | int | None, digits: int, want: str) -> None:
    assert number(value, digits) == want
    assert "e" not in want.replace("infinite", "")


@pytest.mark.parametrize(
    ("n", "noun", "plural", "want"),
    [
        (1, "replicate", None, "1 replicate"),
        (2, "replicate", None, "2 replicates"),
        (0, "run", None, "0 runs"),
        (1.0, "year", None, "1 year"),
        (2.5, "year", None, "2.5 years"),
        (10.0, "year", None, "10 years"),
        (1, "policy", "policies", "1 policy"),
        (3, "policy", "policies", "3 policies"),
        (1200, "run", None, "1,200 runs"),
    ],
)
def test_count_by_hand(n: float, noun: str, plural: str | None, want: str) -> None:
    assert count(n, noun, plural) == want


def test_percent_by_hand() -> None:
    assert percent(0.0390625) == "4 %"  # 3.9 % rounds to 4
    assert percent(0.0) == "0 %"
    assert percent(1.0) == "100 %"
    # 0.4 % is not "0 %": below one per cent one significant digit is kept.
    assert percent(0.004) == "0.4 %"
