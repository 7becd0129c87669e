"""Swap-term variants re-solved in place: the default year with the Japan-Korea agreement.

The agreement of `models/hormuz-2026.yaml` is put on the default year (no events); the model
is built once and solved cold, then each of the variants (a grid over the outstanding cap,
the repayment window and the fee) changes bounds and costs in HiGHS and re-solves from the
previous basis.
"""

from __future__ import annotations

import itertools
import time

import lngswap
from benchmarks.measure import machine, peak_rss_mib
from lngswap.paths import bundled_models_dir
from lngswap.studies.swap_terms import build_for_terms, resolve_variants


def variants(n: int) -> list[dict]:
    """`n` term sets from a grid: cap 0-8 cargoes, repayment 30-180 days, fee 0-2 USD/MMBtu."""
    grid = itertools.product([1, 2, 4, 8, 0], [30, 60, 90, 180], [0.0, 0.5, 1.0, 2.0])
    out = []
    for cap, days, fee in grid:
        out.append({"name": f"cap{cap}-repay{days}-fee{fee:g}", "max_outstanding_cargoes": cap,
                    "repay_within_days": days, "fee_usd_per_mmbtu": fee})
        if len(out) == n:
            break
    return out


def time_swap_terms(n: int) -> dict:
    """Cold solve of the swaps model, then `n` warm-started variants; one benchmark record."""
    case = lngswap.load_case(bundled_models_dir() / "hormuz-2026.yaml",
                             ["cooperation=swaps", "foresight=perfect"])
    case = case.model_copy(update={"events": [], "name": "base-with-jp-kr-swap"})
    vs = variants(n)
    cold = {**vs[0], "name": "cold"}
    t0 = time.perf_counter()
    built = build_for_terms(case, [cold, *vs])
    build_s = time.perf_counter() - t0
    runs = resolve_variants(built, [cold, *vs])  # a fresh HiGHS session: the first is cold
    cold_run, warm = runs[0], runs[1:]
    m, nvar = built.form.shape
    per = [{"name": r.name, "seconds": round(r.seconds, 4), "iterations": r.iterations,
            "objective": r.outcome.objective} for r in warm]
    return {
        "instance": "swap-terms", "method": "lngswap", "variables": int(nvar),
        "constraints": int(m), "nonzeros": int(built.form.a.nnz), "build_s": build_s,
        "variants": len(warm), "cold_solve_s": cold_run.seconds,
        "cold_iterations": cold_run.iterations,
        "total_s": sum(r.seconds for r in warm), "per_variant": per,
        "peak_rss_mib": peak_rss_mib(), "machine": machine(),
    }
