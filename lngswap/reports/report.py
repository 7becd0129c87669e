"""`lngswap report RUN [RUN ...] [--baseline RUN]`: the planner's page of one or more runs.

Sections, top to bottom: headline cards; the flow map; stocks against the strategic floor,
days of cover, unserved energy and marginal value over time per core market; deliveries by
origin and month; the swap ledger and party accounts; the compliance table; the spread over
scenarios (where a run has them); the events on a timeline; the manifest at the foot.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from lngswap.reports import figures as figs
from lngswap.reports.headline import headline
from lngswap.reports.maps import flow_map
from lngswap.reports.page import esc, figure_div, page, table_html
from lngswap.reports.runs import RunData, Unit, places, read_runs


def _card(key: str, value: str, delta: str = "", worse: bool | None = None) -> str:
    cls = "" if worse is None else (" worse" if worse else " better")
    d = f'<div class="d{cls}">{esc(delta)}</div>' if delta else ""
    return f'<div class="card"><div class="k">{esc(key)}</div><div class="v">{esc(value)}' \
           f"</div>{d}</div>"


def cards(run: RunData, base: RunData | None, u: Unit) -> str:
    """Cost, unserved energy and lowest days of cover per core market, against the
    baseline."""
    h = headline(run, u)
    b = headline(base, u) if base is not None else None
    out = [f"<h3>{esc(run.name)}</h3>", '<div class="cards">']
    dc = h["core_cost_usd"] - b["core_cost_usd"] if b else None
    out.append(_card(f"LNG bill of {', '.join(h['core_parties'])}",
                     f"{h['core_cost_usd'] / 1e9:,.2f} bn USD",
                     f"{dc / 1e9:+,.2f} bn USD vs {b['case']}" if b else "",
                     None if dc is None else dc > 0))
    du = h["unserved_core"] - b["unserved_core"] if b else None
    out.append(_card("unserved energy, core markets", f"{h['unserved_core']:,.3f} {u.label}",
                     f"{du:+,.3f} vs {b['case']}" if b else "",
                     None if du is None or abs(du) < 1e-9 else du > 0))
    row_un = sum(h["unserved"].get(m, 0.0) for m in h["row_markets"])
    out.append(_card("unserved, rest of the world", f"{row_un:,.3f} {u.label}"))
    for m in h["core_markets"]:
        v = float(h["lowest_cover"].get(m, 0.0))
        when = h["lowest_cover_date"].get(m, "")
        delta, worse = "", None
        if b:
            bv = float(b["lowest_cover"].get(m, 0.0))
            delta, worse = f"{v - bv:+,.1f} d vs {b['case']}", (v < bv - 0.05) or None
            if worse is None and v > bv + 0.05:
                worse = False
        out.append(_card(f"lowest cover {m} ({when})", f"{v:,.1f} days", delta, worse))
    out.append("</div>")
    return "".join(out)


def compliance_table(run: RunData, u: Unit) -> str:
    """Status, blocked volume and shadow cost per rule; policy options labelled as such."""
    c = run.table("compliance")
    if c is None or not len(c):
        return f"<p>{esc(run.name)}: no compliance rules in force.</p>"
    rows, cls = [], []
    for r in c.itertuples(index=False):
        basis = str(getattr(r, "legal_basis", "") or "")
        policy = "policy" in basis.lower() or str(r.kind) == "price_cap"
        rows.append([r.rule_id, r.kind, r.status,
                     "policy option (not law)" if policy else basis,
                     int(r.blocked_cargoes), f"{u.of(float(r.blocked_mmbtu)):,.3f}",
                     f"{float(r.shadow_cost_usd) / 1e6:,.1f}",
                     str(getattr(r, "adherents", "") or ""),
                     str(getattr(r, "description", "") or "")[:220]])
        cls.append("policy" if policy else "")
    return (f"<h3>{esc(run.name)}</h3>"
            + table_html(["rule", "kind", "status", "legal basis", "blocked cargoes",
                          f"blocked {u.label}", "shadow cost M USD", "adherents",
                          "what it does"], rows, numeric={4, 5, 6}, row_class=cls)
            + '<p class="note">A price cap on Russian-origin LNG is a policy option: the G7/EU '
              "crude oil price cap does not cover LNG in law. Shadow costs are first-order "
              "(from duals), an upper bound on what lifting a ban would save.</p>")


def party_table(run: RunData) -> str:
    p = run.table("parties")
    if p is None or not len(p):
        return ""
    cols = [c for c in ("purchase_usd", "freight_usd", "regas_usd", "unserved_penalty_usd",
                        "fees_paid_usd", "fees_received_usd", "resale_revenue_usd",
                        "total_cost_usd") if c in p]
    rows = [[r["party"], *(f"{float(r[c]) / 1e6:,.1f}" for c in cols),
             f"{float(r.get('unserved_mmbtu', 0.0)):,.0f}"] for _, r in p.iterrows()]
    gains = ((run.summary.get("swaps") or {}).get("gain_vs_isolated") or {}).get("parties")
    extra = ""
    if gains:
        extra = "<p>Swap result against the isolated plan: " + "; ".join(
            f"{esc(k)} {float(v.get('gain_usd', 0)) / 1e6:+,.1f} M USD"
            for k, v in sorted(gains.items())) + "</p>"
    return (f"<h3>{esc(run.name)}: party accounts (M USD)</h3>"
            + table_html(["party", *[c.removesuffix("_usd") for c in cols], "unserved MMBtu"],
                         rows, numeric=set(range(1, len(cols) + 2))) + extra)


def manifest_html(run: RunData) -> str:
    m = run.manifest
    inputs = [[k, str(v)] for k, v in sorted((m.get("inputs") or {}).items())]
    vers = ", ".join(f"{k} {v}" for k, v in sorted((m.get("versions") or {}).items()))
    solver = m.get("solver") or {}
    return (f"<h3>{esc(run.name)} ({esc(run.folder)})</h3>"
            f'<p class="manifest">versions: {esc(vers)}; Python {esc(m.get("python", ""))}; '
            "solver "
            f"{esc(solver.get('name', ''))} {esc(solver.get('options', ''))}</p>"
            + table_html(["input", "sha256"], inputs))


def fan_chart(runs: list[RunData], u: Unit):
    """Spread of unserved energy over realised scenarios, where a run's markets table has a
    `scenario` column (rolling or uncertain runs): min-max and 10-90 % bands and the median."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for run in runs:
        mk = run.markets
        if "scenario" not in mk:
            continue
        core = places(run.dataset).core_markets(sorted(mk["market"].astype(str).unique()))
        tot = (mk[mk["market"].isin(core)].groupby(["scenario", "date"])["unserved_mmbtu"]
               .sum().unstack("scenario"))
        q = tot.quantile([0.0, 0.1, 0.5, 0.9, 1.0], axis=1).T.apply(u.of)
        x = [str(d)[:10] for d in q.index]
        for lo, hi, alpha in ((0.0, 1.0, 0.15), (0.1, 0.9, 0.3)):
            fig.add_trace(go.Scatter(x=x, y=q[hi].tolist(), mode="lines", line={"width": 0},
                                     showlegend=False, name=f"{run.name} {hi:.0%}"))
            fig.add_trace(go.Scatter(x=x, y=q[lo].tolist(), mode="lines", line={"width": 0},
                                     fill="tonexty", fillcolor=f"rgba(31,119,180,{alpha})",
                                     name=f"{run.name}: {lo:.0%}-{hi:.0%} of scenarios"))
        fig.add_trace(go.Scatter(x=x, y=q[0.5].tolist(), mode="lines",
                                 name=f"{run.name}: median"))
    if not fig.data:
        return None
    fig.update_layout(title=f"Spread over realised scenarios: unserved energy in core markets "
                      f"({u.label} per day)", height=400)
    return fig


#: How a day's figures make a month's: stocks, cover and values averaged, flows summed.
MONTHLY_SUM = ("demand_mmbtu", "supplied_mmbtu", "unserved_mmbtu", "base_demand_mmbtu")


def by_month(run: RunData) -> RunData:
    """The run with markets.csv and inventory.csv by month (dated the 1st): flows summed,
    stocks, days of cover and marginal values averaged over the month's days."""
    def monthly(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        d = df.assign(date=df["date"].astype(str).str.slice(0, 7) + "-01")
        num = [c for c in d.columns if c not in (*keys, "date")
               and pd.api.types.is_numeric_dtype(d[c])]
        how = {c: ("sum" if c in MONTHLY_SUM else "mean") for c in num}
        return d.groupby([*keys, "date"], as_index=False).agg(how)

    return dataclasses.replace(run, markets=monthly(run.markets, ["market"]),
                               inventory=monthly(run.inventory, ["terminal", "market"]))


def build_report(folders: list[Path], baseline: Path | None, u: Unit,
                 monthly: bool = False) -> str:
    """The report page (HTML text) of the runs in `folders`, against `baseline`; with
    `monthly`, the series over time by month."""
    runs = read_runs(list(folders))
    base = read_runs([baseline])[0] if baseline is not None else None
    if monthly:
        runs = [by_month(r) for r in runs]
        base = by_month(base) if base is not None else None
    if base is not None and base.name in [r.name for r in runs]:
        base.name = f"{base.name} (baseline)"
    where = places(runs[0].dataset)
    present = sorted(runs[0].markets["market"].astype(str).unique())
    core = where.core_markets(present)
    allm = [*core, *[m for m in present if m not in core]]
    body: list[str] = []
    n = 0

    def chart(fig) -> None:
        nonlocal n
        if fig is not None:
            n += 1
            body.append(figure_div(fig, f"chart-{n}"))

    body.append("<h2>Headline</h2>")
    body += [cards(r, base, u) for r in runs]
    body.append("<h2>Where the LNG goes</h2>")
    body.append('<p class="note">Line width by volume delivered over the horizon (quartiles), '
                "colour by the corridor (lead chokepoint crossed); dashed black lines are flows "
                "rerouted off their direct route; red crosses are chokepoints closed by an "
                "event.</p>")
    for r in runs:
        chart(flow_map(r, places(r.dataset), u))
    body.append("<h2>Core markets over time</h2>")
    label = " (baseline dashed)" if base is not None else ""
    chart(figs.market_lines(runs, base, core, where, "lng_stock_mmbtu",
                            f"LNG in tanks against the strategic floor ({u.label}){label}",
                            u.label, scale=u.of, floor=True, u=u))
    chart(figs.market_lines(runs, base, core, where, "days_of_cover",
                            f"Days of cover{label}", "days"))
    chart(figs.unserved_lines(runs, base, allm, u, "month" if monthly else "day"))
    chart(figs.market_lines(runs, base, core, where, "marginal_value_usd_per_mmbtu",
                            f"Marginal value of LNG (USD/MMBtu){label}", "USD/MMBtu"))
    body.append("<h2>Deliveries by origin</h2>")
    for r in runs:
        chart(figs.deliveries_by_origin(r, core, where, u))
    body.append("<h2>Swaps and party accounts</h2>")
    for r in runs:
        fig = figs.swap_ledger(r, u)
        if fig is None:
            body.append(f"<p>{esc(r.name)}: no swap was used (cooperation "
                        f"{esc(r.summary.get('cooperation', ''))}).</p>")
        chart(fig)
    chart(figs.party_accounts(runs, base))
    body += [party_table(r) for r in runs]
    body.append("<h2>Compliance</h2>")
    body += [compliance_table(r, u) for r in runs]
    fan = fan_chart(runs, u)
    if fan is not None:
        body.append("<h2>Spread across scenarios</h2>")
        chart(fan)
    body.append("<h2>Events</h2>")
    ev = figs.events_timeline(runs, base)
    if ev is None:
        body.append("<p>No events: the case(s) run the market without disruption.</p>")
    chart(ev)
    evrows = [[r.name, e.get("type"), e.get("start"), e.get("end"), figs.event_label(e),
               e.get("note") or ""] for r in [*runs, *([base] if base else [])]
              for e in r.events]
    if evrows:
        body.append(table_html(["case", "type", "start", "end", "what", "note"], evrows))
    body.append("<h2>Manifest</h2>")
    body += [manifest_html(r) for r in [*runs, *([base] if base else [])]]
    names = ", ".join(r.name for r in runs)
    hz = runs[0].summary.get("horizon", {})
    lead = (f"{esc(names)}" + (f" against {esc(base.name)}" if base else "")
            + f"; {esc(hz.get('start', ''))} to {esc(hz.get('end', ''))}; energy in "
            f"{esc(u.label)}. Generated by lngswap from the run folders; opens offline.")
    return page(f"lngswap report: {names}", lead, body,
                foot="lngswap: LNG allocation under disruptions, one linear program solved by "
                     "HiGHS.")
