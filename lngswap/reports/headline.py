"""Headline figures of a run, for the console and the report's cards.

The model's objective nets the rest of the world's purchases against the core markets' costs,
so it is often negative and says little on its own. The headline leads instead with what the
core markets' parties pay (the sum of their accounts in parties.csv), unserved energy and the
lowest days of cover per market, then the rest of the world, the cost change against a
baseline, cut-off and rerouted cargoes, the swap result per party and missed storage targets.
"""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from lngswap.reports.runs import RunData, Unit, places


def core_parties(run: RunData, core: list[str]) -> list[str]:
    """Parties owning the core markets (from the dataset's markets table)."""
    mk = places(run.dataset).markets
    return sorted(set(mk.loc[mk["market"].isin(core), "party"].astype(str)))


#: Cut-off cargoes named on screen; the rest are in cut_off.csv.
CUT_OFF_SHOWN = 8

#: What a party spends on LNG (parties.csv columns): purchases, freight, regas, diversion and
#: storage costs and swap fees paid, less swap fees received. End-stock value and resale
#: revenue, which the model's accounts net against these, are left out.
BILL = ("purchase_usd", "freight_usd", "diversion_fee_usd", "regas_usd", "storage_usd",
        "fees_paid_usd")


def lng_bill(parties_table: pd.DataFrame | None, parties: list[str]) -> float:
    """The LNG bill of `parties` (USD) from parties.csv; NaN without that table."""
    p = parties_table
    if p is None or "purchase_usd" not in p:
        return float("nan")
    p = p[p["party"].astype(str).isin(parties)]
    spent = sum(float(p[c].sum()) for c in BILL if c in p)
    return spent - (float(p["fees_received_usd"].sum()) if "fees_received_usd" in p else 0.0)


def headline(run: RunData, u: Unit) -> dict:
    """Headline figures of one run (plain numbers; energy in `u`, money in USD)."""
    s = run.summary
    where = places(run.dataset)
    present = sorted(run.markets["market"].astype(str).unique())
    core = where.core_markets(present)
    parties = core_parties(run, core)
    p = run.table("parties")
    core_cost = lng_bill(p, parties)
    un = s.get("unserved_mmbtu", {})
    swaps = ((s.get("swaps") or {}).get("gain_vs_isolated") or {}).get("parties") or {}
    return {
        "case": run.name, "status": s.get("status"), "cooperation": s.get("cooperation"),
        "horizon": s.get("horizon", {}),
        "core_parties": parties, "core_cost_usd": core_cost,
        "objective_usd": float(s.get("objective_usd", float("nan"))),
        "core_markets": core,
        "row_markets": [m for m in present if m not in core],
        "unserved": {m: u.of(float(un.get(m, 0.0))) for m in present},
        "unserved_core": u.of(sum(float(un.get(m, 0.0)) for m in core)),
        "delivered": {m: u.of(float(v)) for m, v in s.get("delivered_mmbtu", {}).items()},
        "lowest_cover": s.get("lowest_days_of_cover", {}),
        "lowest_cover_date": s.get("lowest_cover_date", {}),
        "mean_value": s.get("mean_marginal_value_usd_per_mmbtu", {}),
        "rerouted_cargoes": s.get("rerouted_cargoes", 0),
        "cut_off_cargoes": s.get("cut_off_cargoes", 0),
        "swap_gain_usd": {k: float(v.get("gain_usd", 0.0)) for k, v in swaps.items()},
        "storage_targets_missed": [t for t in s.get("storage_targets") or []
                                   if float(t.get("fill", 1.0)) + 1e-4 < float(
                                       t.get("target", 0.0))],
        "unit": u.label,
    }


def _bn(x: float) -> str:
    return f"{x / 1e9:,.2f} bn USD"


def print_headline(run: RunData, u: Unit, console: Console, baseline: RunData | None = None,
                   by_month: bool = False) -> None:
    """The run's headline on the console: a sentence, a table per market, the rest."""
    h = headline(run, u)
    b = headline(baseline, u) if baseline is not None else None
    hz = h["horizon"]
    console.print(f"{h['case']} ({h['status']}, {h['cooperation']}, {hz.get('start')} to "
                  f"{hz.get('end')}): the LNG bill of {', '.join(h['core_parties'])} is "
                  f"{_bn(h['core_cost_usd'])}"
                  + (f", {_bn(h['core_cost_usd'] - b['core_cost_usd'])} more than "
                     f"{b['case']}" if b else "")
                  + f"; unserved in core markets {h['unserved_core']:,.3f} {u.label}.")
    console.print(f"per market ({u.label}; days of cover; mean marginal value in USD/MMBtu):")
    t = Table(title=None, show_edge=False, pad_edge=False)
    for c in ("market", "delivered", "unserved", "lowest cover", "on", "value"):
        t.add_column(c, justify="left" if c in ("market", "on") else "right")
    for m in [*h["core_markets"], *h["row_markets"]]:
        t.add_row(m, f"{h['delivered'].get(m, 0):,.2f}", f"{h['unserved'].get(m, 0):,.3f}",
                  f"{h['lowest_cover'].get(m, 0):,.1f}", str(h["lowest_cover_date"].get(m, "")),
                  f"{round(float(h['mean_value'].get(m, 0)), 2) + 0.0:,.2f}")
    console.print(t)
    if by_month:
        print_by_month(run, u, console, h["core_markets"])
    console.print(f"rerouted cargoes {h['rerouted_cargoes']}, cargoes cut off by closures "
                  f"{h['cut_off_cargoes']}; model objective {_bn(h['objective_usd'])} (net of "
                  "the rest of the world's sales value)")
    cut = run.table("cut_off")
    if cut is not None and len(cut):
        shown = ", ".join(f"{r.cargo_id} ({r.source}, {r.load_date})"
                          for r in cut.head(CUT_OFF_SHOWN).itertuples())
        more = f" and {len(cut) - CUT_OFF_SHOWN} more" if len(cut) > CUT_OFF_SHOWN else ""
        console.print(f"cut off: {shown}{more} (all in cut_off.csv)", markup=False)
    if h["swap_gain_usd"]:
        console.print("swap result against isolated: " + ", ".join(
            f"{p} {v / 1e6:+,.1f} M USD" for p, v in sorted(h["swap_gain_usd"].items())))
    for tgt in h["storage_targets_missed"]:
        console.print(f"storage target missed: {tgt['market']} on {tgt['date']} at "
                      f"{100 * tgt['fill']:.1f} % full against {100 * tgt['target']:.0f} %")


def monthly(run: RunData, u: Unit, markets: list[str]) -> pd.DataFrame:
    """Demand, supplied and unserved per market and month, in `u`."""
    mk = run.markets[run.markets["market"].isin(markets)]
    g = (mk.assign(month=mk["date"].astype(str).str.slice(0, 7))
         .groupby(["market", "month"], as_index=False)[["demand_mmbtu", "supplied_mmbtu",
                                                        "unserved_mmbtu"]].sum())
    for c in ("demand_mmbtu", "supplied_mmbtu", "unserved_mmbtu"):
        g[c] = u.of(g[c])
    return g.rename(columns={c: c.replace("_mmbtu", f" {u.label}") for c in g.columns})


def print_by_month(run: RunData, u: Unit, console: Console, markets: list[str]) -> None:
    """Unserved energy per core market and month (months as columns)."""
    g = monthly(run, u, markets)
    piv = g.pivot(index="market", columns="month", values=f"unserved {u.label}").reindex(
        markets)
    t = Table(title=f"unserved by month ({u.label})", show_edge=False, pad_edge=False)
    t.add_column("market")
    for c in piv.columns:
        t.add_column(str(c), justify="right")
    for m, row in piv.iterrows():
        t.add_row(str(m), *[f"{v:,.3f}" for v in row])
    console.print(t)


def print_compare_headline(runs: list[RunData], u: Unit, console: Console) -> None:
    """A short comparison: cost, unserved and lowest cover in core markets, run by run,
    against the first (the detail is in comparison.csv)."""
    hs = [headline(r, u) for r in runs]
    ref = hs[0]
    t = Table(show_edge=False, pad_edge=False)
    t.add_column("figure")
    for h in hs:
        t.add_column(h["case"][:24], justify="right")
    if len(hs) > 1:
        t.add_column("change", justify="right")

    def row(label: str, vals: list[float], fmt: str) -> None:
        cells = [format(v, fmt) for v in vals]
        if len(vals) > 1:
            cells.append(format(vals[-1] - vals[0], "+" + fmt.lstrip(",").replace(",", "")))
        t.add_row(label, *cells)

    row("LNG bill of core parties, bn USD", [h["core_cost_usd"] / 1e9 for h in hs], ",.2f")
    row(f"unserved, core markets, {u.label}", [h["unserved_core"] for h in hs], ",.3f")
    row(f"unserved, rest of world, {u.label}",
        [sum(h["unserved"].get(m, 0) for m in h["row_markets"]) for h in hs], ",.3f")
    for m in ref["core_markets"]:
        row(f"lowest cover {m}, days", [h["lowest_cover"].get(m, 0.0) for h in hs], ",.1f")
    row("rerouted cargoes", [h["rerouted_cargoes"] for h in hs], ",.0f")
    row("cut-off cargoes", [h["cut_off_cargoes"] for h in hs], ",.0f")
    console.print(t)


def print_terms_headline(table: pd.DataFrame, u: Unit, console: Console) -> None:
    """The swap-terms study in a short table: per scenario and variant, the terms, each
    party's gain and unserved energy; the full table is in swap_terms.csv / .html."""
    parties = sorted(c[len("gain_"):-len("_usd")] for c in table.columns
                     if c.startswith("gain_") and c.endswith("_usd") and c != "gain_usd")
    scen = list(dict.fromkeys(table["scenario"].astype(str)))
    many = len(scen) > 1
    console.print(f"swap terms under {', '.join(scen)}: cap in cargoes outstanding, repayment "
                  f"in days, fee in USD/MMBtu; gains against isolated in M USD, unserved "
                  f"energy in {u.label}")
    t = Table(show_edge=False, pad_edge=False)
    for c in (*(["scenario"] if many else []), "variant", "cap", "repay", "fee",
              *[f"gain {p}" for p in parties], *[f"unserved {p}" for p in parties]):
        t.add_column(c, justify="left" if c in ("scenario", "variant") else "right")
    for _, r in table.iterrows():
        def val(k: str, fmt: str, r=r) -> str:
            v = r.get(k)
            return "" if v is None or pd.isna(v) else format(v, fmt)

        mark = " *" if bool(r.get("best_across_scenarios")) else ""
        gains = ["n/a" if r["variant"] == "pooled" else f"{r[f'gain_{p}_usd'] / 1e6:+,.1f}"
                 for p in parties]
        t.add_row(*([str(r["scenario"])[:18]] if many else []), f"{r['variant']}{mark}",
                  val("max_outstanding_cargoes", "g"), val("repay_within_days", ".0f"),
                  val("fee_usd_per_mmbtu", "g"), *gains,
                  *[f"{u.of(float(r[f'unserved_{p}_mmbtu'])):,.3f}" for p in parties])
    console.print(t)
    flag = table.get("best_across_scenarios")
    best = table[flag.astype(bool)] if flag is not None else table.iloc[0:0]
    console.print(f"best for both across scenarios: {best['variant'].iat[0]} (marked *)"
                  if len(best) else "no variant leaves both parties better off in every "
                  "scenario")
