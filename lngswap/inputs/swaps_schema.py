"""Swap agreements in a case file (`swaps:`), validated strictly.

An agreement lets one party's contracted cargo serve the other party's terminals; the ledger
in `swaps.py` makes the borrower return the same energy in kind. Every term is a bound, a cost
or a right-hand side of the LP, so term variants re-solve in place (`swap_terms.py`).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from lngswap.inputs.windows import check_window

#: Longest exchange window of a `location` swap: beyond it the exchange is a loan (`time`).
LOCATION_MAX_DAYS = 30

#: The agreement keys a terms file may vary (`swap_terms.py`); `parties`, `name` and `kind`
#: change which arcs exist and are fixed per case.
TERM_KEYS = ("direction", "repay_within_days", "max_outstanding_cargoes", "max_cargoes",
             "fee_usd_per_mmbtu", "active", "lender_min_stock_share")


class Window(BaseModel):
    """A dated window, both ends inclusive."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    start: date = Field(description="First day (ISO date).")
    end: date = Field(description="Last day (ISO date, inclusive).")

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        check_window(self.start, self.end)
        return self


class Condition(BaseModel):
    """An agreement is in force only while `party` adheres to every rule in `adheres_to`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    party: str = Field(description="Party whose adherence the agreement requires.")
    adheres_to: list[str] = Field(min_length=1, description="Rule ids (of the case's rule "
                                  "files) the party must adhere to.")


class SwapAgreement(BaseModel):
    """A swap agreement between two parties (e.g. the KOGAS-JERA MOU of 2023, rules.csv KR-02)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
                      description="Agreement id, used in swaps.csv (letters, digits, - _ .).")
    parties: list[str] = Field(description="The two parties (party codes of the dataset, e.g. "
                               "JP and KR). Checked against the dataset when the model is built.")
    direction: str = Field("both", description="'both' (either party may lend) or 'A->B' (only "
                           "A lends to B; B's cargoes reach A's terminals only to repay).")
    kind: Literal["time", "location"] = Field(
        "time", description="time: the lender's cargo serves the borrower's terminal and the "
        "borrower returns the same energy in kind within `repay_within_days`; location: the two "
        "parties exchange cargoes of equal energy arriving within `repay_within_days` (at most "
        f"{LOCATION_MAX_DAYS}) of each other, to save freight.")
    repay_within_days: int = Field(90, ge=1, le=3660, description="Days within which every loan is "
                                   "returned in kind (first lent, first repaid). A loan made "
                                   "less than this many days before the horizon end may stay "
                                   "open; its value is reported.")
    max_outstanding_cargoes: float = Field(2.0, ge=0, le=1000,
                                           description="Most energy lent and not yet "
                                           "returned at any time, in standard cargoes.")
    max_cargoes: float | None = Field(None, ge=0, le=10000,
                                      description="Most energy lent per agreement "
                                      "year (counted from the active window's start), in "
                                      "standard cargoes; empty for no cap.")
    fee_usd_per_mmbtu: float = Field(0.0, ge=0, le=1000,
                                     description="Fee the borrower pays the lender "
                                     "per MMBtu lent. The LP counts it as the borrower's cost, "
                                     "so a loan worth less than the fee is not made.")
    active: Window | None = Field(None, description="Dates within which loans may be made "
                                  "(e.g. winter only); repayments may fall after it. Empty: "
                                  "the whole horizon.")
    conditions: list[Condition] = Field(
        default_factory=list, description="The agreement is in force only while each named "
        "party adheres to the named rules (as the case's `rules` settings say); otherwise the "
        "parties have no agreement (`lngswap linkage` prices the bargain).")
    lender_min_stock_share: float = Field(
        1.0, ge=0, le=1, description="Share of its own strategic floor a lending party keeps: "
        "with the agreement, a party never draws its stock further below this share of its "
        "floor than it would without the agreement (1: a party never lends below its floor; "
        "0: no guard).")
    note: str = Field("", description="Source or reasoning for the terms.")

    @field_validator("parties")
    @classmethod
    def _two_distinct(cls, v: list[str]) -> list[str]:
        if len(v) != 2:
            raise ValueError(f"an agreement has exactly two parties (got {len(v)})")
        if v[0] == v[1]:
            raise ValueError(f"the two parties must differ (got {v[0]!r} twice)")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> SwapAgreement:
        if self.direction != "both":
            lender, _, borrower = self.direction.partition("->")
            if [lender.strip(), borrower.strip()] not in (self.parties, self.parties[::-1]):
                raise ValueError(f"direction {self.direction!r}: expected 'both' or "
                                 f"'{self.parties[0]}->{self.parties[1]}' or "
                                 f"'{self.parties[1]}->{self.parties[0]}'")
        if self.kind == "location" and self.repay_within_days > LOCATION_MAX_DAYS:
            raise ValueError(f"a location swap matches cargoes within a few days; "
                             f"repay_within_days {self.repay_within_days} exceeds "
                             f"{LOCATION_MAX_DAYS} (use kind: time for a loan)")
        for i, c in enumerate(self.conditions):
            if c.party not in self.parties:
                raise ValueError(f"conditions.{i}.party {c.party!r}: expected one of the "
                                 f"agreement's parties {self.parties}")
        return self

    def lends(self, lender: str, borrower: str) -> bool:
        """Whether `lender` may lend to `borrower` under this agreement."""
        if {lender, borrower} != set(self.parties):
            return False
        if self.direction == "both":
            return True
        a, _, b = self.direction.partition("->")
        return (a.strip(), b.strip()) == (lender, borrower)
