"""Unit conversions, each with its source, in one place.

Inside the LP, energy is in TBtu (1e6 MMBtu) and money in million USD, so a price in
USD/MMBtu times a flow in TBtu is million USD and market duals read directly in USD/MMBtu.
"""

from __future__ import annotations

#: MMBtu per tonne of LNG. Energy Institute Statistical Review 2024, approximate conversion
#: factors: 1 Mt LNG = 46.41 trillion Btu (data/conversions.csv).
MMBTU_PER_T = 46.41
#: Tonnes of LNG per m3 of LNG (density about 0.45 t/m3; data/conversions.csv).
T_PER_M3 = 0.45
#: bcm of natural gas per Mt of LNG. Energy Institute Statistical Review 2024.
BCM_PER_MT = 1.36
#: MMBtu per barrel of oil at energy parity (PRODUCT.md; the price-cap conversion).
MMBTU_PER_BBL = 5.8
#: MMBtu per TBtu.
MMBTU_PER_TBTU = 1e6
#: USD per million USD.
USD_PER_MUSD = 1e6
#: Nautical miles per day at one knot.
NM_PER_DAY_PER_KNOT = 24.0


def mt_to_tbtu(mt: float) -> float:
    """Million tonnes of LNG to TBtu."""
    return mt * 1e6 * MMBTU_PER_T / MMBTU_PER_TBTU


def m3_to_tbtu(m3: float) -> float:
    """m3 of LNG to TBtu."""
    return m3 * T_PER_M3 * MMBTU_PER_T / MMBTU_PER_TBTU


def usd_per_bbl_to_usd_per_mmbtu(value: float, mmbtu_per_bbl: float = MMBTU_PER_BBL) -> float:
    """Oil price to a gas-equivalent price at energy parity."""
    return value / mmbtu_per_bbl
