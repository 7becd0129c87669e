"""Headline figures of a run (summary.json)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lngswap.solve.highs_backend import Outcome


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
    by_origin = (planned.groupby(["market", "source_country"])["delivered_mmbtu"].sum()
                 .round(0))
    origin: dict[str, dict[str, float]] = {}
    for (m, c), v in by_origin.items():
        origin.setdefault(str(m), {})[str(c)] = float(v)
    rerouted = planned[planned["route"] != "direct"]
    m, n = form.shape
    return {
        "case": md.case.name,
        "status": out.status.value,
        "objective_usd": _r(out.objective * 1e6),
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
        "cut_off_cargoes": int(md.cargo["cut_off"].sum()),
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


def human_summary(summary: dict) -> str:
    """A few lines for the terminal."""
    un = pd.Series(summary["unserved_mmbtu"])
    dl = pd.Series(summary["delivered_mmbtu"])
    lines = [f"case {summary['case']}: {summary['status']}, objective "
             f"{summary['objective_usd'] / 1e9:,.2f} bn USD "
             f"({summary['variables']:,} variables, {summary['constraints']:,} constraints)"]
    core = [m for m in dl.index if not str(m).startswith("ROW")]
    lines.append("market   delivered TBtu   unserved TBtu   lowest cover d   mean value $/MMBtu")
    for mk in core:
        lines.append(f"{mk:<8} {dl.get(mk, 0) / 1e6:>14,.1f} {un.get(mk, 0) / 1e6:>15,.2f} "
                     f"{summary['lowest_days_of_cover'].get(mk, 0):>16,.1f} "
                     f"{summary['mean_marginal_value_usd_per_mmbtu'].get(mk, 0):>20,.2f}")
    t = summary["timings_s"]
    lines.append("timings s: " + ", ".join(f"{k} {v:.2f}" for k, v in t.items()))
    return "\n".join(lines)
