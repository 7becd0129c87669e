"""Time one instance phase by phase, in this process, and report its peak memory.

Phases: data load, index building, LP build (blocks and sparse matrix), hand-over to HiGHS,
HiGHS's own run time (its clock), solution load-back, result extraction and writing.
`e2e_s` runs from the start of index building (inputs already loaded) to the solution back
in Python, the figure compared with HiGHS's own time.
"""

from __future__ import annotations

import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import lngswap
from lngswap.api import Built, extract
from lngswap.dataset import load_dataset
from lngswap.export import manifest, write_run
from lngswap.extensions import apply_extensions, swap_partners
from lngswap.formulation import build_lp
from lngswap.highs_backend import HighsSession, highs_options
from lngswap.indices import build_model_data


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (MiB)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024.0 if sys.platform != "darwin" else kb / 2**20


def machine() -> dict:
    import os

    return {"python": platform.python_version(), "machine": platform.machine(),
            "cpus": os.cpu_count(), "system": platform.system()}


def time_ours(case_path: Path, instance: str, sets: list[str] | None = None,
              write: bool = True) -> dict:
    """Run lngswap's own path on a case and return a benchmark record."""
    t = {}
    t0 = time.perf_counter()
    case = lngswap.load_case(case_path, sets or [])
    ds = load_dataset(case.dataset)
    t["load_s"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    md = build_model_data(case, ds, swap_partners(case))
    apply_extensions(md, ds)
    t2 = time.perf_counter()
    lp = build_lp(md)
    form = lp.matrices()
    t3 = time.perf_counter()
    t["index_s"], t["lp_s"] = t2 - t1, t3 - t2
    opts = highs_options(case.solver)
    session = HighsSession(form, opts)
    out = session.solve()
    t_back = time.perf_counter()
    t["handover_s"] = out.handover_s
    t["highs_s"] = out.highs_s
    t["highs_wall_s"] = out.run_wall_s
    t["loadback_s"] = out.loadback_s
    e2e = t_back - t1

    built = Built(md, lp, form, {"load": t["load_s"], "index": t["index_s"], "build": t["lp_s"]})
    t4 = time.perf_counter()
    res = extract(built, out)
    t["extract_s"] = time.perf_counter() - t4
    if write:
        with tempfile.TemporaryDirectory() as tmp:
            t5 = time.perf_counter()
            write_run(Path(tmp) / "run", res, manifest(case, res, ds.hashes, opts))
            t["write_s"] = time.perf_counter() - t5
    m, n = form.shape
    return {
        "instance": instance, "method": "lngswap",
        "variables": int(n), "constraints": int(m), "nonzeros": int(form.a.nnz),
        "build_s": t["index_s"] + t["lp_s"], **t, "e2e_s": e2e,
        "ratio_e2e_highs": e2e / out.highs_s if out.highs_s else None,
        "overhead_us_per_var": (e2e - out.highs_s) / n * 1e6,
        "objective": out.objective, "status": out.status.value,
        "iterations": out.iterations, "peak_rss_mib": peak_rss_mib(),
        "highs_options": opts, "coefficient_ranges": form.coefficient_ranges(),
        "pruning": md.counts, "machine": machine(),
    }
