"""The flow map of a run: loading port -> import node, width by volume, colour by corridor.

Each flow is drawn through the passages its route crosses (the chokepoints' points), so a
line follows its corridor; flows on a rerouted route (`route` other than `direct`) are dashed.
Chokepoints are marked, the ones closed by an event of the case in red with their window.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lngswap.reports.runs import Places, RunData, Unit

#: The corridor a direct route is coloured by: the first of these passages it crosses.
CORRIDORS = ("hormuz", "bab-el-mandeb", "suez", "panama", "malacca", "gibraltar", "bosporus")
COLOURS = {"hormuz": "#d62728", "bab-el-mandeb": "#ff7f0e", "suez": "#e6ab02",
           "panama": "#9467bd", "malacca": "#2ca02c", "gibraltar": "#17becf",
           "bosporus": "#8c564b", "open sea": "#1f77b4", "rerouted": "#000000"}
#: Line widths (px) for the volume classes, smallest first.
WIDTHS = (1.0, 2.5, 4.5, 7.0)


def corridor(passages: str, route: str) -> str:
    """The colour class of a flow: 'rerouted' off the direct route, else its lead passage."""
    if route and route != "direct":
        return "rerouted"
    crossed = [p for p in str(passages or "").split(";") if p]
    for c in CORRIDORS:
        if c in crossed:
            return c
    return "open sea"


def flows(run: RunData, where: Places) -> pd.DataFrame:
    """Planned deliveries summed by (source, destination, route), with their coordinates."""
    sch = run.schedule
    sch = sch[sch["status"].astype(str) == "planned"] if "status" in sch else sch
    sch = sch.assign(passages=sch["passages"].fillna("").astype(str))
    f = (sch.groupby(["source", "destination", "route", "passages"], as_index=False)
         ["delivered_mmbtu"].sum())
    src = where.sources.set_index("source_id")
    dst = where.terminals.set_index("terminal")
    f = f[f["source"].isin(src.index) & f["destination"].isin(dst.index)]
    f = f.assign(src_lon=src.loc[f["source"], "lon"].to_numpy(),
                 src_lat=src.loc[f["source"], "lat"].to_numpy(),
                 dst_lon=dst.loc[f["destination"], "lon"].to_numpy(),
                 dst_lat=dst.loc[f["destination"], "lat"].to_numpy())
    f["corridor"] = [corridor(p, r) for p, r in zip(f["passages"], f["route"], strict=True)]
    return f[f["delivered_mmbtu"] > 0].reset_index(drop=True)


def volume_classes(volume: pd.Series) -> np.ndarray:
    """Index into WIDTHS by volume quartile (ties share a class)."""
    if len(volume) == 0:
        return np.zeros(0, dtype=int)
    edges = np.quantile(volume, [0.25, 0.5, 0.75])
    return np.searchsorted(edges, volume.to_numpy(), side="right")


def closed_passages(run: RunData) -> dict[str, str]:
    """Passages closed by the case's events -> their windows ('start..end')."""
    out: dict[str, list[str]] = {}
    for ev in run.events:
        if ev.get("type") == "chokepoint_closure" and ev.get("passage"):
            out.setdefault(str(ev["passage"]), []).append(f"{ev['start']}..{ev['end']}")
    return {k: ", ".join(v) for k, v in out.items()}


def flow_map(run: RunData, where: Places, u: Unit) -> go.Figure:
    """The map figure: a line trace per (corridor, volume class), ports, terminals and
    chokepoints."""
    f = flows(run, where)
    f["cls"] = volume_classes(f["delivered_mmbtu"])
    pts = where.passages.set_index("passage")
    fig = go.Figure()
    for (cor, cls), g in f.groupby(["corridor", "cls"], sort=True):
        lat: list[float | None] = []
        lon: list[float | None] = []
        for row in g.itertuples(index=False):
            via = [p for p in row.passages.split(";") if p in pts.index]
            lon += [row.src_lon, *pts.loc[via, "lon"].tolist(), row.dst_lon, None]
            lat += [row.src_lat, *pts.loc[via, "lat"].tolist(), row.dst_lat, None]
        vol = u.of(g["delivered_mmbtu"])
        label = ("rerouted (off the direct route)" if cor == "rerouted" else f"via {cor}")
        first = not any(t.legendgroup == cor for t in fig.data)
        fig.add_trace(go.Scattergeo(
            lon=lon, lat=lat, mode="lines", legendgroup=cor, showlegend=first,
            name=label if first else f"{label}, {vol.min():,.2f}-{vol.max():,.2f} {u.label}",
            hovertext=f"{label}: {len(g)} flows of {vol.min():,.2f}-{vol.max():,.2f} {u.label}",
            line={"width": WIDTHS[int(cls)], "color": COLOURS.get(cor, "#7f7f7f"),
                  "dash": "dash" if cor == "rerouted" else "solid"},
            opacity=0.75, hoverinfo="text"))
    used = f.groupby("source")["delivered_mmbtu"].sum()
    s = where.sources.set_index("source_id").loc[used.index]
    fig.add_trace(go.Scattergeo(
        lon=s["lon"].tolist(), lat=s["lat"].tolist(), mode="markers", name="loading ports",
        marker={"size": 5, "color": "#444444", "symbol": "triangle-up"},
        text=[f"{i}: {u.of(v):,.2f} {u.label} delivered" for i, v in used.items()],
        hoverinfo="text"))
    got = f.groupby("destination")["delivered_mmbtu"].sum()
    t = where.terminals.set_index("terminal").loc[got.index]
    fig.add_trace(go.Scattergeo(
        lon=t["lon"].tolist(), lat=t["lat"].tolist(), mode="markers", name="import nodes",
        marker={"size": 5, "color": "#1f77b4", "symbol": "circle"},
        text=[f"{i} ({t.loc[i, 'market']}): {u.of(v):,.2f} {u.label} received"
              for i, v in got.items()], hoverinfo="text"))
    closed = closed_passages(run)
    p = where.passages
    is_closed = p["passage"].isin(list(closed))
    for shut, g in ((False, p[~is_closed]), (True, p[is_closed])):
        if not len(g):
            continue
        names = [f"{n} closed {closed[n]}" if shut else f"{n} (open)" for n in g["passage"]]
        fig.add_trace(go.Scattergeo(
            lon=g["lon"].tolist(), lat=g["lat"].tolist(), mode="markers+text",
            name="closed chokepoints" if shut else "chokepoints", text=list(g["passage"]),
            textposition="top center", hovertext=names, hoverinfo="text",
            marker={"size": 13 if shut else 8, "symbol": "x" if shut else "diamond",
                    "color": "#d62728" if shut else "#555555",
                    "line": {"width": 1, "color": "#000000"}}))
    title = "Flows from loading port to import node"
    if closed:
        title += " (closed: " + ", ".join(f"{k} {v}" for k, v in closed.items()) + ")"
    fig.update_geos(projection_type="natural earth", showland=True, landcolor="#eeeeee",
                    showcountries=True, countrycolor="#cccccc", showocean=True,
                    oceancolor="#f7fbff", resolution=110, lataxis_range=[-45, 75])
    fig.update_layout(title=f"{run.name}: {title}", height=620,
                      margin={"l": 0, "r": 0, "t": 50, "b": 0},
                      legend={"font": {"size": 10}})
    return fig
