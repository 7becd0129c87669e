"""Explain a solve that did not reach an optimum, in the planner's words.

- `shortfall: hard` (no unserved slack, floors hard): an infeasible case is explained from
  HiGHS's irreducible infeasible subsystem, mapped to markets, terminals, days, rules and
  agreements (`iis.py`).
- The default soft mode prices every shortfall, so every case has a plan: an "infeasible"
  status there is a defect of lngswap, reported as such with what to attach to a bug report,
  never as a hint to check the case's limits.
"""

from __future__ import annotations

from lngswap.errors import SolveError
from lngswap.solve.highs_backend import Status
from lngswap.solve.iis import explain_iis, iis_text
from lngswap.versions import package_version


def bug_report(case, status: str) -> str:
    """What to send when a soft-mode case has no plan (it always should have one)."""
    attach = [p for p in (case.source_path, case.dataset if case.dataset != "default" else "")
              if p]
    return (f"case {case.name}: HiGHS reports '{status}', but in the default mode "
            "(shortfall: soft) every shortfall is allowed at a penalty, so a plan always "
            "exists: this is a defect of lngswap, not of the case. Please report it with "
            f"lngswap {package_version()}, the solver settings "
            f"{dict(case.solver.model_dump())} and "
            f"these files attached: {', '.join(map(str, attach)) or 'the case file'}. "
            "Meanwhile, solver.solver=simplex (the default) is the most robust setting.")


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
    if getattr(case, "shortfall", "soft") != "hard":
        raise SolveError(bug_report(case, out.model_status))
    conflicts = explain_iis(session, b) if session is not None else None
    if not conflicts:
        raise SolveError(
            f"case {case.name}: with shortfall: hard no plan meets every market's demand and "
            "every strategic floor (HiGHS could not isolate the conflict); run with "
            "shortfall: soft to see which markets run short and by how much")
    raise SolveError(
        f"case {case.name}: with shortfall: hard no plan meets every market's demand and "
        "every strategic floor. These conditions cannot all hold (HiGHS's irreducible "
        "infeasible subsystem; relax any one and the rest can):\n" + iis_text(conflicts)
        + "\nRun with shortfall: soft to see the shortfall each market would face.")
