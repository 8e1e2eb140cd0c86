"""Reading one reference data file of data/ into its validated schema.

The catalog (:mod:`lunarcity.world.catalog`) reads the economy's four files together; the thesis's data
(satellites, destinations, pulse stores) are read one file at a time through here, with the same
errors: one line naming the file, the line and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pydantic

from lunarcity.errors import InputError, one_of
from lunarcity.resources import data_dir
from lunarcity.world.schema_errors import to_input_error
from lunarcity.world.yamlio import LineMap, load_yaml

M = TypeVar("M", bound=pydantic.BaseModel)


def load_data_file(name: str, schema: type[M], folder: Path | None = None) -> tuple[M, LineMap]:
    """Read ``folder/name`` (the package's data/ by default) and validate it against ``schema``.

    Returns:
        The validated model and the file's line map (for later cross-checks that name a line).

    Raises:
        InputError: the file is missing, not a mapping, or does not fit the schema.
    """
    path = (folder or data_dir()) / name
    data, lines = load_yaml(path)
    if not isinstance(data, dict):
        raise InputError(
            "expected a mapping at the top of the file",
            file=str(path),
            valid=f"top-level keys {one_of(schema.model_fields)}",
        )
    try:
        return schema.model_validate(data), lines
    except pydantic.ValidationError as exc:
        raise to_input_error(exc, schema, file=str(path), lines=lines) from None
