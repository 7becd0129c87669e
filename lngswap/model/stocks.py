r"""Working stocks: what operators hold above the legal floors in normal times.

A terminal's working stock :math:`W_n` (its tank share of the market's
`working_stock_days` of average demand; see `tables/demand.py`) may be drawn on, at a cost
per MMBtu and day below it (`economics.working_stock_penalty`): in normal times stocks stay
there, in a crisis they are drawn before the strategic floor and long before load is shed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lngswap.model.lp import ConBlock, LinearProgram, VarBlock


def working_stock(lp: LinearProgram, md, v: dict[str, VarBlock]) -> ConBlock:
    r"""Stock at or above the working stock, or priced below it:
    :math:`s_{nd} + b^{w}_{nd} \ge W_n`, :math:`0 \le b^{w}_{nd} \le W_n`, cost
    :math:`\phi_w b^{w}_{nd}` (declares the variable block `below_working`)."""
    D = md.cal.n
    work = md.nodes["working"].to_numpy() if "working" in md.nodes else np.zeros(len(md.nodes))
    held = np.flatnonzero(work > 0)
    idx = pd.DataFrame({"node": np.repeat(held, D), "day": np.tile(np.arange(D), len(held))})
    n = idx["node"].to_numpy()
    v["below_working"] = lp.var(
        "below_working", idx, ub=work[n],
        cost=md.case.economics.working_stock_penalty_usd_per_mmbtu_day)
    con = lp.con("working_stock", idx, lo=work[n])
    r = np.arange(len(idx))
    con.add(v["stock"], r, n * D + idx["day"].to_numpy(), 1.0)
    con.add(v["below_working"], r, r, 1.0)
    return con


def storage_end_floor(lp: LinearProgram, md, v: dict[str, VarBlock]) -> ConBlock:
    r"""Storage on the last day modelled at or above its published level for that date, or
    priced below it: :math:`g_{z,D-1} + g^{e}_z \ge \theta_{end} G_z` at the storage-target
    penalty (declares `ugs_end_short`; no rows unless `economics.end_storage_min_share` is
    set). Without it the end of the run-out empties storage as the horizon end once did."""
    sto, D = md.demand.storage, md.cal.n
    share = md.case.economics.end_storage_min_share
    zones = np.arange(len(sto)) if share is not None else np.zeros(0, dtype=np.int64)
    idx = pd.DataFrame({"zone": zones})
    v["ugs_end_short"] = lp.var("ugs_end_short", idx,
                                cost=md.case.economics.storage_target_penalty_usd_per_mmbtu)
    lo = (share or 0.0) * sto["cap"].to_numpy()[zones]
    con = lp.con("storage_end_floor", idx, lo=lo)
    r = np.arange(len(zones))
    con.add(v["ugs"], r, zones * D + D - 1, 1.0)
    con.add(v["ugs_end_short"], r, r, 1.0)
    return con
