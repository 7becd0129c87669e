"""Swap agreements between parties: ledger constraints in the LP."""

from __future__ import annotations


def partners(case) -> dict[str, set[str]] | None:
    """Lender -> borrowers whose nodes the lender's cargoes may serve (swaps mode)."""
    return None


def prepare(md, ds) -> None:
    """Add swap ledger variables and constraints (none yet)."""


def extract(built, outcome, results) -> None:
    """Add the swap ledger to the results (none yet)."""
