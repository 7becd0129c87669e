"""The optional model areas (compliance rules, swap agreements) plugged into one run.

Each area offers `prepare(md, ds, ...)` (index tables and LP hooks, before the LP is built)
and `extract(built, outcome, results)` (its own output tables), so a run can switch it off.
What an area needs from other solves (the swaps area's isolated reference) is handed in by
the study layer as typed inputs; no area solves a model.
"""

from __future__ import annotations

from lngswap.areas import rules, swaps
from lngswap.areas.swaps import SwapInputs


def swap_partners(case) -> dict[str, set[str]] | None:
    """Which parties' nodes each lender's cargoes may serve under the case's agreements."""
    return swaps.partners(case)


def apply_extensions(md, ds, swap_inputs: SwapInputs | None = None) -> None:
    """Let each area add its index tables and LP hooks to the model data."""
    rules.prepare(md, ds)
    swaps.prepare(md, ds, swap_inputs)


def extract_extensions(built, outcome, results) -> None:
    """Let each area add its tables and summary figures to the results."""
    rules.extract(built, outcome, results)
    swaps.extract(built, outcome, results)
