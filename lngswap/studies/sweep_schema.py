"""Sweep files: a base case, a grid, seeded distributions and variants, validated strictly.

A sweep file (YAML) names a base case and the case keys (as `--set` paths) it varies::

    case: hormuz-2026.yaml                        # the base case (path, or a bundled name)
    grid: {cooperation: [isolated, swaps]}        # every combination of these values
    sample:                                       # one distribution per path, seeded
      events.0.start: {distribution: uniform, low: 2026-01-05, high: 2026-02-10}
      events.0.end: {distribution: discrete, values: [2026-02-20, 2026-03-10],
                     probabilities: [0.6, 0.4]}
    variants:                                     # optional named sets of overrides
      - {name: no-swap, cooperation: isolated}
      - {name: cap4, cooperation: swaps, swaps.0.max_outstanding_cargoes: 4}
    samples: 8
    seed: 20260302

Scenarios are grid point x variant x sample. Each path draws its own stream of random numbers
from (seed, path), so adding a parameter or a grid value never changes the others' draws,
and every grid point and variant sees the same draws (common random numbers: differences
between variants are not sampling noise).
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from lngswap.errors import InputError, describe_validation

Scalar = float | date
#: Discrete probabilities must add up to 1 within this tolerance.
PROB_TOL = 1e-9
KEY0 = "key '': "  # a check across keys names its keys in its own message


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Dist(_Strict):
    after: str | None = Field(
        None, description="Another sampled path holding a date: this value is then a number "
        "of days after that date (e.g. a closure's end as its start plus its length).")


class Uniform(_Dist):
    """Every value in [low, high] equally likely (dates: every day, inclusive)."""

    distribution: Literal["uniform"]
    low: Scalar = Field(description="Smallest value (a number or an ISO date).")
    high: Scalar = Field(description="Largest value, of the same kind as `low`.")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        _same_kind(self.low, self.high)
        if self.high < self.low:
            raise ValueError(f"high {self.high} is below low {self.low}")
        return self

    def draw(self, rng: np.random.Generator, n: int) -> list:
        if isinstance(self.low, date):
            days = rng.integers(0, (self.high - self.low).days + 1, size=n)
            return [self.low + timedelta(days=int(d)) for d in days]
        return [float(v) for v in rng.uniform(self.low, self.high, size=n)]


class Triangular(_Dist):
    """Triangular between `low` and `high`, most likely at `mode` (dates rounded to a day)."""

    distribution: Literal["triangular"]
    low: Scalar = Field(description="Smallest value.")
    mode: Scalar = Field(description="Most likely value.")
    high: Scalar = Field(description="Largest value.")

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        _same_kind(self.low, self.mode, self.high)
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError(f"expected low <= mode <= high and low < high (got {self.low}, "
                             f"{self.mode}, {self.high})")
        return self

    def draw(self, rng: np.random.Generator, n: int) -> list:
        if isinstance(self.low, date):
            hi, mo = (self.high - self.low).days, (self.mode - self.low).days
            days = np.rint(rng.triangular(0, mo, hi, size=n))
            return [self.low + timedelta(days=int(d)) for d in days]
        return [float(v) for v in rng.triangular(self.low, self.mode, self.high, size=n)]


class Discrete(_Dist):
    """One of `values`, with `probabilities` (equal if not given; they must add up to 1)."""

    distribution: Literal["discrete"]
    values: list[Any] = Field(min_length=1, description="The values, any YAML scalars.")
    probabilities: list[float] | None = Field(None, description="One per value, adding to 1.")

    @model_validator(mode="after")
    def _probabilities(self) -> Discrete:
        p = self.probabilities
        if p is None:
            return self
        if len(p) != len(self.values):
            raise ValueError(f"{len(p)} probabilities for {len(self.values)} values; expected "
                             "one probability per value")
        if any(x < 0 for x in p):
            raise ValueError(f"probabilities must not be negative (got {p})")
        if abs(sum(p) - 1.0) > PROB_TOL:
            raise ValueError(f"probabilities add up to {sum(p):.6g}, expected 1 (got {p})")
        return self

    def draw(self, rng: np.random.Generator, n: int) -> list:
        k = len(self.values)
        p = np.asarray(self.probabilities) if self.probabilities else np.full(k, 1.0 / k)
        idx = rng.choice(k, size=n, p=p / p.sum())
        return [self.values[int(i)] for i in idx]


class Empirical(_Dist):
    """Values drawn, with replacement, from a column of a CSV file (e.g. observed closure
    lengths), each row equally likely unless a `weights` column is named."""

    distribution: Literal["empirical"]
    file: str = Field(description="CSV file, relative to the sweep file.")
    column: str = Field(description="Column holding the values.")
    weights: str | None = Field(None, description="Optional column of row weights (>= 0).")

    def draw(self, rng: np.random.Generator, n: int, values: list, weights: np.ndarray | None
             ) -> list:
        p = None if weights is None else weights / weights.sum()
        idx = rng.choice(len(values), size=n, p=p)
        return [values[int(i)] for i in idx]


Distribution = Annotated[Uniform | Triangular | Discrete | Empirical,
                         Field(discriminator="distribution")]


def _same_kind(*vals: Scalar) -> None:
    kinds = {isinstance(v, date) for v in vals}
    if len(kinds) > 1:
        raise ValueError(f"mixes dates and numbers ({', '.join(map(str, vals))}); expected "
                         "all dates or all numbers")


class SweepFile(_Strict):
    """A sweep: base case, grid, sampled parameters, variants, sample count and seed."""

    description: str = Field("", description="What the sweep asks, with its sources.")
    case: str = Field(description="Base case: a path (relative to the sweep file) or the "
                      "name of a bundled case.")
    set: dict[str, Any] = Field(
        default_factory=dict, description="Overrides applied to every scenario (--set path: "
        "value), e.g. a horizon.")
    grid: dict[str, list[Any] | dict[str, dict[str, Any]]] = Field(
        default_factory=dict, description="Lists of values per --set path; or, under a name "
        "of your choice, named levels each setting several paths together ({level: {path: "
        "value}}); every combination is swept.")
    sample: dict[str, Distribution] = Field(
        default_factory=dict, description="A distribution per --set path, drawn `samples` times.")
    variants: list[dict[str, Any]] = Field(
        default_factory=list, description="Named sets of overrides: {name: ..., path: value}; "
        "summary statistics are given per variant.")
    samples: int = Field(1, ge=1, le=100_000, description="Draws per grid point and variant.")
    seed: int = Field(0, ge=0, description="Seed of every draw: the same seed, the same sweep.")

    # set by the loader
    source_path: str = Field("", description="Where the sweep file was read from.")

    @field_validator("grid")
    @classmethod
    def _grid_lists(cls, v: dict) -> dict:
        for k, vals in v.items():
            if not vals:
                raise ValueError(f"grid.{k}: expected a non-empty list of values, or named "
                                 "levels")
        return v

    @field_validator("variants")
    @classmethod
    def _variants_named(cls, v: list) -> list:
        names = []
        for i, item in enumerate(v):
            if not isinstance(item.get("name"), str) or not item["name"]:
                raise ValueError(f"variants.{i}: expected a 'name' and --set paths with values")
            names.append(item["name"])
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"variant names used twice: {', '.join(dup)}")
        return v

    @model_validator(mode="after")
    def _after_names_a_date(self) -> SweepFile:
        for k, d in self.sample.items():
            if d.after is None:
                continue
            if d.after not in self.sample or d.after == k:
                raise ValueError(f"sample.{k}.after: {d.after!r} is not another sampled path")
            if any(isinstance(getattr(d, f, None), date) for f in ("low", "mode", "high")):
                raise ValueError(f"sample.{k}: with 'after', the values are days (numbers), "
                                 "not dates")
        order_of_draws(self.sample)
        return self

    @model_validator(mode="after")
    def _paths_once(self) -> SweepFile:
        seen: dict[str, str] = {}
        for where, keys in (("set", self.set), ("grid", self.grid), ("sample", self.sample)):
            for k in keys:
                if k in seen:
                    raise ValueError(f"path '{k}' is in both {seen[k]} and {where}; give it once")
                seen[k] = where
        return self


def load_sweep(path: str | Path) -> SweepFile:
    """Read and validate a sweep file; every problem is an InputError naming file and key."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: sweep file not found")
    try:
        doc = yaml.safe_load(path.read_text())
    except yaml.YAMLError as e:
        raise InputError(f"{path}: not valid YAML: {e}") from e
    if not isinstance(doc, dict):
        raise InputError(f"{path}: expected a mapping with 'case:' and 'grid:' and/or 'sample:'")
    doc["source_path"] = str(path.resolve())
    try:
        sweep = SweepFile.model_validate(doc)
    except ValidationError as e:
        hidden = ("uniform", "triangular", "discrete", "empirical")
        raise InputError([f"{path}: {m.replace(KEY0, '')}"
                          for m in describe_validation(e, hidden)]) from None
    return sweep


def order_of_draws(sample: dict) -> list[str]:
    """Sampled paths in an order where each comes after the path it is drawn 'after'."""
    done: list[str] = []

    def visit(k: str, seen: tuple[str, ...]) -> None:
        if k in done:
            return
        if k in seen:
            raise ValueError(f"sample.{k}.after: the 'after' chain loops back "
                             f"({' -> '.join((*seen, k))})")
        after = sample[k].after
        if after is not None:
            visit(after, (*seen, k))
        done.append(k)

    for k in sample:
        visit(k, ())
    return done


def stream(seed: int, path: str) -> np.random.Generator:
    """The random stream of one sampled path: a function of (seed, path) alone."""
    h = int.from_bytes(hashlib.sha256(path.encode()).digest()[:8], "little")
    return np.random.default_rng(np.random.SeedSequence([seed, h]))


def draws(sweep: SweepFile) -> dict[str, list]:
    """`samples` values per sampled path, in sample order."""
    base = Path(sweep.source_path).parent
    out: dict[str, list] = {}
    for k in order_of_draws(sweep.sample):
        dist = sweep.sample[k]
        rng = stream(sweep.seed, k)
        if isinstance(dist, Empirical):
            values, weights = empirical_values(dist, base, k)
            out[k] = dist.draw(rng, sweep.samples, values, weights)
        else:
            out[k] = dist.draw(rng, sweep.samples)
        if dist.after is not None:
            out[k] = [_days_after(d, x, k, dist.after) for d, x in zip(out[dist.after], out[k],
                                                                       strict=True)]
    return {k: out[k] for k in sweep.sample}


def _days_after(start: Any, days: Any, key: str, after: str) -> date:
    if not isinstance(start, date) or isinstance(days, (date, bool)) \
            or not isinstance(days, (int, float)):
        raise InputError(f"key 'sample.{key}': 'after: {after}' needs dates drawn for {after} "
                         f"and a number of days here (got {start!r} and {days!r})")
    return start + timedelta(days=round(float(days)))


def empirical_values(dist: Empirical, base: Path, key: str) -> tuple[list, np.ndarray | None]:
    """The column (and weights) an empirical distribution draws from, checked."""
    f = Path(dist.file) if Path(dist.file).is_absolute() else base / dist.file
    where = f"key 'sample.{key}.file'"
    if not f.is_file():
        raise InputError(f"{where}: {f} not found; expected a CSV file")
    try:
        df = pd.read_csv(f)
    except (ValueError, OSError) as e:
        raise InputError(f"{where}: {f} is not a readable CSV file ({e})") from None
    for col in (dist.column, dist.weights):
        if col is not None and col not in df.columns:
            raise InputError(f"key 'sample.{key}': {f} has no column {col!r}; its columns are "
                             f"{', '.join(map(str, df.columns))}")
    vals = df[dist.column]
    if vals.isna().any() or not len(vals):
        rows = [int(i) + 2 for i in np.flatnonzero(vals.isna().to_numpy())[:5]]
        raise InputError(f"key 'sample.{key}': {f} column {dist.column!r} is empty or has "
                         f"blank rows (file lines {rows}); expected a value in every row")
    values = [_plain(v) for v in vals.tolist()]
    if dist.weights is None:
        return values, None
    w = pd.to_numeric(df[dist.weights], errors="coerce").to_numpy(dtype=float)
    if np.isnan(w).any() or (w < 0).any() or w.sum() <= 0:
        raise InputError(f"key 'sample.{key}': {f} column {dist.weights!r}: expected numbers "
                         ">= 0 with a positive total")
    return values, w


def _plain(v: Any) -> Any:
    """Numbers as numbers, ISO dates as dates, anything else as its string."""
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    try:
        return date.fromisoformat(str(v))
    except ValueError:
        return str(v)
