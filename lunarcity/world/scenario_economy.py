"""The economy a scenario sees: its site, its enabled fabs, its forced imports."""

from __future__ import annotations

from lunarcity.world.catalog import Catalog, default_catalog
from lunarcity.world.economy import Economy
from lunarcity.world.scenario import Scenario


def scenario_economy(scenario: Scenario, catalog: Catalog | None = None) -> Economy:
    """Build the :class:`Economy` for a scenario."""
    catalog = catalog or default_catalog()
    enabled = scenario.economy.enable_fabs
    if enabled is None:
        enabled = [k for k in catalog.fab_kinds if _enabled(scenario, catalog, k)]
    return Economy(
        catalog,
        scenario.site.name,
        enabled_fabs=enabled,
        forced_imports=scenario.earth.force_imports,
        # The soil a scenario mines where it is not the site's own (e.g. highland-type feed).
        regolith=scenario.site.regolith,
        # Units a scenario disables (e.g. storage_bank: {enabled: false}) are not built.
        disabled_units=[
            k
            for k, spec in catalog.units.items()
            if spec.role != "fab" and not _enabled(scenario, catalog, k)
        ],
        # A scenario's assembly time per kg must reach the labour cost of every unit.
        assembly_s_per_kg={
            k: o.assembly_s_per_kg
            for k, o in scenario.units.items()
            if o.assembly_s_per_kg is not None
        },
    )


def _enabled(scenario: Scenario, catalog: Catalog, kind: str) -> bool:
    override = scenario.units.get(kind)
    if override is not None and override.enabled is not None:
        return override.enabled
    return catalog.units[kind].enabled
