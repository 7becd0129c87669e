"""`foresight: rolling`: plan step by step without knowing how uncertain events end.

Before the first event is known (its `announced` day, else its start) every scenario follows
the plan without events, as under `foresight: surprise`. From then on the year is planned in
steps of `rolling.step_days`: the decisions of a step are taken at its start over the
scenarios still possible, and the scenarios learnt to be impossible drop out (the rest are
re-weighted by their conditional probabilities). Re-solving at every step changes nothing
until something is learnt, so the whole policy is one multistage stochastic LP over the
scenario tree (`stochastic.py`): a step's decisions are tied across the scenarios that are
still indistinguishable at its start, later ones follow what is learnt. Its solution read per
scenario is the policy as it unfolds in that scenario: one result per realised scenario,
each compared with the perfect-foresight plan of the same scenario (the value of
information).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from lngswap.areas.swaps import swap_accounts
from lngswap.errors import InputError
from lngswap.inputs.case import Case
from lngswap.inputs.dataset import Dataset
from lngswap.inputs.scenarios import Scenario, realise, scenario_set
from lngswap.results.extract import Results
from lngswap.solve.diagnose import explain_failure
from lngswap.solve.highs_backend import HighsSession, Status, highs_options
from lngswap.studies.foresight import fix_before
from lngswap.studies.pipeline import Built, build, extract
from lngswap.studies.stochastic import Member, decision_days, member_outcome, stack
from lngswap.studies.study import Study
from lngswap.tables.parties import core_accounts, row_prices
from lngswap.units import USD_PER_MUSD


@dataclass
class RollingRun:
    """The results of a rolling run: per realised scenario, the scenario table and figures."""

    case: Case
    scenarios: list[Scenario]
    results: dict[str, Results]
    table: pd.DataFrame                 # scenarios.csv
    summary: dict
    perfect_objective_usd: dict[str, float] = field(default_factory=dict)


def known_day(case: Case, cal) -> int:
    """First day the planner knows of any event (its announced day, else its start)."""
    return min(cal.day(e.announced or e.start) for e in case.events)


def _party_cost(md, lp, price: np.ndarray) -> tuple[list[str], sp.csr_matrix]:
    """Each party's total cost as a row over the LP's columns (USD millions), resales
    priced at `price` (the plan without events' rest-of-world values), swap fees and open
    balances included."""
    acc = core_accounts(md, lp.vars, price)
    s = md.extras.get("swaps")
    if s is not None:
        swap_accounts(md, s, acc, s.agreements)
    parties = acc.parties
    n, _ = lp.assign_offsets()
    r, c, v = [], [], []
    for block, rows, cols, coefs in acc.total_terms(parties):
        r.append(rows)
        c.append(cols + lp.vars[block].offset)
        v.append(coefs)
    mat = sp.csr_matrix((np.concatenate(v), (np.concatenate(r), np.concatenate(c))),
                        shape=(len(parties), n))
    return parties, mat


def _members(case: Case, ds: Dataset, study: Study, scen: list[Scenario]
             ) -> tuple[list[Member], list[Built], list[Built], int]:
    """Build every scenario's model, fix what precedes the first news at the plan without
    events; returns the members, their models, the same models unfixed, and that day."""
    members, builts, perfect = [], [], []
    t0 = None
    plan = None
    for sc in scen:
        cs = realise(case, sc)
        b = build(cs, ds, study.swap_inputs(cs))
        perfect.append(Built(b.md, b.lp, b.form, dict(b.timings)))
        if t0 is None:
            t0 = max(0, known_day(cs, b.md.cal))
            plan = study.solve(cs.model_copy(update={"events": []}), "plan without events")
        price = row_prices(plan.built.md, plan.built.lp, plan.out)
        if t0 > 0:
            fix_before(b, plan.built, plan.out, t0)
        b.form = b.lp.matrices()
        parties, pc = _party_cost(b.md, b.lp, price)
        members.append(Member(sc.label, sc.probability, b.md, b.lp, b.form,
                              decision_days(b.md, b.lp), pc, parties))
        builts.append(b)
    ids = [m.md.cargo["cargo_id"].to_numpy() for m in members]
    if any(len(i) != len(ids[0]) or (i != ids[0]).any() for i in ids):
        raise InputError(f"case {case.name}: its scenarios yield different cargo lists; "
                         "uncertain ends must not change the supply schedule")
    return members, builts, perfect, int(t0 or 0)


def run_rolling(case: Case, ds: Dataset, study: Study | None = None,
                perfect: bool = True) -> RollingRun:
    """Solve a case under rolling foresight; `perfect` also solves each scenario with
    perfect foresight for the value of information."""
    if not case.events:
        raise InputError(f"case {case.name}: foresight: rolling needs at least one event")
    study = study or Study(ds)
    t_start = time.perf_counter()
    scen = scenario_set(case)
    members, builts, pf_builts, t0 = _members(case, ds, study, scen)
    horizon = members[0].md.cal.n
    ends = [tuple(members[0].md.cal.day(e) for _, e in sc.ends) for sc in scen]
    st = stack(members, ends, t0, case.rolling.step_days, horizon, case.risk)
    options = highs_options(case.solver)
    t1 = time.perf_counter()
    session = HighsSession(st.form, options)
    out = session.solve()
    if out.status != Status.OPTIMAL:
        explain_failure(builts[0], out, session)
    t2 = time.perf_counter()
    results = {}
    for i, (m, b) in enumerate(zip(members, builts, strict=True)):
        oi = member_outcome(out, st, i, m)
        res = extract(b, oi)
        res.summary["probability"] = m.probability
        res.summary["scenario"] = m.label
        res.summary["foresight"] = {"mode": "rolling", "known_from_day": t0,
                                    "step_days": case.rolling.step_days}
        res.tables["parties"] = _accounts_table(m, oi.x)
        results[m.label] = res
    pf = {}
    if perfect:
        for m, b in zip(members, pf_builts, strict=True):
            o = HighsSession(b.form, options).solve()
            if o.status != Status.OPTIMAL:
                explain_failure(b, o, None)
            pf[m.label] = float(o.objective) * USD_PER_MUSD
    t3 = time.perf_counter()
    table = scenario_table(members, results)
    summary = rolling_summary(case, members, results, table, pf, out, st)
    summary["timings_s"] = {"build": round(t1 - t_start, 3), "stochastic_solve":
                            round(t2 - t1, 3), "extract_and_perfect_foresight": round(t3 - t2, 3),
                            "total": round(time.perf_counter() - t_start, 3)}
    return RollingRun(case, scen, results, table, summary, pf)


def _accounts_table(m: Member, x: np.ndarray) -> pd.DataFrame:
    cost = m.party_cost @ x * USD_PER_MUSD
    return pd.DataFrame({"party": m.parties, "total_cost_usd": np.round(cost, 2)})


def scenario_table(members: list[Member], results: dict[str, Results]) -> pd.DataFrame:
    """scenarios.csv: realised scenario x party."""
    rows = []
    for m in members:
        res = results[m.label]
        acc = res.tables["parties"].set_index("party")["total_cost_usd"]
        mk = res.markets.merge(m.md.demand.markets[["market", "party"]], on="market")
        lend = res.tables.get("swaps")
        for p in m.parties:
            g = mk[mk["party"] == p]
            low = g.loc[g["days_of_cover"].idxmin()] if len(g) else None
            lent = repaid = 0.0
            if lend is not None and len(lend) and "lent_mmbtu" in lend:
                lent = float(lend.loc[lend["lender"] == p, "lent_mmbtu"].sum())
                repaid = float(lend.loc[lend["borrower"] == p, "repaid_mmbtu"].sum())
            rows.append({
                "scenario": m.label, "party": p, "probability": round(m.probability, 12),
                "total_cost_usd": float(acc.get(p, 0.0)),
                "unserved_mmbtu": round(float(g["unserved_mmbtu"].sum()), 3),
                "lowest_days_of_cover": round(float(low["days_of_cover"]), 4)
                if low is not None else None,
                "lowest_cover_date": str(low["date"]) if low is not None else "",
                "swap_lent_mmbtu": round(lent, 3), "swap_repaid_mmbtu": round(repaid, 3)})
    return pd.DataFrame(rows)


def cvar(values: np.ndarray, probs: np.ndarray, alpha: float) -> float:
    """Conditional value at risk: mean of the worst (1 - alpha) probability mass."""
    order = np.argsort(-values)
    v, p = values[order], probs[order]
    tail = 1.0 - alpha
    if tail <= 0:
        return float(v[0])
    take = np.minimum(p, np.maximum(tail - np.concatenate([[0.0], np.cumsum(p)[:-1]]), 0))
    return float(np.dot(take, v) / tail)


def rolling_summary(case: Case, members, results, table: pd.DataFrame, pf: dict, out, st
                    ) -> dict:
    """Expected, worst and CVaR cost per party, expected objective, value of information."""
    alpha = case.risk.cvar_alpha if case.risk else 0.9
    by = {}
    for p, g in table.groupby("party"):
        v, pr = g["total_cost_usd"].to_numpy(), g["probability"].to_numpy()
        by[str(p)] = {"expected_cost_usd": round(float(np.dot(v, pr)), 2),
                      "worst_cost_usd": round(float(v.max()), 2),
                      "worst_scenario": str(g["scenario"].iloc[int(np.argmax(v))]),
                      "cvar_cost_usd": round(cvar(v, pr, alpha), 2),
                      "expected_unserved_mmbtu": round(float(np.dot(g["unserved_mmbtu"], pr)),
                                                       1)}
    objs = {m.label: results[m.label].summary["objective_usd"] for m in members}
    probs = {m.label: m.probability for m in members}
    e_obj = sum(probs[k] * objs[k] for k in objs)
    voi = {}
    if pf:
        e_pf = sum(probs[k] * pf[k] for k in pf)
        voi = {"expected_usd": round(e_obj - e_pf, 2),
               "per_scenario_usd": {k: round(objs[k] - pf[k], 2) for k in objs},
               "perfect_foresight_expected_objective_usd": round(e_pf, 2),
               "perfect_foresight_objective_usd": {k: round(v, 2) for k, v in pf.items()}}
    return {
        "case": case.name, "foresight": "rolling", "status": out.status.value,
        "rolling": case.rolling.model_dump(), "risk": case.risk.model_dump()
        if case.risk else None,
        "scenarios": [{"scenario": m.label, "probability": m.probability,
                       "objective_usd": objs[m.label]} for m in members],
        "expected_objective_usd": round(e_obj, 2),
        "stochastic_objective_usd": round(float(out.objective) * USD_PER_MUSD, 2),
        "cvar_alpha": alpha,
        "parties": by,
        "expected_cost_usd": {p: v["expected_cost_usd"] for p, v in by.items()},
        "worst_cost_usd": {p: v["worst_cost_usd"] for p, v in by.items()},
        "cvar_cost_usd": {p: v["cvar_cost_usd"] for p, v in by.items()},
        "value_of_information": voi,
        "non_anticipativity": {"tied_columns": st.ties, "fixed_at_zero": st.zeroed},
        "size": {"variables": int(st.form.shape[1]), "constraints": int(st.form.shape[0])},
        "highs": {"model_status": out.model_status, "iterations": out.iterations},
    }
