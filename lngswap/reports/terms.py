"""The page of a swap-terms study (`swap_terms.html`): which terms are worth signing.

The terms table with heat-map colouring of gains and shortfalls, the gain of each party per
variant, the distribution of unserved energy per variant over the scenarios, and the smaller
party gain of each variant in each scenario as a heat map.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lngswap.reports.figures import PALETTE
from lngswap.reports.page import esc, figure_div, page, table_html
from lngswap.reports.runs import Unit


def parties_of(table: pd.DataFrame) -> list[str]:
    """Parties with a `gain_<P>_usd` column."""
    return sorted(c[len("gain_"):-len("_usd")] for c in table.columns
                  if c.startswith("gain_") and c.endswith("_usd") and c != "gain_usd")


def _heat(v: float, scale: float) -> str:
    """Background colour for a gain: green above zero, red below, white at zero."""
    if not np.isfinite(v) or scale <= 0:
        return ""
    a = min(1.0, abs(v) / scale) * 0.6
    rgb = "26,127,55" if v > 0 else "178,34,34"
    return f"background: rgba({rgb},{a:.2f})"


def terms_table(table: pd.DataFrame, parties: list[str], u: Unit) -> str:
    """Every row of swap_terms.csv with gains (M USD) and unserved energy, heat-coloured."""
    gcols = [f"gain_{p}_usd" for p in parties] + ["gain_usd"]
    ucols = [f"unserved_{p}_mmbtu" for p in parties]
    var = table[~table["variant"].isin(["isolated", "pooled"])]
    gscale = float(np.nanmax(np.abs(var[gcols].to_numpy(float)))) if len(var) else 0.0
    uscale = float(np.nanmax(table[ucols].to_numpy(float))) if len(table) else 0.0
    head = ["scenario", "variant", "cap (cargoes)", "repay (days)", "fee ($/MMBtu)",
            *[f"gain {p} (M USD)" for p in parties], "system gain (M USD)",
            *[f"unserved {p} ({u.label})" for p in parties], "pooled share",
            "cargoes swapped", "best for both"]
    rows, styles = [], []
    for _, r in table.iterrows():
        def val(k: str, fmt: str, r=r) -> str:
            v = r.get(k, np.nan)
            return "" if pd.isna(v) else format(v, fmt)

        gains = [float(r[c]) for c in gcols]
        uns = [float(r[c]) for c in ucols]
        best = "yes (all scenarios)" if bool(r.get("best_across_scenarios")) else (
            "yes (this scenario)" if bool(r.get("best_for_both")) else "")
        rows.append([r["scenario"], r["variant"], val("max_outstanding_cargoes", "g"),
                     val("repay_within_days", ".0f"), val("fee_usd_per_mmbtu", "g"),
                     *[("n/a" if r["variant"] == "pooled" and c != "gain_usd" else
                        f"{g / 1e6:+,.1f}") for g, c in zip(gains, gcols, strict=True)],
                     *[f"{u.of(x):,.3f}" for x in uns],
                     "" if pd.isna(r.get("pooled_share")) else f"{100 * r['pooled_share']:.0f} %",
                     val("cargoes_swapped", ".1f"), best])
        st = [""] * 5 + [_heat(g, gscale) if r["variant"] != "pooled" else "" for g in gains]
        st += [_heat(-x, uscale) if x > 0 else "" for x in uns] + ["", "", ""]
        styles.append(st)
    num = set(range(2, len(head) - 1))
    return table_html(head, rows, numeric=num, cell_style=styles)


def gain_chart(table: pd.DataFrame, parties: list[str]) -> go.Figure:
    """Gain of each party against isolated (M USD) per variant, per scenario."""
    var = table[~table["variant"].isin(["isolated", "pooled"])]
    fig = go.Figure()
    scen = list(dict.fromkeys(var["scenario"]))
    for i, p in enumerate(parties):
        for j, sc in enumerate(scen):
            g = var[var["scenario"] == sc]
            fig.add_trace(go.Bar(x=g["variant"].astype(str).tolist(),
                                 y=(g[f"gain_{p}_usd"] / 1e6).round(3).tolist(),
                                 name=f"{p}" + (f" ({sc})" if len(scen) > 1 else ""),
                                 marker_color=PALETTE[i % len(PALETTE)],
                                 marker_pattern_shape=["", "/", "x", "."][j % 4]))
    fig.update_layout(title="Gain of each party against going it alone (M USD), per variant",
                      barmode="group", height=420, yaxis_title="M USD",
                      margin={"l": 50, "r": 20, "t": 60, "b": 60})
    return fig


def unserved_chart(table: pd.DataFrame, parties: list[str], u: Unit) -> go.Figure:
    """Distribution of unserved energy over the scenarios per variant and party (boxes with
    every scenario as a point; isolated and pooled included for reference)."""
    fig = go.Figure()
    for i, p in enumerate(parties):
        fig.add_trace(go.Box(x=table["variant"].astype(str).tolist(),
                             y=u.of(table[f"unserved_{p}_mmbtu"]).round(6).tolist(),
                             name=p, boxpoints="all", jitter=0.2, pointpos=0,
                             marker_color=PALETTE[i % len(PALETTE)],
                             text=table["scenario"].astype(str).tolist()))
    fig.update_layout(title=f"Unserved energy per variant over the scenarios ({u.label})",
                      boxmode="group", height=420, yaxis_title=u.label, yaxis_rangemode="tozero",
                      margin={"l": 50, "r": 20, "t": 60, "b": 60})
    return fig


def min_gain_heatmap(table: pd.DataFrame) -> go.Figure:
    """The smaller party gain (M USD) of each variant in each scenario."""
    var = table[~table["variant"].isin(["isolated", "pooled"])]
    piv = var.pivot_table(index="variant", columns="scenario", values="min_party_gain_usd",
                          sort=False) / 1e6
    fig = go.Figure(go.Heatmap(z=piv.to_numpy().round(3).tolist(),
                               x=[str(c) for c in piv.columns], y=[str(i) for i in piv.index],
                               colorscale="RdYlGn", zmid=0, colorbar_title="M USD",
                               text=piv.to_numpy().round(1).tolist(), texttemplate="%{text}"))
    fig.update_layout(title="The smaller of the parties' gains (M USD): green for both "
                      "parties better off", height=160 + 40 * len(piv),
                      margin={"l": 160, "r": 20, "t": 60, "b": 40})
    return fig


def terms_page(table: pd.DataFrame, u: Unit, manifest: dict | None = None) -> str:
    """The whole page of a swap-terms study."""
    parties = parties_of(table)
    if "min_party_gain_usd" not in table:
        table = table.assign(min_party_gain_usd=table[[f"gain_{p}_usd" for p in parties]]
                             .min(axis=1))
    best = table.loc[table.get("best_across_scenarios", pd.Series(False, index=table.index))
                     .astype(bool), "variant"]
    verdict = (f"Best for both parties across every scenario: <b>{esc(best.iat[0])}</b>."
               if len(best) else "No variant leaves both parties better off in every scenario.")
    body = [f"<p>{verdict}</p>", "<h2>Terms compared</h2>", terms_table(table, parties, u),
            '<p class="note">Gains against each party going it alone (the isolated plan), fees '
            "counted; system gain fees excluded (transfers). Under pooling every party pays "
            "for what it receives, so there is no split between parties (n/a). Pooled share: "
            "the system gain as a share of what full pooling would gain.</p>",
            figure_div(gain_chart(table, parties), "chart-1"),
            figure_div(unserved_chart(table, parties, u), "chart-2"),
            figure_div(min_gain_heatmap(table), "chart-3")]
    if manifest:
        inputs = [[k, str(v)] for k, v in sorted((manifest.get("inputs") or {}).items())]
        body += ["<h2>Manifest</h2>", table_html(["input", "sha256"], inputs)]
    scen = ", ".join(dict.fromkeys(table["scenario"].astype(str)))
    return page(f"lngswap swap terms: {scen}",
                f"{len(table)} rows: variants of the swap agreement under {esc(scen)}; energy "
                f"in {esc(u.label)}.", body)
