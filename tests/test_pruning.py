"""Pruning arcs that cannot matter never changes the optimum."""

from __future__ import annotations

import numpy as np
import pytest

import lngswap
from lngswap.areas.extensions import apply_extensions, swap_partners
from lngswap.inputs.dataset import load_dataset
from lngswap.model.formulation import build_lp
from lngswap.network.shipping import route_table
from lngswap.solve.highs_backend import highs_options, solve_form
from lngswap.tables.indices import build_model_data
from lngswap.tables.parties import eligible_pairs
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


def late_arcs_hook(case, ds):
    """An LP hook that adds back every arc pruned for arriving after the horizon: it buys and
    ships the cargo (price, freight, a ship for the round trip) but delivers nothing inside
    the horizon, exactly what the unpruned model would hold."""

    def hook(lp, md, v):
        D = md.cal.n
        routes, _ = route_table(ds, md.fleet)
        cargo = md.cargo
        live = v["unlifted"].index["cargo"].to_numpy()
        row_of = np.full(len(cargo), -1)
        row_of[live] = np.arange(len(live))
        pairs = eligible_pairs(cargo, md.nodes, case.cooperation)
        pairs["port"] = cargo["port"].to_numpy()[pairs["cargo"].to_numpy()]
        pairs["terminal"] = md.nodes["terminal"].to_numpy()[pairs["node"].to_numpy()]
        late = pairs.merge(routes, on=["port", "terminal"])
        load = cargo["load_day"].to_numpy()[late["cargo"].to_numpy()]
        late = late[(load + late["voyage_days"].to_numpy() >= D)
                    & (row_of[late["cargo"].to_numpy()] >= 0)].reset_index(drop=True)
        c = late["cargo"].to_numpy()
        vol = cargo["volume_tbtu"].to_numpy()[c]
        block = lp.var("late_ship", late[["cargo", "node", "route"]],
                       ub=cargo["avail"].to_numpy()[c],
                       cost=vol * (cargo["price_usd_per_mmbtu"].to_numpy()[c]
                                   + late["freight_usd_per_mmbtu"].to_numpy()))
        k = np.arange(len(late))
        lp.cons["cargo_balance"].add(block, row_of[c], k, 1.0)
        load_day = cargo["load_day"].to_numpy()[c]
        back = load_day + late["rt_days"].to_numpy()
        lp.cons["fleet_balance"].add(block, load_day, k, -1.0)
        lp.cons["fleet_balance"].add(block, back[back < D], k[back < D], 1.0)
        md.counts["late_arcs_added_back"] = len(late)

    return hook


def solve_with_hook(path, hook_of) -> tuple[float, dict]:
    case = lngswap.load_case(path)
    ds = load_dataset(case.dataset)
    md = build_model_data(case, ds, swap_partners(case))
    apply_extensions(md, ds)
    if hook_of is not None:
        md.extras.setdefault("lp_hooks", []).append(hook_of(case, ds))
    form = build_lp(md).matrices()
    out, _ = solve_form(form, highs_options(case.solver))
    assert out.status.value == "optimal"
    return out.objective, md.counts


@pytest.mark.parametrize("contracted", [False, True])
def test_arcs_arriving_after_the_horizon_never_matter(toy, contracted):
    """Such an arc costs at least what leaving the cargo unlifted costs (price plus freight
    against a cancellation fee of at most the price) and delivers nothing inside the horizon,
    so adding all of them back leaves the optimum as it was."""

    def world(t):
        detour_world(t)
        if contracted:
            t["contracts"] = [{
                "contract": "kr-b", "owner": "KR", "market": "KR", "seller": "src-b",
                "acq_mtpa": EVERY_4_DAYS_MTPA * 0.8, "term": "long", "start_date": "2020-01-01",
                "end_date": "2030-12-31", "price_formula": "oil", "index": "brent",
                "slope": 0.12, "constant_usd_per_mmbtu": 0.5, "destination": "FOB",
                "cancel_fee_usd_per_mmbtu": ""}]

    path = toy(world, days=30, foresight="perfect")
    pruned, counts = solve_with_hook(path, None)
    full, counts_full = solve_with_hook(path, late_arcs_hook)
    assert counts["arrive_after_horizon"] > 0
    assert counts_full["late_arcs_added_back"] > 0
    assert pruned == pytest.approx(full, rel=1e-7)
