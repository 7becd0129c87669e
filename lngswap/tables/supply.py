"""Supply: each liquefaction source's cargo schedule, owners, prices and availability.

A source loads one standard cargo every `365 x cargo_t / (capacity x availability)` days.
Cargoes go to the source's contracts in proportion to their annual quantities (interleaved,
so each contract gets an even cadence) and the rest are spot. Cargoes loaded before the
horizon start are kept: those still at sea arrive as fixed inflows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lngswap.errors import InputError
from lngswap.inputs.calendar import Calendar, price_paths
from lngswap.inputs.dataset import Dataset
from lngswap.inputs.events import of_type
from lngswap.units import MMBTU_PER_T, T_PER_M3

SPOT = "spot"


def cargo_tonnes(ds: Dataset) -> float:
    """Tonnes of LNG in one standard cargo."""
    return ds.fleet_value("cargo_m3") * T_PER_M3


def build_cargoes(ds: Dataset, cal: Calendar, events: list, lookback_days: int,
                  spot_index: str | None = None) -> pd.DataFrame:
    """One row per cargo loaded from `-lookback_days` to the horizon end.

    Columns: cargo_id, source, name, country, port, tags, load_day, volume_tbtu, owner,
    contract, market (the contract buyer's market, empty for spot), term, destination,
    clause (destination clause: restricted, consent or none), price_usd_per_mmbtu,
    cancel_usd_per_mmbtu, avail (share of the cargo that exists after supply outages).
    """
    src = ds.sources.sort_values("source", kind="stable").reset_index(drop=True)
    con = ds.contracts.sort_values("contract", kind="stable").reset_index(drop=True)
    cargo_t = cargo_tonnes(ds)
    vol_tbtu = cargo_t * MMBTU_PER_T / 1e6
    rows = []
    first = -lookback_days
    for s in src.itertuples(index=False):
        annual_t = s.capacity_mtpa * 1e6 * s.availability
        if annual_t <= 0:
            continue
        spacing = 365.0 * cargo_t / annual_t
        begin = first if pd.isna(s.start_date) else max(first, cal.day(s.start_date.date()))
        k = np.arange(int(np.ceil((cal.n - begin) / spacing)) + 1)
        # phase: a fixed half-spacing offset, anchored to the horizon start so reruns agree
        days = np.floor(begin + spacing * (k + 0.5)).astype(np.int64)
        days = days[days < cal.n]
        mine = con[con["seller"] == s.source]
        owners = _assign(days, mine, annual_t, cal)
        for d, j in zip(days, owners, strict=True):
            rows.append((s.source, s.name, s.country, s.port, s.tags, int(d), j,
                         s.spot_cost_usd_per_mmbtu))
    cargo = pd.DataFrame(rows, columns=["source", "name", "country", "port", "tags", "load_day",
                                        "contract_row", "spot_cost"])
    cargo = cargo.sort_values(["load_day", "source"], kind="stable").reset_index(drop=True)
    dates = cal.date_of(cargo["load_day"].to_numpy())
    cargo.insert(0, "cargo_id", [f"{s}-{d}" for s, d in
                                 zip(cargo["source"], dates, strict=True)])
    _dedupe_ids(cargo)
    cargo["volume_tbtu"] = vol_tbtu
    _attach_contract_terms(cargo, con, ds, cal, events, first, spot_index)
    cargo["avail"] = supply_availability(cargo, cal, events)
    return cargo.drop(columns=["contract_row", "spot_cost"])


def _assign(days: np.ndarray, contracts: pd.DataFrame, annual_t: float, cal: Calendar
            ) -> np.ndarray:
    """Contract row (or -1 for spot) of each cargo: stride scheduling on annual shares."""
    out = np.full(len(days), -1, dtype=np.int64)
    if contracts.empty:
        return out
    share = contracts["acq_mtpa"].to_numpy() * 1e6 / annual_t
    if share.sum() > 1.0:  # contracts exceed output: each gets its pro-rata part
        share = share / share.sum()
    start = np.array([cal.day(d.date()) for d in contracts["start_date"]])
    end = np.array([cal.day(d.date()) for d in contracts["end_date"]])
    idx = contracts.index.to_numpy()
    k = len(share)
    shares = np.append(share, max(0.0, 1.0 - share.sum())).tolist()
    credit = [0.0] * (k + 1)
    first, last = start.tolist(), end.tolist()
    # plain floats: a few contracts per source, so a Python loop beats numpy calls per cargo
    for i, d in enumerate(days.tolist()):
        j, top = k, -np.inf
        for q in range(k + 1):
            if q == k or first[q] <= d <= last[q]:
                credit[q] += shares[q]
                if credit[q] > top:  # the first of equal credits wins
                    j, top = q, credit[q]
        credit[j] -= 1.0
        out[i] = idx[j] if j < k else -1
    return out


def _dedupe_ids(cargo: pd.DataFrame) -> None:
    dup = cargo["cargo_id"].duplicated(keep=False)
    if dup.any():
        n = cargo[dup].groupby("cargo_id").cumcount() + 1
        cargo.loc[dup, "cargo_id"] = cargo.loc[dup, "cargo_id"] + "-" + n.astype(str)


def _attach_contract_terms(cargo: pd.DataFrame, con: pd.DataFrame, ds: Dataset, cal: Calendar,
                           events: list, first: int, spot_index: str | None = None) -> None:
    """Owner, contract, buyer market, destination clause, price and cancellation cost of each
    cargo. A spot cargo costs its plant's short-run cost, or the hub index `spot_index` on its
    loading day when the case prices spot purchases from a hub."""
    j = cargo["contract_row"].to_numpy(dtype=np.int64)
    is_con = j >= 0
    jj = np.where(is_con, j, 0)

    def pick(col: str, default: str) -> np.ndarray:
        vals = con[col].to_numpy(dtype=object) if len(con) else np.array([default], dtype=object)
        return np.where(is_con, vals[jj], default)

    cargo["owner"] = pick("owner", SPOT)
    cargo["contract"] = pick("contract", SPOT)
    cargo["market"] = pick("market", "")
    cargo["term"] = pick("term", SPOT)
    cargo["destination"] = pick("destination", "FOB")
    if "destination_clause" in con.columns:
        cargo["clause"] = pick("destination_clause", "none")
    else:  # a dataset without the column: DES cargoes need the seller's consent, FOB is free
        cargo["clause"] = np.where(cargo["destination"] == "DES", "consent", "none")
    day = cargo["load_day"].to_numpy()
    price = cargo["spot_cost"].to_numpy(dtype=float).copy()
    if spot_index is not None:
        spot = ~is_con
        price[spot] = formula_level(ds.prices, cal, events, first, spot_index, 0, 0, day[spot])
    cancel = np.zeros(len(cargo))
    k = np.flatnonzero(is_con)
    jk = j[k]
    fixed = con["price_formula"].to_numpy()[jk] == "fixed"
    index = con["index"].to_numpy(dtype=object)[jk]
    lag = _months(con, "index_lag_months")[jk]
    avg = _months(con, "index_average_months")[jk]
    level = np.zeros(len(k))
    for name, lg, av in sorted({(n, a, b) for n, a, b, f in zip(index, lag, avg, fixed,
                                                                strict=True) if not f}):
        on = (index == name) & (lag == lg) & (avg == av) & ~fixed
        level[on] = formula_level(ds.prices, cal, events, first, name, lg, av, day[k[on]])
    price[k] = (con["slope"].to_numpy(dtype=float)[jk] * level
                + con["constant_usd_per_mmbtu"].to_numpy(dtype=float)[jk])
    fee = con["cancel_fee_usd_per_mmbtu"].to_numpy(dtype=float)[jk]
    cancel[k] = np.where(np.isnan(fee), price[k], fee)  # empty fee: take-or-pay at full price
    cargo["price_usd_per_mmbtu"] = np.round(price, 6)
    cargo["cancel_usd_per_mmbtu"] = np.round(cancel, 6)


def _months(con: pd.DataFrame, col: str) -> np.ndarray:
    """An optional whole-months column of contracts.csv (0 where the dataset lacks it)."""
    if col not in con.columns:
        return np.zeros(len(con), dtype=np.int64)
    raw = con[col].astype(str).str.strip().replace("", "0")
    num = pd.to_numeric(raw, errors="coerce")
    bad = num.isna() | (num < 0) | (num != np.floor(num))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"contracts.csv row {i + 2}, column '{col}': {con[col].iat[i]!r}; "
                         "expected a whole number of months >= 0")
    return num.to_numpy(dtype=np.int64)


def formula_level(prices: pd.DataFrame, cal: Calendar, events: list, first: int, index: str,
                  lag_months: int, average_months: int, days: np.ndarray) -> np.ndarray:
    r"""Index level a price formula reads on each loading day.

    With `average_months` = 0 it is the day's level; otherwise the mean of the monthly
    averages of months :math:`m - L - A + 1 .. m - L` (L lag, A averaging months, m the
    loading month), as oil-indexed contracts read Brent (e.g. A = 3, L = 1: months n-1..n-3).
    Days before the price table starts take its earliest level.
    """
    if average_months <= 0:
        path = price_paths(prices, cal, events, first)[index]
        return path[np.asarray(days) - first]
    back = 31 * (lag_months + average_months + 1)
    lo = first - back
    path = price_paths(prices, cal, events, lo)[index]
    dates = pd.DatetimeIndex(cal.dates[0] + pd.to_timedelta(np.arange(lo, cal.n), unit="D"))
    key = dates.year.to_numpy() * 12 + dates.month.to_numpy() - 1
    monthly = pd.Series(path).groupby(key).mean()
    mean_of = monthly.rolling(average_months, min_periods=1).mean().shift(lag_months)
    mean_of = mean_of.bfill()
    want = key[np.asarray(days) - lo]
    return mean_of.reindex(want).to_numpy(dtype=float)


def supply_availability(cargo: pd.DataFrame, cal: Calendar, events: list) -> np.ndarray:
    """Share of each cargo that exists: 1, times every `supply_outage` factor covering it."""
    avail = np.ones(len(cargo))
    day = cargo["load_day"].to_numpy()
    for ev in of_type(events, "supply_outage"):
        hit = cargo["source"].isin(ev.sources).to_numpy()
        if ev.country:  # not in place: pandas may hand out a read-only array
            hit = hit | (cargo["country"].str.lower() == ev.country.lower()).to_numpy()
        inside = (day >= cal.day(ev.start)) & (day <= cal.day(ev.end))
        avail = np.where(hit & inside, avail * ev.factor, avail)
    return avail
