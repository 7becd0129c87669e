"""Writing a rolling run: `scenarios.csv`, `summary.json` and one run folder per scenario.

The folder appears whole or not at all (`writer.write_folder`); each realised scenario's
usual run files go in `scenarios/<scenario>/`, with `probability` in its `summary.json`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from lngswap.results.export import write_tables
from lngswap.results.writer import write_folder


def _csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")


def write_rolling(out_dir: Path, run, man: dict, *, overwrite: bool = False) -> list[str]:
    """Write a `RollingRun` (see `studies/rolling.py`) into `out_dir`."""

    def fill(tmp: Path) -> None:
        _csv(run.table, tmp / "scenarios.csv")
        for label, res in run.results.items():
            sub = tmp / "scenarios" / label
            sub.mkdir(parents=True)
            write_tables(res, sub)
            (sub / "summary.json").write_text(json.dumps(res.summary, indent=2,
                                                         sort_keys=True, default=str) + "\n")
        (tmp / "summary.json").write_text(json.dumps(run.summary, indent=2, sort_keys=True,
                                                     default=str) + "\n")

    return write_folder(Path(out_dir), fill, man, overwrite=overwrite)


def rolling_lines(summary: dict) -> list[str]:
    """A short human summary of a rolling run."""
    lines = [f"{summary['case']}: rolling foresight over {len(summary['scenarios'])} "
             f"scenarios (steps of {summary['rolling']['step_days']} days)"]
    for s in summary["scenarios"]:
        lines.append(f"  {s['scenario']:<28} p={s['probability']:.3f}  objective "
                     f"{s['objective_usd'] / 1e9:,.3f} bn USD")
    for p in ("JP", "KR"):
        v = summary["parties"].get(p)
        if v:
            lines.append(f"  {p}: expected cost {v['expected_cost_usd'] / 1e9:,.3f} bn, worst "
                         f"{v['worst_cost_usd'] / 1e9:,.3f} bn ({v['worst_scenario']}), CVaR "
                         f"{v['cvar_cost_usd'] / 1e9:,.3f} bn, expected unserved "
                         f"{v['expected_unserved_mmbtu']:,.0f} MMBtu")
    voi = summary.get("value_of_information") or {}
    if voi:
        lines.append(f"  value of information (rolling less perfect foresight, expected): "
                     f"{voi['expected_usd'] / 1e6:,.1f} M USD")
    return lines
