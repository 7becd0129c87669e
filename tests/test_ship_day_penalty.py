"""`economics.ship_day_penalty_usd` adds its cost to every ship-day of a round trip."""

from __future__ import annotations

import dataclasses

import numpy as np

from lngswap.inputs.dataset import load_dataset
from lngswap.network.shipping import fleet_of, route_table


def test_ship_day_penalty_adds_penalty_times_round_trip_days_per_cargo():
    ds = load_dataset("default")
    fleet = fleet_of(ds, _NoOverrides())
    dearer = dataclasses.replace(fleet, ship_day_penalty_usd=25_000.0)
    plain, _ = route_table(ds, fleet)
    charged, _ = route_table(ds, dearer)
    extra = charged["freight_usd_per_mmbtu"] - plain["freight_usd_per_mmbtu"]
    expected = 25_000.0 * plain["rt_days"] / fleet.cargo_mmbtu
    assert np.allclose(extra, expected, rtol=1e-12)
    assert (extra > 0).all()


class _NoOverrides:
    """A `shipping:` block that overrides nothing."""

    carriers = None
    speed_knots = None
    charter_usd_per_day = None
