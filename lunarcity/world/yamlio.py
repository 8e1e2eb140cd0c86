"""Reading YAML with line numbers, so errors can point at the line at fault."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml

from lunarcity.errors import InputError

# (dotted path) -> 1-based line of that key in the file
LineMap = dict[str, int]

#: Nodes one document may build, aliases counted each time they are expanded. The largest file
#: we ship (data/units.yaml) builds under 200, a hundred times less; a "billion laughs" document
#: of a few hundred bytes expands to 10^9 and would hang the parser, so it is refused at the budget.
MAX_NODES = 20_000
#: Characters one document may hold: the largest file we ship is under 7 kB. The parser composes
#: a whole document before anything is built, so a huge file is refused before it is parsed.
MAX_CHARS = 1_000_000


class _Budget:
    """What both loaders add to PyYAML's SafeLoader: a node budget and a bounded merge.

    Scalars are built by the SafeLoader, mappings and sequences by :func:`_build`. Every node
    built, and every entry a merge key (``<<``) copies, is counted against :data:`MAX_NODES`,
    so aliases cannot expand a small file into a huge one.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.nodes_built = 0

    def spend(self, n: int, node: yaml.Node) -> None:
        """Count ``n`` more nodes; refuse the document once it passes the budget."""
        self.nodes_built += n
        if self.nodes_built > MAX_NODES:
            raise InputError(
                f"the document expands to more than {MAX_NODES:,} nodes (nested YAML aliases?)",
                line=node.start_mark.line + 1,
                valid="a scenario or data file without aliases that multiply",
            )

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        """PyYAML's merge-key flattening, with each merged entry counted before it is copied.

        Merges of merges copy lists that double at each level, so PyYAML's own version runs out
        of memory on a small file; this one stops at the budget.
        """
        merge: list[tuple[yaml.Node, yaml.Node]] = []
        index = 0
        while index < len(node.value):
            key_node, value_node = node.value[index]
            if key_node.tag == "tag:yaml.org,2002:merge":
                del node.value[index]
                subs = (
                    [value_node]
                    if isinstance(value_node, yaml.MappingNode)
                    else value_node.value
                    if isinstance(value_node, yaml.SequenceNode)
                    else None
                )
                if subs is None or not all(isinstance(s, yaml.MappingNode) for s in subs):
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        "expected a mapping or list of mappings for merging",
                        value_node.start_mark,
                    )
                for sub in subs:
                    self.flatten_mapping(sub)
                # Later mappings in a merge list lose to earlier ones: PyYAML reverses them.
                for sub in reversed(subs):
                    self.spend(len(sub.value), node)
                    merge.extend(sub.value)
            elif key_node.tag == "tag:yaml.org,2002:value":
                key_node.tag = "tag:yaml.org,2002:str"
                index += 1
            else:
                index += 1
        if merge:
            node.value = merge + node.value


class _Loader(_Budget, yaml.SafeLoader):
    """PyYAML's parser, in Python: what a document that fails is read with, for its message."""


#: libyaml's parser, in C, where PyYAML was built with it (PyPI's wheels are): a tenth of the
#: time of PyYAML's own. Parsing the reference data was ~0.1 s of each process's first run, 3 %
#: of benchmarks/run.py's `default_run_s`. Both give the same nodes and marks, and the scalars
#: are resolved and built by the same Python classes, so the same data and line map
#: (tests/test_hostile_input.py checks every shipped file both ways).
_FastLoader: type[_Budget] = (
    type("_FastLoader", (_Budget, yaml.CSafeLoader), {})
    if hasattr(yaml, "CSafeLoader")
    else _Loader
)


def _build(loader: _Budget, node: yaml.Node, path: str, lines: LineMap, stack: set[int]) -> Any:
    if id(node) in stack:
        raise InputError(
            "a YAML alias refers to itself", line=node.start_mark.line + 1, field=path or None
        )
    loader.spend(1, node)
    if isinstance(node, yaml.MappingNode):
        stack.add(id(node))
        loader.flatten_mapping(node)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = (
                loader.construct_object(key_node, deep=True)
                if isinstance(key_node, yaml.ScalarNode)
                else None
            )
            line = key_node.start_mark.line + 1
            if not isinstance(key, str | int | float | bool) or key is None:
                raise InputError(
                    "a mapping key must be a plain name", line=line, field=path or None
                )
            key = str(key)
            sub = f"{path}.{key}" if path else key
            if key in out:
                raise InputError(f"duplicate key '{key}'", line=line, field=sub)
            lines[sub] = line
            out[key] = _build(loader, value_node, sub, lines, stack)
        stack.discard(id(node))
        return out
    if isinstance(node, yaml.SequenceNode):
        stack.add(id(node))
        items = []
        for i, item in enumerate(node.value):
            sub = f"{path}.{i}" if path else str(i)
            lines[sub] = item.start_mark.line + 1
            items.append(_build(loader, item, sub, lines, stack))
        stack.discard(id(node))
        return items
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, TypeError, OverflowError) as exc:
        # PyYAML's scalar constructors raise these without a mark (e.g. a date 2001-13-45).
        raise InputError(
            f"malformed YAML: {exc}", line=node.start_mark.line + 1, field=path or None
        ) from None


def parse_yaml(text: str, source: str = "<text>") -> tuple[Any, LineMap]:
    """Parse YAML text into plain Python data and a map of key paths to lines.

    Args:
        text: The YAML document.
        source: A name for the document in error messages (usually its path).

    Returns:
        The data (None for an empty document) and the line map.

    Raises:
        InputError: the text is not a single valid YAML document of plain data.
    """
    if len(text) > MAX_CHARS:
        raise InputError(
            f"the document is {len(text):,} characters, more than {MAX_CHARS:,}",
            file=source,
            valid="a scenario, sweep spec or data file of ordinary size",
        )
    try:
        try:
            return _parse(text, _FastLoader)
        except yaml.YAMLError:
            # libyaml's messages name less (an undefined alias without its name, a character
            # that cannot start a token without the character): PyYAML's parser, slower but
            # run only on a document that fails, says what is wrong and where.
            return _parse(text, _Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        context = exc.context
        # The construct at fault often starts lines before the parser gives up on it.
        if (
            context
            and exc.context_mark
            and exc.problem_mark
            and exc.context_mark.line != exc.problem_mark.line
        ):
            context = f"{context} (opened on line {exc.context_mark.line + 1})"
        problem = " ".join(str(p) for p in (context, exc.problem) if p) or "invalid YAML"
        raise InputError(f"malformed YAML: {problem}", file=source, line=line) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 if isinstance(text, str) else None
        char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        raise InputError(
            f"malformed YAML: unacceptable character {char}: {exc.reason}", file=source, line=line
        ) from None
    except yaml.YAMLError as exc:
        # One line: PyYAML's own text spans several.
        raise InputError(f"malformed YAML: {' '.join(str(exc).split())}", file=source) from None
    except InputError as exc:
        raise exc.with_file(source) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # PyYAML's scalar constructors raise these on odd timestamps and numbers.
        raise InputError(f"malformed YAML: {exc}", file=source) from None


def _parse(text: str, loader_class: type[_Budget]) -> tuple[Any, LineMap]:
    """Compose and build one document with ``loader_class``; PyYAML's errors pass through."""
    lines: LineMap = {}
    # The reader checks every character as it is built (e.g. a NUL byte): the caller's try
    # holds this call.
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines
        return _build(loader, node, "", lines, set()), lines
    finally:
        loader.dispose()


def load_yaml(path: str | Path) -> tuple[Any, LineMap]:
    """Read and parse a YAML file; see :func:`parse_yaml`.

    The file is read every time; parsing the same text again (a sweep resolves its scenario
    once per run) is served from a small cache, as a copy the caller may change.
    """
    path = Path(path)
    try:
        # At most a little more than the size limit is read: a huge file is not read whole.
        with path.open("rb") as handle:
            raw = handle.read(4 * MAX_CHARS + 1)
        if len(raw) > 4 * MAX_CHARS:
            raise InputError(
                f"the file is larger than {4 * MAX_CHARS:,} bytes",
                file=str(path),
                valid="a scenario, sweep spec or data file of ordinary size",
            )
        # Universal newlines, as read_text gives them (line numbers count \r\n as one).
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", file=str(path)) from None
    data, lines = _parse_cached(text, str(path))
    return copy.deepcopy(data), dict(lines)


@functools.lru_cache(maxsize=64)
def _parse_cached(text: str, source: str) -> tuple[Any, LineMap]:
    return parse_yaml(text, source)


def line_of(lines: LineMap, loc: tuple[Any, ...] | list[Any]) -> int | None:
    """The line of the deepest key of ``loc`` that the line map knows."""
    parts = [str(p) for p in loc]
    while parts:
        key = ".".join(parts)
        if key in lines:
            return lines[key]
        parts.pop()
    return None
