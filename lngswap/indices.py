"""Index tables: everything the LP is built from, as tables of valid combinations and arrays.

Validated case + dataset in, `ModelData` out. Only valid (cargo, node, route) arcs exist;
nothing downstream loops over dense products.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lngswap.calendar import Calendar
from lngswap.case import Case
from lngswap.dataset import Dataset
from lngswap.demand import DemandSide, build_demand
from lngswap.errors import Problems
from lngswap.parties import eligible_pairs
from lngswap.shipping import (
    Fleet,
    at_sea,
    build_arcs,
    canal_caps,
    fleet_available,
    fleet_of,
    route_table,
)
from lngswap.supply import build_cargoes


@dataclass
class ModelData:
    """The index tables and arrays of one case, ready for the formulation."""

    case: Case
    cal: Calendar
    fleet: Fleet
    cargo: pd.DataFrame          # in-horizon cargoes
    arcs: pd.DataFrame           # (cargo, node, route) with days, freight, delivered share
    crossings: pd.DataFrame      # arc, passage, day
    demand: DemandSide
    inflow: np.ndarray           # node x day: cargoes at sea at the start (TBtu)
    at_sea_legs: pd.DataFrame
    ships: np.ndarray            # carriers available per day for new voyages
    canal: pd.DataFrame          # passage, day, cap
    counts: dict = field(default_factory=dict)
    extras: dict = field(default_factory=dict)  # filled by rules and swaps

    @property
    def nodes(self) -> pd.DataFrame:
        return self.demand.nodes


def check_names(case: Case, ds: Dataset) -> None:
    """Every name a case uses (sources, countries, markets, terminals) must exist in the data."""
    p = Problems()
    where = case.source_path or "case"
    sources, markets = set(ds.sources["source"]), set(ds.markets["market"])
    countries = {c.lower() for c in ds.sources["country"]}
    terminals = set(ds.terminals["terminal"])
    for i, ev in enumerate(case.events):
        key = f"{where}: key 'events.{i}'"
        if ev.type == "supply_outage":
            for s in ev.sources:
                if s not in sources:
                    p.add(f"{key}.sources: unknown source {s!r}; expected one of "
                          f"{', '.join(sorted(sources)[:8])}, ...")
            if ev.country and ev.country.lower() not in countries:
                p.add(f"{key}.country: no source in country {ev.country!r}")
        if ev.type == "demand_shock" and ev.market not in markets:
            p.add(f"{key}.market: unknown market {ev.market!r}; expected one of "
                  f"{', '.join(sorted(markets))}")
        if ev.type == "terminal_outage" and ev.terminal not in terminals:
            p.add(f"{key}.terminal: unknown terminal {ev.terminal!r}")
    p.raise_if_any()


def build_model_data(case: Case, ds: Dataset, partners: dict[str, set[str]] | None = None
                     ) -> ModelData:
    """From a validated case and dataset to index tables."""
    check_names(case, ds)
    cal = Calendar(case.horizon.start, case.horizon.days)
    fleet = fleet_of(ds, case.shipping)
    routes, route_passages = route_table(ds, fleet)
    lookback = int(routes["rt_days"].max())
    events = list(case.events)
    all_cargo = build_cargoes(ds, cal, events, lookback)
    dem = build_demand(ds, cal, events)
    nodes = dem.nodes

    cargo = all_cargo[all_cargo["load_day"] >= 0].reset_index(drop=True)
    pairs = eligible_pairs(cargo, nodes, case.cooperation, partners)
    arcs, crossings, counts, cut_off = build_arcs(pairs, cargo, nodes, routes, route_passages,
                                                  cal, events)
    cargo["cut_off"] = False
    cargo.loc[cut_off, "cut_off"] = True
    # a cargo that cannot sail at all (every route closed) is not bought: force majeure
    cargo.loc[cut_off, "avail"] = 0.0
    has_arc = np.zeros(len(cargo), dtype=bool)
    has_arc[arcs["cargo"].to_numpy()] = True
    cargo["has_arc"] = has_arc

    pre = all_cargo[all_cargo["load_day"] < 0].reset_index(drop=True)
    dest = _presea_destination(pre, nodes, routes)
    pre["terminal"] = nodes["terminal"].to_numpy()[dest]
    inflow, busy, legs = at_sea(pre, dest, routes, cal, len(nodes))
    ships = np.maximum(fleet_available(fleet, cal, events) - busy, 0.0)
    presea = _presea_info(pre, routes, route_passages, cal)
    counts["cargoes"] = int(len(cargo))
    counts["cargoes_at_sea"] = int(len(legs))
    return ModelData(case=case, cal=cal, fleet=fleet, cargo=cargo, arcs=arcs,
                     crossings=crossings, demand=dem, inflow=inflow, at_sea_legs=legs,
                     ships=ships, canal=canal_caps(ds, cal, events), counts=counts,
                     extras={"presea_cargo": presea})


def _presea_destination(pre: pd.DataFrame, nodes: pd.DataFrame, routes: pd.DataFrame
                        ) -> np.ndarray:
    """Node of each pre-horizon cargo: its buyer market's largest node, else the nearest
    rest-of-world node."""
    biggest = (nodes.assign(i=np.arange(len(nodes))).sort_values(
        ["market", "regas_mean", "terminal"], ascending=[True, False, True], kind="stable")
        .drop_duplicates("market").set_index("market")["i"])
    row_nodes = nodes.index[nodes["kind"] == "row"].to_numpy()
    direct = routes[routes["route"] == "direct"]
    near = (direct[direct["terminal"].isin(nodes["terminal"].to_numpy()[row_nodes])]
            .sort_values(["port", "distance_nm", "terminal"], kind="stable")
            .drop_duplicates("port").set_index("port")["terminal"])
    term_pos = pd.Series(np.arange(len(nodes)), index=nodes["terminal"])
    by_market = pre["market"].map(biggest)
    nearest = pre["port"].map(near).map(term_pos)
    return by_market.fillna(nearest).fillna(row_nodes[0]).to_numpy(dtype=np.int64)


def _presea_info(pre: pd.DataFrame, routes: pd.DataFrame, route_passages: pd.DataFrame,
                 cal: Calendar) -> pd.DataFrame:
    """Route facts (direct route) of each pre-horizon cargo, for the schedule's at-sea legs."""
    direct = routes[routes["route"] == "direct"]
    info = pre.merge(direct[["port", "terminal", "route_id", "delivered_share",
                             "freight_usd_per_mmbtu"]], on=["port", "terminal"], how="left")
    xs = info[["route_id", "load_day"]].reset_index().merge(route_passages, on="route_id")
    xs["date"] = cal.date_of((xs["load_day"] + xs["leg_day"]).to_numpy())
    xs = xs.sort_values(["index", "order"], kind="stable")
    info["passages"] = xs.groupby("index")["passage"].agg(";".join).reindex(
        info.index, fill_value="")
    info["passage_dates"] = xs.groupby("index")["date"].agg(";".join).reindex(
        info.index, fill_value="")
    return info
