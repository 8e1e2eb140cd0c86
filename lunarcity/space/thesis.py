"""The seed's thesis, fixed for a run: the two satellites, the trip, the shot and its store.

:func:`plan_thesis` puts the parts together for a scenario: the lunar-built satellite and the
Earth-built one from their components at the destination (:mod:`lunarcity.space.satellite`), the launch
speed and the kick stage by the rocket equation (:mod:`lunarcity.space.trajectory`), the mass-driver
shot and the pulsed store it needs (:mod:`lunarcity.space.pulse`), and the per-kW figures the Earth
ledger compares (:mod:`lunarcity.space.earth_ledger`). :func:`designed_catalog` writes the satellite's
mass, bill of materials and compute, and the kick stage's recipe, into the run's catalog, so the
economy builds what the design says.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

from lunarcity.constants import FLOAT_NOISE, KG_PER_T
from lunarcity.errors import InputError
from lunarcity.space.earth_ledger import EarthSide, RouteFigures, tankers_needed
from lunarcity.space.margin import Marginal, satellite_marginal
from lunarcity.space.pulse import Shot, StoreKind, StoreSizing, kind_for_bom, size_store
from lunarcity.space.satellite import SatelliteDesign, design_satellite, load_satellites
from lunarcity.space.trajectory import Destination, StageSizing, load_destinations, size_stage
from lunarcity.world.catalog import Catalog, Recipe, UnitSpec
from lunarcity.world.scenario import Scenario
from lunarcity.world.scenario_economy import scenario_economy

#: The recipe that makes kick stages, and the items its inputs are written in.
KICK_RECIPE = "kick_stage"
KICK_DRY_LOCAL = "structure"
KICK_DRY_EARTH = "kick_engine"
KICK_OXIDISER = "oxygen"
KICK_EARTH_PROPELLANT = "kick_fuel"


@dataclass(frozen=True)
class ThesisPlan:
    """What a run's satellites are, where they go, and what each shot takes.

    Attributes:
        destination: The destination's name.
        dest: Its data.
        lunar: The lunar-built satellite.
        direct: The Earth-built satellite of the direct route.
        launch_km_s: The mass driver's muzzle speed.
        kick: The kick stage the rocket equation sizes for the lunar satellite.
        kick_kg: The kick stage each satellite is launched with (the sized one, unless the
            scenario fixes another).
        reaches: Whether that kick stage reaches the destination.
        transfer: The direct route's transfer stage beyond LEO.
        shot: One mass-driver shot (satellite and kick stage).
        store_kind: The pulsed store's kind (None when the data have no pulse unit).
        store: The bank one shot needs (None likewise).
        pulse_unit: The unit kind of role pulse, if any.
        route: Per-kW figures of the two routes for the Earth ledger.
        marginal: The Earth-made kg one more satellite's whole chain imports (the economy's LP).
    """

    destination: str
    dest: Destination
    lunar: SatelliteDesign
    direct: SatelliteDesign
    launch_km_s: float
    kick: StageSizing
    kick_kg: float
    reaches: bool
    transfer: StageSizing
    shot: Shot
    store_kind: StoreKind | None
    store: StoreSizing | None
    pulse_unit: str | None
    route: RouteFigures
    marginal: Marginal


def _scenario_field(exc: InputError, figure_set: str) -> InputError:
    """A satellite's figure refused by its sizing, named as the scenario's field that sets it."""
    if exc.file or not exc.field:
        return exc
    return InputError(
        exc.message, field=f"satellite.{figure_set}.{exc.field}", line=exc.line, valid=exc.valid
    )


def _shadow(dest: Destination) -> dict[str, float]:
    """The destination's eclipse as :func:`design_satellite`'s keyword arguments."""
    ecl = dest.eclipse
    return {
        "eclipse_h": ecl.eclipse_h,
        "orbit_h": ecl.orbit_h,
        # No eclipse, no battery: the depth of discharge is then never used.
        "depth_of_discharge": ecl.depth_of_discharge or 1.0,
    }


def plan_thesis(params: Scenario, catalog: Catalog) -> ThesisPlan:
    """The thesis's fixed figures for scenario ``params``.

    Raises:
        InputError: a stage cannot reach the destination, or a radiator cannot reject heat there.
    """
    # The catalog's own folder: a run on a copy of data/ reads all seven files from the copy.
    sats = load_satellites(catalog.folder)
    trips = load_destinations(catalog.folder)
    sc = params.satellite
    md = params.mass_driver
    dest = trips.destinations[sc.destination]
    compute_kw = sc.compute_kw or sats.design.compute_kw
    try:
        lunar = design_satellite(
            sc.lunar.apply(sats.figure_sets["lunar"]),
            compute_kw=compute_kw,
            sink_k=dest.sink_k,
            accel_g=md.max_accel_g,
            name="lunar",
            **_shadow(dest),
        )
    except InputError as exc:
        raise _scenario_field(exc, "lunar") from None
    try:
        direct = design_satellite(
            sc.earth.apply(sats.figure_sets["earth"]),
            compute_kw=compute_kw,
            sink_k=dest.sink_k,
            accel_g=sats.earth_launch.accel_g,
            name="earth",
            **_shadow(dest),
        )
    except InputError as exc:
        raise _scenario_field(exc, "earth") from None
    need = dest.from_moon.launch_km_s
    launch = md.launch_speed_km_s if md.launch_speed_km_s is not None else need
    # A launch slower than the destination needs leaves the difference to the kick stage (a
    # lower bound: below escape speed the loss is larger).
    kick_dv = dest.from_moon.kick_km_s + max(0.0, need - launch)
    kick = size_stage(
        lunar.mass_kg, kick_dv, trips.propellants[sc.kick_propellant], trips.stages["lunar_kick"]
    )
    kick_kg = kick.mass_kg if md.kick_stage_kg is None else md.kick_stage_kg
    transfer_stage = trips.stages["earth_transfer"]
    transfer = size_stage(
        direct.mass_kg,
        dest.from_earth.beyond_leo_km_s,
        trips.propellants[transfer_stage.propellant or sc.kick_propellant],
        transfer_stage,
    )
    shot = Shot(lunar.mass_kg + kick_kg, launch, md.max_accel_g, md.efficiency)
    pulse_unit = next((k for k, u in catalog.units.items() if u.role == "pulse" and u.bom), None)
    store_kind = store = None
    if pulse_unit is not None:
        name, store_kind = kind_for_bom(catalog.units[pulse_unit].bom, catalog.folder)
        store = size_store(shot, store_kind, name)
    # The Earth-made kg one more lunar satellite and its kick stage (as launched) consume: the
    # economy's total requirements with the satellite and kick stage as designed, so process
    # consumables (the salt cell's calcium chloride and anodes) count beside the chips.
    direct_kg_per_kw = (direct.mass_kg + transfer.mass_kg) / compute_kw
    designed = _designed(catalog, lunar, kick)
    sat = next((k for k, u in designed.units.items() if u.role == "satellite" and u.bom), None)
    if sat is None:
        raise InputError("the data has no satellite unit with a bill of materials", field="units")
    marginal = satellite_marginal(
        scenario_economy(params, designed), sat, kick_kg, compute_kw, direct_kg_per_kw
    )
    route = RouteFigures(
        lunar_earth_kg_per_kw=marginal.landed_kg_per_kw, direct_kg_per_kw=direct_kg_per_kw
    )
    return ThesisPlan(
        destination=sc.destination,
        dest=dest,
        lunar=lunar,
        direct=direct,
        launch_km_s=launch,
        kick=kick,
        kick_kg=kick_kg,
        reaches=kick_kg >= kick.mass_kg * (1.0 - FLOAT_NOISE),
        transfer=transfer,
        shot=shot,
        store_kind=store_kind,
        store=store,
        pulse_unit=pulse_unit,
        route=route,
        marginal=marginal,
    )


def designed_catalog(plan: ThesisPlan, catalog: Catalog) -> Catalog:
    """A copy of ``catalog`` whose satellite and kick-stage recipe follow ``plan``.

    The satellite unit's mass, bill of materials and compute come from the lunar design; the
    kick stage recipe's inputs per 1,000 kg from the sized stage: lunar structure and an
    Earth-made engine for the dry mass, lunar oxygen for a local oxidiser, Earth-made propellant
    for the rest. The recipe's energy and time stay the data's.
    """
    return _designed(catalog, plan.lunar, plan.kick)


def _designed(catalog: Catalog, lunar: SatelliteDesign, kick: StageSizing) -> Catalog:
    """:func:`designed_catalog` from the lunar design and the sized kick stage."""
    out = copy.copy(catalog)
    units: dict[str, UnitSpec] = dict(catalog.units)
    for name, spec in catalog.units.items():
        if spec.role == "satellite" and spec.bom:
            units[name] = spec.model_copy(
                update={
                    "mass_kg": math.fsum(lunar.bom_kg.values()),
                    "bom": {k: v for k, v in lunar.bom_kg.items() if v > 0},
                    "compute_kw": lunar.compute_kw,
                }
            )
    out.units = units
    recipe = catalog.recipes.get(KICK_RECIPE)
    if recipe is not None and kick.mass_kg > 0:
        out.recipes = dict(catalog.recipes)
        out.recipes[KICK_RECIPE] = kick_recipe(recipe, kick, catalog)
        # The kick stage's make-up follows its new inputs: the shallow copy must not share the
        # data's cached chemistry, or the element ledger would book the stage at the old mix.
        out._chemistry = {}
    return out


def kick_recipe(recipe: Recipe, kick: StageSizing, catalog: Catalog) -> Recipe:
    """``recipe`` with inputs for 1,000 kg of the sized kick stage (see :func:`designed_catalog`).

    Raises:
        InputError: the data lack one of the items the recipe is written in.
    """
    for item in (KICK_DRY_LOCAL, KICK_DRY_EARTH, KICK_OXIDISER, KICK_EARTH_PROPELLANT):
        if item not in catalog.items:
            raise InputError(
                f"the kick stage recipe needs the item '{item}'", field="items", valid=item
            )
    if kick.local_fuel_kg > 0:
        raise InputError(
            "the kick stage recipe has no item for a lunar fuel", field="kick_propellant"
        )
    scale = KG_PER_T / kick.mass_kg
    inputs = {
        KICK_DRY_LOCAL: (kick.dry_kg - kick.dry_earth_kg) * scale,
        KICK_DRY_EARTH: kick.dry_earth_kg * scale,
        KICK_OXIDISER: kick.local_oxidiser_kg * scale,
        KICK_EARTH_PROPELLANT: kick.propellant_earth_kg * scale,
    }
    inputs = {k: v for k, v in inputs.items() if v > FLOAT_NOISE}
    # Rounding must not break the recipe's mass balance: the largest input takes the remainder.
    big = max(inputs, key=lambda k: inputs[k])
    inputs[big] += KG_PER_T - math.fsum(inputs.values())
    return recipe.model_copy(update={"inputs": inputs, "outputs": {KICK_RECIPE: KG_PER_T}})


def earth_side(params: Scenario, seed_t: float) -> EarthSide:
    """The Earth-side parameters of scenario ``params`` with the seed's mass."""
    e = params.earth
    return EarthSide(
        tankers_per_landing=tankers_needed(e),
        payload_to_leo_t=e.payload_to_leo_t,
        payload_landed_t=e.lander_payload_t,
        seed_t=seed_t,
    )
