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
