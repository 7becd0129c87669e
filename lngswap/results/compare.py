"""Compare run folders side by side: headline figures of each run, the first as reference.

Figures: unserved energy, lowest days of cover, deliveries (by market and by origin), rerouted
and cut-off cargoes, mean voyage days, total cost, and the mean marginal value of LNG in each
market during the disruption window (the union of the event windows of the runs compared).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from lngswap.errors import InputError
from lngswap.results.export import command_manifest
from lngswap.results.writer import check_folder_target, write_folder
from lngswap.units import MMBTU_PER_TBTU


def _read(folder: Path) -> dict:
    folder = Path(folder)
    need = ("summary.json", "markets.csv", "schedule.csv", "manifest.json")
    missing = [n for n in need if not (folder / n).exists()]
    if missing:
        raise InputError(f"{folder}: not a run folder (missing {', '.join(missing)}); expected "
                         "the output of `lngswap run`")
    return {
        "summary": json.loads((folder / "summary.json").read_text()),
        "manifest": json.loads((folder / "manifest.json").read_text()),
        "markets": pd.read_csv(folder / "markets.csv"),
        "schedule": pd.read_csv(folder / "schedule.csv", keep_default_na=False),
        "compliance": (pd.read_csv(folder / "compliance.csv")
                       if (folder / "compliance.csv").exists() else None),
        "parties": (pd.read_csv(folder / "parties.csv")
                    if (folder / "parties.csv").exists() else None),
    }


def disruption_window(runs: list[dict]) -> tuple[str, str] | None:
    """First start and last end of the events of any run compared (ISO dates)."""
    starts, ends = [], []
    for r in runs:
        for ev in r["manifest"].get("case_resolved", {}).get("events", []) or []:
            starts.append(str(ev["start"]))
            ends.append(str(ev["end"]))
    return (min(starts), max(ends)) if starts else None


def compare_runs(folders: list[Path], out_dir: Path | None = None, *,
                 overwrite: bool = False) -> pd.DataFrame:
    """Build the comparison table (figure x run) and write comparison.csv / .md to out_dir."""
    if len(folders) < 1:
        raise InputError("compare needs at least one run folder")
    if out_dir is not None:
        check_folder_target(Path(out_dir), overwrite=overwrite)
    runs = [_read(Path(f)) for f in folders]
    names = _names(folders, runs)
    window = disruption_window(runs)
    rows: dict[tuple[str, str], dict[str, float]] = {}

    def put(group: str, key: str, name: str, value: float) -> None:
        rows.setdefault((group, key), {})[name] = value

    for name, r in zip(names, runs, strict=True):
        s, mk, sch = r["summary"], r["markets"], r["schedule"]
        put("total", "total cost (bn USD)", name, s["objective_usd"] / 1e9)
        for m, v in sorted(s["unserved_mmbtu"].items()):
            if not m.startswith("ROW"):
                put("unserved (TBtu)", m, name, v / MMBTU_PER_TBTU)
        for m, v in sorted(s["lowest_days_of_cover"].items()):
            if not m.startswith("ROW"):
                put("lowest days of cover", m, name, v)
        for m, v in sorted(s["delivered_mmbtu"].items()):
            put("deliveries (TBtu)", m, name, v / MMBTU_PER_TBTU)
        # every leg, those at sea at the start included: the origins add up to deliveries
        origin = sch.groupby(["market", "source_country"])["delivered_mmbtu"].sum() / MMBTU_PER_TBTU
        for (m, c), v in origin.items():
            if not str(m).startswith("ROW"):
                put("deliveries by origin (TBtu)", f"{m} <- {c}", name, v)
        put("shipping", "rerouted cargoes", name, s.get("rerouted_cargoes", 0))
        put("shipping", "cut-off cargoes", name, s.get("cut_off_cargoes", 0))
        put("shipping", "mean voyage days", name, s.get("mean_voyage_days", 0.0))
        sub = mk if window is None else mk[(mk["date"] >= window[0]) & (mk["date"] <= window[1])]
        label = ("mean marginal value, whole horizon (USD/MMBtu)" if window is None else
                 f"mean marginal value {window[0]}..{window[1]} (USD/MMBtu)")
        for m, v in sub.groupby("market")["marginal_value_usd_per_mmbtu"].mean().items():
            put(label, m, name, v)
        if r["compliance"] is not None and "shadow_cost_usd" in r["compliance"]:
            for rid, v in zip(r["compliance"]["rule_id"], r["compliance"]["shadow_cost_usd"],
                              strict=True):
                put("rule shadow cost (M USD)", str(rid), name, float(v) / 1e6)
        if r["parties"] is not None and "total_cost_usd" in r["parties"]:
            for p, v in zip(r["parties"]["party"], r["parties"]["total_cost_usd"], strict=True):
                put("party total cost (bn USD)", str(p), name, float(v) / 1e9)
    table = pd.DataFrame([{"group": g, "figure": k, **vals} for (g, k), vals in rows.items()])
    table = table[["group", "figure", *names]].fillna(0.0)
    if len(names) > 1:
        table[f"{names[-1]} - {names[0]}"] = table[names[-1]] - table[names[0]]
    num = table.select_dtypes("number").columns
    table[num] = table[num].round(3)
    if out_dir is not None:
        def fill(tmp: Path) -> None:
            table.to_csv(tmp / "comparison.csv", index=False, lineterminator="\n")
            (tmp / "comparison.md").write_text(to_markdown(table))

        inputs = {f"run/{i}/{n}": Path(f) / n for i, f in enumerate(folders)
                  for n in ("summary.json", "markets.csv", "schedule.csv", "manifest.json")}
        write_folder(Path(out_dir), fill, command_manifest("compare", inputs, {"runs": names}),
                     overwrite=overwrite)
    return table


def _names(folders: list[Path], runs: list[dict]) -> list[str]:
    names = [r["summary"].get("case") or Path(f).name for f, r in zip(folders, runs,
                                                                         strict=True)]
    if len(set(names)) < len(names):
        names = [f"{n} ({Path(f).name})" for n, f in zip(names, folders, strict=True)]
    return names


def to_markdown(table: pd.DataFrame) -> str:
    """The table as a GitHub markdown table."""
    cols = list(table.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in table.itertuples(index=False):
        cells = [f"{v:,.3f}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def print_comparison(table: pd.DataFrame, console: Console) -> None:
    """Print the comparison as a rich table."""
    t = Table(show_lines=False)
    for c in table.columns:
        t.add_column(str(c), justify="right" if c not in ("group", "figure") else "left")
    for row in table.itertuples(index=False):
        t.add_row(*[f"{v:,.2f}" if isinstance(v, float) else str(v) for v in row])
    console.print(t)
