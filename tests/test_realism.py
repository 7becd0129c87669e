"""Hand-solved toys for the market-realism mechanisms: commitments inside the notice period,
destination clauses, the run-out period, working stocks, the new events and lagged prices.

Toy numbers: a cargo is 100,000 m3 x 0.45 t/m3 = 45,000 t; `src-a` at 0.82125 Mtpa loads one
every 20 days (days 4 and 24 of a 30-day horizon: the first cargo is half a spacing after the
lookback start, day -6). Charter, boil-off and regas are zero unless a test sets them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import lngswap
from lngswap.errors import InputError
from lngswap.inputs.calendar import Calendar
from lngswap.tables.supply import formula_level
from lngswap.units import MMBTU_PER_T

CARGO_MMBTU = 100_000 * 0.45 * MMBTU_PER_T
EVERY_20_DAYS_MTPA = 365 * 45_000 / 20 / 1e6


def jp_contract(tables, clause: str = "consent", acq: float = EVERY_20_DAYS_MTPA) -> None:
    """src-a sells its whole output DES to JP at a fixed 1 USD/MMBtu (take-or-pay); the rest
    of the world would buy up to 40 Mtpa (a cargo a day and more) at 5 USD/MMBtu."""
    tables["sources"][0]["capacity_mtpa"] = acq
    tables["markets"][2]["lng_demand_mtpa"] = 40.0
    tables["contracts"] = [{
        "contract": "jp-a", "owner": "JP", "market": "JP", "seller": "src-a", "acq_mtpa": acq,
        "term": "long", "start_date": "2020-01-01", "end_date": "2035-12-31",
        "price_formula": "fixed", "index": "", "slope": 0.0, "constant_usd_per_mmbtu": 1.0,
        "destination": "DES", "destination_clause": clause, "cancel_fee_usd_per_mmbtu": ""}]


def to_market(res, market: str) -> float:
    sch = res.schedule
    return float(sch.loc[(sch["market"] == market) & (sch["status"] == "planned"),
                         "volume_mmbtu"].sum())


# --- commitments --------------------------------------------------------------------------

def test_a_committed_cargo_keeps_its_destination(toy):
    """JP burns 0.1 cargo a day, twice what src-a sells, so the plan lands the day-4 cargo in
    Japan and 0.4 of the day-24 one (arriving day 26, four days before the end; the other 0.6
    goes to the rest of the world at 5 USD/MMBtu, 4 after the 1 USD diversion fee). From day
    2 Japan's demand vanishes. With the 30-day programme notice both cargoes keep the plan's
    destinations; with no notice both go to the rest of the world, and the objective is lower
    by exactly (2 - 0.6) cargoes x 4 USD/MMBtu (what happens before day 2 is the plan's in
    both)."""
    def edit(t):
        jp_contract(t)
        t["markets"][0]["lng_demand_mtpa"] = 2 * EVERY_20_DAYS_MTPA

    shock = [{"type": "demand_shock", "market": "JP", "factor": 0.0, "start": "2026-01-03",
              "end": "2026-01-30"}]
    plan = lngswap.solve(lngswap.load_case(toy(edit, days=30)))
    held = lngswap.solve(lngswap.load_case(toy(edit, days=30, events=shock)))
    free = lngswap.solve(lngswap.load_case(toy(edit, days=30, events=shock, commitments={
        "programme_notice_days": 0, "short_term_notice_days": 0})))

    def by_market(res):
        s = res.schedule
        return s[s["status"] == "planned"].groupby(["cargo_id", "market"])["volume_mmbtu"].sum()

    assert to_market(plan, "ROW-X") == pytest.approx(0.6 * CARGO_MMBTU, rel=1e-6)
    # held: nowhere the plan did not send it, never more than planned (Japan's 0.4 may now
    # stay unlifted: take-or-pay makes lifting it into a tank nobody draws cost the same)
    h, pl = by_market(held), by_market(plan)
    assert set(h.index) <= set(pl.index)
    assert (h <= pl.reindex(h.index) + 1e-3).all()
    assert to_market(held, "ROW-X") == pytest.approx(0.6 * CARGO_MMBTU, rel=1e-6)
    assert to_market(free, "ROW-X") == pytest.approx(2 * CARGO_MMBTU, rel=1e-6)
    assert held.summary["commitments"]["frozen_cargoes"]["contracted_des"] == 2
    assert free.summary["commitments"]["frozen_cargoes"]["contracted_des"] == 0
    assert held.summary["commitments"]["known_from"] == "2026-01-03"
    gain = held.summary["objective_usd"] - free.summary["objective_usd"]
    assert gain == pytest.approx(1.4 * CARGO_MMBTU * 4.0, rel=1e-6)


def test_spot_cargoes_inside_the_lead_time_are_not_bought_late(toy):
    """The plan buys no spot cargo (nobody needs one); from day 2 Korea needs gas. Spot
    cargoes loading inside the 14-day lead time cannot be bought; later ones can."""
    def edit(t):
        t["sources"][1]["capacity_mtpa"] = EVERY_20_DAYS_MTPA  # src-b: spot, days 4 and 24

    shock = [{"type": "demand_shock", "market": "KR", "factor": 1.0, "start": "2026-01-03",
              "end": "2026-01-30"}]

    def with_kr_demand(t):
        edit(t)
        t["markets"][1]["lng_demand_mtpa"] = 0.0

    res = lngswap.solve(lngswap.load_case(toy(with_kr_demand, days=30, events=shock)))
    assert res.summary["commitments"]["frozen_cargoes"]["spot"] == 1
    late = res.schedule[res.schedule["load_date"] == "2026-01-05"]
    assert late["volume_mmbtu"].sum() == pytest.approx(0.0, abs=1e-3)


# --- destination clauses ------------------------------------------------------------------

@pytest.mark.parametrize(("clause", "diverted"), [("consent", True), ("restricted", False)])
def test_a_destination_clause_blocks_the_resale(toy, clause, diverted):
    """Japan needs nothing; the rest of the world pays 5 USD/MMBtu. With the seller's consent
    the cargo is diverted there for the 1 USD fee (objective -2 cargoes x 4 USD/MMBtu beside
    the take-or-pay payments); a restricted clause forbids it, and the cargoes stay
    unlifted or in Japan's tank."""
    res = lngswap.solve(lngswap.load_case(toy(lambda t: jp_contract(t, clause), days=30)))
    paid = 2 * CARGO_MMBTU * 1.0  # take-or-pay at 1 USD/MMBtu whatever happens
    if diverted:
        assert to_market(res, "ROW-X") == pytest.approx(2 * CARGO_MMBTU, rel=1e-6)
        assert res.summary["objective_usd"] == pytest.approx(paid - 2 * CARGO_MMBTU * 4.0,
                                                             rel=1e-6)
    else:
        assert to_market(res, "ROW-X") == pytest.approx(0.0, abs=1e-3)
        assert res.summary["objective_usd"] == pytest.approx(paid, rel=1e-6)


# --- run-out ------------------------------------------------------------------------------

def run_down_toy(tables) -> None:
    """JP burns half a cargo a day and holds 4 days of working stock; src-a sells a spot
    cargo every day at 2 USD/MMBtu; stock left at the end is worth nothing."""
    tables["sources"][0]["capacity_mtpa"] = 365 * 45_000 / 1e6
    tables["markets"][0]["lng_demand_mtpa"] = 365 * 45_000 / 2 / 1e6
    for m in tables["markets"]:
        m["working_stock_days"] = 4.0 if m["market"] == "JP" else 0.0
    tables["terminals"][0]["initial_fill"] = 4 * 0.5 * 100_000 / 1_000_000


def test_without_run_out_the_last_days_run_stocks_down(toy):
    """Below the working stock a day costs 0.03 USD/MMBtu, a cargo 2: in the last days the LP
    lets the stock go rather than buy gas that the end of the model values at nothing."""
    res = lngswap.solve(lngswap.load_case(toy(run_down_toy, days=10, economics={
        "tank_heel_share": 0.0, "end_stock_value_usd_per_mmbtu": 0.0})))
    stock = res.markets[res.markets["market"] == "JP"].set_index("date")["lng_stock_mmbtu"]
    working = 2 * CARGO_MMBTU
    assert stock.iloc[-1] < 0.1 * working


def test_the_run_out_removes_the_end_of_horizon_run_down(toy):
    """With 90 run-out days the same ten reported days keep the working stock to the end,
    and the tables hold the reported days only."""
    res = lngswap.solve(lngswap.load_case(toy(run_down_toy, days=10, horizon={
        "start": "2026-01-01", "end": "2026-01-10", "run_out_days": 90}, economics={
        "tank_heel_share": 0.0, "end_stock_value_usd_per_mmbtu": 0.0})))
    jp = res.markets[res.markets["market"] == "JP"]
    assert len(jp) == 10
    assert jp["date"].max() == "2026-01-10"
    assert res.schedule["load_date"].max() <= "2026-01-10"
    assert res.summary["horizon"]["days"] == 10
    assert res.summary["horizon"]["run_out_days"] == 90
    assert jp["lng_stock_mmbtu"].iloc[-1] >= 2 * CARGO_MMBTU - 1.0


# --- events and prices --------------------------------------------------------------------

def test_a_price_shock_on_an_unused_index_is_refused(toy):
    ev = [{"type": "price_shock", "index": "jkm", "value": 25.0, "start": "2026-01-02",
           "end": "2026-01-05"}]
    case = lngswap.load_case(toy(lambda t: jp_contract(t), days=10, events=ev))
    with pytest.raises(InputError, match="price_shock event on index 'jkm'"):
        lngswap.solve(case)
    # priced from JKM, spot cargoes make the same shock count
    ok = lngswap.load_case(toy(lambda t: jp_contract(t), days=10, events=ev,
                               economics={"tank_heel_share": 0.0, "spot_index": "jkm"}))
    assert lngswap.solve(ok).summary["status"] == "optimal"


def test_spot_cargoes_priced_from_the_hub_follow_its_shock(toy):
    """A spot cargo priced at JKM costs the shocked 25 USD/MMBtu on its loading day."""
    def edit(t):
        t["sources"][0]["capacity_mtpa"] = EVERY_20_DAYS_MTPA
        t["markets"][0]["lng_demand_mtpa"] = EVERY_20_DAYS_MTPA

    ev = [{"type": "price_shock", "index": "jkm", "value": 25.0, "start": "2026-01-01",
           "end": "2026-01-10"}]
    res = lngswap.solve(lngswap.load_case(toy(edit, days=30, events=ev, foresight="perfect",
                                              economics={"tank_heel_share": 0.0,
                                                         "spot_index": "jkm"})))
    price = res.schedule.set_index("load_date")["price_usd_per_mmbtu"]
    assert price["2026-01-05"].max() == pytest.approx(25.0)
    assert price["2026-01-25"].max() == pytest.approx(11.0)


def test_freight_shock_and_war_risk_premium_reprice_voyages(toy):
    """Charter 0 normally; 100,000 USD/day for voyages loading in the window: the JP voyage
    from pa (2 days out, 4-day round trip) costs 400,000 USD more; a war-risk premium charges
    both transits of a passage crossed in its window."""
    def edit(t):
        jp_contract(t)
        t["markets"][0]["lng_demand_mtpa"] = EVERY_20_DAYS_MTPA

    ev = [{"type": "freight_shock", "charter_usd_per_day": 100_000, "start": "2026-01-01",
           "end": "2026-01-10"}]
    res = lngswap.solve(lngswap.load_case(toy(edit, days=30, events=ev, foresight="perfect")))
    sch = res.schedule[(res.schedule["market"] == "JP") & (res.schedule["status"] == "planned")]
    by_day = sch.groupby("load_date")["freight_usd"].sum()
    assert by_day["2026-01-05"] == pytest.approx(400_000, rel=1e-6)
    assert by_day["2026-01-25"] == pytest.approx(0.0, abs=1e-3)


def test_war_risk_premium_and_stranded_ships(toy):
    def edit(t):
        jp_contract(t)
        t["markets"][0]["lng_demand_mtpa"] = EVERY_20_DAYS_MTPA
        for r in t["routes"]:
            if r["port"] == "pa" and r["terminal"] == "jp-t":
                r["passages"], r["passage_offsets_nm"] = "hormuz", "240"

    ev = [{"type": "war_risk_premium", "passage": "hormuz", "usd_per_transit": 1_000_000,
           "start": "2026-01-01", "end": "2026-01-10"},
          {"type": "stranded_ships", "passage": "hormuz", "carriers": 999.5,
           "start": "2026-01-01", "end": "2026-01-30"}]
    case = lngswap.load_case(toy(edit, days=30, events=ev, foresight="perfect"))
    res = lngswap.solve(case)
    sch = res.schedule[(res.schedule["market"] == "JP") & (res.schedule["status"] == "planned")]
    by_day = sch.groupby("load_date")["freight_usd"].sum()
    # half a carrier is left: half of each cargo sails
    assert sch.groupby("load_date")["fraction"].sum().max() == pytest.approx(0.5, rel=1e-6)
    assert by_day["2026-01-05"] == pytest.approx(0.5 * 2 * 1_000_000, rel=1e-6)
    assert by_day["2026-01-25"] == pytest.approx(0.0, abs=1e-3)


def test_event_forms_validate_and_refuse():
    from pydantic import TypeAdapter, ValidationError

    from lngswap.inputs.events import Event

    ta = TypeAdapter(Event)
    ta.validate_python({"type": "freight_shock", "factor": 2.5, "start": "2026-01-05",
                        "end": "2026-01-31"})
    with pytest.raises(ValidationError, match="exactly one of"):
        ta.validate_python({"type": "freight_shock", "factor": 2.5,
                            "charter_usd_per_day": 1.0, "start": "2026-01-05",
                            "end": "2026-01-31"})
    with pytest.raises(ValidationError, match="unknown passage"):
        ta.validate_python({"type": "stranded_ships", "passage": "atlantis", "carriers": 5,
                            "start": "2026-01-05", "end": "2026-01-31"})


def test_oil_formula_reads_a_lagged_three_month_average():
    """Brent 60 until a shock to 120 for March: a 3-month average lagged one month reads
    60 in March, (60 + 60 + 120) / 3 = 80 in April, May and June (months n-1..n-3 contain
    March), 60 again in July."""
    from lngswap.inputs.events import PriceShock

    prices = pd.DataFrame({"index": ["brent"], "start_date": [pd.Timestamp("2020-01-01")],
                           "value": [60.0]})
    cal = Calendar(pd.Timestamp("2026-01-01").date(), 365)
    shock = PriceShock(type="price_shock", index="brent", value=120.0, start="2026-03-01",
                       end="2026-03-31")
    day = np.array([cal.day(pd.Timestamp(d).date()) for d in
                    ("2026-03-15", "2026-04-15", "2026-05-15", "2026-06-15", "2026-07-15")])
    got = formula_level(prices, cal, [shock], -10, "brent", 1, 3, day)
    assert got == pytest.approx([60.0, 80.0, 80.0, 80.0, 60.0])
    same_day = formula_level(prices, cal, [shock], -10, "brent", 0, 0, day)
    assert same_day == pytest.approx([120.0, 60.0, 60.0, 60.0, 60.0])


def test_the_resale_cap_keeps_a_contract_with_its_owner(toy):
    """Japan needs nothing and the rest of the world pays 5 USD/MMBtu: with consent both
    cargoes would be diverted, but a resale cap of 0.5 lets only one cargo's worth go."""
    res = lngswap.solve(lngswap.load_case(toy(lambda t: jp_contract(t), days=30, economics={
        "tank_heel_share": 0.0, "resale_cap_share": 0.5})))
    assert to_market(res, "ROW-X") == pytest.approx(CARGO_MMBTU, rel=1e-6)
