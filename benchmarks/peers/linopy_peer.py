"""The lngswap LP written in linopy, as a linopy user would: variables over labelled xarray
coordinates, each constraint family an expression aligned on those coordinates ("previous
day" a `.shift(day=1)`, arrivals a `.groupby` over arcs), solved through linopy's direct
highspy interface (`io_api="direct"`, no LP file). Built from lngswap's index tables.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from benchmarks.peers._common import (
    CYCLE_COST,
    end_values,
    index_tables,
    record,
    ship_bounds_and_cost,
)

CODE = "benchmarks/peers/linopy_peer.py"
AT_SEA_OVERFLOW_USD_PER_MMBTU = 50.0


def _da(values, **coords) -> xr.DataArray:
    """A DataArray over named integer coordinates (the names are the dims)."""
    return xr.DataArray(np.asarray(values, dtype=float).reshape([len(c) for c in coords.values()]),
                        coords={k: np.asarray(c) for k, c in coords.items()}, dims=list(coords))


def build_model(md):
    """The linopy model of the case's index tables; returns (model, objective constant)."""
    import linopy

    eco, dem, nodes, arcs, cargo = md.case.economics, md.demand, md.nodes, md.arcs, md.cargo
    D = md.cal.n
    day, node = np.arange(D), np.arange(len(nodes))
    arc = np.arange(len(arcs))
    zone, market = np.arange(len(dem.storage)), np.arange(len(dem.markets))
    rmarket, tier = np.arange(len(dem.row_markets)), np.arange(len(dem.tiers))
    step = np.arange(len(dem.row_steps))
    live = cargo.index[cargo["has_arc"]].to_numpy()
    m = linopy.Model()

    # variables
    ship_ub, ship_cost = ship_bounds_and_cost(md)
    ship = m.add_variables(0, _da(ship_ub, arc=arc), name="ship")
    unlifted = m.add_variables(0, _da(cargo["avail"].to_numpy()[live], cargo=live),
                               name="unlifted")
    stock = m.add_variables(0, _da(np.repeat(nodes["tank"].to_numpy(), D), node=node, day=day),
                            name="stock")
    sendout = m.add_variables(0, _da(dem.regas, node=node, day=day), name="sendout")
    fl = nodes.index[nodes["floor"] > 0].to_numpy()
    floor = _da(nodes["floor"].to_numpy()[fl], node=fl)
    below = m.add_variables(0, floor.expand_dims(day=day).transpose("node", "day"),
                            name="below_floor")
    share = _da(dem.tiers["share"].to_numpy(), tier=tier)
    demand = _da(dem.demand, market=market, day=day)
    unserved = m.add_variables(0, (share * demand).transpose("market", "tier", "day"),
                               name="unserved")
    inflow = _da(md.inflow, node=node, day=day)
    overflow = m.add_variables(0, inflow, mask=inflow > 0, name="at_sea_overflow")
    st = dem.row_steps
    step_market = xr.DataArray(st["market"].to_numpy(), coords={"step": step}, dims="step")
    row_base = _da(dem.row_base, rmarket=rmarket, day=day)
    row_sale = m.add_variables(
        0, _da(st["share"].to_numpy(), step=step) * row_base.isel(rmarket=step_market),
        name="row_sale")
    row_surplus = m.add_variables(0, coords=[rmarket, day], dims=["rmarket", "day"],
                                  name="row_surplus")
    sto = dem.storage
    zday = {"zone": zone, "day": day}
    ugs = m.add_variables(0, _da(np.repeat(sto["cap"].to_numpy(), D), **zday), name="ugs")
    inject = m.add_variables(0, _da(np.repeat(sto["inj"].to_numpy(), D), **zday), name="inject")
    withdraw = m.add_variables(0, _da(np.repeat(sto["wd"].to_numpy(), D), **zday),
                               name="withdraw")
    target = np.flatnonzero(md.cal.dates.strftime("%m-%d") == eco.storage_target_day)
    busy = m.add_variables(0, _da(md.ships, day=day), name="ships_busy")
    end_stock = m.add_variables(0, _da(nodes["init"].to_numpy(), node=node), name="end_stock")
    end_ugs = m.add_variables(0, _da(sto["init"].to_numpy(), zone=zone), name="end_ugs")

    def by_arc(values, name: str) -> xr.DataArray:
        return xr.DataArray(np.asarray(values), coords={"arc": arc}, dims="arc", name=name)

    # cargo balance: shipped shares plus the unlifted share make the available share
    m.add_constraints(ship.groupby(by_arc(arcs["cargo"], "cargo")).sum() + unlifted
                      == _da(cargo["avail"].to_numpy()[live], cargo=live), name="cargo_balance")
    # stock balance: s[n,d] - s[n,d-1] + sendout + overflow - arrivals = inflow (+ initial)
    vol = cargo["volume_tbtu"].to_numpy()[arcs["cargo"].to_numpy()]
    arrive = (by_arc(vol * arcs["delivered_share"].to_numpy(), "coef") * ship).groupby(
        pd.DataFrame({"node": arcs["node"].to_numpy(), "day": arcs["arrival_day"].to_numpy()},
                     index=pd.Index(arc, name="arc"))).sum().unstack("group")
    rhs = inflow.copy()
    rhs[:, 0] += nodes["init"].to_numpy()
    m.add_constraints(stock - stock.shift(day=1) + sendout + overflow - arrive == rhs,
                      name="stock_balance")
    if len(fl):
        m.add_constraints(stock.sel(node=fl) + below >= floor, name="strategic_floor")
    # core and rest-of-world market balances: send-out of each market's nodes
    node_market = nodes["market"]
    core = node_market.map(pd.Series(market, index=dem.markets["market"]))
    zone_market = xr.DataArray(sto["market"].to_numpy(), coords={"zone": zone}, dims="zone",
                               name="market")
    core_nodes = node[core.notna().to_numpy()]
    core_send = sendout.sel(node=core_nodes).groupby(xr.DataArray(
        core.to_numpy()[core_nodes].astype(int), coords={"node": core_nodes}, dims="node",
        name="market")).sum()
    lhs = unserved.sum("tier") + core_send
    if len(zone):
        lhs = lhs + (withdraw - inject).groupby(zone_market).sum()
    m.add_constraints(lhs == demand, name="market_balance")
    row = node_market.map(pd.Series(rmarket, index=dem.row_markets["market"]))
    row_nodes = node[row.notna().to_numpy()]
    row_send = sendout.sel(node=row_nodes).groupby(xr.DataArray(
        row.to_numpy()[row_nodes].astype(int), coords={"node": row_nodes}, dims="node",
        name="rmarket")).sum()
    sales = row_sale.groupby(step_market.rename("rmarket")).sum()
    m.add_constraints(row_surplus + sales - row_send == 0, name="row_balance")
    # underground storage: g[z,d] = g[z,d-1] + inject - withdraw, the target on its test day
    if len(zone):
        init = xr.zeros_like(ugs.upper)
        init[:, 0] = sto["init"].to_numpy()
        m.add_constraints(ugs - ugs.shift(day=1) - inject + withdraw == init,
                          name="storage_balance")
        m.add_constraints(end_ugs - ugs.isel(day=D - 1) <= 0, name="end_value_ugs")
    short = None
    if len(zone) and len(target):
        short = m.add_variables(0, coords=[zone, target], dims=["zone", "target"],
                                name="ugs_short")
        m.add_constraints(ugs.sel(day=target).rename(day="target") + short
                          >= eco.storage_target_share * _da(sto["cap"].to_numpy(), zone=zone),
                          name="storage_target")
    # fleet: ships busy today = yesterday + voyages begun today - voyages ended today
    back = arcs["return_day"].to_numpy() < D
    begun = ship.groupby(by_arc(arcs["load_day"], "day")).sum()
    ended = ship.sel(arc=arc[back]).groupby(xr.DataArray(
        arcs["return_day"].to_numpy()[back], coords={"arc": arc[back]}, dims="arc",
        name="day")).sum()
    m.add_constraints(busy - busy.shift(day=1) - begun + ended == 0, name="fleet_balance")
    # canal transits per passage and day under the cap
    caps = md.canal
    for p, cap in caps.groupby("passage", sort=True):
        x = md.crossings[md.crossings["passage"] == p]
        x = x[x["day"].isin(cap["day"])]
        if x["arc"].duplicated().any():
            raise ValueError(f"an arc crosses {p} twice: not modelled by this peer")
        through = ship.sel(arc=x["arc"].to_numpy()).groupby(xr.DataArray(
            x["day"].to_numpy(), coords={"arc": x["arc"].to_numpy()}, dims="arc",
            name="day")).sum()
        m.add_constraints(through <= _da(cap["cap"].to_numpy(), day=cap["day"].to_numpy()),
                          name=f"canal_capacity_{p}")
    m.add_constraints(end_stock - stock.isel(day=D - 1) <= 0, name="end_value_stock")

    # objective (million USD)
    tier_cost = _da(dem.tiers["usd_per_mmbtu"].to_numpy(), tier=tier)
    regas = xr.DataArray(np.where((nodes["kind"] == "terminal").to_numpy(),
                                  eco.regas_usd_per_mmbtu, 0.0), coords={"node": node},
                         dims="node")
    end_node, end_zone = end_values(md)
    obj = ((_da(ship_cost, arc=arc) * ship).sum()
           + (_da(cargo["volume_tbtu"].to_numpy()[live] * cargo["cancel_usd_per_mmbtu"]
                  .to_numpy()[live], cargo=live) * unlifted).sum()
           + (regas * sendout).sum() + (tier_cost * unserved).sum()
           + AT_SEA_OVERFLOW_USD_PER_MMBTU * overflow.sum()
           - (_da(st["wtp_usd_per_mmbtu"].to_numpy(), step=step) * row_sale).sum()
           - (_da(end_node, node=node) * end_stock).sum()
           - (_da(end_zone, zone=zone) * end_ugs).sum())
    if len(fl):
        obj = obj + eco.floor_penalty_usd_per_mmbtu_day * below.sum()
    if len(zone):
        obj = obj + CYCLE_COST * inject.sum()
    if short is not None:
        obj = obj + eco.storage_target_penalty_usd_per_mmbtu * short.sum()
    m.add_objective(obj)
    return m


def size_of(m) -> dict:
    """Variables, constraints and nonzeros linopy hands to HiGHS."""
    a = m.matrices.A
    return {"variables": int(a.shape[1]), "constraints": int(a.shape[0]),
            "nonzeros": int(a.nnz)}


def run_once(case_path: Path, sets: list[str] | None) -> tuple[dict, dict]:
    """Index tables, linopy build, hand-over and HiGHS solve, solution back: one timed run."""
    md, t0 = index_tables(case_path, sets)
    t1 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = build_model(md)
    t2 = time.perf_counter()
    solver = md.case.solver
    status, cond = m.solve("highs", io_api="direct", random_seed=int(solver.random_seed),
                           output_flag=False)
    t3 = time.perf_counter()
    highs_s = float(m.solver_model.getRunTime())
    iterations = int(m.solver_model.getInfo().simplex_iteration_count)
    run = {"iterations": iterations,
           "index_s": t1 - t0, "lp_s": t2 - t1, "build_s": t2 - t0,
           "handover_s": (t3 - t2) - highs_s, "highs_s": highs_s, "e2e_s": t3 - t0,
           "objective": float(m.objective.value), "status": f"{status}/{cond}"}
    return run, size_of(m)


def time_linopy(case_path: Path, instance: str, sets: list[str] | None = None,
                repeat: int = 1) -> dict:
    """Benchmark record of the linopy peer (median of `repeat` runs)."""
    runs, size = [], {}
    for _ in range(max(1, repeat)):
        run, size = run_once(case_path, sets)
        runs.append(run)
    return record(instance, "linopy", CODE, runs, size)
