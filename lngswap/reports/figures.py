"""The report's charts of runs over time, one function per chart (plotly figures).

Every series of a run is drawn solid; the baseline's (where one is given) dashed, in the same
colour, so the eye reads "this run against that one" market by market.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from lngswap.reports.runs import Places, RunData, Unit

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22", "#7f7f7f")
#: Enough distinct colours for every origin country of a dataset.
ORIGIN_COLOURS = (*qualitative.Dark24, *qualitative.Light24)


def _grid(markets: list[str], where: Places, title: str, height_per_row: int = 230
          ) -> go.Figure:
    cols = 2 if len(markets) > 1 else 1
    rows = math.ceil(len(markets) / cols)
    fig = make_subplots(rows=rows, cols=cols, shared_xaxes=True, vertical_spacing=0.06,
                        subplot_titles=[f"{m} ({where.market_name(m)})"[:60] for m in markets])
    fig.update_layout(title=title, height=120 + height_per_row * rows,
                      margin={"l": 50, "r": 20, "t": 80, "b": 40},
                      legend={"orientation": "h", "y": -0.05})
    fig.update_annotations(font_size=11)
    return fig


def _cell(i: int, n_cols: int) -> dict:
    return {"row": i // n_cols + 1, "col": i % n_cols + 1}


def _series(runs: list[RunData], baseline: RunData | None):
    """(run, colour, dash, is_baseline) in drawing order: baseline first, dashed."""
    out = []
    if baseline is not None:
        out.append((baseline, "#7f7f7f", "dash", True))
    for i, r in enumerate(runs):
        out.append((r, PALETTE[i % len(PALETTE)], "solid", False))
    return out


def _dates(df: pd.DataFrame) -> list[str]:
    return df["date"].astype(str).str.slice(0, 10).tolist()


def market_lines(runs: list[RunData], baseline: RunData | None, markets: list[str],
                 where: Places, column: str, title: str, ylabel: str, scale=None,
                 floor: bool = False, u: Unit | None = None) -> go.Figure:
    """One subplot per market: `column` of markets.csv over time for each run; optionally
    the strategic floor (the sum of the terminals' floors, from inventory.csv)."""
    fig = _grid(markets, where, title)
    ncols = 2 if len(markets) > 1 else 1
    for run, colour, dash, is_base in _series(runs, baseline):
        mk = run.markets
        for i, m in enumerate(markets):
            g = mk[mk["market"] == m].sort_values("date")
            y = g[column] if scale is None else scale(g[column])
            label = f"{run.name} (baseline)" if is_base else run.name
            fig.add_trace(go.Scatter(x=_dates(g), y=y.round(4).tolist(), mode="lines",
                                     name=label, legendgroup=label, showlegend=i == 0,
                                     line={"color": colour, "dash": dash, "width": 1.6}),
                          **_cell(i, ncols))
            if floor and run is runs[0]:
                inv = run.inventory[run.inventory["market"] == m]
                fl = inv.groupby("date", as_index=False)["floor_mmbtu"].sum().sort_values("date")
                if len(fl) and fl["floor_mmbtu"].max() > 0:
                    fig.add_trace(go.Scatter(
                        x=_dates(fl), y=u.of(fl["floor_mmbtu"]).round(4).tolist(),
                        mode="lines", name="strategic floor", legendgroup="floor",
                        showlegend=not any(t.name == "strategic floor" for t in fig.data),
                        line={"color": "#000000", "dash": "dot", "width": 1.2}),
                        **_cell(i, ncols))
    fig.update_yaxes(title_text=ylabel, title_font_size=10, rangemode="tozero")
    return fig


def unserved_lines(runs: list[RunData], baseline: RunData | None, markets: list[str],
                   u: Unit, per: str = "day") -> go.Figure:
    """Unserved energy per day (or month) and market (core and rest of the world) for each
    run."""
    fig = go.Figure()
    for run, colour, dash, is_base in _series(runs, baseline):
        mk = run.markets
        for j, m in enumerate(markets):
            g = mk[mk["market"] == m].sort_values("date")
            c = colour if len(runs) > 1 or is_base else PALETTE[j % len(PALETTE)]
            fig.add_trace(go.Scatter(
                x=_dates(g), y=u.of(g["unserved_mmbtu"]).round(6).tolist(), mode="lines",
                name=f"{m}: {run.name}" + (" (baseline)" if is_base else ""),
                line={"color": c, "dash": dash, "width": 1.4}))
    fig.update_layout(title=f"Unserved energy per {per} by market ({u.label} per {per})",
                      height=420, yaxis_title=f"{u.label} per {per}", yaxis_rangemode="tozero",
                      margin={"l": 50, "r": 20, "t": 60, "b": 40})
    return fig


def deliveries_by_origin(run: RunData, markets: list[str], where: Places, u: Unit
                         ) -> go.Figure:
    """Deliveries by origin country, stacked, by month of arrival, one subplot per market."""
    sch = run.schedule
    sch = sch[sch["market"].isin(markets)]
    month = sch["arrival_date"].astype(str).str.slice(0, 7)
    agg = (sch.assign(month=month).groupby(["market", "source_country", "month"],
                                           as_index=False)["delivered_mmbtu"].sum())
    origins = (agg.groupby("source_country")["delivered_mmbtu"].sum()
               .sort_values(ascending=False).index.tolist())
    colour = {o: ORIGIN_COLOURS[i % len(ORIGIN_COLOURS)] for i, o in enumerate(origins)}
    fig = _grid(markets, where, f"{run.name}: deliveries by origin and month of arrival "
                f"({u.label})", height_per_row=220)
    ncols = 2 if len(markets) > 1 else 1
    shown: set[str] = set()
    for i, m in enumerate(markets):
        g = agg[agg["market"] == m]
        for o in origins:
            h = g[g["source_country"] == o]
            if not len(h):
                continue
            fig.add_trace(go.Bar(x=h["month"].tolist(), y=u.of(h["delivered_mmbtu"]).round(4)
                                 .tolist(), name=o, legendgroup=o, showlegend=o not in shown,
                                 marker_color=colour[o]), **_cell(i, ncols))
            shown.add(o)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category")
    return fig


def swap_ledger(run: RunData, u: Unit) -> go.Figure | None:
    """Lent, repaid (cumulative) and outstanding per agreement and direction over time."""
    sw = run.table("swaps")
    if sw is None or not len(sw):
        return None
    days = pd.date_range(run.markets["date"].min(), run.markets["date"].max(), freq="D")
    fig = go.Figure()
    k = 0
    for (ag, lender, borrower), g in sw.groupby(["agreement", "lender", "borrower"]):
        daily = g.groupby(pd.to_datetime(g["date"]))[["lent_mmbtu", "repaid_mmbtu"]].sum()
        daily = daily.reindex(days, fill_value=0.0)
        lent, repaid = daily["lent_mmbtu"].cumsum(), daily["repaid_mmbtu"].cumsum()
        x = [d.strftime("%Y-%m-%d") for d in days]
        c = PALETTE[k % len(PALETTE)]
        k += 1
        who = f"{ag} {lender}->{borrower}"
        for y, what, dash in ((lent, "lent", "solid"), (repaid, "repaid", "dot"),
                              (lent - repaid, "outstanding", "solid")):
            fig.add_trace(go.Scatter(x=x, y=u.of(y).round(6).tolist(), mode="lines",
                                     name=f"{who}: {what}", line={"color": c, "dash": dash,
                                     "width": 2.6 if what == "outstanding" else 1.3},
                                     fill="tozeroy" if what == "outstanding" else None))
    fig.update_layout(title=f"{run.name}: swap ledger (cumulative lent and repaid, "
                      f"outstanding; {u.label})", height=400, yaxis_title=u.label,
                      margin={"l": 50, "r": 20, "t": 60, "b": 40})
    return fig


def party_accounts(runs: list[RunData], baseline: RunData | None) -> go.Figure | None:
    """Each party's total cost (bn USD) per run, grouped bars."""
    fig = go.Figure()
    for run, colour, _dash, is_base in _series(runs, baseline):
        p = run.table("parties")
        if p is None or "total_cost_usd" not in p:
            continue
        p = p[~p["party"].astype(str).str.upper().str.startswith("ROW")]
        fig.add_trace(go.Bar(x=p["party"].astype(str).tolist(),
                             y=(p["total_cost_usd"] / 1e9).round(4).tolist(),
                             name=run.name + (" (baseline)" if is_base else ""),
                             marker_color=colour,
                             marker_pattern_shape="/" if is_base else ""))
    if not fig.data:
        return None
    fig.update_layout(title="Party accounts: total cost per party (bn USD; negative = net "
                      "revenue from resales; the rest of the world in the table below)",
                      barmode="group",
                      height=380, yaxis_title="bn USD",
                      margin={"l": 50, "r": 20, "t": 60, "b": 40})
    return fig


def event_label(ev: dict) -> str:
    """What an event is about: its passage, index, market, terminal or sources."""
    what = (ev.get("passage") or ev.get("index") or ev.get("market") or ev.get("terminal")
            or ", ".join(ev.get("sources") or []) or ev.get("country") or "fleet")
    level = ev.get("value") if ev.get("value") is not None else ev.get("factor")
    tail = "" if level is None else f" ({'value' if ev.get('value') is not None else 'x'}"\
        f" {level})"
    return f"{ev.get('type')}: {what}{tail}"


def events_timeline(runs: list[RunData], baseline: RunData | None) -> go.Figure | None:
    """The events of every case on one time axis, one bar per event."""
    fig = go.Figure()
    seen: set[tuple] = set()
    for k, run in enumerate([*runs, *([baseline] if baseline else [])]):
        for ev in run.events:
            key = (ev.get("type"), str(ev.get("start")), str(ev.get("end")), event_label(ev))
            if key in seen:
                continue
            seen.add(key)
            label = f"{event_label(ev)} [{run.name}]"
            note = str(ev.get("note") or "")
            fig.add_trace(go.Scatter(
                x=[str(ev["start"]), str(ev["end"])], y=[label, label], mode="lines+markers",
                line={"width": 10, "color": PALETTE[k % len(PALETTE)]}, name=label,
                hovertext=f"{label}<br>{ev['start']} to {ev['end']}<br>{note}",
                hoverinfo="text", showlegend=False))
    if not fig.data:
        return None
    fig.update_layout(title="Events of the case(s)", height=140 + 32 * len(fig.data),
                      xaxis_type="date", margin={"l": 330, "r": 20, "t": 50, "b": 40})
    return fig
