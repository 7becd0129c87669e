"""Shared fixtures: a tiny dataset written from tables, so optima can be solved by hand.

The toy world: sources `src-a` (port `pa`) and `src-b` (port `pb`); core markets JP and KR
with one terminal each (`jp-t`, `kr-t`); one rest-of-world market ROW-X (node `row-x`).
Voyage days follow from `distance_nm` at 10 knots (240 nm a day).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest
import yaml

from lngswap.units import MMBTU_PER_T, T_PER_M3

SRC = "toy"

BASE_TABLES: dict[str, list[dict]] = {
    "sources": [
        {"source_id": "src-a", "name": "A", "country": "Aland", "port": "pa", "lon": 0, "lat": 0,
         "capacity_mtpa": 0.0, "availability": 1.0, "start_date": "", "tags": "aland",
         "spot_cost_usd_per_mmbtu": 2.0},
        {"source_id": "src-b", "name": "B", "country": "Bland", "port": "pb", "lon": 1, "lat": 1,
         "capacity_mtpa": 0.0, "availability": 1.0, "start_date": "", "tags": "bland",
         "spot_cost_usd_per_mmbtu": 3.0},
    ],
    "terminals": [
        {"terminal": "jp-t", "name": "JP T", "members": "", "country": "Japan", "market": "JP",
         "party": "JP", "kind": "terminal", "lon": 0, "lat": 0, "regas_mtpa": 10.0,
         "tank_m3": 1_000_000, "tank_estimated": "no", "initial_fill": 0.0, "floor_t": 0.0},
        {"terminal": "kr-t", "name": "KR T", "members": "", "country": "Korea", "market": "KR",
         "party": "KR", "kind": "terminal", "lon": 0, "lat": 0, "regas_mtpa": 10.0,
         "tank_m3": 1_000_000, "tank_estimated": "no", "initial_fill": 0.0, "floor_t": 0.0},
        {"terminal": "row-x", "name": "ROW X", "members": "", "country": "X", "market": "ROW-X",
         "party": "ROW", "kind": "row", "lon": 0, "lat": 0, "regas_mtpa": 100.0,
         "tank_m3": 0.0, "tank_estimated": "no", "initial_fill": 0.0, "floor_t": 0.0},
    ],
    "markets": [
        {"market": "JP", "name": "Japan", "party": "JP", "kind": "core", "lng_demand_mtpa": 0.0,
         "profile": "flat", "floor_days": 0.0},
        {"market": "KR", "name": "Korea", "party": "KR", "kind": "core", "lng_demand_mtpa": 0.0,
         "profile": "flat", "floor_days": 0.0},
        {"market": "ROW-X", "name": "Rest", "party": "ROW", "kind": "row",
         "lng_demand_mtpa": 0.0, "profile": "flat", "floor_days": 0.0},
    ],
    "demand_profile": [{"profile": "flat", "month": m, "factor": 1.0} for m in range(1, 13)],
    "row_demand": [{"market": "ROW-X", "step": 1, "share": 1.0, "wtp_usd_per_mmbtu": 5.0}],
    "contracts": [],
    "storage": [],
    "fleet": [
        {"parameter": "carriers", "value": 1000, "unit": "ships"},
        {"parameter": "cargo_m3", "value": 100_000, "unit": "m3"},
        {"parameter": "speed_knots", "value": 10, "unit": "kn"},
        {"parameter": "port_days", "value": 0, "unit": "d"},
        {"parameter": "charter_usd_per_day", "value": 0, "unit": "USD/d"},
        {"parameter": "boil_off_pct_per_day", "value": 0, "unit": "%/d"},
    ],
    "passages": [
        {"passage": "suez", "lon": 32.5, "lat": 30.0, "fee_usd_per_transit": 0,
         "transits_per_day": ""},
        {"passage": "hormuz", "lon": 56.3, "lat": 26.5, "fee_usd_per_transit": 0,
         "transits_per_day": ""},
    ],
    "prices": [{"index": i, "start_date": "2020-01-01", "value": v, "unit": u}
               for i, v, u in (("brent", 70, "USD/bbl"), ("henry_hub", 3, "USD/MMBtu"),
                               ("ttf", 10, "USD/MMBtu"), ("jkm", 11, "USD/MMBtu"))],
    "penalties": [{"tier": 1, "share": 1.0, "usd_per_mmbtu": 100.0}],
    "routes": [
        {"port": p, "terminal": t, "route": "direct", "distance_nm": 240.0 * d, "passages": "",
         "passage_offsets_nm": "", "searoute_version": "toy"}
        for p, t, d in (("pa", "jp-t", 2), ("pa", "kr-t", 3), ("pa", "row-x", 2),
                        ("pb", "jp-t", 3), ("pb", "kr-t", 2), ("pb", "row-x", 2))
    ],
}

COLUMNS = {
    "contracts": ["contract", "owner", "market", "seller", "acq_mtpa", "term", "start_date",
                  "end_date", "price_formula", "index", "slope", "constant_usd_per_mmbtu",
                  "destination", "cancel_fee_usd_per_mmbtu"],
    "storage": ["market", "capacity_mmbtu", "initial_fill", "injection_mmbtu_per_day",
                "withdrawal_mmbtu_per_day"],
}


def write_dataset(folder: Path, tables: dict[str, list[dict]]) -> Path:
    """Write a dataset folder from row dicts (a `source` column is added to every row)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        df = pd.DataFrame(rows, columns=COLUMNS.get(name) if not rows else None)
        df["source"] = SRC
        df.to_csv(folder / f"{name}.csv", index=False)
    return folder


def write_case(folder: Path, dataset: Path, days: int = 10, **keys) -> Path:
    """A case over `days` days from 2026-01-01 on the given dataset."""
    end = pd.Timestamp("2026-01-01") + pd.Timedelta(days=days - 1)
    doc = {"name": keys.pop("name", "toy"), "dataset": str(dataset),
           "horizon": {"start": "2026-01-01", "end": str(end.date())}}
    doc.update(keys)
    # toy tanks may start empty: no heel unless a test sets one
    doc.setdefault("economics", {}).setdefault("tank_heel_share", 0.0)
    path = folder / f"{doc['name']}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


@pytest.fixture
def toy_tables() -> dict[str, list[dict]]:
    """A fresh, editable copy of the toy tables."""
    return copy.deepcopy(BASE_TABLES)


@pytest.fixture
def toy(tmp_path, toy_tables):
    """Build a toy case: toy(edit=fn(tables), days=..., **case keys) -> case path."""

    def make(edit=None, days: int = 10, **keys) -> Path:
        tables = copy.deepcopy(toy_tables)
        if edit:
            edit(tables)
        ds = write_dataset(tmp_path / "data", tables)
        return write_case(tmp_path, ds, days=days, **keys)

    return make


@pytest.fixture(autouse=True, scope="session")
def _own_plan_store(tmp_path_factory):
    """Solves stored by the tests go to a folder of their own, never the user's cache."""
    import os

    folder = tmp_path_factory.mktemp("plan-store")
    saved = os.environ.get("LNGSWAP_CACHE_DIR")
    os.environ["LNGSWAP_CACHE_DIR"] = str(folder)
    yield folder
    if saved is None:
        os.environ.pop("LNGSWAP_CACHE_DIR", None)
    else:
        os.environ["LNGSWAP_CACHE_DIR"] = saved


# --- the swap world shared by test_swaps.py and test_swap_terms.py -------------------------
# Japan owns every cargo of `src-a` (one every 5 days), Korea every cargo of `src-b`, which
# starts on 13 January; each market burns a tenth of a cargo a day (see test_swaps.py).
CARGO = 100_000 * T_PER_M3 * MMBTU_PER_T  # 2,088,450 MMBtu
DAILY = CARGO / 10
EVERY_5_DAYS_MTPA = 365 * 100_000 * T_PER_M3 / 5 / 1e6
AGREEMENT = {"name": "jp-kr", "parties": ["JP", "KR"], "repay_within_days": 20,
             "max_outstanding_cargoes": 2, "fee_usd_per_mmbtu": 0.0}


def contract(cid: str, owner: str, seller: str, mtpa: float) -> dict:
    return {"contract": cid, "owner": owner, "market": owner, "seller": seller,
            "acq_mtpa": mtpa, "term": "long", "start_date": "2020-01-01",
            "end_date": "2030-12-31", "price_formula": "fixed", "index": "", "slope": 0.0,
            "constant_usd_per_mmbtu": 2.0, "destination": "FOB",
            "cancel_fee_usd_per_mmbtu": 0.0}


def swap_world(t: dict) -> None:
    """Japan long early, Korea short early and long later (see the module docstring)."""
    for s in t["sources"]:
        s["capacity_mtpa"] = EVERY_5_DAYS_MTPA
    t["sources"][1]["start_date"] = "2026-01-13"
    t["markets"][0]["lng_demand_mtpa"] = EVERY_5_DAYS_MTPA / 2
    t["markets"][1]["lng_demand_mtpa"] = EVERY_5_DAYS_MTPA / 2
    t["fleet"][4]["value"] = 1_000_000.0
    t["contracts"] = [contract("jp-a", "JP", "src-a", EVERY_5_DAYS_MTPA),
                      contract("kr-b", "KR", "src-b", EVERY_5_DAYS_MTPA)]


# -- the compliance toy (rules on the toy world) ----------------------------------------
CHARTER = 1_000_000.0
START = "2026-01-01"


def world(t) -> None:
    """Both sources load a cargo every 5 days; JP and KR each need half of one source."""
    for s in t["sources"]:
        s["capacity_mtpa"] = EVERY_5_DAYS_MTPA
    t["sources"][1]["spot_cost_usd_per_mmbtu"] = 2.8
    t["markets"][0]["lng_demand_mtpa"] = EVERY_5_DAYS_MTPA / 2
    t["markets"][1]["lng_demand_mtpa"] = EVERY_5_DAYS_MTPA / 2
    t["fleet"][4]["value"] = CHARTER


def rule(rid: str, kind: str, **keys) -> dict:
    base = {"id": rid, "kind": kind, "description": f"test rule {rid}", "source": "test",
            "from": START, "adherents": ["JP"], "origin": {"tags": ["aland"]}}
    base.update(keys)
    return base


def rules_file(folder: Path, rules: list[dict], name: str = "rules.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump({"rules": rules}, sort_keys=False))
    return path
