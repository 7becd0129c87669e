"""Uncertain event ends and the stochastic LP of rolling foresight, solved by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lngswap.errors import InputError
from lngswap.inputs.case import load_case
from lngswap.inputs.scenarios import realise, scenario_set
from lngswap.model.lp import LinearProgram
from lngswap.solve.highs_backend import HighsSession
from lngswap.studies.rolling import cvar
from lngswap.studies.stochastic import Member, groups_at, member_outcome, stack
from lngswap.studies.terms_uncertain import gain_cvar, mark_best

OPTS = {"solver": "simplex", "presolve": "on", "threads": 1, "output_flag": False}


def closure(**end) -> dict:
    return {"type": "chokepoint_closure", "passage": "hormuz", "start": "2026-01-03", **end}


def two_ends(p=(0.5, 0.5)):
    return [{"end": "2026-01-04", "probability": p[0]},
            {"end": "2026-01-08", "probability": p[1]}]


def test_end_scenarios_valid_and_realised(toy):
    case = load_case(toy(foresight="rolling", events=[closure(end_scenarios=two_ends())]))
    assert str(case.events[0].end) == "2026-01-08"      # the latest end is the window
    scen = scenario_set(case)
    assert [s.label for s in scen] == ["end-2026-01-04", "end-2026-01-08"]
    assert [s.probability for s in scen] == [0.5, 0.5]
    one = realise(case, scen[0])
    assert str(one.events[0].end) == "2026-01-04"
    assert one.events[0].end_scenarios is None
    assert one.foresight == "perfect"


@pytest.mark.parametrize(("ends", "foresight", "said"), [
    (two_ends((0.5, 0.4)), "rolling", "probabilities sum to 0.9"),
    ([{"end": "2026-01-02", "probability": 1.0}], "rolling", "before the start"),
    ([{"end": "2026-01-04", "probability": 0.0}, {"end": "2026-01-05", "probability": 1.0}],
     "rolling", "probability"),
    (two_ends(), "perfect", "need `foresight: rolling`"),
])
def test_bad_end_scenarios_name_the_key(toy, ends, foresight, said):
    with pytest.raises(InputError) as e:
        load_case(toy(foresight=foresight, events=[closure(end_scenarios=ends)]))
    assert said in str(e.value)
    assert "end_scenarios" in str(e.value)


def test_information_groups():
    """Ends on days 3 and 7: alike until day 3 has passed, told apart from day 4 on."""
    ends = [(3,), (7,)]
    assert groups_at(0, ends) == [[0, 1]]
    assert groups_at(3, ends) == [[0, 1]]
    assert groups_at(4, ends) == []


def test_cvar_by_hand():
    v, p = np.array([10.0, 20.0, 40.0]), np.array([0.3, 0.4, 0.3])
    assert cvar(v, p, 0.0) == pytest.approx(23.0)            # the mean
    assert cvar(v, p, 0.7) == pytest.approx(40.0)            # the worst 30 %
    assert cvar(v, p, 0.5) == pytest.approx((0.3 * 40 + 0.2 * 20) / 0.5)
    assert gain_cvar(-v, p, 0.7) == pytest.approx(-40.0)


def scenario_lp(demand: float) -> Member:
    """Buy x at 1 on day 0 (stock), buy y at 3 on day 1; x + y >= demand."""
    lp = LinearProgram()
    x = lp.var("buy", pd.DataFrame({"day": [0]}), cost=1.0)
    y = lp.var("late", pd.DataFrame({"day": [1]}), cost=3.0)
    c = lp.con("meet", pd.DataFrame({"k": [0]}), lo=demand)
    c.add(x, [0], [0], 1.0).add(y, [0], [0], 1.0)
    form = lp.matrices()
    return Member(f"d{demand}", 0.5, None, lp, form, np.array([0, 1]))


def test_stochastic_plan_holds_stock_perfect_foresight_would_not():
    """Demand 0 or 2 with probability 1/2, learnt on day 1. Perfect foresight buys early
    exactly the demand: costs 0 and 2, expected 1. Deciding day 0 before knowing: x early,
    3 (2 - x) late if demand is 2: expected x + 1.5 (2 - x), least at x = 2, so the plan holds
    2 units even in the scenario that needs none: costs 2 and 2, expected 2; the value of
    information is 1."""
    members = [scenario_lp(0.0), scenario_lp(2.0)]
    st = stack(members, [(0,), (5,)], t0=0, step=1, horizon=2)
    assert st.ties == 1
    out = HighsSession(st.form, OPTS).solve()
    assert out.objective == pytest.approx(2.0)
    per = [member_outcome(out, st, i, m) for i, m in enumerate(members)]
    assert [o.x[0] for o in per] == pytest.approx([2.0, 2.0])
    assert [o.objective for o in per] == pytest.approx([2.0, 2.0])
    pf = [HighsSession(m.form, OPTS).solve().objective for m in members]
    assert pf == pytest.approx([0.0, 2.0])
    assert out.objective - 0.5 * sum(pf) == pytest.approx(1.0)


def test_learnt_before_the_step_nothing_is_tied():
    """If the demand is known before day 0's step starts, each scenario plans alone."""
    members = [scenario_lp(0.0), scenario_lp(2.0)]
    st = stack(members, [(-1,), (5,)], t0=0, step=1, horizon=2)
    assert st.ties == 0
    assert HighsSession(st.form, OPTS).solve().objective == pytest.approx(1.0)


def test_best_terms_by_the_smaller_party_gain():
    t = pd.DataFrame({"variant": ["a", "a", "b", "b"], "party": ["JP", "KR"] * 2,
                      "expected_gain_usd": [10.0, -1.0, 4.0, 3.0],
                      "worst_gain_usd": [1.0, 0.5, -2.0, 5.0]})
    m = mark_best(t)
    assert set(m.loc[m["best_for_both_expected"] == "best", "variant"]) == {"b"}
    assert set(m.loc[m["best_for_both_worst"] == "best", "variant"]) == {"a"}
