"""Errors that LunarCity reports to people.

Bad input (a scenario, a data file, a sweep spec, a command-line value) raises :class:`InputError`,
which names the file, the line when the YAML parser knows it, the field, and what would be valid.
The command line turns it into one line on stderr and exit code 2, without a traceback.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

# Control characters and Unicode line breaks, shown escaped in messages.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class InputError(Exception):
    """Bad input, reported as ``file:line: field: problem (valid: ...)``.

    Args:
        message: What is wrong.
        file: The file the input came from, if any.
        line: The 1-based line in that file, if the parser gave one.
        field: The dotted path of the field at fault, if any.
        valid: What would be valid instead.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        valid: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        self.valid = valid
        super().__init__(self.render())

    def render(self) -> str:
        """The one-line message a person reads."""
        where = ""
        if self.file:
            where = str(self.file) + (f":{self.line}" if self.line else "")
        parts = [p for p in (where, self.field) if p]
        text = ": ".join([*parts, self.message])
        if self.valid:
            text += f" (valid: {self.valid})"
        # One line, whatever names the input held: a key "a\nb" must not split the message.
        return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)

    def with_file(self, file: str) -> InputError:
        """Return a copy that names ``file`` when this error did not name one."""
        if self.file:
            return self
        return InputError(
            self.message, file=file, line=self.line, field=self.field, valid=self.valid
        )


class FixedParameterError(AttributeError):
    """A built model's parameter assigned: a model's parameters are fixed when it is built.

    Some stages read a parameter every day (the landers) while others were built from it once
    (the run's length, each unit's figures): a change mid-run would reach some and not others.

    Args:
        path: The dotted path of the field assigned, from the model (``params.earth.x``).
        tail: What an override of a whole section or mapping names after its path: ``__<field>``
            for a section, ``__<key>`` for a mapping, ``__<key>__<field>`` for a mapping of
            sections; empty for one value.
    """

    def __init__(self, path: str, tail: str = "") -> None:
        self.path = path
        field = path.removeprefix("params.").replace(".", "__") + tail
        super().__init__(
            f"{path} cannot change on a built model: its parameters are read when it is built, "
            "some once (the run's length, the units' figures) and some every day (the "
            f"landers); build a new LunarCity(..., {field}=...) instead"
        )


class StoppedShort(RuntimeError):
    """A command its environment stopped before the end, with what it finished kept.

    Not bad input and not a bug: a worker process killed (the kernel's out-of-memory killer, a
    person), after which running the same command again resumes where it stopped. The command
    line prints one line and exits with :data:`EXIT_STOPPED_SHORT`, so a script can tell this
    from a failure worth reporting and run the command again.
    """


#: The exit code of :class:`StoppedShort`: ``EX_TEMPFAIL`` of BSD's sysexits.h, "a temporary
#: failure; the user is invited to retry".
EXIT_STOPPED_SHORT = 75


class LedgerError(RuntimeError):
    """A finished run whose mass, element or energy ledger does not close.

    Not finite, or off by more than the tolerance: a bug, or input the schema should have
    refused; never a result.
    """


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' - did you mean X?' hint for a misspelt name, or '' when nothing is close."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def one_of(choices: Iterable[str], limit: int = 12) -> str:
    """A short 'a, b, c' list of valid names for an error message."""
    names = sorted(str(c) for c in choices)
    if len(names) > limit:
        return ", ".join(names[:limit]) + f", ... ({len(names)} in all)"
    return ", ".join(names)


def unknown(
    what: str,
    name: object,
    known: Iterable[str],
    *,
    field: str | None = None,
    file: str | None = None,
    line: int | None = None,
    valid: str | None = None,
) -> InputError:
    """The error for a name that is not among the known ones, with a hint when one is close.

    One wording for every "unknown X" refusal, ``unknown <what> '<name>'; did you mean 'Y'?``,
    so a misspelt fab kind, store or item reads the same wherever it is caught. It returns the
    error rather than raising it, so each caller keeps its own control flow
    (``raise unknown(...) from None``, or ``return unknown(...)`` from an error builder).

    Args:
        what: What the name should have been, in words ("fab kind", "pulse store").
        name: The name given, shown as it was given.
        known: The valid names (a dict's keys serve); read once.
        field: The dotted path of the field at fault, if any.
        file: The file the input came from, if any.
        line: The 1-based line in that file, if known.
        valid: What would be valid, when the list of ``known`` names is not the way to say it
            (a shorter or longer list, or words); by default the names themselves, or nothing
            when there are none.

    Returns:
        The :class:`InputError`, not yet raised.
    """
    names = list(known)
    return InputError(
        f"unknown {what} '{name}'{did_you_mean(str(name), names)}",
        file=file,
        line=line,
        field=field,
        valid=valid if valid is not None else (one_of(names) or None),
    )
