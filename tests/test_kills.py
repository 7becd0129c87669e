"""A kill test for each writer: `write_folder` (run, compare, swap-terms) and `write_file`
(check --out). Killed mid-write with SIGKILL, a writer leaves the target as it was; the next
write to the same target succeeds and removes what the killed one left. With SIGTERM under the
CLI's handler nothing is left at all."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lngswap.results.writer import write_file, write_folder

SCRIPT = """
import signal, sys, time
from pathlib import Path
from lngswap.cli import Terminated, _on_sigterm
from lngswap.results.writer import write_file, write_folder
signal.signal(signal.SIGTERM, _on_sigterm)
target, ready, kind = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
def slow(p):
    (p / "a.csv" if kind == "folder" else p).write_text("half")
    ready.write_text("x")
    time.sleep(30)
try:
    if kind == "folder":
        write_folder(target, slow, {})
    else:
        write_file(target, slow, overwrite=True)
except Terminated:
    sys.exit(143)
"""


def kill_mid_write(target: Path, kind: str, sig: int) -> int:
    ready = target.parent.parent / "ready"
    p = subprocess.Popen([sys.executable, "-c", SCRIPT, str(target), str(ready), kind])
    t0 = time.time()
    while not ready.exists() and time.time() - t0 < 60:
        time.sleep(0.02)
    assert ready.exists(), "the writer never started"
    p.send_signal(sig)
    rc = p.wait(30)
    ready.unlink()
    return rc


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_kill_9_mid_write_leaves_the_old_output_and_the_next_write_cleans(tmp_path, kind):
    k = tmp_path / "k"
    k.mkdir()
    target = k / ("run" if kind == "folder" else "v.csv")
    if kind == "folder":
        write_folder(target, lambda p: (p / "old.csv").write_text("old"), {})
    else:
        target.write_text("old")
    assert kill_mid_write(target, kind, signal.SIGKILL) == -signal.SIGKILL
    old = (target / "old.csv") if kind == "folder" else target
    assert old.read_text() == "old"  # the earlier output is whole
    if kind == "folder":
        write_folder(target, lambda p: (p / "new.csv").write_text("new"), {})
        assert entries(target) == ["manifest.json", "new.csv"]
    else:
        write_file(target, lambda p: p.write_text("new"), overwrite=True)
        assert target.read_text() == "new"
    assert entries(k) == [target.name]  # the killed writer's temp output is gone


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_sigterm_mid_write_leaves_nothing(tmp_path, kind):
    k = tmp_path / "k"
    k.mkdir()
    target = k / ("run" if kind == "folder" else "v.csv")
    assert kill_mid_write(target, kind, signal.SIGTERM) == 143
    assert entries(k) == []
