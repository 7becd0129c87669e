"""Compliance rules compiled into the LP (see `rules_schema.py` for the case settings)."""

from __future__ import annotations


def prepare(md, ds) -> None:
    """Add rule bounds and constraints to the model data (none yet)."""


def extract(built, outcome, results) -> None:
    """Add the compliance table to the results (none yet)."""
