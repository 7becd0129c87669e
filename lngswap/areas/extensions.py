"""The optional model areas (compliance rules, swap agreements): one contract, one registry.

A model area is a module with

- `NAME`: its name;
- `references(case)`: the solves of other models it needs as inputs (e.g. the swaps area's
  `("isolated",)`: the isolated run of the same case), which the study layer solves and
  hands in; no area solves a model;
- `prepare(md, ds, inputs)`: its own index tables and LP hooks, before the LP is built (a
  hook declares blocks and adds labelled terms, see docs/architecture.md);
- `extract(built, outcome, results)`: its own output tables and summary figures.

`AREAS` lists them in the order they are prepared and extracted, so a run can switch one off
and a new area is added in one place.
"""

from __future__ import annotations

from typing import Protocol

from lngswap.areas import rules, swaps
from lngswap.areas.swaps import SwapInputs


class ModelArea(Protocol):
    """What the core expects of a model area (modules satisfy it structurally)."""

    NAME: str

    def references(self, case) -> tuple[str, ...]: ...

    def prepare(self, md, ds, inputs=None) -> None: ...

    def extract(self, built, outcome, results) -> None: ...


AREAS: tuple[ModelArea, ...] = (rules, swaps)


def swap_partners(case) -> dict[str, set[str]] | None:
    """Which parties' nodes each lender's cargoes may serve under the case's agreements."""
    return swaps.partners(case)


def references(case) -> dict[str, tuple[str, ...]]:
    """Per area, the solves of other models it needs (empty areas left out)."""
    return {a.NAME: a.references(case) for a in AREAS if a.references(case)}


def apply_extensions(md, ds, swap_inputs: SwapInputs | None = None) -> None:
    """Let each area add its index tables and LP hooks to the model data."""
    inputs = {swaps.NAME: swap_inputs}
    for area in AREAS:
        area.prepare(md, ds, inputs.get(area.NAME))


def extract_extensions(built, outcome, results) -> None:
    """Let each area add its tables and summary figures to the results."""
    for area in AREAS:
        area.extract(built, outcome, results)
