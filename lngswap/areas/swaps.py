r"""Swap agreements: a ledger of loans and repayments in kind, as constraints of the same LP.

Under `cooperation: swaps` a party's contracted cargo may reach its partner's terminals
(`parties.eligible_pairs` labels those arcs with `lender` = the cargo's owner and `borrower` =
the node's party). Each such delivery is either a loan or the repayment of an earlier loan the
other way; a borrower can repay only with its own contracted cargoes, which under `isolated`
could never reach the lender's terminals, so every repayment is energy the lender would not
otherwise have had.

Notation: agreement a with direction o (lender L, borrower B), day d, energy in TBtu as
delivered (after boil-off). :math:`F_{XYd}` energy of X's contracted cargoes delivered to Y's
nodes on day d; :math:`\ell_{aod}` lent, :math:`r_{aod}` repaid (B's cargo at L's node),
:math:`O_{aod}` outstanding, :math:`C_{aod}` lent to date; V one standard cargo; W_a the
repayment window, K_a the cap on outstanding cargoes, N_a the cap per agreement year (each
365-day block from the horizon start), :math:`\phi_a` the share of its floor a lender keeps.

.. math::

    F_{XYd} = \sum_{a,o: L=X, B=Y} \ell_{aod} + \sum_{a,o: B=X, L=Y} r_{aod}
    \qquad O_{aod} = O_{ao,d-1} + \ell_{aod} - r_{aod} \ge 0
    \qquad C_{aod} = C_{ao,d-1} + \ell_{aod}

    O_{aod} \le C_{aod} - C_{ao,d-W_a} \;\text{(older loans are repaid, first in first out)}
    \qquad O_{aod} \le K_a V \qquad \sum_{o, d \in y} \ell_{aod} \le N_a V

    \ell_{aod} = 0 \;\text{outside the active window and against the agreed direction}
    \qquad \sum_{n \in L} b_{nd} \le \max(b^{iso}_{Ld}, (1 - \phi_a) L_L)

    \text{cost}_P(x) \le \text{cost}^{iso}_P \;\text{(with require\_mutual\_benefit)}
    \qquad \text{objective} \mathrel{+}= \sum_{a,o,d} \text{fee}_a \ell_{aod}

A loan made less than W_a days before the horizon end may stay open; the open balance is
reported and valued at the end-stock value (borrower owes, lender is due). The lender guard
and the mutual-benefit bounds compare with the `isolated` solution of the same case (the
reference), which the study layer solves and hands in (`SwapInputs.reference`): this area
never solves a model. Every term of an agreement is a column bound, a
cost, a row bound or (the fee in the mutual-benefit rows) a coefficient, so `swap_terms.py`
re-solves term variants in place; candidate repayment windows each get their own rows and
the active one is switched on by its bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lngswap.errors import InputError, Problems
from lngswap.inputs.swaps_schema import SwapAgreement
from lngswap.model.lp import ConBlock, LinearProgram, VarBlock, shifted
from lngswap.tables.parties import Accounts, core_accounts, row_prices
from lngswap.units import MMBTU_PER_T, MMBTU_PER_TBTU

INF = np.inf
EPS = 1e-7
MM = MMBTU_PER_TBTU  # MMBtu per TBtu, and USD per million USD (units.USD_PER_MUSD)
LEDGER_COLUMNS = ["agreement", "date", "lender", "borrower", "cargo_id", "lent_mmbtu",
                  "repaid_mmbtu", "outstanding_mmbtu", "fee_usd"]
#: Slack on the isolated bounds, so the isolated plan itself stays feasible: TBtu on the lender
#: floor rows (1 MMBtu), and a relative share plus 1 USD on the mutual-benefit rows.
BOUND_SLACK = 1e-7
COST_SLACK = 1e-9


@dataclass
class Reference:
    """The `isolated` solution of a case: what each party achieves without an agreement."""

    objective_usd: float
    accounts: pd.DataFrame          # parties table (USD, MMBtu)
    row_price: np.ndarray           # rest-of-world marginal value, row market x day (USD/MMBtu)
    below_floor: dict[str, np.ndarray]  # party -> TBtu below its floors, per day
    seconds: float = 0.0


@dataclass(frozen=True)
class SwapInputs:
    """What the study layer hands the swaps area: the isolated reference (solved by the study,
    never here), extra candidate repayment windows (agreement name -> days) and whether to
    build the mutual-benefit rows even when the case does not require them."""

    reference: Reference | None = None
    windows: dict[str, list[int]] = field(default_factory=dict)
    mutual_rows: bool = False


@dataclass
class SwapSetup:
    """Index tables of the ledger, kept in `md.extras['swaps']`."""

    agreements: list[SwapAgreement]
    ledger: pd.DataFrame            # a, o, agreement, lender, borrower, day
    pairs: pd.DataFrame             # ordered party pairs with swap arcs: lender, borrower
    windows: list[list[int]]        # candidate repayment windows per agreement
    cargo_tbtu: float
    guard: pd.DataFrame             # parties with strategic floors: party, floor (TBtu)
    ds: object = None
    reference: Reference | None = None
    mutual_rows: bool = False
    timings: dict = field(default_factory=dict)


# --- setup ---------------------------------------------------------------------------------

def partners(case) -> dict[str, set[str]] | None:
    """Lender -> borrowers whose nodes the lender's cargoes may serve (swaps mode).

    Both directions of every agreement: a one-way agreement still carries the borrower's
    repayments to the lender's terminals.
    """
    if case.cooperation != "swaps" or not case.swaps:
        return None
    out: dict[str, set[str]] = {}
    for ag in case.swaps:
        p, q = ag.parties
        out.setdefault(p, set()).add(q)
        out.setdefault(q, set()).add(p)
    return out


def known_parties(ds) -> set[str]:
    """Party codes the dataset knows: owners of terminals, markets and contracts."""
    names = set(ds.terminals["party"]) | set(ds.markets["party"]) | set(ds.contracts["owner"])
    return {str(n) for n in names}


def check_agreements(case, ds, horizon_days: int) -> None:
    """Every agreement names known parties, a unique name and an active window that overlaps
    the horizon; all problems are raised together, each naming the file and key."""
    p = Problems()
    where = case.source_path or "case"
    known = known_parties(ds)
    seen: set[str] = set()
    for i, ag in enumerate(case.swaps):
        key = f"{where}: key 'swaps.{i}"
        for j, party in enumerate(ag.parties):
            if party not in known:
                p.add(f"{key}.parties.{j}': unknown party {party!r}; expected one of "
                      f"{', '.join(sorted(known))}")
        if ag.name in seen:
            p.add(f"{key}.name': agreement name {ag.name!r} is used twice")
        seen.add(ag.name)
        if ag.active is not None:
            first = (ag.active.start - case.horizon.start).days
            last = (ag.active.end - case.horizon.start).days
            if last < 0 or first >= horizon_days:
                p.add(f"{key}.active': window {ag.active.start}..{ag.active.end} lies outside "
                      f"the horizon {case.horizon.start}..{case.horizon.end}")
    p.raise_if_any()


def standard_cargo_tbtu(md, ds) -> float:
    """Energy of one standard cargo (TBtu): the unit of the agreement caps."""
    if len(md.cargo):
        return float(md.cargo["volume_tbtu"].iloc[0])
    return ds.fleet_value("cargo_m3") * 0.45 * MMBTU_PER_T / MM


NAME = "swaps"


def references(case) -> tuple[str, ...]:
    """Solves of other models this area needs as inputs: the isolated run of the same case
    when an agreement is judged by it (`SwapInputs.reference`)."""
    if case.cooperation == "swaps" and case.swaps and needs_reference(case):
        return ("isolated",)
    return ()


def prepare(md, ds, inputs: SwapInputs | None = None) -> None:
    """Check the agreements and, under `cooperation: swaps`, add the ledger's LP hook.

    A case whose agreements need the isolated reference (`needs_reference`) must get it in
    `inputs`: the study layer solves it (`lngswap.studies.study.Study`)."""
    case = md.case
    inputs = inputs or SwapInputs()
    if case.swaps:
        check_agreements(case, ds, md.cal.n)
    if case.cooperation != "swaps" or not case.swaps:
        return
    D = md.cal.n
    ags = list(case.swaps)
    rows = []
    for a, ag in enumerate(ags):
        for o, (lender, borrower) in enumerate(orientations(ag)):
            rows.append((a, o, ag.name, lender, borrower))
    base = pd.DataFrame(rows, columns=["a", "o", "agreement", "lender", "borrower"])
    ledger = base.loc[base.index.repeat(D)].reset_index(drop=True)
    ledger["day"] = np.tile(np.arange(D), len(base))
    pairs = (base[["lender", "borrower"]].drop_duplicates()
             .sort_values(["lender", "borrower"], kind="stable").reset_index(drop=True))
    extra = inputs.windows
    windows = [sorted({ag.repay_within_days, *extra.get(ag.name, [])}) for ag in ags]
    in_ags = sorted({p for ag in ags for p in ag.parties})
    fl = md.nodes[md.nodes["floor"] > 0].groupby("party")["floor"].sum()
    guard = pd.DataFrame({"party": [p for p in in_ags if fl.get(p, 0.0) > 0]})
    guard["floor"] = [float(fl[p]) for p in guard["party"]]
    setup = SwapSetup(agreements=ags, ledger=ledger, pairs=pairs, windows=windows,
                      cargo_tbtu=standard_cargo_tbtu(md, ds), guard=guard, ds=ds,
                      reference=inputs.reference,
                      mutual_rows=bool(case.require_mutual_benefit or inputs.mutual_rows))
    if inputs.reference is not None:
        setup.timings["reference"] = round(inputs.reference.seconds, 4)
    md.extras["swaps"] = setup
    md.extras.setdefault("lp_hooks", []).append(ledger_hook)


def orientations(ag: SwapAgreement) -> list[tuple[str, str]]:
    """The two (lender, borrower) directions of an agreement, first party lending first."""
    p, q = ag.parties
    return [(p, q), (q, p)]


def needs_reference(case) -> bool:
    """The lender guard and the mutual-benefit bounds compare with the isolated solution."""
    return bool(case.require_mutual_benefit
                or any(ag.lender_min_stock_share > 0 for ag in case.swaps))


def surprise_day(case, cal) -> int:
    """First day whose decisions are free under `foresight: surprise` (0 otherwise)."""
    if case.foresight != "surprise" or not case.events:
        return 0
    return max(0, int(min(cal.day(e.start) for e in case.events)))


def reference_from(md, lp: LinearProgram, out) -> Reference:
    """The reference figures of a solved isolated model."""
    price = row_prices(md, lp, out)
    accounts = core_accounts(md, lp.vars, price).evaluate(block_values(lp, out))
    bf = lp.vars["below_floor"].index
    b = out.x[lp.column("below_floor")]
    party = md.nodes["party"].to_numpy()[bf["node"].to_numpy()]
    below = {}
    for p in sorted(set(party)):
        arr = np.zeros(md.cal.n)
        m = party == p
        np.add.at(arr, bf["day"].to_numpy()[m], b[m])
        below[str(p)] = arr
    return Reference(objective_usd=float(out.objective) * MM, accounts=accounts,
                     row_price=price, below_floor=below)


def block_values(lp: LinearProgram, out) -> dict[str, np.ndarray]:
    """Solution values per variable block."""
    return {name: out.x[lp.column(name)] for name in lp.vars}


# --- the LP --------------------------------------------------------------------------------

def ledger_hook(lp: LinearProgram, md, v: dict[str, VarBlock]) -> None:
    """Add the ledger's variables and constraint families, then set the agreements' terms."""
    s: SwapSetup = md.extras["swaps"]
    if s.reference is None and needs_reference(md.case):
        raise InputError(f"case {md.case.name}: its swap agreements are judged against the "
                         "isolated plan (lender guard or mutual benefit), which was not given; "
                         "solve the case through lngswap.solve() or pass the reference")
    n = len(s.ledger)
    for name in ("swap_lend", "swap_repay", "swap_owed", "swap_lent_sum"):
        v[name] = lp.var(name, s.ledger[["agreement", "lender", "borrower", "day"]],
                         ub=np.full(n, INF))
    swap_flow(lp, md, v, s)
    swap_ledger(lp, md, v, s)
    swap_lent_to_date(lp, md, v, s)
    swap_window(lp, md, v, s)
    swap_year_cap(lp, md, v, s)
    if s.reference is not None and len(s.guard):
        swap_lender_floor(lp, md, v, s)
    if s.reference is not None and s.mutual_rows:
        swap_mutual_benefit(lp, md, v, s)
    set_terms(lp, term_arrays(md, s, s.agreements, md.case.require_mutual_benefit))


def swap_flow(lp: LinearProgram, md, v: dict[str, VarBlock], s: SwapSetup) -> ConBlock:
    r"""Every delivery of X's cargo to Y's nodes is a loan X -> Y or a repayment by X of a loan
    Y -> X: :math:`F_{XYd} = \sum \ell_{(X \to Y)d} + \sum r_{(Y \to X)d}`."""
    D, arcs = md.cal.n, md.arcs
    P = len(s.pairs)
    idx = pd.DataFrame({"lender": np.repeat(s.pairs["lender"].to_numpy(), D),
                        "borrower": np.repeat(s.pairs["borrower"].to_numpy(), D),
                        "day": np.tile(np.arange(D), P)})
    con = lp.con("swap_flow", idx, lo=0.0, hi=0.0)
    sw = np.flatnonzero((arcs["lender"] != "").to_numpy())
    if len(sw):
        vol = md.cargo["volume_tbtu"].to_numpy()[arcs["cargo"].to_numpy()[sw]]
        con.add_on(v["ship"], vol * arcs["delivered_share"].to_numpy()[sw], cols=sw,
                   rows={"lender": arcs["lender"].to_numpy()[sw],
                         "borrower": arcs["borrower"].to_numpy()[sw],
                         "day": arcs["arrival_day"].to_numpy()[sw]})
    led = s.ledger
    con.add_on(v["swap_lend"], -1.0, rows=led[["lender", "borrower", "day"]])
    con.add_on(v["swap_repay"], -1.0, rows={"lender": led["borrower"].to_numpy(),
                                            "borrower": led["lender"].to_numpy(),
                                            "day": led["day"].to_numpy()})
    return con


def swap_ledger(lp: LinearProgram, md, v: dict[str, VarBlock], s: SwapSetup) -> ConBlock:
    r"""Outstanding balance: :math:`O_{aod} = O_{ao,d-1} + \ell_{aod} - r_{aod}`, with
    :math:`O \ge 0` (nothing is repaid before it is lent) as its bound."""
    con = _running_total(lp, "swap_ledger", v["swap_owed"], s)
    con.add_on(v["swap_lend"], -1.0, rows=v["swap_lend"].index)
    con.add_on(v["swap_repay"], 1.0, rows=v["swap_repay"].index)
    return con


def swap_lent_to_date(lp: LinearProgram, md, v: dict[str, VarBlock], s: SwapSetup
                      ) -> ConBlock:
    r"""Energy lent to date: :math:`C_{aod} = C_{ao,d-1} + \ell_{aod}`."""
    con = _running_total(lp, "swap_lent_to_date", v["swap_lent_sum"], s)
    con.add_on(v["swap_lend"], -1.0, rows=v["swap_lend"].index)
    return con


def _running_total(lp: LinearProgram, name: str, total: VarBlock, s: SwapSetup) -> ConBlock:
    """Equality rows `total_d - total_{d-1} = ...` over the ledger (agreement, direction,
    day); the caller adds the day's flows."""
    con = lp.con(name, s.ledger[["agreement", "lender", "borrower", "day"]], lo=0.0, hi=0.0)
    con.add_on(total, 1.0, rows=total.index)
    con.add_on(total, -1.0, rows=shifted(total.index, day=1), missing="drop")
    return con


def window_index(md, s: SwapSetup) -> pd.DataFrame:
    """Rows of the repayment-window family: (agreement, direction, candidate window, day)."""
    D = md.cal.n
    parts = []
    for a, ag in enumerate(s.agreements):
        for o, (lender, borrower) in enumerate(orientations(ag)):
            for w in s.windows[a]:
                if w >= D:
                    continue
                days = np.arange(w, D)
                parts.append(pd.DataFrame({"a": a, "o": o, "agreement": ag.name,
                                           "lender": lender, "borrower": borrower,
                                           "window": w, "day": days}))
    cols = ["a", "o", "agreement", "lender", "borrower", "window", "day"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def swap_window(lp: LinearProgram, md, v: dict[str, VarBlock], s: SwapSetup) -> ConBlock:
    r"""Loans older than the window are repaid (first in, first out):
    :math:`O_{aod} \le C_{aod} - C_{ao,d-W}`, one row set per candidate window W; only the
    agreement's own window is switched on (upper bound 0, the others +inf)."""
    idx = window_index(md, s)
    con = lp.con("swap_window", idx[["agreement", "lender", "borrower", "window", "day"]],
                 hi=INF)
    if len(idx):
        now = idx[["agreement", "lender", "borrower", "day"]]
        con.add_on(v["swap_owed"], 1.0, cols=now)
        con.add_on(v["swap_lent_sum"], -1.0, cols=now)
        con.add_on(v["swap_lent_sum"], 1.0, cols=shifted(now, day=-idx["window"].to_numpy()))
    s.timings["window_rows"] = int(len(idx))
    return con


def year_index(md, s: SwapSetup) -> pd.DataFrame:
    """Rows of the yearly cap: (agreement, year), years being 365-day blocks of the horizon."""
    years = int(np.ceil(md.cal.n / 365))
    return pd.DataFrame({"agreement": np.repeat([ag.name for ag in s.agreements], years),
                         "year": np.tile(np.arange(years), len(s.agreements))})


def swap_year_cap(lp: LinearProgram, md, v: dict[str, VarBlock], s: SwapSetup) -> ConBlock:
    r"""Loans per agreement year: :math:`\sum_{o, d \in y} \ell_{aod} \le N_a V`."""
    idx = year_index(md, s)
    con = lp.con("swap_year_cap", idx, hi=INF)
    led = s.ledger
    con.add_on(v["swap_lend"], 1.0, rows={"agreement": led["agreement"].to_numpy(),
                                          "year": led["day"].to_numpy() // 365})
    return con


def swap_lender_floor(lp: LinearProgram, md, v: dict[str, VarBlock], s: SwapSetup
                      ) -> ConBlock:
    r"""A party never lends below its strategic floor: its stock below the floor is never more
    than without the agreement, or than the share it may give up,
    :math:`\sum_{n \in L} b_{nd} \le \max(b^{iso}_{Ld}, (1 - \phi) L_L)`. (Lending below the
    floor is an either-or condition; comparing with the isolated plan keeps it linear and
    exact whenever the lender holds its floor on its own.) Under `foresight: surprise` the
    rows start on the first event day: earlier days follow the plan without events, which
    was built under the same guard."""
    D = md.cal.n
    G = len(s.guard)
    idx = pd.DataFrame({"party": np.repeat(s.guard["party"].to_numpy(), D),
                        "day": np.tile(np.arange(D), G)})
    con = lp.con("swap_lender_floor", idx, hi=INF)
    bf = v["below_floor"].index
    party = md.nodes["party"].to_numpy()[bf["node"].to_numpy()]
    mine = np.flatnonzero(np.isin(party, s.guard["party"].to_numpy()))
    con.add_on(v["below_floor"], 1.0, cols=mine,
               rows={"party": party[mine], "day": bf["day"].to_numpy()[mine]})
    return con


def swap_accounts(md, s: SwapSetup, acc: Accounts, agreements: list[SwapAgreement]) -> None:
    """Fees (borrower pays, lender receives) and balances open at the horizon end (borrower
    owes, lender is due, at the end-stock value) as party account terms."""
    led = s.ledger
    ppos = {p: i for i, p in enumerate(acc.parties)}
    lender = np.array([ppos.get(p, -1) for p in led["lender"]], dtype=np.int64)
    borrower = np.array([ppos.get(p, -1) for p in led["borrower"]], dtype=np.int64)
    fee = np.array([agreements[a].fee_usd_per_mmbtu for a in led["a"]], dtype=float)
    rows = np.arange(len(led))
    acc.add("fees_paid_usd", "swap_lend", borrower, rows, fee)
    acc.add("fees_received_usd", "swap_lend", lender, rows, fee)
    last = rows[led["day"].to_numpy() == md.cal.n - 1]
    value = md.case.economics.end_stock_value_usd_per_mmbtu
    acc.add("open_balance_owed_usd", "swap_owed", borrower[last], last, value)
    acc.add("open_balance_due_usd", "swap_owed", lender[last], last, value)


def mutual_parties(s: SwapSetup) -> list[str]:
    """The parties to the agreements, whose costs the mutual-benefit rows bound."""
    return sorted({p for ag in s.agreements for p in ag.parties})


def swap_mutual_benefit(lp: LinearProgram, md, v: dict[str, VarBlock], s: SwapSetup
                        ) -> ConBlock:
    r"""No party to an agreement pays more than on its own:
    :math:`\text{cost}_P(x) \le \text{cost}^{iso}_P`, with resales credited at the isolated
    plan's rest-of-world values so that the isolated plan itself meets every bound. The fee
    terms are set by `term_arrays` (they change with the fee)."""
    parties = mutual_parties(s)
    con = lp.con("swap_mutual_benefit", pd.DataFrame({"party": parties}), hi=INF)
    acc = core_accounts(md, lp.vars, s.reference.row_price)
    swap_accounts(md, s, acc, [ag.model_copy(update={"fee_usd_per_mmbtu": 0.0})
                               for ag in s.agreements])
    for block, rows, cols, coefs in acc.total_terms(parties):
        con.add(v[block], rows, cols, coefs)
    return con


# --- terms ---------------------------------------------------------------------------------

@dataclass
class TermArrays:
    """The LP entries an agreement's terms decide (bounds, costs, row bounds, coefficients)."""

    col_ub: dict[str, np.ndarray]
    col_cost: dict[str, np.ndarray]
    row_hi: dict[str, np.ndarray]
    coefs: list[tuple[str, np.ndarray, str, np.ndarray, np.ndarray]]  # con, rows, var, cols, v


def active_days(md, ag: SwapAgreement) -> np.ndarray:
    """Days of the horizon on which the agreement accepts new loans."""
    if ag.active is None:
        return np.ones(md.cal.n, dtype=bool)
    day = np.arange(md.cal.n)
    return (day >= md.cal.day(ag.active.start)) & (day <= md.cal.day(ag.active.end))


def term_arrays(md, s: SwapSetup, agreements: list[SwapAgreement], mutual_benefit: bool
                ) -> TermArrays:
    """Bounds, costs, row bounds and coefficients of the ledger for a set of terms (one
    agreement per agreement of the built model, same names and parties)."""
    led, V = s.ledger, s.cargo_tbtu
    a, o, day = (led[k].to_numpy() for k in ("a", "o", "day"))
    n = len(led)
    lend_ub, repay_ub, owed_ub, fee = (np.zeros(n) for _ in range(4))
    for i, ag in enumerate(agreements):
        act = active_days(md, ag)
        fee[a == i] = ag.fee_usd_per_mmbtu
        for k, (lender, borrower) in enumerate(orientations(ag)):
            m = (a == i) & (o == k)
            if ag.lends(lender, borrower) and ag.max_outstanding_cargoes > 0:
                lend_ub[m] = np.where(act[day[m]], INF, 0.0)
                repay_ub[m] = INF
                owed_ub[m] = ag.max_outstanding_cargoes * V
    wi = window_index(md, s)
    want = np.array([agreements[k].repay_within_days for k in wi["a"].to_numpy(np.int64)])
    window_hi = np.where(wi["window"].to_numpy() == want, 0.0, INF) if len(wi) else np.zeros(0)
    yi = year_index(md, s)
    cap = {ag.name: ag.max_cargoes for ag in agreements}
    year_hi = np.array([INF if cap[nm] is None else cap[nm] * V for nm in yi["agreement"]])
    t = TermArrays(col_ub={"swap_lend": lend_ub, "swap_repay": repay_ub, "swap_owed": owed_ub},
                   col_cost={"swap_lend": fee.copy()},
                   row_hi={"swap_window": window_hi, "swap_year_cap": year_hi}, coefs=[])
    if s.reference is not None and len(s.guard):
        t.row_hi["swap_lender_floor"] = guard_bounds(md, s, agreements)
    if s.reference is not None and s.mutual_rows:
        parties = mutual_parties(s)
        iso = s.reference.accounts.set_index("party")["total_cost_usd"]
        bound = np.array([iso.get(p, 0.0) / MM for p in parties])
        t.row_hi["swap_mutual_benefit"] = (bound + COST_SLACK * np.abs(bound) + 1e-6
                                           if mutual_benefit else np.full(len(parties), INF))
        ppos = {p: i for i, p in enumerate(parties)}
        rows = np.arange(n)
        for col, sign in (("borrower", 1.0), ("lender", -1.0)):
            pr = np.array([ppos[p] for p in led[col]], dtype=np.int64)
            t.coefs.append(("swap_mutual_benefit", pr, "swap_lend", rows, sign * fee))
    return t


def guard_bounds(md, s: SwapSetup, agreements: list[SwapAgreement]) -> np.ndarray:
    """Upper bounds of the lender-floor rows: the isolated drawdown, or the share of the floor
    a lender may give up, whichever is larger; no bound for a party that cannot lend."""
    D = md.cal.n
    out = []
    for party, floor in zip(s.guard["party"], s.guard["floor"], strict=True):
        keep = [ag.lender_min_stock_share for ag in agreements
                if ag.max_outstanding_cargoes > 0
                and any(ag.lends(party, other) for other in ag.parties if other != party)]
        phi = max(keep, default=0.0)
        if phi <= 0:
            out.append(np.full(D, INF))
            continue
        iso = s.reference.below_floor.get(party, np.zeros(D))
        hi = np.maximum(iso, (1.0 - phi) * floor) + BOUND_SLACK
        hi[:surprise_day(md.case, md.cal)] = INF  # before a surprise: the plan's decisions
        out.append(hi)
    return np.concatenate(out)


def set_terms(lp: LinearProgram, t: TermArrays) -> None:
    """Write term arrays into the LP blocks before assembly."""
    for name, ub in t.col_ub.items():
        lp.vars[name].ub = ub.copy()
    for name, cost in t.col_cost.items():
        lp.vars[name].cost = cost.copy()
    for name, hi in t.row_hi.items():
        if name in lp.cons:
            lp.cons[name].hi = hi.copy()
    for con, rows, var, cols, vals in t.coefs:
        if con in lp.cons:
            lp.cons[con].add(lp.vars[var], rows, cols, vals)


# --- results -------------------------------------------------------------------------------

def accounts_of(md, lp: LinearProgram, out, agreements: list[SwapAgreement] | None = None
                ) -> pd.DataFrame:
    """The parties table of a solution: resales at the isolated plan's rest-of-world values
    when the run has a reference, else at the run's own."""
    s: SwapSetup | None = md.extras.get("swaps")
    ref = s.reference if s is not None else None
    price = ref.row_price if ref is not None else row_prices(md, lp, out)
    acc = core_accounts(md, lp.vars, price)
    if s is not None:
        swap_accounts(md, s, acc, agreements or s.agreements)
    table = acc.evaluate(block_values(lp, out))
    for c in table.columns[1:]:
        table[c] = table[c].round(2)
    return table


def ledger_table(md, lp: LinearProgram, out, agreements: list[SwapAgreement] | None = None
                 ) -> pd.DataFrame:
    """swaps.csv: one row per agreement, day and cargo lent or repaid, plus one `open-balance`
    row per direction with a balance open at the horizon end."""
    s: SwapSetup | None = md.extras.get("swaps")
    if s is None:
        return pd.DataFrame(columns=LEDGER_COLUMNS)
    ags = agreements or s.agreements
    vals = block_values(lp, out)
    led = s.ledger.copy()
    led["lend"], led["repay"], led["owed"] = (vals[k] for k in ("swap_lend", "swap_repay",
                                                                 "swap_owed"))
    arcs = md.arcs
    x = vals["ship"]
    sw = (arcs["lender"] != "").to_numpy() & (x > EPS)
    fl = pd.DataFrame({
        "from": arcs["lender"].to_numpy()[sw], "to": arcs["borrower"].to_numpy()[sw],
        "day": arcs["arrival_day"].to_numpy()[sw],
        "cargo_id": md.cargo["cargo_id"].to_numpy()[arcs["cargo"].to_numpy()[sw]],
        "energy": (md.cargo["volume_tbtu"].to_numpy()[arcs["cargo"].to_numpy()[sw]]
                   * arcs["delivered_share"].to_numpy()[sw] * x[sw])})
    fl["total"] = fl.groupby(["from", "to", "day"])["energy"].transform("sum")
    parts = []
    for what, frm, to in (("lend", "lender", "borrower"), ("repay", "borrower", "lender")):
        m = led[led[what] > EPS]
        j = m.merge(fl, left_on=[frm, to, "day"], right_on=["from", "to", "day"], how="inner")
        amount = j["energy"] / j["total"] * j[what]
        parts.append(pd.DataFrame({
            "a": j["a"], "agreement": j["agreement"], "day": j["day"], "lender": j["lender"],
            "borrower": j["borrower"], "cargo_id": j["cargo_id"],
            "lent_mmbtu": amount * MM if what == "lend" else 0.0,
            "repaid_mmbtu": amount * MM if what == "repay" else 0.0,
            "outstanding_mmbtu": j["owed"] * MM}))
    end = led[(led["day"] == md.cal.n - 1) & (led["owed"] > EPS)]
    parts.append(pd.DataFrame({
        "a": end["a"], "agreement": end["agreement"], "day": end["day"],
        "lender": end["lender"], "borrower": end["borrower"], "cargo_id": "open-balance",
        "lent_mmbtu": 0.0, "repaid_mmbtu": 0.0, "outstanding_mmbtu": end["owed"] * MM}))
    t = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(
        len(p) for p in parts) else pd.DataFrame(columns=["a", "day", *LEDGER_COLUMNS])
    if not len(t):
        return pd.DataFrame(columns=LEDGER_COLUMNS)
    keys = ["a", "agreement", "day", "lender", "borrower", "cargo_id"]
    t = t.groupby(keys, as_index=False, sort=False).agg(
        lent_mmbtu=("lent_mmbtu", "sum"), repaid_mmbtu=("repaid_mmbtu", "sum"),
        outstanding_mmbtu=("outstanding_mmbtu", "max"))
    fee = np.array([ags[int(k)].fee_usd_per_mmbtu for k in t["a"]], dtype=float)
    t["fee_usd"] = (t["lent_mmbtu"] * fee).round(2)
    t["date"] = md.cal.date_of(t["day"].to_numpy(np.int64))
    t["open"] = t["cargo_id"] == "open-balance"
    t = t.sort_values(["agreement", "day", "open", "lender", "borrower", "cargo_id"],
                      kind="stable")
    for c in ("lent_mmbtu", "repaid_mmbtu", "outstanding_mmbtu"):
        t[c] = t[c].clip(lower=0.0).round(3) + 0.0  # no -0.0 from solver noise
    return t[LEDGER_COLUMNS].reset_index(drop=True)


def ledger_summary(md, lp: LinearProgram, out, agreements: list[SwapAgreement] | None = None
                   ) -> list[dict]:
    """Per agreement and direction: energy lent and repaid, cargoes lent, peak and open
    balance (with its value at the end-stock value), fees."""
    s: SwapSetup | None = md.extras.get("swaps")
    if s is None:
        return []
    ags = agreements or s.agreements
    vals = block_values(lp, out)
    led = s.ledger.assign(lend=vals["swap_lend"], repay=vals["swap_repay"],
                          owed=vals["swap_owed"])
    V, value = s.cargo_tbtu, md.case.economics.end_stock_value_usd_per_mmbtu
    rows = []
    for (a, _o), g in led.groupby(["a", "o"], sort=True):
        ag = ags[int(a)]
        lent = float(g["lend"].sum())
        open_bal = float(g["owed"].iloc[-1])
        lent_days = g.loc[g["lend"] > EPS, "day"]
        rows.append({
            "agreement": ag.name, "lender": g["lender"].iat[0], "borrower": g["borrower"].iat[0],
            "lent_mmbtu": round(lent * MM, 0), "repaid_mmbtu": round(float(g["repay"].sum())
                                                                     * MM, 0),
            "cargoes_lent": round(lent / V, 3) if V else 0.0,
            "peak_outstanding_mmbtu": round(max(float(g["owed"].max()), 0.0) * MM, 0),
            "peak_outstanding_cargoes": (round(max(float(g["owed"].max()), 0.0) / V, 3)
                                         if V else 0.0),
            "open_balance_mmbtu": round(open_bal * MM, 0),
            "open_balance_value_usd": round(open_bal * MM * value, 2),
            "fees_usd": round(lent * MM * ag.fee_usd_per_mmbtu, 2),
            "first_loan": (str(md.cal.date_of(np.array([lent_days.min()]))[0])
                           if len(lent_days) else ""),
        })
    return rows


def gain_split(accounts: pd.DataFrame, ref: Reference, parties: list[str]) -> dict:
    """Each party's cost against the isolated plan, and its share of the joint gain."""
    iso = ref.accounts.set_index("party")["total_cost_usd"]
    now = accounts.set_index("party")["total_cost_usd"]
    gains = {p: float(iso.get(p, 0.0) - now.get(p, 0.0)) for p in parties}
    total = sum(gains.values())
    return {"parties": {p: {"isolated_cost_usd": round(float(iso.get(p, 0.0)), 2),
                            "cost_usd": round(float(now.get(p, 0.0)), 2),
                            "gain_usd": round(g, 2),
                            "share_of_gain": round(g / total, 4) if abs(total) > 1 else None}
                        for p, g in gains.items()},
            "joint_gain_usd": round(total, 2)}


def extract(built, outcome, results) -> None:
    """Add parties.csv (every run) and swaps.csv (the ledger) with their summary figures."""
    md, lp = built.md, built.lp
    accounts = accounts_of(md, lp, outcome)
    results.tables["parties"] = accounts
    results.tables["swaps"] = ledger_table(md, lp, outcome)
    s: SwapSetup | None = md.extras.get("swaps")
    summ = results.summary
    summ["parties"] = {
        "total_cost_usd": {p: float(c) for p, c in zip(accounts["party"],
                                                       accounts["total_cost_usd"], strict=True)},
        "resale_price_basis": ("isolated" if s is not None and s.reference is not None
                               else "own"),
        # the objective less the fees received less the parties' totals: costs no party bears
        "unattributed_usd": round(float(outcome.objective) * MM
                                  - float(accounts["fees_received_usd"].sum())
                                  - float(accounts["total_cost_usd"].sum()), 2),
    }
    if md.case.swaps:
        info: dict = {"in_force": s is not None,
                      "agreements": [ag.name for ag in md.case.swaps]}
        if s is not None:
            info["ledger"] = ledger_summary(md, lp, outcome)
            info["fees_usd"] = round(sum(r["fees_usd"] for r in info["ledger"]), 2)
            info["open_balance_value_usd"] = round(
                sum(r["open_balance_value_usd"] for r in info["ledger"]), 2)
            info["timings_s"] = dict(s.timings)
            if s.reference is not None:
                split = gain_split(accounts, s.reference, mutual_parties(s))
                split["note"] = ("split of the plan found: other cheapest plans share the "
                                 "same joint gain differently (lngswap swap-terms reports the "
                                 "split that maximises the smaller gain)")
                info["gain_vs_isolated"] = split
                info["isolated_objective_usd"] = round(s.reference.objective_usd, 2)
                info["mutual_benefit"] = {
                    "required": bool(md.case.require_mutual_benefit),
                    "holds": all(v["gain_usd"] >= -(1e-8 * abs(v["isolated_cost_usd"]) + 10.0)
                                 for v in split["parties"].values())}
        summ["swaps"] = info
