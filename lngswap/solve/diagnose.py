"""Explain a solve that did not reach an optimum, in the planner's words."""

from __future__ import annotations

from lngswap.errors import SolveError
from lngswap.solve.highs_backend import Status

HARD_FAMILIES = {
    "cargo_balance": "every cargo is either shipped or left unlifted",
    "stock_balance": "terminal stocks follow arrivals and send-out within tank capacity",
    "fleet_balance": "ships in use stay within the fleet",
    "canal_capacity": "canal transits stay within their daily caps",
}


def explain_failure(b, out, session) -> None:
    """Raise SolveError naming what makes the case impossible (or that time ran out)."""
    case = b.md.case
    if out.status == Status.TIME_LIMIT:
        raise SolveError(
            f"case {case.name}: HiGHS stopped at its time limit ({case.solver.time_limit_s:g} s) "
            "before proving an optimum; raise solver.time_limit_s or shorten the horizon")
    if out.status == Status.INFEASIBLE_OR_UNBOUNDED:
        raise SolveError(
            f"case {case.name}: HiGHS's presolve found the case either impossible or without a "
            f"lower bound on its cost and cannot tell which (HiGHS: {out.model_status}); rerun "
            "with --set solver.presolve=off to find out")
    if out.status == Status.UNBOUNDED:
        raise SolveError(
            f"case {case.name}: the plan's cost has no lower bound: some rest-of-world sale or "
            "end-of-horizon value is not limited; check row_demand.csv shares and economics")
    if out.status != Status.INFEASIBLE:
        raise SolveError(
            f"case {case.name}: HiGHS stopped without an optimum ({out.model_status}); check "
            "the case's solver options (solver.extra) or raise its limits")
    extra = [name for name in b.lp.cons if name not in HARD_FAMILIES and name not in (
        "strategic_floor", "market_balance", "row_balance", "storage_balance",
        "storage_target", "end_value")]
    what = "; ".join(f"{k}: {v}" for k, v in HARD_FAMILIES.items())
    hint = (f" The case adds hard limits from {', '.join(extra)}: relax them first."
            if extra else "")
    raise SolveError(
        f"case {case.name}: no plan satisfies every hard limit (HiGHS: {out.model_status}). "
        f"Shortfalls are always allowed at a penalty, so the conflict lies among: {what}."
        + hint)
