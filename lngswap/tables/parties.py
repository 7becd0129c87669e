"""Parties: which import nodes each cargo may serve, and who pays for what.

Cooperation modes (the case's `cooperation:`), which bracket what an agreement can achieve:

- isolated: a contracted cargo serves its owner's nodes; an FOB cargo may also be resold to
  the rest of the world for a trading margin, a DES cargo only diverted there with the
  seller's consent, for a share of the margin, and not at all when its destination clause is
  `restricted` (resale outside the buyer's market impossible); spot cargoes go anywhere.
  Every rest-of-world market is its own party (China, India, other Asia, other).
- swaps: as isolated, plus the nodes of the owner's swap partners (the swap ledger then
  makes the borrower repay; see `swaps.py`).
- pooled: every party's cargo may serve every node (the cooperative upper bound).

Party accounts split the objective between parties, as linear terms over the LP's variables
(so the same terms bound each party's cost when mutual benefit is required):

- purchase, freight and the fee for diverting a DES cargo: the owner of a contracted cargo
  pays, also when the cargo is resold to the rest of the world or lent under a swap (a swap
  is repaid in kind, not in money); a spot cargo is paid by the party whose node receives it;
  under `pooled`, a contracted cargo delivered to another party's node is paid by the
  receiving party (pooled at cost);
- unlifted contract cargoes: the owner; regas, floor drawdown, end stock: the node's party;
  unserved demand and storage: the market's party;
- resales to the rest of the world earn the rest of the world's marginal value on the arrival
  day (USD/MMBtu), paid by the rest-of-world party, which also holds the value of its buyers'
  consumption (the rest-of-world demand steps);
- swap fees and balances left open at the horizon end are added by `swaps.py`.

The parties' totals add up to the objective less the swap fees received (the LP counts a fee
as the borrower's cost only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lngswap.tables.supply import SPOT

#: Account categories: +1 a cost, -1 a credit, 0 a quantity (not part of the total).
CATEGORIES: dict[str, int] = {
    "purchase_usd": 1,
    "freight_usd": 1,
    "diversion_fee_usd": 1,
    "unlifted_usd": 1,
    "regas_usd": 1,
    "storage_usd": 1,
    "floor_penalty_usd": 1,
    "unserved_penalty_usd": 1,
    "fees_paid_usd": 1,
    "fees_received_usd": -1,
    "open_balance_owed_usd": 1,
    "open_balance_due_usd": -1,
    "resale_purchases_usd": 1,
    "resale_revenue_usd": -1,
    "row_value_usd": -1,
    "end_stock_value_usd": -1,
    "unserved_mmbtu": 0,
    "below_floor_mmbtu_days": 0,
}


def eligible_pairs(cargo: pd.DataFrame, nodes: pd.DataFrame, cooperation: str,
                   partners: dict[str, set[str]] | None = None) -> pd.DataFrame:
    """(cargo, node) pairs a cargo may serve, with `lender`/`borrower` set on swap pairs.

    A swap pair is a contracted cargo of party L (the lender) to a node of one of L's swap
    partners B (the borrower). Whether the delivery is a loan or a repayment is the ledger's
    choice (`swaps.py`), so `partners` lists both directions of every agreement.
    """
    owner = cargo["owner"].to_numpy()
    party = nodes["party"].to_numpy()
    is_row = (nodes["kind"] == "row").to_numpy()
    c_idx, n_idx = np.meshgrid(np.arange(len(cargo)), np.arange(len(nodes)), indexing="ij")
    c_idx, n_idx = c_idx.ravel(), n_idx.ravel()
    o, p = owner[c_idx], party[n_idx]
    # an FOB cargo may be resold to the rest of the world, for a trading margin
    # (`economics.fob_resale_fee`); a DES cargo only by diversion, with the seller's consent
    # and a share of the margin (`economics.des_diversion_fee`), unless its destination clause
    # restricts it to the buyer's own market
    des = cargo["destination"].to_numpy()[c_idx] == "DES"
    clause = (cargo["clause"].to_numpy()[c_idx] if "clause" in cargo
              else np.full(len(c_idx), "consent", dtype=object))
    contracted = o != SPOT
    resale = is_row[n_idx] & ~des
    diverted = is_row[n_idx] & des & (clause != "restricted") & (o != p) & contracted
    own = (o == SPOT) | (o == p) | resale | diverted
    ok = own.copy() if cooperation != "pooled" else np.ones_like(own)
    swap = np.zeros_like(own)
    if cooperation == "swaps" and partners:
        for lender in sorted(partners):
            swap |= (o == lender) & np.isin(p, sorted(partners[lender])) & ~own
        ok |= swap
    out = pd.DataFrame({"cargo": c_idx[ok], "node": n_idx[ok]})
    out["lender"] = np.where(swap[ok], o[ok], "")
    out["borrower"] = np.where(swap[ok], p[ok], "")
    out["diverted"] = diverted[ok]
    out["resold"] = (resale & contracted & (o != p))[ok]
    return out


def release_cooperative_only(md) -> int:
    """Cargoes that only cooperation lets arrive in time (every arc the isolated mode allows
    arrives after the horizon or is closed) may be left unlifted at no cost, as under
    `isolated`, where such a cargo is outside the model or cut off by force majeure. Without
    this, an agreement that is never used could cost more than no agreement. Returns how many
    cargoes this applies to."""
    arcs, cargo, nodes = md.arcs, md.cargo, md.nodes
    if not len(arcs):
        return 0
    ca, na = arcs["cargo"].to_numpy(), arcs["node"].to_numpy()
    owner = cargo["owner"].to_numpy()[ca]
    own = ((owner == SPOT) | (owner == nodes["party"].to_numpy()[na])
           | (nodes["kind"] == "row").to_numpy()[na])
    has_own = np.zeros(len(cargo), dtype=bool)
    has_own[ca[own]] = True
    only_coop = cargo["has_arc"].to_numpy() & ~has_own
    cargo.loc[only_coop, "cancel_usd_per_mmbtu"] = 0.0
    return int(only_coop.sum())


def party_list(md) -> list[str]:
    """Every party that owns a contract, a node or a market, sorted."""
    names = set(md.nodes["party"]) | set(md.demand.markets["party"])
    names |= set(md.demand.row_markets["party"]) | set(md.cargo["owner"])
    names.discard(SPOT)
    return sorted(str(n) for n in names)


@dataclass
class Accounts:
    """Party accounts as linear terms: each term adds `coef x block[col]` to (category, party).

    Coefficients are in LP units (million USD, or TBtu for quantities) per unit of variable.
    """

    parties: list[str]
    terms: list[tuple[str, str, np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=list)

    def add(self, category: str, block: str, party: np.ndarray, cols: np.ndarray,
            coefs) -> None:
        """Add terms (party index, column, coefficient arrays of equal length)."""
        party = np.asarray(party, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        coefs = np.broadcast_to(np.asarray(coefs, dtype=float), cols.shape).copy()
        keep = (party >= 0) & (coefs != 0)
        self.terms.append((category, block, party[keep], cols[keep], coefs[keep]))

    def total_terms(self, parties: list[str]) -> list[tuple[str, np.ndarray, np.ndarray,
                                                            np.ndarray]]:
        """Signed terms of the total cost of the named parties: (block, row, col, coef), the
        row being the position of the party in `parties`."""
        pos = {p: i for i, p in enumerate(parties)}
        remap = np.array([pos.get(p, -1) for p in self.parties], dtype=np.int64)
        out = []
        for cat, block, party, cols, coefs in self.terms:
            sign = CATEGORIES[cat]
            rows = remap[party] if len(party) else party
            keep = rows >= 0
            if sign and keep.any():
                out.append((block, rows[keep], cols[keep], sign * coefs[keep]))
        return out

    def evaluate(self, values: dict[str, np.ndarray]) -> pd.DataFrame:
        """The accounts at a solution (`values[block]` = the block's variable values), in USD
        and MMBtu, one row per party, with `total_cost_usd`."""
        table = np.zeros((len(self.parties), len(CATEGORIES)))
        cpos = {c: i for i, c in enumerate(CATEGORIES)}
        for cat, block, party, cols, coefs in self.terms:
            if block in values and len(cols):
                np.add.at(table[:, cpos[cat]], party, coefs * values[block][cols] * 1e6)
        df = pd.DataFrame(table, columns=list(CATEGORIES))
        sign = np.array(list(CATEGORIES.values()), dtype=float)
        df["total_cost_usd"] = table @ sign
        df.insert(0, "party", self.parties)
        return df


def core_accounts(md, blocks: dict, row_price: np.ndarray) -> Accounts:
    """The party accounts of the core LP blocks (see the module docstring for who pays).

    `blocks` maps block names to their `VarBlock`; `row_price` is the rest-of-world marginal
    value (row market x day, USD/MMBtu) at which resales are credited.
    """
    parties = party_list(md)
    ppos = pd.Series(np.arange(len(parties)), index=parties)

    def pidx(names) -> np.ndarray:
        return ppos.reindex(np.asarray(names, dtype=object)).fillna(-1).to_numpy(np.int64)

    acc = Accounts(parties)
    cargo, arcs, nodes, dem = md.cargo, md.arcs, md.nodes, md.demand
    ca, na = arcs["cargo"].to_numpy(), arcs["node"].to_numpy()
    vol = cargo["volume_tbtu"].to_numpy()[ca]
    owner = cargo["owner"].to_numpy()[ca]
    node_party = nodes["party"].to_numpy()[na]
    row_node = (nodes["kind"] == "row").to_numpy()[na]
    swap_arc = (arcs["lender"].to_numpy() != "") if "lender" in arcs else np.zeros(len(na), bool)
    contracted = owner != SPOT
    owner_pays = contracted & ((owner == node_party) | row_node | swap_arc)
    payer = pidx(np.where(owner_pays, owner, node_party))
    a = np.arange(len(arcs))
    acc.add("purchase_usd", "ship", payer, a,
            vol * cargo["price_usd_per_mmbtu"].to_numpy()[ca])
    acc.add("freight_usd", "ship", payer, a, vol * arcs["freight_usd_per_mmbtu"].to_numpy())
    if "diverted" in arcs:  # a DES cargo diverted to the rest of the world: owner pays the fee
        div = arcs["diverted"].to_numpy(dtype=bool)
        acc.add("diversion_fee_usd", "ship", payer[div], a[div],
                vol[div] * md.case.economics.des_diversion_fee_usd_per_mmbtu)
    redirect = md.extras.get("arc_redirect_fee_usd_per_mmbtu")
    if redirect is not None:  # an FOB cargo redirected inside its notice period
        acc.add("diversion_fee_usd", "ship", payer, a, vol * redirect)
    if "resold" in arcs:  # an FOB cargo resold to another buyer: the owner pays the margin
        rs = arcs["resold"].to_numpy(dtype=bool)
        acc.add("diversion_fee_usd", "ship", payer[rs], a[rs],
                vol[rs] * md.case.economics.fob_resale_fee_usd_per_mmbtu)
    resale = contracted & row_node & (owner != node_party)
    if resale.any():
        rpos = pd.Series(np.arange(len(dem.row_markets)), index=dem.row_markets["market"])
        rm = rpos.reindex(nodes["market"].to_numpy()[na[resale]]).to_numpy(np.int64)
        price = row_price[rm, arcs["arrival_day"].to_numpy()[resale]]
        energy = vol[resale] * arcs["delivered_share"].to_numpy()[resale]
        acc.add("resale_revenue_usd", "ship", pidx(owner[resale]), a[resale], energy * price)
        acc.add("resale_purchases_usd", "ship", pidx(node_party[resale]), a[resale],
                energy * price)
    ub = blocks["unlifted"]
    live = ub.index["cargo"].to_numpy()
    acc.add("unlifted_usd", "unlifted", pidx(cargo["owner"].to_numpy()[live]),
            np.arange(ub.size), ub.cost)
    def node_of(blk: str) -> np.ndarray:
        return blocks[blk].index["node"].to_numpy()

    npart = nodes["party"].to_numpy()
    acc.add("regas_usd", "sendout", pidx(npart[node_of("sendout")]),
            np.arange(blocks["sendout"].size), blocks["sendout"].cost)
    bf = blocks["below_floor"]
    acc.add("floor_penalty_usd", "below_floor", pidx(npart[node_of("below_floor")]),
            np.arange(bf.size), bf.cost)
    acc.add("below_floor_mmbtu_days", "below_floor", pidx(npart[node_of("below_floor")]),
            np.arange(bf.size), 1.0)
    if "below_working" in blocks:
        bw = blocks["below_working"]
        acc.add("floor_penalty_usd", "below_working", pidx(npart[node_of("below_working")]),
                np.arange(bw.size), bw.cost)
    es = blocks["end_stock"]
    acc.add("end_stock_value_usd", "end_stock", pidx(npart[node_of("end_stock")]),
            np.arange(es.size), -es.cost)
    un = blocks["unserved"]
    mparty = dem.markets["party"].to_numpy()
    up = pidx(mparty[un.index["market"].to_numpy()])
    acc.add("unserved_penalty_usd", "unserved", up, np.arange(un.size), un.cost)
    acc.add("unserved_mmbtu", "unserved", up, np.arange(un.size), 1.0)
    rs = blocks["row_sale"]
    acc.add("row_value_usd", "row_sale",
            pidx(dem.row_markets["party"].to_numpy()[rs.index["market"].to_numpy()]),
            np.arange(rs.size), -rs.cost)
    zparty = mparty[dem.storage["market"].to_numpy()] if len(dem.storage) else np.array([])
    for name in ("inject", "ugs_short", "ugs_end_short", "end_ugs"):
        blk = blocks.get(name)
        if blk is None or not blk.size:
            continue
        zp = pidx(zparty[blk.index["zone"].to_numpy()])
        if name == "end_ugs":
            acc.add("end_stock_value_usd", name, zp, np.arange(blk.size), -blk.cost)
        else:
            acc.add("storage_usd", name, zp, np.arange(blk.size), blk.cost)
    return acc


def row_prices(md, lp, out) -> np.ndarray:
    """Rest-of-world marginal values of a solution (row market x day, USD/MMBtu)."""
    R, D = len(md.demand.row_markets), md.cal.n
    return np.asarray(out.row_dual[lp.row("row_balance")], dtype=float).reshape(R, D)
