"""The same LP as a Pyomo model, from the same blocks: for export (LP/MPS), other solvers and
cross-checks of the fast path.

Each variable block becomes an indexed `Var` named after its family, each constraint block an
indexed `Constraint`, so a written LP file reads family by family.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pyomo.environ as pyo

from lngswap.model.lp import LinearProgram, StandardForm
from lngswap.solve.highs_backend import Outcome, Status, highs_options


def to_pyomo(lp: LinearProgram, form: StandardForm) -> pyo.ConcreteModel:
    """Build a Pyomo ConcreteModel equal to the assembled LP."""
    m = pyo.ConcreteModel(name="lngswap")
    cols: list = [None] * form.shape[1]
    for name, block in lp.vars.items():
        lb = [None if not np.isfinite(v) else float(v) for v in block.lb]
        ub = [None if not np.isfinite(v) else float(v) for v in block.ub]
        var = pyo.Var(range(block.size), bounds=lambda _m, i, lb=lb, ub=ub: (lb[i], ub[i]))
        m.add_component(name, var)
        for i in range(block.size):
            cols[block.offset + i] = var[i]
    a = form.a.tocsr()
    for name, block in lp.cons.items():
        def rule(_m, i, off=block.offset):
            r = off + i
            lo, hi = form.row_lo[r], form.row_hi[r]
            s, e = a.indptr[r], a.indptr[r + 1]
            expr = sum(float(v) * cols[j] for j, v in zip(a.indices[s:e], a.data[s:e],
                                                          strict=True))
            if s == e or not (np.isfinite(lo) or np.isfinite(hi)):  # empty or free row
                return pyo.Constraint.Skip
            return (None if not np.isfinite(lo) else float(lo), expr,
                    None if not np.isfinite(hi) else float(hi))

        m.add_component(name, pyo.Constraint(range(block.size), rule=rule))
    nz = np.flatnonzero(form.cost)
    m.objective = pyo.Objective(
        expr=sum(float(form.cost[j]) * cols[j] for j in nz) + form.offset, sense=pyo.minimize)
    m.dual = pyo.Suffix(direction=pyo.Suffix.IMPORT)
    m._cols = cols
    return m


def write_lp(lp: LinearProgram, form: StandardForm, path: Path) -> Path:
    """Write the LP in CPLEX LP format with readable names (family[index])."""
    m = to_pyomo(lp, form)
    m.write(str(path), io_options={"symbolic_solver_labels": True})
    return path


#: Pyomo's appsi termination conditions in our typed statuses (others: OTHER).
TERMINATION: dict[str, Status] = {
    "optimal": Status.OPTIMAL,
    "infeasible": Status.INFEASIBLE,
    "unbounded": Status.UNBOUNDED,
    "infeasibleOrUnbounded": Status.INFEASIBLE_OR_UNBOUNDED,
    "maxTimeLimit": Status.TIME_LIMIT,
}


def solve_with_pyomo(lp: LinearProgram, form: StandardForm, solver_opts) -> Outcome:
    """Solve through Pyomo's HiGHS interface (appsi), loading solutions only when optimal.

    Every HiGHS option of the case (method, presolve, threads, seed, time limit, extras) is
    passed on, exactly as the highspy backend sets them, so the manifest tells the truth."""
    t0 = time.perf_counter()
    opts = highs_options(solver_opts)
    m = to_pyomo(lp, form)
    opt = pyo.SolverFactory("appsi_highs")
    opt.config.load_solution = False
    opt.config.time_limit = float(opts["time_limit"])
    opt.highs_options = {k: v for k, v in opts.items() if k != "output_flag"}
    t1 = time.perf_counter()
    res = opt.solve(m, load_solutions=False)
    t2 = time.perf_counter()
    name = str(res.solver.termination_condition)
    status = TERMINATION.get(name, Status.OTHER)
    x = row_dual = col_dual = np.zeros(0)
    obj = float("nan")
    if status == Status.OPTIMAL:
        m.solutions.load_from(res)
        x = np.array([pyo.value(v) for v in m._cols])
        row_dual = np.zeros(form.shape[0])
        for name_, block in lp.cons.items():
            con = m.component(name_)
            for i in con:
                row_dual[block.offset + i] = m.dual.get(con[i], 0.0)
        col_dual = np.zeros(form.shape[1])
        obj = float(pyo.value(m.objective))
    return Outcome(status=status, model_status=name, objective=obj, x=x, row_dual=row_dual,
                   col_dual=col_dual, highs_s=t2 - t1, handover_s=t1 - t0, iterations=0,
                   options={"interface": "pyomo appsi_highs", **opts})
