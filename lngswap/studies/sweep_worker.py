"""What a sweep worker does with one scenario: solve it and reduce it to a small record.

A worker process keeps, per anchor (a scenario's case without its events), the anchor's
built model, its solution and its HiGHS model with the optimal basis. Under `foresight:
surprise` the anchor is exactly the plan without events that `lngswap run` solves first, so
it is solved once per worker instead of once per scenario. Each scenario is then re-solved
inside the anchor's HiGHS model from its basis where its LP is a restriction of the anchor's
(see `sweep_warm`), and built into a model of its own otherwise (the structure changed).

`study_solve` is the one function that calls into the study layer.
"""

from __future__ import annotations

import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lngswap.errors import LngswapError
from lngswap.inputs.case import Case
from lngswap.inputs.dataset import Dataset
from lngswap.results.extract import Results
from lngswap.solve.highs_backend import HighsSession, Outcome, Status
from lngswap.studies.sweep_warm import basis_copy, embed, solve_embedded

#: Anchors a worker keeps (each holds a built model and a HiGHS model; scenarios reach a
#: worker grouped by anchor, so one is enough and keeps memory to one model per worker).
KEEP_ANCHORS = 1


@dataclass
class Task:
    """One scenario as sent to a worker."""

    scenario: str
    key: str
    anchor: str
    case: Case


@dataclass
class Anchor:
    """A kept model: the case without events, solved, with its HiGHS model and basis."""

    built: object
    outcome: Outcome
    session: HighsSession | None
    basis: object


_ANCHORS: OrderedDict[str, Anchor] = OrderedDict()


def study_solve(case: Case, ds: Dataset, anchor_key: str) -> tuple[Results, dict]:
    """Solve a case as `lngswap.studies.api.solve` does, reusing the worker's anchor.

    Returns the results and what was reused: `anchor_built` (this call built and solved the
    anchor), `warm` (re-solved in the anchor's model from its basis), seconds by phase.
    """
    from lngswap.model.commitments import commitments_summary
    from lngswap.studies import api
    from lngswap.studies.foresight import first_event_day
    from lngswap.studies.study import hold_to_plan, plan_values_before

    t0 = time.perf_counter()
    info = {"anchor_built": False, "warm": False}
    anchor = _ANCHORS.get(anchor_key)
    if anchor is None:
        plan = api.build(case.model_copy(update={"events": []}), ds)
        plan_out, session = api.solve_built(plan)
        basis = basis_copy(session) if session is not None else None
        anchor = Anchor(plan, plan_out, session, basis)
        _ANCHORS[anchor_key] = anchor
        while len(_ANCHORS) > KEEP_ANCHORS:
            _ANCHORS.popitem(last=False)
        info["anchor_built"] = True
    _ANCHORS.move_to_end(anchor_key)
    t1 = time.perf_counter()
    b = api.build(case, ds)
    t_start = first_event_day(case, b.md.cal)
    surprise = case.foresight == "surprise" and t_start is not None and t_start > 0
    fixed, frozen = (hold_to_plan(b, anchor.built, anchor.outcome, t_start) if surprise
                     else ({}, None))
    t2 = time.perf_counter()
    out = None
    if anchor.session is not None and anchor.basis is not None:
        emb = embed(anchor.built.lp, anchor.built.form, b.lp, b.form)
        if emb is not None:
            out = solve_embedded(anchor.session, anchor.basis, emb, b.form)
            info["warm"] = out.status == Status.OPTIMAL
    if out is None or out.status != Status.OPTIMAL:
        out, _ = api.solve_built(b)
    t3 = time.perf_counter()
    res = api.extract(b, out)
    if surprise:
        plan_values_before(res, anchor.built, anchor.outcome, t_start)
    res.summary["foresight"] = {"mode": case.foresight,
                                "fixed_before_day": t_start if fixed else None,
                                "fixed_variables": fixed}
    known = str(b.md.cal.date_of([t_start])[0]) if frozen is not None else None
    res.summary["commitments"] = commitments_summary(case, frozen, known)
    info.update(anchor_s=t1 - t0, build_s=t2 - t1, solve_s=t3 - t2,
                extract_s=time.perf_counter() - t3, highs_s=out.highs_s,
                iterations=out.iterations)
    return res, info


def run_task(task: Task, ds: Dataset) -> dict:
    """Solve one scenario; a failure is returned as a record with its message, never raised,
    so the sweep goes on."""
    t0 = time.perf_counter()
    try:
        res, info = study_solve(task.case, ds, task.anchor)
        rec = scenario_record(res, ds)
        rec["status"], rec["error"] = "ok", ""
    except LngswapError as e:
        rec, info = {"status": "failed", "error": str(e)}, {}
    except Exception as e:  # noqa: BLE001 - recorded with its traceback, the sweep goes on
        tb = traceback.format_exception_only(type(e), e)[-1].strip()
        rec, info = {"status": "failed", "error": f"{tb} (unexpected; please report)"}, {}
    rec.update(scenario=task.scenario, key=task.key,
               seconds=round(time.perf_counter() - t0, 4),
               reuse={k: (round(v, 4) if isinstance(v, float) else v) for k, v in info.items()})
    return rec


def _party_of(ds: Dataset) -> dict[str, str]:
    m = ds.tables["markets"]
    return dict(zip(m["market"].astype(str), m["party"].astype(str), strict=True))


def scenario_record(res: Results, ds: Dataset) -> dict:
    """Per-party figures for the table and market x day arrays for the cube."""
    s = res.summary
    party = _party_of(ds)
    costs = s.get("parties", {}).get("total_cost_usd", {})
    parties = sorted(set(costs) | set(party.values()))
    unserved = {p: 0.0 for p in parties}
    cover: dict[str, float] = {}
    for mk, v in s["unserved_mmbtu"].items():
        unserved[party.get(mk, mk)] = unserved.get(party.get(mk, mk), 0.0) + float(v)
    for mk, v in s["lowest_days_of_cover"].items():
        p = party.get(mk, mk)
        cover[p] = min(cover.get(p, np.inf), float(v))
    ledger = (s.get("swaps") or {}).get("ledger") or []
    figures = {"objective_usd": float(s["objective_usd"])}
    for p in parties:
        figures[f"cost_{p}_usd"] = float(costs.get(p, 0.0))
        figures[f"unserved_{p}_mmbtu"] = round(unserved.get(p, 0.0), 3)
        if p in cover:
            figures[f"lowest_days_of_cover_{p}"] = cover[p]
    figures["swap_lent_mmbtu"] = float(sum(r["lent_mmbtu"] for r in ledger))
    figures["swap_cargoes_lent"] = float(sum(r["cargoes_lent"] for r in ledger))
    figures["swap_fees_usd"] = float(sum(r["fees_usd"] for r in ledger))
    mk = res.markets
    cube = {}
    for name, col in (("unserved_mmbtu", "unserved_mmbtu"),
                      ("marginal_value_usd_per_mmbtu", "marginal_value_usd_per_mmbtu"),
                      ("stock_mmbtu", "lng_stock_mmbtu")):
        wide = mk.pivot(index="market", columns="date", values=col).sort_index()
        cube[name] = _floats(wide)
    cube["markets"] = [str(x) for x in wide.index]
    cube["dates"] = [str(x) for x in wide.columns]
    return {"figures": figures, "cube": cube}


def _floats(df: pd.DataFrame) -> list[list[float | None]]:
    a = df.to_numpy(dtype=float)
    return [[None if np.isnan(v) else float(v) for v in row] for row in a]
