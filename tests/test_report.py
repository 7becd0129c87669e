"""The HTML report of toy runs: what the page holds, read from its HTML and plotly data."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from report_world import make_runs, runner

from lngswap.cli import app
from lngswap.reports.report import build_report
from lngswap.reports.runs import read_run, unit


def figures_of(text: str) -> list[dict]:
    """The plotly figures on a page, as {data, layout}, in page order."""
    out = []
    for m in re.finditer(r'Plotly\.newPlot\(\s*"([^"]+)",\s*(\[.*?\]),\s*(\{.*?\}),\s*\{"display',
                         text, flags=re.S):
        out.append({"id": m.group(1), "data": json.loads(m.group(2)),
                    "layout": json.loads(m.group(3))})
    return out


def test_report_of_a_run_against_a_baseline(toy, tmp_path):
    base, swaps = make_runs(toy, tmp_path)
    page = tmp_path / "r.html"
    r = runner.invoke(app, ["report", str(swaps), "--baseline", str(base), "--out", str(page)])
    assert r.exit_code == 0, r.output
    text = page.read_text()
    # one file: no script, stylesheet or image from anywhere, plotly.js and the map inside
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|<img", text)
    assert "window.PlotlyGeoAssets.topojson['world_110m']" in text
    assert len(text) > 3_000_000  # plotly.js itself is ~4.6 MB
    figs = figures_of(text)
    assert len(figs) >= 7
    run = read_run(swaps)
    mt = unit("mt")
    # the deliveries chart: one bar trace per (market, origin) that delivered, summing to the
    # schedule's deliveries in Mt
    bars = next(f for f in figs if f["layout"].get("barmode") == "stack")
    sch = run.schedule[run.schedule["market"].isin(["JP", "KR"])]
    pairs = sch.groupby(["market", "source_country"])["delivered_mmbtu"].sum()
    assert len(bars["data"]) == int((pairs > 0).sum() + (pairs == 0).sum())
    total = sum(sum(t["y"]) for t in bars["data"])
    assert abs(total - mt.of(sch["delivered_mmbtu"].sum())) < 1e-3
    # the stock chart: the run solid and the baseline dashed in each core market
    stock = next(f for f in figs if "strategic floor" in f["layout"]["title"]["text"])
    dashes = sorted(t["line"]["dash"] for t in stock["data"] if t["name"] != "strategic floor")
    assert dashes == ["dash", "dash", "solid", "solid"]
    # the map: the flow over Suez is drawn through the Suez point, and Suez is marked
    geo = next(f for f in figs if f["data"][0]["type"] == "scattergeo")
    suez = [t for t in geo["data"] if t.get("legendgroup") == "suez"]
    assert suez
    assert 32.5 in suez[0]["lon"]
    assert any("suez" in (t.get("text") or []) for t in geo["data"])
    # the swap ledger: what was lent ends at the ledger's total
    sw = run.table("swaps")
    ledger = next(f for f in figs if "swap ledger" in f["layout"]["title"]["text"])
    lent = [t for t in ledger["data"] if t["name"].endswith(": lent")]
    assert abs(sum(t["y"][-1] for t in lent) - mt.of(sw["lent_mmbtu"].sum())) < 1e-6
    # the event and the manifest's hashes
    assert "demand_shock: JP" in text
    hashes = [v.split(":")[-1] for v in run.manifest["inputs"].values()]
    assert all(h in text for h in hashes)


def test_two_runs_without_baseline_and_units(toy, tmp_path):
    base, swaps = make_runs(toy, tmp_path)
    bcm = build_report([base, swaps], None, unit("bcm"))
    assert "energy in bcm" in bcm
    mt = build_report([base, swaps], None, unit("mt"))
    # the same deliveries in bcm are 1.36 times those in Mt
    b = next(f for f in figures_of(bcm) if f["layout"].get("barmode") == "stack")
    m = next(f for f in figures_of(mt) if f["layout"].get("barmode") == "stack")
    in_bcm = sum(sum(t["y"]) for t in b["data"])
    in_mt = sum(sum(t["y"]) for t in m["data"])
    assert in_mt > 0
    assert abs(in_bcm - 1.36 * in_mt) < 1e-3


def test_report_of_a_folder_that_is_not_a_run_names_it(tmp_path):
    (tmp_path / "notarun").mkdir()
    r = runner.invoke(app, ["report", str(tmp_path / "notarun")])
    assert r.exit_code == 2
    assert "notarun" in r.output
    assert "summary.json" in r.output
    assert "Traceback" not in r.output


def test_unknown_units_are_refused(toy, tmp_path):
    base, _ = make_runs(toy, tmp_path)
    r = runner.invoke(app, ["report", str(base), "--units", "barrels"])
    assert r.exit_code == 2
    assert "barrels" in r.output
    assert "mt, bcm, mmbtu" in r.output


def test_headline_leads_with_the_bill_and_lists_every_market(toy, tmp_path):
    base, swaps = make_runs(toy, tmp_path)
    case = tmp_path / "toy-swaps.yaml"
    r = runner.invoke(app, ["run", str(case), "--out", str(tmp_path / "again"), "--by", "month"])
    assert r.exit_code == 0, r.output
    out = r.output
    assert "LNG bill of JP, KR" in out
    assert "objective" not in out.splitlines()[0]
    for m in ("JP", "KR", "ROW-X"):
        assert re.search(rf"^\s*{m}\b", out, flags=re.M), m
    assert "unserved by month" in out
    assert "2026-01" in out
    assert "swap result against isolated" in out


def test_fan_chart_spans_the_scenarios(toy, tmp_path):
    """A run whose markets table has a `scenario` column gets the spread over scenarios:
    bands from the lowest to the highest scenario and the median between them."""
    from lngswap.reports.report import fan_chart

    _, swaps = make_runs(toy, tmp_path)
    run = read_run(swaps)
    mk = run.markets
    scen = []
    for k, factor in enumerate((0.0, 1.0, 3.0)):
        m = mk.copy()
        m["scenario"] = f"end-{k}"
        m["unserved_mmbtu"] = 1e6 * factor
        scen.append(m)
    run.markets = pd.concat(scen, ignore_index=True)
    fig = fan_chart([run], unit("mmbtu"))
    assert fig is not None
    by_name = {t.name: t for t in fig.data}
    n_core = 2  # JP and KR, 1e6 MMBtu a day each in scenario end-1
    assert max(by_name["toy-swaps 100%"].y) == pytest.approx(3.0 * n_core)
    assert max(by_name["toy-swaps: median"].y) == pytest.approx(1.0 * n_core)
    assert min(by_name["toy-swaps: 0%-100% of scenarios"].y) == pytest.approx(0.0)
    assert fan_chart([read_run(swaps)], unit("mt")) is None  # no scenarios, no chart


def test_monthly_report_sums_flows_and_averages_stocks(toy, tmp_path):
    from lngswap.reports.report import by_month

    _, swaps = make_runs(toy, tmp_path)
    run = read_run(swaps)
    m = by_month(run).markets
    jp, mk = m[m["market"] == "JP"], run.markets[run.markets["market"] == "JP"]
    assert jp["date"].tolist() == ["2026-01-01"]
    assert jp["demand_mmbtu"].iat[0] == pytest.approx(mk["demand_mmbtu"].sum())
    assert jp["days_of_cover"].iat[0] == pytest.approx(mk["days_of_cover"].mean())
    page = tmp_path / "m.html"
    r = runner.invoke(app, ["report", str(swaps), "--by", "month", "--out", str(page)])
    assert r.exit_code == 0, r.output
    assert "Unserved energy per month" in page.read_text()
    r = runner.invoke(app, ["report", str(swaps), "--by", "week"])
    assert r.exit_code == 2
    assert "--by week" in r.output
