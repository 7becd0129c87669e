"""A toy world for report tests: two short runs (isolated baseline, swaps with an event).

Built on `test_swaps.swap_world` (Japan long early, Korea short until its source starts on
13 January), with the pa -> jp-t route crossing Suez so the map has a corridor, and a
demand shock in Japan so the events timeline has something to show.
"""

from __future__ import annotations

from pathlib import Path

from conftest import AGREEMENT, swap_world
from typer.testing import CliRunner

from lngswap.cli import app

runner = CliRunner()
SHOCK = {"type": "demand_shock", "market": "JP", "factor": 1.2, "start": "2026-01-20",
         "end": "2026-01-25", "note": "toy cold snap"}


def report_world(t: dict) -> None:
    swap_world(t)
    for r in t["routes"]:
        if (r["port"], r["terminal"]) == ("pa", "jp-t"):
            r["passages"], r["passage_offsets_nm"] = "suez", "240"


def make_runs(toy, tmp_path: Path, *extra: str) -> tuple[Path, Path]:
    """Run the toy baseline (isolated) and the toy swaps case; return both folders."""
    base = toy(report_world, days=30, name="toy-base", cooperation="isolated")
    swap = toy(report_world, days=30, name="toy-swaps", cooperation="swaps",
               swaps=[AGREEMENT], events=[SHOCK])
    out = []
    for case in (base, swap):
        folder = tmp_path / "runs" / case.stem
        r = runner.invoke(app, ["run", str(case), "--out", str(folder), "--quiet", *extra])
        assert r.exit_code == 0, r.output
        out.append(folder)
    return out[0], out[1]
