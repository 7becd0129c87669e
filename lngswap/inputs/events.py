"""Disruption events in case files: their schema, validation and day windows.

Each event is dated (inclusive ISO `start` and `end`) and composable; the model area it
touches applies it (supply outages in `supply.py`, closures in `shipping.py`, ...).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from lngswap.inputs.scenarios import EndScenario, check_end_scenarios
from lngswap.inputs.windows import check_window


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    start: date = Field(description="First day of the event (inclusive).")
    end: date = Field(description="Last day of the event (inclusive).")
    note: str = Field("", description="What real event this follows, with its source.")
    end_scenarios: list[EndScenario] | None = Field(
        None, description="Possible ends with probabilities (summing to 1), instead of one "
        "`end`; `end` is then the latest of them (the window the event may cover).")
    announced: date | None = Field(
        None, description="Day the event becomes known, if before its start (rolling "
        "foresight); unset: known on its first day.")

    @model_validator(mode="before")
    @classmethod
    def _end_from_scenarios(cls, data):
        if isinstance(data, dict) and data.get("end") is None and data.get("end_scenarios"):
            ends = [s.get("end") if isinstance(s, dict) else getattr(s, "end", None)
                    for s in data["end_scenarios"]]
            ends = [date.fromisoformat(e) if isinstance(e, str) else e for e in ends]
            if all(isinstance(e, date) for e in ends):
                data = {**data, "end": max(ends)}
        return data

    @model_validator(mode="after")
    def _window(self):
        if self.end_scenarios is not None:
            check_end_scenarios(self.start, self.end_scenarios)
        check_window(self.start, self.end)
        if self.end_scenarios is not None:
            if self.end != max(s.end for s in self.end_scenarios):
                raise ValueError(f"end {self.end} is not the latest of end_scenarios; give "
                                 "one of `end` or `end_scenarios`, not both")
        if self.announced is not None and self.announced > self.start:
            raise ValueError(f"announced {self.announced} is after the start {self.start}; "
                             "expected on or before it")
        return self

    def days(self, start: date, n_days: int) -> np.ndarray:
        """Boolean mask over the horizon's days: True inside the event window."""
        d = np.arange(n_days)
        a, b = (self.start - start).days, (self.end - start).days
        return (d >= a) & (d <= b)


class SupplyOutage(_Event):
    """Liquefaction sources (by slug, or all of a country) run at `factor` of availability."""

    type: Literal["supply_outage"]
    sources: list[str] = Field(default_factory=list, description="Source slugs.")
    country: str | None = Field(None, description="Every source of this country.")
    factor: float = Field(ge=0, le=1, description="Share of normal output (0 = halted).")

    @model_validator(mode="after")
    def _target(self):
        if not self.sources and not self.country:
            raise ValueError("supply_outage needs `sources` or `country`")
        return self


class _PassageEvent(_Event):
    passage: str = Field(description="Friendly passage name (hormuz, suez, panama, ...).")

    @field_validator("passage")
    @classmethod
    def _known(cls, v: str) -> str:
        from lngswap.network.passages import valid_passages

        if v not in valid_passages():
            raise ValueError(
                f"unknown passage {v!r}; expected one of: {', '.join(valid_passages())}")
        return v


class ChokepointClosure(_PassageEvent):
    """No ship crosses `passage` in the window: cargoes reroute, or cannot sail."""

    type: Literal["chokepoint_closure"]


class CanalRestriction(_PassageEvent):
    """At most `transits_per_day` LNG carriers cross `passage` per day in the window."""

    type: Literal["canal_restriction"]
    transits_per_day: float = Field(ge=0, le=1000, description="LNG carrier transits per day.")


class DemandShock(_Event):
    """A market's demand is multiplied by `factor` in the window."""

    type: Literal["demand_shock"]
    market: str
    factor: float = Field(ge=0, le=10, description="Demand multiplier (1 = unchanged).")


class TerminalOutage(_Event):
    """A terminal's regasification runs at `factor` of capacity in the window."""

    type: Literal["terminal_outage"]
    terminal: str
    factor: float = Field(ge=0, le=1)


class FleetShortage(_Event):
    """Only `factor` of the carrier fleet is available in the window."""

    type: Literal["fleet_shortage"]
    factor: float = Field(ge=0, le=1)


class PriceShock(_Event):
    """A price index is set to `value` or multiplied by `factor` in the window."""

    type: Literal["price_shock"]
    index: Literal["brent", "henry_hub", "ttf", "jkm"]
    value: float | None = Field(None, ge=0, le=1000, description="Level in the index's unit.")
    factor: float | None = Field(None, ge=0, le=100, description="Multiplier on the level.")

    @model_validator(mode="after")
    def _one(self):
        if (self.value is None) == (self.factor is None):
            raise ValueError("price_shock needs exactly one of `value` or `factor`")
        return self


class FreightShock(_Event):
    """Charter rates for voyages loading in the window: `factor` x the normal rate, or
    `charter_usd_per_day` (e.g. Atlantic spot offers of 200,000 USD/day on 2-3 March 2026)."""

    type: Literal["freight_shock"]
    factor: float | None = Field(None, ge=0, le=20, description="Multiple of the normal rate.")
    charter_usd_per_day: float | None = Field(None, ge=0, le=1e7,
                                              description="Rate in the window.")

    @model_validator(mode="after")
    def _one(self):
        if (self.factor is None) == (self.charter_usd_per_day is None):
            raise ValueError("freight_shock needs exactly one of `factor` or "
                             "`charter_usd_per_day`")
        return self


class WarRiskPremium(_PassageEvent):
    """Each transit of `passage` in the window pays `usd_per_transit` of war-risk cover."""

    type: Literal["war_risk_premium"]
    usd_per_transit: float = Field(ge=0, le=1e8, description="Premium per transit, USD.")


class StrandedShips(_PassageEvent):
    """`carriers` LNG carriers caught behind a closed `passage` are lost to trade in the
    window (51 either side of Hormuz on 5 March 2026, Kpler)."""

    type: Literal["stranded_ships"]
    carriers: float = Field(ge=0, le=1e4, description="Carriers unavailable.")


Event = Annotated[
    SupplyOutage | ChokepointClosure | CanalRestriction | DemandShock | TerminalOutage
    | FleetShortage | PriceShock | FreightShock | WarRiskPremium | StrandedShips,
    Field(discriminator="type"),
]


def of_type(events: list, kind: str) -> list:
    """The events of one type, in case-file order."""
    return [e for e in events if e.type == kind]
