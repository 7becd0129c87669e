"""Demand side: import nodes, daily market demand, rest-of-world demand steps, EU storage.

Market demand is gas that must come as LNG (imports net of pipeline and domestic supply):
annual LNG demand / 365 x the month's profile factor, times any `demand_shock` factor.
A node's strategic floor is its explicit floor (e.g. Japan's Strategic Buffer LNG) plus its
tank share of the market's stock duty (e.g. Korea's 9 days of average daily demand); its
minimum stock is the larger of that and the tank heel. Above it, a market's working stock
(`working_stock_days`, e.g. Japan's utilities' ~12 days) is what operators hold in normal
times and draw on, at a cost, in a crisis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lngswap.errors import InputError
from lngswap.inputs.calendar import Calendar
from lngswap.inputs.dataset import Dataset
from lngswap.inputs.events import of_type
from lngswap.units import MMBTU_PER_T, m3_to_tbtu, mt_to_tbtu

FLOOR_MAX_SHARE_OF_TANK = 0.9


@dataclass
class DemandSide:
    """Index tables and day arrays of the demand side (energy in TBtu)."""

    nodes: pd.DataFrame          # terminal, market, party, kind, tank, init, floor, working
    regas: np.ndarray            # node x day, TBtu/day
    markets: pd.DataFrame        # core markets: market, party
    demand: np.ndarray           # core market x day, TBtu/day
    row_markets: pd.DataFrame    # rest-of-world markets: market
    row_steps: pd.DataFrame      # market (row index into row_markets), step, wtp, share
    row_base: np.ndarray         # row market x day, TBtu/day (base demand)
    tiers: pd.DataFrame          # tier, share, usd_per_mmbtu
    storage: pd.DataFrame        # market (row into markets), cap, init, inj, wd (TBtu)


def lng_share(st: pd.DataFrame) -> np.ndarray:
    """Share of each zone's storage cycle that LNG fills and empties (storage.csv `lng_share`;
    1 where the column is absent): pipeline and domestic gas, outside the model, fill and draw
    the rest, so the model holds that share of capacity, fill rates and starting stock."""
    if "lng_share" not in st.columns:
        return np.ones(len(st))
    raw = st["lng_share"].astype(str).str.strip().replace("", "1")
    v = pd.to_numeric(raw, errors="coerce")
    bad = v.isna() | (v < 0) | (v > 1)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"storage.csv row {i + 2}, column 'lng_share': "
                         f"{st['lng_share'].iat[i]!r}; expected a share in [0, 1]")
    return v.to_numpy(dtype=float)


def working_stock(mk: pd.DataFrame, nodes: pd.DataFrame, avg_daily: pd.Series,
                  tank_share: np.ndarray) -> np.ndarray:
    """Working stock of each import terminal (TBtu): its tank share of the market's
    `working_stock_days` x average daily demand (markets.csv; 0 where the column is absent),
    never below the node's floor nor above `FLOOR_MAX_SHARE_OF_TANK` of its tank."""
    if "working_stock_days" not in mk.columns:
        return np.zeros(len(nodes))
    raw = mk["working_stock_days"].astype(str).str.strip().replace("", "0")
    days = pd.to_numeric(raw, errors="coerce")
    bad = days.isna() | (days < 0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"markets.csv row {i + 2}, column 'working_stock_days': "
                         f"{mk['working_stock_days'].iat[i]!r}; expected a number of days >= 0")
    per_market = pd.Series(days.to_numpy(dtype=float), index=mk["market"]) * avg_daily
    want = nodes["market"].map(per_market).fillna(0.0).to_numpy() * tank_share
    want = np.where(nodes["kind"].to_numpy() == "terminal", want, 0.0)
    top = FLOOR_MAX_SHARE_OF_TANK * nodes["tank"].to_numpy()
    return np.where(want > 0, np.clip(np.maximum(want, nodes["floor"].to_numpy()), 0, top), 0.0)


def build_demand(ds: Dataset, cal: Calendar, events: list, heel_share: float = 0.0,
                 start_level_stock: bool = False) -> DemandSide:
    """Assemble the demand side for the case's calendar and events.

    A terminal's minimum stock (`floor`) is the larger of its strategic floor and the heel
    (`heel_share` of the tank) that operators keep to hold the tank cold. With
    `start_level_stock`, a terminal whose market gives no `working_stock_days` takes its
    starting stock as its working stock (the normal operating level its tanks return to).
    """
    mk = ds.markets.sort_values("market", kind="stable").reset_index(drop=True)
    prof = ds.demand_profile.pivot(index="profile", columns="month", values="factor")
    month = cal.months()
    base = np.stack([
        mt_to_tbtu(v) / 365.0 * prof.loc[p].reindex(range(1, 13)).to_numpy()[month - 1]
        for v, p in zip(mk["lng_demand_mtpa"], mk["profile"], strict=True)
    ]) if len(mk) else np.zeros((0, cal.n))
    for ev in of_type(events, "demand_shock"):
        row = np.flatnonzero((mk["market"] == ev.market).to_numpy())
        base[row[:, None], np.flatnonzero(ev.days(cal.start, cal.n))] *= ev.factor
    core = (mk["kind"] == "core").to_numpy()
    markets = mk.loc[core, ["market", "party", "name"]].reset_index(drop=True)
    row_markets = mk.loc[~core, ["market", "party", "name"]].reset_index(drop=True)

    nd = ds.terminals.sort_values(["market", "terminal"], kind="stable").reset_index(drop=True)
    nodes = nd[["terminal", "name", "country", "market", "party", "kind"]].copy()
    nodes["tank"] = [m3_to_tbtu(v) for v in nd["tank_m3"]]
    nodes["init"] = nodes["tank"] * nd["initial_fill"]
    avg_daily = pd.Series(base.mean(axis=1), index=mk["market"])
    duty_days = mk.set_index("market")["floor_days"]
    tank_share = nodes["tank"] / nodes.groupby("market")["tank"].transform("sum").replace(0, 1)
    duty = nodes["market"].map(duty_days * avg_daily).to_numpy() * tank_share.to_numpy()
    floor = nd["floor_t"].to_numpy() * MMBTU_PER_T / 1e6 + duty
    nodes["strategic_floor"] = np.minimum(floor, FLOOR_MAX_SHARE_OF_TANK
                                          * nodes["tank"].to_numpy())
    heel = np.where(nodes["kind"] == "terminal", heel_share * nodes["tank"].to_numpy(), 0.0)
    nodes["floor"] = np.maximum(nodes["strategic_floor"].to_numpy(), heel)
    nodes["working"] = working_stock(mk, nodes, avg_daily, tank_share.to_numpy())
    if start_level_stock:  # terminals without a working-stock figure hold their start level
        bare = (nodes["working"].to_numpy() == 0) & (nodes["kind"].to_numpy() == "terminal")
        top = FLOOR_MAX_SHARE_OF_TANK * nodes["tank"].to_numpy()
        level = np.minimum(np.maximum(nodes["init"].to_numpy(), nodes["floor"].to_numpy()), top)
        nodes["working"] = np.where(bare, level, nodes["working"].to_numpy())
    regas = np.repeat((nd["regas_mtpa"].map(mt_to_tbtu) / 365.0).to_numpy()[:, None], cal.n, 1)
    for ev in of_type(events, "terminal_outage"):
        row = np.flatnonzero((nodes["terminal"] == ev.terminal).to_numpy())
        regas[row[:, None], np.flatnonzero(ev.days(cal.start, cal.n))] *= ev.factor
    nodes["regas_mean"] = regas.mean(axis=1)

    rd = ds.row_demand.copy()
    rd["market"] = rd["market"].map(pd.Series(np.arange(len(row_markets)),
                                              index=row_markets["market"]))
    rd = rd.dropna(subset=["market"]).astype({"market": np.int64})
    steps = rd.sort_values(["market", "step"], kind="stable").reset_index(drop=True)
    steps = steps[["market", "step", "share", "wtp_usd_per_mmbtu"]]

    st = ds.storage.copy()
    st["market"] = st["market"].map(pd.Series(np.arange(len(markets)), index=markets["market"]))
    st = st.dropna(subset=["market"]).astype({"market": np.int64})
    lng = lng_share(st)
    storage = pd.DataFrame({
        "market": st["market"].to_numpy(),
        "cap": st["capacity_mmbtu"].to_numpy() / 1e6 * lng,
        "init": st["capacity_mmbtu"].to_numpy() / 1e6 * lng * st["initial_fill"].to_numpy(),
        "inj": st["injection_mmbtu_per_day"].to_numpy() / 1e6 * lng,
        "wd": st["withdrawal_mmbtu_per_day"].to_numpy() / 1e6 * lng,
    }).sort_values("market", kind="stable").reset_index(drop=True)

    tiers = ds.penalties.sort_values("tier", kind="stable").reset_index(drop=True)
    return DemandSide(
        nodes=nodes, regas=regas, markets=markets, demand=base[core], row_markets=row_markets,
        row_steps=steps, row_base=base[~core],
        tiers=tiers[["tier", "share", "usd_per_mmbtu"]], storage=storage,
    )
