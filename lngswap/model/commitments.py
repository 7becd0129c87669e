r"""Commitments: what was committed before a disruption became known stays committed.

When a disruption becomes known on day :math:`t_0` (the first event's start, under
`foresight: surprise`), the market has already fixed:

- the destination of every contracted DES cargo loading within its delivery-programme notice
  (`commitments.programme_notice_days`, or `short_term_notice_days` for short-term
  contracts) of :math:`t_0`;
- the purchase of every uncontracted (spot) cargo loading within `spot_lead_days`.

Such a cargo may only take the arcs (node, route) the plan without events gave it, up to the
planned share, or be left unlifted: :math:`0 \le x_a \le \bar{x}_a` for the plan's arcs and
:math:`x_a = 0` for the others. Where the disruption itself makes the plan impossible (a
planned route cut off, or less of the cargo exists after a supply outage) the cargo may be
rerouted to any node its contract allows, but no more of it may be lifted than planned:
:math:`u_c \ge A_c - \sum_a \bar{x}_a`. An FOB cargo inside its notice period may still go
to another market, up to loading, at `fob_redirect_fee` per MMBtu on the arcs to markets the
plan did not send it to. Only bounds and costs change: no new rows, and never an infeasible
model (a cargo can always be left unlifted).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lngswap.tables.supply import SPOT

EPS = 1e-7


def commitment_windows(md, t0: int) -> dict[str, np.ndarray]:
    """Masks over `md.cargo`: contracted DES, contracted FOB and spot cargoes whose loading
    falls inside their notice or lead time from day t0."""
    cm, c = md.case.commitments, md.cargo
    load = c["load_day"].to_numpy()
    contracted = (c["owner"] != SPOT).to_numpy()
    des = (c["destination"] == "DES").to_numpy()
    notice = np.where((c["term"] == "short").to_numpy(), cm.short_term_notice_days,
                      cm.programme_notice_days)
    in_notice = (load >= t0) & (load < t0 + notice)
    return {"des": contracted & des & in_notice, "fob": contracted & ~des & in_notice,
            "spot": ~contracted & (load >= t0) & (load < t0 + cm.spot_lead_days)}


def freeze_commitments(built, plan, plan_out, t0: int) -> dict[str, int]:
    """Bound the cargoes committed before day t0 to the plan without events (`plan`, solved
    as `plan_out`, from the same case data), as the module docstring says. Returns how many
    cargoes each rule froze, capped or priced."""
    lp, md = built.lp, built.md
    a, cargo = md.arcs, md.cargo
    win = commitment_windows(md, t0)
    keys = ["cargo", "node", "route"]
    pa = plan.md.arcs[keys].assign(value=plan_out.x[plan.lp.column("ship")])
    pa = pa[pa["value"] > EPS]
    planned = a[keys].merge(pa, on=keys, how="left")["value"].fillna(0.0).to_numpy()
    n_c = len(cargo)
    total = np.bincount(pa["cargo"].to_numpy(), weights=pa["value"].to_numpy(), minlength=n_c)
    kept = np.bincount(a["cargo"].to_numpy(), weights=planned, minlength=n_c)
    route_lost = total - kept > EPS  # a planned arc no longer exists (cut off by the events)
    avail = cargo["avail"].to_numpy()
    short = avail < total - EPS     # less of the cargo exists than was planned
    held = (win["des"] | win["spot"]) & cargo["has_arc"].to_numpy()
    frozen = held & ~route_lost & ~short
    capped = held & ~frozen
    ship = lp.vars["ship"]
    on = frozen[a["cargo"].to_numpy()]
    ship.lb[on] = 0.0
    ship.ub[on] = np.minimum(ship.ub[on], planned[on])
    un = lp.vars["unlifted"]
    uc = un.index["cargo"].to_numpy()
    floor = np.clip(avail[uc] - total[uc], 0.0, None)
    cap = capped[uc]
    un.lb[cap] = np.minimum(np.maximum(un.lb[cap], floor[cap]), un.ub[cap])
    fob = win["fob"] & cargo["has_arc"].to_numpy()
    priced = _price_fob_redirects(md, ship, pa, fob)
    return {"contracted_des": int((frozen & win["des"]).sum()),
            "spot": int((frozen & win["spot"]).sum()),
            "rerouted_or_lost": int(capped.sum()),
            "fob_redirect_priced": priced}


def _price_fob_redirects(md, ship, pa: pd.DataFrame, fob: np.ndarray) -> int:
    """Add the redirect fee to arcs of in-notice FOB cargoes that go to a market the plan
    did not send them to; returns the number of such cargoes."""
    fee = md.case.commitments.fob_redirect_fee_usd_per_mmbtu
    if not fob.any() or fee == 0:
        return int(fob.sum())
    a, nodes = md.arcs, md.nodes
    market = nodes["market"].to_numpy()
    plan_mk = pd.DataFrame({"cargo": pa["cargo"].to_numpy(),
                            "market": market[pa["node"].to_numpy()]}).drop_duplicates()
    arc_mk = pd.DataFrame({"cargo": a["cargo"].to_numpy(), "market": market[a["node"].to_numpy()]})
    same = arc_mk.merge(plan_mk.assign(hit=True), on=["cargo", "market"], how="left")["hit"]
    other = fob[a["cargo"].to_numpy()] & same.isna().to_numpy()
    vol = md.cargo["volume_tbtu"].to_numpy()[a["cargo"].to_numpy()]
    ship.cost[other] += vol[other] * fee
    extra = md.extras.setdefault("arc_redirect_fee_usd_per_mmbtu", np.zeros(len(a)))
    extra[other] += fee
    return int(fob.sum())


def commitments_summary(case, counts: dict[str, int] | None, known: str | None) -> dict:
    """The `commitments` block of summary.json: the notice and lead times in force, the day
    the disruption became known and what each rule froze (zeros when nothing was)."""
    cm = case.commitments
    zero = {"contracted_des": 0, "spot": 0, "rerouted_or_lost": 0, "fob_redirect_priced": 0}
    return {"programme_notice_days": cm.programme_notice_days,
            "short_term_notice_days": cm.short_term_notice_days,
            "spot_lead_days": cm.spot_lead_days,
            "fob_redirect_fee_usd_per_mmbtu": cm.fob_redirect_fee_usd_per_mmbtu,
            "known_from": known,
            "frozen_cargoes": counts if counts is not None else zero}
