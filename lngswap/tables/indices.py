"""Index tables: everything the LP is built from, as tables of valid combinations and arrays.

Validated case + dataset in, `ModelData` out. Only valid (cargo, node, route) arcs exist;
nothing downstream loops over dense products.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lngswap.errors import InputError, Problems
from lngswap.inputs.calendar import Calendar, price_paths
from lngswap.inputs.case import Case
from lngswap.inputs.dataset import Dataset
from lngswap.inputs.size import check_model_size
from lngswap.network.shipping import (
    Fleet,
    at_sea,
    build_arcs,
    canal_caps,
    fleet_available,
    fleet_of,
    route_table,
)
from lngswap.tables.demand import DemandSide, build_demand
from lngswap.tables.parties import eligible_pairs
from lngswap.tables.supply import build_cargoes


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
    report_days: int = -1        # days reported (the LP runs `cal.n`, run-out included)

    def __post_init__(self) -> None:
        if self.report_days < 0:
            self.report_days = self.cal.n

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
        key = f"{where}: key 'events.{i}"
        if ev.type == "supply_outage":
            for s in ev.sources:
                if s not in sources:
                    p.add(f"{key}.sources': unknown source {s!r}; expected one of "
                          f"{', '.join(sorted(sources)[:8])}, ...")
            if ev.country and ev.country.lower() not in countries:
                p.add(f"{key}.country': no source in country {ev.country!r}")
        if ev.type == "demand_shock" and ev.market not in markets:
            p.add(f"{key}.market': unknown market {ev.market!r}; expected one of "
                  f"{', '.join(sorted(markets))}")
        if ev.type == "terminal_outage" and ev.terminal not in terminals:
            p.add(f"{key}.terminal': unknown terminal {ev.terminal!r}")
        if ev.type == "price_shock" and ev.index not in used_indices(case, ds):
            p.add(f"{key}': price_shock event on index {ev.index!r}, which no contract or spot "
                  f"price of the case uses, would change nothing; indexes in use: "
                  f"{', '.join(sorted(used_indices(case, ds)))} (set economics.spot_index to "
                  "price spot cargoes from a hub)")
    p.raise_if_any()


def used_indices(case: Case, ds: Dataset) -> set[str]:
    """Price indexes something in the case reads: contract formulas and the spot index."""
    con = ds.contracts
    used = set(con.loc[con["price_formula"] != "fixed", "index"].astype(str))
    if case.economics.spot_index:
        used.add(case.economics.spot_index)
    return used


def build_model_data(case: Case, ds: Dataset, partners: dict[str, set[str]] | None = None
                     ) -> ModelData:
    """From a validated case and dataset to index tables."""
    check_names(case, ds)
    check_model_size(case, ds)  # before anything large is built
    # the LP runs past the reported horizon (the run-out), so the last reported weeks are
    # planned for what follows them; results are cut back to `report_days`
    cal = Calendar(case.horizon.start, case.horizon.lp_days)
    fleet = fleet_of(ds, case.shipping, case.economics.ship_day_penalty_usd)
    routes, route_passages = route_table(ds, fleet)
    lookback = int(routes["rt_days"].max())
    events = list(case.events)
    all_cargo = build_cargoes(ds, cal, events, lookback, case.economics.spot_index)
    dem = build_demand(ds, cal, events, case.economics.tank_heel_share,
                       case.economics.working_stock_at_start_level)
    nodes = dem.nodes

    set_end_values(dem, ds, cal, case)
    cargo = all_cargo[all_cargo["load_day"] >= 0].reset_index(drop=True)
    pairs = eligible_pairs(cargo, nodes, case.cooperation, partners)
    canal = canal_caps(ds, cal, events)
    arcs, crossings, counts, cut_off = build_arcs(pairs, cargo, nodes, routes, route_passages,
                                                  cal, events, prune=case.solver.prune_routes,
                                                  capped=set(canal["passage"]), fleet=fleet)
    cargo["cut_off"] = False
    cargo.loc[cut_off, "cut_off"] = True
    # a cargo that cannot sail at all (every route closed) is not bought: force majeure
    cargo.loc[cut_off, "avail"] = 0.0
    has_arc = np.zeros(len(cargo), dtype=bool)
    has_arc[arcs["cargo"].to_numpy()] = True
    cargo["has_arc"] = has_arc

    pre = all_cargo[all_cargo["load_day"] < 0].reset_index(drop=True)
    split = _presea_split(pre, nodes, routes)
    inflow, busy, legs = at_sea(pre, split, nodes, routes, route_passages, cal, events)
    ships = np.maximum(fleet_available(fleet, cal, events) - busy, 0.0)
    presea = _presea_info(pre, legs, route_passages, cal)
    counts["cargoes"] = int(len(cargo))
    counts["cargoes_at_sea"] = int(len(legs))
    return ModelData(case=case, cal=cal, fleet=fleet, cargo=cargo, arcs=arcs,
                     crossings=crossings, demand=dem, inflow=inflow, at_sea_legs=legs,
                     ships=ships, canal=canal, counts=counts,
                     extras={"presea_cargo": presea}, report_days=case.horizon.days)


def set_end_values(dem: DemandSide, ds: Dataset, cal: Calendar, case: Case) -> None:
    """Value (USD/MMBtu) of stock left on the last day, per node and storage zone: the flat
    `economics.end_stock_value`, or with `end_stock_value_at_hub` the market's hub index
    (markets.csv `hub_index`) on the last day modelled."""
    flat = case.economics.end_stock_value_usd_per_mmbtu
    value = pd.Series(flat, index=ds.markets["market"].to_numpy(), dtype=float)
    if case.economics.end_stock_value_at_hub and "hub_index" in ds.markets.columns:
        paths = price_paths(ds.prices, cal, list(case.events), 0)
        for m, idx in zip(ds.markets["market"], ds.markets["hub_index"].astype(str).str.strip(),
                          strict=True):
            if idx and idx not in paths:
                raise InputError(f"markets.csv: market {m!r} hub_index {idx!r} is not a price "
                                 f"index; expected one of {', '.join(sorted(paths))}")
            if idx:
                value[m] = float(paths[idx][-1])
    dem.nodes["end_value"] = dem.nodes["market"].map(value).fillna(flat).to_numpy()
    zone_market = dem.markets["market"].to_numpy()[dem.storage["market"].to_numpy()]
    dem.storage["end_value"] = pd.Series(zone_market).map(value).fillna(flat).to_numpy()


def _presea_split(pre: pd.DataFrame, nodes: pd.DataFrame, routes: pd.DataFrame
                  ) -> pd.DataFrame:
    """Where each pre-horizon cargo is bound: a contract cargo to its buyer market's nodes
    (in proportion to their regas), a spot cargo to the nearest rest-of-world node."""
    nd = nodes.assign(node=np.arange(len(nodes)))
    total = nd.groupby("market")["regas_mean"].transform("sum")
    count = nd.groupby("market")["regas_mean"].transform("size")
    # a market with no regas all horizon (every terminal out) still receives its cargoes at
    # sea, in equal parts; they wait at sea or are sold on (`at_sea_overflow`)
    nd["weight"] = np.where(total > 0, nd["regas_mean"] / total.where(total > 0, 1.0),
                            1.0 / count)
    pre_idx = pre.assign(pre_row=np.arange(len(pre)))
    by_market = pre_idx[pre_idx["market"] != ""].merge(nd[["market", "node", "weight"]],
                                                        on="market", how="inner")
    row_terms = nodes.loc[nodes["kind"] == "row", "terminal"].to_numpy()
    direct = routes[(routes["route"] == "direct") & routes["terminal"].isin(row_terms)]
    near = (direct.sort_values(["port", "distance_nm", "terminal"], kind="stable")
            .drop_duplicates("port").set_index("port")["terminal"])
    term_pos = pd.Series(np.arange(len(nodes)), index=nodes["terminal"])
    rest = pre_idx[~pre_idx["pre_row"].isin(by_market["pre_row"])].copy()
    rest["node"] = rest["port"].map(near).map(term_pos)
    rest = rest.dropna(subset=["node"])
    rest["weight"] = 1.0
    out = pd.concat([by_market[["pre_row", "node", "weight"]], rest[["pre_row", "node",
                                                                      "weight"]]])
    out = out.astype({"pre_row": np.int64, "node": np.int64})
    return out.sort_values(["pre_row", "node"], kind="stable").reset_index(drop=True)


def _presea_info(pre: pd.DataFrame, legs: pd.DataFrame, route_passages: pd.DataFrame,
                 cal: Calendar) -> pd.DataFrame:
    """Cargo and route facts of each leg still at sea at the start, for the schedule."""
    info = legs.merge(pre.drop(columns=["port", "load_day", "volume_tbtu"]), on="cargo_id",
                      how="left", sort=False)
    xs = info[["route_id", "load_day"]].reset_index().merge(route_passages, on="route_id")
    xs["date"] = cal.date_of((xs["load_day"] + xs["leg_day"]).to_numpy())
    xs = xs.sort_values(["index", "order"], kind="stable")
    info["passages"] = xs.groupby("index")["passage"].agg(";".join).reindex(
        info.index, fill_value="")
    info["passage_dates"] = xs.groupby("index")["date"].agg(";".join).reindex(
        info.index, fill_value="")
    return info
