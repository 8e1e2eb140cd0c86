"""What this project needs from Mesa beyond its public API, in one place.

The city issues a unit's id at its birth and makes its Mesa agent only when someone looks (a
headless run of 10^5 units makes no Python object per birth). Mesa offers neither, and the two
Mesa lines that pip installs (3.3 on Python 3.11, 3.5 on 3.12+) keep their id counters in
different places. Everything that depends on where is here; the rest of the package uses only
``mesa.Agent`` and ``mesa.Model`` as documented.

Mesa behaviours worked around:

- **Mesa 3.3** (``Agent._ids``): ``Agent.__init__`` takes the next id from
  ``Agent._ids[model]``, a class-level ``defaultdict`` keyed by model that keeps every model
  alive after its run (mesa#3179). It is replaced by a weak-keyed mapping, so a finished model
  is freed (a sweep's worker would otherwise grow by megabytes per run).
- **Pickling** (Mesa 3.3): the counter is not part of the model's state, so a restored city
  would issue ids from 1 again; the city saves the next id and resumes from it
  (:func:`next_id`, :func:`resume_ids`).
- **Mesa 3.5** (``Model.agent_id_counter``): ``Model.register_agent`` overwrites
  ``agent.unique_id`` with the model's own counter, so an agent cannot be made with an id
  issued earlier unless the counter points at that id while it is made.

In both, ids are reserved at birth by advancing Mesa's own counter, and an agent is made later
by its class's ordinary constructor while the counter points at its reserved id.

Seeds in ``batch_run``: Mesa 3.5's ``batch_run`` writes its own ``rng`` values (``None`` unless
asked) into every run's keywords, under the name ``seed`` when the model's constructor has a
parameter of that name, overwriting a ``seed`` the caller swept (every replicate would then run
the scenario's one seed; Mesa 3.3 passes the keywords as given). The model therefore takes
``seed`` only among its keywords and ``rng`` by name, and :func:`run_seed` makes one seed of the
two, so ``parameters={"seed": [1, 2]}`` gives two replicates on Mesa 3.3 and 3.5 alike, and so
does 3.5's ``rng=[1, 2]``.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import mesa
import numpy as np

from lunarcity.errors import InputError
from lunarcity.world.scenario import check_seed

A = TypeVar("A", bound=mesa.Agent)

#: Mesa 3.3 counts ids on the Agent class, per model; Mesa 3.4+ on the model itself.
IDS_ON_AGENT_CLASS: bool = hasattr(mesa.Agent, "_ids")


class _WeakIds(weakref.WeakKeyDictionary):
    """Mesa 3.3's per-model id counters, forgetting a model once it is gone (mesa#3179)."""

    def __getitem__(self, model: Any) -> Iterator[int]:
        counter = self.get(model)
        if counter is None:
            counter = itertools.count(1)
            self[model] = counter
        return counter


if IDS_ON_AGENT_CLASS and not isinstance(mesa.Agent._ids, _WeakIds):
    mesa.Agent._ids = _WeakIds()


def run_seed(seed: Any = None, rng: Any = None) -> int | None:
    """The one seed a model was asked for, by ``seed`` or by Mesa's ``rng`` (``None``: neither).

    ``rng`` is what Mesa 3.5's ``batch_run`` passes (``None`` unless the caller gave seeds);
    only a whole-number seed is taken, as the scenario's ``run.seed`` would be.

    Raises:
        InputError: ``rng`` is not a whole number (a numpy Generator cannot be a scenario's
            seed), or ``seed`` and ``rng`` name different seeds.
    """
    if rng is not None and (isinstance(rng, bool) or not isinstance(rng, int | np.integer)):
        raise InputError(
            f"rng {rng!r} is not a seed", field="rng", valid="a whole-number seed (or use seed)"
        )
    if seed is not None and rng is not None and seed != rng:
        raise InputError(
            f"seed {seed!r} and rng {rng!r} disagree", field="seed", valid="one seed, or the same"
        )
    chosen = seed if seed is not None else rng
    if chosen is None:
        return None
    return check_seed(int(chosen) if isinstance(chosen, np.integer) else chosen)


def reserve_ids(model: mesa.Model, n: int) -> np.ndarray:
    """Issue the next ``n`` agent ids of ``model`` now, for agents made later.

    Mesa will not issue these ids again: its counter moves past them.
    """
    if IDS_ON_AGENT_CLASS:
        if n <= 0:
            return np.zeros(0, dtype=np.int64)
        # The counter is an itertools.count (step 1): the ids are its next n, a run from the
        # first. Taken as the first and a skip past the rest, under np.fromiter's cost over
        # the iterator (a day's births of a kind are a few ids; benchmarks/run.py's
        # `default_30y_s`).
        counter = mesa.Agent._ids[model]
        start = next(counter)
        if n > 1:
            next(itertools.islice(counter, n - 2, None))
        return np.arange(start, start + n, dtype=np.int64)
    start = model.agent_id_counter
    model.agent_id_counter = start + n
    return np.arange(start, start + n, dtype=np.int64)


def make_agents(
    model: mesa.Model, make: Callable[..., A], ids: Iterable[int], args: Iterable[tuple]
) -> list[A]:
    """Make agents with ids reserved earlier by :func:`reserve_ids`.

    Args:
        model: The model the agents belong to (and register with, as Mesa does).
        make: The agent class (its ordinary constructor runs: ``make(model, *args)``).
        ids: One reserved id per agent.
        args: The constructor's arguments after ``model``, one tuple per agent.

    Returns:
        The agents, each registered with ``model`` and holding its reserved ``unique_id``.
    """
    made: list[A] = []
    if IDS_ON_AGENT_CLASS:
        ids_by_model = mesa.Agent._ids
        kept = ids_by_model[model]
        try:
            for uid, a in zip(ids, args, strict=True):
                ids_by_model[model] = iter((uid,))
                made.append(make(model, *a))
        finally:
            ids_by_model[model] = kept
    else:
        kept = model.agent_id_counter
        try:
            for uid, a in zip(ids, args, strict=True):
                model.agent_id_counter = uid
                made.append(make(model, *a))
        finally:
            model.agent_id_counter = kept
    return made


def next_id(model: mesa.Model) -> int:
    """The id Mesa will issue next in ``model`` (none is issued by asking)."""
    if IDS_ON_AGENT_CLASS:
        ids_by_model = mesa.Agent._ids
        upcoming = next(ids_by_model[model])
        ids_by_model[model] = itertools.count(upcoming)  # put back the one read
        return upcoming
    return model.agent_id_counter


def resume_ids(model: mesa.Model, upcoming: int) -> None:
    """Make ``upcoming`` the next id Mesa issues in ``model`` (a model restored from a pickle).

    Mesa 3.3 keeps the counter on the Agent class, keyed by model, outside the model's own state:
    a restored model would otherwise be issued ids from 1 again, the ids of units still in service.
    Mesa 3.5 keeps it on the model, which pickles it; it is set all the same.
    """
    if IDS_ON_AGENT_CLASS:
        mesa.Agent._ids[model] = itertools.count(upcoming)
    else:
        model.agent_id_counter = upcoming
