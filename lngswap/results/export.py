"""Write a run's outputs atomically: into a temporary folder, then renamed into place."""

from __future__ import annotations

import json
import platform
import time
from importlib import metadata
from pathlib import Path

import pandas as pd

from lngswap.results.extract import Results
from lngswap.results.writer import write_folder


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "unknown"


VERSIONED = ("lngswap", "pyomo", "highspy", "pandas", "xarray", "numpy", "scipy", "searoute",
             "pydantic")


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes, as recorded in manifests."""
    import hashlib

    return "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()


def command_manifest(command: str, inputs: dict[str, Path], options: dict) -> dict:
    """Manifest of a command that is not a single run (compare, swap-terms): the hash of every
    input file it read, package versions and the options it was given."""
    return {
        "command": command,
        "inputs": {k: file_hash(p) for k, p in sorted(inputs.items()) if Path(p).is_file()},
        "versions": {p: _version(p) for p in VERSIONED},
        "python": platform.python_version(),
        "options": options,
    }


def manifest(case, results: Results, hashes: dict[str, str], options: dict) -> dict:
    """Input hashes, versions, solver options and timings of a run."""
    import hashlib

    case_path = Path(case.source_path) if case.source_path else None
    inputs = {f"dataset/{k}": f"sha256:{v}" for k, v in sorted(hashes.items())}
    if case_path and case_path.exists():
        inputs[f"case/{case_path.name}"] = "sha256:" + hashlib.sha256(
            case_path.read_bytes()).hexdigest()
    return {
        "case": case.name,
        "case_resolved": json.loads(case.model_dump_json(exclude={"source_path"})),
        "inputs": inputs,
        "versions": {p: _version(p) for p in VERSIONED},
        "python": platform.python_version(),
        "solver": {"name": "HiGHS", "options": {k: v for k, v in sorted(options.items())}},
        "coefficient_ranges": results.summary.get("coefficient_ranges", {}),
        "timings_s": results.summary.get("timings_s", {}),
    }


def _csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")


def write_run(out_dir: Path, results: Results, man: dict, *, overwrite: bool = False
              ) -> list[str]:
    """Write every output file of a run; the folder appears whole or not at all (see
    `outputs.write_folder`). Returns notes for the user."""
    t0 = time.perf_counter()

    def fill(tmp: Path) -> None:
        _csv(results.schedule, tmp / "schedule.csv")
        _csv(results.inventory, tmp / "inventory.csv")
        _csv(results.markets, tmp / "markets.csv")
        for name, table in sorted(results.tables.items()):
            _csv(table, tmp / f"{name}.csv")
        results.to_netcdf(tmp / "results.nc")
        timings = results.summary.setdefault("timings_s", {})
        timings["write"] = round(time.perf_counter() - t0, 4)
        man["timings_s"] = timings
        (tmp / "summary.json").write_text(json.dumps(results.summary, indent=2, sort_keys=True)
                                          + "\n")

    return write_folder(Path(out_dir), fill, man, overwrite=overwrite)
