"""The lngswap LP written in Pyomo, as a Pyomo user would: indexed sets of the valid
combinations, parameters as dicts, one rule function per constraint family, solved through
Pyomo's persistent HiGHS interface (`appsi_highs`, its fastest documented HiGHS path: the
model goes to highspy in memory, no LP file). Built from lngswap's index tables.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.contrib.appsi.solvers import Highs

from benchmarks.peers._common import (
    CYCLE_COST,
    end_values,
    index_tables,
    record,
    ship_bounds_and_cost,
)

CODE = "benchmarks/peers/pyomo_peer.py"
AT_SEA_OVERFLOW_USD_PER_MMBTU = 50.0


def _groups(keys: list[np.ndarray], values: np.ndarray) -> dict:
    """{key tuple (or key): [values]}: which arcs arrive, load or cross where and when."""
    out: dict = defaultdict(list)
    for *k, v in zip(*[a.tolist() for a in keys], values.tolist(), strict=True):
        out[tuple(k) if len(k) > 1 else k[0]].append(v)
    return out


def build_model(md) -> pyo.ConcreteModel:
    """The Pyomo model of the case's index tables."""
    eco, dem, nodes, arcs, cargo = md.case.economics, md.demand, md.nodes, md.arcs, md.cargo
    D = md.cal.n
    m = pyo.ConcreteModel()
    m.D = pyo.RangeSet(0, D - 1)
    m.N = pyo.RangeSet(0, len(nodes) - 1)
    m.A = pyo.RangeSet(0, len(arcs) - 1)
    live = cargo.index[cargo["has_arc"]].to_numpy().tolist()
    m.C = pyo.Set(initialize=live, ordered=True)
    m.M = pyo.RangeSet(0, len(dem.markets) - 1)
    m.K = pyo.RangeSet(0, len(dem.tiers) - 1)
    m.R = pyo.RangeSet(0, len(dem.row_markets) - 1)
    m.S = pyo.RangeSet(0, len(dem.row_steps) - 1)
    m.Z = pyo.RangeSet(0, len(dem.storage) - 1)
    fl = nodes.index[nodes["floor"] > 0].to_numpy().tolist()
    m.F = pyo.Set(initialize=fl, ordered=True)
    inflow = md.inflow
    fi = np.argwhere(inflow > 0)
    m.O = pyo.Set(dimen=2, initialize=[tuple(x) for x in fi.tolist()], ordered=True)
    target = np.flatnonzero(md.cal.dates.strftime("%m-%d") == eco.storage_target_day).tolist()
    m.T = pyo.Set(initialize=target, ordered=True)

    avail = cargo["avail"].to_numpy()
    vol = cargo["volume_tbtu"].to_numpy()
    tank, init, floor = (nodes[c].to_numpy() for c in ("tank", "init", "floor"))
    regas, demand, share = dem.regas, dem.demand, dem.tiers["share"].to_numpy()
    st, sto = dem.row_steps, dem.storage
    step_market = st["market"].to_numpy()
    ship_ub, ship_cost = ship_bounds_and_cost(md)

    # variables, bounds from rules
    m.ship = pyo.Var(m.A, bounds=lambda m, a: (0, ship_ub[a]))
    m.unlifted = pyo.Var(m.C, bounds=lambda m, c: (0, avail[c]))
    m.stock = pyo.Var(m.N, m.D, bounds=lambda m, n, d: (0, tank[n]))
    m.sendout = pyo.Var(m.N, m.D, bounds=lambda m, n, d: (0, regas[n, d]))
    m.below = pyo.Var(m.F, m.D, bounds=lambda m, n, d: (0, floor[n]))
    m.unserved = pyo.Var(m.M, m.K, m.D, bounds=lambda m, k, t, d: (0, share[t] * demand[k, d]))
    m.overflow = pyo.Var(m.O, bounds=lambda m, n, d: (0, inflow[n, d]))
    m.row_sale = pyo.Var(m.S, m.D, bounds=lambda m, s, d: (
        0, st["share"].iat[s] * dem.row_base[step_market[s], d]))
    m.row_surplus = pyo.Var(m.R, m.D, bounds=(0, None))
    m.ugs = pyo.Var(m.Z, m.D, bounds=lambda m, z, d: (0, sto["cap"].iat[z]))
    m.inject = pyo.Var(m.Z, m.D, bounds=lambda m, z, d: (0, sto["inj"].iat[z]))
    m.withdraw = pyo.Var(m.Z, m.D, bounds=lambda m, z, d: (0, sto["wd"].iat[z]))
    m.ugs_short = pyo.Var(m.Z, m.T, bounds=(0, None))
    m.busy = pyo.Var(m.D, bounds=lambda m, d: (0, md.ships[d]))
    m.end_stock = pyo.Var(m.N, bounds=lambda m, n: (0, init[n]))
    m.end_ugs = pyo.Var(m.Z, bounds=lambda m, z: (0, sto["init"].iat[z]))

    # which arcs belong where (the sparse index sets of the sums)
    a_ids = np.arange(len(arcs))
    ca = arcs["cargo"].to_numpy()
    of_cargo = _groups([ca], a_ids)
    arriving = _groups([arcs["node"].to_numpy(), arcs["arrival_day"].to_numpy()], a_ids)
    arr_coef = vol[ca] * arcs["delivered_share"].to_numpy()
    loading = _groups([arcs["load_day"].to_numpy()], a_ids)
    back = arcs["return_day"].to_numpy()
    returning = _groups([back[back < D]], a_ids[back < D])
    core = nodes["market"].map(pd.Series(np.arange(len(dem.markets)),
                                         index=dem.markets["market"]))
    row = nodes["market"].map(pd.Series(np.arange(len(dem.row_markets)),
                                        index=dem.row_markets["market"]))
    nodes_of = _groups([core.dropna().astype(int).to_numpy()], core.dropna().index.to_numpy())
    row_nodes_of = _groups([row.dropna().astype(int).to_numpy()], row.dropna().index.to_numpy())
    zones_of = _groups([sto["market"].to_numpy()], np.arange(len(sto)))
    steps_of = _groups([step_market], np.arange(len(st)))
    overflow_at = set(m.O)

    def cargo_balance(m, c):
        return sum(m.ship[a] for a in of_cargo[c]) + m.unlifted[c] == avail[c]

    def stock_balance(m, n, d):
        prev = m.stock[n, d - 1] if d > 0 else init[n]
        spill = m.overflow[n, d] if (n, d) in overflow_at else 0
        return (m.stock[n, d] == prev + sum(arr_coef[a] * m.ship[a] for a in arriving[n, d])
                + inflow[n, d] - spill - m.sendout[n, d])

    def strategic_floor(m, n, d):
        return m.stock[n, d] + m.below[n, d] >= floor[n]

    def market_balance(m, k, d):
        return (sum(m.sendout[n, d] for n in nodes_of[k])
                + sum(m.withdraw[z, d] - m.inject[z, d] for z in zones_of[k])
                + sum(m.unserved[k, t, d] for t in m.K) == demand[k, d])

    def row_balance(m, r, d):
        return (sum(m.sendout[n, d] for n in row_nodes_of[r])
                == sum(m.row_sale[s, d] for s in steps_of[r]) + m.row_surplus[r, d])

    def storage_balance(m, z, d):
        prev = m.ugs[z, d - 1] if d > 0 else sto["init"].iat[z]
        return m.ugs[z, d] == prev + m.inject[z, d] - m.withdraw[z, d]

    def storage_target(m, z, t):
        return m.ugs[z, t] + m.ugs_short[z, t] >= eco.storage_target_share * sto["cap"].iat[z]

    def fleet_balance(m, d):
        prev = m.busy[d - 1] if d > 0 else 0
        return (m.busy[d] == prev + sum(m.ship[a] for a in loading[d])
                - sum(m.ship[a] for a in returning[d]))

    m.cargo_balance = pyo.Constraint(m.C, rule=cargo_balance)
    m.stock_balance = pyo.Constraint(m.N, m.D, rule=stock_balance)
    m.strategic_floor = pyo.Constraint(m.F, m.D, rule=strategic_floor)
    m.market_balance = pyo.Constraint(m.M, m.D, rule=market_balance)
    m.row_balance = pyo.Constraint(m.R, m.D, rule=row_balance)
    m.storage_balance = pyo.Constraint(m.Z, m.D, rule=storage_balance)
    m.storage_target = pyo.Constraint(m.Z, m.T, rule=storage_target)
    m.fleet_balance = pyo.Constraint(m.D, rule=fleet_balance)

    caps = md.canal
    cap = {(p, d): c for p, d, c in zip(caps["passage"], caps["day"], caps["cap"], strict=True)}
    x = md.crossings
    crossing = _groups([x["passage"].to_numpy(), x["day"].to_numpy()], x["arc"].to_numpy())
    m.P = pyo.Set(dimen=2, initialize=sorted(k for k in cap if k in crossing), ordered=True)
    m.canal_capacity = pyo.Constraint(
        m.P, rule=lambda m, p, d: sum(m.ship[a] for a in crossing[p, d]) <= cap[p, d])
    m.end_value_stock = pyo.Constraint(m.N, rule=lambda m, n: m.end_stock[n]
                                       <= m.stock[n, D - 1])
    m.end_value_ugs = pyo.Constraint(m.Z, rule=lambda m, z: m.end_ugs[z] <= m.ugs[z, D - 1])

    cancel = vol * cargo["cancel_usd_per_mmbtu"].to_numpy()
    node_regas = np.where((nodes["kind"] == "terminal").to_numpy(), eco.regas_usd_per_mmbtu, 0.0)
    tier_cost = dem.tiers["usd_per_mmbtu"].to_numpy()
    wtp = st["wtp_usd_per_mmbtu"].to_numpy()

    def objective(m):
        return (sum(ship_cost[a] * m.ship[a] for a in m.A)
                + sum(cancel[c] * m.unlifted[c] for c in m.C)
                + sum(node_regas[n] * m.sendout[n, d] for n in m.N for d in m.D)
                + eco.floor_penalty_usd_per_mmbtu_day * sum(m.below.values())
                + sum(tier_cost[t] * m.unserved[k, t, d] for k, t, d in m.unserved)
                + AT_SEA_OVERFLOW_USD_PER_MMBTU * sum(m.overflow.values())
                - sum(wtp[s] * m.row_sale[s, d] for s, d in m.row_sale)
                + CYCLE_COST * sum(m.inject.values())
                + eco.storage_target_penalty_usd_per_mmbtu * sum(m.ugs_short.values())
                - sum(end_node[n] * m.end_stock[n] for n in m.N)
                - sum(end_zone[z] * m.end_ugs[z] for z in m.Z))

    end_node, end_zone = end_values(md)
    m.objective = pyo.Objective(rule=objective, sense=pyo.minimize)
    return m


def run_once(case_path: Path, sets: list[str] | None) -> tuple[dict, dict]:
    """Index tables, Pyomo build, appsi_highs hand-over and solve, solution back."""
    md, t0 = index_tables(case_path, sets)
    t1 = time.perf_counter()
    m = build_model(md)
    t2 = time.perf_counter()
    opt = Highs()  # appsi's persistent HiGHS interface ("appsi_highs")
    opt.config.load_solution = False  # check the termination condition before loading
    opt.highs_options = {"random_seed": int(md.case.solver.random_seed)}
    res = opt.solve(m)
    t3 = time.perf_counter()
    if res.termination_condition.name != "optimal":
        raise RuntimeError(f"pyomo peer: HiGHS ended {res.termination_condition.name}")
    res.solution_loader.load_vars()
    x = np.fromiter((v.value for v in m.component_data_objects(pyo.Var)), dtype=float)
    t4 = time.perf_counter()
    h = opt._solver_model  # the highspy.Highs instance appsi holds
    highs_s = float(h.getRunTime())
    lp = h.getLp()
    run = {"iterations": int(h.getInfo().simplex_iteration_count),
           "index_s": t1 - t0, "lp_s": t2 - t1, "build_s": t2 - t0,
           "handover_s": (t3 - t2) - highs_s, "highs_s": highs_s, "loadback_s": t4 - t3,
           "e2e_s": t4 - t0, "objective": float(res.best_feasible_objective),
           "status": res.termination_condition.name}
    size = {"variables": int(lp.num_col_), "constraints": int(lp.num_row_),
            "nonzeros": len(lp.a_matrix_.index_)}
    del x
    return run, size


def time_pyomo(case_path: Path, instance: str, sets: list[str] | None = None,
               repeat: int = 1) -> dict:
    """Benchmark record of the Pyomo peer (median of `repeat` runs)."""
    runs, size = [], {}
    for _ in range(max(1, repeat)):
        run, size = run_once(case_path, sets)
        runs.append(run)
    return record(instance, "pyomo-highs", CODE, runs, size)
