"""A guard on model size: refuse, before building, a case that would need more memory than
the machine has, naming the input that drove it.

The LP grows with cargoes x import nodes x routes (its arcs) plus nodes x days. Cargoes come
from `sources.csv` (capacity x availability / the standard cargo of `fleet.csv`) over the
horizon and the look-back for cargoes already at sea. A wrong unit (a capacity in tonnes, a
cargo of 10 m3) or a very long horizon turns a model of a few hundred megabytes into one of
hundreds of gigabytes: building it would exhaust memory long before HiGHS starts.
"""

from __future__ import annotations

import os
import resource

import numpy as np

from lngswap.errors import InputError
from lngswap.units import T_PER_M3

#: Memory per candidate arc (build tables, LP matrix and HiGHS's copy), measured on the
#: bundled data (about 1 KB; a 90-day case peaks at 160 MB with 59,000 candidate arcs).
BYTES_PER_ARC = 1024
BYTES_PER_NODE_DAY = 512
#: Share of the available memory a model may take.
MEMORY_SHARE = 0.5
#: Cargoes beyond which building the schedule alone takes minutes (one Python step each).
MAX_CARGOES = 2_000_000


def available_bytes() -> int:
    """Memory this process may use: the smaller of free memory and its address-space limit."""
    limits = []
    try:
        with open("/proc/meminfo", encoding="ascii") as f:  # noqa: PTH123 - a kernel file
            for line in f:
                if line.startswith("MemAvailable:"):
                    limits.append(int(line.split()[1]) * 1024)
    except OSError:
        pass
    if not limits:
        try:
            limits.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):
            limits.append(8 << 30)
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft not in (resource.RLIM_INFINITY, -1) and soft > 0:
        limits.append(int(soft))
    return min(limits)


def estimate(case, ds) -> dict:
    """Cargoes, candidate arcs and bytes the case would need, with the largest source."""
    fleet = ds.fleet.set_index("parameter")["value"]
    cargo_t = float(fleet["cargo_m3"]) * T_PER_M3
    speed = case.shipping.speed_knots or float(fleet["speed_knots"])
    longest = float(ds.routes["distance_nm"].max()) if len(ds.routes) else 0.0
    lookback = 2 * np.ceil(longest / (speed * 24.0)) + np.ceil(float(fleet["port_days"]))
    days = case.horizon.lp_days  # the LP runs on through the run-out
    src = ds.sources
    per_source = (src["capacity_mtpa"].to_numpy() * 1e6 * src["availability"].to_numpy()
                  / cargo_t * (days + lookback) / 365.0)
    cargoes = float(per_source.sum())
    nodes = len(ds.terminals)
    pairs = max(1, src["port"].nunique() * nodes)
    routes_per_pair = max(1.0, len(ds.routes) / pairs)
    arcs = cargoes * nodes * routes_per_pair
    need = arcs * BYTES_PER_ARC + nodes * days * BYTES_PER_NODE_DAY
    top = int(np.argmax(per_source)) if len(per_source) else -1
    return {"cargoes": cargoes, "arcs": arcs, "bytes": need, "days": days, "nodes": nodes,
            "cargo_t": cargo_t, "top": top, "top_cargoes": per_source[top] if top >= 0 else 0}


def check_model_size(case, ds) -> None:
    """Refuse (InputError) a case whose model would not fit in memory, naming its drivers."""
    e = estimate(case, ds)
    limit = available_bytes() * MEMORY_SHARE
    if e["bytes"] <= limit and e["cargoes"] <= MAX_CARGOES:
        return
    src = ds.sources.iloc[e["top"]] if e["top"] >= 0 else None
    drivers = []
    if src is not None:
        drivers.append(f"{ds.folder / 'sources.csv'}: source {src['source']!r} "
                       f"capacity_mtpa {src['capacity_mtpa']:g} x availability "
                       f"{src['availability']:g} gives {e['top_cargoes']:,.0f} cargoes, the "
                       "most of any source")
    drivers.append(f"{ds.folder / 'fleet.csv'}: cargo_m3 {e['cargo_t'] / T_PER_M3:g} "
                   f"(one cargo = {e['cargo_t']:,.0f} t)")
    drivers.append(f"case key 'horizon': {e['days']} days")
    drivers.append(f"{ds.folder / 'terminals.csv'}: {e['nodes']} import nodes")
    what = (f"more than the {MAX_CARGOES:,} cargoes a run can schedule in reasonable time"
            if e["cargoes"] > MAX_CARGOES else
            f"about {e['bytes'] / 2**30:,.1f} GB of memory, more than the "
            f"{limit / 2**30:,.1f} GB this run may use")
    raise InputError(
        f"{case.source_path or 'case'}: the model would be too large to build: "
        f"{e['cargoes']:,.0f} cargoes x {e['nodes']} import nodes = {e['arcs']:,.0f} "
        f"candidate arcs, needing {what}. Driven by: " + "; ".join(drivers)
        + ". Check the units (capacity in Mt per year, cargo size in m3) or shorten the "
        "horizon.")
