"""Which inputs a study can rank: only those whose total-order intervals separate.

A Sobol total-order index comes with a 95 % bootstrap interval. Saying "decided mostly by A then
B" claims A's index is above B's; when their intervals overlap the data do not say so. Inputs
are sorted by their index and cut into tiers wherever one interval lies wholly above the next
(its low end above the next one's high end); an input alone in its tier has a rank, the inputs
sharing a tier are "not resolved" against each other. An interval wider than the index's whole
range (0 to 1) resolves nothing. The last input listed ranks only when no input follows it and
its interval stays above zero: a summary that lists the top few of more kept inputs cannot show
the next one's interval. A Sobol index is a share of the outcome's variance, so an estimate whose
whole interval lies below zero (:func:`below_zero`) is the estimator's sampling error on too few
runs, not a finding: the mirror of the last input's rule, whose interval must stay above zero.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

import polars as pl

from lunarcity.study.words import number

if TYPE_CHECKING:
    from lunarcity.study.analysis import Ranked


@dataclass(frozen=True)
class Index:
    """One input's Sobol index (total-order, unless said) and the half-width of its 95 % interval."""

    parameter: str
    st: float
    conf: float

    @property
    def low(self) -> float:
        """The interval's low end."""
        return self.st - self.conf

    @property
    def high(self) -> float:
        """The interval's high end."""
        return self.st + self.conf


@dataclass(frozen=True)
class Ranking:
    """The inputs a study ranks, in order, and those it leaves unresolved.

    Attributes:
        ranked: The leading inputs, each one's interval wholly above the next input's.
        unresolved: The inputs after them, in index order, whose order the intervals leave open.
    """

    ranked: list[Index]
    unresolved: list[Index]


def _separates(upper: Index, lower: Index) -> bool:
    return upper.conf < 1.0 and lower.conf < 1.0 and upper.low > lower.high


def below_zero(index: Index) -> bool:
    """Whether an index's whole interval lies below zero, which no share of variance can.

    Saltelli's first-order estimator can go negative on a small sample; an estimate below zero
    by more than its interval says the sample is too small to read, as an interval wider than the
    index's range does for a ranking (:func:`rank_inputs`).
    """
    return index.high < 0


def rank_inputs(indices: list[Index], complete: bool = True) -> Ranking:
    """Rank inputs by total-order index where their intervals separate.

    Args:
        indices: Each input's index and interval (any order).
        complete: Whether ``indices`` holds every input analysed (False: a top few, so the last
            one's follower is unknown and the last cannot rank).

    Returns:
        The leading inputs that rank (each separated from the next) and the rest, unresolved.
    """
    order = sorted(indices, key=lambda i: -i.st)
    ranked: list[Index] = []
    for k, index in enumerate(order):
        follower = order[k + 1] if k + 1 < len(order) else None
        if follower is None:
            if complete and index.conf < 1.0 and index.low > 0:
                ranked.append(index)
                continue
            break
        if not _separates(index, follower):
            break
        ranked.append(index)
    return Ranking(ranked, order[len(ranked) :])


class Source(Enum):
    """Which total-order indices of an analysed phase are read."""

    #: The sampling (Saltelli) estimates of the outcome asked for, those with finite values.
    SAMPLING = "sampling"
    #: The polynomial chaos surrogate's, whatever its Q^2 (none when it was not fitted).
    SURROGATE = "surrogate"
    #: The spec's rule: a valid surrogate's (held-out Q^2 >= 0.9), else the sampling estimates'.
    PREFERRED = "preferred"


def _index(row: dict[str, Any]) -> Index:
    return Index(row["parameter"], float(row["ST"]), float(row["ST_conf"]))


def indices_of(ranked: Ranked, outcome: str, source: Source = Source.PREFERRED) -> list[Index]:
    """An analysed phase's total-order indices of one outcome, from the source asked for.

    Args:
        ranked: The phase's analysis.
        outcome: The outcome whose sampling estimates are read (the surrogate is fitted to the
            deciding outcome alone, so ``SURROGATE`` reads it whatever ``outcome`` is).
        source: Which indices: see :class:`Source`.

    Returns:
        One :class:`Index` per input, in the source's row order. :func:`summary_indices` is
        the same choice read back from a summary.json.
    """
    fit = ranked.surrogate
    if source is Source.SURROGATE or (source is Source.PREFERRED and fit is not None and fit.valid):
        return [] if fit is None else [_index(r) for r in fit.table.iter_rows(named=True)]
    rows = ranked.full.filter(pl.col("outcome") == outcome) if ranked.full.height else ranked.full
    return [
        _index(r)
        for r in rows.iter_rows(named=True)
        if r["ST"] is not None and r["ST_conf"] is not None
    ]


def summary_indices(summary: dict[str, Any]) -> tuple[list[Index], bool]:
    """The total-order indices a study's (or one destination's) summary.json is ranked by.

    The summary-side twin of :func:`indices_of` with ``Source.PREFERRED``: the surrogate's
    ``total_order`` when it is valid (held-out Q^2 >= 0.9), else the sampling estimates'
    ``total_order`` (every kept input, written since issue 29) when present, else
    ``top_inputs`` (the top three).

    Returns:
        The indices, in the summary's order, and whether they cover every input analysed
        (``top_inputs`` does only when no more inputs were kept).
    """
    fit = summary.get("surrogate") or {}
    if fit.get("valid") and fit.get("total_order"):
        # The spec's rule: a surrogate that predicts held-out runs (Q^2 >= 0.9) is read first.
        rows, complete = fit["total_order"], True
    else:
        rows = summary.get("total_order") or summary.get("top_inputs") or []
        complete = bool(summary.get("total_order")) or len(rows) >= len(summary.get("kept", []))
    return [_index(r) for r in rows], complete


def ranking_of(summary: dict[str, Any]) -> Ranking:
    """The ranking a study's (or one destination's) summary.json supports.

    Ranks :func:`summary_indices`: a valid surrogate's indices first, else the sampling
    estimates', complete only when no more inputs were kept than listed.
    """
    indices, complete = summary_indices(summary)
    return rank_inputs(indices, complete=complete)


def _with_interval(index: Index, name: Callable[[str], str]) -> str:
    return f"{name(index.parameter)} ({number(index.st, 2)} ± {number(index.conf, 2)})"


def ranking_words(ranking: Ranking, name: Callable[[str], str] = lambda p: f"`{p}`") -> str:
    """The ranking as a sentence's words: only separated inputs are put in order.

    Args:
        ranking: From :func:`rank_inputs`.
        name: How an input is named (backticked by default; plain words for the README).

    Returns:
        e.g. "`a` (0.61 ± 0.1) first, then `b` (0.2 ± 0.05); not resolved: `c` (0.1 ± 0.2)
        and `d` (0.09 ± 0.1), whose intervals overlap" or "not resolved: ... overlap".
    """
    parts = []
    if ranking.ranked:
        ordered = [_with_interval(i, name) for i in ranking.ranked]
        parts.append(ordered[0] + " first" + "".join(f", then {o}" for o in ordered[1:]))
    rest = [_with_interval(i, name) for i in ranking.unresolved]
    if len(rest) == 1:
        parts.append(f"not resolved: {rest[0]}")
    elif rest:
        listed = ", ".join(rest[:-1]) + " and " + rest[-1]
        parts.append(f"not resolved: {listed}, whose total-order intervals overlap")
    return "; ".join(parts) or "no input analysed"
