"""Peers measured in the same run: the same LP through Pyomo's HiGHS interface and linopy.

Both start from the same index tables and blocks as lngswap (so they solve the same LP):
- `pyomo-highs`: a Pyomo ConcreteModel built with one rule per constraint row
  (`lngswap.model.pyomo_model.to_pyomo`), solved through Pyomo's `appsi_highs` interface;
- `linopy`: a linopy model, one variable array and one constraint array per block, solved
  with linopy's HiGHS interface (optional `bench` extra).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pyomo.environ as pyo

import lngswap
from benchmarks.measure import machine, median_of, peak_rss_mib
from lngswap.model.pyomo_model import to_pyomo
from lngswap.studies.api import build


def _blocks(case_path: Path, sets: list[str] | None):
    """Build the case once; the e2e clock starts where index building did."""
    case = lngswap.load_case(case_path, sets or [])
    built = build(case)
    idx_s = built.timings["index"] + built.timings["build"]
    return case, built.lp, built.form, idx_s, time.perf_counter() - idx_s


def time_pyomo(case_path: Path, instance: str, sets: list[str] | None = None,
               repeat: int = 1) -> dict:
    """Pyomo rules over the same blocks, solved through appsi_highs (median of `repeat`)."""
    runs = []
    for _ in range(max(1, repeat)):
        case, lp, form, idx_s, t0 = _blocks(case_path, sets)
        t1 = time.perf_counter()
        m = to_pyomo(lp, form)
        t2 = time.perf_counter()
        opt = pyo.SolverFactory("appsi_highs")
        opt.config.load_solution = False
        opt.highs_options = {"random_seed": int(case.solver.random_seed),
                             "threads": int(case.solver.threads),
                             "presolve": case.solver.presolve}
        res = opt.solve(m)
        t3 = time.perf_counter()
        m.solutions.load_from(res)
        _ = np.array([v.value for v in m.component_data_objects(pyo.Var)])
        t4 = time.perf_counter()
        highs_s = float(opt._solver_model.getRunTime())
        runs.append({"build_s": idx_s + (t2 - t1), "handover_s": (t3 - t2) - highs_s,
                     "highs_s": highs_s, "loadback_s": t4 - t3, "e2e_s": t4 - t0,
                     "objective": float(pyo.value(m.objective))})
        del m, opt, res
    return _record(instance, "pyomo-highs", form, runs)


def time_linopy(case_path: Path, instance: str, sets: list[str] | None = None,
                repeat: int = 1) -> dict:
    """The same blocks as a linopy model, solved with HiGHS (median of `repeat`)."""
    runs = []
    for _ in range(max(1, repeat)):
        runs.append(_linopy_once(case_path, sets))
    return _record(instance, "linopy", runs[-1].pop("_form"), [
        {k: v for k, v in r.items() if k != "_form"} for r in runs])


def _linopy_once(case_path: Path, sets: list[str] | None) -> dict:
    import linopy
    import xarray as xr

    case, lp, form, idx_s, t0 = _blocks(case_path, sets)
    t1 = time.perf_counter()
    m = linopy.Model()
    labels = {}
    for name, b in lp.vars.items():
        lo = np.where(np.isfinite(b.lb), b.lb, -np.inf)
        hi = np.where(np.isfinite(b.ub), b.ub, np.inf)
        var = m.add_variables(lower=xr.DataArray(lo, dims=[f"{name}_i"]),
                              upper=xr.DataArray(hi, dims=[f"{name}_i"]), name=name)
        labels[name] = var.labels.values
    col_label = np.concatenate([labels[n] for n in lp.vars])
    a = form.a.tocsr()
    for name, c in lp.cons.items():
        rows = np.arange(c.offset, c.offset + c.size)
        if not len(rows):
            continue
        sub = a[rows]
        width = max(1, int(np.diff(sub.indptr).max()))
        vars_ = np.full((len(rows), width), -1, dtype=np.int64)
        coefs = np.zeros((len(rows), width))
        pos = np.arange(sub.nnz) - np.repeat(sub.indptr[:-1], np.diff(sub.indptr))
        r = np.repeat(np.arange(len(rows)), np.diff(sub.indptr))
        vars_[r, pos] = col_label[sub.indices]
        coefs[r, pos] = sub.data
        dims = [f"{name}_r", "_term"]
        expr = linopy.LinearExpression(
            xr.Dataset({"coeffs": (dims, coefs), "vars": (dims, vars_)}), m)
        lo, hi = form.row_lo[rows], form.row_hi[rows]
        eq = np.isfinite(lo) & np.isfinite(hi) & (lo == hi)
        for tag, mask, sign, rhs in (("eq", eq, "=", lo), ("lo", np.isfinite(lo) & ~eq, ">=", lo),
                                     ("hi", np.isfinite(hi) & ~eq, "<=", hi)):
            if mask.any():
                sel = xr.DataArray(np.flatnonzero(mask), dims=[f"{name}_r"])
                m.add_constraints(expr.isel({f"{name}_r": sel}), sign,
                                  xr.DataArray(rhs[mask], dims=[f"{name}_r"]),
                                  name=f"{name}_{tag}")
    m.add_objective(linopy.LinearExpression(
        xr.Dataset({"coeffs": (["_term"], form.cost), "vars": (["_term"], col_label)}), m))
    t2 = time.perf_counter()
    status, _ = m.solve("highs", random_seed=int(case.solver.random_seed),
                        threads=int(case.solver.threads), presolve=case.solver.presolve,
                        output_flag=False)
    t3 = time.perf_counter()
    highs_s = float(m.solver_model.getRunTime()) if m.solver_model is not None else t3 - t2
    return {"build_s": idx_s + (t2 - t1), "handover_s": (t3 - t2) - highs_s,
            "highs_s": highs_s, "e2e_s": t3 - t0,
            "objective": float(m.objective.value) + form.offset, "status": status,
            "_form": form}


def _record(instance: str, method: str, form, runs: list[dict]) -> dict:
    m, n = form.shape
    med = median_of([{k: v for k, v in r.items() if k != "status"} for r in runs])
    rec = {"instance": instance, "method": method, "variables": int(n), "constraints": int(m),
           "nonzeros": int(form.a.nnz), **med, "repeats": len(runs), "runs": runs,
           "peak_rss_mib": peak_rss_mib(), "machine": machine()}
    rec["ratio_e2e_highs"] = rec["e2e_s"] / rec["highs_s"] if rec["highs_s"] else None
    rec["overhead_us_per_var"] = (rec["e2e_s"] - rec["highs_s"]) / n * 1e6
    return rec
