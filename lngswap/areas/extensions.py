"""The optional model areas (compliance rules, swap agreements) plugged into one run.

Each area offers `prepare(md, ds)` (index tables and LP hooks, before the LP is built) and
`extract(built, outcome, results)` (its own output tables), so a run can switch it off.
"""

from __future__ import annotations

from lngswap.areas import rules, swaps


def swap_partners(case) -> dict[str, set[str]] | None:
    """Which parties' nodes each lender's cargoes may serve under the case's agreements."""
    return swaps.partners(case)


def apply_extensions(md, ds) -> None:
    """Let each area add its index tables and LP hooks to the model data."""
    rules.prepare(md, ds)
    swaps.prepare(md, ds)


def extract_extensions(built, outcome, results) -> None:
    """Let each area add its tables and summary figures to the results."""
    rules.extract(built, outcome, results)
    swaps.extract(built, outcome, results)
