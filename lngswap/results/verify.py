"""`lngswap verify RUN`: re-hash a results folder and the inputs its manifest names.

The manifest lists the sha256 of every file the command wrote (`output_hashes`) and of every
input it read (`inputs`, with their paths in `input_paths`). Verifying says, file by file,
what changed since: an output edited, missing or added, an input edited or gone. A run whose
files and inputs all match is reproducible from what is on disk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from lngswap.errors import InputError
from lngswap.results.export import file_hash
from lngswap.results.writer import MANIFEST, output_hashes


@dataclass
class Verdict:
    """What `verify` found: the files checked and every difference, in words."""

    folder: Path
    outputs_checked: int = 0
    inputs_checked: int = 0
    changes: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not self.changes


def read_manifest(folder: Path) -> dict:
    """The manifest of a results folder; InputError if there is none to verify against."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder; expected a run folder written by lngswap")
    p = folder / MANIFEST
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{folder}: no {MANIFEST}; expected a run folder written by "
                         "lngswap") from None
    except (OSError, ValueError) as e:
        raise InputError(f"{p}: cannot be read as a manifest ({e})") from None
    if not isinstance(doc, dict) or "inputs" not in doc:
        raise InputError(f"{p}: not an lngswap manifest (no 'inputs')")
    return doc


def _own_folder(folder: Path, name: str) -> bool:
    """Whether `name` lies in a sub-folder with its own manifest (e.g. a comparison written
    into the run folder afterwards), which is verified on its own."""
    parts = Path(name).parts
    return len(parts) > 1 and (folder / parts[0] / MANIFEST).is_file()


def verify_run(folder: str | Path) -> Verdict:
    """Compare a results folder and its inputs with the hashes in its manifest."""
    folder = Path(folder)
    man = read_manifest(folder)
    v = Verdict(folder)
    want = man.get("output_hashes")
    if want is None:
        v.changes.append(f"{MANIFEST} lists no output hashes (written by an older lngswap); "
                         "outputs not checked")
    else:
        have = {k: h for k, h in output_hashes(folder).items()
                if k in want or not _own_folder(folder, k)}
        v.outputs_checked = len(want)
        for name in sorted(set(want) | set(have)):
            if name not in have:
                v.changes.append(f"output {name}: missing from {folder}")
            elif name not in want:
                v.changes.append(f"output {name}: not written by this run (added since)")
            elif have[name] != want[name]:
                v.changes.append(f"output {name}: changed since the run wrote it")
    paths = man.get("input_paths") or {}
    for key, digest in sorted(man["inputs"].items()):
        path = paths.get(key)
        if path is None:
            v.changes.append(f"input {key}: its path is not recorded; not checked")
            continue
        v.inputs_checked += 1
        p = Path(path)
        if not p.is_file():
            v.changes.append(f"input {key}: {p} is gone")
        elif file_hash(p) != digest:
            v.changes.append(f"input {key}: {p} changed since the run read it")
    return v
