"""Compliance-rule settings in a case file (the rules themselves are data: `data/rules/`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RuleSettings(BaseModel):
    """Which rule files apply, and which rules are switched off."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    files: list[str] = Field(default_factory=list, description="Rule files (YAML).")
    disable: list[str] = Field(default_factory=list, description="Rule ids switched off.")
