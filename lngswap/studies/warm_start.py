"""Carry a solved model's basis over to a related model, by labels, for a warm start.

The run of a disruption case and its plan without events share most variables and rows, but
not all (closures remove arcs, the prefix is fixed). Each column and row of the new model
takes the status of the one with the same family and index labels in the solved model; new
columns start at a bound and new rows basic. HiGHS needs exactly one basic variable per
row, so the count is then balanced: first fixed columns leave the basis (the plan's prefix,
fixed at the plan's values, stays where it was), then rows of the new model enter it. HiGHS
repairs a singular basis itself; the start only has to be close, not optimal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lngswap.model.lp import LinearProgram, StandardForm

BASIC, LOWER, ZERO, UPPER = 1, 0, 2, 3  # HiGHS basis status codes (HighsBasisStatus)


def _carry(new_index: pd.DataFrame, old_index: pd.DataFrame, old_status: np.ndarray
           ) -> np.ndarray:
    """Status of each row of `new_index` from the row of `old_index` with the same labels
    (-1 where there is none)."""
    if len(new_index) == len(old_index) and all(
            c in old_index and np.array_equal(new_index[c].to_numpy(), old_index[c].to_numpy())
            for c in new_index.columns):
        return old_status.astype(np.int8)
    cols = list(new_index.columns)
    if not cols:
        return np.full(len(new_index), -1, dtype=np.int8)
    old = old_index[cols].assign(_status=old_status)
    old = old.drop_duplicates(subset=cols, keep="first")
    m = new_index[cols].merge(old, on=cols, how="left", sort=False)
    return m["_status"].fillna(-1).to_numpy().astype(np.int8)


def _nonbasic_at(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A nonbasic status each variable can hold: at its lower bound, else upper, else zero."""
    return np.where(np.isfinite(lo), LOWER, np.where(np.isfinite(hi), UPPER, ZERO)).astype(
        np.int8)


def _valid(status: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Replace missing statuses and nonbasic ones the new bounds do not allow."""
    at = _nonbasic_at(lo, hi)
    bad = ((status < 0) | ((status == LOWER) & ~np.isfinite(lo))
           | ((status == UPPER) & ~np.isfinite(hi)) | ((status == ZERO) & np.isfinite(lo)))
    return np.where(bad, at, status).astype(np.int8)


def carry_basis(src_lp: LinearProgram, basis: tuple[np.ndarray, np.ndarray],
                dst_lp: LinearProgram, dst_form: StandardForm
                ) -> tuple[np.ndarray, np.ndarray]:
    """A basis for `dst_lp` (assembled as `dst_form`) from `basis` of the solved `src_lp`."""
    col_src, row_src = basis
    n_cols, n_rows = dst_form.shape[1], dst_form.shape[0]
    col = np.full(n_cols, -1, dtype=np.int8)
    for name, blk in dst_lp.vars.items():
        old = src_lp.vars.get(name)
        if old is not None and blk.size:
            col[blk.offset:blk.offset + blk.size] = _carry(
                blk.index, old.index, col_src[old.offset:old.offset + old.size])
    row = np.full(n_rows, -1, dtype=np.int8)
    for name, con in dst_lp.cons.items():
        old = src_lp.cons.get(name)
        if old is not None and con.size:
            row[con.offset:con.offset + con.size] = _carry(
                con.index, old.index, row_src[old.offset:old.offset + old.size])
    new_rows = row < 0
    row = np.where(new_rows, BASIC, row).astype(np.int8)
    col = _valid(col, dst_form.col_lo, dst_form.col_hi)
    row = np.where(row == BASIC, BASIC, _valid(row, dst_form.row_lo, dst_form.row_hi))
    excess = int((col == BASIC).sum() + (row == BASIC).sum()) - n_rows
    if excess > 0:  # too many basic: fixed columns leave first, then any column at a bound
        fixed = (col == BASIC) & (dst_form.col_lo == dst_form.col_hi)
        others = (col == BASIC) & ~fixed & (np.isfinite(dst_form.col_lo)
                                            | np.isfinite(dst_form.col_hi))
        for pick in (fixed, others):
            take = np.flatnonzero(pick)[:excess]
            col[take] = _nonbasic_at(dst_form.col_lo[take], dst_form.col_hi[take])
            excess -= len(take)
            if excess <= 0:
                break
        if excess > 0:  # rows that were new leave last
            take = np.flatnonzero(row == BASIC)[:excess]
            row[take] = _nonbasic_at(dst_form.row_lo[take], dst_form.row_hi[take])
    elif excess < 0:  # too few: slacks of nonbasic rows enter
        take = np.flatnonzero(row != BASIC)[:-excess]
        row[take] = BASIC
    return col, row
