"""Load a dataset folder and check it before anything is built from it.

Every problem names the file, the row (the line number an editor shows, header = row 1,
blank lines counted) and the column, and all problems are raised together. NaN is an error,
never a zero; every number must be finite and within its plausible range (`bounds.py`); no two
rows share their key columns; every name is resolved.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lngswap.errors import InputError, Problems
from lngswap.inputs.bounds import BOUNDS, FLEET_BOUNDS, KEYS
from lngswap.inputs.files import read_csv_lines
from lngswap.inputs.windows import reversed_window
from lngswap.network.passages import valid_passages
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
#: The unit each price index is quoted in (prices.csv `unit`).
PRICE_UNITS = {"brent": "USD/bbl", "henry_hub": "USD/MMBtu", "ttf": "USD/MMBtu",
               "jkm": "USD/MMBtu"}
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
            df, lines = read_csv_lines(path, f"{name}.csv file")
        except InputError as e:
            problems.extend(e.problems)
            continue
        df.index = pd.Index(lines)  # messages name the line the user sees
        checked = _check_columns(path, df, cols, problems)
        # provenance is `source` in every file; the plant slug is `source_id` in sources.csv
        checked = checked.rename(columns={"source": "provenance"})
        tables[name] = checked.rename(columns={"source_id": "source"})
    if not problems.items:
        _check_keys(folder, tables, problems)
    if not problems.items:  # references are checked on tables whose keys are unique
        _check_references(folder, tables, problems)
    problems.raise_if_any()
    tables = {k: v.reset_index(drop=True) for k, v in tables.items()}
    return Dataset(folder, tables, hashes)


def _check_columns(path: Path, df: pd.DataFrame, cols: dict[str, str], problems: Problems
                   ) -> pd.DataFrame:
    """Parse each column by its kind; row numbers in messages are the file's line numbers
    (the frame's index)."""
    missing = [c for c in cols if c not in df.columns]
    if "source" not in df.columns:
        missing.append("source")
    if missing:
        problems.add(f"{path}: missing column(s) {', '.join(missing)}")
        return df
    out = df.copy()
    bounds = BOUNDS.get(path.stem, {})
    blank_src = out.index[out["source"].str.strip() == ""]
    for i in blank_src[:5]:
        problems.add(f"{path} row {i}: empty 'source' (every row needs its provenance)")
    for col, kind in cols.items():
        raw = out[col].str.strip()
        empty = raw == ""
        if kind.startswith("s"):
            if kind == "s":
                for i in out.index[empty][:5]:
                    problems.add(f"{path} row {i}, column '{col}': empty, expected text")
            out[col] = raw
            continue
        if kind.startswith("d"):
            parsed = pd.to_datetime(raw.where(~empty), format="%Y-%m-%d", errors="coerce")
            bad = parsed.isna() & (~empty if kind == "d?" else True)
            for i in out.index[bad][:5]:
                problems.add(f"{path} row {i}, column '{col}': {raw[i]!r} is not a date "
                             "(YYYY-MM-DD, a day that exists)")
            out[col] = parsed
            continue
        num = pd.to_numeric(raw.where(~empty), errors="coerce").astype(float)
        bad = num.isna() & ~empty
        for i in out.index[bad][:5]:
            problems.add(f"{path} row {i}, column '{col}': {raw[i]!r} is not a number")
        if kind != "f?":
            for i in out.index[empty][:5]:
                problems.add(f"{path} row {i}, column '{col}': empty, expected a number")
        infinite = np.isinf(num.to_numpy())
        for i in out.index[infinite][:5]:
            problems.add(f"{path} row {i}, column '{col}': {raw[i]!r} is not finite; expected "
                         "a number")
        finite = num.where(~infinite)
        if kind in ("f+", "p"):
            for i in out.index[finite < 0][:5]:
                problems.add(f"{path} row {i}, column '{col}': {num[i]:g} is negative; "
                             "expected a number >= 0")
        if kind == "p":
            for i in out.index[finite > 1][:5]:
                problems.add(f"{path} row {i}, column '{col}': {num[i]:g} is above 1; "
                             "expected a share in [0, 1]")
        b = bounds.get(col)
        if b is not None:
            above = finite > b.lo if b.lo_open else finite >= b.lo
            outside = finite.notna() & ~(above & (finite <= b.hi))
            if kind in ("f+", "p"):
                outside &= finite >= 0  # negatives are reported above
            for i in out.index[outside][:5]:
                problems.add(f"{path} row {i}, column '{col}': {num[i]:g} is outside the "
                             f"plausible range {b.text()} ({b.why})")
        out[col] = num
    return out


def _check_keys(folder: Path, t: dict[str, pd.DataFrame], problems: Problems) -> None:
    """No two rows of a file share their key columns (a second row would silently win)."""
    for name, key in KEYS.items():
        df = t.get(name)
        cols = [{"source_id": "source"}.get(k, k) for k in key]  # as renamed on load
        if df is None or not all(c in df.columns for c in cols):
            continue
        first: dict[tuple, int] = {}
        keys = df[cols].astype(str).itertuples(index=False, name=None)
        for line, vals in zip(df.index, keys, strict=True):
            if vals in first:
                shown = ", ".join(f"{k} {v!r}" for k, v in zip(key, vals, strict=True))
                problems.add(f"{folder / f'{name}.csv'} row {line}: duplicate row ({shown} "
                             f"already on row {first[vals]}); each {' + '.join(key)} once")
            else:
                first[vals] = line


def _check_fleet(path: Path, fleet: pd.DataFrame, problems: Problems) -> None:
    """Each fleet parameter within its plausible range."""
    for line, key, value in zip(fleet.index, fleet["parameter"], fleet["value"], strict=True):
        b = FLEET_BOUNDS.get(key)
        if b is None and key not in FLEET_KEYS:
            problems.add(f"{path} row {line}, column 'parameter': unknown parameter {key!r}; "
                         f"expected one of {', '.join(FLEET_KEYS)}")
        elif b is not None and not b.holds(value):
            problems.add(f"{path} row {line}: {key} {value:g} is outside the plausible range "
                         f"{b.text()} ({b.why})")


def _check_routes(folder: Path, t: dict[str, pd.DataFrame], problems: Problems) -> None:
    """Every passage a route names is known, with one offset each, inside the route."""
    path = folder / "routes.csv"
    known = set(valid_passages())
    p = t["passages"]
    for line, name in zip(p.index, p["passage"], strict=True):
        if name not in known:
            problems.add(f"{folder / 'passages.csv'} row {line}, column 'passage': unknown "
                         f"passage {name!r}; expected one of {', '.join(sorted(known))}")
    r = t["routes"]
    shown = 0
    for line, names, offs, dist in zip(r.index, r["passages"], r["passage_offsets_nm"],
                                       r["distance_nm"], strict=True):
        if shown >= 5:
            break
        ns = [x.strip() for x in names.split(";") if x.strip()]
        os_ = [x.strip() for x in offs.split(";") if x.strip()]
        for n in ns:
            if n not in known:
                problems.add(f"{path} row {line}, column 'passages': unknown passage {n!r}; "
                             f"expected one of {', '.join(sorted(known))}")
                shown += 1
        if len(os_) != len(ns):
            problems.add(f"{path} row {line}, column 'passage_offsets_nm': {len(os_)} "
                         f"offset(s) for {len(ns)} passage(s); expected one per passage")
            shown += 1
            continue
        vals = [_number(x) for x in os_]
        if any(not 0 <= x <= dist + 1e-6 for x in vals):  # NaN fails every comparison
            problems.add(f"{path} row {line}, column 'passage_offsets_nm': {offs!r}; expected "
                         f"numbers from 0 to the route's distance {dist:g} nm")
            shown += 1


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


def _check_voyages(folder: Path, t: dict[str, pd.DataFrame], problems: Problems) -> None:
    """Boil-off over the longest voyage must leave something to deliver."""
    f = t["fleet"].set_index("parameter")["value"]
    speed, boil = float(f.get("speed_knots", 0)), float(f.get("boil_off_pct_per_day", 0))
    if speed <= 0 or not len(t["routes"]):
        return
    days = float(np.ceil(t["routes"]["distance_nm"].max() / (speed * 24.0)))
    if boil * days >= 100.0:
        problems.add(f"{folder / 'fleet.csv'}: boil_off_pct_per_day {boil:g} over the longest "
                     f"voyage ({days:g} days at speed_knots {speed:g}) boils off the whole "
                     "cargo; expected a loss well under 100 %")
def _unknown(path: Path, df: pd.DataFrame, col: str, valid, what: str, problems: Problems,
             allow: tuple[str, ...] = ()) -> None:
    valid = set(valid) | set(allow)
    for i in df.index[~df[col].isin(valid)][:5]:
        problems.add(f"{path} row {i}, column '{col}': unknown {what} {df.at[i, col]!r}")


def _check_references(folder: Path, t: dict[str, pd.DataFrame], problems: Problems) -> None:
    f = lambda n: folder / f"{n}.csv"  # noqa: E731
    _check_fleet(f("fleet"), t["fleet"], problems)
    _check_routes(folder, t, problems)
    _check_voyages(folder, t, problems)
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
        msg = reversed_window(c.at[i, "start_date"].date(), c.at[i, "end_date"].date(),
                              ("start_date", "end_date"))
        problems.add(f"{f('contracts')} row {i}: {msg}")
    _unknown(f("prices"), t["prices"], "index", INDEXES, "price index", problems)
    pr = t["prices"]
    want = pr["index"].map(PRICE_UNITS)
    for i in pr.index[want.notna() & (pr["unit"] != want)][:5]:
        problems.add(f"{f('prices')} row {i}, column 'unit': {pr.at[i, 'unit']!r}; a "
                     f"{pr.at[i, 'index']} price is in {want[i]}")
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
