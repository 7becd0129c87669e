"""Excel workbooks: re-read with pandas they equal the CSVs; the sheets are formatted."""

from __future__ import annotations

import json

import numpy as np
import openpyxl
import pandas as pd
import pytest
from report_world import make_runs, runner

from lngswap.cli import app
from lngswap.reports.workbook import sheet_name, write_workbook


def same(csv: pd.Series, sheet: pd.Series) -> bool:
    """Equal values: numbers to 1e-9 relative, dates as dates, the rest as text."""
    if pd.api.types.is_datetime64_any_dtype(sheet):
        a = pd.to_datetime(csv)
        return bool(((a == sheet) | (a.isna() & sheet.isna())).all())
    if pd.api.types.is_numeric_dtype(csv) and not pd.api.types.is_bool_dtype(csv):
        a, b = csv.to_numpy(float), sheet.to_numpy(float)
        return bool(np.allclose(a, b, rtol=1e-9, atol=0, equal_nan=True))
    return bool((csv.fillna("").astype(str) == sheet.fillna("").astype(str)).all())


def test_run_workbook_equals_the_csvs(toy, tmp_path):
    _, swaps = make_runs(toy, tmp_path, "--xlsx")
    book = swaps / "run.xlsx"
    assert book.exists()
    sheets = pd.read_excel(book, sheet_name=None)
    names = list(sheets)
    assert names[0] == "summary"
    csvs = sorted(swaps.glob("*.csv"))
    assert names[1:] == [c.stem for c in csvs]
    for c in csvs:
        df, sh = pd.read_csv(c), sheets[c.stem]
        assert list(sh.columns) == list(df.columns), c.name
        assert len(sh) == len(df), c.name
        for col in df.columns:
            assert same(df[col], sh[col]), (c.name, col)
    objective = json.loads((swaps / "summary.json").read_text())["objective_usd"]
    summ = sheets["summary"].set_index("figure")
    assert summ.loc["objective_usd", "value"] == pytest.approx(objective, rel=1e-12)
    assert summ.loc["objective_usd", "unit"] == "USD"
    wb = openpyxl.load_workbook(book)
    for name in names:
        ws = wb[name]
        assert ws.freeze_panes == "A2", name
        assert all(ws.column_dimensions[c].width >= 8 for c in "AB"), name
    ws = wb["markets"]
    assert ws["B2"].number_format == "yyyy-mm-dd"  # date column as Excel dates
    assert ws["C2"].number_format != "General"
    # the workbook is listed in the run's manifest like every other output
    man = json.loads((swaps / "manifest.json").read_text())
    assert "run.xlsx" in man["outputs"]
    assert "schedule.csv" in man["outputs"]


def test_compare_workbook_and_compare_needs_out_for_it(toy, tmp_path):
    base, swaps = make_runs(toy, tmp_path)
    r = runner.invoke(app, ["compare", str(base), str(swaps), "--xlsx"])
    assert r.exit_code == 2
    assert "--out" in r.output
    out = tmp_path / "cmp"
    r = runner.invoke(app, ["compare", str(base), str(swaps), "--out", str(out), "--xlsx"])
    assert r.exit_code == 0, r.output
    sh = pd.read_excel(out / "comparison.xlsx", sheet_name="comparison")
    df = pd.read_csv(out / "comparison.csv")
    for col in df.columns:
        assert same(df[col], sh[col]), col
    # the console shows a short headline, not every figure
    assert len(r.output.splitlines()) < 20
    assert f"all {len(df)} figures in" in r.output


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    (tmp_path / "t.csv").write_text("a,b\n=1+1,2\n")
    write_workbook(tmp_path, tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["t"]
    assert ws["A2"].value == "=1+1"
    assert ws["A2"].data_type == "s"


def test_sheet_names_are_short_and_unique():
    used: set[str] = set()
    a = sheet_name("x" * 40, used)
    b = sheet_name("x" * 40, used)
    assert len(a) == 31
    assert len(b) <= 31
    assert a != b


def test_workbook_into_a_folder_with_the_users_files_keeps_them(toy, tmp_path):
    case = toy(days=5)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    r = runner.invoke(app, ["run", str(case), "--out", str(out), "--xlsx"])
    assert r.exit_code == 2
    assert "notes.txt" in r.output
    r = runner.invoke(app, ["run", str(case), "--out", str(out), "--xlsx", "--overwrite"])
    assert r.exit_code == 0, r.output
    assert (out / "notes.txt").read_text() == "my notes"
    assert (out / "run.xlsx").exists()
    assert (out / "schedule.csv").exists()
