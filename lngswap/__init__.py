"""lngswap: LNG cargo allocation under disruptions, with sanctions rules and swap agreements."""

from lngswap.api import build, extract, solve, solve_built
from lngswap.case import load_case
from lngswap.dataset import load_dataset

__all__ = ["build", "extract", "load_case", "load_dataset", "solve", "solve_built"]
