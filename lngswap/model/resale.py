r"""Resale cap: how much of a contract may go to buyers other than its owner.

Korea's 2015 plan allowed its buyers to resell abroad up to 20 % of their annual imports
(BusinessKorea citing MOTIE; reference contracts.csv); buyers elsewhere resell within similar
limits, set by their own needs and the counterparties they find. With
`economics.resale_cap_share` below 1, the contracted cargoes a party diverts (DES, with the
seller's consent) or resells (FOB) to another buyer stay within that share of each contract's
volume over the horizon.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lngswap.model.lp import ConBlock, LinearProgram, VarBlock


def resale_cap(lp: LinearProgram, md, v: dict[str, VarBlock]) -> ConBlock:
    r"""Per contract k: :math:`\sum_{a \in k,\ \text{resold or diverted}} V_c x_a \le
    \rho \sum_{c \in k} V_c A_c`, with :math:`\rho` = `economics.resale_cap_share` (no rows
    when it is 1)."""
    share = md.case.economics.resale_cap_share
    arcs, cargo = md.arcs, md.cargo
    flag = np.zeros(len(arcs), dtype=bool)
    for col in ("resold", "diverted"):
        if col in arcs:
            flag |= arcs[col].to_numpy(dtype=bool)
    contract = cargo["contract"].to_numpy()[arcs["cargo"].to_numpy()]
    names = sorted(set(contract[flag])) if share < 1.0 else []
    idx = pd.DataFrame({"contract": names})
    vol = cargo["volume_tbtu"].to_numpy() * cargo["avail"].to_numpy()
    total = pd.Series(vol).groupby(cargo["contract"].to_numpy()).sum()
    con = lp.con("resale_cap", idx, hi=share * total.reindex(names).to_numpy(dtype=float))
    if names:
        pos = pd.Series(np.arange(len(names)), index=names)
        a = np.flatnonzero(flag)
        con.add(v["ship"], pos.reindex(contract[a]).to_numpy(dtype=np.int64), a,
                cargo["volume_tbtu"].to_numpy()[arcs["cargo"].to_numpy()[a]])
    return con
