"""Build jobs: which job starts first, how jobs progress, and how a finished job becomes a unit.

Starting (:func:`start_jobs`): each buildable kind banks fractional starts in proportion to its
share of today's mix (by labour, :attr:`JobBook.carry`), and a whole start opens a job once its
parts are taken from stock. Growth kinds go first, the one furthest behind its share of the
installed base first. Before them, the kind that relieves yesterday's bottleneck and output
(satellites, rail) share scarce parts by the planner's shares (:mod:`lunarcity.stages.relief`):
the one owed more of its share of the parts that were short goes first. Parts are held back
for the relief kind, and for the growth kind furthest behind its share, when they cannot start.
With pooled crews the open work is kept at ``BACKLOG_DAYS`` of today's assembly labour; with
``crew: own_copy`` every idle robot starts one copy.

Progress (:func:`progress_jobs`): pooled crews finish the oldest jobs first; a robot building its
own copy works on its job alone. A finished job becomes a unit near its builder (placed by
:mod:`lunarcity.stages.placement`), or a satellite in stock waiting for launch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lunarcity.city.tables import Table, filled
from lunarcity.constants import FLOAT_NOISE
from lunarcity.stages.generations import EARTH_MADE
from lunarcity.stages.placement import Slot
from lunarcity.stages.relief import relief_first, settle_scarce
from lunarcity.stages.renewal import renewals

if TYPE_CHECKING:
    from lunarcity.city.stocks import Draft
    from lunarcity.model import LunarCity

#: Assembly work kept open with pooled crews, in days of today's assembly labour.
BACKLOG_DAYS = 3.0

JOB_COLUMNS = {
    "kind": np.int16,
    "x": np.int16,
    "y": np.int16,
    "labour_left": np.float64,
    "started": np.int32,
    "seq": np.int64,
    "builder": np.int64,
    "mass": np.float64,
    "imported_kg": np.float64,
    "gen": np.int8,  # hardware generation of the unit being built (lunarcity/stages/generations.py)
}


class JobBook:
    """The open build jobs (oldest first) and the starts each kind has banked.

    Args:
        kind_names: Every unit kind; a job's ``kind`` column is its position here.
    """

    def __init__(self, kind_names: list[str]) -> None:
        self.table = Table(JOB_COLUMNS, indexed=False)  # oldest first; never looked up by id
        self.next_seq = 0
        # Fractional starts banked per kind; a whole one opens a job when parts allow.
        self.carry = dict.fromkeys(kind_names, 0.0)
        # Units of each kind whose replacement has started ahead of their end of life
        # (lunarcity/stages/renewal.py): the oldest, until they are scrapped.
        self.renewing = dict.fromkeys(kind_names, 0)
        self.renew_lead: dict[str, float] | None = None  # life less horizon, by kind
        self.renew_from = 0.0  # the shortest of those leads: no unit is due before it
        # Whether a replacement owed on the last day of starts waited for its parts.
        self.renew_waiting = False
        # Per relief kind: kg of build mass it is owed against output on days parts were
        # scarce (negative: output is owed); see :mod:`lunarcity.stages.relief`.
        self.relief_owed = dict.fromkeys(kind_names, 0.0)

    @property
    def n(self) -> int:
        """Jobs open."""
        return self.table.n

    def wip_kg(self) -> float:
        """Mass in build jobs not yet complete."""
        return float(self.table["mass"].sum())

    def wip_by_kind(self) -> np.ndarray:
        """Mass in open build jobs by unit kind (kind-code order)."""
        return np.bincount(
            self.table["kind"], weights=self.table["mass"], minlength=len(self.carry)
        )

    def labour_left(self) -> float:
        """Robot-days the open jobs still need."""
        # np.add.reduce: ndarray.sum's reduction (the same pairwise sum) without its wrapper,
        # asked every day (benchmarks/run.py's default_30y_s).
        return float(np.add.reduce(self.table["labour_left"]))


@dataclass(frozen=True)
class Starts:
    """The jobs opened today.

    Attributes:
        opened: (kind, how many) opened today, in the order they were started.
        shortfalls: (item, kg of units held back) for every start its parts could not back,
            in the order they happened (the bottleneck stage sums them).
    """

    opened: tuple[tuple[str, int], ...]
    shortfalls: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Completed:
    """Jobs finished today.

    Attributes:
        count: Jobs finished (units placed, rail segments banked, satellites stocked).
        hardware: What they added, by kind in the order finished: (kg built, imported kg
            inside, whether it went into service rather than into stock), for closure.
    """

    count: int
    hardware: tuple[tuple[float, float, bool], ...] = ()


def start_jobs(
    city: LunarCity, assembly: float, shares: dict[str, float], draft: Draft | None = None
) -> Starts:
    """Open build jobs for today's mix, as far as parts in stock allow.

    Args:
        city: The city (stocks, job book and carry are updated).
        assembly: Today's assembly labour (robot-days).
        shares: Today's mass shares by kind.
        draft: The day's draft of the stocks, which the caller commits (the day's recipes run
            on it next: :meth:`lunarcity.model.LunarCity.step`), or None: the parts are taken
            on a draft of its own, committed here.
    """
    labour = float(assembly)  # a numpy scalar: see the shares below
    book = city.jobs
    carry = book.carry
    costs = city.costs
    growth_kinds = city.plan_basis.growth_kinds
    crew_own = city.params.planner.crew == "own_copy"
    idle = None
    if crew_own:
        robots = city.fleet.tables[city.robot_kind]
        idle = np.flatnonzero((robots["job"] == 0) & (robots["health"] > 0))
        free_builders = len(idle)
    else:
        backlog = book.labour_left()
        want = max(0.0, BACKLOG_DAYS * labour - backlog)
    units = city.catalog.units
    # Growth kinds go furthest behind their share of the installed base first.
    tables = city.fleet.tables
    installed = {k: tables[k].n * units[k].mass_kg for k in growth_kinds}
    growth_mass = math.fsum(installed.values())

    # The kind that relieves yesterday's bottleneck goes first, and parts are held back for
    # it when it cannot start: smaller jobs behind it must not keep eating the stock a
    # large unit (a fab) is waiting to collect.
    relief = city.plan_basis.relief.get(city.bottleneck)
    if relief not in shares or relief not in growth_kinds:
        relief = None
    # Robot-days per unit of each kind for the next one started (Wright's law on assembly
    # labour, lunarcity/stages/learning.py; the first unit's labour when learning is off).
    next_days = city.learning.next
    gens = city.generations
    gens_on = gens.on  # off, every mass factor is 1.0 (and x * 1.0 is x): not asked per kind
    unit_days: dict[str, float] = {}
    labour_share: dict[str, float] = {}  # each kind's labour per unit of today's mass share
    # Output (rail, satellites) takes the parts for its share before the growth kinds:
    # behind them it starved whenever parts rather than labour bound the day (with learning
    # on, the growth kinds' cheap labour started enough of them to take every kg of
    # electronics, and the track was never finished). Between the relief kind and output,
    # the one owed more of its share of scarce parts goes first (:func:`relief_first`).
    outputs: list[str] = []
    lagging: list[tuple[float, str]] = []  # (lag behind its share, kind): growth kinds
    # One pass over today's kinds. Plain floats: the plan's shares are numpy scalars, whose
    # every operation costs several times a float's for the same IEEE result.
    plain: dict[str, float] = {}
    for k, share in shares.items():
        s = plain[k] = float(share)
        if k not in installed:
            outputs.append(k)
        elif k != relief:
            lagging.append((installed[k] / (s * growth_mass + FLOAT_NOISE), k))
        if k in costs:
            days = unit_days[k] = next_days[k] * gens.factor(k) if gens_on else next_days[k]
            labour_share[k] = s / units[k].mass_kg * days
    shares = plain
    # Today's order: the relief kind and output (by name) as above, then the other growth
    # kinds by (lag, kind) tuples, least lag first (distinct kinds: no two tuples tie).
    lagging.sort()
    order = sorted(outputs)
    if relief is not None:
        order.insert(0 if relief_first(book, relief, outputs) else len(order), relief)
    order += [k for _, k in lagging]
    total_ls = math.fsum(labour_share.values())
    # The growth kind furthest behind its share also holds its parts when it cannot start:
    # otherwise the relief kind and smaller units take the stock every day, and a kind that
    # is never the relief (robots while labour is not short) is never built, not even to
    # replace the seed's units when they reach the end of their life.
    # Storage does not hold parts: it adds no capacity growth needs (it carries the robots
    # through dark spells), and a 10 t bank at 1 % of the mix, behind its share in most
    # weeks, kept the metal for its bill from the kinds that grow the city (Earth-only
    # inputs free, the default city's best doubling went from 0.86 to 0.69 years with this).
    # The first in that order with the least lag: the first that is not storage.
    # (A loop, not next() over a generator: a frame fewer, every day.)
    behind = None
    for _, k in lagging:
        if units[k].role != "storage":
            behind = k
            break
    # Replacements for units near the end of their life start first and hold their parts
    # (storage excepted, as above): a cohort must not age out while smaller jobs eat its bill.
    renew = renewals(city, [k for k in growth_kinds if city.bom.get(k)])
    book.renew_waiting = False
    holders = {relief, behind, *(k for k in renew if units[k].role != "storage")} - {None}
    # (kind, jobs, imported kg in their parts, generation, mass factor)
    starts: list[tuple[str, int, float, int, float]] = []
    shortfalls: list[tuple[str, float]] = []
    # A bill of materials has a handful of items: plain floats, written back once.
    own_draft = draft is None
    if draft is None:
        draft = city.stocks.draft()
    stock, stock_imp = draft.stock, draft.stock_imp
    # kg held back for the kinds that hold their parts, by item: zeros read by index (x - 0.0
    # is x and 0.0 + q is q: the floats of a dict of the reserved items, without its lookups).
    reserved = [0.0] * len(stock)
    short_kinds: set[str] = set()  # kinds a start of which its parts could not back today
    scarce: set[int] = set()  # the items that held those starts back
    # Kinds whose parts backed no start today, by the generation whose bill fell short.
    dry: dict[str, int] = {}
    unlimited = city.params.economy.unlimited_materials
    nodes = city.arrays.nodes
    # Locals for the loops below (a kind at a time, every day): a local name is read faster
    # than a module global or an attribute (benchmarks/run.py's default_30y_s).
    boms = city.bom
    noise = FLOAT_NOISE
    inf = math.inf

    def fleet_kg() -> float:
        """Generational mass in service and in open jobs: a new generation's reference."""
        wip = book.wip_by_kind()
        gen_kinds = [k for k in city.agent_kinds if k in gens.kinds]
        return math.fsum(
            city.fleet.mass_total(k) + float(wip[city.kind_code[k]]) for k in gen_kinds
        )

    def take(kind: str, n: int, record: bool) -> tuple[int, float]:
        """Take up to ``n`` units' parts from stock: how many, and the imported kg inside.

        ``record``: note a start the parts cannot back as a shortfall; an extra start taken
        only to keep labour busy is not one. Either way, parts are reserved for the relief kind
        when it cannot start.
        """
        bom = boms[kind]
        if unlimited or not bom:
            return n, 0.0
        if gens_on:
            # This generation's bill, scaled by its mass factor (lunarcity/stages/generations.py).
            bom = gens.bom(kind, bom)
        earth_i, earth_q = -1, 0.0
        if not record and dry.get(kind) == gens.building:
            # Its parts ran out earlier today for this generation's bill, and within a day
            # stock only falls and reservations only grow: still none. Unrecorded, the part
            # that is short need not be found (a kind that holds its parts, tried again to
            # keep labour busy, has its bill reserved again below; the others take nothing).
            n_ok = 0
        else:
            if gens_on:
                # Part of this generation's electronics Earth-made: found only for a take that
                # reads the stock (a dry kind's does not).
                earth_i = gens.part
                earth_q = gens.earth_kg(kind, math.fsum(q for i, q in bom if i == earth_i))
            # The item that allows fewest units (the lower index on a tie), as min() over
            # (units, item) pairs would find it, in a plain loop; a negative balance counts as
            # none, as max(x, 0.0). A bill lists its items in increasing index (np.flatnonzero's
            # order, LunarCity.bom), so the first of equal minima is the lower index: a strict
            # < keeps it without a test of the index.
            can, short = inf, -1
            for i, q in bom:
                held = stock[i] - reserved[i]
                units_i = (0.0 if held < 0.0 else held) / q
                if units_i < can:
                    can, short = units_i, i
            short_name = nodes[short]
            if earth_q > 0 and stock_imp[earth_i] / earth_q < can:
                can, short_name = stock_imp[earth_i] / earth_q, EARTH_MADE + nodes[earth_i]
            whole = int(can + noise)
            n_ok = (n if whole > n else whole) if whole > 0 else 0
            if n_ok == 0:
                dry[kind] = gens.building
            if n_ok < n and record:
                shortfalls.append((short_name, (n - n_ok) * units[kind].mass_kg))
                short_kinds.add(kind)
                scarce.add(short)
        if n_ok < n and kind in holders:
            for i, q in bom:
                reserved[i] += q
        # The Earth-made share comes out of the imported stock first. No units, nothing taken:
        # most takes start none (parts short), and draft.take of none is 0.0 kg imported.
        return n_ok, draft.take(bom, n_ok, earth_i, earth_q) if n_ok else 0.0

    for k, n in renew.items():
        if crew_own:
            n = min(n, free_builders - sum(s[1] for s in starts))  # integers
        if n <= 0:
            continue
        # Replacements are owed whatever the mix: they take no carry and are not growth.
        n_ok, imported = take(k, n, record=True)
        book.renewing[k] += n_ok
        book.renew_waiting = book.renew_waiting or n_ok < n
        if n_ok:
            starts.append((k, n_ok, imported, gens.generation(k), gens.factor(k)))
            if gens.on:
                gens.opened(k, n_ok * units[k].mass_kg * gens.factor(k), fleet_kg)
    for k in order:
        if (ls := labour_share.get(k)) is None:
            continue
        if crew_own:
            # Each idle robot starts one copy; kinds share the builders by labour.
            c = carry[k] + (free_builders * ls / total_ls if total_ls else 0.0)
        else:
            c = carry[k] + ((ls / total_ls) * want / unit_days[k] if total_ls else 0.0)
        # (7 * x) / x can be 6.999...: float noise must not hold a start back a day.
        n = int(c + noise)
        if crew_own:
            n = min(n, free_builders - sum(s[1] for s in starts))  # integers
        if n <= 0:
            carry[k] = c
            continue
        n_ok, imported = take(k, n, record=True)
        c -= n_ok
        if n_ok < n and c > 1.0:  # do not bank starts that parts cannot back: min(c, 1.0)
            c = 1.0
        carry[k] = c
        if n_ok:
            starts.append((k, n_ok, imported, gens.generation(k), gens.factor(k)))
            if gens.on:
                gens.opened(k, n_ok * units[k].mass_kg * gens.factor(k), fleet_kg)
    if not crew_own:
        # Labour must not idle while a whole job waits for its fraction to add up: when
        # the open work is less than a day's labour, start the job nearest to due now
        # (its carry goes into debt and is paid back by the following days' shares).
        open_work = backlog + math.fsum([s[1] * unit_days[s[0]] for s in starts])
        # Sorted as (-carry, kind) tuples: distinct kinds, the key sort's order. When every
        # kind's parts ran out earlier today (for the generation being built), the pass would
        # start none and change nothing (take starts none of a dry kind, and what it holds
        # back again no later take reads): it is not walked. Most days of a 30-year run once
        # parts bind (6,646 of 10,958; benchmarks/run.py's default_30y_s).
        building = gens.building
        due = (
            [k for _, k in sorted([(-carry[k], k) for k in labour_share])]
            if open_work < labour and not all([dry.get(k) == building for k in labour_share])
            else []
        )
        for k in due:
            if open_work >= labour or labour_share[k] <= 0:
                break
            n_ok, imported = take(k, 1, record=False)
            if n_ok:
                carry[k] -= 1.0
                starts.append((k, 1, imported, gens.generation(k), gens.factor(k)))
                if gens.on:
                    gens.opened(k, units[k].mass_kg * gens.factor(k), fleet_kg)
                open_work += unit_days[k]
    # No start today, no part taken: the balance would not move (settle_scarce returns at once).
    # Most days of a 30-year run once parts bind (benchmarks/run.py's default_30y_s).
    if starts and relief is not None and short_kinds.intersection([relief, *outputs]):
        settle_scarce(city, relief, outputs, shares, scarce, starts)
    if starts:
        if own_draft:
            draft.commit()
        _open(city, starts, idle)
    return Starts(
        # A list comprehension, then a tuple: cheaper than tuple() over a generator for the
        # few starts of a day.
        opened=tuple([(s[0], s[1]) for s in starts]),
        shortfalls=tuple(shortfalls),
    )


def _open(
    city: LunarCity, starts: list[tuple[str, int, float, int, float]], idle: np.ndarray | None
) -> None:
    """Open today's jobs, by kind.

    ``starts`` holds (kind, how many, imported kg inside their parts, generation, mass factor).
    """
    units = city.catalog.units
    unlimited = city.params.economy.unlimited_materials
    kind_code = city.kind_code
    learning = city.learning
    # Plain lists, converted once by the table (a numpy call per kind costs more: default_run_s).
    kind_col: list[int] = []
    labour_col: list[float] = []
    mass_col: list[float] = []
    imported_col: list[float] = []
    gen_col: list[int] = []
    for kind, count, imported_kg, gen, factor in starts:
        if unlimited:
            # Parts appear from regolith (and imports) outside fab limits, mass kept exact;
            # a heavier generation's parts count as whole units' worth.
            imported_kg = city.stocks.appear(count * factor, city.costs[kind])
        kind_col += [kind_code[kind]] * count
        # The n-th unit of a kind takes the first unit's labour times n^log2(progress ratio);
        # a heavier generation's unit has more kg to assemble (300 s per kg, AASM80).
        labour = learning.open(kind, count)
        labour_col += labour if factor == 1.0 else [days * factor for days in labour]
        mass_col += [units[kind].mass_kg * factor] * count
        imported_col += [imported_kg / count] * count
        gen_col += [gen] * count
    n = len(kind_col)
    robots = city.fleet.tables[city.robot_kind]
    if idle is not None:
        builder_rows = idle[:n]
    elif robots.n:
        builder_rows = city.rng.integers(0, robots.n, size=n)
    else:
        builder_rows = np.zeros(0, dtype=np.int64)
    if len(builder_rows):
        bx = robots["x"][builder_rows]
        by = robots["y"][builder_rows]
        builders = robots["id"][builder_rows]
    else:
        bx, by = city.site.centre
        builders = 0
    book = city.jobs
    numbers = np.arange(book.next_seq, book.next_seq + n + 1)
    seq, job_ids = numbers[:-1], numbers[1:]  # an id is its sequence number plus one
    book.next_seq += n
    book.table.append(
        job_ids,
        kind=kind_col,
        x=bx,
        y=by,
        labour_left=labour_col,
        started=city.day,
        seq=seq,
        builder=builders,
        mass=mass_col,
        imported_kg=imported_col,
        gen=gen_col,
    )
    if idle is not None and len(builder_rows):
        robots["job"][builder_rows] = job_ids


def progress_jobs(city: LunarCity, assembly: float, robot_served: float) -> Completed:
    """Put today's labour into the open jobs; finished jobs become units.

    Args:
        city: The city.
        assembly: Today's pooled assembly labour (robot-days).
        robot_served: Share of the robots' energy served today (own-copy builders work at it).
    """
    jobs = city.jobs.table
    if not jobs.n:
        return Completed(count=0)
    if city.params.planner.crew == "own_copy":
        robots = city.fleet.tables[city.robot_kind]
        rows = robots.rows_of(jobs["builder"])
        ok = rows >= 0
        rate = np.zeros(jobs.n)
        spec = city.unit_spec(city.robot_kind)
        rate[ok] = spec.duty_fraction * robots["health"][rows[ok]] * robot_served
        jobs["labour_left"][:] -= rate
        done = np.flatnonzero(jobs["labour_left"] <= FLOAT_NOISE)
    else:
        # Pooled crews finish the oldest jobs first (the table keeps jobs oldest first): those
        # whose running total (np.cumsum's sums) fits today's labour, walked in plain floats.
        left = jobs["labour_left"]
        want, cum, finished = assembly + FLOAT_NOISE, 0.0, 0
        for labour in left.tolist():
            total = cum + labour
            if total > want:  # the job left open: worked for what its elders left of today
                left[finished] = labour - max(0.0, assembly - (total - labour))
                break
            cum, finished = total, finished + 1
        left[:finished] = 0.0
        done = np.arange(finished)
    if not len(done):
        return Completed(count=0)
    return Completed(count=len(done), hardware=_complete(city, done))


def _complete(city: LunarCity, rows: np.ndarray) -> tuple[tuple[float, float, bool], ...]:
    """Finished jobs at ``rows`` become units near their builders (satellites go to stock).

    Returns:
        (kg built, imported kg inside, went into service) by kind, in the order finished.
    """
    jobs = city.jobs.table
    hardware: list[tuple[float, float, bool]] = []
    kinds = jobs["kind"][rows]
    # The finished jobs' columns, read once with each kind's rows together (a stable sort
    # keeps each kind's jobs in order), so a kind's rows are a slice: views, not copies.
    order = kinds.argsort(kind="stable")  # the method: np.argsort's wrapper costs as much
    by_kind = rows[order]
    job_x, job_y, job_mass = jobs["x"][by_kind], jobs["y"][by_kind], jobs["mass"][by_kind]
    job_builder, job_gen = jobs["builder"][by_kind], jobs["gen"][by_kind]
    job_imported = jobs["imported_kg"][by_kind]
    codes = kinds[order].tolist()
    start, total = 0, len(codes)
    ones = filled(1.0, total, np.float32)  # every birth at full health (a kind's: a view)
    # Read once for every kind's run (attribute lookups cost more than a day's few kinds'
    # work between them); np.add.reduce is ndarray.sum's reduction without its wrapper.
    names, units, index, specs = city.kind_names, city.catalog.units, city.index, city.specs
    generations, sat_kind, day = city.generations.kinds, city.sat_kind, city.day
    place, add, put, total_of = city.placement.place, city.fleet.add, city.stocks.put, np.add.reduce
    while start < total:  # each kind's run of rows, kinds in increasing code
        code = codes[start]
        end = start + 1
        while end < total and codes[end] == code:
            end += 1
        sel = slice(start, end)
        n, start = end - start, end
        kind = names[code]
        imported = job_imported[sel]
        mass = units[kind].mass_kg
        # Units of a generation have their own masses (lunarcity/stages/generations.py).
        generational = kind in generations
        built_kg = float(total_of(job_mass[sel])) if generational else n * mass
        imported_kg = float(total_of(imported))
        hardware.append((built_kg, imported_kg, kind != sat_kind))
        if kind == sat_kind:
            put(index.get(kind), n * mass, imported_kg)
            continue
        spec = specs[kind]  # city.unit_spec's figures
        xs, ys, slots = place(spec, job_x[sel], job_y[sel])
        # Only rail can find no room; every other birth keeps all its rows (views, no copies).
        room = slots != Slot.NO_ROOM if spec.role == "rail" else None
        n_room = n if room is None else int(np.count_nonzero(room))
        keep = sel if n_room == n else np.flatnonzero(room) + sel.start
        if n_room < n:
            xs, ys, left, slots = xs[room], ys[room], slots == Slot.NO_ROOM, slots[room]
        add(
            kind,
            xs,
            ys,
            day,
            job_builder[keep],
            job_imported[keep],
            ones[:n_room],
            slots,
            mass_kg=job_mass[keep] if generational else None,
            gen=job_gen[keep],
        )
        if n_room < n:  # rail segments with no slot left wait as parts in stock
            put(index.get(kind), (n - n_room) * mass, float(total_of(imported[left])))
    if city.params.planner.crew == "own_copy":
        robots = city.fleet.tables[city.robot_kind]
        rows_b = robots.rows_of(jobs["builder"][rows])
        ok = rows_b >= 0
        robots["job"][rows_b[ok]] = 0
    jobs.remove_rows(rows, keep_order=True)
    return tuple(hardware)
