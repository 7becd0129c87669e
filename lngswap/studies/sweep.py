"""Scenario sweeps (`lngswap sweep`): a sweep file expanded into cases, solved on Dask.

The client expands the sweep file (see `sweep_schema`) into scenarios, resolves each into a
validated case and keys it by a hash of that case and the dataset's hashes; the workers
(a `LocalCluster` of one single-threaded process per core, or an existing cluster given by
its scheduler address: the same code path) solve them (see `sweep_worker`); the client writes
each result as it arrives, one small JSON file per scenario, atomically, so a killed sweep
loses only the scenarios in flight and `--resume` skips those already written. At the end
the table, cube and summary are assembled from those files (see `sweep_results`).

Scenarios that share an anchor (the same case without events) are sent to the same worker,
which keeps the anchor's model between them; placement never changes a result.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lngswap.errors import InputError
from lngswap.inputs.case import Case, load_case, load_raw
from lngswap.inputs.dataset import Dataset, load_dataset
from lngswap.paths import bundled_models_dir
from lngswap.studies.sweep_schema import SweepFile, draws, load_sweep
from lngswap.studies.sweep_store import (
    FAILED,
    KIND,
    MANIFEST,
    SCENARIOS,
    finished,
    prepare_folder,
    store,
    write_json,
)
from lngswap.studies.sweep_worker import Task, run_task


@dataclass
class Scenario:
    """One point of the sweep: its parameters, overrides, resolved case and key."""

    scenario: str
    variant: str | None
    params: dict[str, Any]
    sets: list[str]
    group: dict[str, Any]
    case: Case | None = None
    key: str = ""
    anchor: str = ""
    dataset: str = ""
    error: str = ""


@dataclass
class SweepRun:
    """What a sweep did: scenarios, records by key, counts."""

    sweep: SweepFile
    out: Path
    scenarios: list[Scenario]
    records: dict[str, dict] = field(default_factory=dict)
    skipped: int = 0
    workers: int = 0
    dashboard: str | None = None

    def done(self) -> int:
        """Scenarios finished (ok), counting a case met twice for each scenario."""
        return sum(self.records.get(s.key, {}).get("status") == "ok" for s in self.scenarios)


class Reporter:
    """Progress hooks (the CLI shows a progress bar); this base reports nothing."""

    def started(self, total: int, skipped: int, workers: int, dashboard: str | None) -> None:
        """The sweep is about to submit `total` scenarios (`skipped` already done)."""

    def finished_one(self, rec: dict) -> None:
        """One scenario's record arrived (status ok or failed)."""

    def closing(self) -> None:
        """Every scenario is in; tables follow."""


# --- expansion ----------------------------------------------------------------------------

def set_item(path: str, value: Any) -> str:
    """A `--set` override for one value (dates ISO, the rest as JSON, which YAML reads)."""
    if isinstance(value, date):
        return f"{path}={value.isoformat()}"
    return f"{path}={json.dumps(value)}"


def base_case_path(sweep: SweepFile) -> Path:
    """The base case: a path relative to the sweep file, else a bundled case by name."""
    ref = Path(sweep.case)
    here = Path(sweep.source_path).parent
    for p in (ref if ref.is_absolute() else here / ref,
              bundled_models_dir() / ref.name, bundled_models_dir() / f"{ref.name}.yaml"):
        if p.is_file():
            return p
    raise InputError(f"{sweep.source_path}: key 'case': {sweep.case} not found (relative to "
                     f"the sweep file, or a bundled case: "
                     f"{', '.join(sorted(p.stem for p in bundled_models_dir().glob('*.yaml')))})")


def check_paths(sweep: SweepFile, raw: dict) -> None:
    """Every swept path must lead somewhere in the base case (list items must exist)."""
    problems = []
    where = [("set", k) for k in sweep.set] + [("sample", k) for k in sweep.sample]
    for k, vals in sweep.grid.items():
        where += ([(f"grid.{k}.{lv}", p) for lv, paths in vals.items() for p in paths]
                  if isinstance(vals, dict) else [("grid", k)])
    where += [(f"variants.{i}", k) for i, v in enumerate(sweep.variants) for k in v
              if k != "name"]
    for section, path in where:
        node: Any = raw
        for part in path.split(".")[:-1]:
            if isinstance(node, list):
                if not part.isdigit() or int(part) >= len(node):
                    problems.append(f"{sweep.source_path}: key '{section}.{path}': the base case "
                                    f"has {len(node)} item(s) at '{part}', expected an index "
                                    f"below {len(node)}")
                    break
                node = node[int(part)]
            elif isinstance(node, dict):
                node = node.get(part, {})
            else:
                problems.append(f"{sweep.source_path}: key '{section}.{path}': '{part}' is not "
                                "a mapping or list in the base case")
                break
    if problems:
        raise InputError(problems)


def grid_levels(sweep: SweepFile) -> dict[str, list[tuple[Any, dict[str, Any]]]]:
    """Per grid key, its levels: (the value shown in the table, the paths it sets)."""
    out = {}
    for k, vals in sweep.grid.items():
        if isinstance(vals, dict):
            out[k] = [(name, dict(paths)) for name, paths in vals.items()]
        else:
            out[k] = [(v, {k: v}) for v in vals]
    return out


def expand(sweep: SweepFile) -> list[Scenario]:
    """Grid point x variant x sample, in that order (the last fastest)."""
    levels = grid_levels(sweep)
    keys = list(levels)
    drawn = draws(sweep)
    variants = sweep.variants or [None]
    fixed = [set_item(k, v) for k, v in sweep.set.items()]
    out = []
    n = 0
    for combo in itertools.product(*(levels[k] for k in keys)):
        point = {k: shown for k, (shown, _) in zip(keys, combo, strict=True)}
        psets = [set_item(p, v) for _, paths in combo for p, v in paths.items()]
        for var in variants:
            vsets = [set_item(k, v) for k, v in (var or {}).items() if k != "name"]
            name = var["name"] if var else None
            for i in range(sweep.samples):
                sampled = {k: drawn[k][i] for k in sweep.sample}
                sets = fixed + psets + vsets + [set_item(k, v) for k, v in sampled.items()]
                group = ({"variant": name} if name else {}) | point
                out.append(Scenario(f"s{n:04d}", name, point | sampled, sets, group))
                n += 1
    return out


def case_key(case: Case, ds_hashes: dict) -> str:
    """Hash of a resolved case (where it was read from aside) and its dataset's hashes."""
    doc = {"case": case.model_dump(mode="json", exclude={"source_path"}), "dataset": ds_hashes}
    blob = json.dumps(doc, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:20]


def resolve(sweep: SweepFile, scenarios: list[Scenario]) -> dict[str, Dataset]:
    """Load and validate each scenario's case (single-threaded HiGHS) and key it; a case
    that does not validate marks its scenario failed. Returns the datasets by hash."""
    base = base_case_path(sweep)
    check_paths(sweep, load_raw(base))
    datasets: dict[str, Dataset] = {}
    by_folder: dict[str, str] = {}
    for sc in scenarios:
        try:
            case = load_case(base, sc.sets)
        except InputError as e:
            sc.error = f"overrides {', '.join(sc.sets)}: {e}"
            sc.key = hashlib.sha256(("\n".join(sc.sets) + str(base)).encode()).hexdigest()[:20]
            continue
        sc.case = case.model_copy(update={"solver": case.solver.model_copy(
            update={"threads": 1})})
        if case.dataset not in by_folder:
            ds = load_dataset(case.dataset)
            h = hashlib.sha256(json.dumps(ds.hashes, sort_keys=True).encode()).hexdigest()[:20]
            by_folder[case.dataset] = h
            datasets.setdefault(h, ds)
        sc.dataset = by_folder[case.dataset]
        dsh = datasets[sc.dataset].hashes
        sc.key = case_key(sc.case, dsh)
        sc.anchor = case_key(sc.case.model_copy(update={"events": []}), dsh)
    groups: dict[str, list[Scenario]] = {}
    for sc in scenarios:
        groups.setdefault(json.dumps(sc.group, default=str), []).append(sc)
    dead = [(g, scs[0].error) for g, scs in groups.items() if all(s.case is None for s in scs)]
    if dead:  # a grid value or variant no draw can rescue: the sweep file is wrong
        raise InputError([f"{sweep.source_path}: every scenario of {g} fails: {e}"
                          for g, e in dead])
    return datasets


# --- running ----------------------------------------------------------------------------------

def connect(scheduler: str | None, workers: int | None):
    """A Dask client: on an existing scheduler, or on a LocalCluster of single-threaded
    worker processes (one per core unless `workers` says otherwise)."""
    import logging

    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="20s"), None
        except (OSError, TimeoutError, ValueError) as e:
            raise InputError(f"--scheduler {scheduler}: cannot reach a Dask scheduler there "
                             f"({e}); expected an address like tcp://host:8786") from None
    n = workers or os.cpu_count() or 1
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=":0",
                           silence_logs=logging.ERROR)
    return Client(cluster), cluster


def placement(scenarios: list[Scenario], workers: list[str]) -> dict[str, str]:
    """Worker per scenario key: scenarios sorted by anchor, cut into one run per worker, so a
    worker builds few anchors. Only a preference: any worker may take any scenario."""
    todo = sorted(scenarios, key=lambda s: (s.anchor, s.scenario))
    if not workers:
        return {}
    per = -(-len(todo) // len(workers))
    return {s.key: workers[i // per] for i, s in enumerate(todo)}


def run_sweep(path: str | Path, out: Path | None = None, scheduler: str | None = None,
              workers: int | None = None, resume: bool = False,
              reporter: Reporter | None = None, samples: int | None = None) -> SweepRun:
    """Run (or resume) a sweep; returns what was done. Bad input raises InputError before
    anything is written. `samples` replaces the file's count: each path's draws are then the
    first `samples` of the file's own (a quick look before the whole sweep)."""
    from lngswap.studies.sweep_results import write_outputs

    rep = reporter or Reporter()
    sweep = load_sweep(path)
    if workers is not None and workers < 1:
        raise InputError(f"--workers {workers}: expected at least 1")
    if samples is not None:
        if samples < 1:
            raise InputError(f"--samples {samples}: expected at least 1")
        sweep = sweep.model_copy(update={"samples": samples})
    scenarios = expand(sweep)
    datasets = resolve(sweep, scenarios)
    out = Path(out) if out else Path("runs") / f"sweep-{Path(path).stem}"
    prepare_folder(out, resume)
    run = SweepRun(sweep, out, scenarios)
    _write_manifest(run, "running", scheduler)
    have = finished(out) if resume else {}
    todo: dict[str, list[Scenario]] = {}
    for sc in scenarios:
        if sc.key in have:
            names, rec = have[sc.key]
            if f"{sc.scenario}.json" not in names:  # the same case under another scenario
                store(out, sc, rec)
            run.records[sc.key] = rec
            run.skipped += 1
        elif sc.case is None:
            rec = {"status": "failed", "error": sc.error, "scenario": sc.scenario, "key": sc.key}
            store(out, sc, rec)
            run.records[sc.key] = rec
        else:
            todo.setdefault(sc.key, []).append(sc)
    if todo:
        _solve_all(run, todo, datasets, scheduler, workers, rep)
    else:
        rep.started(0, run.skipped, 0, None)
    rep.closing()
    write_outputs(run)
    _write_manifest(run, "finished", scheduler)
    return run


def _solve_all(run: SweepRun, todo: dict[str, list[Scenario]], datasets: dict[str, Dataset],
               scheduler: str | None, workers: int | None, rep: Reporter) -> None:
    from distributed import as_completed

    client, cluster = connect(scheduler, workers)
    try:
        names = sorted(client.scheduler_info(n_workers=-1)["workers"])
        if not names:
            client.wait_for_workers(1, timeout=60)
            names = sorted(client.scheduler_info(n_workers=-1)["workers"])
        run.workers = len(names)
        services = client.scheduler_info(n_workers=0).get("services", {})
        run.dashboard = client.dashboard_link if "dashboard" in services else None
        shared = {h: client.scatter(ds, broadcast=True, hash=False) for h, ds in datasets.items()}
        first = [scs[0] for scs in todo.values()]  # a case met twice is solved once
        where = placement(first, names)
        rep.started(len(first), run.skipped, len(names), run.dashboard)
        futures = [client.submit(run_task, Task(sc.scenario, sc.key, sc.anchor, sc.case),
                                 shared[sc.dataset], key=f"lngswap-scenario-{sc.key}",
                                 workers=[where[sc.key]], allow_other_workers=True, pure=False)
                   for sc in sorted(first, key=lambda s: (s.anchor, s.scenario))]
        for fut in as_completed(futures):
            key = fut.key.removeprefix("lngswap-scenario-")
            try:
                rec = fut.result()
            except Exception as e:  # noqa: BLE001 - a lost worker or task: recorded, go on
                rec = {"status": "failed", "error": f"{type(e).__name__}: {e}"}
            for sc in todo[key]:
                store(run.out, sc, rec)
            run.records[key] = rec
            rep.finished_one(rec)
            fut.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _write_manifest(run: SweepRun, status: str, scheduler: str | None) -> None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        lngswap_version = version("lngswap")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        lngswap_version = "unknown"
    ok = run.done()
    doc = {"kind": KIND, "written_by": "lngswap", "status": status,
           "sweep_file": run.sweep.source_path,
           "sweep_sha256": hashlib.sha256(Path(run.sweep.source_path).read_bytes()).hexdigest(),
           "scenarios": len(run.scenarios), "done": ok,
           "failed": sum(run.records.get(s.key, {}).get("status") == "failed"
                         for s in run.scenarios),
           "skipped_finished": run.skipped, "scheduler": scheduler or "local",
           "workers": run.workers, "versions": {"lngswap": lngswap_version},
           "outputs": {n: "" for n in ("table.parquet", "table.csv", "cube.nc", "summary.json",
                                       "index.json", SCENARIOS, FAILED)}}
    write_json(run.out / MANIFEST, doc)
