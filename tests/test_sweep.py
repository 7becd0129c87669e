"""Sweeps on a two-worker Dask cluster over the toy world: statistics against a serial loop,
kill and resume, one worker against two, bad sweep files, warm re-solves against cold ones."""

from __future__ import annotations

import json
import logging

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import lngswap
from lngswap.cli import app
from lngswap.studies import api
from lngswap.studies.sweep import Reporter, run_sweep
from lngswap.studies.sweep_warm import basis_copy, embed, solve_embedded
from lngswap.units import T_PER_M3

EVERY_5_DAYS_MTPA = 365 * 100_000 * T_PER_M3 / 5 / 1e6
N = 6


def gulf_world(t):
    """A (open sea) and B (behind Hormuz, crossed on loading day) each load a cargo every 5
    days; JP and KR each want one every 5 days, so a Hormuz closure leaves someone short."""
    for s in t["sources"]:
        s["capacity_mtpa"] = EVERY_5_DAYS_MTPA
    t["markets"][0]["lng_demand_mtpa"] = EVERY_5_DAYS_MTPA
    t["markets"][1]["lng_demand_mtpa"] = EVERY_5_DAYS_MTPA
    for r in t["routes"]:
        if r["port"] == "pb":
            r["passages"], r["passage_offsets_nm"] = "hormuz", "10.0"


@pytest.fixture
def sweep_file(toy, tmp_path):
    case = toy(gulf_world, days=30, events=[{"type": "chokepoint_closure", "passage": "hormuz",
                                             "start": "2026-01-05", "end": "2026-01-10"}])
    doc = {"case": str(case), "grid": {"cooperation": ["isolated"]},
           "sample": {"events.0.start": {"distribution": "uniform", "low": "2026-01-02",
                                         "high": "2026-01-12"},
                      "events.0.end": {"distribution": "discrete",
                                       "values": ["2026-01-15", "2026-01-25"],
                                       "probabilities": [0.5, 0.5]}},
           "samples": N, "seed": 7}
    p = tmp_path / "sweep.yaml"
    p.write_text(yaml.safe_dump(doc, sort_keys=False))
    return p


@pytest.fixture(scope="module")
def cluster():
    """A two-worker cluster on 127.0.0.1, reached through --scheduler."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0", silence_logs=logging.ERROR) as c:
        yield c.scheduler_address


def figures(tab: pd.DataFrame) -> pd.DataFrame:
    keep = [c for c in tab.columns if c not in ("solve_seconds", "warm")]
    return tab[keep].sort_values("scenario").reset_index(drop=True)


def test_statistics_match_a_serial_loop(sweep_file, tmp_path, cluster):
    run = run_sweep(sweep_file, tmp_path / "out", scheduler=cluster)
    tab = pd.read_parquet(tmp_path / "out" / "table.parquet")
    assert run.workers == 2
    assert (tab["status"] == "ok").all()
    assert len(tab) == N
    # the same scenarios, one by one, as `lngswap run` solves them
    base = run.scenarios[0].case.source_path
    serial = []
    for sc in run.scenarios:
        res = lngswap.solve(lngswap.load_case(base, sc.sets))
        un = res.markets.groupby("market")["unserved_mmbtu"].sum()
        serial.append({"objective": res.summary["objective_usd"], "JP": un["JP"], "KR": un["KR"]})
    ser = pd.DataFrame(serial)
    np.testing.assert_allclose(tab["objective_usd"], ser["objective"], rtol=1e-9)
    np.testing.assert_allclose(tab["unserved_KR_mmbtu"] + tab["unserved_JP_mmbtu"],
                               ser["KR"] + ser["JP"], rtol=1e-6, atol=1.0)
    assert ser["KR"].add(ser["JP"]).max() > 0  # the closure does leave someone short
    stats = json.loads((tmp_path / "out" / "summary.json").read_text())["statistics"]
    for party in ("JP", "KR"):
        row = next(r for r in stats if r["party"] == party and r["measure"] == "unserved")
        col = tab[f"unserved_{party}_mmbtu"].to_numpy()
        assert row["mean"] == pytest.approx(col.mean())
        assert row["worst"] == col.max()
        assert row["p90"] == pytest.approx(np.quantile(col, 0.9))
        assert col.min() <= row["cvar90"] <= col.max()
        assert row["cvar90"] >= row["mean"] - 1e-9
    # the cube holds the same unserved energy as the table
    import xarray as xr

    with xr.open_dataset(tmp_path / "out" / "cube.nc") as cube:
        kr = cube["unserved_mmbtu"].sel(market="KR").sum("date").to_numpy()
    np.testing.assert_allclose(kr, tab["unserved_KR_mmbtu"], rtol=1e-6, atol=1.0)
    assert tab["warm"].all()  # closures re-solved inside the plan's model, from its basis


class KilledClient(BaseException):
    """Stands for the client dying part-way (the acceptance check sends SIGKILL)."""


class DieAfter(Reporter):
    def __init__(self, n: int) -> None:
        self.n = n

    def finished_one(self, rec: dict) -> None:
        self.n -= 1
        if self.n == 0:
            raise KilledClient


def test_kill_and_resume_equals_an_uninterrupted_run(sweep_file, tmp_path, cluster):
    whole = run_sweep(sweep_file, tmp_path / "A", scheduler=cluster)
    with pytest.raises(KilledClient):
        run_sweep(sweep_file, tmp_path / "B", scheduler=cluster, reporter=DieAfter(2))
    kept = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "B" / "scenarios").glob("*.json")}
    # two results in; a case drawn twice is solved once and written for both scenarios
    assert 2 <= len(kept) < N
    assert not (tmp_path / "B" / "table.parquet").exists()
    (tmp_path / "B" / "scenarios" / ".x.json.lngswap-tmp-abc").write_text("{")  # debris
    # without --resume the folder is refused, naming the way out
    with pytest.raises(lngswap.errors.InputError, match="--resume"):
        run_sweep(sweep_file, tmp_path / "B", scheduler=cluster)
    again = run_sweep(sweep_file, tmp_path / "B", scheduler=cluster, resume=True)
    assert again.skipped == len(kept)
    now = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "B" / "scenarios").glob("*.json")}
    assert len(now) == N
    assert all(now[k] == v for k, v in kept.items())
    assert not list((tmp_path / "B" / "scenarios").glob(".*"))
    a = pd.read_parquet(tmp_path / "A" / "table.parquet")
    b = pd.read_parquet(tmp_path / "B" / "table.parquet")
    pd.testing.assert_frame_equal(figures(a), figures(b))
    assert whole.skipped == 0


def test_one_local_worker_gives_the_two_worker_table(sweep_file, tmp_path, cluster):
    r = CliRunner().invoke(app, ["sweep", str(sweep_file), "--out", str(tmp_path / "one"),
                                 "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "unserved" in r.output
    assert f"{N} of {N} scenarios done" in r.output
    run_sweep(sweep_file, tmp_path / "two", scheduler=cluster)
    one = pd.read_parquet(tmp_path / "one" / "table.parquet")
    two = pd.read_parquet(tmp_path / "two" / "table.parquet")
    pd.testing.assert_frame_equal(figures(one), figures(two))


def test_bad_sweep_files_exit_2_naming_the_key(sweep_file, tmp_path):
    doc = yaml.safe_load(sweep_file.read_text())
    cases = [({**doc, "colour_of_sky": "blue"}, "colour_of_sky"),
             ({**doc, "grid": {"cooperation": ["isolated", "sharing"]}}, "sharing"),
             ({**doc, "sample": {"events.2.start": doc["sample"]["events.0.start"]}},
              "sample.events.2.start")]
    for i, (bad, word) in enumerate(cases):
        p = tmp_path / f"bad{i}.yaml"
        p.write_text(yaml.safe_dump(bad))
        r = CliRunner().invoke(app, ["sweep", str(p), "--out", str(tmp_path / f"o{i}")])
        said = r.output + (r.stderr if r.stderr_bytes is not None else "")
        assert r.exit_code == 2, said
        assert word in said
        assert "Traceback" not in said
        assert not (tmp_path / f"o{i}").exists()  # nothing written


def test_unreachable_scheduler_is_bad_input(sweep_file, tmp_path):
    r = CliRunner().invoke(app, ["sweep", str(sweep_file), "--out", str(tmp_path / "o"),
                                 "--scheduler", "tcp://127.0.0.1:9"])
    assert r.exit_code == 2
    assert "cannot reach a Dask scheduler" in r.output


def test_warm_resolve_in_the_anchor_model_matches_a_cold_solve(toy):
    """A closure removes arcs: the scenario is the plan's LP with those arcs fixed at zero,
    re-solved in the plan's HiGHS model, with the cold solve's optimum."""
    closure = {"type": "chokepoint_closure", "passage": "hormuz", "start": "2026-01-03",
               "end": "2026-01-12"}
    case = lngswap.load_case(toy(gulf_world, days=20, events=[closure]))
    plan = api.build(case.model_copy(update={"events": []}))
    plan_out, session = api.solve_built(plan)
    b = api.build(case.model_copy(update={"foresight": "perfect"}))
    assert b.form.shape[1] < plan.form.shape[1]  # the closure took columns away
    emb = embed(plan.lp, plan.form, b.lp, b.form)
    assert emb is not None
    warm = solve_embedded(session, basis_copy(session), emb, b.form)
    cold, _ = api.solve_built(b)
    assert warm.objective == pytest.approx(cold.objective, rel=1e-9)
    assert np.all(b.form.col_lo - 1e-7 <= warm.x)
    assert np.all(warm.x <= b.form.col_hi + 1e-7)
    # a longer horizon changes the structure: no embedding, a model of its own
    longer = api.build(lngswap.load_case(toy(gulf_world, days=25, events=[closure])))
    assert embed(plan.lp, plan.form, longer.lp, longer.form) is None


def test_a_failed_scenario_is_recorded_and_the_sweep_goes_on(sweep_file, tmp_path, cluster):
    doc = yaml.safe_load(sweep_file.read_text())
    # an end on 2026-01-03 comes before most drawn starts: those cases are invalid
    doc["sample"]["events.0.end"] = {"distribution": "discrete",
                                     "values": ["2026-01-03", "2026-01-25"]}
    p = tmp_path / "mixed.yaml"
    p.write_text(yaml.safe_dump(doc))
    run = run_sweep(p, tmp_path / "out", scheduler=cluster)
    tab = pd.read_parquet(tmp_path / "out" / "table.parquet")
    bad = tab[tab["status"] == "failed"]
    assert 0 < len(bad) < N
    assert bad["error"].str.contains("before start").all()
    assert bad["cost_JP_usd"].isna().all()
    assert (tab.loc[tab["status"] == "ok", "cost_JP_usd"].notna()).all()
    assert sorted(f.stem for f in (tmp_path / "out" / "failed").glob("*.json")) \
        == sorted(bad["scenario"])
    summ = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summ["failed"] == len(bad)
    assert summ["done"] == run.done() == N - len(bad)
