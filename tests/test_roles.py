"""Every scenario field says whether it is a lever or an uncertainty (issue 22)."""

from __future__ import annotations

from lunarcity.world.roles import ROLES, Role, by_role, fields, role_of
from lunarcity.world.scenario import Scenario


def test_every_field_of_the_schema_is_tagged() -> None:
    # Walk the schema from the top: a field the table leaves out fails here by name.
    untagged = [p for p, (cls, name) in fields(Scenario).items() if name not in ROLES.get(cls, {})]
    assert not untagged, (
        f"untagged scenario fields (add them to lunarcity/world/roles.py): {untagged}"
    )


def test_the_table_names_no_field_the_schema_lacks() -> None:
    # A renamed field must not leave a stale entry behind.
    present = {(cls, name) for cls, name in fields(Scenario).values()}
    stale = [(c, n) for c, names in ROLES.items() for n in names if (c, n) not in present]
    assert not stale


def test_levers_are_the_choices_and_uncertainties_what_nature_decides() -> None:
    assert role_of("planner.policy") is Role.LEVER
    assert role_of("earth.manifest") is Role.LEVER
    assert role_of("earth.stockpile_years") is Role.LEVER
    assert role_of("planner.produce_after_years") is Role.LEVER
    assert role_of("earth.lander_failure_prob") is Role.UNCERTAINTY
    assert role_of("units.robot.failures_per_year") is Role.UNCERTAINTY
    assert role_of("satellite.lunar.board_kg_per_kw") is Role.UNCERTAINTY
    assert role_of("earth.payload_to_leo_t") is Role.UNCERTAINTY
    assert role_of("run.seed") is Role.SETTING
    assert role_of("earth.carries.chips") is Role.LEVER  # a key of a mapping field
    assert "earth.lander_interval_days" in by_role(Role.LEVER)
    assert "site.regolith" in by_role(Role.UNCERTAINTY)
