"""Add files (a workbook, a report page) to an output folder lngswap wrote, whole or not at
all: the folder is written anew through `results.writer.write_folder`, its earlier files
hard-linked (not copied) into the new one, so the manifest lists and hashes every file."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from lngswap.errors import InputError
from lngswap.results.writer import MANIFEST, write_folder

#: Keys the writer sets itself when it finishes a manifest.
_WRITER_KEYS = ("written_by", "outputs", "output_hashes")


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def add_to_folder(folder: Path, files: dict[str, Callable[[Path], None]], *,
                  overwrite: bool = False) -> list[str]:
    """Write each `files[name](path)` into `folder` next to what is there already."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        raise InputError(f"{folder}: not an lngswap output folder (no readable "
                         f"{MANIFEST})") from None
    ours = set(manifest.get("outputs") or {}) - set(files)

    def fill(tmp: Path) -> None:
        for name in sorted(ours):
            src = folder / name
            if src.is_dir():
                shutil.copytree(src, tmp / name, copy_function=_link_or_copy)
            elif src.is_file():
                _link_or_copy(str(src), str(tmp / name))
        for name, write in files.items():
            write(tmp / name)

    base = {k: v for k, v in manifest.items() if k not in _WRITER_KEYS}
    return write_folder(folder, fill, base, overwrite=overwrite)
