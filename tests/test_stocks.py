"""One place for every kilogram: the Stocks actions by hand, and no stock written anywhere else.

Stock, imported stock, the mass ledger and the element ledger move together
(:mod:`lunarcity.city.stocks`); these tests work each action by hand on items of fixed composition,
and read the package's source for any write to them outside the stocks module, and for a stage
that writes to the recorder rather than saying what it moved in its result.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from lunarcity.city.element_ledger import ElementLedger
from lunarcity.city.mass_ledger import MassLedger
from lunarcity.city.stocks import StockError, Stocks
from lunarcity.world.catalog import default_catalog

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "lunarcity"

# -- the rule: no stock or ledger written outside lunarcity/city/stocks.py ----------------------------

#: The modules that own the records: the stocks, and the two ledgers' own types.
OWNERS = {"stocks.py", "mass_ledger.py", "element_ledger.py"}
#: Where they live.
OWNERS_PACKAGE = PACKAGE / "city"
#: Attributes holding stock (the model's views and the Stocks' own arrays).
STOCK_FIELDS = {"stock", "stock_imp"}
#: The mass ledger's fields, and the element ledger's running totals.
LEDGER_FIELDS = {f.name for f in dataclasses.fields(MassLedger)} | {
    "inflow",
    "launched",
    "waste",
    "vented",
    "pool",
}
#: The element ledger's methods that change it.
ELEMENT_ACTIONS = {
    "mined",
    "landed",
    "landed_kg",
    "landed_units",
    "launch",
    "vent",
    "scrap_units",
    "scrap_used",
}


def _written(target: ast.expr) -> list[ast.expr]:
    """The attribute or name a target writes into (through any subscripts), with the subscripts."""
    if isinstance(target, ast.Tuple | ast.List):
        return [t for e in target.elts for t in _written(e)]
    if isinstance(target, ast.Starred):
        return _written(target.value)
    return [target]


def _offence(target: ast.expr) -> str | None:
    """What a write to ``target`` writes, if it is stock or a ledger."""
    subscripted = False
    while isinstance(target, ast.Subscript):
        target, subscripted = target.value, True
    if isinstance(target, ast.Attribute) and target.attr in STOCK_FIELDS | LEDGER_FIELDS:
        return f".{target.attr}"
    # A plain name bound to stock (`stock = city.stock`) written through a subscript.
    if isinstance(target, ast.Name) and subscripted and target.id in STOCK_FIELDS:
        return f"{target.id}[...]"
    return None


def stock_writes(source: str) -> list[tuple[int, str]]:
    """(line, what) for every write to stock or a ledger, and every element-ledger action."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for t in targets:
            for w in _written(t):
                what = _offence(w)
                if what:
                    found.append((node.lineno, what))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ELEMENT_ACTIONS
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "elements"
        ):
            found.append((node.lineno, f"elements.{node.func.attr}()"))
    return found


def test_no_stock_or_ledger_is_written_outside_the_stocks_module() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent == OWNERS_PACKAGE and path.name in OWNERS:
            continue
        for line, what in stock_writes(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(REPO)}:{line} {what}")
    assert not offenders, (
        f"move mass through lunarcity.city.stocks.Stocks, not by hand: {offenders}"
    )


def test_the_finder_sees_each_kind_of_write() -> None:
    code = "\n".join(
        [
            "city.stock[i] += kg",  # 1: into a stock
            "city.stock_imp[:] = imp",  # 2: a whole array
            "city.ledger.landed_kg += kg",  # 3: a ledger field
            "stock = city.stock",  # a view, not a write
            "stock[i] = 0.0",  # 5: through the view
            "city.elements.vent(i, kg)",  # 6: an element-ledger action
            "a, city.ledger.waste_kg = 1, 2",  # 7: inside a tuple
            "x = city.stock[i] + 1",  # reading
            "landing = Landing(landed_kg=kg)",  # a keyword, not a write
        ]
    )
    assert sorted(line for line, _ in stock_writes(code)) == [1, 2, 3, 5, 6, 7]


# -- the rule: stages say what they moved; only the model hands the day to the recorder ----------

#: The modules of the day's stages (lunarcity/model.py's step calls them in order), by path.
STAGES = [
    "stages/plan",
    "stages/build_policy",
    "stages/power",
    "stages/contributions",
    "stages/labour",
    "stages/learning",
    "stages/generations",
    "stages/jobs",
    "stages/recipes",
    "stages/launch",
    "stages/landers",
    "stages/wear",
    "stages/bottleneck",
    "city/stocks",
]


def recorder_uses(source: str) -> list[tuple[int, str]]:
    """(line, what) for every import of the recorder's module and every use of ``.recorder``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            names = []
        found += [(node.lineno, n) for n in names if n == "lunarcity.results.metrics"]
        if isinstance(node, ast.Attribute) and node.attr == "recorder":
            found.append((node.lineno, ".recorder"))
    return found


def test_no_stage_imports_or_calls_the_recorder() -> None:
    offenders = [
        f"lunarcity/{name}.py:{line} {what}"
        for name in STAGES
        for line, what in recorder_uses((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
    ]
    assert not offenders, f"a stage returns what it moved in its result instead: {offenders}"


def test_the_recorder_finder_sees_imports_and_calls() -> None:
    code = "from lunarcity.results import metrics\nimport lunarcity.results.metrics\ncity.recorder.scrapped(1, 2)\n"
    assert [line for line, _ in recorder_uses(code)] == [1, 2, 3]


# -- the actions, by hand -------------------------------------------------------------------------

NODES = ["regolith", "oxygen", "calcium_chloride", "anode", "scrap"]
REGOLITH, OXYGEN, SALT, ANODE, SCRAP = range(len(NODES))


@pytest.fixture
def stocks() -> Stocks:
    catalog = default_catalog()
    elements = ElementLedger(catalog, "highland", NODES, ["robot"], "scrap", ["aluminium"])
    return Stocks(NODES, elements, regolith=REGOLITH, oxygen=OXYGEN, scrap=SCRAP)


def _element(stocks: Stocks, name: str) -> int:
    return stocks.elements.elements.index(name)


def test_held_adds_the_holdings_row_by_row() -> None:
    # ElementLedger.held takes stock, scrap pool, jobs and units against their element
    # matrices as one product (lunarcity/portable.py: BLAS's kernels round by the machine):
    # each element's sum runs down the stock's rows, then the pool's, the jobs' and the
    # units', one row after the other; then launched, waste and vented are added, left to
    # right. Worked here row by row by hand. Random masses over eleven orders of magnitude,
    # at a real run's shapes (47 items, 16 kinds).
    from lunarcity.model import LunarCity

    e = LunarCity("ten_year_city", run__years=0.01).elements
    rng = np.random.default_rng(27)

    def masses(n: int) -> np.ndarray:
        return rng.random(n) * 10.0 ** rng.integers(-3, 8, n) * (rng.random(n) < 0.7)

    n_nodes, n_kinds, n_el = len(e.node), len(e.unit), len(e.elements)
    for _ in range(100):
        stock, wip, units = masses(n_nodes), masses(n_kinds), masses(n_kinds)
        e.pool[:] = masses(n_nodes)
        e.launched[:], e.waste[:], e.vented[:] = masses(n_el), masses(n_el), masses(n_el)
        total = np.zeros(n_el)
        for weights, matrix in ((stock, e.node), (e.pool, e.node), (wip, e.unit), (units, e.unit)):
            for weight, row in zip(weights, matrix, strict=True):
                total = total + weight * row
        chain = total + e.launched + e.waste + e.vented
        assert np.array_equal(e.held(stock, wip, units), chain)


def test_the_recorders_mass_by_kind_is_count_times_unit_mass_at_its_code() -> None:
    # Recorder._units_kg takes the mass in service by kind code as one product, counts @ a
    # matrix holding each kind's unit mass at its code; each entry must be the very double of
    # count x unit mass (data/units.yaml's mass_kg), and zero at the codes of other kinds
    # (satellites are not in service).
    from lunarcity.model import LunarCity

    m = LunarCity("ten_year_city", run__years=0.01)
    r = m.recorder
    rng = np.random.default_rng(27)
    for _ in range(200):
        counts = rng.integers(0, 10 ** int(rng.integers(1, 7)), len(r.kinds))
        got = r._units_kg(counts)
        want = np.zeros(len(m.kind_names))
        for k, n in zip(r.kinds, counts.tolist(), strict=True):
            want[m.kind_code[k]] = n * m.catalog.units[k].mass_kg
        assert np.array_equal(got, want)


def test_a_landed_kilogram_enters_all_four_records(stocks: Stocks) -> None:
    # 100 kg of CaCl2 landed: Ca 36.112 %, Cl 63.888 % (data/materials.yaml, 40.078 / 110.984).
    stocks.land(SALT, 100.0)
    assert stocks.stock[SALT] == 100.0
    assert stocks.stock_imp[SALT] == 100.0  # all of it made on Earth
    assert stocks.ledger.landed_kg == 100.0
    assert stocks.ledger.mass_in() == 100.0
    inflow = stocks.elements.inflow
    assert inflow[_element(stocks, "Ca")] == pytest.approx(36.112)
    assert inflow[_element(stocks, "Cl")] == pytest.approx(63.888)
    assert inflow.sum() == pytest.approx(100.0)
    # Held in stock, so both ledgers close.
    no_units = np.zeros(1)
    assert stocks.elements.rel_error(stocks.stock, no_units, no_units) < 1e-12


def test_taking_parts_moves_the_imported_share_and_refuses_more_than_the_stock(
    stocks: Stocks,
) -> None:
    stocks.land(SALT, 100.0)
    draft = stocks.draft()
    # Three units of a 40 kg bill need 120 kg: more than the 100 kg held.
    with pytest.raises(StockError, match="calcium_chloride"):
        draft.take([(SALT, 40.0)], 3, -1, 0.0)
    # Two need 80 kg, all of it imported: 20 kg left, 20 kg of it imported.
    assert draft.take([(SALT, 40.0)], 2, -1, 0.0) == 80.0
    assert stocks.stock[SALT] == 100.0  # nothing moves until the draft is committed
    draft.commit()
    assert stocks.stock[SALT] == 20.0
    assert stocks.stock_imp[SALT] == 20.0
    assert stocks.ledger.landed_kg == 100.0  # a move within the city crosses no boundary


def test_a_recipe_carries_its_inputs_imported_share_into_its_outputs(stocks: Stocks) -> None:
    stocks.mine(300.0)  # local
    stocks.land(ANODE, 100.0)  # imported
    draft = stocks.draft()
    # 50 batches of (3 kg regolith + 1 kg anode -> 4 kg oxygen): 150 kg regolith and 50 kg of
    # anode in, 200 kg of oxygen out; the imported kg in = 0 + 50 * 100/100 = 50, so the oxygen
    # is 50 kg imported.
    assert draft.make([(REGOLITH, 3.0), (ANODE, 1.0)], [(OXYGEN, 4.0)], 50.0, 4.0) == 200.0
    draft.commit()
    assert list(stocks.stock[[REGOLITH, ANODE, OXYGEN]]) == [150.0, 50.0, 200.0]
    assert list(stocks.stock_imp[[REGOLITH, ANODE, OXYGEN]]) == [0.0, 50.0, 50.0]
    assert stocks.ledger.oxygen_made_kg == 200.0
    assert stocks.ledger.mined_kg == 300.0 and stocks.ledger.landed_kg == 100.0
    # 51 more batches need 153 kg of regolith: 150 are held.
    with pytest.raises(StockError, match="regolith"):
        stocks.draft().make([(REGOLITH, 3.0), (ANODE, 1.0)], [(OXYGEN, 4.0)], 51.0, 4.0)


def test_oxygen_vented_leaves_stock_and_enters_both_ledgers(stocks: Stocks) -> None:
    stocks.land(OXYGEN, 50.0)
    # Tanks hold 20 kg: 30 kg vented; the imported share (all of it) goes with it.
    assert stocks.vent(OXYGEN, 20.0) == 30.0
    assert stocks.stock[OXYGEN] == 20.0
    assert stocks.stock_imp[OXYGEN] == 20.0
    assert stocks.ledger.vented_kg == 30.0
    assert stocks.elements.vented[_element(stocks, "O")] == 30.0
    assert stocks.vent(OXYGEN, 20.0) == 0.0  # nothing beyond the tanks now


def test_a_launch_leaves_the_moon_and_refuses_more_than_the_stock(stocks: Stocks) -> None:
    stocks.land(ANODE, 100.0)
    # Two 30 kg items launched: 60 kg out, 40 left, the Sn 78.766 % of it launched as Sn.
    stocks.launch(ANODE, 2, 30.0)
    assert stocks.stock[ANODE] == 40.0
    assert stocks.stock_imp[ANODE] == 40.0
    assert stocks.ledger.launched_kg == 60.0
    assert stocks.elements.launched[_element(stocks, "Sn")] == pytest.approx(0.78766 * 60.0)
    with pytest.raises(StockError, match="anode"):
        stocks.launch(ANODE, 2, 30.0)  # 60 kg from 40
    stocks.count_launches(2, 100.0, delivered=False)
    assert stocks.ledger.satellites_launched == 2
    assert stocks.ledger.compute_in_orbit_kw == 200.0
    assert stocks.ledger.compute_delivered_kw == 0.0


def test_units_scrapped_with_nothing_recycled_are_all_waste(stocks: Stocks) -> None:
    # 500 kg of robots scrapped at a recycle fraction of 0: 500 kg of waste, no scrap in stock.
    assert stocks.scrap(0, 500.0, 100.0, 0.0) == 0.0
    assert stocks.ledger.waste_kg == 500.0
    assert stocks.stock[SCRAP] == 0.0
    assert stocks.elements.waste.sum() == pytest.approx(500.0)
