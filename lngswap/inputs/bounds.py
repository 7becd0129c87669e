"""Plausibility bounds for every number in a dataset, and the key columns of every file.

A value outside its range is refused (file, row, column, value and the range), because a
number of the wrong unit does not fail by itself: `capacity_mtpa` given in tonnes builds a
billion cargoes, a boil-off of 50 %/day or a price of 1e300 turns into an LP that HiGHS cannot
solve. The ranges are wide (several times the largest real value) so that any real case fits;
they catch wrong units and typing slips, not unusual data. Every number must also be finite.

Each entry is (lowest, highest, why); `lo_open` bounds exclude the lower end (a speed of 0).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bound:
    """Allowed range of one numeric column (both ends included unless `lo_open`)."""

    lo: float
    hi: float
    why: str
    lo_open: bool = False

    def holds(self, x: float) -> bool:
        above = x > self.lo if self.lo_open else x >= self.lo
        return above and x <= self.hi

    def text(self) -> str:
        left = "(" if self.lo_open else "["
        return f"{left}{self.lo:g}, {self.hi:g}]"


B = Bound
LON, LAT = B(-180, 180, "degrees east"), B(-90, 90, "degrees north")
PRICE = B(0, 1000, "USD/MMBtu; the 2022 crisis peak was about 70")

#: file -> column -> allowed range. Columns of kind `p` (shares) are [0, 1] by their kind.
BOUNDS: dict[str, dict[str, Bound]] = {
    "sources": {
        "lon": LON, "lat": LAT,
        "capacity_mtpa": B(0, 300, "Mt per year per plant; the largest complex (Ras Laffan) "
                           "is about 80, so a value in tonnes is caught"),
        "spot_cost_usd_per_mmbtu": PRICE,
    },
    "terminals": {
        "lon": LON, "lat": LAT,
        "regas_mtpa": B(0, 500, "Mt per year per terminal group (Tokyo Bay about 90)"),
        "tank_m3": B(0, 5e7, "m3 of LNG tank per terminal group (Tokyo Bay about 6.6 million)"),
        "floor_t": B(0, 1e7, "tonnes of strategic stock per terminal"),
    },
    "markets": {
        "lng_demand_mtpa": B(0, 2000, "Mt per year (world LNG trade is about 410)"),
        "floor_days": B(0, 365, "days of average demand held as stock duty"),
    },
    "demand_profile": {
        "month": B(1, 12, "calendar month"),
        "factor": B(0, 10, "month factor on the annual average (averages 1)"),
    },
    "row_demand": {
        "step": B(0, 1000, "step number"),
        "share": B(0, 10, "share of base demand on this step"),
        "wtp_usd_per_mmbtu": PRICE,
    },
    "contracts": {
        "acq_mtpa": B(0, 300, "Mt per year per contract"),
        "slope": B(0, 10, "price per unit of the index (oil slopes about 0.1-0.2 per USD/bbl, "
                   "hub slopes about 1.15)"),
        "constant_usd_per_mmbtu": B(-100, 1000, "USD/MMBtu added to the indexed price"),
        "cancel_fee_usd_per_mmbtu": PRICE,
    },
    "storage": {
        "capacity_mmbtu": B(0, 1e11, "MMBtu of working gas per zone (EU total about 3.4e9)"),
        "injection_mmbtu_per_day": B(0, 1e10, "MMBtu per day"),
        "withdrawal_mmbtu_per_day": B(0, 1e10, "MMBtu per day"),
    },
    "passages": {
        "fee_usd_per_transit": B(0, 1e8, "USD per transit (Suez about 0.45 million)"),
        "transits_per_day": B(0, 1000, "LNG-carrier transits per day"),
    },
    "prices": {"value": B(0, 1000, "USD/MMBtu or USD/bbl (unit column)", lo_open=True)},
    "penalties": {
        "tier": B(0, 1000, "tier number"),
        "usd_per_mmbtu": B(0, 1e5, "USD/MMBtu of unserved demand"),
    },
    "routes": {"distance_nm": B(0, 50000, "nautical miles; the Earth's circumference is "
                                "21,600", lo_open=True)},
}

#: fleet.csv: parameter -> allowed range of its `value`.
FLEET_BOUNDS: dict[str, Bound] = {
    "carriers": B(0, 1e5, "vessels (the world fleet is about 750)"),
    "cargo_m3": B(1000, 500000, "m3 per standard cargo (newbuilds 174,000)"),
    "speed_knots": B(0, 40, "knots; a carrier sails at 17-20", lo_open=True),
    "port_days": B(0, 60, "days per port call"),
    "charter_usd_per_day": B(0, 1e7, "USD per day (spot rates 20,000-400,000)"),
    "boil_off_pct_per_day": B(0, 1, "% of the cargo per day at sea (about 0.1)", lo_open=False),
}

#: The columns that identify a row: no two rows of a file may share them.
KEYS: dict[str, tuple[str, ...]] = {
    "sources": ("source_id",),
    "terminals": ("terminal",),
    "markets": ("market",),
    "demand_profile": ("profile", "month"),
    "row_demand": ("market", "step"),
    "contracts": ("contract",),
    "storage": ("market",),
    "fleet": ("parameter",),
    "passages": ("passage",),
    "prices": ("index", "start_date"),
    "penalties": ("tier",),
    "routes": ("port", "terminal", "route"),
}


def bounds_table() -> list[tuple[str, str, str, str]]:
    """(file, column, range, why) of every bound, for the documentation."""
    rows = [(f, c, b.text(), b.why) for f, cols in BOUNDS.items() for c, b in cols.items()]
    rows += [("fleet", f"value ({k})", b.text(), b.why) for k, b in FLEET_BOUNDS.items()]
    return rows
