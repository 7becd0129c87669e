"""lngswap: LNG cargo allocation under disruptions, with sanctions rules and swap agreements."""

from lngswap.inputs.case import load_case
from lngswap.inputs.dataset import load_dataset
from lngswap.studies.api import build, extract, solve, solve_built

__all__ = ["build", "extract", "load_case", "load_dataset", "solve", "solve_built"]
