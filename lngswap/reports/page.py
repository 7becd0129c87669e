"""One self-contained HTML page: plotly.js and the world base map embedded, nothing fetched.

plotly's geo charts fetch their base map (`world_110m.json`) from a CDN even when plotly.js is
embedded; the page sets `window.PlotlyGeoAssets` to the map shipped in `reports/assets/`
before plotly.js loads, so plotly finds it there and asks the network for nothing.
"""

from __future__ import annotations

import html
import json
from functools import cache
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

ASSETS = Path(__file__).resolve().parent / "assets"
CONFIG = {"displaylogo": False, "responsive": True,
          "modeBarButtonsToRemove": ["sendDataToCloud"]}

STYLE = """
body { font-family: -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif;
       margin: 0 auto; max-width: 1320px; padding: 16px 24px; color: #222; }
h1 { font-size: 26px; margin: 8px 0 4px; } h2 { font-size: 19px; margin: 28px 0 8px;
  border-bottom: 1px solid #ddd; padding-bottom: 4px; } p.lead { color: #555; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; min-width: 150px;
        background: #fafafa; }
.card .k { font-size: 12px; color: #666; } .card .v { font-size: 21px; font-weight: 600; }
.card .d { font-size: 12px; } .worse { color: #b22222; } .better { color: #1a7f37; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 12px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.note { font-size: 12px; color: #666; } .policy { background: #fff4d6; font-weight: 600; }
footer, .manifest { font-size: 12px; }
footer { margin-top: 30px; font-size: 12px; color: #555; }
"""


@cache
def geo_assets_script() -> str:
    """`window.PlotlyGeoAssets` holding the shipped world base map."""
    topo = json.loads((ASSETS / "world_110m.json").read_text(encoding="utf-8"))
    return ("window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};\n"
            "window.PlotlyGeoAssets.topojson['world_110m'] = "
            + json.dumps(topo, separators=(",", ":")) + ";")


def esc(x) -> str:
    return html.escape(str(x))


def figure_div(fig: go.Figure, div_id: str) -> str:
    """A figure as a div and the script that draws it (plotly.js already on the page)."""
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                       config=CONFIG, default_width="100%")


def table_html(header: list[str], rows: list[list], numeric: set[int] | None = None,
               row_class: list[str] | None = None, cell_style: list[list[str]] | None = None
               ) -> str:
    """A plain HTML table; `numeric` column indexes are right-aligned."""
    numeric = numeric or set()
    out = ["<table><thead><tr>", *(f"<th>{esc(h)}</th>" for h in header), "</tr></thead><tbody>"]
    for i, r in enumerate(rows):
        cls = f' class="{row_class[i]}"' if row_class and row_class[i] else ""
        out.append(f"<tr{cls}>")
        for j, v in enumerate(r):
            style = cell_style[i][j] if cell_style else ""
            style = f' style="{style}"' if style else ""
            out.append(f'<td class="n"{style}>{esc(v)}</td>' if j in numeric
                       else f"<td{style}>{esc(v)}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def page(title: str, lead: str, body: list[str], foot: str = "") -> str:
    """The whole page: style, the base map, plotly.js, then the body's sections."""
    return "\n".join([
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>", f"<style>{STYLE}</style>",
        f"<script>{geo_assets_script()}</script>",
        f"<script>{get_plotlyjs()}</script>", "</head><body>",
        f"<h1>{esc(title)}</h1>", f'<p class="lead">{lead}</p>', *body,
        f"<footer>{foot}</footer>", "</body></html>"])
