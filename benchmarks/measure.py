"""Time one instance phase by phase, in this process, and report its peak memory.

Phases: data load, index building, LP build (blocks and sparse matrix), hand-over to HiGHS,
HiGHS's own run time (its clock), solution load-back, result extraction and writing.
`e2e_s` runs from the start of index building (the dataset already loaded) to the solution
back in Python as numpy arrays: the figure compared with HiGHS's own time. The model is built
and solved `repeat` times from scratch (a fresh HiGHS instance each time) and each figure is
the median over the repeats, since the machine is shared and single timings are noisy.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import lngswap
from lngswap.results.export import manifest, write_run
from lngswap.solve.highs_backend import HighsSession, highs_options
from lngswap.studies.api import build, extract

PHASES = ("load_s", "index_s", "lp_s", "handover_s", "highs_s", "highs_wall_s", "loadback_s",
          "e2e_s")


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (MiB)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024.0 if sys.platform != "darwin" else kb / 2**20


def machine() -> dict:
    """The machine and versions a record was measured with."""
    from importlib import metadata

    def version(pkg: str) -> str:
        try:
            return metadata.version(pkg)
        except metadata.PackageNotFoundError:
            return "not installed"

    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    return {"python": platform.python_version(), "machine": platform.machine(),
            "system": platform.system(), "cpus": os.cpu_count(),
            "load_average_1min": round(load, 2),
            **{p: version(p) for p in ("highspy", "numpy", "scipy", "pandas", "pyomo",
                                       "linopy")}}


def median_of(runs: list[dict]) -> dict:
    """Median of each phase over the runs."""
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def time_ours(case_path: Path, instance: str, sets: list[str] | None = None,
              write: bool = True, repeat: int = 1, method: str = "lngswap") -> dict:
    """Run lngswap's own path on a case `repeat` times and return a benchmark record."""
    runs: list[dict] = []
    for _ in range(max(1, repeat)):
        t = {}
        t0 = time.perf_counter()
        case = lngswap.load_case(case_path, sets or [])
        t_case = time.perf_counter() - t0
        built = build(case)
        md, form = built.md, built.form
        t["load_s"] = t_case + built.timings["load"]
        t["index_s"], t["lp_s"] = built.timings["index"], built.timings["build"]
        t1 = time.perf_counter()
        opts = highs_options(case.solver)
        session = HighsSession(form, opts)
        built.lp.release_terms()  # as `solve_built` does once HiGHS holds the matrix
        out = session.solve()
        t["e2e_s"] = time.perf_counter() - t1 + t["index_s"] + t["lp_s"]
        t["handover_s"] = out.handover_s
        t["highs_s"] = out.highs_s
        t["highs_wall_s"] = out.run_wall_s
        t["loadback_s"] = out.loadback_s
        t["iterations"] = out.iterations
        t["objective"] = out.objective
        runs.append(t)
        del session

    med = median_of(runs)
    if out.status.value != "optimal":  # e.g. a HiGHS setting that hit its time limit
        write = False
    else:
        t4 = time.perf_counter()
        res = extract(built, out)
        med["extract_s"] = time.perf_counter() - t4
    if write:
        with tempfile.TemporaryDirectory() as tmp:
            t5 = time.perf_counter()
            hashes = md.extras["dataset_hashes"]
            write_run(Path(tmp) / "run", res, manifest(case, res, hashes, opts))
            med["write_s"] = time.perf_counter() - t5
    m, n = form.shape
    e2e, highs = med["e2e_s"], med["highs_s"]
    return {
        "instance": instance, "method": method,
        "variables": int(n), "constraints": int(m), "nonzeros": int(form.a.nnz),
        "build_s": med["index_s"] + med["lp_s"], **med,
        "ratio_e2e_highs": e2e / highs if highs else None,
        "overhead_us_per_var": (e2e - highs) / n * 1e6,
        "repeats": len(runs), "runs": runs,
        "status": out.status.value, "peak_rss_mib": peak_rss_mib(),
        "highs_options": opts, "coefficient_ranges": form.coefficient_ranges(),
        "pruning": md.counts, "machine": machine(),
    }
