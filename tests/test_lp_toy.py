"""Tiny cases whose optimum is solved by hand (see the docstring of each test)."""

from __future__ import annotations

import numpy as np
import pytest

import lngswap
from lngswap.units import MMBTU_PER_T, T_PER_M3

CARGO_MMBTU = 100_000 * T_PER_M3 * MMBTU_PER_T  # toy cargo: 100,000 m3
EVERY_5_DAYS_MTPA = 365 * 100_000 * T_PER_M3 / 5 / 1e6  # one cargo every 5 days
HALF_CARGO_PER_5_DAYS_MTPA = EVERY_5_DAYS_MTPA / 2
CHARTER = 1_000_000.0  # USD/day: one ship-day costs CHARTER / CARGO_MMBTU per MMBtu
NO_END_VALUE = {"economics": {"end_stock_value_usd_per_mmbtu": 0.0}}


def two_sources(t, b_cost=2.8):
    """A (spot 2.0) sits 2 days from JP and 3 from KR; B (spot b_cost) 3 from JP, 2 from KR."""
    for s in t["sources"]:
        s["capacity_mtpa"] = EVERY_5_DAYS_MTPA
    t["sources"][1]["spot_cost_usd_per_mmbtu"] = b_cost
    t["markets"][0]["lng_demand_mtpa"] = HALF_CARGO_PER_5_DAYS_MTPA
    t["markets"][1]["lng_demand_mtpa"] = HALF_CARGO_PER_5_DAYS_MTPA
    t["fleet"][4]["value"] = CHARTER


def freight(voyage_days: int) -> float:
    return CHARTER * 2 * voyage_days / CARGO_MMBTU


def test_two_sources_two_terminals_nearest_cheapest(toy):
    """Delivered cost: A->JP 2 + f(2) = 3.92, A->KR 2 + f(3) = 4.87, B->JP 2.8 + f(3) = 5.67,
    B->KR 2.8 + f(2) = 4.72. So JP buys only from A and KR only from B, and once the first
    cargoes land (day 3) each market's marginal value is its cheapest delivered cost plus the
    0.40 regas tariff, because both sources have cargo to spare (demand is half their output).
    Before day 3 nothing can arrive, so the marginal value is the shortfall penalty (100)."""
    res = lngswap.solve(lngswap.load_case(toy(two_sources, days=10, **NO_END_VALUE)))
    sch = res.schedule
    assert set(sch.loc[sch["market"] == "JP", "source"]) == {"src-a"}
    assert set(sch.loc[sch["market"] == "KR", "source"]) == {"src-b"}
    mv = res.markets.set_index(["market", "date"])["marginal_value_usd_per_mmbtu"]
    assert mv[("JP", "2026-01-05")] == pytest.approx(2.0 + freight(2) + 0.4, rel=1e-6)
    assert mv[("KR", "2026-01-05")] == pytest.approx(2.8 + freight(2) + 0.4, rel=1e-6)
    assert mv[("JP", "2026-01-02")] == pytest.approx(100.0, rel=1e-6)
    # objective: purchase + freight of what was shipped, regas of what was sent out, and the
    # penalty on the three days before the first arrival
    daily = res.markets.groupby("market")["demand_mmbtu"].first()
    served = res.markets.groupby("market")["supplied_mmbtu"].sum()
    expected = ((sch["purchase_usd"] + sch["freight_usd"]).sum()
                + 0.4 * (served["JP"] + served["KR"])
                + 100.0 * 3 * (daily["JP"] + daily["KR"]))
    assert res.summary["objective_usd"] == pytest.approx(expected, rel=1e-7)
    # each cargo ships what the days until the next arrival need: half a cargo, or 2/5
    shipped = sch.groupby("cargo_id")["fraction"].sum()
    assert shipped.max() == pytest.approx(0.5, rel=1e-6)


def test_storage_carries_a_cargo_across_days(toy):
    """One cargo lands on day 3 and must feed JP for the remaining 7 days out of the tank:
    stock on day d (d >= 3) is 7 - (d - 3) days of demand minus one day, never negative, and
    nothing is short after the arrival."""

    def edit(t):
        t["sources"][0]["capacity_mtpa"] = 365 * 100_000 * T_PER_M3 / 14 / 1e6  # 1 per 14 days
        t["markets"][0]["lng_demand_mtpa"] = HALF_CARGO_PER_5_DAYS_MTPA

    res = lngswap.solve(lngswap.load_case(toy(edit, days=10, **NO_END_VALUE)))
    inv = res.inventory[res.inventory["terminal"] == "jp-t"].reset_index(drop=True)
    daily = res.markets.loc[res.markets["market"] == "JP", "demand_mmbtu"].iloc[0]
    mk = res.markets[res.markets["market"] == "JP"].reset_index(drop=True)
    arrival = int(np.flatnonzero(inv["arrivals_mmbtu"] > 0)[0])
    assert mk.loc[arrival:, "unserved_mmbtu"].max() == pytest.approx(0.0, abs=1e-3)
    for d in range(arrival, 10):
        assert inv.loc[d, "stock_mmbtu"] == pytest.approx(daily * (9 - d), rel=1e-6, abs=1e-3)
    # the cargo is lifted exactly for the days it must cover
    assert res.schedule["fraction"].sum() == pytest.approx(daily * (10 - arrival) / CARGO_MMBTU,
                                                           rel=1e-6)


@pytest.mark.parametrize(("price", "short"), [(150.0, True), (50.0, False)])
def test_shortfall_cheaper_than_a_far_expensive_cargo(toy, price, short):
    """Only B sells to JP, at `price` USD/MMBtu, against a 100 USD/MMBtu penalty: at 150 the
    model leaves demand unserved rather than buy; at 50 it buys."""

    def edit(t):
        t["sources"][1]["capacity_mtpa"] = EVERY_5_DAYS_MTPA
        t["sources"][1]["spot_cost_usd_per_mmbtu"] = price
        t["markets"][0]["lng_demand_mtpa"] = HALF_CARGO_PER_5_DAYS_MTPA

    res = lngswap.solve(lngswap.load_case(toy(edit, days=10, **NO_END_VALUE)))
    jp = res.markets[res.markets["market"] == "JP"]
    after = jp[jp["date"] >= "2026-01-05"]
    if short:
        assert after["unserved_mmbtu"].sum() == pytest.approx(after["demand_mmbtu"].sum())
        assert res.schedule[res.schedule["market"] == "JP"].empty
    else:
        assert after["unserved_mmbtu"].sum() == pytest.approx(0.0, abs=1e-3)


def test_fast_path_and_pyomo_model_agree(toy):
    """The arrays handed to highspy and the Pyomo model built from the same blocks give the
    same optimum and the same market duals."""
    path = toy(two_sources, days=10)
    a = lngswap.build(lngswap.load_case(path))
    out_a, _ = lngswap.solve_built(a)
    b = lngswap.build(lngswap.load_case(path, ["solver.backend=pyomo"]))
    out_b, _ = lngswap.solve_built(b)
    assert out_b.objective == pytest.approx(out_a.objective, rel=1e-7)
    rows = a.lp.row("market_balance")
    np.testing.assert_allclose(out_b.row_dual[rows], out_a.row_dual[rows], rtol=1e-7, atol=1e-9)


def test_strategic_floor_is_drawn_last_and_only_against_shortfall(toy):
    """Three cargoes in jp-t at the start, a floor of one cargo, no supply, demand of 1/5
    cargo a day for 30 days. Shortfall (100/MMBtu) costs more than holding stock below the
    floor (0.5/MMBtu/day), so all three cargoes are used and 30 - 15 = 15 days of demand go
    unserved. Each day below the floor is charged, so the floor cargo is drawn last, at full
    demand rate over the final 5 days: below-floor stock sums to (1+2+3+4+5)/5 = 3 cargo-days."""

    def edit(t):
        t["terminals"][0]["tank_m3"] = 300_000
        t["terminals"][0]["initial_fill"] = 1.0
        t["terminals"][0]["floor_t"] = 100_000 * T_PER_M3
        t["markets"][0]["lng_demand_mtpa"] = EVERY_5_DAYS_MTPA

    res = lngswap.solve(lngswap.load_case(toy(edit, days=30, **NO_END_VALUE)))
    inv = res.inventory[res.inventory["terminal"] == "jp-t"].reset_index(drop=True)
    assert inv["floor_mmbtu"].iloc[0] == pytest.approx(CARGO_MMBTU, rel=1e-6)
    jp = res.markets[res.markets["market"] == "JP"]
    assert jp["unserved_mmbtu"].sum() == pytest.approx(15 * CARGO_MMBTU / 5, rel=1e-6)
    assert inv["below_floor_mmbtu"].sum() == pytest.approx(3 * CARGO_MMBTU, rel=1e-6)
    assert inv.loc[:24, "below_floor_mmbtu"].sum() == pytest.approx(0.0, abs=1e-3)
    assert inv["stock_mmbtu"].iloc[-1] == pytest.approx(0.0, abs=1e-3)
