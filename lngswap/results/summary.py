"""Headline figures of a run (summary.json), and their typed schema.

`summarise` gives the figures as a plain dict (what `summary.json` holds); `RunSummary`
types the same keys, so readers (compare, swap-terms, the console summary, other tools)
read fields instead of strings: `RunSummary.read(folder)`. The schema only adds keys over
time; a key written by an older version stays readable.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from lngswap.solve.highs_backend import Outcome
from lngswap.units import USD_PER_MUSD


class _Open(BaseModel):
    """A block of the summary: known keys typed, keys added by newer versions kept."""

    model_config = ConfigDict(extra="allow")


class Horizon(_Open):
    start: str
    end: str
    days: int


class Solve(_Open):
    """One LP solve of the run (see `studies.study.SolveRecord`)."""

    purpose: str = Field(description="run, plan without events, isolated reference, ...")
    model: str = Field(description="the case and mode solved")
    start: str = Field(description="warm (from another solve's basis) or cold")
    seconds: float
    iterations: int
    status: str
    source: str = Field("solved", description="solved, or read from the plan store")
    variables: int = 0
    constraints: int = 0


class Foresight(_Open):
    mode: str
    fixed_before_day: int | None = None
    fixed_variables: dict[str, int] = Field(default_factory=dict)


class PartiesSummary(_Open):
    total_cost_usd: dict[str, float]
    resale_price_basis: str
    unattributed_usd: float


class RunSummary(_Open):
    """The typed `summary.json` of a run: money in USD, energy in MMBtu, dates ISO."""

    case: str
    status: str
    objective_usd: float
    horizon: Horizon
    cooperation: str
    unserved_mmbtu: dict[str, float]
    delivered_mmbtu: dict[str, float]
    deliveries_by_origin_mmbtu: dict[str, dict[str, float]] = Field(default_factory=dict)
    lowest_days_of_cover: dict[str, float]
    lowest_cover_date: dict[str, str] = Field(default_factory=dict)
    mean_marginal_value_usd_per_mmbtu: dict[str, float]
    rerouted_cargoes: int = 0
    cut_off_cargoes: int = 0
    mean_voyage_days: float = 0.0
    costs_usd: dict[str, float] = Field(default_factory=dict)
    storage_targets: list[dict] = Field(default_factory=list)
    below_floor_mmbtu_days: float = 0.0
    variables: int
    constraints: int
    nonzeros: int
    size: dict[str, int] = Field(default_factory=dict)
    pruning: dict[str, int] = Field(default_factory=dict)
    coefficient_ranges: dict[str, list[float]] = Field(default_factory=dict)
    highs: dict = Field(default_factory=dict)
    timings_s: dict[str, float] = Field(default_factory=dict)
    solves: list[Solve] = Field(default_factory=list)
    foresight: Foresight | None = None
    compliance_cost_usd: float | None = None
    compliance: dict | None = None
    parties: PartiesSummary | None = None
    swaps: dict | None = None

    @classmethod
    def read(cls, folder: str | Path) -> RunSummary:
        """The summary of a run folder."""
        return cls.model_validate(json.loads((Path(folder) / "summary.json").read_text()))

    def as_json(self) -> dict:
        """The keys as written to summary.json (only those the run set)."""
        return self.model_dump(mode="json", exclude_unset=True)


def _r(x: float, nd: int = 2) -> float:
    return float(np.round(float(x), nd))


def summarise(b, out: Outcome, res, costs: dict, targets: list[dict]) -> dict:
    """Case, status, objective, shortfalls, deliveries, cover, costs, model size, timings."""
    md, form = b.md, b.form
    mkt, sch = res.markets, res.schedule
    unserved = mkt.groupby("market")["unserved_mmbtu"].sum()
    delivered = sch.groupby("market")["delivered_mmbtu"].sum().reindex(
        mkt["market"].unique(), fill_value=0.0)
    cover = mkt.groupby("market")["days_of_cover"].min()
    low_day = mkt.loc[mkt.groupby("market")["days_of_cover"].idxmin(), ["market", "date"]]
    mv = mkt.groupby("market")["marginal_value_usd_per_mmbtu"].mean()
    planned = sch[sch["status"] == "planned"]
    # every delivery, the cargoes already at sea on the first day included, so that the
    # origins add up to `delivered_mmbtu` (and to schedule.csv)
    by_origin = (sch.groupby(["market", "source_country"])["delivered_mmbtu"].sum()
                 .round(0))
    origin: dict[str, dict[str, float]] = {}
    for (m, c), v in by_origin.items():
        origin.setdefault(str(m), {})[str(c)] = float(v)
    rerouted = planned[planned["route"] != "direct"]
    m, n = form.shape
    return {
        "case": md.case.name,
        "status": out.status.value,
        "objective_usd": _r(out.objective * USD_PER_MUSD),
        "horizon": {"start": str(md.case.horizon.start), "end": str(md.case.horizon.end),
                    "days": md.report_days, "run_out_days": md.cal.n - md.report_days},
        "cooperation": md.case.cooperation,
        "unserved_mmbtu": {k: _r(v, 0) for k, v in unserved.items()},
        "delivered_mmbtu": {k: _r(v, 0) for k, v in delivered.items()},
        "deliveries_by_origin_mmbtu": origin,
        "lowest_days_of_cover": {k: _r(v, 2) for k, v in cover.items()},
        "lowest_cover_date": dict(zip(low_day["market"], low_day["date"], strict=True)),
        "mean_marginal_value_usd_per_mmbtu": {k: _r(v, 3) for k, v in mv.items()},
        "rerouted_cargoes": int(rerouted["cargo_id"].nunique()),
        "cut_off_cargoes": int((md.cargo["cut_off"].to_numpy(dtype=bool)
                                & (md.cargo["load_day"].to_numpy() < md.report_days)).sum()),
        "mean_voyage_days": _r(np.average(planned["voyage_days"], weights=planned["fraction"])
                               if len(planned) else 0.0, 2),
        "costs_usd": {k: _r(v) for k, v in costs.items()},
        "storage_targets": targets,
        "below_floor_mmbtu_days": _r(res.inventory["below_floor_mmbtu"].sum(), 0),
        "variables": int(n),
        "constraints": int(m),
        "nonzeros": int(form.a.nnz),
        "size": {"variables": int(n), "constraints": int(m), "nonzeros": int(form.a.nnz)},
        "pruning": {k: v for k, v in md.counts.items()},
        "coefficient_ranges": form.coefficient_ranges(),
        "highs": {"model_status": out.model_status, "iterations": out.iterations},
        "timings_s": {},
    }


def human_summary(summary: dict | RunSummary) -> str:
    """A few lines for the terminal."""
    s = summary if isinstance(summary, RunSummary) else RunSummary.model_validate(summary)
    un = pd.Series(s.unserved_mmbtu)
    dl = pd.Series(s.delivered_mmbtu)
    lines = [f"case {s.case}: {s.status}, objective {s.objective_usd / 1e9:,.2f} bn USD "
             f"({s.variables:,} variables, {s.constraints:,} constraints)"]
    core = [m for m in dl.index if not str(m).startswith("ROW")]
    lines.append("market   delivered TBtu   unserved TBtu   lowest cover d   mean value $/MMBtu")
    for mk in core:
        lines.append(f"{mk:<8} {dl.get(mk, 0) / 1e6:>14,.1f} {un.get(mk, 0) / 1e6:>15,.2f} "
                     f"{s.lowest_days_of_cover.get(mk, 0):>16,.1f} "
                     f"{s.mean_marginal_value_usd_per_mmbtu.get(mk, 0):>20,.2f}")
    lines.append("timings s: " + ", ".join(f"{k} {v:.2f}" for k, v in s.timings_s.items()))
    return "\n".join(lines)
