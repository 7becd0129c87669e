"""A small sparse LP container: variable blocks and constraint blocks built from arrays.

Each block carries an index table (a DataFrame with one row per variable or constraint and
string labels), so the formulation reads in index-table terms and the solution maps back to
labelled tables. Blocks are assembled into one column-wise sparse matrix for HiGHS and can be
turned into a Pyomo model for export (see `pyomo_model.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

INF = np.inf


@dataclass
class VarBlock:
    """A family of variables: bounds, objective cost and an index table, one row each."""

    name: str
    index: pd.DataFrame
    lb: np.ndarray
    ub: np.ndarray
    cost: np.ndarray
    offset: int = -1

    @property
    def size(self) -> int:
        return len(self.index)


@dataclass
class ConBlock:
    """A family of constraints lo <= sum(coef * var) <= hi, stored as sparse terms."""

    name: str
    index: pd.DataFrame
    lo: np.ndarray
    hi: np.ndarray
    terms: list[tuple[VarBlock, np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    offset: int = -1

    @property
    def size(self) -> int:
        return len(self.index)

    def add(self, var: VarBlock, rows: np.ndarray, cols: np.ndarray, coefs) -> ConBlock:
        """Add coef * var[cols] to the rows `rows` of this block (arrays of equal length)."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        coefs = np.broadcast_to(np.asarray(coefs, dtype=float), rows.shape).copy()
        keep = coefs != 0.0
        self.terms.append((var, rows[keep], cols[keep], coefs[keep]))
        return self


@dataclass
class LinearProgram:
    """An LP min c'x s.t. row_lo <= A x <= row_hi, col_lo <= x <= col_hi, in named blocks."""

    vars: dict[str, VarBlock] = field(default_factory=dict)
    cons: dict[str, ConBlock] = field(default_factory=dict)
    objective_offset: float = 0.0

    def var(self, name: str, index: pd.DataFrame, lb=0.0, ub=INF, cost=0.0) -> VarBlock:
        """Declare a variable block over `index` (bounds and cost broadcast to its length)."""
        n = len(index)
        block = VarBlock(
            name,
            index.reset_index(drop=True),
            np.broadcast_to(np.asarray(lb, dtype=float), (n,)).copy(),
            np.broadcast_to(np.asarray(ub, dtype=float), (n,)).copy(),
            np.broadcast_to(np.asarray(cost, dtype=float), (n,)).copy(),
        )
        self.vars[name] = block
        return block

    def con(self, name: str, index: pd.DataFrame, lo=-INF, hi=INF) -> ConBlock:
        """Declare a constraint block over `index`; add its terms with `ConBlock.add`."""
        n = len(index)
        block = ConBlock(
            name,
            index.reset_index(drop=True),
            np.broadcast_to(np.asarray(lo, dtype=float), (n,)).copy(),
            np.broadcast_to(np.asarray(hi, dtype=float), (n,)).copy(),
        )
        self.cons[name] = block
        return block

    # -- assembly -------------------------------------------------------------------------
    def assign_offsets(self) -> tuple[int, int]:
        """Give each block its first column / row; returns (columns, rows)."""
        n = 0
        for v in self.vars.values():
            v.offset = n
            n += v.size
        m = 0
        for c in self.cons.values():
            c.offset = m
            m += c.size
        return n, m

    def matrices(self) -> StandardForm:
        """Assemble the column-wise matrix and the bound and cost vectors."""
        n, m = self.assign_offsets()
        rows, cols, vals = [], [], []
        for c in self.cons.values():
            for var, r, k, v in c.terms:
                rows.append(r + c.offset)
                cols.append(k + var.offset)
                vals.append(v)
        r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        k = np.concatenate(cols) if cols else np.zeros(0, np.int64)
        v = np.concatenate(vals) if vals else np.zeros(0)
        a = sp.csc_matrix((v, (r, k)), shape=(m, n))
        a.sum_duplicates()
        a.sort_indices()
        return StandardForm(
            a=a,
            cost=_cat([b.cost for b in self.vars.values()]),
            col_lo=_cat([b.lb for b in self.vars.values()]),
            col_hi=_cat([b.ub for b in self.vars.values()]),
            row_lo=_cat([b.lo for b in self.cons.values()]),
            row_hi=_cat([b.hi for b in self.cons.values()]),
            offset=self.objective_offset,
        )

    def column(self, block: str) -> slice:
        """The columns of a variable block in the assembled matrix."""
        v = self.vars[block]
        return slice(v.offset, v.offset + v.size)

    def row(self, block: str) -> slice:
        """The rows of a constraint block in the assembled matrix."""
        c = self.cons[block]
        return slice(c.offset, c.offset + c.size)


@dataclass
class StandardForm:
    """The assembled LP as arrays: what a solver receives."""

    a: sp.csc_matrix
    cost: np.ndarray
    col_lo: np.ndarray
    col_hi: np.ndarray
    row_lo: np.ndarray
    row_hi: np.ndarray
    offset: float = 0.0

    @property
    def shape(self) -> tuple[int, int]:
        return self.a.shape

    def coefficient_ranges(self) -> dict[str, list[float]]:
        """Smallest and largest absolute nonzero of matrix, costs, bounds and right-hand sides."""

        def rng(x: np.ndarray) -> list[float]:
            x = np.abs(x[np.isfinite(x) & (x != 0)])
            return [float(x.min()), float(x.max())] if x.size else [0.0, 0.0]

        return {
            "matrix": rng(self.a.data),
            "cost": rng(self.cost),
            "bounds": rng(np.concatenate([self.col_lo, self.col_hi])),
            "rhs": rng(np.concatenate([self.row_lo, self.row_hi])),
        }


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0)


def group_rows(keys: pd.DataFrame | pd.Series, table: pd.DataFrame, on: list[str]) -> np.ndarray:
    """Row number in `table` (a constraint index) of each row of `keys`, matched on `on`.

    Returns -1 where a key has no row; callers drop those terms.
    """
    pos = pd.Series(np.arange(len(table)), index=pd.MultiIndex.from_frame(table[on]))
    if isinstance(keys, pd.Series):
        keys = keys.to_frame()
    idx = pd.MultiIndex.from_frame(keys[on])
    return pos.reindex(idx).fillna(-1).to_numpy(dtype=np.int64)
