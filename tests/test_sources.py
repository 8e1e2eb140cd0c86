"""Every ``source:`` in the data and the presets names a key that docs/SOURCES.md defines.

A source key means something only if a reader can look it up: docs/SOURCES.md gives each key's
full citation and the figures taken from it. The repository must not send readers to files it
does not hold.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "docs" / "SOURCES.md"
SOURCED_FILES = sorted(
    [
        *(REPO / "data").glob("*.yaml"),
        *(REPO / "models").rglob("*.yaml"),
        *(REPO / "benchmarks" / "scenarios").glob("*.yaml"),
        REPO / "viz" / "tour.yaml",
    ]
)
#: Files a reader of the repository cannot open (they are not in it).
ABSENT = ("FACTS", "DESIGN.md")


def defined_keys() -> set[str]:
    """The keys docs/SOURCES.md defines, one ``### KEY`` heading each."""
    text = SOURCES.read_text(encoding="utf-8")
    return set(re.findall(r"^### ([A-Z][A-Z0-9]+)$", text, flags=re.MULTILINE))


def sources_in(doc: Any, path: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(dotted path, text) of every ``source`` value in a YAML document."""
    found: list[tuple[str, str]] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            here = (*path, str(key))
            if key == "source" and not isinstance(value, dict | list):
                found.append((".".join(here), str(value)))
            else:
                found += sources_in(value, here)
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            found += sources_in(value, (*path, str(i)))
    return found


def test_sources_page_defines_the_keys_the_model_uses() -> None:
    keys = defined_keys()
    # The studies the presets are checked against, and the brief itself.
    assert {"SX26", "AASM80", "FZ81", "M13", "LW95", "GZ23", "LSB91", "H26", "DERIVED"} <= keys


@pytest.mark.parametrize("path", SOURCED_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_source_names_a_defined_key(path: Path) -> None:
    keys = defined_keys()
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = [
        f"{where}: {text!r}"
        for where, text in sources_in(doc)
        if not keys & set(re.findall(r"[A-Z][A-Z0-9]+", text))
    ]
    assert not unknown, f"{path.relative_to(REPO)}: sources naming no key of docs/SOURCES.md: " + (
        "; ".join(unknown)
    )


def test_no_file_cites_what_the_repository_does_not_hold() -> None:
    texts = [*SOURCED_FILES, REPO / "docs" / "MODEL.md", REPO / "README.md", SOURCES]
    texts += sorted((REPO / "lunarcity").rglob("*.py"))
    cited = [
        str(p.relative_to(REPO))
        for p in texts
        if any(
            re.search(rf"\b{re.escape(name)}\b", p.read_text(encoding="utf-8")) for name in ABSENT
        )
    ]
    assert cited == []


def test_the_schema_points_to_the_sources_page() -> None:
    from lunarcity.world.scenario import json_schema

    text = str(json_schema())
    assert "docs/SOURCES.md" in text
    assert not any(name in text for name in ABSENT)


def test_each_key_is_defined_once() -> None:
    text = SOURCES.read_text(encoding="utf-8")
    keys = re.findall(r"^### ([A-Z][A-Z0-9]+)$", text, flags=re.MULTILINE)
    twice = sorted({k for k in keys if keys.count(k) > 1})
    assert twice == [], f"docs/SOURCES.md defines these keys more than once: {twice}"


#: Where a key of docs/SOURCES.md may be cited: the data, the presets, the code, the other docs.
CITING = ("data", "models", "lunarcity", "docs", "viz", "benchmarks")
CITING_SUFFIXES = {".yaml", ".yml", ".py", ".md", ".ipynb", ".csv"}


def test_every_key_is_cited_somewhere() -> None:
    """A source the repository lists but nothing uses only sends readers on a false trail."""
    texts = [REPO / "README.md"] + [
        p
        for folder in CITING
        for p in sorted((REPO / folder).rglob("*"))
        if p.suffix in CITING_SUFFIXES and p.is_file() and p != SOURCES
    ]
    cited = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in texts)
    unused = sorted(k for k in defined_keys() if not re.search(rf"\b{k}\b", cited))
    assert unused == [], (
        f"docs/SOURCES.md defines keys nothing cites: {unused}; cite each where its figure is "
        "used or remove it"
    )


#: Where an author-year citation may stand: the sourced YAML (all of its text), the code, the
#: app and the docs (not docs/results/, which a study writes, nor the notebooks).
CITATION_FILES = sorted(
    {
        *SOURCED_FILES,
        *(REPO / "lunarcity").rglob("*.py"),
        *(REPO / "viz").glob("*.py"),
        *(p for p in (REPO / "docs").glob("*.md") if p != SOURCES),
    }
)
#: A surname: a capital then lower case (so no acronym, "NASA 1980" or "IUPAC 2021"), with an
#: O'/D' prefix or a hyphenated second part ("O'Neill", "Guerrero-Gonzalez", "Gläser").
_NAME = r"[A-ZÀ-Þ](?:['’][A-ZÀ-Þ])?[a-zß-ÿ]+(?:-[A-ZÀ-Þ][a-zß-ÿ]+)?"
_YEAR = r"(1[6-9]\d\d|20\d\d)"
#: The forms of an author-year citation. "et al." and "&" name a reference's first author
#: anywhere; a lone name only in the forms that make it a citation, "Wright (1936)" or inside
#: parentheses, "(Sudret 2008" and "; Kolm 1980", so that "In 1980 a NASA study" is none.
CITATION = re.compile(
    rf"\b(?P<first>{_NAME})\s+et\s+al\.?,?\s+\(?{_YEAR}\b"
    rf"|\b(?P<pair>{_NAME})\s+(?:&|and)\s+(?P<second>{_NAME}),?\s+\(?(?P<pair_year>{_YEAR[1:-1]})\b"
    rf"|\b(?P<lone>{_NAME})\s+\((?P<lone_year>{_YEAR[1:-1]})\)"
    rf"|[(;]\s*(?P<inner>{_NAME}),?\s+(?P<inner_year>{_YEAR[1:-1]})\b"
)


def citations_in(text: str) -> list[tuple[str, str | None, str, bool]]:
    """(surname, second surname or None, year, names the first author) of each citation."""
    found = []
    for m in CITATION.finditer(text):
        if m["first"]:
            found.append((m["first"], None, m[2], True))
        elif m["pair"]:
            found.append((m["pair"], m["second"], m["pair_year"], True))
        elif m["lone"]:
            found.append((m["lone"], None, m["lone_year"], False))
        else:
            found.append((m["inner"], None, m["inner_year"], False))
    return found


def sources_entries() -> dict[str, str]:
    """Each ``### KEY`` entry's text (its citation and what the model takes), by key."""
    parts = re.split(r"^### ([A-Z][A-Z0-9]+)$", SOURCES.read_text(encoding="utf-8"), flags=re.M)
    texts = (re.split(r"^## ", t, flags=re.M)[0] for t in parts[2::2])
    return dict(zip(parts[1::2], texts, strict=True))


def lists(entry: str, name: str, second: str | None, year: str, first_author: bool) -> bool:
    """Whether an entry of docs/SOURCES.md is the reference a citation points at.

    The year and every name must stand in the entry. A citation by "et al." or "&" names the
    first author, so the name must lead the entry's citation (its first surname) or stand in
    it as "Name et al.": a co-author's other paper of the same year is not the one cited.
    """
    words = re.findall(rf"{_NAME}\b(?!\.)", entry)
    if not re.search(rf"\b{year}\b", entry) or name not in words:
        return False
    if second is not None and second not in words:
        return False
    return not first_author or words[0] == name or f"{name} et al" in entry


def test_citations_by_author_and_year_are_listed() -> None:
    """A reference cited by author and year anywhere is one docs/SOURCES.md lists in full.

    "Mueller et al. 2013" in a comment or an ``assumption:`` sends a reader to a paper as
    surely as a ``source:`` key does; the repository must hold its citation too.
    """
    entries = sources_entries()
    unlisted = sorted(
        {
            f"{path.relative_to(REPO)}: {name}{f' & {second}' if second else ''} {year}"
            for path in CITATION_FILES
            for name, second, year, first in citations_in(path.read_text(encoding="utf-8"))
            if not any(lists(e, name, second, year, first) for e in entries.values())
        }
    )
    assert unlisted == [], (
        "cited by author and year but not listed in docs/SOURCES.md (add a ### KEY entry with "
        "the full citation): " + "; ".join(unlisted)
    )


def test_the_citation_pattern_finds_each_form() -> None:
    """The pattern finds the forms the repository writes, and not years that cite nobody."""
    text = (
        "RASSOR (Mueller et al. 2013); Campolongo et al. 2007's 10-20; Friedman & Fisher (1999); "
        "Bryant &\nLempert (2010); Kalbfleisch and Prentice 1980; Wright (1936) found; "
        "(Sudret 2008, RESS); rate (SSI 1976; Kolm 1980); O'Neill (1974)."
        " In 1980 a NASA study; (IUPAC 2021); NASA's 1980 seed; day 1821; (Greenwood's sum)."
    )
    assert [(n, s, y) for n, s, y, _ in citations_in(text)] == [
        ("Mueller", None, "2013"),
        ("Campolongo", None, "2007"),
        ("Friedman", "Fisher", "1999"),
        ("Bryant", "Lempert", "2010"),
        ("Kalbfleisch", "Prentice", "1980"),
        ("Wright", None, "1936"),
        ("Sudret", None, "2008"),
        ("Kolm", None, "1980"),
        ("O'Neill", None, "1974"),
    ]
    entry = 'P. T. Metzger, A. Muscatello, R. P. Mueller and J. Mantovani, "Affordable", 2013.'
    assert lists(entry, "Metzger", None, "2013", True)
    assert not lists(entry, "Mueller", None, "2013", True)
    assert lists(entry, "Mueller", None, "2013", False)
