"""Benchmarks by phase: `python -m benchmarks [--sizes ...] [--cases ...] [--swap-terms]
[--peers] [--highs-methods [S,...]] [--quick] [--repeat N] [--out FILE.json]`.

Each record runs in its own child process, so its peak memory is its own. Records: one per
instance and method (`lngswap`; with `--peers` also `pyomo-highs` and `linopy`, the same
formulation written in each tool from the same index tables, `benchmarks/peers/`; with
`--highs-methods` one `highs:<setting>` record per HiGHS setting of `SETTINGS`), with model
size, phase timings (medians of `--repeat` runs), HiGHS's own run time, end-to-end time and
peak memory. `--quick` runs the small synthetic instance once (a smoke test: timings
printed, never asserted).
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
#: HiGHS settings compared by `--highs-methods`, as case overrides of the `solver:` block.
SETTINGS: dict[str, list[str]] = {
    "dual": [],
    "primal": ["solver.simplex_strategy=4"],
    "dual-presolve-off": ["solver.presolve=off"],
    "dual-2-threads": ["solver.threads=2", "solver.simplex_strategy=2"],
    "ipm-crossover": ["solver.solver=ipm"],
    "ipm-crossover-2-threads": ["solver.solver=ipm", "solver.threads=2"],
    "pdlp": ["solver.solver=pdlp"],
}


def _one(spec: dict) -> dict:
    """Run one record in this process (the child side)."""
    from benchmarks.measure import time_ours
    from benchmarks.synthetic import SIZES, write_instance

    inst, method, repeat = spec["instance"], spec["method"], int(spec.get("repeat", 1))
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
            return time_ours(path, inst, sets, repeat=repeat)
        if method.startswith("highs:"):
            extra = SETTINGS[method.removeprefix("highs:")]
            sets += [f"solver.time_limit_s={spec.get('time_limit', 1800)}", *extra]
            return time_ours(path, inst, sets, write=False, repeat=repeat, method=method)
        if method == "pyomo-highs":
            from benchmarks.peers.pyomo_peer import time_pyomo as peer
        else:
            from benchmarks.peers.linopy_peer import time_linopy as peer
        return peer(path, inst, sets, repeat=repeat)


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


COLUMNS = [("instance", 18, "s"), ("method", 24, "s"), ("variables", 9, ",d"),
           ("nonzeros", 9, ",d"), ("index_s", 7, ".3f"), ("lp_s", 7, ".3f"),
           ("build_s", 7, ".3f"), ("handover_s", 8, ".3f"), ("highs_s", 8, ".2f"),
           ("loadback_s", 8, ".3f"), ("e2e_s", 8, ".2f"), ("ratio_e2e_highs", 6, ".3f"),
           ("overhead_us_per_var", 6, ".2f"), ("peak_rss_mib", 6, ".0f"),
           ("objective_rel_diff", 8, ".1e")]


def compare_objectives(records: list[dict]) -> None:
    """Add each record's relative objective difference from lngswap's on the same instance."""
    ours = {r["instance"]: r.get("objective") for r in records if r.get("method") == "lngswap"}
    for r in records:
        ref = ours.get(r.get("instance"))
        if r.get("objective") is not None and ref is not None and r.get("method") != "lngswap":
            r["objective_rel_diff"] = abs(r["objective"] - ref) / max(1.0, abs(ref))


def table(records: list[dict]) -> str:
    """A fixed-width table of the records."""
    head = " ".join(f"{c.removesuffix('_s')[:w]:>{w}}" for c, w, _ in COLUMNS)
    lines = [head, "-" * len(head)]
    for r in records:
        if "error" in r:
            lines.append(f"{r['instance']:>18} {r['method']:>24} error: {r['error'][:60]}")
            continue
        if r["instance"] == "swap-terms":
            lines.append(f"{'swap-terms':>18} {'lngswap':>24} {r['variables']:>9,} "
                         f"{r['variants']} variants in {r['total_s']:.2f} s = "
                         f"{r['total_s'] / r['cold_solve_s']:.2f} x one cold solve "
                         f"({r['cold_solve_s']:.2f} s); {r['total_s'] / r['variants']:.2f} s "
                         "per variant")
            continue
        cells = []
        for c, w, f in COLUMNS:
            v = r.get(c)
            cells.append(f"{'' if v is None else format(v, f):>{w}}")
        lines.append(" ".join(cells))
    return "\n".join(lines)


def registry() -> str:
    """The registered instances: synthetic sizes (with their scale) and bundled cases."""
    from benchmarks.synthetic import SIZES

    lines = ["synthetic (seeded; --sizes):"]
    for k, z in SIZES.items():
        lines.append(f"  synthetic-{k:<7} {z.sources} sources, {z.core_markets} core markets x "
                     f"{z.nodes_per_market} terminals + {z.row_markets} rest-of-world, "
                     f"{z.days} days, about {z.approx_variables:,} variables")
    lines.append("cases (--cases NAME runs models/NAME.yaml): "
                 + ", ".join(sorted(p.stem for p in bundled_models_dir().glob("*.yaml")
                                    if not p.stem.startswith("swap-terms"))))
    lines.append("swap-terms (--swap-terms): the default year with the JP-KR agreement, "
                 f"{SWAP_VARIANTS} term variants re-solved in place")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="small,medium", help="synthetic sizes: small,medium,large")
    p.add_argument("--cases", default="", help="bundled cases, e.g. base,hormuz-2026")
    p.add_argument("--swap-terms", action="store_true", help="time 20 warm-started variants")
    p.add_argument("--peers", action="store_true", help="also Pyomo (appsi_highs) and linopy")
    p.add_argument("--highs-methods", nargs="?", const="all", default="",
                   help="also these HiGHS settings of SETTINGS, comma-separated (no value: all "
                        f"of {', '.join(k for k in SETTINGS if k != 'dual')})")
    p.add_argument("--repeat", type=int, default=3,
                   help="runs per record, medians reported (large: always 1)")
    p.add_argument("--time-limit", type=float, default=1800.0,
                   help="HiGHS time limit of each --highs-methods run (s)")
    p.add_argument("--quick", action="store_true", help="small synthetic only (CI smoke)")
    p.add_argument("--out", type=Path, help="write the records as JSON")
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds per record")
    p.add_argument("--list", action="store_true", help="list the registered instances")
    p.add_argument("--one", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.one:
        print(json.dumps(_one(json.loads(a.one)), default=str))
        return 0
    if a.list:
        print(registry())
        return 0
    sizes = ["small"] if a.quick else [s for s in a.sizes.split(",") if s]
    cases = [] if a.quick else [c for c in a.cases.split(",") if c]
    instances = [f"synthetic-{s}" for s in sizes] + [f"case-{c}" for c in cases]
    methods = ["lngswap", *(PEERS if a.peers else ())]
    chosen = ([k for k in SETTINGS if k != "dual"] if a.highs_methods == "all"
              else [k for k in a.highs_methods.split(",") if k])
    unknown = [k for k in chosen if k not in SETTINGS]
    if unknown:
        p.error(f"--highs-methods: unknown setting(s) {', '.join(unknown)}; "
                f"expected {', '.join(SETTINGS)}")
    if not a.quick:
        methods += [f"highs:{k}" for k in chosen]
    specs = [{"instance": i, "method": m, "time_limit": a.time_limit,
              "repeat": 1 if a.quick or i == "synthetic-large" else a.repeat}
             for i in instances for m in methods]
    if a.swap_terms and not a.quick:
        specs.append({"instance": "swap-terms", "method": "lngswap"})
    records = []
    for spec in specs:
        print(f"running {spec['instance']} / {spec['method']} ...", file=sys.stderr, flush=True)
        records.append(run_child(spec, a.timeout))
    compare_objectives(records)
    print(table(records))
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps(records, indent=2, default=str) + "\n")
    return 1 if any("error" in r for r in records) else 0


if __name__ == "__main__":
    sys.exit(main())
