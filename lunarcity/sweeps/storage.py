"""A sweep's folder: its identity, one Parquet file per run, the manifest and the results.

Layout of ``DIR``::

    sweep.json          what the sweep is: its id (a hash), spec, resolved scenario, design
    design.parquet      the design matrix in problem space (what sensitivity analysis reads)
    runs/<id>.parquet   one row per run: id, point, replicate, seed, status, error, duration,
                        worker's peak memory, parameters, outcomes; written under a temporary
                        name, then renamed
    daily/<id>.parquet  the run's daily table, every N days (only with keep_daily_every)
    manifest.parquet    one row per run: id, parameters, seed, status, error, duration, memory
    results.parquet     one row per run: id, point, replicate, seed, status, parameters, outcomes

The run files are the truth: a run is done (or failed) exactly when its file exists, and a rename
is atomic, so a sweep killed at any moment leaves only whole files behind. The manifest and the
results are rebuilt from them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from lunarcity.errors import InputError
from lunarcity.show.output_paths import written_atomically
from lunarcity.sweeps.designs import DesignTable
from lunarcity.sweeps.spec import (
    RangeParameter,
    SweepSpec,
    ValuesParameter,
    outcome_type,
    parameter_is_integer,
)

FORMAT = 1
SWEEP_FILE = "sweep.json"
DESIGN_FILE = "design.parquet"
MANIFEST_FILE = "manifest.parquet"
RESULTS_FILE = "results.parquet"
RUNS = "runs"
DAILY = "daily"

_ARROW = {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64(), "str": pa.string()}
#: Columns of the per-run files before the parameters and outcomes.
ID_COLUMNS = ["run_id", "point", "replicate", "seed"]
STATUS_COLUMNS = ["status", "error", "duration_s", "peak_rss_mb"]
#: Columns that vary from one execution to the next: in the manifest, not in the results.
RUN_ONLY_COLUMNS = ("error", "duration_s", "peak_rss_mb")


# -- identity ------------------------------------------------------------------------------------
#: Keys of a sweep spec that hold prose (words for people): no run reads them.
SPEC_PROSE = ("name", "description", "source", "assumption")
#: Keys of a data file that hold prose: the sources and assumptions beside each figure, and
#: descriptions. (A data file's ``name``, were there one, could be an identity: kept.)
DATA_PROSE = ("description", "source", "assumption")


def data_hash(root: Path | None = None) -> str:
    """SHA-256 of the package's data as the runs read it (or of the data folder ``root``).

    Each YAML file is hashed as its parsed content without its prose (:data:`DATA_PROSE`),
    comments gone with the parse: rewording a source or an assumption, or a comment, changes
    no run, so it keeps every sweep's identity (its folder stays resumable) and every
    notebook's fingerprint. A figure changed, a key added or a file renamed changes the hash.
    Any other file is hashed as its bytes.
    """
    from lunarcity.resources import data_dir
    from lunarcity.world.yamlio import load_yaml

    root = data_dir() if root is None else Path(root)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        if path.suffix in (".yaml", ".yml"):
            content = _keyed_by_text(_strip_text(load_yaml(path)[0], DATA_PROSE))
            text = json.dumps(
                content, sort_keys=True, separators=(",", ":"), allow_nan=True, default=repr
            )
            digest.update(text.encode() + b"\0")
        else:
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _keyed_by_text(value: Any) -> Any:
    """``value`` with every mapping key as text that names its type (``int:3``, ``str:3``).

    JSON keys are text, and sorting a mapping with keys of two types (YAML allows ``3:`` beside
    ``x:``) would raise: the hash must take any file the parser takes.
    """
    if isinstance(value, dict):
        return {f"{type(k).__name__}:{k}": _keyed_by_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_keyed_by_text(v) for v in value]
    return value


def _strip_text(value: Any, prose: tuple[str, ...] = SPEC_PROSE) -> Any:
    """``value`` without the mapping keys named in ``prose``, at any depth: they change no run."""
    if isinstance(value, dict):
        return {k: _strip_text(v, prose) for k, v in value.items() if k not in prose}
    if isinstance(value, list):
        return [_strip_text(v, prose) for v in value]
    return value


def identity(spec: SweepSpec, scenario: dict[str, Any]) -> dict[str, Any]:
    """What identifies a sweep: the spec, the resolved scenario and the data files' content."""
    import lunarcity

    data = _strip_text(spec.model_dump(mode="json"))
    # Options at their defaults are left out, so adding an option keeps every earlier sweep's id
    # (and its folder resumable).
    if not data.get("fixed"):
        data.pop("fixed", None)
    if not data.get("design", {}).get("common_seeds"):
        data.get("design", {}).pop("common_seeds", None)
    return {
        "spec": data,
        "scenario": scenario,
        "data_sha256": data_hash(),
        "lunarcity": lunarcity.__version__,
    }


def sweep_id(ident: dict[str, Any]) -> str:
    """The hash of a sweep's identity (hex)."""
    text = json.dumps(ident, sort_keys=True, separators=(",", ":"), allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# -- schema --------------------------------------------------------------------------------------
def parameter_type(path: str, param: RangeParameter | ValuesParameter) -> str:
    """The column type of a parameter: ``int``, ``float``, ``bool`` or ``str``."""
    if isinstance(param, RangeParameter):
        return "int" if parameter_is_integer(path) else "float"
    values = param.values
    if all(isinstance(v, bool) for v in values):
        return "bool"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int" if parameter_is_integer(path) else "float"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "float"
    return "str"


def column_types(spec: SweepSpec) -> dict[str, str]:
    """Every column of a run file and its type, in order; fixed by the spec alone."""
    cols = dict.fromkeys(ID_COLUMNS, "int")
    cols.update(zip(STATUS_COLUMNS, ("str", "str", "float", "float"), strict=True))
    for path, param in spec.parameters.items():
        cols[path] = parameter_type(path, param)
    for name in spec.outcome_names():
        cols[name] = outcome_type(name)
    return cols


def arrow_schema(types: dict[str, str]) -> pa.Schema:
    """An Arrow schema from column types."""
    return pa.schema([(name, _ARROW[kind]) for name, kind in types.items()])


def convert(value: Any, kind: str) -> Any:
    """A parameter value as its column stores it."""
    if value is None:
        return None
    return {"int": int, "float": float, "bool": bool, "str": str}[kind](value)


# -- files ---------------------------------------------------------------------------------------
def write_atomic(table: pa.Table | pl.DataFrame, path: Path) -> None:
    """Write Parquet under a temporary name in the same folder, then rename it into place."""
    with written_atomically(path) as tmp:
        if isinstance(table, pl.DataFrame):
            table.write_parquet(tmp)
        else:
            pq.write_table(table, tmp)


def write_text_atomic(text: str, path: Path) -> None:
    """Write a text file under a temporary name, then rename it into place."""
    with written_atomically(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


class SweepDir:
    """The output folder of one sweep.

    Args:
        root: The folder.
        types: Column types of the run files (from :func:`column_types`).
        outcomes: The outcome columns among them.
    """

    def __init__(self, root: Path, types: dict[str, str], outcomes: list[str]) -> None:
        self.root = Path(root)
        self.types = types
        self.outcomes = list(outcomes)
        self.schema = arrow_schema(types)
        self._lock: Any = None

    # file names
    def run_file(self, run_id: int) -> Path:
        """The Parquet file of one run."""
        return self.root / RUNS / f"{run_id:07d}.parquet"

    def daily_file(self, run_id: int) -> Path:
        """The daily table of one run."""
        return self.root / DAILY / f"{run_id:07d}.parquet"

    def open(self, ident: dict[str, Any], info: dict[str, Any], design: DesignTable) -> None:
        """Create the folder, or check that it holds this very sweep; take its lock.

        Raises:
            InputError: the folder holds another sweep, or files that are not a sweep's, or
                another process is running a sweep in it.
        """
        sid = info["sweep_id"]
        meta = self.root / SWEEP_FILE
        if meta.exists():
            try:
                old = json.loads(meta.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = {}
            if old.get("sweep_id") != sid:
                raise InputError(
                    f"holds another sweep ({old.get('name', '?')}, id {old.get('sweep_id', '?')}); "
                    f"this spec is sweep id {sid}: use another --out, or delete the folder to "
                    "start over",
                    file=str(self.root),
                )
        elif self.root.exists() and any(self.root.iterdir()):
            raise InputError(
                "is not empty and holds no sweep.json: use an empty or new folder for --out",
                file=str(self.root),
            )
        (self.root / RUNS).mkdir(parents=True, exist_ok=True)
        self._take_lock()
        if not meta.exists():
            x = {"point": np.arange(len(design.x), dtype=np.int64)}
            x.update({name: design.x[:, i] for i, name in enumerate(design.names)})
            write_atomic(pl.DataFrame(x), self.root / DESIGN_FILE)
            body = {**info, "identity": ident}
            write_text_atomic(json.dumps(body, indent=2, sort_keys=False) + "\n", meta)
        if info.get("keep_daily_every"):
            (self.root / DAILY).mkdir(exist_ok=True)
        self._clean_temporaries()

    def _take_lock(self) -> None:
        # flock dies with its process, so a sweep killed with SIGKILL never leaves a stale lock.
        handle = open(self.root / ".lock", "w")  # noqa: SIM115 - held for the sweep's lifetime
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise InputError(
                "another sweep is running in this folder", file=str(self.root)
            ) from None
        self._lock = handle

    def close(self) -> None:
        """Release the folder's lock."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _clean_temporaries(self) -> None:
        # Left by a process killed mid-write; never renamed, so never counted.
        for sub in (self.root, self.root / RUNS, self.root / DAILY):
            if sub.is_dir():
                for tmp in sub.glob(".*.tmp"):
                    with contextlib.suppress(OSError):
                        tmp.unlink()

    def finished(self) -> dict[int, str]:
        """Run id -> status ('done' or 'failed') of every run with a file."""
        out: dict[int, str] = {}
        for path in sorted((self.root / RUNS).glob("*.parquet")):
            try:
                table = pq.read_table(path, columns=["run_id", "status"])
            except (OSError, pa.ArrowInvalid):
                continue  # unreadable: treat as missing; the rerun replaces it
            for rid, status in zip(
                table.column("run_id").to_pylist(), table.column("status").to_pylist(), strict=True
            ):
                out[int(rid)] = str(status)
        return out

    def write_run(self, row: dict[str, Any], daily: pl.DataFrame | None) -> None:
        """Write one run's file (and its daily table first, so a run file implies its daily)."""
        if daily is not None:
            write_atomic(daily, self.daily_file(row["run_id"]))
        table = pa.Table.from_pylist([row], schema=self.schema)
        write_atomic(table, self.run_file(row["run_id"]))

    def iter_run_tables(self, run_ids: list[int], chunk: int = 1000) -> Iterator[pa.Table]:
        """The run files of ``run_ids`` (those that exist), ``chunk`` at a time, in order."""
        from concurrent.futures import ThreadPoolExecutor

        def read(rid: int) -> pa.Table | None:
            path = self.run_file(rid)
            return pq.read_table(path, schema=self.schema) if path.exists() else None

        # Reading many small files is I/O and Arrow work that releases the GIL: threads help.
        with ThreadPoolExecutor(max_workers=8) as pool:
            for start in range(0, len(run_ids), chunk):
                tables = [
                    t for t in pool.map(read, run_ids[start : start + chunk]) if t is not None
                ]
                if tables:
                    yield pa.concat_tables(tables)

    def write_tables(self, n_runs: int) -> tuple[Path, Path]:
        """Rebuild results.parquet and manifest.parquet from the run files, streaming.

        Memory stays flat as runs grow: a thousand rows at a time.

        Returns:
            The paths of the results and the manifest.
        """
        results_cols = [c for c in self.types if c not in RUN_ONLY_COLUMNS]
        manifest_cols = [c for c in self.types if c not in self.outcomes]
        targets = [
            (self.root / RESULTS_FILE, results_cols),
            (self.root / MANIFEST_FILE, manifest_cols),
        ]
        with contextlib.ExitStack() as stack:
            writers = []
            for path, cols in targets:
                tmp = stack.enter_context(written_atomically(path))
                schema = pa.schema([self.schema.field(c) for c in cols])
                writer = pq.ParquetWriter(tmp, schema)
                # Closed before the rename (callbacks run last in, first out).
                stack.callback(writer.close)
                writers.append((cols, writer))
            for table in self.iter_run_tables(list(range(n_runs))):
                for cols, writer in writers:
                    writer.write_table(table.select(cols))
        return targets[0][0], targets[1][0]


def read_info(root: Path) -> dict[str, Any]:
    """The sweep.json of a finished or running sweep.

    Raises:
        InputError: the folder holds no sweep.
    """
    meta = Path(root) / SWEEP_FILE
    if not meta.is_file():
        # A study's folder holds its phases' sweeps a level or two down (screen/, sobol/; per
        # destination in a route study): name them, so the user need not know the layout.
        inner = sorted(Path(root).glob(f"*/{SWEEP_FILE}")) or sorted(
            Path(root).glob(f"*/*/{SWEEP_FILE}")
        )
        where = ", ".join(str(m.parent) for m in inner[:3]) + (", ..." if len(inner) > 3 else "")
        raise InputError(
            "holds no sweep (no sweep.json): give the --out folder of a sweep"
            + (f"; the sweeps inside it are {where}" if inner else ""),
            file=str(root),
        )
    try:
        return json.loads(meta.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise InputError(f"sweep.json is not valid JSON: {exc}", file=str(meta)) from None


def read_results(root: Path) -> pl.DataFrame:
    """The results of a sweep (one row per run).

    Raises:
        InputError: no results.parquet (the sweep has not finished).
    """
    path = Path(root) / RESULTS_FILE
    if not path.is_file():
        read_info(root)
        raise InputError(
            "has no results.parquet yet: run (or resume) the sweep to the end first",
            file=str(root),
        )
    return pl.read_parquet(path)
