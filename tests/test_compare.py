"""`lngswap compare`: side-by-side figures of run folders."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from lngswap.cli import app
from lngswap.units import T_PER_M3

runner = CliRunner()
EVERY_5_DAYS_MTPA = 365 * 100_000 * T_PER_M3 / 5 / 1e6


def world(t):
    t["sources"][0]["capacity_mtpa"] = EVERY_5_DAYS_MTPA
    t["markets"][0]["lng_demand_mtpa"] = EVERY_5_DAYS_MTPA


def test_compare_two_runs(toy, tmp_path):
    base = toy(world, days=30, name="calm")
    shock = toy(world, days=30, name="shock", events=[
        {"type": "supply_outage", "sources": ["src-a"], "factor": 0.0, "start": "2026-01-05",
         "end": "2026-01-20"}])
    for case, out in ((base, "r-calm"), (shock, "r-shock")):
        r = runner.invoke(app, ["run", str(case), "--out", str(tmp_path / out)])
        assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["compare", str(tmp_path / "r-calm"), str(tmp_path / "r-shock"),
                            "--out", str(tmp_path / "cmp")])
    assert r.exit_code == 0, r.output
    table = pd.read_csv(tmp_path / "cmp" / "comparison.csv")
    assert list(table.columns[:4]) == ["group", "figure", "calm", "shock"]
    un = table[(table["group"] == "unserved (TBtu)") & (table["figure"] == "JP")].iloc[0]
    assert un["shock"] > un["calm"]
    assert un["shock - calm"] == round(un["shock"] - un["calm"], 3)
    mv = table[table["group"].str.startswith("mean marginal value 2026-01-05..2026-01-20")]
    assert not mv.empty
    assert (tmp_path / "cmp" / "comparison.md").read_text().startswith("| group | figure |")


def test_compare_rejects_a_folder_that_is_not_a_run(tmp_path):
    (tmp_path / "empty").mkdir()
    r = runner.invoke(app, ["compare", str(tmp_path / "empty")])
    assert r.exit_code == 2
    assert "not a run folder" in r.output


def test_run_with_baseline_writes_both_runs_and_the_comparison(toy, tmp_path):
    base = toy(world, days=20, name="calm")
    shock = toy(world, days=20, name="shock", events=[
        {"type": "demand_shock", "market": "JP", "factor": 1.5, "start": "2026-01-05",
         "end": "2026-01-10"}])
    out = tmp_path / "r-shock"
    r = runner.invoke(app, ["run", str(shock), "--out", str(out), "--baseline", str(base)])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "r-shock-baseline-calm" / "summary.json").exists()
    table = pd.read_csv(out / "comparison" / "comparison.csv")
    assert {"calm", "shock"} <= set(table.columns)
