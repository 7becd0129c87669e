"""Invariants of the bundled default case (one full-year solve shared by the tests here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import lngswap
from lngswap.paths import bundled_models_dir

pytestmark = pytest.mark.slow  # one whole-year solve of the default case


@pytest.fixture(scope="module")
def base():
    return lngswap.solve(lngswap.load_case(bundled_models_dir() / "base.yaml"))


def test_status_and_size(base):
    s = base.summary
    assert s["status"] == "optimal"
    assert s["variables"] > 10_000
    assert s["nonzeros"] > s["variables"]


def test_each_cargo_ships_at_most_once(base):
    frac = base.schedule.groupby("cargo_id")["fraction"].sum()
    assert (frac <= 1 + 1e-6).all()
    assert (base.schedule["fraction"] >= 0).all()


def test_arrival_is_load_plus_voyage(base):
    sch = base.schedule
    lag = (pd.to_datetime(sch["arrival_date"]) - pd.to_datetime(sch["load_date"])).dt.days
    assert (lag == sch["voyage_days"]).all()


def test_passage_dates_follow_the_route(base):
    sch = base.schedule
    for ps, ds, load, arr in zip(sch["passages"], sch["passage_dates"], sch["load_date"],
                                 sch["arrival_date"], strict=True):
        names = [p for p in str(ps).split(";") if p]
        dates = [d for d in str(ds).split(";") if d]
        assert len(names) == len(dates)
        assert dates == sorted(dates)
        assert all(load <= d <= arr for d in dates)


def test_supplied_plus_unserved_is_demand(base):
    m = base.markets
    gap = (m["supplied_mmbtu"] + m["unserved_mmbtu"] - m["demand_mmbtu"]).abs()
    assert (gap <= 1e-6 * m["demand_mmbtu"] + 1.0).all()


def test_stocks_within_tanks(base):
    inv = base.inventory
    assert (inv["stock_mmbtu"] >= -1e-3).all()
    assert (inv["stock_mmbtu"] <= inv["tank_capacity_mmbtu"] + 1e-3).all()


def test_stock_balance_closes(base):
    """stock(d) = stock(d-1) + arrivals(d) - sendout(d) at every node."""
    inv = base.inventory.sort_values(["terminal", "date"])
    prev = inv.groupby("terminal")["stock_mmbtu"].shift(1)
    inside = prev.notna()
    gap = (prev + inv["arrivals_mmbtu"] - inv["sendout_mmbtu"] - inv["stock_mmbtu"])[inside]
    assert np.abs(gap).max() < 1.0


def test_the_default_year_is_plausible(base):
    """No shortfall in a normal year; Japan, Korea and Europe all served; Russian LNG in the
    data and in the flows; prices near their 2025 levels (JKM 11.68, TTF 11.12)."""
    s = base.summary
    core = ["JP", "KR", "EU-NW", "EU-IB", "EU-IT", "EU-SE", "UK", "TR"]
    assert sum(s["unserved_mmbtu"][m] for m in core) == pytest.approx(0.0, abs=1.0)
    mv = s["mean_marginal_value_usd_per_mmbtu"]
    assert 9.5 < mv["JP"] < 14.0
    assert 9.0 < mv["EU-NW"] < 13.5
    assert mv["JP"] > mv["EU-NW"]  # Asia pays a premium over Europe, as JKM over TTF
    assert base.schedule["source_country"].str.contains("Russia").any()


CORE = ["JP", "KR", "EU-NW", "EU-IB", "EU-IT", "EU-SE", "UK", "TR"]


def test_rest_of_world_buyers_own_their_contracts():
    """China, India, other Asia and other are each a party, owning their contracts."""
    from lngswap.inputs.dataset import load_dataset

    ds = load_dataset("default")
    mk = ds.markets.set_index("market")
    row = mk[mk["kind"] == "row"]
    assert row["party"].is_unique
    assert not set(row["party"]) & set(mk.loc[mk["kind"] == "core", "party"])
    con = ds.contracts[ds.contracts["market"].isin(row.index)]
    assert (con["owner"] == con["market"].map(mk["party"])).all()


def test_restricted_destination_clauses_hold(base):
    """A DES cargo under a restricted destination clause lands in its owner's market only."""
    from lngswap.inputs.dataset import load_dataset

    con = load_dataset("default").contracts
    strict = set(con.loc[(con["destination"] == "DES")
                         & (con["destination_clause"] == "restricted"), "contract"])
    sch = base.schedule[base.schedule["contract"].isin(strict)
                        & (base.schedule["status"] == "planned")]
    assert len(sch) > 100
    assert (sch["party"] == sch["owner"]).all()


def test_no_end_of_horizon_artefact(base):
    """With the run-out, the last 30 days of every core market look like the rest of the
    year: deliveries at least 75 % of a mean 30 days, stocks at least 80 % of the first day's."""
    s = base.schedule
    s = s[(s["arrival_date"] >= "2026-01-01") & (s["arrival_date"] <= "2026-12-31")]
    mk = base.markets
    assert mk["date"].max() == "2026-12-31"
    for m in CORE:
        g = s[s["market"] == m]
        mean30 = g["delivered_mmbtu"].sum() / 365 * 30
        last30 = g.loc[g["arrival_date"] > "2026-12-01", "delivered_mmbtu"].sum()
        assert last30 >= 0.75 * mean30, m
        k = mk[mk["market"] == m].sort_values("date")
        assert k["lng_stock_mmbtu"].iloc[-1] >= 0.8 * k["lng_stock_mmbtu"].iloc[0], m
        if m.startswith("EU"):
            assert k["storage_mmbtu"].iloc[-1] >= 0.8 * k["storage_mmbtu"].iloc[0], m


def test_working_stocks_hold_in_a_normal_year(base):
    """Japan keeps about its 12 days, Korea its 13 (above the 9-day duty) in a normal year."""
    cover = base.summary["lowest_days_of_cover"]
    assert cover["KR"] >= 9.0
    mk = base.markets
    for m, days in (("JP", 12.0), ("KR", 13.0)):
        assert mk.loc[mk["market"] == m, "days_of_cover"].median() >= 0.9 * days, m
    assert base.summary["commitments"]["frozen_cargoes"]["contracted_des"] == 0
