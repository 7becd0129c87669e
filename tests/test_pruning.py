"""Pruning arcs that cannot matter never changes the optimum."""

from __future__ import annotations

import pytest

import lngswap
from lngswap.units import T_PER_M3

EVERY_4_DAYS_MTPA = 365 * 100_000 * T_PER_M3 / 4 / 1e6


def detour_world(t):
    """Every pair has a direct route, a longer and dearer one round the Cape, and one as long
    as the direct but through a fee-paying strait (pruned); pa-jp-t crosses Suez."""
    t["sources"][0]["capacity_mtpa"] = EVERY_4_DAYS_MTPA
    t["sources"][1]["capacity_mtpa"] = EVERY_4_DAYS_MTPA
    t["markets"][0]["lng_demand_mtpa"] = EVERY_4_DAYS_MTPA
    t["markets"][1]["lng_demand_mtpa"] = EVERY_4_DAYS_MTPA / 2
    t["markets"][2]["lng_demand_mtpa"] = EVERY_4_DAYS_MTPA / 2
    t["fleet"][4]["value"] = 80_000.0
    extra = []
    for r in t["routes"]:
        if r["port"] == "pa" and r["terminal"] == "jp-t":
            r["passages"], r["passage_offsets_nm"] = "suez", "100.0"
        extra.append({**r, "route": "avoid-suez", "distance_nm": r["distance_nm"] * 1.7,
                      "passages": "cape", "passage_offsets_nm": "200.0"})
        extra.append({**r, "route": "via-gibraltar", "passages": "gibraltar",
                      "passage_offsets_nm": "50.0"})
    t["routes"] += extra
    t["passages"].append({"passage": "cape", "lon": 18.5, "lat": -34.4,
                          "fee_usd_per_transit": 0, "transits_per_day": ""})
    t["passages"].append({"passage": "gibraltar", "lon": -5.6, "lat": 36.0,
                          "fee_usd_per_transit": 200_000, "transits_per_day": ""})


@pytest.mark.parametrize("events", [
    [],
    [{"type": "chokepoint_closure", "passage": "suez", "start": "2026-01-05",
      "end": "2026-01-20"}],
    [{"type": "canal_restriction", "passage": "suez", "transits_per_day": 0.1,
      "start": "2026-01-01", "end": "2026-01-30"}],
])
def test_pruned_and_unpruned_models_have_the_same_optimum(toy, events):
    path = toy(detour_world, days=40, events=events, foresight="perfect")
    pruned = lngswap.solve(lngswap.load_case(path))
    full = lngswap.solve(lngswap.load_case(path, ["solver.prune_routes=false"]))
    assert full.summary["variables"] > pruned.summary["variables"]
    assert pruned.summary["pruning"]["dominated_route"] > 0
    assert pruned.summary["objective_usd"] == pytest.approx(full.summary["objective_usd"],
                                                            rel=1e-7)


def test_a_capped_canal_keeps_the_long_way_round(toy):
    """With Suez capped, the Cape route of pa->jp-t is dearer but must stay in the model."""
    cap = [{"type": "canal_restriction", "passage": "suez", "transits_per_day": 0.1,
            "start": "2026-01-01", "end": "2026-01-30"}]
    res = lngswap.solve(lngswap.load_case(toy(detour_world, days=40, events=cap)))
    legs = res.schedule[(res.schedule["source"] == "src-a") & (res.schedule["market"] == "JP")]
    assert (legs["route"] == "avoid-suez").any()
