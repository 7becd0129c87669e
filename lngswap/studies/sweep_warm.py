"""Re-solve a scenario inside a kept HiGHS model, from the kept model's optimal basis.

A sweep's scenarios share an anchor: the same case without its events. A scenario's LP is
usually the anchor's LP with some bounds, costs and right-hand sides changed and, for a
closure, some arcs taken away. `embed` matches the scenario's columns and rows to the
anchor's by their labels (block name and index row); where every scenario column and row has
a match and the matched coefficients are equal, the scenario is the anchor LP with

    x_j = 0                       for anchor columns the scenario lacks,
    -inf <= a_i x <= +inf          for anchor rows the scenario lacks,
    scenario bounds and costs      everywhere else,

and `solve_embedded` changes those bounds and costs in place in the anchor's HiGHS model,
restores the anchor's basis and re-solves. Each scenario starts from the anchor's basis, never
from the previous scenario's, so its result does not depend on which scenarios a worker
solved before it: the same seeds give the same table on any number of workers.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd

from lngswap.model.lp import LinearProgram, StandardForm
from lngswap.solve.highs_backend import HighsSession, Outcome, Status

#: Matched matrix coefficients may differ by this much (relative) from summing duplicates.
COEF_RTOL = 1e-12


@dataclass
class Embedding:
    """Where each scenario column and row sits in the anchor's LP."""

    cols: np.ndarray
    rows: np.ndarray


def _positions(anchor_index: pd.DataFrame, index: pd.DataFrame) -> np.ndarray | None:
    """Row number in `anchor_index` of each row of `index` (None if any is missing)."""
    if list(anchor_index.columns) != list(index.columns):
        return None
    if len(index) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(anchor_index) == 0:
        return None
    if not len(index.columns):
        return np.arange(len(index)) if len(index) <= len(anchor_index) else None
    a = pd.MultiIndex.from_frame(anchor_index.astype(str))
    if not a.is_unique:
        return None
    pos = a.get_indexer(pd.MultiIndex.from_frame(index.astype(str)))
    return None if (pos < 0).any() else pos.astype(np.int64)


def embed(anchor: LinearProgram, anchor_form: StandardForm, lp: LinearProgram,
          form: StandardForm) -> Embedding | None:
    """The scenario LP as a restriction of the anchor's, or None where it is not one
    (a column or row the anchor lacks, or a changed coefficient)."""
    cols = np.empty(form.shape[1], dtype=np.int64)
    for name, blk in lp.vars.items():
        ab = anchor.vars.get(name)
        pos = None if ab is None else _positions(ab.index, blk.index)
        if pos is None:
            return None
        cols[lp.column(name)] = ab.offset + pos
    rows = np.empty(form.shape[0], dtype=np.int64)
    for name, blk in lp.cons.items():
        ab = anchor.cons.get(name)
        pos = None if ab is None else _positions(ab.index, blk.index)
        if pos is None:
            return None
        rows[lp.row(name)] = ab.offset + pos
    sub = anchor_form.a[:, cols].tocsr()[rows, :].tocsc()
    sub.sort_indices()
    mine = form.a.tocsc()
    mine.sort_indices()
    diff = abs(sub - mine)
    scale = max(float(abs(mine).max()) if mine.nnz else 0.0, 1.0)
    if diff.nnz and float(diff.max()) > COEF_RTOL * scale:
        return None
    return Embedding(cols=cols, rows=rows)


def basis_copy(session: HighsSession) -> highspy.HighsBasis | None:
    """A copy of the session's current basis (None if HiGHS holds no valid one)."""
    b = session.h.getBasis()
    if not b.valid:
        return None
    out = highspy.HighsBasis()
    out.col_status = list(b.col_status)
    out.row_status = list(b.row_status)
    out.valid = True
    return out


def solve_embedded(session: HighsSession, basis: highspy.HighsBasis, emb: Embedding,
                   form: StandardForm) -> Outcome:
    """Change the anchor model's bounds and costs to the scenario's, restore the anchor's
    basis, re-solve, and return the outcome in the scenario's own column and row order."""
    n, m = session.n, session.m
    col_lo, col_hi, cost = np.zeros(n), np.zeros(n), np.zeros(n)
    col_lo[emb.cols], col_hi[emb.cols], cost[emb.cols] = form.col_lo, form.col_hi, form.cost
    row_lo, row_hi = np.full(m, -np.inf), np.full(m, np.inf)
    row_lo[emb.rows], row_hi[emb.rows] = form.row_lo, form.row_hi
    allc, allr = np.arange(n), np.arange(m)
    session.h.clearSolver()
    session.set_col_bounds(allc, col_lo, col_hi)
    session.set_col_costs(allc, cost)
    session.set_row_bounds(allr, row_lo, row_hi)
    session.h.setBasis(basis)
    out = session.solve()
    if out.status != Status.OPTIMAL:
        return out
    x = out.x[emb.cols]
    return Outcome(status=out.status, model_status=out.model_status,
                   objective=float(form.cost @ x + form.offset), x=x,
                   row_dual=out.row_dual[emb.rows], col_dual=out.col_dual[emb.cols],
                   highs_s=out.highs_s, handover_s=0.0, iterations=out.iterations,
                   options=out.options, run_wall_s=out.run_wall_s, loadback_s=out.loadback_s)
