"""Seeded synthetic instances: a world of the same shape as the default dataset, any size.

An instance is a dataset folder (the same CSV layout as `data/`) plus a case file, so it runs
through the real index building and formulation. Sizes are set by the number of sources,
import nodes and days; a fifth of the port-node pairs cross a canal with a longer way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

SRC = "synthetic (seeded); figures are random draws, not data"


@dataclass(frozen=True)
class Size:
    """Scale of one synthetic instance."""

    name: str
    sources: int
    core_markets: int
    nodes_per_market: int
    row_markets: int
    days: int
    approx_variables: int = 0


SIZES = {
    "small": Size("small", sources=8, core_markets=3, nodes_per_market=3, row_markets=2,
                  days=90, approx_variables=10_000),
    "medium": Size("medium", sources=18, core_markets=6, nodes_per_market=3, row_markets=4,
                   days=365, approx_variables=130_000),
    "large": Size("large", sources=60, core_markets=12, nodes_per_market=9, row_markets=4,
                  days=365, approx_variables=990_000),
}


def write_instance(size: Size, folder: Path, seed: int = 0) -> Path:
    """Write a synthetic dataset and case into `folder`; returns the case file."""
    rng = np.random.default_rng(seed)
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    cargo_t = 174_000 * 0.45
    markets, terminals = [], []
    for m in range(size.core_markets):
        code = f"M{m:02d}"
        demand = float(rng.uniform(15, 60))
        markets.append({"market": code, "name": code, "party": f"P{m % 3}", "kind": "core",
                        "lng_demand_mtpa": demand, "profile": "winter",
                        "floor_days": float(rng.choice([0, 0, 9]))})
        for k in range(size.nodes_per_market):
            terminals.append({
                "terminal": f"t{m:02d}-{k}", "name": f"T{m}.{k}", "members": "", "country": code,
                "market": code, "party": f"P{m % 3}", "kind": "terminal",
                "lon": float(rng.uniform(-10, 140)), "lat": float(rng.uniform(-30, 60)),
                "regas_mtpa": 2.0 * demand / size.nodes_per_market,
                "tank_m3": float(rng.uniform(0.3e6, 2.0e6)), "tank_estimated": "yes",
                "initial_fill": 0.5, "floor_t": 0.0})
    for r in range(size.row_markets):
        code = f"ROW-{r}"
        demand = float(rng.uniform(30, 80))
        markets.append({"market": code, "name": code, "party": "ROW", "kind": "row",
                        "lng_demand_mtpa": demand, "profile": "flat", "floor_days": 0.0})
        terminals.append({"terminal": f"row-{r}", "name": code, "members": "", "country": code,
                          "market": code, "party": "ROW", "kind": "row", "lon": 0.0, "lat": 0.0,
                          "regas_mtpa": 2.0 * demand, "tank_m3": demand * 1e6 / 0.45 / 36,
                          "tank_estimated": "yes", "initial_fill": 0.5, "floor_t": 0.0})
    total = sum(m["lng_demand_mtpa"] for m in markets)
    shares = rng.dirichlet(np.ones(size.sources))
    sources = [{"source_id": f"s{i:02d}", "name": f"S{i}", "country": f"C{i % 7}",
                "port": f"p{i:02d}", "lon": 0.0, "lat": 0.0,
                "capacity_mtpa": float(1.05 * total * shares[i]), "availability": 1.0,
                "start_date": "", "tags": f"c{i % 7}",
                "spot_cost_usd_per_mmbtu": float(rng.uniform(2, 6))}
               for i in range(size.sources)]
    contracts = []
    for i, s in enumerate(sources):
        m = markets[i % size.core_markets]
        contracts.append({"contract": f"k{i:02d}", "owner": m["party"], "market": m["market"],
                          "seller": s["source_id"], "acq_mtpa": 0.5 * s["capacity_mtpa"],
                          "term": "long", "start_date": "2020-01-01", "end_date": "2040-12-31",
                          "price_formula": "oil", "index": "brent", "slope": 0.13,
                          "constant_usd_per_mmbtu": 0.5, "destination": "FOB",
                          "cancel_fee_usd_per_mmbtu": ""})
    routes = []
    for s in sources:
        for t in terminals:
            d = float(rng.uniform(1_000, 12_000))
            canal = rng.random() < 0.2
            routes.append({"port": s["port"], "terminal": t["terminal"], "route": "direct",
                           "distance_nm": round(d, 1), "passages": "suez" if canal else "",
                           "passage_offsets_nm": f"{d / 2:.1f}" if canal else "",
                           "searoute_version": "synthetic"})
            if canal:
                routes.append({"port": s["port"], "terminal": t["terminal"],
                               "route": "avoid-suez", "distance_nm": round(1.6 * d, 1),
                               "passages": "cape", "passage_offsets_nm": f"{0.8 * d:.1f}",
                               "searoute_version": "synthetic"})
    winter = [1.3, 1.25, 1.1, 0.95, 0.85, 0.8, 0.85, 0.85, 0.85, 0.95, 1.05, 1.2]
    winter = list(np.array(winter) / np.mean(winter))
    tables = {
        "sources": sources, "terminals": terminals, "markets": markets,
        "demand_profile": ([{"profile": "winter", "month": k + 1, "factor": round(f, 6)}
                            for k, f in enumerate(winter)]
                           + [{"profile": "flat", "month": k + 1, "factor": 1.0}
                              for k in range(12)]),
        "row_demand": [{"market": m["market"], "step": k + 1, "share": sh, "wtp_usd_per_mmbtu": w}
                       for m in markets if m["kind"] == "row"
                       for k, (sh, w) in enumerate([(0.6, 20.0), (0.3, 14.0), (0.15, 11.5),
                                                    (0.15, 8.0)])],
        "contracts": contracts,
        "storage": [{"market": m["market"], "capacity_mmbtu": m["lng_demand_mtpa"] * 46.41e6 / 4,
                     "initial_fill": 0.6, "injection_mmbtu_per_day": m["lng_demand_mtpa"] * 1e5,
                     "withdrawal_mmbtu_per_day": m["lng_demand_mtpa"] * 3e5}
                    for m in markets[: max(1, size.core_markets // 3)]],
        "fleet": [{"parameter": k, "value": v, "unit": u} for k, v, u in (
            ("carriers", 5.0 * size.sources * 10, "ships"), ("cargo_m3", 174_000, "m3"),
            ("speed_knots", 17, "kn"), ("port_days", 2, "d"),
            ("charter_usd_per_day", 60_000, "USD/d"), ("boil_off_pct_per_day", 0.1, "%/d"))],
        "passages": [{"passage": "suez", "fee_usd_per_transit": 450_000, "transits_per_day": 3},
                     {"passage": "cape", "fee_usd_per_transit": 0, "transits_per_day": ""}],
        "prices": [{"index": i, "start_date": "2020-01-01", "value": v, "unit": u}
                   for i, v, u in (("brent", 70, "USD/bbl"), ("henry_hub", 3.5, "USD/MMBtu"),
                                   ("ttf", 11, "USD/MMBtu"), ("jkm", 11.7, "USD/MMBtu"))],
        "penalties": [{"tier": 1, "share": 0.1, "usd_per_mmbtu": 40},
                      {"tier": 2, "share": 0.3, "usd_per_mmbtu": 80},
                      {"tier": 3, "share": 0.6, "usd_per_mmbtu": 300}],
        "routes": routes,
    }
    del cargo_t
    for name, rows in tables.items():
        df = pd.DataFrame(rows)
        df["source"] = SRC
        df.to_csv(data / f"{name}.csv", index=False)
    end = pd.Timestamp("2026-01-01") + pd.Timedelta(days=size.days - 1)
    case = {"name": f"synthetic-{size.name}", "dataset": str(data),
            "horizon": {"start": "2026-01-01", "end": str(end.date())}}
    path = folder / f"synthetic-{size.name}.yaml"
    path.write_text(yaml.safe_dump(case, sort_keys=False))
    return path
