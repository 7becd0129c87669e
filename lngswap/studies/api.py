"""The Python API: load a case, build, solve, extract, in three separable steps.

    >>> case = lngswap.load_case("models/hormuz-2026.yaml")
    >>> res = lngswap.solve(case)
    >>> res.markets.groupby("market").unserved_mmbtu.sum()
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lngswap.areas.extensions import apply_extensions, extract_extensions, swap_partners
from lngswap.inputs.case import Case
from lngswap.inputs.dataset import Dataset, load_dataset
from lngswap.model.commitments import commitments_summary, freeze_commitments
from lngswap.model.formulation import build_lp
from lngswap.model.lp import LinearProgram, StandardForm
from lngswap.results.extract import (
    Results,
    cost_breakdown,
    inventory_table,
    markets_table,
    schedule_table,
    storage_targets,
)
from lngswap.results.horizon import within_horizon
from lngswap.results.summary import summarise
from lngswap.solve.diagnose import explain_failure
from lngswap.solve.highs_backend import HighsSession, Outcome, Status, highs_options
from lngswap.studies.foresight import first_event_day, fix_before
from lngswap.tables.indices import ModelData, build_model_data


@dataclass
class Built:
    """A built model: index tables, the LP in blocks and its standard form."""

    md: ModelData
    lp: LinearProgram
    form: StandardForm
    timings: dict


def build(case: Case, ds: Dataset | None = None) -> Built:
    """Load data (if not given), build index tables and the LP."""
    t0 = time.perf_counter()
    ds = ds or load_dataset(case.dataset)
    t1 = time.perf_counter()
    md = build_model_data(case, ds, swap_partners(case))
    apply_extensions(md, ds)
    t2 = time.perf_counter()
    lp = build_lp(md)
    form = lp.matrices()
    t3 = time.perf_counter()
    md.extras["dataset_hashes"] = ds.hashes
    md.extras["dataset_folder"] = str(ds.folder)
    return Built(md, lp, form, phase_timings(md, t0, t1, t2, t3))


def phase_timings(md: ModelData, t0: float, t1: float, t2: float, t3: float) -> dict:
    """Seconds of data load (t0-t1), index building (t1-t2) and LP build (t2-t3); the
    isolated reference a swaps case solves while its LP is built is reported on its own."""
    swaps = md.extras.get("swaps")
    ref = float(swaps.timings.get("reference", 0.0)) if swaps is not None else 0.0
    t = {"load": t1 - t0, "index": t2 - t1, "build": t3 - t2 - ref}
    if ref:
        t["isolated_reference"] = ref
    return t


def solve_built(b: Built) -> tuple[Outcome, HighsSession]:
    """Hand the LP to HiGHS and solve; raise SolveError in domain words if not optimal."""
    if b.md.case.solver.backend == "pyomo":
        from lngswap.model.pyomo_model import solve_with_pyomo

        out = solve_with_pyomo(b.lp, b.form, b.md.case.solver)
        session = None
    else:
        session = HighsSession(b.form, highs_options(b.md.case.solver))
        out = session.solve()
    if out.status != Status.OPTIMAL:
        explain_failure(b, out, session)
    return out, session


def extract(b: Built, out: Outcome) -> Results:
    """Turn the solution into labelled tables and a summary."""
    t0 = time.perf_counter()
    md, lp = b.md, b.lp
    x = out.x[lp.column("ship")]
    sch = schedule_table(md, x)
    inv = inventory_table(md, lp, out)
    mkt = markets_table(md, lp, out, inv)
    sch, inv, mkt = within_horizon(md, sch, inv, mkt)
    res = Results(schedule=sch, inventory=inv, markets=mkt, summary={})
    res.summary = summarise(b, out, res, cost_breakdown(md, lp, out), storage_targets(md, lp, out))
    extract_extensions(b, out, res)
    res.summary["timings_s"]["extract"] = round(time.perf_counter() - t0, 4)
    return res


def solve(case: Case, ds: Dataset | None = None) -> Results:
    """Build, solve and extract a case in one call (twice under `foresight: surprise`)."""
    t0 = time.perf_counter()
    ds = ds or load_dataset(case.dataset)
    b = build(case, ds)
    plan_s = 0.0
    t_start = first_event_day(case, b.md.cal)
    fixed: dict = {}
    frozen: dict | None = None
    if case.foresight == "surprise" and t_start is not None and t_start > 0:
        plan = build(case.model_copy(update={"events": []}), ds)
        plan_out, _ = solve_built(plan)
        fixed = fix_before(b, plan, plan_out, t_start)
        frozen = freeze_commitments(b, plan, plan_out, t_start)
        b.form = b.lp.matrices()
        plan_s = plan_out.handover_s + plan_out.highs_s + sum(plan.timings.values())
    out, _ = solve_built(b)
    res = extract(b, out)
    if plan_s:
        _plan_values_before(res, plan, plan_out, t_start)
    t = res.summary["timings_s"]
    t.update({k: round(v, 4) for k, v in b.timings.items()})
    t["handover"] = round(out.handover_s, 4)
    t["highs"] = round(out.highs_s, 4)
    t["loadback"] = round(out.loadback_s, 4)
    t["solve"] = round(out.handover_s + max(out.run_wall_s, out.highs_s) + out.loadback_s, 4)
    if plan_s:
        t["plan_without_events"] = round(plan_s, 4)
    t["total"] = round(time.perf_counter() - t0, 4)
    res.summary["foresight"] = {"mode": case.foresight, "fixed_before_day": t_start if fixed
                                else None, "fixed_variables": fixed}
    known = str(b.md.cal.date_of([t_start])[0]) if frozen is not None else None
    res.summary["commitments"] = commitments_summary(case, frozen, known)
    return res


def _plan_values_before(res: Results, plan: Built, plan_out: Outcome, t0: int) -> None:
    """Before the disruption the market priced LNG as in the plan: take its marginal values
    there (the surprise run has those days fixed, so its own duals say nothing)."""
    inv = inventory_table(plan.md, plan.lp, plan_out)
    before = markets_table(plan.md, plan.lp, plan_out, inv)
    cut = str(plan.md.cal.date_of(np.array([t0]))[0])
    mv = before.set_index(["market", "date"])["marginal_value_usd_per_mmbtu"]
    mk = res.markets
    early = (mk["date"] < cut).to_numpy()
    keys = pd.MultiIndex.from_frame(mk.loc[early, ["market", "date"]])
    mk.loc[early, "marginal_value_usd_per_mmbtu"] = mv.reindex(keys).to_numpy()
    means = mk.groupby("market")["marginal_value_usd_per_mmbtu"].mean().round(3)
    res.summary["mean_marginal_value_usd_per_mmbtu"] = {k: float(v) for k, v in means.items()}


def objective_usd(out: Outcome) -> float:
    return float(np.round(out.objective * 1e6, 2))
