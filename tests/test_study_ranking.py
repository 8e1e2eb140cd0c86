"""Rankings only where intervals separate, and the README's opening in plain words (issue 29)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from lunarcity.study.answer import CITY, ROUTE, START, answer_text
from lunarcity.study.plain import condition
from lunarcity.study.ranking import (
    Index,
    rank_inputs,
    ranking_of,
    ranking_words,
    summary_indices,
)
from lunarcity.study.words import number, percent

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "docs" / "results"


def test_ranks_by_hand() -> None:
    # a: 0.6 +- 0.1 -> [0.5, 0.7]; b: 0.3 +- 0.1 -> [0.2, 0.4]: 0.5 > 0.4, a is above b.
    # c: 0.25 +- 0.1 -> [0.15, 0.35] overlaps b's [0.2, 0.4]: b and c are not resolved.
    a, b, c = Index("a", 0.6, 0.1), Index("b", 0.3, 0.1), Index("c", 0.25, 0.1)
    r = rank_inputs([c, a, b])
    assert [i.parameter for i in r.ranked] == ["a"]
    assert [i.parameter for i in r.unresolved] == ["b", "c"]
    # With c at 0.05 +- 0.02 -> [0.03, 0.07], below b's 0.2: every one separates, and the last,
    # its interval above zero, ranks third - if the list is complete.
    c = Index("c", 0.05, 0.02)
    assert [i.parameter for i in rank_inputs([a, b, c]).ranked] == ["a", "b", "c"]
    # A top three of more inputs: c's follower is unknown, so c cannot rank.
    assert [i.parameter for i in rank_inputs([a, b, c], complete=False).ranked] == ["a", "b"]
    # The route study's published pair: 0.61 +- 0.55 and 0.50 +- 0.56 overlap (0.06 < 1.06).
    pair = [Index("p", 0.61, 0.55), Index("e", 0.50, 0.56)]
    assert rank_inputs(pair).ranked == []
    # An interval wider than the index's range resolves nothing, even far above the next.
    assert rank_inputs([Index("w", 0.9, 1.5), Index("z", 0.0, 0.0)]).ranked == []


def test_ranking_words_name_only_separated_inputs() -> None:
    a, b, c = Index("a", 0.6, 0.1), Index("b", 0.3, 0.1), Index("c", 0.25, 0.1)
    text = ranking_words(rank_inputs([a, b, c]))
    assert text == (
        "`a` (0.6 ± 0.1) first; not resolved: `b` (0.3 ± 0.1) and `c` (0.25 ± 0.1), whose "
        "total-order intervals overlap"
    )


def _summaries() -> list[dict[str, Any]]:
    """Every committed study's summary, and each destination's."""
    out = []
    for name in (CITY, ROUTE):
        data = json.loads((RESULTS / name / "summary.json").read_text(encoding="utf-8"))
        out.append(data)
        out += list((data.get("destinations") or {}).values())
    return out


def _ranked_names(text: str) -> list[str]:
    """The inputs a text puts in order: '`x` (...) first' and ', then `y` (...)'."""
    return re.findall(r"`([\w.]+)` \([^)]*\) first", text) + re.findall(
        r", then `([\w.]+)` \(", text
    )


def test_a_valid_surrogate_is_read_before_the_sampling_estimates() -> None:
    # Sampling: a 0.5 +- 0.4 and b 0.3 +- 0.3 overlap (0.1-0.9 against 0-0.6): not resolved.
    # Surrogate: a 0.52 +- 0.03 and b 0.31 +- 0.02 separate (0.49-0.55 against 0.29-0.33).
    sampled = [
        {"parameter": "a", "ST": 0.5, "ST_conf": 0.4},
        {"parameter": "b", "ST": 0.3, "ST_conf": 0.3},
    ]
    fitted = [
        {"parameter": "a", "ST": 0.52, "ST_conf": 0.03},
        {"parameter": "b", "ST": 0.31, "ST_conf": 0.02},
    ]
    summary = {"kept": ["a", "b"], "total_order": sampled}
    assert ranking_of(summary).ranked == []
    summary["surrogate"] = {"valid": True, "q2": 0.95, "total_order": fitted}
    assert [i.parameter for i in ranking_of(summary).ranked] == ["a", "b"]
    # Below Q^2 0.9 the surrogate is not read.
    summary["surrogate"] = {"valid": False, "q2": 0.6, "total_order": fitted}
    assert ranking_of(summary).ranked == []


def test_no_ranking_sentence_names_an_input_whose_interval_overlaps_the_next() -> None:
    """Done when 2: over the committed summary.json files, in the README's answer and reports."""
    summaries = _summaries()
    text = answer_text(RESULTS, "docs/results")
    reports = [p.read_text(encoding="utf-8") for p in RESULTS.rglob("report.md")]
    for summary in summaries:
        rows = sorted(summary_indices(summary)[0], key=lambda i: -i.st)
        ranked = {i.parameter for i in ranking_of(summary).ranked}
        for row, follower in zip(rows, rows[1:], strict=False):
            # An interval is ST ± ST_conf: a ranked input's low end is above the next one's high.
            if row.parameter in ranked:
                assert row.st - row.conf > follower.st + follower.conf, (
                    f"{row.parameter} ranked over an overlapping interval"
                )
    # Every input the generated answer puts in order is one its summary ranks.
    may_rank = {i.parameter for s in summaries for i in ranking_of(s).ranked}
    for name in _ranked_names(text):
        assert name in may_rank, f"the answer ranks {name}, whose interval overlaps the next"
    # The committed (stale) studies resolve no ranking: the answer must say so.
    if not may_rank:
        assert "not resolved" in text and not _ranked_names(text)
    del reports  # the committed reports predate issue 29; the rerun regenerates them


IDENTIFIER = re.compile(r"`|\b[A-Za-z]+_[A-Za-z0-9_]+\b|\b[A-Za-z_]+\.[A-Za-z_]+\b")
#: A figure: digits not glued to a letter (L1, L2 are names of places, not figures), with
#: thousands separators only before three digits ("year 5, and" states 5).
FIGURE = re.compile(r"(?<![A-Za-z\d.,])\d+(?:,\d{3})*(?:\.\d+)?(?:\s?%)?")


def _opening() -> str:
    text = answer_text(RESULTS, "docs/results")
    body = text.split(START, 1)[1].lstrip("\n")
    return body.split("\n\n", 1)[0]


def _numbers(data: Any) -> list[float]:
    """Every number in a summary, and the numbers inside its PRIM bounds' text."""
    if isinstance(data, bool):
        return []
    if isinstance(data, int | float):
        return [float(data)]
    if isinstance(data, str):
        return [float(x.replace(",", "")) for x in re.findall(r"-?\d[\d,]*\.?\d*", data)]
    if isinstance(data, dict):
        return [x for v in data.values() for x in _numbers(v)]
    if isinstance(data, list):
        return [x for v in data for x in _numbers(v)]
    return []


def test_the_opening_is_plain_words_whose_figures_match_the_committed_summaries() -> None:
    """Done when 3: no identifier in the first paragraph; each figure is one in summary.json."""
    opening = _opening()
    assert opening.startswith("**What the model says.**")
    found = IDENTIFIER.findall(opening)
    assert not found, f"identifiers in the opening: {found}"
    summaries = _summaries()
    values = _numbers(summaries)
    # Counts the summaries imply: inputs sampled (kept + screened out) and destinations.
    values += [float(len(s.get("kept", [])) + len(s.get("screened_out", []))) for s in summaries]
    values += [float(len(s["destinations"])) for s in summaries if s.get("destinations")]
    shown = {percent(v) for v in values if 0 <= v <= 1}
    shown |= {number(v, d) for v in values for d in (1, 2, 3)}
    shown |= {number(int(v)) for v in values if float(v).is_integer()}
    # "95 % interval" is the interval's level and "1 would be break-even" the ratio's
    # definition, not results.
    stated = opening.replace("95 % interval", "interval").replace("1 would be", "one would be")
    figures = FIGURE.findall(stated)
    assert figures, "the opening states no figure"
    for figure in figures:
        assert figure in shown, f"{figure!r} in the opening matches no figure in summary.json"


def test_a_prim_bound_in_words_says_only_what_cuts_the_range() -> None:
    # earth.until_years sampled 4 to 12: 6.202 cuts (above 4 + 5 % of 8 = 4.4); 11.8 does not
    # (within 0.4 of 12).
    assert condition("6.202 <= earth.until_years <= 11.8", (4.0, 12.0)) == (
        "Earth keeps landing past year 6.2"
    )
    assert condition("site.name in {polar_ridge}") == "at the polar ridge"
    assert condition("5 <= earth.lander_interval_days <= 30", (5.0, 30.0)) is None
    # Without the range both bounds are said.
    said = condition("56.32 <= earth.lander_payload_t <= 141.4")
    assert (
        said == "each lander carries at least 56 tonnes and each lander carries at most 140 tonnes"
    )


@pytest.mark.parametrize("name", ["industrial_mass_t", "break_even_ratio"])
def test_deciding_outcomes_have_words(name: str) -> None:
    from lunarcity.study.plain import outcome

    assert "_" not in outcome(name)
