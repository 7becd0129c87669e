"""A sweep folder on disk: one small JSON file per scenario, each written atomically.

    scenarios/ID.json    a finished scenario: its key, figures and market x day arrays
    failed/ID.json       a failed one, with its message (retried by --resume)
    index.json           key -> scenarios and files
    manifest.json        what the sweep is, its status and counts

Each file holds the scenario's key, the hash of its resolved case and its dataset's file
hashes: --resume keeps a file whose key is still the scenario's, and scenarios that resolve to
the same case are solved once.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from lngswap.errors import InputError
from lngswap.results.writer import write_file

if TYPE_CHECKING:
    from lngswap.studies.sweep import Scenario

SCENARIOS = "scenarios"
FAILED = "failed"
MANIFEST = "manifest.json"
KIND = "lngswap-sweep"


def prepare_folder(out: Path, resume: bool) -> None:
    """A new or empty folder, or (with --resume) an earlier sweep's folder; else refused."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: a file is already there; choose a folder name")
    if out.is_dir() and any(out.iterdir()):
        ours = _is_sweep_folder(out)
        if not ours:
            raise InputError(f"--out {out}: holds files that are not an lngswap sweep; choose "
                             "a new folder")
        if not resume:
            raise InputError(f"--out {out}: holds an earlier sweep; give --resume to finish it "
                             "(finished scenarios are kept), or choose a new folder")
    try:
        (out / SCENARIOS).mkdir(parents=True, exist_ok=True)
        (out / FAILED).mkdir(exist_ok=True)
    except OSError as e:
        raise InputError(f"--out {out}: cannot create the folder ({e.strerror})") from None
    for d in (out, out / SCENARIOS, out / FAILED):  # temporary files of a killed writer
        for p in d.glob(".*lngswap-tmp-*"):
            p.unlink(missing_ok=True)


def _is_sweep_folder(out: Path) -> bool:
    try:
        doc = json.loads((out / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and doc.get("kind") == KIND


def write_json(path: Path, doc: dict) -> None:
    """One JSON file, whole or not at all (temporary file, then rename)."""
    text = json.dumps(doc, indent=1, sort_keys=True, default=str) + "\n"
    write_file(path, lambda p: p.write_text(text, encoding="utf-8"), overwrite=True)


def finished(out: Path) -> dict[str, tuple[set[str], dict]]:
    """Finished records in the folder by key: (the files holding it, the record)."""
    found = {}
    for p in sorted((out / SCENARIOS).glob("*.json")):
        try:
            doc = json.loads(p.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict) and doc.get("status") == "ok" and doc.get("key"):
            found.setdefault(str(doc["key"]), (set(), doc))[0].add(p.name)
    return found


def store(out: Path, sc: Scenario, rec: dict) -> None:
    """Write a scenario's record as its own file (ok: scenarios/, failed: failed/)."""
    doc = dict(rec, scenario=sc.scenario, key=sc.key, variant=sc.variant,
               params={k: (v.isoformat() if isinstance(v, date) else v)
                       for k, v in sc.params.items()})
    if rec["status"] == "ok":
        write_json(out / SCENARIOS / f"{sc.scenario}.json", doc)
        (out / FAILED / f"{sc.scenario}.json").unlink(missing_ok=True)
    else:
        write_json(out / FAILED / f"{sc.scenario}.json", doc)
