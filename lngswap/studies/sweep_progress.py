"""The sweep's progress bar (rich): done, failed and running counts, and an ETA."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from lngswap.studies.sweep import Reporter
from lngswap.studies.sweep_results import headline


class RichReporter(Reporter):
    """Shows a sweep's progress on a console (stderr by default)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Progress | None = None
        self.total = self.done = self.failed = self.workers = 0

    def started(self, total: int, skipped: int, workers: int, dashboard: str | None) -> None:
        if skipped:
            self.console.print(f"skipped {skipped} finished scenarios (already in scenarios/)")
        if dashboard:
            self.console.print(f"Dask dashboard: {dashboard}{_bokeh_note()}")
        if not total:
            return
        self.console.print(f"{total} scenarios to solve on {workers} worker(s)")
        self.total, self.workers = total, workers
        self.progress = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[counts]}"), TimeElapsedColumn(),
                                 TextColumn("ETA"), TimeRemainingColumn(),
                                 console=self.console, transient=False)
        self.task = self.progress.add_task("sweep", total=total, counts=self._counts())
        self.progress.start()

    def _counts(self) -> str:
        running = min(self.workers, self.total - self.done - self.failed)
        return f"done {self.done}  failed {self.failed}  running {running}"

    def finished_one(self, rec: dict) -> None:
        if rec.get("status") == "ok":
            self.done += 1
        else:
            self.failed += 1
            self.console.print(f"scenario {rec.get('scenario', '?')} failed: "
                               f"{str(rec.get('error', ''))[:300]}")
        if self.progress is not None:
            self.progress.update(self.task, advance=1, counts=self._counts())

    def closing(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _bokeh_note() -> str:
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return " (pages need the bokeh package where the scheduler runs)"
    return ""


def print_summary(summary_doc: dict, console: Console) -> None:
    """Unserved energy (TBtu) and cost (bn USD) statistics per group and party."""
    for measure, unit, scale in (("unserved", "TBtu", 1e6), ("cost", "bn USD", 1e9)):
        df = headline(summary_doc, measure)
        if df.empty:
            continue
        t = Table(title=f"{measure} ({unit}) over {summary_doc['samples']} samples per group")
        for c in df.columns:
            t.add_column(c, justify="left" if c in ("group", "party") else "right")
        for _, r in df.iterrows():
            t.add_row(r["group"], r["party"],
                      *(f"{r[c] / scale:,.2f}" for c in df.columns[2:]))
        console.print(t)
