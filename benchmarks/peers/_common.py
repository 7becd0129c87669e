"""What every peer shares: the index tables lngswap builds, and the benchmark record.

A peer starts from the same index tables as lngswap (cargoes, arcs, nodes, demand, canal
caps, fleet), never from lngswap's LP blocks or assembled matrix, and writes the formulation
of `lngswap/model/formulation.py` in its own tool. Peers cover the core families and bans as
bounds; a case with volume caps, swaps or hard shortfall is refused, not approximated.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

import lngswap
from benchmarks.measure import machine, median_of, peak_rss_mib
from lngswap.areas.extensions import apply_extensions, swap_partners
from lngswap.inputs.dataset import load_dataset
from lngswap.model.formulation import STORAGE_CYCLE_COST_USD_PER_MMBTU as CYCLE_COST  # noqa: F401
from lngswap.tables.indices import ModelData, build_model_data


def index_tables(case_path: Path, sets: list[str] | None) -> tuple[ModelData, float]:
    """Load the case and dataset (untimed), build lngswap's index tables (timed: the e2e
    clock starts here, as lngswap's does) and return them with the clock's start."""
    case = lngswap.load_case(case_path, sets or [])
    ds = load_dataset(case.dataset)
    t0 = time.perf_counter()
    if case.cooperation != "isolated" or getattr(case, "shortfall", "soft") == "hard":
        raise ValueError(f"{case.name}: the peers model isolated cases with soft shortfall "
                         f"only (cooperation {case.cooperation!r})")
    md = build_model_data(case, ds, swap_partners(case))
    apply_extensions(md, ds, None)
    comp = md.extras.get("rules")
    if comp is not None and len(comp.cap_rows):
        raise ValueError(f"{case.name}: the peers do not model volume caps")
    unmodelled = [what for what, on in (
        ("working stocks", "working" in md.nodes and bool((md.nodes["working"] > 0).any())),
        ("resale caps", case.economics.resale_cap_share < 1.0),
        ("an end-of-run storage floor", case.economics.end_storage_min_share is not None))
        if on]
    if unmodelled:
        raise ValueError(f"{case.name}: the peers do not model {', '.join(unmodelled)}")
    return md, t0


def ship_bounds_and_cost(md: ModelData) -> tuple[np.ndarray, np.ndarray]:
    """Upper bound and cost (million USD per unit share) of each arc: the cargo's
    availability (zero on arcs a ban closes) and volume x (price + freight + diversion fee or
    FOB resale margin)."""
    cargo, arcs, eco = md.cargo, md.arcs, md.case.economics
    ca = arcs["cargo"].to_numpy()
    diverted = (arcs["diverted"].to_numpy(dtype=bool) if "diverted" in arcs
                else np.zeros(len(arcs), dtype=bool))
    resold = (arcs["resold"].to_numpy(dtype=bool) if "resold" in arcs
              else np.zeros(len(arcs), dtype=bool))
    ub = cargo["avail"].to_numpy()[ca].astype(float)
    comp = md.extras.get("rules")
    for closed in (comp.closed.values() if comp is not None else ()):
        ub[closed] = 0.0
    cost = cargo["volume_tbtu"].to_numpy()[ca] * (
        cargo["price_usd_per_mmbtu"].to_numpy()[ca] + arcs["freight_usd_per_mmbtu"].to_numpy()
        + eco.des_diversion_fee_usd_per_mmbtu * diverted
        + eco.fob_resale_fee_usd_per_mmbtu * resold)
    return ub, cost


def end_values(md: ModelData) -> tuple[np.ndarray, np.ndarray]:
    """USD/MMBtu of stock left at the end, per import node and per storage zone (the index
    tables' `end_value` where they set it, else the case's flat value)."""
    flat = md.case.economics.end_stock_value_usd_per_mmbtu

    def per_row(table) -> np.ndarray:
        if "end_value" in table:
            return table["end_value"].to_numpy(dtype=float)
        return np.full(len(table), flat)

    return per_row(md.nodes), per_row(md.demand.storage)


def record(instance: str, method: str, code: str, runs: list[dict], size: dict) -> dict:
    """A benchmark record: medians of the runs, the model size the peer built, its code."""
    med = median_of([{k: v for k, v in r.items() if isinstance(v, (int, float))} for r in runs])
    n = size["variables"]
    rec = {"instance": instance, "method": method, "model_code": code, **size, **med,
           "repeats": len(runs), "runs": runs, "peak_rss_mib": peak_rss_mib(),
           "machine": machine()}
    rec["ratio_e2e_highs"] = rec["e2e_s"] / rec["highs_s"] if rec.get("highs_s") else None
    rec["overhead_us_per_var"] = (rec["e2e_s"] - rec["highs_s"]) / n * 1e6 if n else None
    return rec
