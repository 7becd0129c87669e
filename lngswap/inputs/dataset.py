"""Load a dataset folder and check it before anything is built from it.

Every problem names the file, the row (1-based, as a spreadsheet shows it, header = row 1)
and the column, and all problems are raised together. NaN is an error, never a zero.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lngswap.errors import InputError, Problems
from lngswap.paths import bundled_data_dir

# column kinds: s = text (required), s? = text (may be empty), f = number (required),
# f? = number (may be empty), f+ = number >= 0, p = share in [0, 1], d = ISO date,
# d? = date or empty
SCHEMA: dict[str, dict[str, str]] = {
    "sources": {
        "source_id": "s", "name": "s", "country": "s", "port": "s", "lon": "f", "lat": "f",
        "capacity_mtpa": "f+", "availability": "p", "start_date": "d?", "tags": "s?",
        "spot_cost_usd_per_mmbtu": "f+",
    },
    "terminals": {
        "terminal": "s", "name": "s", "country": "s", "market": "s", "party": "s", "kind": "s",
        "lon": "f", "lat": "f", "regas_mtpa": "f+", "tank_m3": "f+", "initial_fill": "p",
        "floor_t": "f+",
    },
    "markets": {
        "market": "s", "name": "s", "party": "s", "kind": "s", "lng_demand_mtpa": "f+",
        "profile": "s", "floor_days": "f+",
    },
    "demand_profile": {"profile": "s", "month": "f", "factor": "f+"},
    "row_demand": {"market": "s", "step": "f", "share": "f+", "wtp_usd_per_mmbtu": "f+"},
    "contracts": {
        "contract": "s", "owner": "s", "market": "s", "seller": "s", "acq_mtpa": "f+",
        "term": "s", "start_date": "d", "end_date": "d", "price_formula": "s", "index": "s?",
        "slope": "f", "constant_usd_per_mmbtu": "f", "destination": "s",
        "cancel_fee_usd_per_mmbtu": "f?",
    },
    "storage": {
        "market": "s", "capacity_mmbtu": "f+", "initial_fill": "p",
        "injection_mmbtu_per_day": "f+", "withdrawal_mmbtu_per_day": "f+",
    },
    "fleet": {"parameter": "s", "value": "f+", "unit": "s?"},
    "passages": {"passage": "s", "fee_usd_per_transit": "f+", "transits_per_day": "f?"},
    "prices": {"index": "s", "start_date": "d", "value": "f+", "unit": "s"},
    "penalties": {"tier": "f", "share": "p", "usd_per_mmbtu": "f+"},
    "routes": {
        "port": "s", "terminal": "s", "route": "s", "distance_nm": "f+", "passages": "s?",
        "passage_offsets_nm": "s?",
    },
}
ALL_FILES = list(SCHEMA)
INDEXES = ("brent", "henry_hub", "ttf", "jkm")
FLEET_KEYS = ("carriers", "cargo_m3", "speed_knots", "port_days", "charter_usd_per_day",
              "boil_off_pct_per_day")


@dataclass
class Dataset:
    """The validated tables of one dataset folder, plus the hash of every file read."""

    folder: Path
    tables: dict[str, pd.DataFrame]
    hashes: dict[str, str]

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def fleet_value(self, key: str) -> float:
        f = self.tables["fleet"]
        return float(f.loc[f["parameter"] == key, "value"].iloc[0])


def resolve_folder(dataset: str) -> Path:
    """The folder a case's `dataset:` names ('default' = the bundled data)."""
    return bundled_data_dir() if dataset in ("default", "", None) else Path(dataset)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_dataset(dataset: str | Path = "default") -> Dataset:
    """Read and check every CSV of a dataset folder; raise InputError listing all problems."""
    folder = resolve_folder(str(dataset))
    if not folder.is_dir():
        raise InputError(f"dataset folder {folder}: not found")
    problems = Problems()
    tables: dict[str, pd.DataFrame] = {}
    hashes: dict[str, str] = {}
    for name, cols in SCHEMA.items():
        path = folder / f"{name}.csv"
        if not path.exists():
            problems.add(f"{path}: file missing (every dataset needs {name}.csv; see docs/data.md)")
            continue
        hashes[f"{name}.csv"] = sha256(path)
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False)
        except Exception as e:  # noqa: BLE001 - any parse failure is a bad file
            problems.add(f"{path}: cannot be read as CSV: {e}")
            continue
        checked = _check_columns(path, df, cols, problems)
        # provenance is `source` in every file; the plant slug is `source_id` in sources.csv
        checked = checked.rename(columns={"source": "provenance"})
        tables[name] = checked.rename(columns={"source_id": "source"})
    if not problems.items:
        _check_references(folder, tables, problems)
    problems.raise_if_any()
    return Dataset(folder, tables, hashes)


def _check_columns(path: Path, df: pd.DataFrame, cols: dict[str, str], problems: Problems
                   ) -> pd.DataFrame:
    missing = [c for c in cols if c not in df.columns]
    if "source" not in df.columns:
        missing.append("source")
    if missing:
        problems.add(f"{path}: missing column(s) {', '.join(missing)}")
        return df
    out = df.copy()
    blank_src = out.index[out["source"].str.strip() == ""]
    for i in blank_src[:5]:
        problems.add(f"{path} row {i + 2}: empty 'source' (every row needs its provenance)")
    for col, kind in cols.items():
        raw = out[col].str.strip()
        empty = raw == ""
        if kind.startswith("s"):
            if kind == "s":
                for i in out.index[empty][:5]:
                    problems.add(f"{path} row {i + 2}, column '{col}': empty, expected text")
            out[col] = raw
            continue
        if kind.startswith("d"):
            parsed = pd.to_datetime(raw.where(~empty), format="%Y-%m-%d", errors="coerce")
            bad = parsed.isna() & (~empty if kind == "d?" else True)
            for i in out.index[bad][:5]:
                problems.add(f"{path} row {i + 2}, column '{col}': {raw[i]!r} is not an ISO date "
                             "(YYYY-MM-DD)")
            out[col] = parsed
            continue
        num = pd.to_numeric(raw.where(~empty), errors="coerce")
        bad = num.isna() & ~empty
        for i in out.index[bad][:5]:
            problems.add(f"{path} row {i + 2}, column '{col}': {raw[i]!r} is not a number")
        if kind != "f?":
            for i in out.index[empty][:5]:
                problems.add(f"{path} row {i + 2}, column '{col}': empty, expected a number")
        if kind in ("f+", "p"):
            for i in out.index[num < 0][:5]:
                problems.add(f"{path} row {i + 2}, column '{col}': {num[i]:g} is negative; "
                             "expected a number >= 0")
        if kind == "p":
            for i in out.index[num > 1][:5]:
                problems.add(f"{path} row {i + 2}, column '{col}': {num[i]:g} is above 1; "
                             "expected a share in [0, 1]")
        out[col] = num.astype(float)
    return out


def _unknown(path: Path, df: pd.DataFrame, col: str, valid, what: str, problems: Problems,
             allow: tuple[str, ...] = ()) -> None:
    valid = set(valid) | set(allow)
    for i in df.index[~df[col].isin(valid)][:5]:
        problems.add(f"{path} row {i + 2}, column '{col}': unknown {what} {df.at[i, col]!r}")


def _check_references(folder: Path, t: dict[str, pd.DataFrame], problems: Problems) -> None:
    f = lambda n: folder / f"{n}.csv"  # noqa: E731
    for name, key in (("sources", "source"), ("terminals", "terminal"), ("markets", "market"),
                      ("contracts", "contract")):
        dup = t[name][key][t[name][key].duplicated()]
        for i in dup.index[:5]:
            problems.add(f"{f(name)} row {i + 2}: duplicate {key} {dup[i]!r}")
    markets = set(t["markets"]["market"])
    parties = set(t["markets"]["party"])
    _unknown(f("terminals"), t["terminals"], "market", markets, "market", problems)
    _unknown(f("terminals"), t["terminals"], "party", parties, "party", problems)
    _unknown(f("terminals"), t["terminals"], "kind", ("terminal", "row"), "kind", problems)
    _unknown(f("markets"), t["markets"], "kind", ("core", "row"), "kind", problems)
    _unknown(f("markets"), t["markets"], "profile", set(t["demand_profile"]["profile"]),
             "profile", problems)
    _unknown(f("row_demand"), t["row_demand"], "market", markets, "market", problems)
    _unknown(f("storage"), t["storage"], "market", markets, "market", problems)
    c = t["contracts"]
    _unknown(f("contracts"), c, "seller", set(t["sources"]["source"]), "source", problems)
    _unknown(f("contracts"), c, "owner", parties, "party", problems)
    _unknown(f("contracts"), c, "market", markets, "market", problems)
    _unknown(f("contracts"), c, "term", ("long", "short"), "term", problems)
    _unknown(f("contracts"), c, "price_formula", ("oil", "hub", "fixed"), "price formula",
             problems)
    _unknown(f("contracts"), c, "destination", ("DES", "FOB"), "destination rule", problems)
    _unknown(f("contracts"), c[c["price_formula"] != "fixed"], "index", INDEXES, "price index",
             problems)
    for i in c.index[c["end_date"] < c["start_date"]][:5]:
        problems.add(f"{f('contracts')} row {i + 2}: end_date before start_date")
    _unknown(f("prices"), t["prices"], "index", INDEXES, "price index", problems)
    missing_idx = set(INDEXES) - set(t["prices"]["index"])
    if missing_idx:
        problems.add(f"{f('prices')}: no level for index(es) {', '.join(sorted(missing_idx))}")
    missing_fleet = set(FLEET_KEYS) - set(t["fleet"]["parameter"])
    if missing_fleet:
        problems.add(f"{f('fleet')}: missing parameter row(s) {', '.join(sorted(missing_fleet))}")
    for m in t["markets"].loc[t["markets"]["lng_demand_mtpa"] > 0, "market"]:
        if m not in set(t["terminals"]["market"]):
            problems.add(f"{f('markets')}: market {m!r} has demand but no terminal in "
                         f"{f('terminals')}")
    tiers = float(t["penalties"]["share"].sum())
    if abs(tiers - 1.0) > 1e-6:
        problems.add(f"{f('penalties')}: tier shares sum to {tiers:g}; expected 1 (every unit "
                     "of demand belongs to one tier)")
    r = t["routes"]
    _unknown(f("routes"), r, "port", set(t["sources"]["port"]), "port", problems)
    _unknown(f("routes"), r, "terminal", set(t["terminals"]["terminal"]), "terminal", problems)
    have = set(zip(r["port"], r["terminal"], strict=True))
    need = {(p, n) for p in t["sources"]["port"].unique() for n in t["terminals"]["terminal"]}
    lacking = sorted(need - have)
    if lacking:
        problems.add(f"{f('routes')}: no route for {len(lacking)} port-terminal pair(s), e.g. "
                     f"{lacking[0]}; run `lngswap routes` to recompute")
    prof = t["demand_profile"]
    for p, g in prof.groupby("profile"):
        if sorted(g["month"].astype(int)) != list(range(1, 13)):
            problems.add(f"{f('demand_profile')}: profile {p!r} needs months 1..12 once each")
        elif abs(float(np.mean(g["factor"])) - 1.0) > 0.01:
            problems.add(f"{f('demand_profile')}: profile {p!r} factors average "
                         f"{np.mean(g['factor']):.3f}; expected 1.0")
