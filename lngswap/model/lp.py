"""A small sparse LP container: variable blocks and constraint blocks built from arrays.

Each block carries an index table (a DataFrame with one row per variable or constraint and
string labels), so the formulation reads in index-table terms and the solution maps back to
labelled tables. Blocks are assembled into one column-wise sparse matrix for HiGHS and can be
turned into a Pyomo model for export (see `pyomo_model.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

INF = np.inf


#: Labels of terms: a table (or mapping of equal-length arrays) whose columns are named like
#: those of the index table they are looked up in.
Labels = pd.DataFrame | dict | None


@dataclass
class VarBlock:
    """A family of variables: bounds, objective cost and an index table, one row each."""

    name: str
    index: pd.DataFrame
    lb: np.ndarray
    ub: np.ndarray
    cost: np.ndarray
    offset: int = -1
    grids: dict = field(default_factory=dict, repr=False)  # lookups of `index`, by labels

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
    grids: dict = field(default_factory=dict, repr=False)  # lookups of `index`, by labels

    @property
    def size(self) -> int:
        return len(self.index)

    def add_on(self, var: VarBlock, coef=1.0, *, rows: Labels = None, cols: Labels = None,
               missing: Literal["raise", "drop"] = "raise") -> ConBlock:
        """Add coef * var[j] to row i of this block, rows and columns found by their labels.

        `rows` holds, per term, the labels of its row (columns named like those of this
        block's index, e.g. {"node": n, "day": d}); `cols` the labels of its variable in
        `var.index`, or an integer array selecting rows of `var.index` (a mask's
        `np.flatnonzero`). Either may be None: then term k is row k (or column k) itself. A label
        with no row or column raises, unless `missing="drop"` (e.g. the day before the
        first): a wrong alignment never builds a valid, wrong LP."""
        r = locate(self.index, rows, self.grids) if rows is not None else None
        if isinstance(cols, np.ndarray):  # a selection of the variable's own rows
            c = cols.astype(np.int64)
        else:
            c = locate(var.index, cols, var.grids) if cols is not None else None
        n = len(r) if r is not None else len(c) if c is not None else self.size
        r = np.arange(n) if r is None else r
        c = np.arange(n) if c is None else c
        if len(r) != len(c):
            raise ValueError(f"{self.name} <- {var.name}: {len(r)} rows for {len(c)} columns")
        bad = (r < 0) | (c < 0)
        if bad.any():
            if missing == "raise":
                k = int(np.flatnonzero(bad)[0])
                where = _labels_at(rows, k) if r[k] < 0 else _labels_at(cols, k)
                side = f"row of {self.name}" if r[k] < 0 else f"variable of {var.name}"
                raise ValueError(f"{self.name} <- {var.name}: no {side} with labels {where} "
                                 f"({int(bad.sum())} terms unmatched)")
            coef = np.broadcast_to(np.asarray(coef, dtype=float), r.shape)[~bad]
            r, c = r[~bad], c[~bad]
        return self.add(var, r, c, coef)

    def add(self, var: VarBlock, rows: np.ndarray, cols: np.ndarray, coefs) -> ConBlock:
        """Add coef * var[cols] to the rows `rows` of this block (arrays of equal length);
        positions, not labels: outside `lp.py` prefer `add_on`."""
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
    terms_released: bool = False

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

    def release_terms(self) -> None:
        """Free the constraint blocks' term arrays once the solver holds the matrix (at ~1M
        variables about a tenth of the Python side's memory, while HiGHS peaks); the blocks'
        index tables, bounds and costs stay for extraction. The LP cannot be assembled again."""
        for c in self.cons.values():
            c.terms = []
        self.terms_released = True

    def matrices(self) -> StandardForm:
        """Assemble the column-wise matrix and the bound and cost vectors."""
        if self.terms_released:
            raise RuntimeError("the LP's terms were released after its hand-over to the "
                               "solver: build it again to assemble it")
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


def shifted(index: pd.DataFrame, **by: int | np.ndarray) -> pd.DataFrame:
    """An index table with some labels moved, e.g. `shifted(stock.index, day=1)`: the row of
    the next day, so `con.add_on(stock, -1, rows=shifted(stock.index, day=1))` puts
    :math:`-s_{d-1}` into the row of day d ("previous" is a shift along a named label)."""
    out = index.copy()
    for k, step in by.items():
        out[k] = out[k].to_numpy() + step
    return out


def _labels_at(labels: Labels, k: int) -> dict:
    return {c: np.asarray(labels[c])[k].item() if hasattr(np.asarray(labels[c])[k], "item")
            else np.asarray(labels[c])[k] for c in labels}


def _grid_of(index: pd.DataFrame, on: tuple[str, ...]):
    """(per label its first value or its sorted values, shape) when `index` is the full
    product of its integer labels `on` in row-major order (the last label fastest), else
    None."""
    arrays = [index[c].to_numpy() for c in on]
    if not len(index) or not all(a.dtype.kind in "iu" for a in arrays):
        return None
    lo = [int(a.min()) for a in arrays]
    shape = tuple(int(a.max()) - m + 1 for a, m in zip(arrays, lo, strict=True))
    if int(np.prod(shape)) == len(index) and np.array_equal(
            np.ravel_multi_index([a - m for a, m in zip(arrays, lo, strict=True)], shape),
            np.arange(len(index))):
        return lo, shape  # consecutive integer labels: positions by arithmetic
    uniq = [np.unique(a) for a in arrays]
    shape = tuple(len(u) for u in uniq)
    if int(np.prod(shape)) != len(index):
        return None
    pos = [np.searchsorted(u, a) for u, a in zip(uniq, arrays, strict=True)]
    if not np.array_equal(np.ravel_multi_index(pos, shape), np.arange(len(index))):
        return None
    return uniq, shape


def locate(index: pd.DataFrame, labels: Labels, grids: dict | None = None) -> np.ndarray:
    """Row number in `index` of each set of labels (matched on the labels' column names);
    -1 where there is none. Index tables that are full products of integer labels are looked
    up arithmetically; others by a hash join. `grids` keeps what was learnt about `index`
    (a block's own cache: its index table does not change once declared)."""
    on = tuple(labels.columns if isinstance(labels, pd.DataFrame) else labels.keys())
    missing = [c for c in on if c not in index.columns]
    if missing:
        raise ValueError(f"labels {missing} are not in the index table ({list(index.columns)})")
    grid = None
    if list(on) == list(index.columns):
        if grids is None or on not in grids:
            grid = _grid_of(index, on)
            if grids is not None:
                grids[on] = grid
        else:
            grid = grids[on]
    if grid is not None:
        uniq, shape = grid
        ok = np.ones(len(np.asarray(labels[on[0]])), dtype=bool)
        pos = []
        for u, k, c in zip(uniq, shape, on, strict=True):
            a = np.asarray(labels[c])
            if isinstance(u, int):  # labels u .. u + k - 1
                p = a.astype(np.int64) - u
                p_ok = (p >= 0) & (p < k)
            else:
                p = np.searchsorted(u, a)
                p_ok = p < len(u)
                p_ok[p_ok] = u[p[p_ok]] == a[p_ok]
            ok &= p_ok
            pos.append(np.where(p_ok, p, 0))
        flat = np.ravel_multi_index(pos, shape) if len(ok) else np.zeros(0, np.int64)
        return np.where(ok, flat, -1).astype(np.int64)
    keys = pd.DataFrame({c: np.asarray(labels[c]) for c in on})
    return group_rows(keys, index, list(on))
