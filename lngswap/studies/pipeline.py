"""One model through the pipeline: build, hand to the solver once, extract.

These are the single-solve steps the study layer (`study.py`) composes. On their own they do
not plan without events (`foresight: surprise`), do not solve the isolated reference a swaps
case is judged by (pass it as `swap_inputs`), and do not warm-start: a case with events
solved this way sees its disruption coming from day one. `lngswap.solve()` is the one path
that does all of that.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from lngswap.areas.extensions import SwapInputs, apply_extensions, extract_extensions
from lngswap.areas.extensions import swap_partners as _partners
from lngswap.inputs.case import Case
from lngswap.inputs.conditions import in_force
from lngswap.inputs.dataset import Dataset, load_dataset
from lngswap.model.formulation import build_lp
from lngswap.model.lp import LinearProgram, StandardForm
from lngswap.results.extract import (
    Results,
    cost_breakdown,
    cut_off_table,
    inventory_table,
    markets_table,
    schedule_table,
    storage_targets,
)
from lngswap.results.horizon import within_horizon
from lngswap.results.summary import summarise
from lngswap.solve.diagnose import explain_failure
from lngswap.solve.highs_backend import HighsSession, Outcome, Status, highs_options
from lngswap.tables.indices import ModelData, build_model_data
from lngswap.tables.parties import release_cooperative_only


@dataclass
class Built:
    """A built model: index tables, the LP in blocks and its standard form."""

    md: ModelData
    lp: LinearProgram
    form: StandardForm | None
    timings: dict


def build(case: Case, ds: Dataset | None = None, swap_inputs: SwapInputs | None = None,
          hooks: list | None = None) -> Built:
    """Load data (if not given), build index tables and the LP; solves nothing. `hooks` are
    extra LP hooks run after the areas' own (e.g. the swap-terms split rows)."""
    t0 = time.perf_counter()
    ds = ds or load_dataset(case.dataset)
    t1 = time.perf_counter()
    case = in_force(case, ds)  # a conditional agreement whose party does not adhere is void
    md = build_model_data(case, ds, _partners(case))
    if case.cooperation != "isolated":  # pooled and swaps alike (see parties.py)
        md.counts["cargoes_only_cooperation_delivers"] = release_cooperative_only(md)
    apply_extensions(md, ds, swap_inputs)
    for hook in hooks or []:
        md.extras.setdefault("lp_hooks", []).append(hook)
    t2 = time.perf_counter()
    lp = build_lp(md)
    form = lp.matrices()
    t3 = time.perf_counter()
    md.extras["dataset_hashes"] = ds.hashes
    md.extras["dataset_folder"] = str(ds.folder)
    return Built(md, lp, form, phase_timings(md, t0, t1, t2, t3, swap_inputs))


def phase_timings(md: ModelData, t0: float, t1: float, t2: float, t3: float,
                  swap_inputs: SwapInputs | None = None) -> dict:
    """Seconds of data load (t0-t1), index building (t1-t2) and LP build (t2-t3); the
    isolated reference a swaps case was given is reported on its own."""
    t = {"load": t1 - t0, "index": t2 - t1, "build": t3 - t2}
    ref = swap_inputs.reference if swap_inputs is not None else None
    if ref is not None and ref.seconds:
        t["isolated_reference"] = ref.seconds
    return t


def solve_built(b: Built) -> tuple[Outcome, HighsSession | None]:
    """Hand the LP to the solver and solve it once, cold; raise SolveError in domain words if
    not optimal. No plan without events, no warm start: see the module docstring."""
    if b.md.case.solver.backend == "pyomo":
        from lngswap.model.pyomo_model import solve_with_pyomo

        out = solve_with_pyomo(b.lp, b.form, b.md.case.solver)
        session = None
    else:
        session = HighsSession(b.form, highs_options(b.md.case.solver))
        b.lp.release_terms()  # HiGHS holds the matrix now: free the terms before it peaks
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
    cut = cut_off_table(md)
    if len(cut):  # written where a closure cut cargoes off
        res.tables["cut_off"] = cut
    res.summary["timings_s"]["extract"] = round(time.perf_counter() - t0, 4)
    return res
