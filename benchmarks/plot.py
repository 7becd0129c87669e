"""Plot benchmark records: time per phase against model size (log-log), with fitted exponents.

    python -m benchmarks.plot bench.json [more.json ...] --png benchmarks/scaling.png
        [--readme benchmarks/README.md]

Prints markdown tables of the records (phases, peers, HiGHS settings, swap-term re-solves)
and the exponent b of time = a * variables^b per phase, fitted on lngswap's synthetic
instances. With `--readme`, the text between the `<!-- results -->` and `<!-- /results -->`
markers of that file is replaced by the same tables.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

PHASES = ("index_s", "lp_s", "handover_s", "highs_s", "loadback_s", "overhead_s", "e2e_s")
LABELS = {"index_s": "index building", "lp_s": "LP build (blocks + CSC)",
          "handover_s": "hand-over to HiGHS", "highs_s": "HiGHS (its own clock)",
          "loadback_s": "solution load-back", "overhead_s": "overhead (e2e - HiGHS)",
          "e2e_s": "end to end"}
BEGIN, END = "<!-- results -->", "<!-- /results -->"


def fit(x: np.ndarray, y: np.ndarray) -> float:
    """Exponent b of y = a x^b by least squares in logs."""
    ok = (x > 0) & (y > 0) & np.isfinite(y)
    return float(np.polyfit(np.log(x[ok]), np.log(y[ok]), 1)[0]) if ok.sum() >= 2 else np.nan


def _cell(v, fmt: str) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return ""
    return format(v, fmt)


def _table(rows: list[dict], cols: list[tuple[str, str, str]]) -> list[str]:
    out = ["| " + " | ".join(h for _, h, _ in cols) + " |",
           "|" + "|".join("---" if f == "s" else "---:" for _, _, f in cols) + "|"]
    for r in rows:
        out.append("| " + " | ".join(_cell(r.get(c), f) for c, _, f in cols) + " |")
    return out


def phase_records(records: list[dict]) -> list[dict]:
    """One record per instance and method for the phase table and the fit. A record of a
    HiGHS-settings run is the reference there; a record of the same instance and method from
    another run is preferred here, if there is one."""
    def key(r: dict) -> tuple:
        return r.get("instance"), r.get("method")

    plain = {key(r) for r in records if not r.get("settings_run")}
    return [r for r in records if "error" not in r and r.get("instance") != "swap-terms"
            and not str(r.get("method", "")).startswith("highs:")
            and not (r.get("settings_run") and key(r) in plain)]


def markdown(records: list[dict]) -> str:
    """The phase table (lngswap and peers), the HiGHS-settings table and the swap-term line."""
    main = phase_records(records)
    for r in main:
        r["overhead_s"] = r["e2e_s"] - r["highs_s"]
    cols = [("instance", "instance", "s"), ("method", "method", "s"),
            ("variables", "variables", ",d"), ("constraints", "rows", ",d"),
            ("nonzeros", "nonzeros", ",d"), ("load_s", "load s", ".3f"),
            ("index_s", "index s", ".3f"), ("lp_s", "LP s", ".3f"),
            ("build_s", "build s", ".3f"), ("handover_s", "hand-over s", ".3f"),
            ("highs_s", "HiGHS s", ".2f"), ("loadback_s", "load-back s", ".3f"),
            ("e2e_s", "e2e s", ".2f"), ("ratio_e2e_highs", "e2e / HiGHS", ".3f"),
            ("overhead_us_per_var", "overhead us/var", ".2f"),
            ("extract_s", "extract s", ".3f"), ("write_s", "write s", ".3f"),
            ("peak_rss_mib", "peak RSS MiB", ",.0f"),
            ("objective_rel_diff", "objective vs lngswap", ".1e")]
    lines = _table(main, cols) + peer_notes(main)
    tuned = [r for r in records if str(r.get("method", "")).startswith("highs:")
             or (r.get("method") == "lngswap" and r.get("settings_run"))]
    if tuned:
        for r in tuned:
            r["setting"] = (r["method"].removeprefix("highs:") if r["method"] != "lngswap"
                            else "dual (default)")
            if "error" in r:
                r["status"] = r["error"][:40]
        tuned.sort(key=lambda r: (r["instance"], r.get("highs_s") or np.inf))
        lines += ["", "HiGHS settings (same model, medians; objective relative to the default):",
                  ""]
        lines += _table(tuned, [("instance", "instance", "s"), ("setting", "setting", "s"),
                                ("highs_s", "HiGHS s", ".2f"), ("iterations", "iterations", ",d"),
                                ("e2e_s", "e2e s", ".2f"), ("status", "status", "s"),
                                ("objective_rel_diff", "objective diff", ".1e"),
                                ("peak_rss_mib", "peak RSS MiB", ",.0f")])
    for r in records:
        if r.get("instance") == "swap-terms" and "error" not in r:
            per = [v["seconds"] for v in r.get("per_variant", [])]
            lines += ["", f"swap-terms: {r['variants']} variants re-solved in place from the "
                      f"previous basis in {r['total_s']:.2f} s = "
                      f"{r['total_s'] / r['cold_solve_s']:.2f} x one cold solve "
                      f"({r['cold_solve_s']:.2f} s, {r.get('cold_iterations', 0):,} iterations); "
                      f"per variant median {np.median(per):.2f} s, max {max(per):.2f} s; "
                      f"model of {r['variables']:,} variables."]
    return "\n".join(lines)


def peer_notes(records: list[dict]) -> list[str]:
    """One line per peer: its model code and the versions of its tool and of HiGHS."""
    tool = {"linopy": "linopy", "pyomo-highs": "pyomo"}
    seen: dict[str, str] = {}
    for r in records:
        m, mach = r.get("method"), r.get("machine") or {}
        if m in tool and m not in seen:
            seen[m] = (f"`{m}`: `{r.get('model_code', '?')}` ({tool[m]} "
                       f"{mach.get(tool[m], '?')}, highspy {mach.get('highspy', '?')})")
    return ["", "Peers: " + "; ".join(seen[k] for k in sorted(seen)) + "."] if seen else []


def plot(records: list[dict], png: Path) -> dict[str, float]:
    """Log-log time per phase against variables (lngswap, synthetic sizes); the exponents."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ours = sorted((r for r in phase_records(records) if r.get("method") == "lngswap"
                   and str(r.get("instance", "")).startswith("synthetic")),
                  key=lambda r: r["variables"])
    x = np.array([r["variables"] for r in ours], dtype=float)
    fig, ax = plt.subplots(figsize=(7.5, 5))
    exps = {}
    for ph in PHASES:
        y = np.array([r.get(ph, np.nan) if ph != "overhead_s" else r["e2e_s"] - r["highs_s"]
                      for r in ours], dtype=float)
        exps[ph] = fit(x, y)
        ax.loglog(x, y, marker="o", linestyle="--" if ph in ("overhead_s", "e2e_s") else "-",
                  label=f"{LABELS[ph]} (b = {exps[ph]:.2f})")
    ax.set_xlabel("variables")
    ax.set_ylabel("seconds (median of runs)")
    ax.set_title("lngswap: time per phase against model size\n(synthetic instances; "
                 "time = a * variables^b)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    return exps


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.plot")
    p.add_argument("records", nargs="+", type=Path, help="JSON files of python -m benchmarks")
    p.add_argument("--png", type=Path, default=Path("benchmarks/scaling.png"))
    p.add_argument("--readme", type=Path, help="README whose results section is replaced")
    a = p.parse_args(argv)
    records: list[dict] = []
    for f in a.records:
        recs = json.loads(f.read_text())
        tuning = any(str(r.get("method", "")).startswith("highs:") for r in recs)
        records += [{**r, "settings_run": tuning} for r in recs]
    exps = plot(records, a.png)
    text = markdown(records) + "\n\nFitted exponents (time ~ variables^b, synthetic sizes): " + (
        ", ".join(f"{LABELS[k]} {v:.2f}" for k, v in exps.items())) + "."
    print(text)
    if a.readme:
        old = a.readme.read_text()
        new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END),
                     lambda _: f"{BEGIN}\n{text}\n{END}", old, flags=re.S)
        a.readme.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
