"""The daily time grid of a case and the price paths on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from lngswap.inputs.events import of_type


@dataclass(frozen=True)
class Calendar:
    """Days 0..n-1 from `start`; day numbers index every time-dependent array."""

    start: date
    n: int

    @property
    def dates(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, periods=self.n, freq="D")

    def day(self, d: date) -> int:
        """Day number of a date (may be negative or beyond the horizon)."""
        return (d - self.start).days

    def date_of(self, day: np.ndarray) -> np.ndarray:
        """ISO date strings of day numbers."""
        base = np.datetime64(self.start, "D")
        return np.datetime_as_string(base + np.asarray(day, dtype="timedelta64[D]"), unit="D")

    def months(self) -> np.ndarray:
        """Calendar month (1-12) of each day."""
        return self.dates.month.to_numpy()

    def shifted(self, days: int) -> date:
        return self.start + timedelta(days=days)


def price_paths(prices: pd.DataFrame, cal: Calendar, events: list,
                first_day: int) -> dict[str, np.ndarray]:
    """Daily level of each price index from day `first_day` to the horizon end.

    The level on a day is that of the latest `prices.csv` row starting on or before it (the
    earliest row before that); `price_shock` events then set or scale it in their windows.
    Array position i holds day `first_day + i`.
    """
    days = np.arange(first_day, cal.n)
    dates = np.datetime64(cal.start, "D") + days.astype("timedelta64[D]")
    out: dict[str, np.ndarray] = {}
    for idx, g in prices.sort_values("start_date", kind="stable").groupby("index", sort=True):
        starts = g["start_date"].to_numpy(dtype="datetime64[D]")
        pos = np.searchsorted(starts, dates, side="right") - 1
        out[str(idx)] = g["value"].to_numpy(dtype=float)[np.clip(pos, 0, None)]
    for ev in of_type(events, "price_shock"):
        mask = ev.days(cal.start, cal.n)[np.clip(days, 0, None)] & (days >= 0)
        if ev.value is not None:
            out[ev.index] = np.where(mask, ev.value, out[ev.index])
        else:
            out[ev.index] = np.where(mask, out[ev.index] * ev.factor, out[ev.index])
    return out
