"""Sweep throughput: `lngswap sweep` against a serial loop of cold `lngswap run`s.

    python -m benchmarks.sweep                        # 200 scenarios of the default year
    python -m benchmarks.sweep --samples 6 --serial 3 --horizon-end 2026-02-28   # small

The scenarios are short Hormuz closures (one to four weeks, starting any day from 5 January
to five weeks before the horizon ends) on `models/base.yaml`. The serial loop runs the first
`--serial` of them one after another, each a fresh `lngswap run` process (what a planner
would script without the sweep), and its scenarios per minute are extrapolated to the whole
sweep; the sweep runs all of them end to end (cluster start included). Printed (and with
`--out` written) as one JSON record: scenarios per minute of each, the speed-up, the share
of solves that were warm (re-solved inside a kept model from its basis) and the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import yaml

from benchmarks.measure import machine
from lngswap.paths import bundled_models_dir
from lngswap.studies.sweep import expand
from lngswap.studies.sweep_schema import load_sweep


def write_sweep(folder: Path, samples: int, horizon_end: date, seed: int) -> Path:
    """The benchmark's base case (base.yaml plus one closure) and sweep file."""
    case = folder / "case.yaml"
    last_start = horizon_end - timedelta(days=35)
    case.write_text(yaml.safe_dump({
        "extends": str(bundled_models_dir() / "base.yaml"), "name": "sweep-bench",
        "horizon": {"start": date(2026, 1, 1), "end": horizon_end},
        "events": [{"type": "chokepoint_closure", "passage": "hormuz",
                    "start": date(2026, 1, 5), "end": date(2026, 1, 12),
                    "note": "window sampled by the benchmark"}]}, sort_keys=False))
    sweep = folder / "sweep.yaml"
    sweep.write_text(yaml.safe_dump({
        "case": str(case),
        "sample": {"events.0.start": {"distribution": "uniform", "low": date(2026, 1, 5),
                                      "high": last_start},
                   "events.0.end": {"distribution": "uniform", "low": 7, "high": 28,
                                    "after": "events.0.start"}},
        "samples": samples, "seed": seed}, sort_keys=False))
    return sweep


def serial_loop(sweep: Path, n: int, folder: Path) -> list[float]:
    """Seconds of each of the first `n` scenarios as its own `lngswap run` process."""
    scs = expand(load_sweep(sweep))[:n]
    case = yaml.safe_load(sweep.read_text())["case"]
    out = []
    for sc in scs:
        args = ["lngswap", "run", case, "--out", str(folder / sc.scenario)]
        for s in sc.sets:
            args += ["--set", s]
        t0 = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        out.append(time.perf_counter() - t0)
    return out


def run_sweep(sweep: Path, folder: Path, workers: int | None) -> tuple[float, dict]:
    """Wall seconds of the whole `lngswap sweep` and its summary."""
    args = ["lngswap", "sweep", str(sweep), "--out", str(folder)]
    if workers:
        args += ["--workers", str(workers)]
    t0 = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    secs = time.perf_counter() - t0
    return secs, json.loads((folder / "summary.json").read_text())


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.sweep", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--serial", type=int, default=10, help="scenarios in the serial loop")
    ap.add_argument("--horizon-end", type=date.fromisoformat, default=date(2026, 12, 31))
    ap.add_argument("--workers", type=int, default=None, help="default: one per core")
    ap.add_argument("--seed", type=int, default=20260302)
    ap.add_argument("--out", type=Path, default=None, help="write the record as JSON here")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lngswap-bench-sweep-") as tmp:
        tmp = Path(tmp)
        sweep = write_sweep(tmp, a.samples, a.horizon_end, a.seed)
        serial = serial_loop(sweep, min(a.serial, a.samples), tmp / "serial")
        secs, summ = run_sweep(sweep, tmp / "sweep", a.workers)
    per_run = sum(serial) / len(serial)
    rec = {"benchmark": "sweep", "scenarios": a.samples, "horizon_end": str(a.horizon_end),
           "workers": a.workers or os.cpu_count(),
           "serial_runs": len(serial), "serial_s_per_scenario": round(per_run, 3),
           "serial_scenarios_per_min": round(60 / per_run, 3),
           "sweep_s": round(secs, 3), "sweep_scenarios_per_min": round(60 * a.samples / secs, 3),
           "speedup": round(per_run * a.samples / secs, 3),
           "warm_share": summ.get("warm_share"), "done": summ.get("done"),
           "failed": summ.get("failed"), "machine": machine()}
    print(json.dumps(rec, indent=1))
    if a.out:
        a.out.write_text(json.dumps(rec, indent=1) + "\n")
    return rec


if __name__ == "__main__":
    main(sys.argv[1:])
