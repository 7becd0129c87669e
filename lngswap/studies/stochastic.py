"""The stochastic LP of rolling foresight: scenario LPs side by side, tied where unknown.

Each realised scenario is the same case with its own event ends, built as an ordinary model.
The stochastic LP stacks them block-diagonally, each objective weighted by its probability,
and adds non-anticipativity rows: a decision dated on day d is taken at the start of its step
τ(d) = t0 + step·⌊(d - t0)/step⌋, so two scenarios that cannot be told apart at τ(d) (no
uncertain event of theirs has ended differently before τ(d)) take it alike:

.. math::  x_{s,j} - x_{r,j} = 0 \\quad \\forall j: \\tau(day_j) \\text{ leaves } s, r
           \\text{ indistinguishable}

(r the first scenario of the group). An arc that exists in one scenario only (one a closure
prunes in the other) is fixed at zero on those days. Decisions are dated by the `day` label,
cargo flows by their load day; undated variables (end-of-horizon values) are per scenario.
With `risk`, the linear CVaR of each listed party's cost is added (Rockafellar-Uryasev):

.. math::  w \\sum_p \\Big(\\eta_p + \\frac{1}{1-\\alpha}\\sum_s \\pi_s u_{p,s}\\Big),\\quad
           u_{p,s} \\ge C_{p,s}(x_s) - \\eta_p,\\ u \\ge 0

Nothing here solves a model: `stack()` returns the assembled form and the maps back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from lngswap.model.lp import LinearProgram, StandardForm
from lngswap.solve.highs_backend import Outcome

UNDATED = np.iinfo(np.int64).max
#: blocks whose variables missing from another scenario mean "not possible there": an arc one
#: scenario has and another lacks is not used on days the two cannot be told apart (other
#: blocks missing in a scenario, e.g. the unlifted share of a cut-off cargo, stay free)
ZERO_WHEN_ALONE = ("ship",)


def decision_days(md, lp: LinearProgram) -> np.ndarray:
    """Day each column of the assembled LP is decided (UNDATED for end values and the like)."""
    n, _ = lp.assign_offsets()
    day = np.full(n, UNDATED, dtype=np.int64)
    for name, blk in lp.vars.items():
        sl = lp.column(name)
        if name == "ship":
            day[sl] = md.arcs["load_day"].to_numpy(np.int64)
        elif "day" in blk.index.columns:
            day[sl] = blk.index["day"].to_numpy(np.int64)
        elif list(blk.index.columns) == ["cargo"]:
            day[sl] = md.cargo["load_day"].to_numpy(np.int64)[blk.index["cargo"].to_numpy()]
    return day


def column_labels(lp: LinearProgram) -> pd.DataFrame:
    """One row per column: block name and its labels joined in a string key."""
    parts = []
    for name, blk in lp.vars.items():
        if not blk.size:
            continue
        cols = list(blk.index.columns)
        key = blk.index[cols[0]].astype(str) if cols else pd.Series([""] * blk.size)
        for c in cols[1:]:
            key = key + "|" + blk.index[c].astype(str)
        parts.append(pd.DataFrame({"block": name, "key": key.to_numpy()}))
    return pd.concat(parts, ignore_index=True)


@dataclass
class Member:
    """One scenario model in the stack: its probability, LP, form and decision days."""

    label: str
    probability: float
    md: object
    lp: LinearProgram
    form: StandardForm
    days: np.ndarray
    party_cost: sp.csr_matrix | None = None     # parties x columns, USD millions
    parties: list[str] = field(default_factory=list)


@dataclass
class Stacked:
    """The stochastic LP and where each scenario's columns and rows lie in it."""

    form: StandardForm
    cols: list[slice]
    rows: list[slice]
    ties: int
    zeroed: int
    risk_cols: slice | None = None


def groups_at(tau: int, ends: list[tuple]) -> list[list[int]]:
    """Scenarios that cannot be told apart at the start of day `tau`: an uncertain event's
    end is known once it is before `tau` (the reopening seen on its first day)."""
    sig: dict[tuple, list[int]] = {}
    for s, e in enumerate(ends):
        key = tuple(d if d < tau else None for d in e)
        sig.setdefault(key, []).append(s)
    return [g for g in sig.values() if len(g) > 1]


def tie_pairs(members: list[Member], ends: list[tuple], t0: int, step: int, horizon: int
              ) -> tuple[list[tuple[int, np.ndarray, int, np.ndarray]], list[tuple[int,
                                                                              np.ndarray]]]:
    """(r, cols_r, s, cols_s) column pairs to equate, and (s, cols) to fix at zero."""
    labels = [column_labels(m.lp) for m in members]
    pairs, zero = [], []
    taus = list(range(t0, horizon, step))
    for k, tau in enumerate(taus):
        lo = -1 if k == 0 else tau
        hi = taus[k + 1] if k + 1 < len(taus) else horizon
        for g in groups_at(tau, ends):
            r = g[0]
            in_r = np.flatnonzero((members[r].days >= lo) & (members[r].days < hi)
                                  & (members[r].days != UNDATED))
            lr = labels[r].iloc[in_r].assign(col=in_r)
            for s in g[1:]:
                in_s = np.flatnonzero((members[s].days >= lo) & (members[s].days < hi)
                                      & (members[s].days != UNDATED))
                ls = labels[s].iloc[in_s].assign(col=in_s)
                m = lr.merge(ls, on=["block", "key"], how="outer", suffixes=("_r", "_s"),
                             indicator=True)
                both = m[m["_merge"] == "both"]
                pairs.append((r, both["col_r"].to_numpy(np.int64), s,
                              both["col_s"].to_numpy(np.int64)))
                flows = m["block"].isin(ZERO_WHEN_ALONE)
                zero.append((r, m.loc[flows & (m["_merge"] == "left_only"), "col_r"]
                             .to_numpy(np.int64)))
                zero.append((s, m.loc[flows & (m["_merge"] == "right_only"), "col_s"]
                             .to_numpy(np.int64)))
    return pairs, zero


def stack(members: list[Member], ends: list[tuple], t0: int, step: int, horizon: int,
          risk=None) -> Stacked:
    """Assemble the stochastic LP (see the module docstring)."""
    forms = [m.form for m in members]
    ncol = np.cumsum([0] + [f.shape[1] for f in forms])
    nrow = np.cumsum([0] + [f.shape[0] for f in forms])
    col_lo = [f.col_lo.copy() for f in forms]
    col_hi = [f.col_hi.copy() for f in forms]
    pairs, zero = tie_pairs(members, ends, t0, step, horizon)
    zeroed = 0
    for s, cols in zero:
        ok = col_lo[s][cols] <= 0
        col_lo[s][cols[ok]] = 0.0
        col_hi[s][cols[ok]] = 0.0
        zeroed += int(ok.sum())
    # equality rows x_r - x_s = 0, skipping columns both fixed at the same value
    r_idx, c_idx, vals = [], [], []
    n_ties = 0
    for r, cr, s, cs in pairs:
        fixed = (col_lo[r][cr] == col_hi[r][cr]) & (col_lo[s][cs] == col_hi[s][cs]) & \
            np.isclose(col_lo[r][cr], col_lo[s][cs], rtol=0, atol=1e-12)
        cr, cs = cr[~fixed], cs[~fixed]
        k = np.arange(n_ties, n_ties + len(cr))
        r_idx += [k, k]
        c_idx += [cr + ncol[r], cs + ncol[s]]
        vals += [np.ones(len(cr)), -np.ones(len(cs))]
        n_ties += len(cr)
    n = int(ncol[-1])
    blocks = [f.a for f in forms]
    cost = np.concatenate([m.probability * f.cost for m, f in zip(members, forms,
                                                                   strict=True)])
    lo, hi = np.concatenate(col_lo), np.concatenate(col_hi)
    row_lo = np.concatenate([f.row_lo for f in forms])
    row_hi = np.concatenate([f.row_hi for f in forms])
    offset = float(sum(m.probability * f.offset for m, f in zip(members, forms, strict=True)))
    tie = sp.csr_matrix((np.concatenate(vals) if vals else np.zeros(0),
                         (np.concatenate(r_idx) if r_idx else np.zeros(0, np.int64),
                          np.concatenate(c_idx) if c_idx else np.zeros(0, np.int64))),
                        shape=(n_ties, n))
    a = sp.vstack([sp.block_diag(blocks, format="csr"), tie], format="csr")
    row_lo = np.concatenate([row_lo, np.zeros(n_ties)])
    row_hi = np.concatenate([row_hi, np.zeros(n_ties)])
    risk_cols = None
    if risk is not None and risk.weight > 0 and len(members) > 1:
        a, cost, lo, hi, row_lo, row_hi, risk_cols = _cvar(members, ncol, a, cost, lo, hi,
                                                           row_lo, row_hi, risk)
    form = StandardForm(a=sp.csc_matrix(a), cost=cost, col_lo=lo, col_hi=hi, row_lo=row_lo,
                        row_hi=row_hi, offset=offset)
    form.a.sort_indices()
    return Stacked(form, [slice(int(ncol[i]), int(ncol[i + 1])) for i in range(len(forms))],
                   [slice(int(nrow[i]), int(nrow[i + 1])) for i in range(len(forms))],
                   n_ties, zeroed, risk_cols)


def _cvar(members, ncol, a, cost, lo, hi, row_lo, row_hi, risk):
    """Append η_p (free) and u_{p,s} >= 0 with rows u_{p,s} + η_p - C_{p,s}(x_s) >= 0."""
    parties = [p for p in risk.parties if p in members[0].parties]
    S, P = len(members), len(parties)
    n = a.shape[1]
    n_new = P + P * S
    rows = []
    for s, m in enumerate(members):
        pc = m.party_cost[[m.parties.index(p) for p in parties], :]
        left = sp.csr_matrix((P, int(ncol[s])))
        right = sp.csr_matrix((P, n - int(ncol[s + 1])))
        eta = sp.identity(P, format="csr")
        u = sp.csr_matrix((np.ones(P), (np.arange(P), P * s + np.arange(P))), shape=(P, P * S))
        rows.append(sp.hstack([left, -pc, right, eta, u], format="csr"))
    a = sp.vstack([sp.hstack([a, sp.csr_matrix((a.shape[0], n_new))]), *rows], format="csr")
    w, alpha = risk.weight, risk.cvar_alpha
    probs = np.array([m.probability for m in members])
    cost = np.concatenate([cost, np.full(P, w), w / (1 - alpha) * np.repeat(probs, P)])
    lo = np.concatenate([lo, np.full(P, -np.inf), np.zeros(P * S)])
    hi = np.concatenate([hi, np.full(n_new, np.inf)])
    row_lo = np.concatenate([row_lo, np.zeros(P * S)])
    row_hi = np.concatenate([row_hi, np.full(P * S, np.inf)])
    return a, cost, lo, hi, row_lo, row_hi, slice(n, n + n_new)


def member_outcome(out: Outcome, st: Stacked, i: int, m: Member) -> Outcome:
    """Scenario i's share of the stochastic solution, as if solved alone: its columns, its
    rows' duals divided by its probability, its own (unweighted) objective."""
    x = out.x[st.cols[i]]
    obj = float(np.dot(m.form.cost, x) + m.form.offset)
    return Outcome(status=out.status, model_status=out.model_status, objective=obj, x=x,
                   row_dual=out.row_dual[st.rows[i]] / m.probability,
                   col_dual=out.col_dual[st.cols[i]] / m.probability, highs_s=out.highs_s,
                   handover_s=out.handover_s, iterations=out.iterations, options=out.options,
                   run_wall_s=out.run_wall_s, loadback_s=out.loadback_s)
