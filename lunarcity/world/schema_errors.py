"""Turning pydantic validation errors into one clear :class:`InputError`."""

from __future__ import annotations

import types
import typing
from typing import Any

import numpy as np
import pydantic

from lunarcity.errors import FixedParameterError, InputError, one_of, unknown
from lunarcity.world.yamlio import LineMap, line_of


class Strict(pydantic.BaseModel):
    """Base of every schema: unknown fields are errors, values are checked on assignment.

    Numbers must be finite: YAML reads ``.inf``, ``.nan`` and ``1e999`` as floats, and an infinite
    lander interval or a NaN rate would poison a run rather than fail at the input.
    """

    model_config = pydantic.ConfigDict(
        extra="forbid", validate_assignment=True, allow_inf_nan=False
    )
    # Set by :meth:`fix` on a built model's parameters: the dotted path assignments name.
    _fixed_as: str | None = pydantic.PrivateAttr(None)

    def fix(self, path: str = "params") -> None:
        """Refuse assignment to this model's fields and its sub-models' from now on.

        A built :class:`~lunarcity.model.LunarCity` fixes its parameters (its own deep copy):
        assigning one mid-run would reach the stages that read it daily and not those built
        from it once. A copy (``model_copy``, shallow or deep) is not fixed itself; a shallow
        one shares the fixed sub-models. Mappings are not frozen: an edit in place of a dict
        field is not caught.

        Args:
            path: The dotted path this model has from the model (``params`` at the top).
        """
        self._fixed_as = path
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Strict):
                value.fix(f"{path}.{name}")
            elif isinstance(value, dict):  # a mapping's entries are named by their keys
                for key, child in value.items():
                    if isinstance(child, Strict):
                        child.fix(f"{path}.{name}.{key}")

    def __setattr__(self, name: str, value: Any) -> None:
        """Assign a field, unless the model is fixed (:meth:`fix`)."""
        if self._fixed_as is not None and name in type(self).model_fields:
            raise FixedParameterError(f"{self._fixed_as}.{name}", _override_tail(type(self), name))
        super().__setattr__(name, value)

    def __copy__(self) -> Strict:
        """A shallow copy, not fixed itself (its sub-models are shared, fixed or not)."""
        copied = super().__copy__()
        copied._fixed_as = None
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Strict:
        """A deep copy, fixed nowhere: its sub-models are copies too."""
        copied = super().__deepcopy__(memo)
        copied._fixed_as = None
        return copied

    @pydantic.field_validator("*", mode="before")
    @classmethod
    def _truth_is_not_a_number(cls, value: Any, info: pydantic.ValidationInfo) -> Any:
        """Refuse true/false for a number, and a number or a word for true/false.

        pydantic's lax mode reads ``seed: true`` as seed 1, ``robot: true`` as one robot and
        ``imports: 1`` or ``imports: 'yes'`` as true: a slip in a file would run another
        scenario than the one written, without a word. (YAML's own unquoted yes/no are booleans
        before they get here.)
        """
        field = cls.model_fields.get(info.field_name or "")
        annotation = _unwrap(field.annotation, several=False) if field is not None else None
        if typing.get_origin(annotation) is dict:
            kind = _scalar_kind(typing.get_args(annotation)[1])
            values = value.values() if isinstance(value, dict) else ()
        else:
            kind, values = _scalar_kind(annotation), (value,)
        for v in values:
            truth = isinstance(v, bool | np.bool_)  # (a numpy bool from a design's array too)
            if kind == "number" and truth:
                raise ValueError("a number is wanted, not true/false")
            if kind == "bool" and v is not None and not truth:
                raise ValueError("true or false is wanted")
        return value


def _override_tail(model: type[Strict], name: str) -> str:
    """What an override of field ``name`` of ``model`` names after the field's own path.

    Read from the field's type, not its value (an optional section may be None): a section's
    override names one of its fields (``__<field>``), a mapping's one of its keys (``__<key>``,
    a unit kind or an item) and, for a mapping of sections, a field of that entry
    (``__<key>__<field>``); one value names nothing more.
    """

    def is_section(t: Any) -> bool:
        return isinstance(t, type) and issubclass(t, Strict)

    kind = _unwrap(model.model_fields[name].annotation)  # X of X | None, Annotated[X, ...]
    if is_section(kind):
        return "__<field>"
    if typing.get_origin(kind) is dict:
        return "__<key>" + ("__<field>" if is_section(_unwrap(typing.get_args(kind)[1])) else "")
    return ""


def _scalar_kind(annotation: Any) -> str | None:
    """The kind of a scalar field: "number" (int or float), "bool", or None (others pass)."""
    annotation = _unwrap(annotation, several=False)
    if annotation is bool:
        return "bool"
    if annotation in (int, float):
        return "number"
    return None


def _unwrap(annotation: Any, several: bool = True) -> Any:
    """The model class or dict value type behind Optional / Annotated wrappers.

    A union of several types gives its first; with ``several`` False, None (no one type).
    """
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0], several)
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(kinds[0], several) if several or len(kinds) == 1 else None
    return annotation


_MISSING = object()


def annotation_at(model: type[pydantic.BaseModel], loc: tuple[Any, ...] | list[Any]) -> Any:
    """The (unwrapped) type of the field at ``loc``, through models and dict values.

    Returns:
        The annotation, or None when ``loc`` leaves the schema (an unknown name, or a path
        into a scalar).
    """
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, pydantic.BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            return None
    return _unwrap(current)


def fields_at(model: type[pydantic.BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Names valid at ``loc`` (the path of the offending key) in ``model``'s schema."""
    current: Any = model
    for part in loc[:-1]:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, pydantic.BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current = field.annotation
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        elif typing.get_origin(current) is list:
            current = typing.get_args(current)[0]
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, pydantic.BaseModel):
        return list(current.model_fields)
    return []


def to_input_error(
    exc: pydantic.ValidationError,
    model: type[pydantic.BaseModel],
    *,
    file: str | None = None,
    lines: LineMap | None = None,
    prefix: tuple[Any, ...] = (),
) -> InputError:
    """The first error of ``exc`` as an :class:`InputError` naming file, line and field.

    Args:
        exc: The pydantic error.
        model: The schema that was validated (to list valid field names).
        file: The file the data came from.
        lines: Its line map, from :mod:`lunarcity.world.yamlio`.
        prefix: The path of the validated data inside the file.
    """
    err = exc.errors(include_url=False)[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    full = prefix + loc
    field = ".".join(str(p) for p in full) or None
    line = line_of(lines or {}, full)
    kind = err["type"]
    if kind == "extra_forbidden":
        names = fields_at(model, loc)
        return unknown(
            "field",
            loc[-1],
            names,
            file=file,
            line=line,
            field=".".join(str(p) for p in full[:-1]) or None,
        )
    if kind == "missing":
        return InputError("required field is missing", file=file, line=line, field=field)
    if kind == "model_type":
        # pydantic names the class ("instance of EarthConfig"); people need the fields instead.
        names = fields_at(model, (*loc, ""))
        return InputError(
            f"expected a mapping of fields (got {_short(err.get('input'))})",
            file=file,
            line=line,
            field=field,
            valid=one_of(names) if names else None,
        )
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    given = err.get("input")
    if not isinstance(given, dict | list):
        msg = f"{msg} (got {_short(given)})"
    # pydantic's own words say what is valid ("Input should be less than or equal to 1").
    return InputError(msg, file=file, line=line, field=field)


def _short(value: Any) -> str:
    """A value's repr, cut to fit in a one-line message."""
    text = repr(value)
    return text[:57] + "..." if len(text) > 60 else text
