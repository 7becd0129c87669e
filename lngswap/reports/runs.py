"""Read run folders for reports, and the energy units a planner reads them in.

A report reads only what `lngswap run` wrote (CSVs, summary.json, manifest.json) and, for the
map, the coordinates of the dataset the run used; it never re-solves anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lngswap.errors import InputError
from lngswap.units import BCM_PER_MT, MMBTU_PER_T


@dataclass(frozen=True)
class Unit:
    """An energy unit for display: `factor` converts MMBtu into it."""

    key: str
    label: str
    factor: float

    def of(self, mmbtu):
        """MMBtu (a number or a pandas object) in this unit."""
        return mmbtu * self.factor


#: Units selectable with `--units`: LNG mass (Mt), gas volume (bcm) or energy (MMBtu, shown in
#: millions). Conversions from `lngswap.units` (Energy Institute factors).
UNITS: dict[str, Unit] = {
    "mt": Unit("mt", "Mt LNG", 1.0 / (MMBTU_PER_T * 1e6)),
    "bcm": Unit("bcm", "bcm", BCM_PER_MT / (MMBTU_PER_T * 1e6)),
    "mmbtu": Unit("mmbtu", "million MMBtu", 1e-6),
}


def unit(key: str) -> Unit:
    """The display unit named `key` (mt, bcm, mmbtu); InputError naming the choices."""
    try:
        return UNITS[str(key).lower()]
    except KeyError:
        raise InputError(f"--units {key}: unknown unit; expected one of "
                         f"{', '.join(UNITS)}") from None


@dataclass
class RunData:
    """What one run folder holds, as tables."""

    folder: Path
    name: str
    summary: dict
    manifest: dict
    markets: pd.DataFrame
    inventory: pd.DataFrame
    schedule: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame | None:
        """An optional table (swaps, compliance, parties, ...) or None."""
        return self.tables.get(name)

    @property
    def events(self) -> list[dict]:
        """The case's events as resolved for the run."""
        return list((self.manifest.get("case_resolved") or {}).get("events") or [])

    @property
    def dataset(self) -> str:
        """The dataset the run used ('default' or a folder)."""
        return str((self.manifest.get("case_resolved") or {}).get("dataset") or "default")


REQUIRED = ("summary.json", "manifest.json", "markets.csv", "inventory.csv", "schedule.csv")


def read_run(folder: str | Path) -> RunData:
    """Read a run folder; InputError naming the folder and the missing files if it is not
    one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such run folder; expected the output folder of "
                         "`lngswap run`")
    missing = [n for n in REQUIRED if not (folder / n).exists()]
    if missing:
        raise InputError(f"{folder}: not a run folder (missing {', '.join(missing)}); expected "
                         "the output folder of `lngswap run`")
    try:
        summary = json.loads((folder / "summary.json").read_text())
        manifest = json.loads((folder / "manifest.json").read_text())
    except ValueError as e:
        raise InputError(f"{folder}: summary.json or manifest.json is not valid JSON: {e}"
                         ) from None
    tables = {p.stem: pd.read_csv(p) for p in sorted(folder.glob("*.csv"))
              if p.stem not in ("markets", "inventory", "schedule")}
    return RunData(folder=folder, name=str(summary.get("case") or folder.name),
                   summary=summary, manifest=manifest,
                   markets=pd.read_csv(folder / "markets.csv"),
                   inventory=pd.read_csv(folder / "inventory.csv"),
                   schedule=pd.read_csv(folder / "schedule.csv"),
                   tables=tables)


def read_runs(folders: list[str | Path]) -> list[RunData]:
    """Read several run folders; names made unique by the folder name where cases repeat."""
    runs = [read_run(f) for f in folders]
    names = [r.name for r in runs]
    for r in runs:
        if names.count(r.name) > 1:
            r.name = f"{r.name} ({r.folder.name})"
    return runs


@dataclass
class Places:
    """Coordinates and kinds from the dataset a run used."""

    sources: pd.DataFrame   # source_id, port, country, lon, lat
    terminals: pd.DataFrame  # terminal, market, lon, lat
    passages: pd.DataFrame  # passage, lon, lat
    markets: pd.DataFrame   # market, name, kind

    def core_markets(self, present: list[str]) -> list[str]:
        """Markets of kind 'core' among `present`, in the dataset's order."""
        core = self.markets.loc[self.markets["kind"].astype(str) == "core", "market"]
        keep = [m for m in core.astype(str) if m in present]
        return keep or [m for m in present if not str(m).startswith("ROW")]

    def market_name(self, market: str) -> str:
        row = self.markets.loc[self.markets["market"] == market, "name"]
        return str(row.iat[0]) if len(row) else market


def places(dataset: str) -> Places:
    """Read the coordinate tables of a dataset ('default' or a folder)."""
    from lngswap.inputs.dataset import resolve_folder

    folder = resolve_folder(dataset)

    def read(name: str, cols: list[str]) -> pd.DataFrame:
        p = Path(folder) / name
        if not p.exists():
            raise InputError(f"{p}: the dataset of the run lacks {name}, which the report's "
                             "map needs")
        df = pd.read_csv(p)
        return df[[c for c in cols if c in df.columns]]

    return Places(
        sources=read("sources.csv", ["source_id", "name", "country", "port", "lon", "lat"]),
        terminals=read("terminals.csv", ["terminal", "name", "market", "kind", "lon", "lat"]),
        passages=read("passages.csv", ["passage", "lon", "lat"]),
        markets=read("markets.csv", ["market", "name", "party", "kind"]),
    )
