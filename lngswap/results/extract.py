"""From the solver's arrays back to labelled tables: schedule, inventory, markets, summary.

All energy in MMBtu, money in USD, dates ISO; every table is sorted so reruns give the same
bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from lngswap.model.formulation import storage_target_days
from lngswap.model.lp import LinearProgram
from lngswap.solve.highs_backend import Outcome
from lngswap.tables.indices import ModelData
from lngswap.units import MMBTU_PER_TBTU

EPS = 1e-7
MM = MMBTU_PER_TBTU  # and USD per million USD (units.USD_PER_MUSD)


@dataclass
class Results:
    """Everything a run produces, as pandas tables plus a summary dict."""

    schedule: pd.DataFrame
    inventory: pd.DataFrame
    markets: pd.DataFrame
    summary: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def to_xarray(self) -> xr.Dataset:
        """The core results as one xarray Dataset: market x date, terminal x date and one
        row per schedule leg; dates as datetimes, units as attributes."""
        m = _dated(self.markets).set_index(["market", "date"])
        inv = _dated(self.inventory).set_index(["terminal", "date"])
        ds = xr.Dataset()
        for col in m.columns:
            if pd.api.types.is_numeric_dtype(m[col]):
                ds[f"market_{col}"] = m[col].to_xarray()
                ds[f"market_{col}"].attrs["units"] = unit_of(col)
        for col in inv.columns:
            if pd.api.types.is_numeric_dtype(inv[col]):
                ds[f"terminal_{col}"] = inv[col].to_xarray()
                ds[f"terminal_{col}"].attrs["units"] = unit_of(col)
        for name, var in table_dataset(self.schedule, "leg").data_vars.items():
            ds[f"leg_{name}"] = var
        ds.attrs["case"] = self.summary.get("case", "")
        ds.attrs["objective_usd"] = float(self.summary.get("objective_usd", 0.0))
        return ds

    def to_netcdf(self, path) -> None:
        """Write results.nc: the core Dataset at the root and every other table of the run
        folder (compliance, parties, swaps, ...) as a group of its own, one row per record."""
        self.to_xarray().to_netcdf(path)
        for name, table in sorted(self.tables.items()):
            table_dataset(table, "row").to_netcdf(path, mode="a", group=name)


#: Column-name endings and the units they stand for (longest first).
UNITS = (("_usd_per_mmbtu", "USD/MMBtu"), ("_mmbtu_days", "MMBtu days"), ("_mmbtu", "MMBtu"),
         ("_usd", "USD"), ("_days", "days"), ("_share", "1"), ("_s", "s"), ("_date", "date"))


def unit_of(column: str) -> str:
    """The unit a column's name declares (`blocked_mmbtu` -> MMBtu), '' if none."""
    for end, unit in UNITS:
        if column.endswith(end):
            return unit
    return "days" if column == "days_of_cover" else ""


def _dated(df: pd.DataFrame) -> pd.DataFrame:
    """ISO date columns (`date`, `*_date`) as datetimes."""
    out = df.copy()
    for col in out.columns:
        if ((col == "date" or col.endswith("_date"))
                and not pd.api.types.is_datetime64_any_dtype(out[col])):
            out[col] = pd.to_datetime(out[col], errors="coerce")
    return out


def table_dataset(table: pd.DataFrame, dim: str) -> xr.Dataset:
    """One table as a Dataset along `dim`: numbers as numbers (units from the column names),
    dates as datetimes, flags as 0/1, the rest as text."""
    t = _dated(table).reset_index(drop=True)
    ds = xr.Dataset(coords={dim: np.arange(len(t))})
    for col in t.columns:
        s = t[col]
        if pd.api.types.is_bool_dtype(s):
            values, unit = s.astype(np.int8).to_numpy(), "1 (true) or 0"
        elif pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
            values, unit = s.to_numpy(), unit_of(col)
        else:
            values, unit = s.fillna("").astype(str).to_numpy(dtype=object), ""
        ds[str(col)] = (dim, values)
        if unit and not pd.api.types.is_datetime64_any_dtype(s):
            ds[str(col)].attrs["units"] = unit
    return ds


def values(lp: LinearProgram, out: Outcome, block: str) -> np.ndarray:
    return out.x[lp.column(block)]


def duals(lp: LinearProgram, out: Outcome, block: str) -> np.ndarray:
    return out.row_dual[lp.row(block)]


def cut_off_table(md: ModelData) -> pd.DataFrame:
    """The cargoes a closure cut off (no open route while they could load), loading within
    the reported horizon: which, whose, when and how much."""
    c = md.cargo
    keep = c["cut_off"].to_numpy(dtype=bool) & (c["load_day"].to_numpy() < md.report_days)
    c = c[keep]
    return pd.DataFrame({
        "cargo_id": c["cargo_id"].astype(str).to_numpy(),
        "source": c["source"].astype(str).to_numpy(),
        "source_country": c["country"].astype(str).to_numpy(),
        "owner": c["owner"].astype(str).to_numpy(),
        "contract": c["contract"].fillna("").astype(str).to_numpy(),
        "load_date": [str(d) for d in md.cal.date_of(c["load_day"].to_numpy())],
        "volume_mmbtu": np.round(c["volume_tbtu"].to_numpy() * MM, 3),
    }).sort_values(["load_date", "cargo_id"], kind="stable").reset_index(drop=True)


def schedule_table(md: ModelData, x: np.ndarray) -> pd.DataFrame:
    """One row per cargo leg with a positive share, plus the legs already at sea."""
    arcs, cargo, nodes, cal = md.arcs, md.cargo, md.nodes, md.cal
    # HiGHS meets each cargo balance within its tolerance; trim that noise so no cargo is
    # shipped beyond its availability
    ca = arcs["cargo"].to_numpy()
    total = np.bincount(ca, weights=np.clip(x, 0, None), minlength=len(cargo))
    avail = cargo["avail"].to_numpy()
    scale = np.where(total > avail, avail / np.where(total > 0, total, 1.0), 1.0)
    x = np.clip(x, 0, None) * scale[ca]
    used = np.flatnonzero(x > EPS)
    a = arcs.iloc[used]
    c = cargo.iloc[a["cargo"].to_numpy()].reset_index(drop=True)
    frac = x[used]
    xs = md.crossings[md.crossings["arc"].isin(used)]
    pas = xs.groupby("arc")["passage"].agg(";".join)
    pdt = xs.assign(date=cal.date_of(xs["day"].to_numpy())).groupby("arc")["date"].agg(";".join)
    vol = c["volume_tbtu"].to_numpy() * frac * MM
    n = a["node"].to_numpy()
    sch = pd.DataFrame({
        "cargo_id": c["cargo_id"].to_numpy(),
        "source": c["source"].to_numpy(),
        "source_country": c["country"].to_numpy(),
        "owner": c["owner"].to_numpy(),
        "contract": c["contract"].to_numpy(),
        "term": c["term"].to_numpy(),
        "load_date": cal.date_of(a["load_day"].to_numpy()),
        "destination": nodes["terminal"].to_numpy()[n],
        "market": nodes["market"].to_numpy()[n],
        "party": nodes["party"].to_numpy()[n],
        "route": a["route"].to_numpy(),
        "passages": pas.reindex(used, fill_value="").to_numpy(),
        "passage_dates": pdt.reindex(used, fill_value="").to_numpy(),
        "voyage_days": a["voyage_days"].to_numpy(),
        "arrival_date": cal.date_of(a["arrival_day"].to_numpy()),
        "fraction": np.floor(frac * 1e9) / 1e9,
        "volume_mmbtu": np.round(vol, 3),
        "delivered_mmbtu": np.round(vol * a["delivered_share"].to_numpy(), 3),
        "price_usd_per_mmbtu": c["price_usd_per_mmbtu"].to_numpy(),
        "purchase_usd": np.round(vol * c["price_usd_per_mmbtu"].to_numpy(), 2),
        "freight_usd": np.round(vol * a["freight_usd_per_mmbtu"].to_numpy(), 2),
        "lender": a["lender"].to_numpy() if "lender" in a else "",
        "borrower": a["borrower"].to_numpy() if "borrower" in a else "",
        "diverted": a["diverted"].to_numpy(dtype=bool) if "diverted" in a else False,
        "status": "planned",
    })
    sch = pd.concat([_at_sea_rows(md), sch], ignore_index=True)
    return sch.sort_values(["load_date", "cargo_id", "destination", "route"],
                           kind="stable").reset_index(drop=True)


def _at_sea_rows(md: ModelData) -> pd.DataFrame:
    info = md.extras["presea_cargo"]
    if info.empty:
        return pd.DataFrame()
    n = info["node"].to_numpy()
    vol = info["volume_tbtu"].to_numpy() * MM
    return pd.DataFrame({
        "cargo_id": info["cargo_id"].to_numpy(), "source": info["source"].to_numpy(),
        "source_country": info["country"].to_numpy(), "owner": info["owner"].to_numpy(),
        "contract": info["contract"].to_numpy(), "term": info["term"].to_numpy(),
        "load_date": md.cal.date_of(info["load_day"].to_numpy()),
        "destination": md.nodes["terminal"].to_numpy()[n],
        "market": md.nodes["market"].to_numpy()[n], "party": md.nodes["party"].to_numpy()[n],
        "route": info["route"].to_numpy(), "passages": info["passages"].to_numpy(),
        "passage_dates": info["passage_dates"].to_numpy(),
        "voyage_days": info["voyage_days"].to_numpy(),
        "arrival_date": md.cal.date_of(info["arrival_day"].to_numpy()),
        "fraction": np.round(info["share"].to_numpy(), 9), "volume_mmbtu": np.round(vol, 3),
        "delivered_mmbtu": np.round(vol * info["delivered_share"].to_numpy(), 3),
        "price_usd_per_mmbtu": info["price_usd_per_mmbtu"].to_numpy(),
        "purchase_usd": np.round(vol * info["price_usd_per_mmbtu"].to_numpy(), 2),
        "freight_usd": np.round(vol * info["freight_usd_per_mmbtu"].to_numpy(), 2),
        "lender": "", "borrower": "", "diverted": False, "status": "at-sea",
    })


def inventory_table(md: ModelData, lp: LinearProgram, out: Outcome) -> pd.DataFrame:
    """Stock, arrivals and send-out per node and day."""
    nodes, D, arcs = md.nodes, md.cal.n, md.arcs
    N = len(nodes)
    x = values(lp, out, "ship")
    vol = md.cargo["volume_tbtu"].to_numpy()[arcs["cargo"].to_numpy()]
    arr = np.zeros(N * D)
    np.add.at(arr, arcs["node"].to_numpy() * D + arcs["arrival_day"].to_numpy(),
              x * vol * arcs["delivered_share"].to_numpy())
    arr += md.inflow.ravel()
    oi = lp.vars["at_sea_overflow"].index
    np.subtract.at(arr, oi["node"].to_numpy() * D + oi["day"].to_numpy(),
                   values(lp, out, "at_sea_overflow"))
    below = np.zeros(N * D)
    bi = lp.vars["below_floor"].index
    below[bi["node"].to_numpy() * D + bi["day"].to_numpy()] = values(lp, out, "below_floor")
    return pd.DataFrame({
        "terminal": np.repeat(nodes["terminal"].to_numpy(), D),
        "market": np.repeat(nodes["market"].to_numpy(), D),
        "date": np.tile(md.cal.date_of(np.arange(D)), N),
        "stock_mmbtu": np.round(values(lp, out, "stock") * MM, 3),
        "arrivals_mmbtu": np.round(arr * MM, 3),
        "sendout_mmbtu": np.round(values(lp, out, "sendout") * MM, 3),
        "tank_capacity_mmbtu": np.round(np.repeat(nodes["tank"].to_numpy(), D) * MM, 3),
        "floor_mmbtu": np.round(np.repeat(nodes["floor"].to_numpy(), D) * MM, 3),
        "below_floor_mmbtu": np.round(below * MM, 3),
    })


def markets_table(md: ModelData, lp: LinearProgram, out: Outcome,
                  inventory: pd.DataFrame) -> pd.DataFrame:
    """Demand, supply, shortfall, marginal value and days of cover per market and day."""
    dem, D = md.demand, md.cal.n
    dates = md.cal.date_of(np.arange(D))
    M = len(dem.markets)
    un = values(lp, out, "unserved").reshape(M, len(dem.tiers), D).sum(axis=1)
    core = pd.DataFrame({
        "market": np.repeat(dem.markets["market"].to_numpy(), D),
        "date": np.tile(dates, M),
        "demand_mmbtu": dem.demand.ravel() * MM,
        "unserved_mmbtu": un.ravel() * MM,
        "marginal_value_usd_per_mmbtu": duals(lp, out, "market_balance"),
    })
    core["supplied_mmbtu"] = core["demand_mmbtu"] - core["unserved_mmbtu"]
    ugs = np.zeros((M, D))
    sto = dem.storage
    if len(sto):
        ugs[sto["market"].to_numpy()] = values(lp, out, "ugs").reshape(len(sto), D)
    core["storage_mmbtu"] = ugs.ravel() * MM
    R = len(dem.row_markets)
    sale = np.zeros((R, D))
    si = lp.vars["row_sale"].index
    np.add.at(sale, (si["market"].to_numpy(), si["day"].to_numpy()), values(lp, out, "row_sale"))
    row = pd.DataFrame({
        "market": np.repeat(dem.row_markets["market"].to_numpy(), D),
        "date": np.tile(dates, R),
        "demand_mmbtu": sale.ravel() * MM,
        "unserved_mmbtu": 0.0,
        "marginal_value_usd_per_mmbtu": duals(lp, out, "row_balance"),
        "supplied_mmbtu": sale.ravel() * MM,
        "storage_mmbtu": 0.0,
    })
    base = pd.concat([core, row], ignore_index=True)
    base["base_demand_mmbtu"] = np.r_[dem.demand.ravel(), dem.row_base.ravel()] * MM
    stock = inventory.groupby(["market", "date"], sort=False)["stock_mmbtu"].sum()
    base["lng_stock_mmbtu"] = stock.reindex(pd.MultiIndex.from_frame(base[["market", "date"]])
                                            ).to_numpy()
    avg = base.groupby("market")["base_demand_mmbtu"].transform("mean").replace(0, np.nan)
    base["days_of_cover"] = ((base["lng_stock_mmbtu"] + base["storage_mmbtu"]) / avg).fillna(0.0)
    for col in ("demand_mmbtu", "supplied_mmbtu", "unserved_mmbtu", "storage_mmbtu",
                "base_demand_mmbtu", "lng_stock_mmbtu"):
        base[col] = base[col].round(3)
    base["marginal_value_usd_per_mmbtu"] = base["marginal_value_usd_per_mmbtu"].round(6)
    base["days_of_cover"] = base["days_of_cover"].round(4)
    cols = ["market", "date", "demand_mmbtu", "supplied_mmbtu", "unserved_mmbtu",
            "marginal_value_usd_per_mmbtu", "days_of_cover", "lng_stock_mmbtu", "storage_mmbtu",
            "base_demand_mmbtu"]
    return base[cols].sort_values(["market", "date"], kind="stable").reset_index(drop=True)


def cost_breakdown(md: ModelData, lp: LinearProgram, out: Outcome) -> dict[str, float]:
    """Objective terms in USD."""
    parts = {}
    for name, block in lp.vars.items():
        parts[name] = float(np.dot(block.cost, out.x[lp.column(name)])) * MM
    x = values(lp, out, "ship")
    ca = md.arcs["cargo"].to_numpy()
    vol = md.cargo["volume_tbtu"].to_numpy()[ca] * x * MM
    return {
        "purchase_usd": float(np.dot(vol, md.cargo["price_usd_per_mmbtu"].to_numpy()[ca])),
        "freight_usd": float(np.dot(vol, md.arcs["freight_usd_per_mmbtu"].to_numpy())),
        "unlifted_usd": parts.get("unlifted", 0.0),
        "regas_usd": parts.get("sendout", 0.0),
        "unserved_penalty_usd": parts.get("unserved", 0.0),
        "floor_penalty_usd": parts.get("below_floor", 0.0),
        "working_stock_penalty_usd": parts.get("below_working", 0.0),
        "storage_target_penalty_usd": parts.get("ugs_short", 0.0)
        + parts.get("ugs_end_short", 0.0),
        "storage_cycling_usd": parts.get("inject", 0.0),
        "at_sea_overflow_usd": parts.get("at_sea_overflow", 0.0),
        "row_sales_value_usd": -parts.get("row_sale", 0.0),
        "end_stock_value_usd": -(parts.get("end_stock", 0.0) + parts.get("end_ugs", 0.0)),
    }


def storage_targets(md: ModelData, lp: LinearProgram, out: Outcome) -> list[dict]:
    """EU storage level on each target day against its target."""
    sto, D = md.demand.storage, md.cal.n
    if not len(sto):
        return []
    ugs = values(lp, out, "ugs").reshape(len(sto), D)
    rows = []
    for t in storage_target_days(md):
        for z in range(len(sto)):
            cap = sto["cap"].iat[z]
            rows.append({"market": md.demand.markets["market"].iat[sto["market"].iat[z]],
                         "date": str(md.cal.date_of(np.array([t]))[0]),
                         "fill": round(float(ugs[z, t] / cap), 4) if cap else 0.0,
                         "target": md.case.economics.storage_target_share})
    return rows
