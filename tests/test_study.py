"""The study layer: one path for every multi-solve flow (swap world of conftest.py).

A swaps case under `foresight: surprise` solves the isolated plan without events, the
isolated run (the reference), the swaps plan without events and the run, each once; the run
starts from its plan's basis. A cold plan is kept in the plan store, so the next run of the
same plan reads it instead of solving it, with the same figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import AGREEMENT, swap_world

import lngswap
from lngswap.errors import InputError
from lngswap.inputs.dataset import load_dataset
from lngswap.results.export import manifest, write_run
from lngswap.solve.highs_backend import STATUS_OF, Status, status_of
from lngswap.studies.pipeline import build, solve_built
from lngswap.studies.plan_store import PlanStore
from lngswap.studies.study import Study
from lngswap.studies.swap_terms import Variant, order_variants
from lngswap.studies.warm_start import BASIC, carry_basis

SHOCK = {"type": "demand_shock", "market": "KR", "factor": 1.5, "start": "2026-01-20",
         "end": "2026-01-30"}


def swaps_case(toy, **keys):
    return lngswap.load_case(toy(swap_world, days=40, name="toy-study", cooperation="swaps",
                                 swaps=[{**AGREEMENT, "lender_min_stock_share": 1.0}],
                                 events=[SHOCK], **keys))


def test_swaps_case_under_surprise_lists_each_solve_once(toy, tmp_path):
    case = swaps_case(toy)
    study = Study(load_dataset(case.dataset), PlanStore(tmp_path / "store"))
    res = study.run(case)
    solves = res.summary["solves"]
    got = [(s["purpose"], s["start"]) for s in solves]
    assert got == [("plan without events (isolated reference)", "cold"),
                   ("isolated reference", "cold"),
                   ("plan without events", "cold"),
                   ("run", "warm")]
    assert len({(s["purpose"], s["model"]) for s in solves}) == 4
    assert all(s["seconds"] >= 0 and s["iterations"] >= 0 for s in solves)
    assert res.summary["foresight"]["fixed_before_day"] == 19


def test_warm_run_reaches_the_cold_optimum(toy, tmp_path):
    """The run started from the plan's basis ends at the optimum a cold solve of the same
    (prefix-fixed) model finds."""
    case = swaps_case(toy)
    study = Study(load_dataset(case.dataset), PlanStore(None))
    sv = study.solve(case)
    assert sv.out.warm
    cold, _ = solve_built(sv.built)
    assert not cold.warm
    assert sv.out.objective == pytest.approx(cold.objective, rel=1e-9)


def test_a_stored_plan_gives_the_same_run(toy, tmp_path):
    """The plan of the second study comes from the store (no iterations) and the run is the
    same to the last figure."""
    case = lngswap.load_case(toy(swap_world, days=40, name="toy-store", events=[SHOCK]))
    ds = load_dataset(case.dataset)
    store = PlanStore(tmp_path / "store")
    first = Study(ds, store).run(case)
    again = Study(ds, store).run(case)
    assert [s["source"] for s in first.summary["solves"]] == ["solved", "solved"]
    plan = again.summary["solves"][0]
    assert (plan["purpose"], plan["source"]) == ("plan without events", "plan store")
    assert again.summary["objective_usd"] == first.summary["objective_usd"]
    pd.testing.assert_frame_equal(again.markets, first.markets)
    pd.testing.assert_frame_equal(again.schedule, first.schedule)


def test_a_changed_model_misses_the_store(toy, tmp_path):
    store = PlanStore(tmp_path / "store")
    a = lngswap.load_case(toy(swap_world, days=40, name="toy-a"))
    b = lngswap.load_case(toy(swap_world, days=40, name="toy-b",
                              economics={"tank_heel_share": 0.0, "regas_usd_per_mmbtu": 0.7}))
    Study(load_dataset(a.dataset), store).run(a)
    res = Study(load_dataset(b.dataset), store).run(b)
    assert [s["source"] for s in res.summary["solves"]] == ["solved"]


def test_the_study_keeps_a_bounded_number_of_models(toy):
    case = swaps_case(toy)
    study = Study(load_dataset(case.dataset), PlanStore(None), max_models=2)
    study.solve(case)
    assert len(study._memo) == 2


def test_carried_basis_has_one_basic_variable_per_row(toy):
    case = swaps_case(toy)
    ds = load_dataset(case.dataset)
    study = Study(ds, PlanStore(None))
    sv = study.solve(case)
    plan = sv.plan
    col, row = carry_basis(plan.built.lp, plan.out.basis, sv.built.lp, sv.built.form)
    m, n = sv.built.form.shape
    assert (len(col), len(row)) == (n, m)
    assert int((col == BASIC).sum() + (row == BASIC).sum()) == m


def test_results_nc_holds_every_table(toy, tmp_path):
    case = swaps_case(toy)
    ds = load_dataset(case.dataset)
    res = lngswap.solve(case, ds)
    out = tmp_path / "run"
    write_run(out, res, manifest(case, res, ds.hashes, {}))
    tree = xr.open_datatree(out / "results.nc")
    assert {"/compliance", "/parties", "/swaps"} <= {n.path for n in tree.subtree}
    root = tree.to_dataset()
    assert np.issubdtype(root["date"].dtype, np.datetime64)
    assert root["market_unserved_mmbtu"].attrs["units"] == "MMBtu"
    assert root["market_marginal_value_usd_per_mmbtu"].attrs["units"] == "USD/MMBtu"
    assert np.issubdtype(root["leg_load_date"].dtype, np.datetime64)
    parties = pd.read_csv(out / "parties.csv")
    nc = tree["parties"].to_dataset()
    assert list(nc["party"].values) == parties["party"].tolist()
    assert nc["total_cost_usd"].attrs["units"] == "USD"
    np.testing.assert_allclose(nc["total_cost_usd"].values, parties["total_cost_usd"],
                               rtol=1e-9)
    swaps = pd.read_csv(out / "swaps.csv")
    assert float(tree["swaps"]["lent_mmbtu"].sum()) == pytest.approx(swaps["lent_mmbtu"].sum())
    assert float(root["leg_delivered_mmbtu"].sum()) == pytest.approx(
        pd.read_csv(out / "schedule.csv")["delivered_mmbtu"].sum())
    tree.close()


def test_build_alone_gets_the_reference_and_no_hook_solves(toy):
    """`build()` hands a swaps case its isolated reference; the LP build itself refuses a
    case that needs one and was not given it."""
    case = swaps_case(toy)
    b = lngswap.build(case)
    assert b.md.extras["swaps"].reference is not None
    with pytest.raises(InputError, match="isolated plan"):
        build(case, load_dataset(case.dataset))


def test_status_comes_from_the_highs_enum():
    import highspy

    ms = highspy.HighsModelStatus
    assert status_of(ms.kUnboundedOrInfeasible) == Status.INFEASIBLE_OR_UNBOUNDED
    assert status_of(ms.kTimeLimit) == Status.TIME_LIMIT
    assert status_of(ms.kIterationLimit) == Status.ITERATION_LIMIT
    assert status_of(ms.kSolveError) == Status.OTHER
    assert set(STATUS_OF.values()) == set(Status) - {Status.OTHER}


def test_variants_are_ordered_so_neighbours_differ_least():
    vs = [Variant(f"c{c}-r{r}", {"max_outstanding_cargoes": c, "repay_within_days": r})
          for c in (0, 2, 4) for r in (30, 90, 180)]
    order = order_variants(vs)
    assert sorted(order) == list(range(len(vs)))
    assert order[0] == 0
    for a, b in zip(order, order[1:], strict=False):
        ta, tb = vs[a].terms, vs[b].terms
        assert sum(ta[k] != tb[k] for k in ta) == 1


def test_a_solve_stopped_short_exits_3_naming_why(toy, tmp_path):
    """The failure path: HiGHS stopped by an iteration limit is named, exit 3, no output."""
    from typer.testing import CliRunner

    from lngswap.cli import app

    case = toy(swap_world, days=20, name="toy-limit")
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["run", str(case), "--out", str(out), "--set",
                                 "solver.presolve=off", "--set",
                                 "solver.extra={simplex_iteration_limit: 0}"])
    assert r.exit_code == 3, r.output
    assert "Iteration limit" in r.output
    assert "stopped without an optimum" in r.output
    assert not out.exists()


@pytest.mark.parametrize(("status", "words"), [
    (Status.INFEASIBLE, "a defect of lngswap, not of the case"),
    (Status.INFEASIBLE_OR_UNBOUNDED, "solver.presolve=off"),
    (Status.UNBOUNDED, "no lower bound"),
    (Status.TIME_LIMIT, "time limit"),
])
def test_each_failure_is_explained_in_its_own_words(toy, status, words):
    from lngswap.errors import SolveError
    from lngswap.solve.diagnose import explain_failure
    from lngswap.solve.highs_backend import Outcome

    b = build(lngswap.load_case(toy(days=5)))
    out = Outcome(status=status, model_status=str(status), objective=float("nan"),
                  x=np.zeros(0), row_dual=np.zeros(0), col_dual=np.zeros(0), highs_s=0.0,
                  handover_s=0.0, iterations=0)
    with pytest.raises(SolveError, match=words):
        explain_failure(b, out, None)


def test_typed_summary_reads_back_the_same_keys(toy, tmp_path):
    import json

    from lngswap.results.summary import RunSummary

    case = swaps_case(toy)
    ds = load_dataset(case.dataset)
    res = lngswap.solve(case, ds)
    out = tmp_path / "run"
    write_run(out, res, manifest(case, res, ds.hashes, {}))
    typed = RunSummary.read(out)
    assert typed.as_json() == json.loads((out / "summary.json").read_text())
    assert typed.solves[-1].purpose == "run"
    assert typed.solves[-1].start == "warm"
    assert typed.parties is not None
    assert set(typed.parties.total_cost_usd) >= {"JP", "KR"}
    assert typed.unserved_mmbtu["KR"] >= 0.0


def test_deliveries_by_origin_add_up_to_deliveries(toy):
    """Cargoes already at sea on the first day count in both, so the totals reconcile."""
    def at_sea_world(t):
        swap_world(t)
        t["terminals"][0]["initial_fill"] = 0.0

    case = lngswap.load_case(toy(at_sea_world, days=30, name="toy-origin"))
    res = lngswap.solve(case)
    s = res.summary
    for market, total in s["delivered_mmbtu"].items():
        by_origin = s["deliveries_by_origin_mmbtu"].get(market, {})
        assert sum(by_origin.values()) == pytest.approx(total, abs=1.0 + len(by_origin))
    sch = res.schedule.groupby("market")["delivered_mmbtu"].sum()
    for market, total in sch.items():
        assert s["delivered_mmbtu"][market] == pytest.approx(total, abs=1.0)


def test_a_warm_start_past_its_budget_starts_again_cold(toy, monkeypatch):
    """A warm start that takes too many iterations is given up (logged) and the run solved
    cold, to the same optimum."""
    from lngswap.studies import study as study_mod

    case = swaps_case(toy)
    ds = load_dataset(case.dataset)
    normal = Study(ds, PlanStore(None)).run(case)
    monkeypatch.setattr(study_mod, "WARM_BUDGET", 1e-9)
    monkeypatch.setattr(study_mod, "WARM_MIN_ITERATIONS", 1)
    res = Study(ds, PlanStore(None)).run(case)
    got = [(s["purpose"], s["start"], s["status"]) for s in res.summary["solves"]][-2:]
    assert got == [("run: warm start given up after 1 iterations", "warm", "iteration_limit"),
                   ("run", "cold", "optimal")]
    assert res.summary["objective_usd"] == pytest.approx(normal.summary["objective_usd"],
                                                         rel=1e-9)


def test_each_solve_is_timed(toy):
    case = swaps_case(toy)
    res = Study(load_dataset(case.dataset), PlanStore(None)).run(case)
    run = res.summary["solves"][-1]
    assert run["start"] == "warm"
    assert run["seconds"] >= res.summary["timings_s"]["highs"] > 0
