"""Solved models kept on disk between runs, so a plan is solved once per dataset and case.

A disruption case under `foresight: surprise` first solves its plan without events; that plan
is usually the base case a planner has just run. Each cold, optimal HiGHS solve of a model
without events is stored under the hash of the exact LP handed to HiGHS (matrix, bounds,
costs, offset), the HiGHS options and the HiGHS version: any change to the data, the case or
the code that changes the LP gives another key, so a stored solve is never stale. A stored
solve is the solve HiGHS would repeat (it is deterministic for one LP and one set of
options), so a run gives the same figures with or without the store.

Where: `$LNGSWAP_CACHE_DIR`, else `$XDG_CACHE_HOME/lngswap/plans`, else
`~/.cache/lngswap/plans`; `LNGSWAP_CACHE=off` switches it off. At most `MAX_ENTRIES` solves
are kept (the oldest are removed).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from lngswap.errors import InputError
from lngswap.model.lp import StandardForm
from lngswap.results.writer import write_file
from lngswap.solve.highs_backend import Outcome, Status
from lngswap.versions import package_version

MAX_ENTRIES = 8
_FORMAT = 1


def default_folder() -> Path | None:
    """The store's folder, or None when switched off."""
    if os.environ.get("LNGSWAP_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    if os.environ.get("LNGSWAP_CACHE_DIR"):
        return Path(os.environ["LNGSWAP_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lngswap" / "plans"


def form_key(form: StandardForm, options: dict) -> str:
    """Hash of the LP as handed to HiGHS, its options and the HiGHS version."""
    h = hashlib.sha256()
    h.update(f"v{_FORMAT};highspy {package_version('highspy')}".encode())
    h.update(json.dumps(options, sort_keys=True, default=str).encode())
    a = form.a
    h.update(np.asarray(a.shape, dtype=np.int64).tobytes())
    for arr in (a.indptr, a.indices):
        h.update(np.ascontiguousarray(arr, dtype=np.int64).tobytes())
    for arr in (a.data, form.cost, form.col_lo, form.col_hi, form.row_lo, form.row_hi,
                np.array([form.offset])):
        h.update(np.ascontiguousarray(arr, dtype=np.float64).tobytes())
    return h.hexdigest()


class PlanStore:
    """A bounded folder of solved models (solution, duals, basis), keyed by `form_key`."""

    def __init__(self, folder: Path | None, max_entries: int = MAX_ENTRIES):
        self.folder = folder
        self.max_entries = max_entries

    @classmethod
    def default(cls) -> PlanStore:
        return cls(default_folder())

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.npz"

    def get(self, key: str) -> Outcome | None:
        """The stored solve of this LP, or None (also when the file is unreadable)."""
        if self.folder is None:
            return None
        p = self._path(key)
        try:
            with np.load(p, allow_pickle=False) as z:
                meta = json.loads(str(z["meta"]))
                out = Outcome(status=Status(meta["status"]), model_status=meta["model_status"],
                              objective=float(meta["objective"]), x=z["x"],
                              row_dual=z["row_dual"], col_dual=z["col_dual"],
                              highs_s=float(meta["highs_s"]), handover_s=0.0,
                              iterations=int(meta["iterations"]), options=meta["options"],
                              basis=(z["col_status"], z["row_status"]))
            os.utime(p)  # recently used: kept longest
            return out
        except (OSError, ValueError, KeyError):
            return None

    def put(self, key: str, out: Outcome) -> bool:
        """Keep an optimal solve with its basis; False if it could not be written (the run
        goes on: the store only saves time)."""
        if self.folder is None or out.status != Status.OPTIMAL or out.basis is None:
            return False
        meta = {"status": out.status.value, "model_status": out.model_status,
                "objective": out.objective, "highs_s": out.highs_s,
                "iterations": out.iterations, "options": out.options}

        def write(tmp: Path) -> None:
            with tmp.open("wb") as f:
                np.savez(f, x=out.x, row_dual=out.row_dual, col_dual=out.col_dual,
                         col_status=out.basis[0], row_status=out.basis[1],
                         meta=np.array(json.dumps(meta, default=str)))

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_file(self._path(key), write, overwrite=True, flag="plan store")
        except (OSError, InputError):
            return False
        self._trim()
        return True

    def _trim(self) -> None:
        """Remove the least recently used solves beyond `max_entries`."""
        try:
            files = sorted(self.folder.glob("*.npz"), key=lambda p: p.stat().st_mtime)
            for p in files[:max(0, len(files) - self.max_entries)]:
                p.unlink(missing_ok=True)
        except OSError:
            pass
