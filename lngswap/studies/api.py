"""The Python API: load a case, solve it, read the results.

    >>> case = lngswap.load_case("models/hormuz-2026.yaml")
    >>> res = lngswap.solve(case)
    >>> res.markets.groupby("market").unserved_mmbtu.sum()

`solve()` is the one path a run takes (the study layer: plan without events under
`foresight: surprise`, the isolated reference of a swaps case, warm starts, the plan store).
`build() -> solve_built() -> extract()` are the separable single-solve steps, for tests and
benchmarks: `build()` hands a swaps case its isolated reference, but `solve_built()` solves
once and cold, so a case with events solved that way has perfect foresight.
"""

from __future__ import annotations

from lngswap.inputs.case import Case
from lngswap.inputs.dataset import Dataset, load_dataset
from lngswap.results.extract import Results
from lngswap.solve.highs_backend import Outcome
from lngswap.studies import pipeline
from lngswap.studies.pipeline import Built, extract, phase_timings, solve_built
from lngswap.studies.study import Study
from lngswap.units import USD_PER_MUSD

__all__ = ["Built", "build", "extract", "objective_usd", "phase_timings", "solve",
           "solve_built"]


def build(case: Case, ds: Dataset | None = None) -> Built:
    """Load data (if not given), build index tables and the LP. A swaps case judged by its
    isolated plan gets that reference solved first (through a `Study`)."""
    ds = ds or load_dataset(case.dataset)
    return pipeline.build(case, ds, Study(ds).swap_inputs(case))


def solve(case: Case, ds: Dataset | None = None) -> Results:
    """Solve a case as `lngswap run` does and extract its results (see `Study.run`)."""
    ds = ds or load_dataset(case.dataset)
    return Study(ds).run(case)


def objective_usd(out: Outcome) -> float:
    return float(round(out.objective * USD_PER_MUSD, 2))
