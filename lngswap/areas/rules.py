r"""Compliance rules compiled into the LP, and what each one blocks and costs.

A rule covers a leg (a cargo sent to an import node) when the cargo's origin matches, its
contract term is covered, the leg's date (arrival for import rules, loading for purchase
rules) lies inside the rule's dates, and an adhering party is concerned: the destination's
party for import rules (`ban`, `volume_cap`), the buyer or the destination's party for
`sanctioned_entity` and `price_cap` (the buyer is the contract owner, or the destination's
party for a spot cargo). A `price_cap` covers only cargoes priced above the cap in force on
the load date.

How each kind enters the LP (no arc is deleted; each stays, with its bound):

- `ban`, `sanctioned_entity`, `price_cap`: the arcs they cover get an upper bound of zero,
  :math:`x_a \le 0`. Their shadow cost comes from reduced costs (see `extract`).
- `volume_cap`: one row per (rule, period), family `rule_volume_cap` (see its docstring).
- `transshipment_ban`: the model has no reload legs (a cargo sails from its loading port to
  one import node), so nothing in the LP can break it: `compliance.csv` lists it with
  `enforced_in` = audit, and `lngswap check` finds any schedule leg that reloads a cargo.
  Reload arcs are left out on purpose: they need routes from import terminals onward
  (`routes.csv` holds loading port x terminal only), and with one fleet at one charter rate
  a call at a hub then an onward voyage never beats the direct voyage, so the optimum would
  never use them; their real motive (Arc7 ice-class shuttles from Sabetta to Zeebrugge or
  Montoir) needs an ice-class fleet the dataset does not have.

Dates: import bans and volume caps test the arrival date (the EU bans imports: a cargo loaded
before 2027-01-01 and arriving after it is banned); sanctions and price caps test the load date
(the purchase). A rule may set `date_basis` and `party_basis` to choose otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from lngswap.inputs.rules_schema import (
    DEFAULT_DATE_BASIS,
    DEFAULT_PARTY_BASIS,
    LoadedRule,
    PriceCapRule,
    VolumeCapRule,
    load_rule_set,
    resolve_files,
)
from lngswap.tables.supply import SPOT
from lngswap.units import MMBTU_PER_TBTU, mt_to_tbtu

MM = MMBTU_PER_TBTU  # and USD per million USD (units.USD_PER_MUSD)
#: A rule binds a cargo when lifting it would gain more than this per MMBtu (USD/MMBtu).
BINDING_TOL_USD_PER_MMBTU = 1e-5
POLICY_LABEL = "policy option (not law)"


# --- which legs a rule covers -------------------------------------------------------------

@dataclass
class Legs:
    """Cargo legs to test: cargo facts, node facts, and per leg the cargo and node rows and
    the load and arrival dates (datetime64[D])."""

    cargo: pd.DataFrame  # source, country, tags, term, owner, price_usd_per_mmbtu
    nodes: pd.DataFrame  # terminal, country, market, party
    c: np.ndarray
    n: np.ndarray
    load: np.ndarray
    arrival: np.ndarray


def _has_any(values: pd.Series, wanted: list[str], lower: bool = False) -> np.ndarray:
    """True where a `;`-separated field holds any wanted item."""
    if not wanted:
        return np.zeros(len(values), dtype=bool)
    want = {w.lower() if lower else w for w in wanted}
    items = values.fillna("").astype(str)
    if lower:
        items = items.str.lower()
    return items.str.split(";").map(lambda xs: any(x.strip() in want for x in xs)).to_numpy(
        dtype=bool)


def origin_mask(rule, cargo: pd.DataFrame) -> np.ndarray:
    """Cargoes whose origin and contract term the rule covers."""
    o = rule.origin
    m = cargo["source"].isin(o.sources).to_numpy()
    m = m | _has_any(cargo["country"], o.countries, lower=True)
    m = m | _has_any(cargo["tags"], o.tags)
    if rule.terms:
        m = m & cargo["term"].isin(rule.terms).to_numpy()
    return m


def node_mask(lr: LoadedRule, nodes: pd.DataFrame) -> np.ndarray:
    """Nodes of an adhering party that the rule's destination set covers."""
    m = nodes["party"].isin(lr.adherents).to_numpy()
    d = lr.rule.destination
    if d is not None:
        m = m & (nodes["terminal"].isin(d.terminals).to_numpy()
              | nodes["market"].isin(d.markets).to_numpy()
              | nodes["party"].isin(d.parties).to_numpy()
              | _has_any(nodes["country"], d.countries, lower=True))
    return m


def _in_dates(when: np.ndarray, start: date, end: date | None) -> np.ndarray:
    """True where a date lies in [start, end] (end None: open)."""
    m = when >= np.datetime64(start, "D")
    if end is not None:
        m = m & (when <= np.datetime64(end, "D"))
    return m


def leg_dates(rule, legs: Legs) -> np.ndarray:
    """The date of each leg the rule tests (arrival or loading)."""
    basis = rule.date_basis or DEFAULT_DATE_BASIS[rule.kind]
    return legs.arrival if basis == "arrival" else legs.load


def cap_level(lr: LoadedRule, when: np.ndarray) -> np.ndarray:
    """The price cap (USD/MMBtu) in force on each date; NaN where the timeline has none."""
    out = np.full(len(when), np.nan)
    steps = lr.rule.caps
    for k, st in enumerate(steps):
        end = st.to
        if end is None and k + 1 < len(steps):
            end = steps[k + 1].from_ - timedelta(days=1)
        level = st.usd_per_mmbtu if st.usd_per_mmbtu is not None else st.usd_per_bbl / lr.parity
        out[_in_dates(when, st.from_, end)] = level
    return out


def match(lr: LoadedRule, legs: Legs) -> np.ndarray:
    """Legs the rule covers (for a price cap: only those priced above the cap)."""
    rule = lr.rule
    when = leg_dates(rule, legs)
    m = origin_mask(rule, legs.cargo)[legs.c] & _in_dates(when, rule.from_, rule.to)
    dest = node_mask(lr, legs.nodes)[legs.n]
    basis = rule.party_basis or DEFAULT_PARTY_BASIS[rule.kind]
    if basis != "destination":
        owner = legs.cargo["owner"].to_numpy()[legs.c]
        party = legs.nodes["party"].to_numpy()[legs.n]
        buyer = np.isin(np.where(owner == SPOT, party, owner), lr.adherents)
        dest = buyer if basis == "buyer" else dest | buyer
    m = m & dest
    if rule.kind == "price_cap":
        cap = cap_level(lr, when)
        price = legs.cargo["price_usd_per_mmbtu"].to_numpy(dtype=float)[legs.c]
        m = m & ~np.isnan(cap) & (price > np.nan_to_num(cap, nan=np.inf) + 1e-9)
    return m


def arc_legs(md) -> Legs:
    """The model's arcs as legs."""
    base = np.datetime64(md.cal.start, "D")
    a = md.arcs
    return Legs(cargo=md.cargo, nodes=md.nodes, c=a["cargo"].to_numpy(), n=a["node"].to_numpy(),
                load=base + a["load_day"].to_numpy().astype("timedelta64[D]"),
                arrival=base + a["arrival_day"].to_numpy().astype("timedelta64[D]"))


def at_sea_legs(md) -> tuple[Legs, np.ndarray]:
    """Cargoes already at sea at the start as legs, with their delivered energy (TBtu)."""
    legs = md.at_sea_legs
    base = np.datetime64(md.cal.start, "D")
    if legs.empty:
        e = np.zeros(0, dtype=np.int64)
        return Legs(md.cargo.iloc[:0], md.nodes, e, e, e.astype("datetime64[D]"),
                    e.astype("datetime64[D]")), np.zeros(0)
    info = md.extras["presea_cargo"]  # one row per leg at sea, in the order of md.at_sea_legs
    delivered = legs["volume_tbtu"].to_numpy() * info["delivered_share"].to_numpy(dtype=float)
    return Legs(cargo=info, nodes=md.nodes, c=np.arange(len(info)), n=legs["node"].to_numpy(),
                load=base + info["load_day"].to_numpy().astype("timedelta64[D]"),
                arrival=base + legs["arrival_day"].to_numpy().astype("timedelta64[D]")), delivered


# --- compiling into the LP ----------------------------------------------------------------

@dataclass
class Compiled:
    """What the rules put into the LP: closed arcs per rule and the volume-cap rows."""

    rules: list[LoadedRule]
    files: list[Path]
    closed: dict[str, np.ndarray] = field(default_factory=dict)   # rule id -> arc rows
    capped: dict[str, np.ndarray] = field(default_factory=dict)   # rule id -> arc rows (S)
    cap_rows: pd.DataFrame = field(default_factory=pd.DataFrame)  # rule, period, hi
    cap_terms: tuple = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))


def period_labels(per: str, when: np.ndarray) -> np.ndarray:
    """Period label of each date: YYYY-MM, YYYY or 'horizon'."""
    if per == "horizon":
        return np.full(len(when), "horizon", dtype=object)
    unit = "M" if per == "month" else "Y"
    return np.datetime_as_string(when.astype(f"datetime64[{unit}]"), unit=unit).astype(object)


def period_share(per: str, label: str, rule, cal) -> float:
    """Share of a period's days (inside the rule's dates) that the horizon covers: the factor
    on an absolute cap for a period the horizon cuts."""
    if per == "horizon":
        return 1.0
    start = pd.Timestamp(label + ("-01" if per == "month" else "-01-01"))
    end = start + (pd.offsets.MonthEnd(0) if per == "month" else pd.offsets.YearEnd(0))
    lo = max(start, pd.Timestamp(rule.from_))
    hi = min(end, pd.Timestamp(rule.to)) if rule.to else end
    full = (hi - lo).days + 1
    hlo = max(lo, pd.Timestamp(cal.start))
    hhi = min(hi, pd.Timestamp(cal.start) + pd.Timedelta(days=cal.n - 1))
    inside = max((hhi - hlo).days + 1, 0)
    return inside / full if full > 0 else 0.0


def _compile_caps(md, comp: Compiled, legs: Legs) -> None:
    """Rows of `rule_volume_cap`: coefficients per arc and the right-hand side per period."""
    vol = md.cargo["volume_tbtu"].to_numpy()[legs.c] * md.arcs["delivered_share"].to_numpy()
    sea, sea_tbtu = at_sea_legs(md)
    rows, cols, coefs, index = [], [], [], []
    for lr in comp.rules:
        rule = lr.rule
        if not (lr.on and isinstance(rule, VolumeCapRule)):
            continue
        s_arc = match(lr, legs)
        s_sea = match(lr, sea) if len(sea.c) else np.zeros(0, dtype=bool)
        comp.capped[rule.id] = np.flatnonzero(s_arc)
        when, when_sea = leg_dates(rule, legs), leg_dates(rule, sea)
        per_arc, per_sea = period_labels(rule.per, when), period_labels(rule.per, when_sea)
        if rule.max_share is not None:
            d_arc = node_mask(lr, legs.nodes)[legs.n] & _in_dates(when, rule.from_, rule.to)
            d_sea = (node_mask(lr, sea.nodes)[sea.n] & _in_dates(when_sea, rule.from_,
                                                                 rule.to)
                     if len(sea.c) else np.zeros(0, dtype=bool))
        for label in sorted(set(per_arc[s_arc])):
            r = len(index)
            in_p, in_p_sea = per_arc == label, per_sea == label
            fixed_s = float(sea_tbtu[s_sea & in_p_sea].sum())
            if rule.max_share is not None:
                sh = rule.max_share
                a = np.flatnonzero(d_arc & in_p)
                c = np.where(s_arc[a], (1.0 - sh) * vol[a], -sh * vol[a])
                hi = sh * float(sea_tbtu[d_sea & in_p_sea].sum()) - fixed_s
            else:
                a = np.flatnonzero(s_arc & in_p)
                c = vol[a]
                cap = (rule.max_mmbtu / MM if rule.max_mmbtu is not None
                       else mt_to_tbtu(rule.max_mt))
                hi = cap * period_share(rule.per, label, rule, md.cal) - fixed_s
            rows.append(np.full(len(a), r))
            cols.append(a)
            coefs.append(c)
            index.append((rule.id, label, max(hi, 0.0)))
    comp.cap_rows = pd.DataFrame(index, columns=["rule", "period", "hi"])
    if index:
        comp.cap_terms = (np.concatenate(rows), np.concatenate(cols), np.concatenate(coefs))


NAME = "rules"


def references(case) -> tuple[str, ...]:
    """Solves of other models this area needs as inputs: none."""
    return ()


def prepare(md, ds, inputs=None) -> None:
    """Load the case's rules, find the arcs each covers, and register the LP hook."""
    rules = load_rule_set(md.case, ds)
    comp = Compiled(rules=rules, files=resolve_files(md.case, ds.folder))
    legs = arc_legs(md)
    for lr in rules:
        if lr.on and lr.kind in ("ban", "sanctioned_entity", "price_cap"):
            comp.closed[lr.id] = np.flatnonzero(match(lr, legs))
    _compile_caps(md, comp, legs)
    md.extras["rules"] = comp

    def hook(lp, md_, v) -> None:
        rule_bounds(lp, md_, v, comp)
        if len(comp.cap_rows):
            rule_volume_cap(lp, md_, v, comp)

    md.extras.setdefault("lp_hooks", []).append(hook)


def rule_bounds(lp, md, v, comp: Compiled) -> None:
    r"""Bans, sanctions and price caps as bounds: :math:`x_a \le 0` for every arc a that a rule
    switched on covers (the arc stays in the LP; its reduced cost prices the rule)."""
    for arcs in comp.closed.values():
        v["ship"].ub[arcs] = 0.0


def rule_volume_cap(lp, md, v, comp: Compiled):
    r"""Volume caps, one row per (rule r, period p) with covered arcs :math:`S_{rp}`:

    .. math::

        \sum_{a \in S_{rp}} \delta_a V_c x_a \le \bar Q_{rp} - F^S_{rp}

    for an absolute cap :math:`\bar Q` (pro rata for a period the horizon cuts), and for a
    cap at share :math:`\sigma` of the covered nodes' imports :math:`D_{rp} \supseteq S_{rp}`:

    .. math::

        \sum_{a \in S_{rp}} \delta_a V_c x_a - \sigma \sum_{a \in D_{rp}} \delta_a V_c x_a
        \le \sigma F^D_{rp} - F^S_{rp}

    F: deliveries already at sea at the start; a right-hand side below zero is raised to zero.
    The dual (USD/MMBtu) is what one more MMBtu under the cap would save."""
    cr = comp.cap_rows
    con = lp.con("rule_volume_cap", cr[["rule", "period"]], hi=cr["hi"].to_numpy())
    rows, cols, coefs = comp.cap_terms
    con.add(v["ship"], rows, cols, coefs)
    return con


# --- results: status, what was blocked, shadow cost ---------------------------------------

def _rule_gain(d_core: np.ndarray, arcs: np.ndarray, arc_cargo: np.ndarray, n_cargo: int
               ) -> np.ndarray:
    """Per cargo, the largest saving (million USD per cargo share) one more share sent on a
    covered arc would bring at the optimum's prices: max over its covered arcs of -d_a."""
    g = np.zeros(n_cargo)
    if len(arcs):
        np.maximum.at(g, arc_cargo[arcs], np.maximum(-d_core[arcs], 0.0))
    return g


def _cargo_figures(md, x: np.ndarray, d_core: np.ndarray, arcs: np.ndarray) -> dict:
    """Blocked cargoes, volume held back and the first-order cost for one set of arcs."""
    cargo = md.cargo
    ca = md.arcs["cargo"].to_numpy()
    vol = cargo["volume_tbtu"].to_numpy()
    gain = _rule_gain(d_core, arcs, ca, len(cargo))
    sent = np.zeros(len(cargo))
    np.add.at(sent, ca[arcs], x[arcs])
    held = np.maximum(cargo["avail"].to_numpy() - sent, 0.0)
    per_mmbtu = np.divide(gain, vol, out=np.zeros_like(gain), where=vol > 0)
    blocked = (per_mmbtu > BINDING_TOL_USD_PER_MMBTU) & (held > 1e-9)
    in_scope = np.zeros(len(cargo), dtype=bool)
    in_scope[ca[arcs]] = True
    return {
        "cargoes_in_scope": int(in_scope.sum()),
        "blocked_cargoes": int(blocked.sum()),
        "blocked_mmbtu": float((held * vol)[blocked].sum() * MM),
        "shadow_price_usd_per_mmbtu": float(per_mmbtu[blocked].max()) if blocked.any() else 0.0,
        "shadow_cost_usd": float((gain * held)[blocked].sum() * MM),
    }


def _label(rule) -> str:
    return POLICY_LABEL if rule.basis == "policy_option" else "law"


def extract(built, outcome, results) -> None:
    r"""Add `compliance.csv` (one row per rule) and the cost of compliance to the summary.

    Shadow cost of a rule: at the optimum's prices (duals), the reduced cost of each covered
    arc without the rule's own rows, :math:`d_a`; per cargo the best saving
    :math:`G_c = \max_a (-d_a)^+`; summed over cargoes times the share the rule holds back.
    For bounds (bans, sanctions, price caps) this is an upper bound on what lifting the rule
    alone would save (Lagrangian bound); for a volume cap, a first-order estimate, and its
    dual is the shadow price per MMBtu. Blocked cargoes: those with a saving above
    BINDING_TOL_USD_PER_MMBTU per MMBtu and a share held back."""
    md, lp, form = built.md, built.lp, built.form
    comp: Compiled | None = md.extras.get("rules")
    if comp is None:
        return
    y = outcome.row_dual
    d = form.cost - form.a.T @ y
    ship = lp.column("ship")
    d_ship = d[ship]
    x = outcome.x[ship]
    cap_dual = y[lp.row("rule_volume_cap")] if "rule_volume_cap" in lp.cons else np.zeros(0)
    rows_t, cols_t, coefs_t = comp.cap_terms
    cr = comp.cap_rows
    d_all = d_ship.copy()
    if len(rows_t):
        np.add.at(d_all, cols_t, coefs_t * cap_dual[rows_t])
    records = []
    union = []
    for lr in comp.rules:
        rule = lr.rule
        rec = {"rule_id": rule.id, "kind": rule.kind, "status": "off",
               "legal_basis": _label(rule), "enforced_in": "lp", "arcs_closed": 0,
               "cargoes_in_scope": 0, "blocked_cargoes": 0, "blocked_mmbtu": 0.0,
               "shadow_price_usd_per_mmbtu": 0.0, "shadow_cost_usd": 0.0}
        if lr.on and rule.kind == "transshipment_ban":
            rec.update(status="slack", enforced_in="audit")
        elif lr.on and rule.id in comp.closed:
            arcs = comp.closed[rule.id]
            union.append(arcs)
            rec.update(_cargo_figures(md, x, d_ship, arcs), arcs_closed=int(len(arcs)))
            rec["status"] = "binding" if rec["blocked_cargoes"] else "slack"
        elif lr.on and rule.id in comp.capped:
            arcs = comp.capped[rule.id]
            union.append(arcs)
            mine = np.flatnonzero(cr["rule"].to_numpy() == rule.id) if len(cr) else []
            d_core = d_ship.copy()
            sel = np.isin(rows_t, mine)
            np.add.at(d_core, cols_t[sel], coefs_t[sel] * cap_dual[rows_t[sel]])
            rec.update(_cargo_figures(md, x, d_core, arcs))
            price = float(np.abs(cap_dual[mine]).max()) if len(mine) else 0.0
            rec["shadow_price_usd_per_mmbtu"] = price
            rec["status"] = ("binding" if price > BINDING_TOL_USD_PER_MMBTU
                             or rec["blocked_cargoes"] else "slack")
        elif lr.on:
            rec["status"] = "slack"
        records.append(rec | _rule_facts(lr))
    table = pd.DataFrame(records, columns=COMPLIANCE_COLUMNS)
    for col in ("blocked_mmbtu", "shadow_cost_usd"):
        table[col] = table[col].round(2)
    table["shadow_price_usd_per_mmbtu"] = table["shadow_price_usd_per_mmbtu"].round(6)
    results.tables["compliance"] = table
    total = (_cargo_figures(md, x, d_all, np.unique(np.concatenate(union))) if union
             else {"blocked_cargoes": 0, "blocked_mmbtu": 0.0, "shadow_cost_usd": 0.0})
    on = table[table["status"] != "off"]
    results.summary["compliance_cost_usd"] = round(total["shadow_cost_usd"], 2)
    results.summary["compliance"] = {
        "rule_files": [str(f) for f in comp.files],
        "rules_on": on["rule_id"].tolist(),
        "rules_off": table.loc[table["status"] == "off", "rule_id"].tolist(),
        "binding": on.loc[on["status"] == "binding", "rule_id"].tolist(),
        "policy_options_on": on.loc[on["legal_basis"] == POLICY_LABEL, "rule_id"].tolist(),
        "blocked_cargoes": int(total["blocked_cargoes"]),
        "blocked_mmbtu": round(total["blocked_mmbtu"], 0),
        "compliance_cost_usd": round(total["shadow_cost_usd"], 2),
        "shadow_cost_usd_by_rule": dict(zip(on["rule_id"], on["shadow_cost_usd"], strict=True)),
        "cost_basis": "first-order, from duals and reduced costs: for bans, sanctions and "
                      "price caps an upper bound on what lifting them would save, for volume "
                      "caps an estimate; compare a run with --without-rules for the exact "
                      "figure",
    }


COMPLIANCE_COLUMNS = [
    "rule_id", "kind", "status", "legal_basis", "enforced_in", "arcs_closed",
    "cargoes_in_scope", "blocked_cargoes", "blocked_mmbtu", "shadow_price_usd_per_mmbtu",
    "shadow_cost_usd", "from", "to", "adherents", "terms", "origin", "limit", "description",
    "source", "file",
]


def _rule_facts(lr: LoadedRule) -> dict:
    r = lr.rule
    o = r.origin
    origin = ";".join([*o.sources, *o.countries, *(f"tag:{t}" for t in o.tags)])
    return {"from": str(r.from_), "to": str(r.to) if r.to else "",
            "adherents": ";".join(lr.adherents), "terms": ";".join(r.terms) or "all",
            "origin": origin, "limit": limit_text(lr),
            "description": " ".join(r.description.split()),
            "source": " ".join(r.source.split()), "file": lr.file.name}


def limit_text(lr: LoadedRule) -> str:
    """A rule's limit in words: a price cap's timeline in USD/MMBtu, a volume cap's level."""
    r = lr.rule
    if isinstance(r, PriceCapRule):
        steps = []
        for st in r.caps:
            usd = st.usd_per_mmbtu if st.usd_per_mmbtu is not None else st.usd_per_bbl / lr.parity
            bbl = f" (= {st.usd_per_bbl:g} USD/bbl / {lr.parity:g})" if st.usd_per_bbl else ""
            steps.append(f"from {st.from_}: {usd:.4f} USD/MMBtu{bbl}")
        return "; ".join(steps)
    if isinstance(r, VolumeCapRule):
        if r.max_share is not None:
            return f"{r.max_share:g} of the covered imports per {r.per}"
        if r.max_mt is not None:
            return f"{r.max_mt:g} Mt per {r.per}"
        return f"{r.max_mmbtu:g} MMBtu per {r.per}"
    return ""
