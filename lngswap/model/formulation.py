r"""The LP, family by family: each function declares one family with its equation.

Notation: c cargo, a arc (cargo, node, route), n import node, m market, k tier or step,
z storage zone, d day. Energy in TBtu, money in million USD, so duals of balances are in
USD/MMBtu. V_c cargo energy, \delta_a delivered share after boil-off, A_c availability,
\eta_a the diversion fee on a DES cargo diverted to the rest of the world, or the resale
margin on a contracted FOB cargo resold to another buyer. Families in their own modules:
working stocks and the end-of-run storage floor (`stocks.py`), the resale cap per contract
(`resale.py`); commitments change bounds only (`commitments.py`).

.. math::

    \min \sum_a V_c (p_c + f_a + \eta_a) x_a + \sum_c V_c q_c u_c + \sum_{n,d} r\, s^{out}_{nd}
         + \sum_{m,k,d} \pi_k e_{mkd} + \phi \sum_{n,d} b_{nd} + \psi \sum_{z,t} g^{-}_{zt}
         + \kappa \sum_{z,d} i_{zd} - \sum_{m,k,d} w_k q_{mkd} - \nu (\sum_n h_n + \sum_z h_z)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lngswap.model.lp import ConBlock, LinearProgram, VarBlock, shifted
from lngswap.model.resale import resale_cap
from lngswap.model.stocks import storage_end_floor, working_stock
from lngswap.tables.indices import ModelData

STORAGE_CYCLE_COST_USD_PER_MMBTU = 0.05  # keeps injection from cycling for free
AT_SEA_OVERFLOW_USD_PER_MMBTU = 50.0  # a cargo at sea its terminal cannot take in


def build_lp(md: ModelData) -> LinearProgram:
    """Declare every variable and constraint family of the case."""
    lp = LinearProgram()
    v = declare_variables(lp, md)
    if getattr(md.case, "shortfall", "soft") == "hard":
        hard_shortfall(v)
    cargo_balance(lp, md, v)
    stock_balance(lp, md, v)
    strategic_floor(lp, md, v)
    working_stock(lp, md, v)
    resale_cap(lp, md, v)
    market_balance(lp, md, v)
    row_balance(lp, md, v)
    storage_balance(lp, md, v)
    storage_target(lp, md, v)
    storage_end_floor(lp, md, v)
    fleet_balance(lp, md, v)
    canal_capacity(lp, md, v)
    end_value(lp, md, v)
    for hook in md.extras.get("lp_hooks", []):
        hook(lp, md, v)
    return lp


def _grid(names: dict[str, np.ndarray | pd.Series]) -> pd.DataFrame:
    """Cartesian index table, last key fastest (row = ((i * n2) + j) * n3 + k)."""
    keys = list(names)
    arrays = np.meshgrid(*[np.asarray(names[k]) for k in keys], indexing="ij")
    return pd.DataFrame({k: a.ravel() for k, a in zip(keys, arrays, strict=True)})


def declare_variables(lp: LinearProgram, md: ModelData) -> dict[str, VarBlock]:
    """All variable families with bounds and objective costs (million USD)."""
    eco, cal, dem = md.case.economics, md.cal, md.demand
    cargo, arcs, nodes = md.cargo, md.arcs, md.nodes
    D, days = cal.n, np.arange(cal.n)
    vol = cargo["volume_tbtu"].to_numpy()
    ca = arcs["cargo"].to_numpy()
    v: dict[str, VarBlock] = {}
    # x_a: share of cargo c(a) sent on arc a
    diverted = (arcs["diverted"].to_numpy(dtype=bool) if "diverted" in arcs
                else np.zeros(len(arcs), dtype=bool))
    resold = (arcs["resold"].to_numpy(dtype=bool) if "resold" in arcs
              else np.zeros(len(arcs), dtype=bool))
    v["ship"] = lp.var("ship", arcs[["cargo", "node", "route"]],
                       ub=cargo["avail"].to_numpy()[ca],
                       cost=vol[ca] * (cargo["price_usd_per_mmbtu"].to_numpy()[ca]
                                       + arcs["freight_usd_per_mmbtu"].to_numpy()
                                       + eco.des_diversion_fee_usd_per_mmbtu * diverted
                                       + eco.fob_resale_fee_usd_per_mmbtu * resold))
    live = cargo.index[cargo["has_arc"]].to_numpy()
    # u_c: share of cargo c not lifted (cancelled, or take-or-pay paid for nothing)
    v["unlifted"] = lp.var("unlifted", pd.DataFrame({"cargo": live}),
                           ub=cargo["avail"].to_numpy()[live],
                           cost=vol[live] * cargo["cancel_usd_per_mmbtu"].to_numpy()[live])
    nd = _grid({"node": np.arange(len(nodes)), "day": days})
    core_node = (nodes["kind"] == "terminal").to_numpy()
    v["stock"] = lp.var("stock", nd, ub=np.repeat(nodes["tank"].to_numpy(), D))
    v["sendout"] = lp.var("sendout", nd, ub=md.demand.regas.ravel(),
                          cost=np.repeat(np.where(core_node, eco.regas_usd_per_mmbtu, 0.0), D))
    fl = nodes.index[nodes["floor"] > 0].to_numpy()
    v["below_floor"] = lp.var("below_floor", _grid({"node": fl, "day": days}),
                              ub=np.repeat(nodes["floor"].to_numpy()[fl], D),
                              cost=eco.floor_penalty_usd_per_mmbtu_day)
    tiers = dem.tiers
    mkd = _grid({"market": np.arange(len(dem.markets)), "tier": np.arange(len(tiers)),
                 "day": days})
    share = tiers["share"].to_numpy()[mkd["tier"].to_numpy()]
    v["unserved"] = lp.var("unserved", mkd,
                           ub=share * dem.demand[mkd["market"].to_numpy(), mkd["day"].to_numpy()],
                           cost=tiers["usd_per_mmbtu"].to_numpy()[mkd["tier"].to_numpy()])
    st = dem.row_steps
    rs = pd.DataFrame({"step": np.repeat(np.arange(len(st)), D), "day": np.tile(days, len(st))})
    rs["market"] = st["market"].to_numpy()[rs["step"].to_numpy()]
    # energy of cargoes already at sea that a node cannot take in (tank full): kept at sea or
    # sold on, at a stiff price, so a case with crowded fixed arrivals still solves
    fi = np.flatnonzero(md.inflow.ravel() > 0)
    v["at_sea_overflow"] = lp.var(
        "at_sea_overflow", pd.DataFrame({"node": fi // D, "day": fi % D}),
        ub=md.inflow.ravel()[fi], cost=AT_SEA_OVERFLOW_USD_PER_MMBTU)
    v["row_sale"] = lp.var(
        "row_sale", rs,
        ub=st["share"].to_numpy()[rs["step"]] * dem.row_base[rs["market"], rs["day"]],
        cost=-st["wtp_usd_per_mmbtu"].to_numpy()[rs["step"]])
    # surplus the rest of the world absorbs at no value (e.g. by switching from coal): keeps
    # fixed arrivals (cargoes at sea) feasible whatever the demand steps
    v["row_surplus"] = lp.var("row_surplus", _grid({"market": np.arange(len(dem.row_markets)),
                                                    "day": days}))
    sto = dem.storage
    zd = _grid({"zone": np.arange(len(sto)), "day": days})
    z = zd["zone"].to_numpy()
    v["ugs"] = lp.var("ugs", zd, ub=sto["cap"].to_numpy()[z])
    v["inject"] = lp.var("inject", zd, ub=sto["inj"].to_numpy()[z],
                         cost=STORAGE_CYCLE_COST_USD_PER_MMBTU)
    v["withdraw"] = lp.var("withdraw", zd, ub=sto["wd"].to_numpy()[z])
    tgt = storage_target_days(md)
    v["ugs_short"] = lp.var("ugs_short", _grid({"zone": np.arange(len(sto)), "target": tgt}),
                            cost=eco.storage_target_penalty_usd_per_mmbtu)
    v["ships_busy"] = lp.var("ships_busy", pd.DataFrame({"day": days}), ub=md.ships)
    v["end_stock"] = lp.var("end_stock", pd.DataFrame({"node": np.arange(len(nodes))}),
                            ub=nodes["init"].to_numpy(),
                            cost=-_end_value(nodes, len(nodes), eco.end_stock_value_usd_per_mmbtu))
    v["end_ugs"] = lp.var("end_ugs", pd.DataFrame({"zone": np.arange(len(sto))}),
                          ub=sto["init"].to_numpy(),
                          cost=-_end_value(sto, len(sto), eco.end_stock_value_usd_per_mmbtu))
    return v


def hard_shortfall(v: dict[str, VarBlock]) -> None:
    r"""`shortfall: hard`: no priced slack, so an impossible case is infeasible and can be
    explained: :math:`e_{mkd} = 0` (no unserved demand), :math:`b_{nd} = 0` (floors hard)."""
    v["unserved"].ub[:] = 0.0
    v["below_floor"].ub[:] = 0.0


def _end_value(table: pd.DataFrame, n: int, flat: float) -> np.ndarray:
    """Per-row value of end stock (the `end_value` column where the index tables set it)."""
    return table["end_value"].to_numpy(dtype=float) if "end_value" in table else np.full(n, flat)


def storage_target_days(md: ModelData) -> np.ndarray:
    """Days of the horizon on which the EU storage target is tested (one per year)."""
    mmdd = md.case.economics.storage_target_day
    dates = md.cal.dates
    return np.flatnonzero(dates.strftime("%m-%d") == mmdd)


def cargo_balance(lp: LinearProgram, md: ModelData, v: dict[str, VarBlock]) -> ConBlock:
    r"""Each cargo is shipped on its arcs or not lifted: :math:`\sum_{a \in c} x_a + u_c = A_c`."""
    cargo = md.cargo
    live = v["unlifted"].index["cargo"].to_numpy()
    con = lp.con("cargo_balance", pd.DataFrame({"cargo": live}),
                 lo=cargo["avail"].to_numpy()[live], hi=cargo["avail"].to_numpy()[live])
    con.add_on(v["ship"], 1.0, rows=v["ship"].index[["cargo"]])
    con.add_on(v["unlifted"], 1.0, rows=v["unlifted"].index)
    return con


def stock_balance(lp: LinearProgram, md: ModelData, v: dict[str, VarBlock]) -> ConBlock:
    r"""Node stock: :math:`s_{nd} = s_{n,d-1} + \sum_{a \to n, arr=d} \delta_a V_c x_a
    + F_{nd} - o_{nd} - s^{out}_{nd}` with :math:`s_{n,-1}` the initial stock, F the cargoes
    already at sea and :math:`0 \le o_{nd} \le F_{nd}` what of them the node cannot take in."""
    nodes, arcs = md.nodes, md.arcs
    rhs = md.inflow.copy()
    rhs[:, 0] += nodes["init"].to_numpy()
    stock = v["stock"]
    con = lp.con("stock_balance", stock.index, lo=rhs.ravel(), hi=rhs.ravel())
    con.add_on(stock, 1.0, rows=stock.index)
    con.add_on(stock, -1.0, rows=shifted(stock.index, day=1), missing="drop")
    con.add_on(v["sendout"], 1.0, rows=v["sendout"].index)
    vol = md.cargo["volume_tbtu"].to_numpy()[arcs["cargo"].to_numpy()]
    con.add_on(v["ship"], -vol * arcs["delivered_share"].to_numpy(),
               rows={"node": arcs["node"].to_numpy(), "day": arcs["arrival_day"].to_numpy()})
    con.add_on(v["at_sea_overflow"], 1.0, rows=v["at_sea_overflow"].index)
    return con


def strategic_floor(lp: LinearProgram, md: ModelData, v: dict[str, VarBlock]) -> ConBlock:
    r"""Stock at or above the strategic floor, or priced below it: :math:`s_{nd} + b_{nd} \ge
    L_n`."""
    idx = v["below_floor"].index
    con = lp.con("strategic_floor", idx, lo=md.nodes["floor"].to_numpy()[idx["node"].to_numpy()])
    con.add_on(v["stock"], 1.0, cols=idx)
    con.add_on(v["below_floor"], 1.0, rows=idx)
    return con


def market_balance(lp: LinearProgram, md: ModelData, v: dict[str, VarBlock]) -> ConBlock:
    r"""Core market demand is met by send-out, storage and (priced) shortfall:
    :math:`\sum_{n \in m} s^{out}_{nd} + w_{zd} - i_{zd} + \sum_k e_{mkd} = Q_{md}`.
    Its dual is the marginal value of LNG in the market (USD/MMBtu)."""
    dem, D = md.demand, md.cal.n
    M = len(dem.markets)
    idx = pd.DataFrame({"market": np.repeat(np.arange(M), D), "day": np.tile(np.arange(D), M)})
    q = dem.demand.ravel()
    con = lp.con("market_balance", idx, lo=q, hi=q)
    mpos = pd.Series(np.arange(M), index=dem.markets["market"])
    _node_terms(con, v["sendout"], md.nodes["market"].map(mpos))
    zd = v["withdraw"].index
    zrows = {"market": dem.storage["market"].to_numpy()[zd["zone"].to_numpy()],
             "day": zd["day"].to_numpy()}
    con.add_on(v["withdraw"], 1.0, rows=zrows)
    con.add_on(v["inject"], -1.0, rows=zrows)
    con.add_on(v["unserved"], 1.0, rows=v["unserved"].index[["market", "day"]])
    return con


def _node_terms(con: ConBlock, sendout: VarBlock, market_of_node: pd.Series) -> None:
    """Send-out of every node whose market has a row in `con` (market x day), by market."""
    nm = market_of_node.to_numpy(dtype=float)
    si = sendout.index
    node = si["node"].to_numpy()
    mine = np.flatnonzero(~np.isnan(nm[node]))
    con.add_on(sendout, 1.0,
               rows={"market": nm[node[mine]].astype(np.int64), "day": si["day"].to_numpy()[mine]},
               cols=si.iloc[mine])


def row_balance(lp: LinearProgram, md: ModelData, v: dict[str, VarBlock]) -> ConBlock:
    r"""Rest-of-world send-out is sold on the demand steps or absorbed as surplus at no value:
    :math:`\sum_{n \in m} s^{out}_{nd} = \sum_k q_{mkd} + q^{0}_{md}`; the dual is the rest
    of the world's marginal price."""
    dem, D = md.demand, md.cal.n
    M = len(dem.row_markets)
    idx = pd.DataFrame({"market": np.repeat(np.arange(M), D), "day": np.tile(np.arange(D), M)})
    con = lp.con("row_balance", idx, lo=0.0, hi=0.0)
    mpos = pd.Series(np.arange(M), index=dem.row_markets["market"])
    _node_terms(con, v["sendout"], md.nodes["market"].map(mpos))
    con.add_on(v["row_sale"], -1.0, rows=v["row_sale"].index[["market", "day"]])
    con.add_on(v["row_surplus"], -1.0, rows=v["row_surplus"].index)
    return con


def storage_balance(lp: LinearProgram, md: ModelData, v: dict[str, VarBlock]) -> ConBlock:
    r"""Underground storage: :math:`g_{zd} = g_{z,d-1} + i_{zd} - w_{zd}`, :math:`g_{z,-1}` the
    initial level."""
    sto, D = md.demand.storage, md.cal.n
    Z = len(sto)
    rhs = np.zeros(Z * D)
    rhs[np.arange(Z) * D] = sto["init"].to_numpy()
    ugs = v["ugs"]
    con = lp.con("storage_balance", ugs.index, lo=rhs, hi=rhs)
    con.add_on(ugs, 1.0, rows=ugs.index)
    con.add_on(ugs, -1.0, rows=shifted(ugs.index, day=1), missing="drop")
    con.add_on(v["inject"], -1.0, rows=v["inject"].index)
    con.add_on(v["withdraw"], 1.0, rows=v["withdraw"].index)
    return con


def storage_target(lp: LinearProgram, md: ModelData, v: dict[str, VarBlock]) -> ConBlock:
    r"""EU fill target on its test day, soft: :math:`g_{z,t} + g^{-}_{zt} \ge \theta\, G_z`."""
    sto = md.demand.storage
    idx = v["ugs_short"].index
    z, t = idx["zone"].to_numpy(), idx["target"].to_numpy()
    share = md.case.economics.storage_target_share
    con = lp.con("storage_target", idx, lo=share * sto["cap"].to_numpy()[z])
    con.add_on(v["ugs"], 1.0, cols={"zone": z, "day": t})
    con.add_on(v["ugs_short"], 1.0, rows=idx)
    return con


def fleet_balance(lp: LinearProgram, md: ModelData, v: dict[str, VarBlock]) -> ConBlock:
    r"""Ships in use: :math:`y_d = y_{d-1} + \sum_{a: load=d} x_a - \sum_{a: back=d} x_a`,
    with :math:`y_d \le S_d` (carriers free of voyages begun before the start) as its bound."""
    D, arcs = md.cal.n, md.arcs
    con = lp.con("fleet_balance", pd.DataFrame({"day": np.arange(D)}), lo=0.0, hi=0.0)
    busy = v["ships_busy"]
    con.add_on(busy, 1.0, rows=busy.index)
    con.add_on(busy, -1.0, rows=shifted(busy.index, day=1), missing="drop")
    con.add_on(v["ship"], -1.0, rows={"day": arcs["load_day"].to_numpy()})
    # voyages that end after the horizon end keep their ship
    con.add_on(v["ship"], 1.0, rows={"day": arcs["return_day"].to_numpy()}, missing="drop")
    return con


def canal_capacity(lp: LinearProgram, md: ModelData, v: dict[str, VarBlock]) -> ConBlock:
    r"""Canal transits: :math:`\sum_{a \text{ crosses } p \text{ on } d} x_a \le K_{pd}`."""
    caps, x = md.canal, md.crossings
    con = lp.con("canal_capacity", caps[["passage", "day"]], hi=caps["cap"].to_numpy())
    if len(caps):
        pos = pd.Series(np.arange(len(caps)), index=pd.MultiIndex.from_frame(caps[["passage",
                                                                                    "day"]]))
        hit = pos.reindex(pd.MultiIndex.from_frame(x[["passage", "day"]])).to_numpy()
        ok = ~np.isnan(hit)
        con.add(v["ship"], hit[ok].astype(np.int64), x["arc"].to_numpy()[ok], 1.0)
    return con


def end_value(lp: LinearProgram, md: ModelData, v: dict[str, VarBlock]) -> ConBlock:
    r"""Stock left at the end is valued up to its starting level: :math:`h_n \le s_{n,D-1}`,
    :math:`h_n \le s_{n,-1}` (the bound), and the same for storage."""
    D, N = md.cal.n, len(md.nodes)
    Z = len(md.demand.storage)
    idx = pd.DataFrame({"holder": np.r_[np.arange(N), N + np.arange(Z)]})
    con = lp.con("end_value", idx, hi=0.0)
    nodes, zones = np.arange(N), np.arange(Z)
    con.add_on(v["end_stock"], 1.0, rows={"holder": nodes})
    con.add_on(v["stock"], -1.0, rows={"holder": nodes},
               cols={"node": nodes, "day": np.full(N, D - 1)})
    con.add_on(v["end_ugs"], 1.0, rows={"holder": N + zones})
    con.add_on(v["ugs"], -1.0, rows={"holder": N + zones},
               cols={"zone": zones, "day": np.full(Z, D - 1)})
    return con
