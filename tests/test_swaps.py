"""Swap agreements on the toy world, solved by hand.

Japan owns every cargo of `src-a` (one every 5 days, loaded on days 1, 6, 11, ...; 2 days to
jp-t, 3 to kr-t), Korea every cargo of `src-b`, which only starts on 13 January (loads on
days 14, 19, ...; 2 days to kr-t, 3 to jp-t). Each market burns a tenth of a cargo a day, so
Japan is long from its first arrival (day 3) and Korea has nothing until day 16, then is long
too. Shortfall costs 100 USD/MMBtu; a ship-day costs 1 M USD (about 0.96 USD/MMBtu).
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import AGREEMENT, CARGO, DAILY, EVERY_5_DAYS_MTPA, swap_world
from typer.testing import CliRunner

import lngswap
from lngswap.cli import app
from lngswap.units import T_PER_M3

CASE: dict = {}  # tanks start empty, so the end-stock value only prices open swap balances


def floor_world(t: dict) -> None:
    """As `swap_world`, but Japan burns all it gets (a fifth of a cargo a day) and holds a
    strategic floor of one cargo, with 3 days of demand above it at the start."""
    swap_world(t)
    t["markets"][0]["lng_demand_mtpa"] = EVERY_5_DAYS_MTPA
    jp = t["terminals"][0]
    jp["floor_t"] = 100_000 * T_PER_M3
    jp["initial_fill"] = 0.16  # 1.6 cargoes of a 10-cargo tank


def solve(toy, mode: str, world=swap_world, days: int = 40, **agreement):
    ag = {**AGREEMENT, **agreement}
    path = toy(world, days=days, name=f"toy-{mode}", cooperation=mode, swaps=[ag], **CASE)
    return lngswap.solve(lngswap.load_case(path))


def unserved(res, market: str) -> float:
    return res.summary["unserved_mmbtu"][market]


def lent(res) -> float:
    sw = res.tables["swaps"]
    return float(sw["lent_mmbtu"].sum()) if len(sw) else 0.0


def test_hand_solved_swap_lends_and_repays(toy):
    """Alone, Korea is short for days 0-15. With the swap, Japan's cargoes loaded on days 1, 6
    and 11 also sail to Korea (3 days), so Korea is short only for days 0-3 and borrows its
    demand of days 4-15: 12 days, 1.2 cargoes. It repays from its own cargoes, which reach
    Japan from day 17, inside the 20-day window; nothing is left open."""
    iso, swp, pool = (solve(toy, m) for m in ("isolated", "swaps", "pooled"))
    assert unserved(iso, "KR") == pytest.approx(16 * DAILY, rel=1e-6)
    assert unserved(swp, "KR") == pytest.approx(4 * DAILY, rel=1e-6)
    assert unserved(pool, "KR") == pytest.approx(4 * DAILY, rel=1e-6)
    for res in (iso, swp, pool):
        assert unserved(res, "JP") == pytest.approx(3 * DAILY, rel=1e-6)
    sw = swp.tables["swaps"]
    assert list(sw.columns) == ["agreement", "date", "lender", "borrower", "cargo_id",
                                "lent_mmbtu", "repaid_mmbtu", "outstanding_mmbtu", "fee_usd"]
    loans = sw[sw["lent_mmbtu"] > 0]
    assert set(loans["date"]) == {"2026-01-05", "2026-01-10", "2026-01-15"}
    assert set(zip(sw["lender"], sw["borrower"], strict=True)) == {("JP", "KR")}
    assert loans["cargo_id"].str.startswith("src-a").all()
    repaid = sw[sw["repaid_mmbtu"] > 0]
    assert repaid["cargo_id"].str.startswith("src-b").all()
    assert repaid["date"].min() >= "2026-01-18"
    assert lent(swp) == pytest.approx(12 * DAILY, rel=1e-6)
    assert sw["repaid_mmbtu"].sum() == pytest.approx(12 * DAILY, rel=1e-6)
    assert (sw["outstanding_mmbtu"] >= -1e-3).all()
    assert "open-balance" not in set(sw["cargo_id"])
    led = swp.summary["swaps"]["ledger"]
    jk = next(r for r in led if r["lender"] == "JP")
    assert jk["cargoes_lent"] == pytest.approx(1.2, rel=1e-6)
    assert jk["open_balance_mmbtu"] == pytest.approx(0.0, abs=1.0)


def test_repayment_window_binds_when_shortened(toy):
    """With 8 days to repay, a loan must be back by day d + 8, and Korea's first cargo reaches
    Japan on day 17: the loan of day 4 cannot be repaid in time, the one of day 9 can. Korea is
    short on days 0-8 (9 days) and borrows its demand of days 9-15 (7 days)."""
    res = solve(toy, "swaps", repay_within_days=8)
    assert unserved(res, "KR") == pytest.approx(9 * DAILY, rel=1e-6)
    assert lent(res) == pytest.approx(7 * DAILY, rel=1e-6)
    sw = res.tables["swaps"]
    day = pd.to_datetime(sw["date"])
    daily_lent = sw.groupby(day)["lent_mmbtu"].sum()
    for d, owed in sw.groupby(day)["outstanding_mmbtu"].max().items():
        window = daily_lent[(daily_lent.index > d - pd.Timedelta(days=8))
                            & (daily_lent.index <= d)].sum()
        assert owed <= window + 1e-3


@pytest.mark.parametrize(("fee", "used"), [(150.0, False), (50.0, True)])
def test_fee_above_the_value_of_avoided_shortfall_stops_the_swap(toy, fee, used):
    """A loan avoids 100 USD/MMBtu of shortfall at a few USD of extra freight: at a fee of 150
    it is not worth taking, at 50 it is, and the borrower pays the fee to the lender."""
    res = solve(toy, "swaps", fee_usd_per_mmbtu=fee)
    if not used:
        assert lent(res) == pytest.approx(0.0, abs=1e-3)
        assert unserved(res, "KR") == pytest.approx(16 * DAILY, rel=1e-6)
        return
    assert lent(res) == pytest.approx(12 * DAILY, rel=1e-6)
    assert res.tables["swaps"]["fee_usd"].sum() == pytest.approx(fee * 12 * DAILY, rel=1e-6)
    pa = res.tables["parties"].set_index("party")
    assert pa.loc["KR", "fees_paid_usd"] == pytest.approx(fee * 12 * DAILY, rel=1e-6)
    assert pa.loc["JP", "fees_received_usd"] == pytest.approx(fee * 12 * DAILY, rel=1e-6)


CASES = {
    "default": {},
    "short window": {"repay_within_days": 8},
    "high fee": {"fee_usd_per_mmbtu": 150.0},
    "small cap": {"max_outstanding_cargoes": 0.5},
    "yearly cap": {"max_cargoes": 0.3},
    "one way, wrong way": {"direction": "KR->JP"},
    "winter window": {"active": {"start": "2026-01-09", "end": "2026-01-12"}},
    "open at the end": {"repay_within_days": 60},
}


@pytest.mark.parametrize("terms", CASES.values(), ids=list(CASES))
def test_pooled_le_swaps_le_isolated(toy, terms):
    """Cooperation can only lower the total cost: pooled <= swaps <= isolated."""
    o = {m: solve(toy, m, **terms).summary["objective_usd"]
         for m in ("isolated", "swaps", "pooled")}
    assert o["pooled"] <= o["swaps"] + 1.0
    assert o["swaps"] <= o["isolated"] + 1.0


def test_terms_shape_the_ledger(toy):
    """One way Korea -> Japan: Japan cannot lend, so Korea is as short as alone. A loan window
    of 9-12 January admits only the loan landing on 10 January. A cap of half a cargo
    outstanding keeps the balance at or below it."""
    wrong = solve(toy, "swaps", direction="KR->JP")
    assert lent(wrong) == pytest.approx(0.0, abs=1e-3)
    assert unserved(wrong, "KR") == pytest.approx(16 * DAILY, rel=1e-6)
    win = solve(toy, "swaps", active={"start": "2026-01-09", "end": "2026-01-12"})
    loans = win.tables["swaps"]
    assert set(loans.loc[loans["lent_mmbtu"] > 0, "date"]) == {"2026-01-10"}
    cap = solve(toy, "swaps", max_outstanding_cargoes=0.5)
    assert cap.tables["swaps"]["outstanding_mmbtu"].max() <= 0.5 * CARGO + 1e-3


def test_open_balance_at_the_horizon_end_is_reported(toy):
    """With 60 days to repay in a 40-day horizon nothing forces a repayment (it would cost
    freight), so the whole loan stays open and is valued at the end-stock value."""
    path = toy(swap_world, days=40, name="toy-open", cooperation="swaps",
               swaps=[{**AGREEMENT, "repay_within_days": 60}],
               economics={"end_stock_value_usd_per_mmbtu": 9.0})
    res = lngswap.solve(lngswap.load_case(path))
    sw = res.tables["swaps"]
    end = sw[sw["cargo_id"] == "open-balance"]
    assert len(end) == 1
    assert end["date"].iat[0] == "2026-02-09"
    assert end["outstanding_mmbtu"].iat[0] == pytest.approx(12 * DAILY, rel=1e-6)
    info = res.summary["swaps"]
    assert info["open_balance_value_usd"] == pytest.approx(9.0 * 12 * DAILY, rel=1e-6)
    pa = res.tables["parties"].set_index("party")
    assert pa.loc["KR", "open_balance_owed_usd"] == pytest.approx(9.0 * 12 * DAILY, rel=1e-6)
    assert pa.loc["JP", "open_balance_due_usd"] == pytest.approx(9.0 * 12 * DAILY, rel=1e-6)


def test_parties_add_up_to_the_objective(toy):
    """The parties' total costs add up to the objective less the fees received (the LP counts
    a fee only as the borrower's cost)."""
    res = solve(toy, "swaps", fee_usd_per_mmbtu=5.0)
    pa = res.tables["parties"]
    total = pa["total_cost_usd"].sum() + pa["fees_received_usd"].sum()
    assert total == pytest.approx(res.summary["objective_usd"], rel=1e-7, abs=10.0)


def test_mutual_benefit_holds_when_required(toy):
    """Without a fee Japan pays the extra freight of lending and of being repaid, so the swap
    leaves it worse off. Required to benefit both, the swap still covers Korea's shortfall, and
    Japan is made whole: with no fee, by energy Korea still owes it at the horizon end (valued
    at the end-stock value); with a fee of 5 USD/MMBtu, by the fee. Neither party pays more
    than alone, and the summary splits the joint gain."""
    iso = solve(toy, "isolated").tables["parties"].set_index("party")["total_cost_usd"]
    free = solve(toy, "swaps")
    assert free.tables["parties"].set_index("party").loc["JP", "total_cost_usd"] > iso["JP"]
    assert not free.summary["swaps"]["mutual_benefit"]["holds"]
    for fee in (0.0, 5.0):
        path = toy(swap_world, days=40, name=f"toy-mb-{fee:g}", cooperation="swaps",
                   require_mutual_benefit=True,
                   swaps=[{**AGREEMENT, "fee_usd_per_mmbtu": fee}], **CASE)
        res = lngswap.solve(lngswap.load_case(path))
        cost = res.tables["parties"].set_index("party")["total_cost_usd"]
        for p in ("JP", "KR"):
            assert cost[p] <= iso[p] + 10.0
        assert unserved(res, "KR") == pytest.approx(4 * DAILY, rel=1e-6)
        info = res.summary["swaps"]
        assert info["mutual_benefit"] == {"required": True, "holds": True}
        split = info["gain_vs_isolated"]["parties"]
        assert split["KR"]["gain_usd"] > 0
        assert split["JP"]["gain_usd"] >= -10.0
        assert split["JP"]["share_of_gain"] + split["KR"]["share_of_gain"] == (
            pytest.approx(1.0, abs=1e-3))
        if fee == 0.0:
            assert info["open_balance_value_usd"] > 0
        # the isolated plan solved while building is timed apart from the LP build
        t = res.summary["timings_s"]
        assert t["isolated_reference"] == pytest.approx(info["timings_s"]["reference"], abs=1e-3)
        assert 0 <= t["build"] < t["total"] - t["isolated_reference"]


def test_lender_never_goes_below_its_floor(toy):
    """Japan burns all it gets and holds a one-cargo floor. Korea's shortfall (100 USD/MMBtu)
    is worth far more than Japan's floor drawdown (1 USD/MMBtu a day), so without the guard
    Japan lends all Korea needs (1.2 cargoes) and runs a cargo below its floor. With it, Japan
    lends only what comes back before it would dip below the floor: its day-11 cargo lands in
    Korea on day 14 and Korea's first cargo reaches Japan on day 17, so it lends 0.2 cargo
    (Korea's demand of days 14-15) and its stock never falls further below the floor than
    alone (only in the last days, where a 40-day horizon gives the floor no value)."""
    iso = solve(toy, "isolated", world=floor_world)
    unguarded = solve(toy, "swaps", world=floor_world, lender_min_stock_share=0.0)
    guarded = solve(toy, "swaps", world=floor_world)

    def below(res) -> pd.Series:
        inv = res.inventory[res.inventory["terminal"] == "jp-t"]
        return inv.set_index("date")["below_floor_mmbtu"]

    assert lent(unguarded) == pytest.approx(12 * DAILY, rel=1e-6)
    assert below(unguarded).max() == pytest.approx(CARGO, rel=1e-6)
    assert lent(guarded) == pytest.approx(2 * DAILY, rel=1e-5)
    assert unserved(guarded, "KR") == pytest.approx(14 * DAILY, rel=1e-5)
    assert (below(guarded) <= below(iso) + 2.0).all()
    sw = guarded.tables["swaps"]
    owed = sw.groupby("date")["outstanding_mmbtu"].max()
    assert below(guarded).loc["2026-01-15":"2026-01-18"].max() <= 2.0
    assert owed.loc["2026-01-15"] == pytest.approx(2 * DAILY, rel=1e-5)


runner = CliRunner()

BAD = {
    "same party twice": ({"parties": ["JP", "JP"]}, "swaps.0.parties", "'JP' twice"),
    "negative cap": ({"max_outstanding_cargoes": -1}, "swaps.0.max_outstanding_cargoes",
                     "greater than or equal to 0"),
    "unknown party": ({"parties": ["JP", "XX"]}, "swaps.0.parties.1", "unknown party 'XX'"),
    "direction of no party": ({"direction": "JP->EU"}, "swaps.0", "direction 'JP->EU'"),
    "long location swap": ({"kind": "location", "repay_within_days": 90}, "swaps.0",
                           "location swap"),
    "reversed window": ({"active": {"start": "2026-02-01", "end": "2026-01-01"}},
                        "swaps.0.active", "before start"),
    "unknown key": ({"repay_days": 30}, "swaps.0.repay_days", "unknown key"),
}


@pytest.mark.parametrize(("terms", "key", "what"), BAD.values(), ids=list(BAD))
def test_bad_agreement_exits_2(toy, tmp_path, terms, key, what):
    """A bad agreement is named by file and key, exits 2 and writes nothing."""
    path = toy(swap_world, days=20, name="toy-bad", cooperation="swaps",
               swaps=[{**AGREEMENT, **terms}])
    r = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out")])
    msg = (r.stdout or "") + (r.stderr or "")
    assert r.exit_code == 2, msg
    assert "toy-bad.yaml" in msg
    assert key in msg
    assert what in msg
    assert not (tmp_path / "out").exists()


def test_run_writes_ledger_and_parties(toy, tmp_path):
    """`lngswap run` writes swaps.csv and parties.csv; isolated runs write an empty ledger."""
    for mode in ("swaps", "isolated"):
        path = toy(swap_world, days=40, name=f"toy-cli-{mode}", cooperation=mode,
                   swaps=[AGREEMENT], **CASE)
        out = tmp_path / mode
        r = runner.invoke(app, ["run", str(path), "--out", str(out)])
        assert r.exit_code == 0, (r.stdout or "") + (r.stderr or "")
        sw = pd.read_csv(out / "swaps.csv")
        pa = pd.read_csv(out / "parties.csv")
        assert {"JP", "KR"} <= set(pa["party"])
        assert {"purchase_usd", "freight_usd", "regas_usd", "fees_paid_usd",
                "fees_received_usd", "unserved_mmbtu", "unserved_penalty_usd",
                "total_cost_usd"} <= set(pa.columns)
        if mode == "swaps":
            assert sw["lent_mmbtu"].sum() == pytest.approx(12 * DAILY, rel=1e-5)
        else:
            assert sw.empty


def test_pyomo_model_of_the_ledger_agrees(toy):
    """The Pyomo model built from the same blocks (ledger, caps, guard, mutual benefit) has the
    same optimum as the arrays handed to highspy."""
    path = toy(swap_world, days=40, name="toy-pyomo", cooperation="swaps",
               require_mutual_benefit=True, swaps=[AGREEMENT], **CASE)
    fast = lngswap.solve(lngswap.load_case(path)).summary["objective_usd"]
    slow = lngswap.solve(lngswap.load_case(path, ["solver.backend=pyomo"]))
    assert slow.summary["objective_usd"] == pytest.approx(fast, rel=1e-7)
