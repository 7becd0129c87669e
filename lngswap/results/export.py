"""Write a run's outputs atomically: into a temporary folder, then renamed into place."""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

import pandas as pd

from lngswap.results.extract import Results
from lngswap.results.writer import write_folder
from lngswap.versions import recorded_versions


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes, as recorded in manifests."""
    import hashlib

    return "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()


def command_manifest(command: str, inputs: dict[str, Path], options: dict,
                     cases: list | None = None) -> dict:
    """Manifest of a command that is not a single run (compare, swap-terms): the hash and path
    of every input file it read (with every input of each case in `cases`), package versions
    and the options it was given."""
    paths = {k: Path(p).resolve() for k, p in sorted(inputs.items()) if Path(p).is_file()}
    for i, case in enumerate(cases or []):
        paths.update({f"case{i}/{k}": p for k, p in case_inputs(case).items()})
    return {
        "command": command,
        "inputs": {k: file_hash(p) for k, p in sorted(paths.items())},
        "input_paths": {k: str(p) for k, p in sorted(paths.items())},
        "versions": recorded_versions(),
        "python": platform.python_version(),
        "options": options,
    }


def case_inputs(case) -> dict[str, Path]:
    """Every file a run of `case` reads: the case and the files it extends, every file of its
    dataset folder (CSV tables, rule files and the rest) and rule files kept elsewhere."""
    from lngswap.inputs.case import case_files
    from lngswap.inputs.dataset import resolve_folder
    from lngswap.inputs.rules_schema import resolve_files

    out: dict[str, Path] = {}
    if case.source_path and Path(case.source_path).is_file():
        for i, p in enumerate(case_files(case.source_path)):
            out["case/" + p.name if i == 0 else f"case/extends/{i}/{p.name}"] = p
    folder = resolve_folder(case.dataset).resolve()
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.is_file() and not any(part.startswith((".", "__")) for part in rel.parts):
            out[f"dataset/{rel.as_posix()}"] = p
    for p in resolve_files(case, folder):
        p = Path(p).resolve()
        if p.is_file() and folder not in p.parents:
            out[f"rules/{p.name}"] = p
    return out


def manifest(case, results: Results, hashes: dict[str, str], options: dict) -> dict:
    """Input hashes (every file the run read) and their paths, versions, solver options and
    timings of a run. `hashes` are the dataset tables' hashes taken when they were read: a
    file changed since then shows as changed by `lngswap verify`."""
    paths = case_inputs(case)
    inputs = {k: file_hash(p) for k, p in sorted(paths.items())}
    inputs.update({f"dataset/{k}": f"sha256:{v}" for k, v in sorted(hashes.items())})
    return {
        "case": case.name,
        "case_resolved": json.loads(case.model_dump_json(exclude={"source_path"})),
        "inputs": inputs,
        "input_paths": {k: str(p) for k, p in sorted(paths.items())},
        "versions": recorded_versions(),
        "python": platform.python_version(),
        "solver": {"name": "HiGHS", "options": {k: v for k, v in sorted(options.items())}},
        "coefficient_ranges": results.summary.get("coefficient_ranges", {}),
        "timings_s": results.summary.get("timings_s", {}),
        "memory": {"peak_rss_mib": round(peak_rss_mib(), 1)},
    }


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (MiB): the run's, since the manifest is
    made after the solve."""
    import resource
    import sys

    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024.0 if sys.platform != "darwin" else kb / 2**20


def _csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")


def write_tables(results: Results, folder: Path) -> None:
    """Every table of one run into `folder`: schedule, inventory, markets, the areas' tables
    (one CSV each) and all of them in results.nc."""
    _csv(results.schedule, folder / "schedule.csv")
    _csv(results.inventory, folder / "inventory.csv")
    _csv(results.markets, folder / "markets.csv")
    for name, table in sorted(results.tables.items()):
        _csv(table, folder / f"{name}.csv")
    results.to_netcdf(folder / "results.nc")


def write_run(out_dir: Path, results: Results, man: dict, *, overwrite: bool = False
              ) -> list[str]:
    """Write every output file of a run; the folder appears whole or not at all (see
    `outputs.write_folder`). Returns notes for the user."""
    t0 = time.perf_counter()

    def fill(tmp: Path) -> None:
        write_tables(results, tmp)
        timings = results.summary.setdefault("timings_s", {})
        timings["write"] = round(time.perf_counter() - t0, 4)
        man["timings_s"] = timings
        (tmp / "summary.json").write_text(json.dumps(results.summary, indent=2, sort_keys=True)
                                          + "\n")

    return write_folder(Path(out_dir), fill, man, overwrite=overwrite)
