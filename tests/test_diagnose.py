"""A case with no plan is explained: `shortfall: hard` from HiGHS's IIS in domain words, an
infeasible soft-mode case as a defect to report; PDLP's answers are checked."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import lngswap
from lngswap.errors import SolveError
from lngswap.solve.diagnose import explain_failure
from lngswap.solve.highs_backend import Status
from lngswap.units import T_PER_M3

EVERY_5_DAYS_MTPA = 365 * 100_000 * T_PER_M3 / 5 / 1e6


def supplied(t):
    """Source A supplies one cargo every 5 days; Japan needs that much."""
    t["sources"][0]["capacity_mtpa"] = EVERY_5_DAYS_MTPA
    t["markets"][0]["lng_demand_mtpa"] = EVERY_5_DAYS_MTPA * 0.5
    t["terminals"][0]["initial_fill"] = 0.5


def test_hard_mode_explains_a_market_that_cannot_be_supplied(toy):
    def nothing(t):
        t["markets"][0]["lng_demand_mtpa"] = 5.0  # Japan needs LNG; no source produces any
    case = lngswap.load_case(toy(nothing, days=4, shortfall="hard", foresight="perfect"))
    with pytest.raises(SolveError) as e:
        lngswap.solve(case)
    text = str(e.value)
    assert "JP: demand must be met in full" in text
    assert "terminal jp-t (JP)" in text
    assert "JP: no unserved demand is allowed (shortfall: hard)" in text
    assert "2026-01-01" in text


def test_hard_mode_has_the_soft_optimum_when_nothing_runs_short(toy):
    soft = lngswap.solve(lngswap.load_case(toy(supplied, days=10, foresight="perfect")))
    assert soft.markets["unserved_mmbtu"].sum() == pytest.approx(0.0, abs=1e-3)
    hard = lngswap.solve(lngswap.load_case(toy(supplied, days=10, foresight="perfect",
                                               shortfall="hard")))
    assert hard.summary["objective_usd"] == pytest.approx(soft.summary["objective_usd"],
                                                          rel=1e-9)


def test_soft_mode_infeasible_is_reported_as_a_defect(toy):
    case = lngswap.load_case(toy(days=3))
    b = SimpleNamespace(md=SimpleNamespace(case=case), lp=None)
    out = SimpleNamespace(status=Status.INFEASIBLE, model_status="Infeasible")
    with pytest.raises(SolveError) as e:
        explain_failure(b, out, None)
    text = str(e.value)
    assert "defect of lngswap, not of the case" in text
    assert case.source_path in text
    assert "hard limit" not in text


def test_pdlp_answer_is_polished_to_the_simplex_optimum(toy):
    base = lngswap.solve(lngswap.load_case(toy(supplied, days=12)))
    pdlp = lngswap.solve(lngswap.load_case(toy(supplied, days=12,
                                               solver={"solver": "pdlp"})))
    assert pdlp.summary["objective_usd"] == pytest.approx(base.summary["objective_usd"],
                                                          rel=1e-7)


def test_pdlp_stopped_by_its_time_cap_is_finished_by_simplex(toy, monkeypatch):
    """PDLP runs at most PDLP_TIME_CAP_S per solve; stopped early (here at once), simplex
    finishes from its point and the answer is the simplex optimum, not a time-limit status."""
    from lngswap.solve import highs_backend

    base = lngswap.solve(lngswap.load_case(toy(supplied, days=12)))
    monkeypatch.setattr(highs_backend, "PDLP_TIME_CAP_S", 1e-6)
    pdlp = lngswap.solve(lngswap.load_case(toy(supplied, days=12,
                                               solver={"solver": "pdlp"})))
    assert pdlp.summary["objective_usd"] == pytest.approx(base.summary["objective_usd"],
                                                          rel=1e-7)
