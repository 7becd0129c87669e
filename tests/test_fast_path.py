"""The fast path (arrays straight into highspy) and the Pyomo model built from the same
blocks give the same optimum and the same market duals, on every toy world of the suite."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import lngswap
from lngswap.solve.highs_backend import solve_form
from lngswap.units import T_PER_M3

EVERY_5_DAYS_MTPA = 365 * 100_000 * T_PER_M3 / 5 / 1e6


def spot_world(t):
    t["sources"][0]["capacity_mtpa"] = EVERY_5_DAYS_MTPA
    t["sources"][1]["capacity_mtpa"] = EVERY_5_DAYS_MTPA
    t["markets"][0]["lng_demand_mtpa"] = EVERY_5_DAYS_MTPA
    t["markets"][1]["lng_demand_mtpa"] = EVERY_5_DAYS_MTPA * 0.6
    t["markets"][2]["lng_demand_mtpa"] = EVERY_5_DAYS_MTPA * 0.4
    t["fleet"][4]["value"] = 40_000.0


def contract_world(t):
    spot_world(t)
    t["contracts"] = [{"contract": "jp-a", "owner": "JP", "market": "JP", "seller": "src-a",
                       "acq_mtpa": EVERY_5_DAYS_MTPA * 0.5, "term": "long",
                       "start_date": "2020-01-01", "end_date": "2030-12-31",
                       "price_formula": "oil", "index": "brent", "slope": 0.12,
                       "constant_usd_per_mmbtu": 0.5, "destination": "DES",
                       "cancel_fee_usd_per_mmbtu": ""}]


def storage_world(t):
    spot_world(t)
    t["storage"] = [{"market": "KR", "capacity_mmbtu": 5e6, "initial_fill": 0.5,
                     "injection_mmbtu_per_day": 2e5, "withdrawal_mmbtu_per_day": 4e5}]
    t["terminals"][0]["floor_t"] = 20_000.0
    t["terminals"][0]["initial_fill"] = 0.3


def finite_difference_slopes(b: lngswap.Built, rows: np.ndarray, step: float = 1e-3
                             ) -> tuple[np.ndarray, np.ndarray]:
    """Left and right slopes of the optimal cost in each row's right-hand side (equality rows),
    by re-solving in place from the previous basis with the row moved by -step and +step."""
    out, session = lngswap.solve_built(b)
    lo, hi = b.form.row_lo, b.form.row_hi
    left, right = np.zeros(len(rows)), np.zeros(len(rows))
    for i, r in enumerate(rows):
        up, dn = [], []
        for sign, store in ((1.0, up), (-1.0, dn)):
            session.set_row_bounds([r], [lo[r] + sign * step], [hi[r] + sign * step])
            store.append(session.solve().objective)
        session.set_row_bounds([r], [lo[r]], [hi[r]])
        right[i] = (up[0] - out.objective) / step
        left[i] = (out.objective - dn[0]) / step
    return left, right


@pytest.mark.parametrize("world", [spot_world, contract_world, storage_world])
@pytest.mark.parametrize("events", [[], [{"type": "demand_shock", "market": "JP",
                                          "factor": 1.4, "start": "2026-01-08",
                                          "end": "2026-01-15"}]])
def test_same_optimum_and_duals(toy, world, events):
    """Same optimum to 1e-7. A market balance's dual is unique where the optimal cost is
    linear in its demand on both sides (equal left and right slopes, found by re-solving with
    the demand moved); there both paths must report that slope."""
    path = toy(world, days=25, events=events, foresight="perfect",
               economics={"storage_target_day": "01-20", "tank_heel_share": 0.0})
    a = lngswap.build(lngswap.load_case(path))
    out_a, _ = lngswap.solve_built(a)
    b = lngswap.build(lngswap.load_case(path, ["solver.backend=pyomo"]))
    out_b, _ = lngswap.solve_built(b)
    assert out_b.objective == pytest.approx(out_a.objective, rel=1e-7)
    rows = np.arange(a.lp.row("market_balance").start, a.lp.row("market_balance").stop)
    left, right = finite_difference_slopes(a, rows)
    unique = np.abs(left - right) <= 1e-6 * np.maximum(1.0, np.abs(right))
    assert unique.sum() >= len(rows) // 4  # the comparison below is not vacuous
    for out in (out_a, out_b):
        np.testing.assert_allclose(out.row_dual[rows][unique], right[unique], rtol=1e-6,
                                   atol=1e-6)


def test_variants_resolve_in_place_from_the_previous_basis(toy):
    """Changing demand (row bounds), availability (column bounds) and prices (costs) in the
    HiGHS session and re-solving gives the optimum a fresh build of that variant gives, in
    fewer simplex iterations than a cold solve."""
    path = toy(contract_world, days=25, foresight="perfect",
               economics={"storage_target_day": "01-20", "tank_heel_share": 0.0})
    b = lngswap.build(lngswap.load_case(path))
    cold, session = lngswap.solve_built(b)
    rows = np.arange(b.lp.row("market_balance").start, b.lp.row("market_balance").stop)
    ship = np.arange(b.lp.column("ship").start, b.lp.column("ship").stop)
    rng = np.random.default_rng(0)
    for k in range(5):
        f = b.form
        lo, hi, cost = f.row_lo.copy(), f.row_hi.copy(), f.cost.copy()
        col_hi = f.col_hi.copy()
        scale = rng.uniform(0.8, 1.0, len(rows))  # shortfall is capped at today's demand
        lo[rows], hi[rows] = lo[rows] * scale, hi[rows] * scale
        cost[ship] = cost[ship] * rng.uniform(0.9, 1.1, len(ship))
        col_hi[ship[k::5]] = 0.5 * col_hi[ship[k::5]]
        session.set_row_bounds(rows, lo[rows], hi[rows])
        session.set_col_costs(ship, cost[ship])
        session.set_col_bounds(ship, f.col_lo[ship], col_hi[ship])
        warm = session.solve()
        fresh = replace(f, row_lo=lo, row_hi=hi, cost=cost, col_hi=col_hi)
        ref, _ = solve_form(fresh, session.options)
        assert warm.objective == pytest.approx(ref.objective, rel=1e-7)
        assert warm.iterations < ref.iterations
