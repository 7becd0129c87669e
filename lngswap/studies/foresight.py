"""Surprise disruptions: decisions taken before a disruption starts cannot anticipate it.

With `foresight: surprise`, a case is solved twice. First without its events (the plan the
market expected); then with them, every decision dated before the first event starts fixed
at that plan: cargoes loaded, send-out, storage injection and withdrawal, rest-of-world sales.
Cargoes already loaded that would cross a closed or capped passage after the start are left
free, as ships at sea are diverted. Without it (`perfect`), the LP sees the disruption coming
from day one and stocks up in advance, which no buyer could do in March 2026.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lngswap.inputs.events import of_type
from lngswap.solve.highs_backend import Outcome

#: day-indexed flow families fixed before the start (stocks follow from them)
DAY_FLOWS = ("sendout", "inject", "withdraw", "row_sale", "row_surplus", "unserved")


def first_event_day(case, cal) -> int | None:
    """Day number of the earliest event start, or None when the case has no events."""
    if not case.events:
        return None
    return min(cal.day(e.start) for e in case.events)


def _restricted_passages(case) -> set[str]:
    kinds = of_type(case.events, "chokepoint_closure") + of_type(case.events,
                                                                 "canal_restriction")
    return {e.passage for e in kinds}


def fix_before(built, plan, plan_out: Outcome, t0: int) -> dict:
    """Fix the decisions of `built` dated before day t0 at their values in `plan`.

    Both models come from the same case data, so their cargo, node and day grids agree; arcs
    are matched on (cargo, node, route). Returns counts of fixed variables per family.
    """
    lp, md = built.lp, built.md
    counts: dict[str, int] = {}
    # cargo flows loaded before t0, except those crossing a restricted passage from t0 on
    a = md.arcs
    pa = plan.md.arcs.assign(value=plan_out.x[plan.lp.column("ship")])
    keyed = a[["cargo", "node", "route"]].merge(pa[["cargo", "node", "route", "value"]],
                                                 on=["cargo", "node", "route"], how="left")
    free = np.zeros(len(a), dtype=bool)
    restricted = _restricted_passages(md.case)
    if restricted:
        x = md.crossings
        hit = x[x["passage"].isin(sorted(restricted)) & (x["day"] >= t0)]["arc"].to_numpy()
        free[hit] = True
    fix = (a["load_day"].to_numpy() < t0) & ~free
    vals = keyed["value"].fillna(0.0).to_numpy()
    _fix(lp.vars["ship"], fix, vals)
    counts["ship"] = int(fix.sum())
    # the unlifted share of those cargoes follows from cargo_balance; fix it where all its
    # arcs are fixed
    live = lp.vars["unlifted"].index["cargo"].to_numpy()
    cargo_day = md.cargo["load_day"].to_numpy()[live]
    any_free = np.zeros(len(md.cargo), dtype=bool)
    any_free[a["cargo"].to_numpy()[free]] = True
    plan_live = pd.Series(plan_out.x[plan.lp.column("unlifted")],
                          index=plan.lp.vars["unlifted"].index["cargo"].to_numpy())
    ufix = (cargo_day < t0) & ~any_free[live]
    _fix(lp.vars["unlifted"], ufix, plan_live.reindex(live).fillna(0.0).to_numpy())
    counts["unlifted"] = int(ufix.sum())
    for name in DAY_FLOWS:
        blk, pblk = lp.vars[name], plan.lp.vars[name]
        cols = list(blk.index.columns)
        pv = pblk.index.assign(value=plan_out.x[plan.lp.column(name)])
        m = blk.index.merge(pv, on=cols, how="left")
        mask = (blk.index["day"].to_numpy() < t0) & m["value"].notna().to_numpy()
        _fix(blk, mask, m["value"].fillna(0.0).to_numpy())
        counts[name] = int(mask.sum())
    return counts


def _fix(block, mask: np.ndarray, values: np.ndarray) -> None:
    v = np.clip(values[mask], block.lb[mask], block.ub[mask])
    block.lb[mask] = v
    block.ub[mask] = v
