"""A sweep's outputs, assembled from its per-scenario files: table, cube, summary, index.

- `table.parquet` / `table.csv`: one row per scenario: its parameters by their paths, status
  and message, objective, per party cost, unserved energy and lowest days of cover, swap use,
  solve seconds and whether the solve was warm;
- `cube.nc`: scenario x market x date for unserved energy, marginal value and LNG stock;
- `summary.json`: per group (variant and grid point) and party, the mean, P90, P99, worst and
  CVaR of unserved energy and of cost over the group's samples;
- `index.json`: scenario -> key (hash of the resolved case and the dataset) -> file, status.
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from lngswap.results.writer import write_file
from lngswap.studies.sweep_store import FAILED, SCENARIOS, write_json

if TYPE_CHECKING:
    from lngswap.studies.sweep import SweepRun

#: CVaR level: the mean of the worst (1 - CVAR_ALPHA) share of samples.
CVAR_ALPHA = 0.9
MEASURES = (("unserved", "unserved_{p}_mmbtu"), ("cost", "cost_{p}_usd"))


def cvar(values: np.ndarray, alpha: float = CVAR_ALPHA) -> float:
    """Mean of the worst (1 - alpha) share of equally likely samples (higher is worse); the
    sample on the tail's edge counts with the fraction of it that lies inside."""
    x = np.sort(np.asarray(values, dtype=float))[::-1]
    k = (1.0 - alpha) * len(x)
    whole = int(math.floor(k))
    if k <= 0:
        return float(x[0])
    tail = x[:whole].sum() + (k - whole) * (x[whole] if whole < len(x) else 0.0)
    return float(tail / k)


def statistics(values: np.ndarray) -> dict[str, float]:
    """Mean, P90, P99, worst and CVaR of a sample (higher is worse)."""
    v = np.asarray(values, dtype=float)
    return {"mean": float(v.mean()), "p90": float(np.quantile(v, 0.9)),
            "p99": float(np.quantile(v, 0.99)), "worst": float(v.max()),
            f"cvar{round(CVAR_ALPHA * 100)}": cvar(v)}


def _column(values: list) -> list:
    """A parameter column of one type: dates as ISO text, numbers as floats, else text."""
    if all(isinstance(v, date) for v in values):
        return [v.isoformat() for v in values]
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return [float(v) for v in values]
    return [v if isinstance(v, str) else str(v) for v in values]


def table(run: SweepRun) -> pd.DataFrame:
    """One row per scenario, in scenario order."""
    scs = run.scenarios
    cols: dict[str, list] = {"scenario": [s.scenario for s in scs]}
    if any(s.variant for s in scs):
        cols["variant"] = [s.variant or "" for s in scs]
    for k in scs[0].params if scs else []:
        cols[k] = _column([s.params[k] for s in scs])
    recs = [run.records.get(s.key, {"status": "failed", "error": "not run"}) for s in scs]
    cols["status"] = [r.get("status", "failed") for r in recs]
    cols["error"] = [r.get("error", "") for r in recs]
    figs = [r.get("figures", {}) for r in recs]
    names = sorted({k for f in figs for k in f}, key=_figure_order)
    for k in names:
        cols[k] = [float(f[k]) if k in f else np.nan for f in figs]
    cols["solve_seconds"] = [float(r.get("seconds", np.nan)) for r in recs]
    cols["warm"] = [bool((r.get("reuse") or {}).get("warm", False)) for r in recs]
    cols["key"] = [s.key for s in scs]
    return pd.DataFrame(cols)


def _figure_order(name: str) -> tuple:
    for i, prefix in enumerate(("objective", "cost_", "unserved_", "lowest_", "swap_")):
        if name.startswith(prefix):
            return (i, name)
    return (9, name)


def cube(run: SweepRun) -> xr.Dataset:
    """Scenario x market x date arrays of the finished scenarios (NaN where failed)."""
    scs = run.scenarios
    cubes = [run.records.get(s.key, {}).get("cube") for s in scs]
    markets = sorted({m for c in cubes if c for m in c["markets"]})
    dates = sorted({d for c in cubes if c for d in c["dates"]})
    shape = (len(scs), len(markets), len(dates))
    out = {}
    for var in ("unserved_mmbtu", "marginal_value_usd_per_mmbtu", "stock_mmbtu"):
        arr = np.full(shape, np.nan)
        for i, c in enumerate(cubes):
            if not c:
                continue
            mi = [markets.index(m) for m in c["markets"]]
            di = [dates.index(d) for d in c["dates"]]
            vals = np.array(c[var], dtype=float)
            arr[i][np.ix_(mi, di)] = vals
        out[var] = (("scenario", "market", "date"), arr)
    ds = xr.Dataset(out, coords={"scenario": [s.scenario for s in scs], "market": markets,
                                 "date": pd.to_datetime(dates)})
    ds["unserved_mmbtu"].attrs["units"] = "MMBtu per day"
    ds["marginal_value_usd_per_mmbtu"].attrs["units"] = "USD/MMBtu"
    ds["stock_mmbtu"].attrs["units"] = "MMBtu (LNG in tanks, end of day)"
    ds.attrs["sweep_file"] = run.sweep.source_path
    return ds


def parties(tab: pd.DataFrame) -> list[str]:
    """Parties with a cost column, in table order."""
    return [c[len("cost_"):-len("_usd")] for c in tab.columns
            if c.startswith("cost_") and c.endswith("_usd")]


def summary(run: SweepRun, tab: pd.DataFrame) -> dict:
    """Statistics per group (variant and grid point) and party over the finished samples."""
    group_keys = list(run.scenarios[0].group) if run.scenarios else []
    ok = tab[tab["status"] == "ok"]
    rows = []
    if len(ok):
        grouped = ok.groupby(group_keys, sort=False) if group_keys else [((), ok)]
        for gvals, g in grouped:
            gvals = gvals if isinstance(gvals, tuple) else (gvals,)
            label = dict(zip(group_keys, (_plain(v) for v in gvals), strict=True))
            for p in parties(tab):
                for measure, pattern in MEASURES:
                    col = pattern.format(p=p)
                    if col in g:
                        rows.append({"group": label, "party": p, "measure": measure,
                                     "unit": "MMBtu" if measure == "unserved" else "USD",
                                     "samples": len(g), **statistics(g[col].to_numpy())})
    return {"sweep_file": run.sweep.source_path, "scenarios": len(run.scenarios),
            "done": int((tab["status"] == "ok").sum()),
            "failed": int((tab["status"] != "ok").sum()),
            "skipped_finished": run.skipped, "seed": run.sweep.seed,
            "samples": run.sweep.samples, "cvar_alpha": CVAR_ALPHA,
            "warm_share": float(ok["warm"].mean()) if len(ok) else 0.0,
            "statistics": rows,
            "failures": [{"scenario": s, "error": e} for s, e, st in
                         zip(tab["scenario"], tab["error"], tab["status"], strict=True)
                         if st != "ok"]}


def _plain(v):
    return v.item() if hasattr(v, "item") else v


def index(run: SweepRun) -> dict:
    """Key (hash of the resolved case and dataset) -> status, scenarios and their files."""
    out: dict[str, dict] = {}
    for s in run.scenarios:
        st = run.records.get(s.key, {}).get("status", "pending")
        folder = SCENARIOS if st == "ok" else FAILED
        e = out.setdefault(s.key, {"status": st, "anchor": s.anchor, "scenarios": [],
                                   "files": []})
        e["scenarios"].append(s.scenario)
        e["files"].append(f"{folder}/{s.scenario}.json")
    return {"keyed_by": "sha256 of the resolved case and the dataset's file hashes",
            "keys": out}


def write_outputs(run: SweepRun) -> pd.DataFrame:
    """Write table, cube, summary and index into the sweep folder (each file atomically)."""
    tab = table(run)
    out = run.out
    write_file(out / "table.parquet", lambda p: tab.to_parquet(p, index=False), overwrite=True)
    write_file(out / "table.csv", lambda p: tab.to_csv(p, index=False, lineterminator="\n",
                                                       float_format="%.10g"), overwrite=True)
    ds = cube(run)
    write_file(out / "cube.nc", lambda p: ds.to_netcdf(p), overwrite=True)
    write_json(out / "summary.json", summary(run, tab))
    write_json(out / "index.json", index(run))
    return tab


def headline(summary_doc: dict, measure: str = "unserved") -> pd.DataFrame:
    """The printed table: one row per group and party for one measure."""
    rows = []
    for r in summary_doc["statistics"]:
        if r["measure"] != measure:
            continue
        label = ", ".join(f"{v}" for v in r["group"].values()) or "all"
        rows.append({"group": label, "party": r["party"],
                     **{k: r[k] for k in ("mean", "p90", "p99", "worst",
                                          f"cvar{round(CVAR_ALPHA * 100)}")}})
    return pd.DataFrame(rows)
