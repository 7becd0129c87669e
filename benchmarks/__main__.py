"""Benchmarks by phase: `python -m benchmarks [--sizes ...] [--cases ...] [--swap-terms]
[--peers] [--quick] [--out FILE.json]`.

Each record runs in its own child process, so its peak memory is its own. Records: one per
instance and method (`lngswap`; with `--peers` also `pyomo-highs` and `linopy`), with model
size, phase timings, HiGHS's own run time, end-to-end time and peak memory. `--quick` runs
the small synthetic instance only (a smoke test: timings printed, never asserted).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from lngswap.paths import bundled_models_dir

PEERS = ("pyomo-highs", "linopy")
SWAP_VARIANTS = 20


def _one(spec: dict) -> dict:
    """Run one record in this process (the child side)."""
    from benchmarks.measure import time_ours
    from benchmarks.synthetic import SIZES, write_instance

    inst, method = spec["instance"], spec["method"]
    sets: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        if inst.startswith("synthetic-"):
            path = write_instance(SIZES[inst.removeprefix("synthetic-")], Path(tmp))
        elif inst == "swap-terms":
            from benchmarks.swapterms import time_swap_terms

            return time_swap_terms(SWAP_VARIANTS)
        else:
            path = bundled_models_dir() / f"{inst.removeprefix('case-')}.yaml"
            sets = ["foresight=perfect"]  # one LP per record: time the solve, not two
        if method == "lngswap":
            return time_ours(path, inst, sets)
        from benchmarks.peers import time_linopy, time_pyomo

        return (time_pyomo if method == "pyomo-highs" else time_linopy)(path, inst, sets)


def run_child(spec: dict, timeout: float) -> dict:
    """Run one record in a child process and return its JSON record."""
    cmd = [sys.executable, "-m", "benchmarks", "--one", json.dumps(spec)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {**spec, "error": f"timed out after {timeout:.0f} s"}
    if r.returncode != 0:
        return {**spec, "error": (r.stderr or r.stdout).strip()[-800:]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def table(records: list[dict]) -> str:
    """A fixed-width table of the records."""
    cols = [("instance", 20, "s"), ("method", 12, "s"), ("variables", 10, "d"),
            ("nonzeros", 10, "d"), ("build_s", 8, ".3f"), ("handover_s", 10, ".3f"),
            ("highs_s", 8, ".3f"), ("e2e_s", 8, ".3f"), ("ratio_e2e_highs", 7, ".3f"),
            ("overhead_us_per_var", 8, ".2f"), ("peak_rss_mib", 9, ".0f")]
    head = " ".join(f"{c[:w]:>{w}}" for c, w, _ in cols)
    lines = [head, "-" * len(head)]
    for r in records:
        if "error" in r:
            lines.append(f"{r['instance']:>20} {r['method']:>12} error: {r['error'][:60]}")
            continue
        if r["instance"] == "swap-terms":
            lines.append(f"{'swap-terms':>20} {'lngswap':>12} {r['variants']} variants in "
                         f"{r['total_s']:.2f} s = {r['total_s'] / r['cold_solve_s']:.2f} x one "
                         f"cold solve ({r['cold_solve_s']:.2f} s)")
            continue
        cells = []
        for c, w, f in cols:
            v = r.get(c)
            cells.append(f"{'' if v is None else format(v, f):>{w}}")
        lines.append(" ".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="small,medium", help="synthetic sizes: small,medium,large")
    p.add_argument("--cases", default="", help="bundled cases, e.g. base,hormuz-2026")
    p.add_argument("--swap-terms", action="store_true", help="time 20 warm-started variants")
    p.add_argument("--peers", action="store_true", help="also Pyomo (appsi_highs) and linopy")
    p.add_argument("--quick", action="store_true", help="small synthetic only (CI smoke)")
    p.add_argument("--out", type=Path, help="write the records as JSON")
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds per record")
    p.add_argument("--one", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.one:
        print(json.dumps(_one(json.loads(a.one)), default=str))
        return 0
    sizes = ["small"] if a.quick else [s for s in a.sizes.split(",") if s]
    cases = [] if a.quick else [c for c in a.cases.split(",") if c]
    instances = [f"synthetic-{s}" for s in sizes] + [f"case-{c}" for c in cases]
    methods = ["lngswap", *(PEERS if a.peers else ())]
    specs = [{"instance": i, "method": m} for i in instances for m in methods]
    if a.swap_terms and not a.quick:
        specs.append({"instance": "swap-terms", "method": "lngswap"})
    records = []
    for spec in specs:
        print(f"running {spec['instance']} / {spec['method']} ...", file=sys.stderr, flush=True)
        records.append(run_child(spec, a.timeout))
    print(table(records))
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps(records, indent=2, default=str) + "\n")
    return 1 if any("error" in r for r in records) else 0


if __name__ == "__main__":
    sys.exit(main())
