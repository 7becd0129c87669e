"""Parties and cooperation modes: which import nodes each cargo may serve.

- isolated: a contracted cargo serves its owner's nodes, or is resold to the rest of the
  world; spot cargoes go anywhere.
- swaps: as isolated, plus the nodes of the owner's swap partners (the swap ledger then
  makes the borrower repay; see `swaps.py`).
- pooled: every party's cargo may serve every node (the cooperative upper bound).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lngswap.supply import SPOT


def eligible_pairs(cargo: pd.DataFrame, nodes: pd.DataFrame, cooperation: str,
                   partners: dict[str, set[str]] | None = None) -> pd.DataFrame:
    """(cargo, node) pairs a cargo may serve, with `lender`/`borrower` set on swap pairs."""
    owner = cargo["owner"].to_numpy()
    party = nodes["party"].to_numpy()
    is_row = (nodes["kind"] == "row").to_numpy()
    c_idx, n_idx = np.meshgrid(np.arange(len(cargo)), np.arange(len(nodes)), indexing="ij")
    c_idx, n_idx = c_idx.ravel(), n_idx.ravel()
    o, p = owner[c_idx], party[n_idx]
    own = (o == SPOT) | (o == p) | is_row[n_idx]
    ok = own.copy() if cooperation != "pooled" else np.ones_like(own)
    swap = np.zeros_like(own)
    if cooperation == "swaps" and partners:
        for lender, borrowers in partners.items():
            swap |= (o == lender) & np.isin(p, sorted(borrowers)) & ~own
        ok |= swap
    out = pd.DataFrame({"cargo": c_idx[ok], "node": n_idx[ok]})
    out["lender"] = np.where(swap[ok], o[ok], "")
    out["borrower"] = np.where(swap[ok], p[ok], "")
    return out
