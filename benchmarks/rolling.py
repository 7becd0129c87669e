"""Rolling foresight against one perfect-foresight solve (issue target: under 4 x).

The default year (models/base.yaml) with Hormuz closed from 2 March 2026 and three end
scenarios, 14-day steps; against the same case with the middle end known from day one.
Run at small size here (a short horizon); the full year is the issue's benchmark:

    python -m benchmarks.rolling --end 2026-03-31          # smoke size
    python -m benchmarks.rolling                           # the default year
"""

from __future__ import annotations

import argparse
import json
import time

from lngswap.inputs.case import load_case
from lngswap.inputs.dataset import load_dataset
from lngswap.inputs.events import ChokepointClosure
from lngswap.inputs.scenarios import EndScenario
from lngswap.paths import bundled_models_dir
from lngswap.studies.rolling import run_rolling
from lngswap.studies.study import Study

ENDS = (("2026-03-31", 0.3), ("2026-05-15", 0.4), ("2026-07-31", 0.3))


def cases(end: str):
    """The rolling case and its perfect-foresight twin over 2026-01-01..end."""
    base = load_case(bundled_models_dir() / "base.yaml", [f"horizon.end={end}"])
    ends = [(e, p) for e, p in ENDS if e <= end] or [(end, 1.0)]
    total = sum(p for _, p in ends)
    scen = [EndScenario(end=e, probability=p / total) for e, p in ends]
    start = "2026-03-02" if end > "2026-03-02" else base.horizon.start
    ev = ChokepointClosure(type="chokepoint_closure", passage="hormuz", start=start,
                           end=max(s.end for s in scen), end_scenarios=scen)
    rolling = base.model_copy(update={"events": [ev], "foresight": "rolling",
                                      "name": "bench-rolling"})
    mid = scen[len(scen) // 2].end
    perfect = base.model_copy(update={"events": [ev.model_copy(update={
        "end": mid, "end_scenarios": None})], "foresight": "perfect", "name": "bench-perfect"})
    return rolling, perfect


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--end", default="2026-12-31", help="Horizon end (default: the year).")
    args = ap.parse_args()
    rolling, perfect = cases(args.end)
    ds = load_dataset(rolling.dataset)
    Study(ds).solve(perfect.model_copy(update={"events": []}))  # the plan, stored for both
    t0 = time.perf_counter()
    Study(ds).solve(perfect)
    t_pf = time.perf_counter() - t0
    t0 = time.perf_counter()
    run = run_rolling(rolling, ds, perfect=False)
    t_roll = time.perf_counter() - t0
    print(json.dumps({"horizon_end": args.end, "scenarios": len(run.scenarios),
                      "perfect_s": round(t_pf, 2), "rolling_s": round(t_roll, 2),
                      "ratio": round(t_roll / t_pf, 2), "timings_s": run.summary["timings_s"],
                      "size": run.summary["size"]}, indent=2))


if __name__ == "__main__":
    main()
