"""Disruption events on the toy world: closures reroute or cut off, shocks move prices."""

from __future__ import annotations

import pandas as pd
import pytest

import lngswap
from lngswap.units import T_PER_M3

EVERY_5_DAYS_MTPA = 365 * 100_000 * T_PER_M3 / 5 / 1e6
NO_END_VALUE = {"economics": {"end_stock_value_usd_per_mmbtu": 0.0}}


def suez_world(t):
    """A ships to JP through Suez in 2 days (crossing on day 1 of the voyage), or round the
    Cape in 4; B (at the Gulf) ships only through Hormuz, which it crosses on loading day."""
    t["sources"][0]["capacity_mtpa"] = EVERY_5_DAYS_MTPA
    t["sources"][1]["capacity_mtpa"] = EVERY_5_DAYS_MTPA
    t["markets"][0]["lng_demand_mtpa"] = EVERY_5_DAYS_MTPA
    t["fleet"][4]["value"] = 50_000.0
    t["routes"] = [r for r in t["routes"] if not (r["port"] == "pa" and r["terminal"] == "jp-t")]
    t["routes"] += [
        {"port": "pa", "terminal": "jp-t", "route": "direct", "distance_nm": 480.0,
         "passages": "suez", "passage_offsets_nm": "300.0", "searoute_version": "toy"},
        {"port": "pa", "terminal": "jp-t", "route": "avoid-suez", "distance_nm": 960.0,
         "passages": "", "passage_offsets_nm": "", "searoute_version": "toy"},
    ]
    for r in t["routes"]:
        if r["port"] == "pb":
            r["passages"], r["passage_offsets_nm"] = "hormuz", "10.0"


def crossings(sch: pd.DataFrame, passage: str) -> pd.Series:
    """Crossing dates of a passage over all legs."""
    out = []
    for ps, ds in zip(sch["passages"], sch["passage_dates"], strict=True):
        for p, d in zip(str(ps).split(";"), str(ds).split(";"), strict=False):
            if p == passage:
                out.append(d)
    return pd.Series(out, dtype=str)


def test_closure_reroutes_inside_its_window_only(toy):
    closure = {"type": "chokepoint_closure", "passage": "suez", "start": "2026-01-01",
               "end": "2026-01-15"}
    res = lngswap.solve(lngswap.load_case(toy(suez_world, days=40, events=[closure])))
    sch = res.schedule[(res.schedule["source"] == "src-a") & (res.schedule["market"] == "JP")]
    assert not sch.empty
    dates = crossings(sch, "suez")
    assert (dates > "2026-01-15").all()
    assert len(dates) > 0
    cape = sch[sch["route"] == "avoid-suez"]
    assert len(cape) > 0  # rerouted inside the window
    assert (cape["voyage_days"] == 4).all()
    assert (pd.to_datetime(cape["load_date"]) + pd.Timedelta(days=1)
            <= pd.Timestamp("2026-01-15")).all()
    assert res.summary["rerouted_cargoes"] == cape["cargo_id"].nunique()


def test_closure_without_alternative_cuts_cargoes_off(toy):
    closure = {"type": "chokepoint_closure", "passage": "hormuz", "start": "2026-01-01",
               "end": "2026-01-20"}
    base = lngswap.solve(lngswap.load_case(toy(suez_world, days=40)))
    res = lngswap.solve(lngswap.load_case(toy(suez_world, days=40, events=[closure])))
    b_legs = res.schedule[(res.schedule["source"] == "src-b")
                          & (res.schedule["status"] == "planned")]
    assert (pd.to_datetime(b_legs["load_date"]) > pd.Timestamp("2026-01-20")).all()
    assert crossings(b_legs, "hormuz").gt("2026-01-20").all()
    assert res.summary["cut_off_cargoes"] == 4  # loads on days 1, 6, 11, 16
    assert base.summary["cut_off_cargoes"] == 0
    cut = res.tables["cut_off"]  # the same four, listed by name and load date
    assert cut["source"].tolist() == ["src-b"] * 4
    # src-b loads every 5 days (its first cargo of the year on 5 January); all four loadings
    # inside the closure window are cut off
    assert cut["load_date"].tolist() == ["2026-01-05", "2026-01-10", "2026-01-15", "2026-01-20"]
    assert cut["cargo_id"].tolist() == [f"src-b-{d}" for d in cut["load_date"]]
    assert "cut_off" not in base.tables


def test_demand_shock_raises_the_marginal_value(toy):
    """JP's second step of supply is the dearer source: a 50 % demand rise moves JP's
    marginal value from A's delivered cost up to B's."""

    def edit(t):
        suez_world(t)
        t["sources"][1]["spot_cost_usd_per_mmbtu"] = 6.0
        t["markets"][0]["lng_demand_mtpa"] = EVERY_5_DAYS_MTPA * 0.8

    shock = {"type": "demand_shock", "market": "JP", "factor": 1.5, "start": "2026-01-10",
             "end": "2026-01-30"}
    base = lngswap.solve(lngswap.load_case(toy(edit, days=40, **NO_END_VALUE)))
    hit = lngswap.solve(lngswap.load_case(toy(edit, days=40, events=[shock], **NO_END_VALUE)))

    def window(res):
        m = res.markets
        return m[(m["market"] == "JP") & (m["date"] >= "2026-01-12")
                 & (m["date"] <= "2026-01-28")]["marginal_value_usd_per_mmbtu"].mean()

    assert window(hit) > window(base) + 1.0


def test_supply_outage_and_terminal_outage(toy):
    outage = {"type": "supply_outage", "sources": ["src-a"], "factor": 0.0,
              "start": "2026-01-01", "end": "2026-01-20"}
    term = {"type": "terminal_outage", "terminal": "jp-t", "factor": 0.0,
            "start": "2026-01-25", "end": "2026-01-27"}
    res = lngswap.solve(lngswap.load_case(toy(suez_world, days=40, events=[outage, term])))
    a = res.schedule[(res.schedule["source"] == "src-a") & (res.schedule["status"] == "planned")]
    assert (pd.to_datetime(a["load_date"]) > pd.Timestamp("2026-01-20")).all()
    inv = res.inventory[res.inventory["terminal"] == "jp-t"].set_index("date")
    assert inv.loc["2026-01-25":"2026-01-27", "sendout_mmbtu"].sum() == pytest.approx(0.0)


def test_canal_restriction_caps_transits(toy):
    cap = {"type": "canal_restriction", "passage": "suez", "transits_per_day": 0.25,
           "start": "2026-01-01", "end": "2026-01-30"}
    res = lngswap.solve(lngswap.load_case(toy(suez_world, days=40, events=[cap])))
    sch = res.schedule
    via = sch[sch["passages"].str.contains("suez")].copy()
    via["day"] = [d.split(";")[0] for d in via["passage_dates"]]
    per_day = via[via["day"] <= "2026-01-30"].groupby("day")["fraction"].sum()
    assert (per_day <= 0.25 + 1e-9).all()


def test_supply_outage_by_country_is_the_outage_of_its_sources(toy):
    """`country:` selects every source of that country (case-insensitive): the same cut as
    listing them, the same optimum."""
    ev = {"type": "supply_outage", "factor": 0.5, "start": "2026-01-01", "end": "2026-01-20"}
    by_country = toy(suez_world, days=30, events=[dict(ev, country="aland")])
    a = lngswap.solve(lngswap.load_case(by_country)).summary["objective_usd"]
    by_sources = toy(suez_world, days=30, events=[dict(ev, sources=["src-a"])])
    b = lngswap.solve(lngswap.load_case(by_sources)).summary["objective_usd"]
    assert a == pytest.approx(b, rel=1e-12)
    untouched = lngswap.solve(lngswap.load_case(toy(suez_world, days=30)))
    assert untouched.summary["objective_usd"] != pytest.approx(a, rel=1e-9)


def test_a_market_without_regas_all_horizon_solves_and_names_its_shortfall(toy):
    """Every terminal of Japan out all horizon: cargoes already at sea for Japan cannot be
    divided by regas (there is none); the case still solves and Japan's demand goes unserved
    in full."""
    out = {"type": "terminal_outage", "terminal": "jp-t", "factor": 0.0,
           "start": "2026-01-01", "end": "2026-01-20"}
    res = lngswap.solve(lngswap.load_case(toy(suez_world, days=20, events=[out])))
    jp = res.markets[res.markets["market"] == "JP"]
    assert jp["unserved_mmbtu"].sum() == pytest.approx(jp["demand_mmbtu"].sum(), rel=1e-9)
    assert jp["demand_mmbtu"].sum() > 0


def test_an_event_may_end_after_the_horizon(toy):
    """An outage that outlasts the horizon (Ras Laffan's damaged trains: years) acts to the
    last day modelled, as the same outage ending on that day does."""
    long = {"type": "supply_outage", "sources": ["src-a"], "factor": 0.0,
            "start": "2026-01-05", "end": "2027-06-30"}
    cut = dict(long, end="2026-01-20")
    a = lngswap.solve(lngswap.load_case(toy(suez_world, days=20, events=[long])))
    b = lngswap.solve(lngswap.load_case(toy(suez_world, days=20, events=[cut])))
    assert a.summary["objective_usd"] == pytest.approx(b.summary["objective_usd"], rel=1e-9)
