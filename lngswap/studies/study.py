"""The study layer: every flow that takes more than one solve, in one place.

A `Study` owns the solves of one dataset: the plan without events of a `foresight: surprise`
case (its decisions before the first event are then fixed, and the case is re-solved from
the plan's basis), the isolated reference a swaps case is judged by (handed to the swaps
area as an input), the pooled bound and the swap-term variants built on them. Each model is
solved once per study (a bounded memo owned by the study, not by a module) and, when it has
no events, once per machine: cold solves are kept in a `PlanStore` keyed by the exact LP, so
the plan of a disruption case is the base run solved before it. Every solve is logged in
`Study.solves` (purpose, seconds, iterations, warm or cold), which a run's summary lists.

    study = Study(load_dataset(case.dataset))
    res = study.run(case)          # Results, with res.summary["solves"]
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from lngswap.areas.extensions import references as area_references
from lngswap.areas.swaps import Reference, SwapInputs, reference_from, surprise_day
from lngswap.inputs.case import Case
from lngswap.inputs.dataset import Dataset
from lngswap.model.commitments import commitments_summary, freeze_commitments
from lngswap.results.extract import Results, inventory_table, markets_table
from lngswap.results.summary import RunSummary
from lngswap.solve.diagnose import explain_failure
from lngswap.solve.highs_backend import HighsSession, Outcome, Status, highs_options
from lngswap.studies.foresight import fix_before
from lngswap.studies.pipeline import Built, build, extract
from lngswap.studies.plan_store import PlanStore, form_key
from lngswap.studies.warm_start import carry_basis

#: Solves whose solution no other model reads, so they may start from their plan's basis
#: (a run's; the pooled bound and references solve cold, as their figures are compared).
WARM_PURPOSES = ("run",)
#: A warm start may take this share of the iterations its plan took (at least the minimum)
#: before the solve starts again cold, with presolve.
WARM_BUDGET = 0.5
WARM_MIN_ITERATIONS = 2000
#: Solved models a study keeps in memory (each holds its index tables and solution).
MAX_MODELS = 6


@dataclass
class SolveRecord:
    """One LP solve of a study, as listed in a run's `summary.json` (`solves`)."""

    purpose: str        # run, plan without events, isolated reference, ...
    model: str          # the case and mode solved
    start: str          # "warm" (from another solve's basis) or "cold"
    seconds: float      # wall time of hand-over, HiGHS and load-back (or reading the store)
    iterations: int     # simplex iterations of this solve (0 when read from the store)
    status: str
    source: str         # "solved" or "plan store" (an identical LP solved by an earlier run)
    variables: int
    constraints: int

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Solved:
    """A built model and its optimal outcome."""

    built: Built
    out: Outcome
    purpose: str
    plan: Solved | None = None      # its plan without events, under `foresight: surprise`
    fixed: dict | None = None       # variables fixed at the plan, per family
    fixed_before_day: int = 0
    frozen: dict | None = None      # cargoes each commitment rule froze at the plan


def case_key(case: Case, ds: Dataset) -> str:
    """What identifies a model within a study: the resolved case and the dataset."""
    hashes = (f"{k}:{v}" for k, v in sorted(ds.hashes.items()))
    return "|".join([case.model_dump_json(), str(ds.folder), *hashes])


def _mode(case: Case) -> str:
    ev = "no events" if not case.events else f"{len(case.events)} events"
    return f"{case.name}: {case.cooperation}, {ev}"


class Study:
    """The solves of one dataset, each model solved once, references handed to the areas."""

    def __init__(self, ds: Dataset, store: PlanStore | None = None,
                 max_models: int = MAX_MODELS):
        self.ds = ds
        self.store = store if store is not None else PlanStore.default()
        self.max_models = max_models
        self.solves: list[SolveRecord] = []
        self._memo: OrderedDict[str, Solved] = OrderedDict()
        self._refs: dict[str, Reference] = {}

    # -- references -----------------------------------------------------------------------
    def isolated_reference(self, case: Case) -> Reference:
        """The case solved under `cooperation: isolated` as `lngswap run` would (plan without
        events, then the case): what each party achieves without an agreement."""
        iso = case.model_copy(update={"cooperation": "isolated"})
        key = case_key(iso, self.ds)
        if key not in self._refs:
            t0 = time.perf_counter()
            sv = self.solve(iso, "isolated reference")
            ref = reference_from(sv.built.md, sv.built.lp, sv.out)
            ref.seconds = time.perf_counter() - t0
            self._refs[key] = ref
        return self._refs[key]

    def swap_inputs(self, case: Case, windows: dict[str, list[int]] | None = None,
                    mutual_rows: bool = False) -> SwapInputs | None:
        """What the swaps area needs for this case: the isolated reference if it is judged
        by one, extra repayment windows, mutual-benefit rows."""
        if case.cooperation != "swaps" or not case.swaps:
            return None
        wanted = {r for refs in area_references(case).values() for r in refs}
        ref = self.isolated_reference(case) if ("isolated" in wanted or mutual_rows) else None
        return SwapInputs(reference=ref, windows=dict(windows or {}), mutual_rows=mutual_rows)

    # -- solving ----------------------------------------------------------------------------
    def solve(self, case: Case, purpose: str = "run") -> Solved:
        """Build and solve a case as `lngswap run` does: under `foresight: surprise` the plan
        without events first, its decisions before the first event fixed, the case then
        re-solved from the plan's basis. Each model is solved once per study."""
        key = case_key(case, self.ds)
        if key in self._memo:
            self._memo.move_to_end(key)
            return self._memo[key]
        b = build(case, self.ds, self.swap_inputs(case))
        sv = self.solve_built(b, purpose)
        self._keep(key, sv)
        return sv

    def solve_built(self, b: Built, purpose: str = "run") -> Solved:
        """Solve a built model, with its plan without events first under surprise."""
        case = b.md.case
        t0 = surprise_day(case, b.md.cal)
        if not t0:
            return Solved(b, self._solve(b, purpose), purpose)
        what = "plan without events" + ("" if purpose == "run" else f" ({purpose})")
        plan = self.solve(case.model_copy(update={"events": []}), what)
        fixed, frozen = hold_to_plan(b, plan.built, plan.out, t0)
        # a reference is data for other models, and a warm start may end on another of the
        # LP's optimal vertices than the cold solve: only end results start warm
        out = self._solve(b, purpose, warm_from=plan if purpose in WARM_PURPOSES else None)
        return Solved(b, out, purpose, plan=plan, fixed=fixed, fixed_before_day=t0,
                      frozen=frozen)

    def _keep(self, key: str, sv: Solved) -> None:
        self._memo[key] = sv
        while len(self._memo) > self.max_models:
            self._memo.popitem(last=False)

    def _solve(self, b: Built, purpose: str, warm_from: Solved | None = None) -> Outcome:
        """One LP solve: from the store if this exact LP was solved cold before, else HiGHS,
        warm from `warm_from`'s basis when given. A warm start skips HiGHS's presolve, so it
        gets at most `WARM_BUDGET` of the iterations its plan took; past that the solve
        starts again cold (deterministic: the same case always takes the same path). Every
        attempt is logged in `solves`."""
        case = b.md.case
        t0 = time.perf_counter()
        source, session = "solved", None
        if case.solver.backend == "pyomo":
            from lngswap.model.pyomo_model import solve_with_pyomo

            out = solve_with_pyomo(b.lp, b.form, case.solver)
        else:
            options = highs_options(case.solver)
            key = form_key(b.form, options) if warm_from is None and not case.events else None
            out = self.store.get(key) if key else None
            if out is not None:
                source = "plan store"
            else:
                start = warm_from.out.basis if warm_from is not None else None
                if start is not None:
                    out, session = self._warm(b, purpose, options, warm_from, t0)
                    if out is None:  # given up: the cold solve is timed on its own
                        t0 = time.perf_counter()
                if out is None:
                    session = HighsSession(b.form, options)
                    out = session.solve()
                if out.status == Status.OPTIMAL and (purpose != "run" or not case.events):
                    out.basis = session.basis()  # a later warm start may begin here
                    if key:
                        self.store.put(key, out)
        self._log(b, purpose, out, time.perf_counter() - t0, source)
        if out.status != Status.OPTIMAL:
            explain_failure(b, out, session)
        return out

    def _warm(self, b: Built, purpose: str, options: dict, plan: Solved, t0: float
              ) -> tuple[Outcome | None, HighsSession]:
        """Solve from the plan's basis within the iteration budget; None if it ran out."""
        limit = max(WARM_MIN_ITERATIONS, int(WARM_BUDGET * max(plan.out.iterations, 1)))
        own = options.get("simplex_iteration_limit")
        session = HighsSession(b.form, options)
        session.h.setOptionValue("simplex_iteration_limit",
                                 int(min(limit, own)) if own is not None else limit)
        session.set_basis(*carry_basis(plan.built.lp, plan.out.basis, b.lp, b.form))
        out = session.solve()
        if out.status == Status.ITERATION_LIMIT and (own is None or limit < own):
            self._log(b, f"{purpose}: warm start given up after {limit} iterations", out,
                      time.perf_counter() - t0, "solved")
            return None, session
        return out, session

    def _log(self, b: Built, purpose: str, out: Outcome, seconds: float, source: str) -> None:
        m, n = b.form.shape
        self.solves.append(SolveRecord(
            purpose=purpose, model=_mode(b.md.case), start="warm" if out.warm else "cold",
            seconds=round(seconds, 4), iterations=int(out.iterations),
            status=out.status.value, source=source, variables=int(n), constraints=int(m)))

    # -- a whole run ------------------------------------------------------------------------
    def run(self, case: Case) -> Results:
        """Solve a case and extract its results; the summary lists every solve it took."""
        t_start = time.perf_counter()
        first = len(self.solves)
        sv = self.solve(case)
        b, out = sv.built, sv.out
        res = extract(b, out)
        if sv.plan is not None:
            plan_values_before(res, sv.plan.built, sv.plan.out, sv.fixed_before_day)
        t = res.summary["timings_s"]
        t.update({k: round(v, 4) for k, v in b.timings.items()})
        t["handover"] = round(out.handover_s, 4)
        t["highs"] = round(out.highs_s, 4)
        t["loadback"] = round(out.loadback_s, 4)
        t["solve"] = round(out.handover_s + max(out.run_wall_s, out.highs_s) + out.loadback_s, 4)
        earlier = self.solves[first:-1]
        if sv.plan is not None:
            t["plan_without_events"] = round(sum(s.seconds for s in earlier
                                                 if s.purpose.startswith("plan without")), 4)
        t["total"] = round(time.perf_counter() - t_start, 4)
        res.summary["foresight"] = {"mode": case.foresight,
                                    "fixed_before_day": sv.fixed_before_day or None,
                                    "fixed_variables": sv.fixed or {}}
        known = (str(b.md.cal.date_of([sv.fixed_before_day])[0]) if sv.frozen is not None
                 else None)
        res.summary["commitments"] = commitments_summary(case, sv.frozen, known)
        res.summary["solves"] = [s.as_dict() for s in self.solves[first:]]
        RunSummary.model_validate(res.summary)  # the typed schema holds for every run
        return res


def hold_to_plan(b: Built, plan: Built, plan_out: Outcome, t0: int) -> tuple[dict, dict]:
    """What a surprise leaves of the plan without events: every decision dated before day t0
    fixed at the plan's, and the cargoes committed by then (delivery programmes, spot
    purchases) held to it. Rebuilds the model's matrices; returns what was fixed and frozen."""
    fixed = fix_before(b, plan, plan_out, t0)
    frozen = freeze_commitments(b, plan, plan_out, t0)
    b.form = b.lp.matrices()
    return fixed, frozen


def plan_values_before(res: Results, plan: Built, plan_out: Outcome, t0: int) -> None:
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
