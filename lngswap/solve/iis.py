"""An infeasible case explained: HiGHS's irreducible infeasible subsystem (IIS) in domain words.

An IIS is a smallest set of constraints and variable bounds that cannot hold together: drop
any one and the rest can. HiGHS computes it (`Highs.getIis`); this module maps each of its
rows and columns back to the block it belongs to and to the labels of that block's index
table (market, terminal, day, cargo, rule, agreement), and groups them into sentences such as
"UK: demand must be met in full on 14 days, 2026-01-01 to 2026-01-14".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: HiGHS `iis_strategy` bits (highspy.IisStrategy): start from the LP, make it irreducible.
IIS_FROM_LP, IIS_IRREDUCIBLE = 2, 4
#: highspy.IisBoundStatus.kIisBoundStatusLower: the member is a variable's lower bound.
BOUND_LOWER = 2

#: What a constraint family demands, in words.
ROW_WORDS = {
    "market_balance": "demand must be met in full (send-out, storage and no shortfall)",
    "row_balance": "rest-of-world sales balance its send-out",
    "stock_balance": "tank stock follows arrivals and send-out",
    "strategic_floor": "stock must stay at or above the strategic floor (and tank heel)",
    "cargo_balance": "the cargo is shipped or left unlifted",
    "storage_balance": "underground storage follows injection and withdrawal",
    "storage_target": "the storage fill target must be met",
    "fleet_balance": "ships in use stay within the fleet",
    "canal_capacity": "canal transits stay within the daily cap",
    "end_value": "end stock is valued only up to the stock held",
    "rule_volume_cap": "imports covered by the rule stay under its volume cap",
}

#: Variable families held in TBtu: their bounds are shown in MMBtu.
ENERGY = {"sendout", "stock", "ugs", "inject", "withdraw", "unserved", "below_floor",
          "at_sea_overflow", "end_stock", "end_ugs"}

#: Constraint families whose lower side is an energy the case needs (demand, floor, target).
NEEDS = {"market_balance", "strategic_floor", "storage_target"}

#: What a bound on a variable family means, in words.
COL_WORDS = {
    "sendout": "send-out is capped at the regas capacity",
    "stock": "stock is capped at the tank size",
    "unserved": "no unserved demand is allowed (shortfall: hard)",
    "below_floor": "no stock below the floor is allowed (shortfall: hard)",
    "ship": "the cargo is available only in part (supply outage or contract)",
    "unlifted": "the cargo is available only in part",
    "ugs": "storage is capped at its working capacity",
    "inject": "injection is capped",
    "withdraw": "withdrawal is capped",
    "ships_busy": "ships in use are capped at the carriers available",
    "at_sea_overflow": "cargoes already at sea arrive as scheduled",
    "end_stock": "end stock is valued only up to its starting level",
}


@dataclass(frozen=True)
class Conflict:
    """One group of IIS members: a family, the names it concerns and the days it covers."""

    kind: str          # "row", "bound" (upper or fixed) or "lower bound"
    family: str
    names: str         # e.g. "UK" or "terminal south-hook (UK)"
    days: tuple[str, ...]
    count: int
    limit: str = ""    # the bound's value, for bounds on energy

    def sentence(self) -> str:
        if self.kind == "lower bound":
            words = f"{self.family.replace('_', ' ')} cannot be negative"
        else:
            words = (ROW_WORDS if self.kind == "row" else COL_WORDS).get(self.family,
                                                                          self.family)
        when = ""
        if self.days:
            first, last = self.days[0], self.days[-1]
            n = len(self.days)
            when = (f" on {first}" if n == 1 else f" on {n} days, {first} to {last}")
        limit = f", {self.limit}" if self.limit else ""
        return f"{self.names}: {words} ({self.family}){limit}{when}"


def _labeller(md) -> dict[str, object]:
    """Column name -> function from integer positions to display labels."""
    dates = md.cal.date_of(np.arange(md.cal.n))
    nodes = md.nodes
    term = [f"terminal {t} ({m})" for t, m in zip(nodes["terminal"], nodes["market"],
                                                    strict=True)]
    sto = md.demand.storage
    core = md.demand.markets["market"].to_numpy()
    zones = [f"storage {core[int(m)]}" for m in sto["market"]] if len(sto) else []
    cargo = md.cargo["cargo_id"].to_numpy()
    return {"day": lambda i: dates[i], "target": lambda i: dates[i],
            "node": lambda i: term[i], "holder": lambda i: (term + zones)[i],
            "zone": lambda i: zones[i], "cargo": lambda i: f"cargo {cargo[i]}"}


def _label_rows(index: pd.DataFrame, family: str, md, lab: dict) -> tuple[list[str], list[str]]:
    """(names, days) for each row of a block's index table."""
    market_names = (md.demand.row_markets if family == "row_balance"
                    else md.demand.markets)["market"].to_numpy()
    days: list[str] = []
    names: list[str] = []
    for row in index.itertuples(index=False):
        parts, day = [], ""
        for col, val in zip(index.columns, row, strict=True):
            if col in ("day", "target"):
                day = str(lab[col](int(val)))
            elif col == "market" and not isinstance(val, str):
                parts.append(str(market_names[int(val)]))
            elif col in lab and not isinstance(val, str):
                parts.append(str(lab[col](int(val))))
            elif col not in ("tier", "step", "route"):
                parts.append(f"{col} {val}")
        names.append(", ".join(parts) or family)
        days.append(day)
    return names, days


def _groups(kind: str, members: list[tuple[str, int]], blocks: dict, md) -> list[Conflict]:
    """Group (family, row within block) members by family and names, collecting days."""
    lab = _labeller(md)
    out = []
    by_family: dict[str, list[int]] = {}
    for fam, i in members:
        by_family.setdefault(fam, []).append(i)
    for fam, rows in by_family.items():
        idx = blocks[fam].index.iloc[sorted(set(rows))]
        names, days = _label_rows(idx, fam, md, lab)
        block = blocks[fam]
        values = {"row": getattr(block, "lo", None), "lower bound": getattr(block, "lb", None),
                  "bound": getattr(block, "ub", None)}[kind][sorted(set(rows))]
        seen: dict[str, list[str]] = {}
        vals: dict[str, list[float]] = {}
        for n, d, x in zip(names, days, values, strict=True):
            seen.setdefault(n, [])
            vals.setdefault(n, []).append(float(x))
            if d:
                seen[n].append(d)
        for n, ds in seen.items():
            limit = (_limit(vals[n], "needs") if kind == "row" and fam in NEEDS
                     else _limit(vals[n]) if kind != "row" and fam in ENERGY else "")
            out.append(Conflict(kind, fam, n, tuple(sorted(set(ds))), max(1, len(ds)), limit))
    return out


def _limit(values: list[float], word: str = "limit") -> str:
    """A bound's or a need's value in MMBtu (the LP holds energy in TBtu)."""
    lo, hi = min(values) * 1e6, max(values) * 1e6
    if hi - lo <= 1e-6 * max(1.0, abs(hi)):
        return f"{word} {lo:,.0f} MMBtu"
    return f"{word} {lo:,.0f} to {hi:,.0f} MMBtu"


def _block_of(blocks: dict, positions: np.ndarray) -> list[tuple[str, int]]:
    """(block name, position within block) of global row or column numbers."""
    names = list(blocks)
    starts = np.array([blocks[n].offset for n in names])
    out = []
    for p in positions:
        k = int(np.searchsorted(starts, p, side="right") - 1)
        out.append((names[k], int(p - starts[k])))
    return out


def explain_iis(session, b) -> list[Conflict] | None:
    """The IIS of an infeasible model held by `session`, grouped in domain terms; None when
    HiGHS cannot give one."""
    rows = cols = np.zeros(0, dtype=np.int64)
    lower = np.zeros(0, dtype=bool)
    # HiGHS's light strategy finds nothing when presolve alone proves infeasibility; the
    # LP-based, irreducible one always finds a set (a little slower)
    for strategy in (IIS_FROM_LP | IIS_IRREDUCIBLE, 0):
        try:
            session.h.setOptionValue("iis_strategy", strategy)
            _status, iis = session.h.getIis()
        except Exception:  # noqa: BLE001 - an old highspy without IIS: explain without it
            return None
        if getattr(iis, "valid_", False) and (len(iis.row_index_) or len(iis.col_index_)):
            rows = np.asarray(iis.row_index_, dtype=np.int64)
            cols = np.asarray(iis.col_index_, dtype=np.int64)
            lower = np.asarray(iis.col_bound_, dtype=np.int64) == BOUND_LOWER
            break
    lp, md = b.lp, b.md
    if not len(rows) and not len(cols):
        return None
    conflicts = _groups("row", _block_of(lp.cons, rows), lp.cons, md)
    conflicts += _groups("lower bound", _block_of(lp.vars, cols[lower]), lp.vars, md)
    conflicts += _groups("bound", _block_of(lp.vars, cols[~lower]), lp.vars, md)
    return conflicts


def iis_text(conflicts: list[Conflict], limit: int = 12) -> str:
    """The conflicts as indented lines: constraints first, then the bounds they meet."""
    lines = [f"  - {c.sentence()}" for c in conflicts[:limit]]
    if len(conflicts) > limit:
        lines.append(f"  - ... and {len(conflicts) - limit} more groups")
    return "\n".join(lines)
