"""Swap agreements in a case file."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SwapAgreement(BaseModel):
    """A swap agreement between two parties."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Agreement id.")
    parties: list[str] = Field(description="The two parties.")
