"""Progress of long work, reported by library code without knowing who shows it.

Library code calls the module functions; they do nothing until a front end (the CLI) installs
a reporter with `reporting(...)`::

    from lngswap import progress
    progress.phase("solving the isolated reference")
    with progress.steps(6, "solve") as step:
        for v in variants:
            step(f"variant {v.name}")      # "solve 3 of 6: variant small ... ETA 40 s"

Reporters: `quiet` shows nothing; `plain` writes one line per phase or step (for logs: no
terminal control codes); `rich` shows a live status line with elapsed time and ETA on a
terminal. `auto` picks `rich` on a terminal, else `plain`.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from typing import TextIO


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    m, s = divmod(s, 60)
    if m < 60:
        return f"{m} min {s:02d} s"
    h, m = divmod(m, 60)
    return f"{h} h {m:02d} min"


class Reporter:
    """Shows nothing (the default, and `--quiet`)."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def show(self, text: str) -> None:  # noqa: B027 - silent by design
        """Show one line of progress."""

    def close(self) -> None:  # noqa: B027
        """Clear whatever is on screen."""


class PlainReporter(Reporter):
    """One line per event, with the time since the start: for logs and CI."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def show(self, text: str) -> None:
        self.stream.write(f"[{_clock(self.elapsed()):>9}] {text}\n")
        self.stream.flush()


class RichReporter(Reporter):
    """A live status line (spinner, text, elapsed) on a terminal."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        from rich.console import Console

        self.console = Console(file=stream, highlight=False)
        self.status = self.console.status("")
        self.status.start()

    def show(self, text: str) -> None:
        self.status.update(f"{text}  [dim]({_clock(self.elapsed())})[/dim]")

    def close(self) -> None:
        self.status.stop()


_current: Reporter = Reporter()
#: The open `steps` counters, innermost last (for `step`).
_counters: list[Callable[[str], None]] = []


def make_reporter(mode: str = "auto", stream: TextIO | None = None) -> Reporter:
    """A reporter for `mode` (auto, quiet, plain, rich) writing to `stream` (stderr)."""
    stream = stream or sys.stderr
    if mode == "auto":
        mode = "rich" if getattr(stream, "isatty", lambda: False)() else "plain"
    if mode == "quiet":
        return Reporter()
    if mode == "rich":
        return RichReporter(stream)
    return PlainReporter(stream)


@contextlib.contextmanager
def reporting(mode: str = "auto", stream: TextIO | None = None) -> Iterator[Reporter]:
    """Install a reporter for the duration of a command."""
    global _current
    previous, _current = _current, make_reporter(mode, stream)
    try:
        yield _current
    finally:
        _current.close()
        _current = previous


def phase(text: str) -> None:
    """Say what is being done now."""
    _current.show(text)


@contextlib.contextmanager
def steps(total: int, what: str = "step") -> Iterator[Callable[[str], None]]:
    """Count `total` steps of `what`; each call of the yielded function starts the next one
    and shows 'what n of total: label', the elapsed time and an ETA from the mean step."""
    t0 = time.monotonic()
    done = [0]

    def step(label: str = "") -> None:
        n = done[0] + 1
        spent = time.monotonic() - t0
        if done[0]:
            eta = f"ETA {_clock(spent / done[0] * (total - done[0]))}"
        else:
            eta = "ETA after the first one"
        tail = f": {label}" if label else ""
        _current.show(f"{what} {n} of {total}{tail} (elapsed {_clock(spent)}, {eta})")
        done[0] = n

    _counters.append(step)
    try:
        yield step
    finally:
        _counters.remove(step)
    _current.show(f"{what}s done: {done[0]} of {total} in {_clock(time.monotonic() - t0)}")


def step(label: str = "") -> None:
    """Start the next step of the innermost open `steps` counter (a phase if none is open)."""
    if _counters:
        _counters[-1](label)
    else:
        _current.show(label)
