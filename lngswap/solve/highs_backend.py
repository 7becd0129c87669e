"""Hand the assembled LP to HiGHS (highspy) as arrays, solve, and read the outcome back.

The `HighsSession` keeps the solver's model so variants that change only bounds, costs or
right-hand sides are re-solved in place from the previous basis.
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import highspy
import numpy as np

from lngswap.errors import Problems
from lngswap.model.lp import StandardForm


class Status(StrEnum):
    """Typed solver outcome."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    INFEASIBLE_OR_UNBOUNDED = "infeasible_or_unbounded"
    TIME_LIMIT = "time_limit"
    ITERATION_LIMIT = "iteration_limit"
    OTHER = "other"


_MS = highspy.HighsModelStatus
#: Each HiGHS model status that says something we act on; every other member is OTHER.
STATUS_OF: dict = {
    _MS.kOptimal: Status.OPTIMAL,
    _MS.kInfeasible: Status.INFEASIBLE,
    _MS.kUnbounded: Status.UNBOUNDED,
    _MS.kUnboundedOrInfeasible: Status.INFEASIBLE_OR_UNBOUNDED,
    _MS.kTimeLimit: Status.TIME_LIMIT,
    _MS.kIterationLimit: Status.ITERATION_LIMIT,
}


def status_of(model_status) -> Status:
    """Typed status of a `highspy.HighsModelStatus` member (never parsed from its text)."""
    return STATUS_OF.get(model_status, Status.OTHER)


@dataclass
class Outcome:
    """What HiGHS returned: status, objective, primal and dual values, timings."""

    status: Status
    model_status: str
    objective: float
    x: np.ndarray
    row_dual: np.ndarray
    col_dual: np.ndarray
    highs_s: float
    handover_s: float
    iterations: int
    options: dict = field(default_factory=dict)
    run_wall_s: float = 0.0
    loadback_s: float = 0.0
    warm: bool = False              # started from a basis given to the session
    basis: tuple[np.ndarray, np.ndarray] | None = None  # (column, row) HiGHS basis status codes


def highs_options(solver) -> dict:
    """HiGHS option values from a case's `solver:` block."""
    opts = {
        "solver": solver.solver,
        "presolve": solver.presolve,
        "threads": int(solver.threads),
        "random_seed": int(solver.random_seed),
        "time_limit": float(solver.time_limit_s),
        "output_flag": False,
    }
    if solver.solver == "simplex":
        opts["simplex_strategy"] = int(solver.simplex_strategy)
    if solver.solver == "ipm":
        opts["run_crossover"] = "on"
    opts.update(_checked_extra(solver.extra))
    return opts


def _checked_extra(extra: dict) -> dict:
    """The case's other HiGHS options, each checked by HiGHS itself; a bare YAML `on`/`off`
    (read as true/false) becomes the string a HiGHS on/off option expects."""
    if not extra:
        return {}
    h = _quiet_highs()
    p = Problems()
    out = {}
    for k, val in extra.items():
        status, kind = h.getOptionType(k)
        if status != highspy.HighsStatus.kOk:
            p.add(f"case key 'solver.extra.{k}': HiGHS has no option '{k}'")
            continue
        if isinstance(val, bool) and kind == highspy.HighsOptionType.kString:
            val = "on" if val else "off"
        if h.setOptionValue(k, val) != highspy.HighsStatus.kOk:
            p.add(f"case key 'solver.extra.{k}': HiGHS does not accept {val!r} for this "
                  f"{kind.name.removeprefix('k').lower()} option")
            continue
        out[k] = val
    p.raise_if_any()
    return out


def _quiet_highs() -> highspy.Highs:
    """A Highs instance created without its banner on stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with Path(os.devnull).open("w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


# PDLP converges slowly to the accuracy a planner's figures need; it runs at most this long
# per solve (or the case's own time limit, if shorter) and simplex finishes from its point.
PDLP_TIME_CAP_S = 20.0
COLWISE = 1  # HiGHS MatrixFormat::kColwise
MINIMIZE = 1  # HiGHS ObjSense::kMinimize


def _f64(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=np.float64)


def _i32(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=np.int32)


class HighsSession:
    """One HiGHS instance holding one LP."""

    def __init__(self, form: StandardForm, options: dict):
        t0 = time.perf_counter()
        self.h = _quiet_highs()
        self.options = dict(options)
        for k, val in self.options.items():
            self.h.setOptionValue(k, val)
        m, n = form.shape
        a = form.a
        # arrays go straight into HiGHS's own copy: the index arrays are int32 already (scipy
        # uses int32 below 2**31 nonzeros), so no intermediate Python objects are made
        status = self.h.passModel(
            int(n), int(m), int(a.nnz), COLWISE, MINIMIZE, float(form.offset),
            _f64(form.cost), _f64(form.col_lo), _f64(form.col_hi), _f64(form.row_lo),
            _f64(form.row_hi), _i32(a.indptr), _i32(a.indices), _f64(a.data),
            np.zeros(n, dtype=np.int32))
        if status == highspy.HighsStatus.kError:
            raise ValueError(f"HiGHS rejected the model ({m} rows, {n} columns)")
        self.handover_s = time.perf_counter() - t0
        self.n, self.m = n, m
        self.warm = False

    def solve(self) -> Outcome:
        """Run HiGHS (from the current basis, if any) and read the solution back.

        `highs_s` is HiGHS's own run time (its clock); `run_wall_s` the wall time of the call
        and `loadback_s` the time to copy the solution into numpy arrays.
        """
        before = self.h.getRunTime()
        limit = float(self.options.get("time_limit", math.inf))
        pdlp = self.options.get("solver") == "pdlp"
        first = min(limit, PDLP_TIME_CAP_S) if pdlp else limit
        if math.isfinite(first):  # HiGHS's clock runs on over re-solves: per solve
            self.h.setOptionValue("time_limit", before + first)
        t0 = time.perf_counter()
        self.h.run()
        if pdlp:
            if math.isfinite(limit):
                self.h.setOptionValue("time_limit", before + limit)
            else:
                self.h.setOptionValue("time_limit", math.inf)
            self.options["pdlp_check"] = self._check_pdlp()
        t1 = time.perf_counter()
        highs_s = self.h.getRunTime() - before
        model_status = self.h.getModelStatus()
        status_name = self.h.modelStatusToString(model_status)
        status = status_of(model_status)
        info = self.h.getInfo()
        if status == Status.OPTIMAL:
            sol = self.h.getSolution()
            x = np.asarray(sol.col_value)
            row_dual = np.asarray(sol.row_dual)
            col_dual = np.asarray(sol.col_dual)
            obj = float(info.objective_function_value)
        else:
            x = row_dual = col_dual = np.zeros(0)
            obj = float("nan")
        t2 = time.perf_counter()
        warm, self.warm = self.warm, True  # a later solve of this session starts from this one
        return Outcome(status=status, model_status=status_name, objective=obj, x=x,
                       row_dual=row_dual, col_dual=col_dual, highs_s=highs_s,
                       handover_s=self.handover_s, iterations=int(info.simplex_iteration_count),
                       options=self.options, run_wall_s=t1 - t0, loadback_s=t2 - t1,
                       warm=warm)

    # -- bases ----------------------------------------------------------------------------
    def basis(self) -> tuple[np.ndarray, np.ndarray]:
        """The current basis as (column, row) arrays of HiGHS basis status codes (int8)."""
        b = self.h.getBasis()
        return (np.fromiter(map(int, b.col_status), dtype=np.int8, count=self.n),
                np.fromiter(map(int, b.row_status), dtype=np.int8, count=self.m))

    def set_basis(self, col: np.ndarray, row: np.ndarray) -> bool:
        """Start the next solve from this basis (status codes as from `basis`); False if HiGHS
        refuses it (the solve then starts cold)."""
        codes = [highspy.HighsBasisStatus(i) for i in range(5)]
        b = highspy.HighsBasis()
        b.col_status = [codes[i] for i in np.asarray(col, dtype=np.int64).tolist()]
        b.row_status = [codes[i] for i in np.asarray(row, dtype=np.int64).tolist()]
        ok = self.h.setBasis(b) == highspy.HighsStatus.kOk
        self.warm = self.warm or ok
        return ok

    def _check_pdlp(self) -> str:
        """PDLP's answer is a first-order approximation (its "optimal" may violate rows by
        1e-5, and it has reported feasible cases infeasible): polish it with dual simplex
        started from PDLP's point, a crossover to an exact vertex, or re-solve from scratch
        when PDLP gave no point. Returns what was done, for the manifest."""
        status = self.h.getModelStatus()
        sol = self.h.getSolution()
        stopped = (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit,
                   highspy.HighsModelStatus.kIterationLimit)
        had_point = status in stopped and sol.value_valid
        said = self.h.modelStatusToString(status)
        self.h.setOptionValue("solver", "simplex")
        try:
            if had_point:
                self.h.setSolution(sol)
            else:
                self.h.clearSolver()
            self.h.run()
        finally:
            self.h.setOptionValue("solver", "pdlp")
        after = self.h.modelStatusToString(self.h.getModelStatus())
        if had_point:
            return f"pdlp: {said}; polished by simplex from its point: {after}"
        return f"pdlp: {said} (no point to check); re-solved by simplex: {after}"

    # -- in-place changes for warm-started variants ---------------------------------------
    def set_col_bounds(self, cols: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        cols = np.asarray(cols, dtype=np.int32)
        self.h.changeColsBounds(len(cols), cols, np.asarray(lo, float), np.asarray(hi, float))

    def set_col_costs(self, cols: np.ndarray, cost: np.ndarray) -> None:
        cols = np.asarray(cols, dtype=np.int32)
        self.h.changeColsCost(len(cols), cols, np.asarray(cost, float))

    def set_row_bounds(self, rows: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=np.int32)
        self.h.changeRowsBounds(len(rows), rows, np.asarray(lo, float), np.asarray(hi, float))


def solve_form(form: StandardForm, options: dict) -> tuple[Outcome, HighsSession]:
    """Pass a standard-form LP to HiGHS and solve it once."""
    session = HighsSession(form, options)
    return session.solve(), session
