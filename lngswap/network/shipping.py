"""Shipping: the (cargo, import node, route) arcs, their voyage days, freight and passages.

Voyage days = ceil(distance / (speed x 24)); a ship is busy for a round trip of
2 x voyage + port days. The day a cargo crosses a passage is its load day plus the sailing
time to that point of the route. A route whose passage is closed on that day is not offered;
among the open routes of a cargo to a node, one beaten on cost by a route arriving the same day
is pruned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lngswap.inputs.calendar import Calendar
from lngswap.inputs.dataset import Dataset
from lngswap.inputs.events import of_type
from lngswap.tables.supply import cargo_tonnes
from lngswap.units import MMBTU_PER_T, NM_PER_DAY_PER_KNOT

CANAL_FEE_LEGS = 2  # laden and ballast transit both pay the canal


@dataclass(frozen=True)
class Fleet:
    """Fleet parameters after case overrides."""

    carriers: float
    speed_knots: float
    port_days: float
    charter_usd_per_day: float
    boil_off_pct_per_day: float
    cargo_mmbtu: float
    ship_day_penalty_usd: float = 0.0  # the case's extra cost per ship-day (economics)


def fleet_of(ds: Dataset, shipping, ship_day_penalty_usd: float = 0.0) -> Fleet:
    """Fleet figures from fleet.csv, with the case's `shipping:` overrides and its extra cost
    per ship-day (`economics.ship_day_penalty_usd`)."""
    pick = lambda key, over: float(over) if over is not None else ds.fleet_value(key)  # noqa: E731
    return Fleet(
        carriers=pick("carriers", shipping.carriers),
        speed_knots=pick("speed_knots", shipping.speed_knots),
        port_days=ds.fleet_value("port_days"),
        charter_usd_per_day=pick("charter_usd_per_day", shipping.charter_usd_per_day),
        boil_off_pct_per_day=ds.fleet_value("boil_off_pct_per_day"),
        cargo_mmbtu=cargo_tonnes(ds) * MMBTU_PER_T,
        ship_day_penalty_usd=float(ship_day_penalty_usd),
    )


def route_table(ds: Dataset, fleet: Fleet) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Routes with voyage days and per-cargo freight, and their passages in crossing order.

    Returns (routes, route_passages); route_passages has one row per (route_id, passage) with
    `leg_day`, the whole days from loading to the crossing.
    """
    r = ds.routes.sort_values(["port", "terminal", "route"], kind="stable").reset_index(drop=True)
    r["route_id"] = np.arange(len(r))
    nm_per_day = fleet.speed_knots * NM_PER_DAY_PER_KNOT
    r["voyage_days"] = np.ceil(r["distance_nm"] / nm_per_day).astype(np.int64)
    r["rt_days"] = 2 * r["voyage_days"] + int(np.ceil(fleet.port_days))
    fees = ds.passages.set_index("passage")["fee_usd_per_transit"]
    rp = _explode_passages(r)
    rp["leg_day"] = np.floor(rp["offset_nm"] / nm_per_day).astype(np.int64)
    rp["fee"] = rp["passage"].map(fees).fillna(0.0).to_numpy(dtype=float)
    fee_per_route = rp.groupby("route_id")["fee"].sum().reindex(r["route_id"], fill_value=0.0)
    day_rate = fleet.charter_usd_per_day + fleet.ship_day_penalty_usd
    usd = day_rate * r["rt_days"] + CANAL_FEE_LEGS * fee_per_route.to_numpy()
    r["freight_usd_per_mmbtu"] = (usd / fleet.cargo_mmbtu).astype(float)
    r["delivered_share"] = 1.0 - fleet.boil_off_pct_per_day / 100.0 * r["voyage_days"]
    return r, rp


def _explode_passages(r: pd.DataFrame) -> pd.DataFrame:
    names = r["passages"].fillna("").str.split(";")
    offs = r["passage_offsets_nm"].fillna("").str.split(";")
    t = pd.DataFrame({"route_id": r["route_id"], "passage": names, "offset": offs})
    t = t.explode(["passage", "offset"], ignore_index=True)
    t = t[t["passage"].astype(str).str.strip() != ""].copy()
    t["passage"] = t["passage"].str.strip()
    t["offset_nm"] = pd.to_numeric(t["offset"], errors="coerce").fillna(0.0).astype(float)
    t["order"] = t.groupby("route_id").cumcount()
    return t[["route_id", "order", "passage", "offset_nm"]].reset_index(drop=True)


def _sorted(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """`df.sort_values(keys, kind="stable")` for numeric keys, by one numpy lexsort."""
    return df.iloc[np.lexsort([df[k].to_numpy() for k in reversed(keys)])]


def build_arcs(pairs: pd.DataFrame, cargo: pd.DataFrame, nodes: pd.DataFrame,
               routes: pd.DataFrame, route_passages: pd.DataFrame, cal: Calendar, events: list,
               prune: bool = True, capped: set[str] | None = None, fleet: Fleet | None = None
               ) -> tuple[pd.DataFrame, pd.DataFrame, dict, np.ndarray]:
    """Arcs for eligible (cargo, node) pairs: every open, non-dominated route arriving in time.

    `pairs` has integer columns `cargo` and `node` (rows of `cargo` and `nodes`) plus any flags
    to carry along. Returns (arcs, crossings, counts): crossings has one row per (arc,
    passage) with the crossing `day`; counts says how many candidate arcs each pruning removed;
    cut_off lists the cargoes every one of whose routes crosses a closed passage. `capped`
    names the passages with a transit cap (their routes never prune others). With `fleet`,
    freight shocks and war-risk premiums of `events` are added to the arcs' freight.
    """
    p = pairs.copy()
    p["port"] = cargo["port"].to_numpy()[p["cargo"].to_numpy()]
    p["terminal"] = nodes["terminal"].to_numpy()[p["node"].to_numpy()]
    p["load_day"] = cargo["load_day"].to_numpy()[p["cargo"].to_numpy()]
    cols = ["port", "terminal", "route_id", "route", "voyage_days", "rt_days",
            "freight_usd_per_mmbtu", "delivered_share", "distance_nm"]
    a = p.merge(routes[cols], on=["port", "terminal"], how="inner", sort=False)
    counts = {"candidate": int(len(a))}
    a["arrival_day"] = a["load_day"] + a["voyage_days"]
    late = a["arrival_day"] >= cal.n
    counts["arrive_after_horizon"] = int(late.sum())
    a = a[~late].reset_index(drop=True)

    shut, x = closed_legs(a, route_passages, cal, events)
    counts["closed_passage"] = int(shut.sum())
    a["blocked_by_closure"] = shut
    if fleet is not None:
        a["freight_usd_per_mmbtu"] = (a["freight_usd_per_mmbtu"].to_numpy()
                                      + event_freight(a, x, fleet, cal, events))
    open_any = (~a["blocked_by_closure"]).groupby(a["cargo"]).any()
    cut_off = open_any.index[~open_any.to_numpy()].to_numpy()

    # Among the open routes of one (cargo, node), drop a route when another arrives the same
    # day at no higher cost. (A route arriving earlier does not prune a later one: tank space
    # can make the later arrival worth more.) A route through a passage with a transit cap
    # never prunes another: the cap may be what sends cargoes the long way.
    capped_passages = set(capped) if capped is not None else set()
    through_cap = np.zeros(len(a), dtype=bool)
    if capped_passages:
        through_cap[x.loc[x["passage"].isin(sorted(capped_passages)), "arc"].to_numpy()] = True
    a["_rank_cost"] = np.where(through_cap, np.inf, a["freight_usd_per_mmbtu"].to_numpy())
    a = _sorted(a, ["cargo", "node", "blocked_by_closure", "voyage_days",
                    "freight_usd_per_mmbtu", "route_id"])
    keys = ["cargo", "node", "blocked_by_closure", "voyage_days"]
    best = a.groupby(keys, sort=False)["_rank_cost"].cummin()
    prev_best = best.groupby([a[k] for k in keys], sort=False).shift(1)
    dominated = prev_best.notna() & (a["freight_usd_per_mmbtu"] >= prev_best - 1e-12)
    if not prune:
        dominated[:] = False
    counts["dominated_route"] = int((dominated & ~a["blocked_by_closure"]).sum())
    a = a[~dominated & ~a["blocked_by_closure"]].drop(columns=["blocked_by_closure",
                                                               "_rank_cost"])
    a = _sorted(a, ["cargo", "node", "route_id"]).reset_index()
    new_of_old = np.full(len(shut), -1, dtype=np.int64)  # candidate arc -> kept arc, or -1
    new_of_old[a["index"].to_numpy()] = np.arange(len(a))
    a = a.drop(columns="index")
    xa = new_of_old[x["arc"].to_numpy()]
    x = x[xa >= 0].copy()
    x["arc"] = xa[xa >= 0]
    x = _sorted(x, ["arc", "order"]).reset_index(drop=True)
    a["return_day"] = a["load_day"] + a["rt_days"]
    ints = ["cargo", "node", "load_day", "voyage_days", "rt_days", "arrival_day", "return_day"]
    a = a.astype({c: np.int64 for c in ints})
    counts["arcs"] = int(len(a))
    counts["cut_off_cargoes"] = int(len(cut_off))
    return a, x[["arc", "passage", "day", "order"]], counts, cut_off


def event_freight(legs: pd.DataFrame, crossings: pd.DataFrame, fleet: Fleet, cal: Calendar,
                  events: list) -> np.ndarray:
    r"""Extra freight per leg (USD/MMBtu) from the case's freight events.

    A `freight_shock` reprices the whole round trip of a voyage loading in its window:
    :math:`(R' - R)\, T^{rt} / V` with R the normal charter rate, R' the shocked one and V the
    cargo's energy. A `war_risk_premium` charges each crossing of its passage on a day in
    its window, laden and ballast alike (two transits per round trip, as canal fees).
    Overlapping events add up.
    """
    extra = np.zeros(len(legs))
    load = legs["load_day"].to_numpy()
    rt = legs["rt_days"].to_numpy(dtype=float)
    base = fleet.charter_usd_per_day
    for ev in of_type(events, "freight_shock"):
        inside = (load >= cal.day(ev.start)) & (load <= cal.day(ev.end))
        rate = ev.charter_usd_per_day if ev.charter_usd_per_day is not None else base * ev.factor
        extra += np.where(inside, (rate - base) * rt / fleet.cargo_mmbtu, 0.0)
    for ev in of_type(events, "war_risk_premium"):
        hit = ((crossings["passage"] == ev.passage) & (crossings["day"] >= cal.day(ev.start))
               & (crossings["day"] <= cal.day(ev.end))).to_numpy()
        n = np.bincount(crossings["arc"].to_numpy()[hit], minlength=len(legs))
        extra += CANAL_FEE_LEGS * ev.usd_per_transit * n / fleet.cargo_mmbtu
    return extra


def closed_legs(legs: pd.DataFrame, route_passages: pd.DataFrame, cal: Calendar, events: list
                ) -> tuple[np.ndarray, pd.DataFrame]:
    """Which legs (rows with `route_id`, `load_day`) cross a passage on a day it is closed.

    Returns the mask and the crossings table (leg row as `arc`, passage, day, order).
    """
    x = legs[["route_id", "load_day"]].reset_index(drop=True).reset_index().rename(
        columns={"index": "arc"})
    x = x.merge(route_passages, on="route_id", how="inner", sort=False)
    x["day"] = x["load_day"] + x["leg_day"]
    closed = np.zeros(len(x), dtype=bool)
    for ev in of_type(events, "chokepoint_closure"):
        closed |= ((x["passage"] == ev.passage) & (x["day"] >= cal.day(ev.start))
                   & (x["day"] <= cal.day(ev.end))).to_numpy()
    shut = np.zeros(len(legs), dtype=bool)
    shut[x.loc[closed, "arc"].to_numpy()] = True
    return shut, x


def canal_caps(ds: Dataset, cal: Calendar, events: list) -> pd.DataFrame:
    """LNG-carrier transits allowed per (passage, day) where a cap applies."""
    rows = []
    normal = ds.passages.dropna(subset=["transits_per_day"])
    caps: dict[str, np.ndarray] = {
        p: np.full(cal.n, float(v)) for p, v in zip(normal["passage"], normal["transits_per_day"],
                                                    strict=True)}
    for ev in of_type(events, "canal_restriction"):
        arr = caps.setdefault(ev.passage, np.full(cal.n, np.inf))
        m = ev.days(cal.start, cal.n)
        arr[m] = np.minimum(arr[m], ev.transits_per_day)
    for p in sorted(caps):
        for d in np.flatnonzero(np.isfinite(caps[p])):
            rows.append((p, int(d), caps[p][d]))
    return pd.DataFrame(rows, columns=["passage", "day", "cap"])


def fleet_available(fleet: Fleet, cal: Calendar, events: list) -> np.ndarray:
    """Carriers available each day, after fleet shortages and carriers stranded behind a
    closed passage (never below zero)."""
    avail = np.full(cal.n, fleet.carriers)
    for ev in of_type(events, "fleet_shortage"):
        avail = np.where(ev.days(cal.start, cal.n), avail * ev.factor, avail)
    for ev in of_type(events, "stranded_ships"):
        avail = np.where(ev.days(cal.start, cal.n), avail - ev.carriers, avail)
    return np.maximum(avail, 0.0)


def at_sea(pre: pd.DataFrame, split: pd.DataFrame, nodes: pd.DataFrame, routes: pd.DataFrame,
           route_passages: pd.DataFrame, cal: Calendar, events: list
           ) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Cargoes loaded before the start: fixed arrivals (node x day, TBtu) and ships still busy.

    `split` spreads each pre-horizon cargo (`pre_row`) over nodes with a `weight` (its buyer
    market's nodes in proportion to regas, or the nearest rest-of-world node for spot). Each
    part sails the fastest route that is open when it crosses each passage; a part with no
    open route never arrives. Returns (inflow, busy ships per day, legs still at sea).
    """
    legs = split.copy()
    pr = legs["pre_row"].to_numpy()
    legs["cargo_id"] = pre["cargo_id"].to_numpy()[pr]
    legs["port"] = pre["port"].to_numpy()[pr]
    legs["terminal"] = nodes["terminal"].to_numpy()[legs["node"].to_numpy()]
    legs["load_day"] = pre["load_day"].to_numpy()[pr]
    legs["share"] = legs["weight"].to_numpy() * pre["avail"].to_numpy()[pr]
    legs["volume_tbtu"] = pre["volume_tbtu"].to_numpy()[pr] * legs["share"].to_numpy()
    legs = legs.merge(routes[["port", "terminal", "route", "route_id", "voyage_days", "rt_days",
                              "distance_nm", "delivered_share", "freight_usd_per_mmbtu"]],
                      on=["port", "terminal"], how="inner", sort=False)
    shut, _ = closed_legs(legs, route_passages, cal, events)
    legs = (legs[~shut].sort_values(["pre_row", "node", "voyage_days", "distance_nm"],
                                    kind="stable")
            .drop_duplicates(["pre_row", "node"]).reset_index(drop=True))
    legs["arrival_day"] = legs["load_day"] + legs["voyage_days"]
    ret = np.clip((legs["load_day"] + legs["rt_days"]).to_numpy(dtype=float), 0, cal.n).astype(
        np.int64)
    diff = np.zeros(cal.n + 1)
    np.add.at(diff, np.zeros(len(legs), dtype=np.int64), legs["share"].to_numpy())
    np.add.at(diff, ret, -legs["share"].to_numpy())
    busy = np.cumsum(diff)[: cal.n]
    live = legs[(legs["arrival_day"] >= 0) & (legs["arrival_day"] < cal.n)].reset_index(
        drop=True)
    inflow = np.zeros((len(nodes), cal.n))
    np.add.at(inflow, (live["node"].to_numpy(dtype=np.int64),
                       live["arrival_day"].to_numpy(dtype=np.int64)),
              live["volume_tbtu"].to_numpy() * live["delivered_share"].to_numpy())
    return inflow, busy, live
