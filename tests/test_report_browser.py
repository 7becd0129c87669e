"""The report opened in headless Chromium (Debian's `chromium`, driven by Playwright): no
console errors, no network request, every chart drawn with the traces the run's tables call
for, and a screenshot that is not blank.

`.ci/run` installs Chromium and Playwright; elsewhere the tests are skipped when either is
missing (under CI they fail instead, so a missing browser cannot pass unseen).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from report_world import make_runs, runner

from lngswap.cli import app
from lngswap.reports.runs import read_run

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]


def chromium() -> str:
    exe = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists()
                                       else None)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        exe = None
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian's chromium and Playwright (see .ci/run)")
        pytest.skip("needs Debian's chromium and the playwright package (.ci/run installs them)")
    return exe


def open_page(page: Path, shot: Path) -> dict:
    """Open a page, refuse every request that leaves the machine, collect what it drew."""
    from playwright.sync_api import sync_playwright

    errors, requests = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), headless=True, args=FLAGS)
        tab = browser.new_page(viewport={"width": 1300, "height": 900})
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.on("pageerror", lambda e: errors.append(str(e)))

        def route(r):
            if r.request.url.startswith(("file:", "data:", "blob:", "about:")):
                r.continue_()
            else:
                requests.append(r.request.url)
                r.abort()

        tab.route("**/*", route)
        tab.goto(page.resolve().as_uri(), wait_until="load", timeout=120_000)
        tab.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                              ".every(d => d._fullLayout)", timeout=60_000)
        tab.wait_for_timeout(500)
        charts = tab.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(d => ({
            title: (d.layout.title && d.layout.title.text) || '',
            drawn: d.querySelector('.main-svg') !== null,
            traces: d._fullData.map(t => ({type: t.type, name: t.name, n: t._length || 0,
                                           dash: t.line ? t.line.dash : null}))}))""")
        land = tab.evaluate("() => document.querySelectorAll('.geo .layer.land path').length")
        tab.screenshot(path=str(shot), clip={"x": 0, "y": 0, "width": 1300, "height": 1400})
        browser.close()
    return {"errors": errors, "requests": requests, "charts": charts, "land": land}


def test_the_report_draws_every_chart_offline_in_chromium(toy, tmp_path):
    chromium()
    base, swaps = make_runs(toy, tmp_path)
    page = tmp_path / "r.html"
    r = runner.invoke(app, ["report", str(swaps), "--baseline", str(base), "--out", str(page)])
    assert r.exit_code == 0, r.output
    seen = open_page(page, tmp_path / "r.png")
    assert seen["errors"] == []
    assert seen["requests"] == []
    assert seen["land"] > 0  # the base map was drawn from the page's own copy
    charts = seen["charts"]
    assert all(c["drawn"] for c in charts)
    assert all(any(t["n"] > 0 for t in c["traces"]) for c in charts)
    run, days = read_run(swaps), 30
    by_title = {c["title"]: c for c in charts}
    cover = next(c for t, c in by_title.items() if t.startswith("Days of cover"))
    # two core markets x (run, baseline), every day of the horizon
    assert [t["n"] for t in cover["traces"]] == [days] * 4
    assert sorted(t["dash"] for t in cover["traces"]) == ["dash", "dash", "solid", "solid"]
    unserved = next(c for t, c in by_title.items() if t.startswith("Unserved"))
    assert len(unserved["traces"]) == 2 * run.markets["market"].nunique()
    deliveries = next(c for t, c in by_title.items() if "deliveries by origin" in t)
    sch = run.schedule[run.schedule["market"].isin(["JP", "KR"])]
    assert len(deliveries["traces"]) == sch.groupby(["market", "source_country"]).ngroups
    from PIL import Image

    px = np.asarray(Image.open(tmp_path / "r.png").convert("RGB")).reshape(-1, 3)
    colours, counts = np.unique(px, axis=0, return_counts=True)
    assert len(colours) > 50
    assert counts.max() / counts.sum() < 0.95


def test_the_swap_terms_page_in_chromium(tmp_path):
    chromium()
    import pandas as pd

    from lngswap.reports.runs import unit
    from lngswap.reports.terms import terms_page

    rows = []
    for v, g_jp, g_kr in (("isolated", 0, 0), ("pooled", 5e6, 4e6), ("small", 1e6, -2e5),
                          ("large", 3e6, 2e6)):
        rows.append({"scenario": "s1", "variant": v, "max_outstanding_cargoes": 1,
                     "repay_within_days": 30, "fee_usd_per_mmbtu": 0.5,
                     "unserved_JP_mmbtu": 1e6 if v == "isolated" else 0.0,
                     "unserved_KR_mmbtu": 2e6 if v in ("isolated", "small") else 0.0,
                     "gain_JP_usd": g_jp, "gain_KR_usd": g_kr, "gain_usd": g_jp + g_kr,
                     "pooled_share": 0.5, "cargoes_swapped": 1.0,
                     "best_for_both": v == "large", "best_across_scenarios": v == "large"})
    page = tmp_path / "t.html"
    page.write_text(terms_page(pd.DataFrame(rows), unit("mt")))
    seen = open_page(page, tmp_path / "t.png")
    assert seen["errors"] == []
    assert seen["requests"] == []
    gains = next(c for c in seen["charts"] if c["title"].startswith("Gain"))
    assert [t["name"] for t in gains["traces"]] == ["JP", "KR"]
    assert [t["n"] for t in gains["traces"]] == [2, 2]  # the variants, not isolated/pooled
    assert "large" in page.read_text()
