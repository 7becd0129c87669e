"""Excel workbooks of an output folder: the summary sheet first, then a sheet per CSV.

Each sheet is the CSV as pandas reads it (so a workbook re-read with pandas equals the CSVs):
the header row is the CSV's header, whose column names carry their units, frozen; numbers get
a number format, ISO dates become Excel dates and columns are sized to their contents.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def sheet_name(stem: str, used: set[str]) -> str:
    """An Excel sheet name (at most 31 characters, no []:*?/\\), unique in the book."""
    name = re.sub(r"[\[\]:*?/\\]", "_", stem)[:31] or "sheet"
    base, k = name, 2
    while name.lower() in used:
        name = f"{base[:28]}~{k}"
        k += 1
    used.add(name.lower())
    return name


def _number_format(s: pd.Series) -> str:
    """Integers with thousands separators; other numbers to a precision their size needs."""
    v = s.dropna().to_numpy(dtype=float)
    if not len(v):
        return "General"
    if np.all(np.mod(v, 1) == 0):
        return "#,##0"
    big = np.nanmax(np.abs(v))
    return "#,##0.00" if big >= 100 else "0.000###"


def _dates(s: pd.Series) -> pd.Series | None:
    """The column as dates if every value is an ISO date (YYYY-MM-DD), else None."""
    if not (s.dtype == object or pd.api.types.is_string_dtype(s)):
        return None
    vals = s.dropna().astype(str)
    if not len(vals) or not vals.str.match(DATE).all():
        return None
    return pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")


def _scalar(x):
    """A cell value: None for missing, numbers and booleans as they are, the rest as text."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return None
    if isinstance(x, (bool, int, float, np.number)):
        return x.item() if isinstance(x, np.generic) else x
    return str(x)


def add_sheet(wb: Workbook, name: str, df: pd.DataFrame) -> None:
    """Write `df` as a formatted sheet."""
    ws = wb.create_sheet(name)
    ws.append([str(c) for c in df.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    fmts, cols = [], []
    for c in df.columns:
        s = df[c]
        d = _dates(s)
        if d is not None:
            cols.append([None if pd.isna(x) else x.to_pydatetime() for x in d])
            fmts.append("yyyy-mm-dd")
        elif pd.api.types.is_bool_dtype(s):
            cols.append(s.tolist())
            fmts.append("General")
        elif pd.api.types.is_numeric_dtype(s):
            cols.append([None if pd.isna(x) else (int(x) if float(x).is_integer()
                                                   and abs(x) < 2**53 else float(x))
                         for x in s.tolist()])
            fmts.append(_number_format(s))
        else:  # text, or a mix (the summary's value column): numbers stay numbers
            cols.append([_scalar(x) for x in s.tolist()])
            fmts.append("General")
    for row in zip(*cols, strict=True) if cols else []:
        ws.append(list(row))
    for j, c in enumerate(df.columns, start=1):
        letter = get_column_letter(j)
        for cell in ws[letter][1:]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            if cell.value is not None:
                cell.number_format = fmts[j - 1]
        sample = [str(c), *(str(v) for v in cols[j - 1][:200])]
        ws.column_dimensions[letter].width = min(60, max(8, *(len(v) for v in sample)) + 2)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def flatten(doc, prefix: str = "") -> list[tuple[str, object]]:
    """Nested summary.json as (dotted key, value) rows; lists of scalars joined."""
    rows: list[tuple[str, object]] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            rows += flatten(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(doc, list) and any(isinstance(x, (dict, list)) for x in doc):
        for i, v in enumerate(doc):
            rows += flatten(v, f"{prefix}.{i}")
    elif isinstance(doc, list):
        rows.append((prefix, "; ".join(str(x) for x in doc)))
    else:
        rows.append((prefix, doc))
    return rows


def summary_frame(summary: dict) -> pd.DataFrame:
    """The summary sheet: one figure a row, its unit read off its key."""
    rows = []
    for key, v in flatten(summary):
        unit = next((u for suf, u in (("_mmbtu_days", "MMBtu-days"),
                                      ("_usd_per_mmbtu", "USD/MMBtu"), ("_usd", "USD"),
                                      ("_mmbtu", "MMBtu"), ("_s", "s"), ("days", "days"))
                     if any(part.endswith(suf) for part in key.split("."))), "")
        rows.append({"figure": key, "value": v, "unit": unit})
    return pd.DataFrame(rows, columns=["figure", "value", "unit"])


def write_workbook(folder: Path, path: Path, title: str = "summary") -> Path:
    """A workbook of every CSV in `folder` (summary.json, if there, as the first sheet)."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    summ = Path(folder) / "summary.json"
    if summ.exists():
        add_sheet(wb, sheet_name(title, used), summary_frame(json.loads(summ.read_text())))
    for csv in sorted(Path(folder).glob("*.csv")):
        add_sheet(wb, sheet_name(csv.stem, used), pd.read_csv(csv))
    if not wb.sheetnames:
        add_sheet(wb, "empty", pd.DataFrame({"note": ["the folder holds no tables"]}))
    wb.save(path)
    return Path(path)
