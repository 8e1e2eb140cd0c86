"""Output paths checked before any work starts.

A run of ten years or a sweep of hundreds of runs should not end in a lost result because
``--out`` names a file where a folder is wanted, a folder where a file is wanted, or a place that
cannot be written (``/proc/x``, a read-only disk). Each check creates the folder it needs (as the
writer would) and writes and removes a probe file there, so a permission or file-system problem
shows up as one line naming the path, before the first day is simulated.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from lunarcity.errors import InputError


def _reason(exc: OSError) -> str:
    # Polars and Arrow raise OSError with no errno and the system's words in the message
    # ("File too large (os error 27)"), so the message is the reason when strerror is missing.
    return exc.strerror or str(exc).strip() or type(exc).__name__


def check_out_dir(path: str | Path, *, field: str = "--out") -> Path:
    """Make sure ``path`` is (or can become) a folder this process can write in.

    Creates the folder (and its parents) when missing, as the writer would, and writes and
    removes a probe file in it.

    Returns:
        The folder.

    Raises:
        InputError: naming the path, when it is a file, under a file, or not writable.
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise InputError("is a file, not a folder", file=str(folder), field=field)
    for parent in folder.parents:
        if parent.exists() and not parent.is_dir():
            raise InputError(f"'{parent}' is a file, not a folder", file=str(folder), field=field)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".lunarcity-probe-"):
            pass
    except OSError as exc:
        raise InputError(
            f"cannot write in this folder: {_reason(exc)}",
            file=str(folder),
            field=field,
            valid="a folder you can write in",
        ) from None
    return folder


def check_out_file(
    path: str | Path, *, suffixes: tuple[str, ...] = (), field: str = "--out"
) -> Path:
    """Make sure ``path`` names a file this process can write (its folder is created).

    Args:
        path: The file to be written.
        suffixes: Accepted endings (lower case, with the dot); any when empty.
        field: The flag or field named in errors.

    Raises:
        InputError: naming the path, when its ending is wrong, it is a folder, or its folder
            cannot be written.
    """
    file = Path(path)
    if suffixes and file.suffix.lower() not in suffixes:
        raise InputError(
            f"the output file must end in {' or '.join(suffixes)}",
            file=str(file),
            field=field,
            valid=" or ".join(f"FILE{s}" for s in suffixes),
        )
    if file.is_dir():
        raise InputError("is a folder, not a file", file=str(file), field=field)
    check_out_dir(file.parent, field=field)
    return file


@contextlib.contextmanager
def temporary_beside(path: Path) -> Iterator[Path]:
    """A temporary name beside ``path``, removed on the way out whatever happens.

    The writer writes the temporary file and renames it onto ``path``; a failure part way (a full
    disk) leaves neither a half-written ``path`` nor the temporary behind.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


@contextlib.contextmanager
def written_atomically(path: Path) -> Iterator[Path]:
    """A temporary name beside ``path`` to write; renamed onto ``path`` when the block ends well.

    Whatever fails, the temporary is removed, and an ``OSError`` that names no file (Polars' and
    Arrow's) is raised again naming ``path``, so the message says which file could not be written.
    Polars' Parquet writer reports a failed write (a full disk, a file-size limit) as a
    ``ComputeError`` rather than an ``OSError``; inside this block it is one.
    """
    with temporary_beside(path) as tmp:
        try:
            yield tmp
            os.replace(tmp, path)
        except OSError as exc:
            if exc.filename is None:
                raise OSError(exc.errno, _reason(exc), str(path)) from exc
            raise
        except pl.exceptions.ComputeError as exc:
            raise OSError(None, str(exc).strip(), str(path)) from exc


def write_error(exc: OSError, path: str | Path, field: str = "--out") -> InputError:
    """An :class:`InputError` naming ``path`` for a failed write, whatever the errno.

    Every ``OSError`` raised while writing the user's file is the file system's answer (a full
    disk, a file-size limit, permissions, a vanished folder), and Parquet and CSV writers raise it
    with ``errno`` None, so no errno is required here.
    """
    return InputError(f"cannot write: {_reason(exc)}", file=str(path), field=field)
