"""The `lngswap` command: each subcommand maps library errors to a message and an exit code.

Exit codes: 0 done; 1 `check` found violations; 2 bad input (nothing written);
3 the solver found no plan (explained in domain words).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from lngswap.errors import InputError, SolveError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Allocate LNG cargoes between Japan, Korea and Europe under disruptions.")
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

CaseArg = Annotated[Path | None, typer.Argument(help="Case file (default: models/base.yaml).")]
SetOpt = Annotated[list[str] | None, typer.Option("--set", help="Override: key.path=value.")]
OverwriteOpt = Annotated[bool, typer.Option(
    "--overwrite", help="Write into an output folder that holds other files: only lngswap's "
    "own files are replaced, the rest are kept.")]


class Terminated(BaseException):
    """SIGTERM received: unwinds like Ctrl-C so that temporary output is removed."""


def _on_sigterm(signum, frame) -> None:  # noqa: ARG001
    raise Terminated


def guarded(fn: Callable) -> Callable:
    """Turn library errors into a message on stderr and the documented exit code."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            return fn(*args, **kwargs)
        except (KeyboardInterrupt, Terminated) as e:
            why = "Ctrl-C" if isinstance(e, KeyboardInterrupt) else "SIGTERM"
            err.print(f"stopped ({why}); no partial output was left")
            raise typer.Exit(130 if why == "Ctrl-C" else 143) from None
        except InputError as e:
            err.print(f"error: {e}")
            raise typer.Exit(2) from None
        except SolveError as e:
            err.print(f"no plan: {e}")
            raise typer.Exit(3) from None
        finally:
            signal.signal(signal.SIGTERM, previous)

    return wrapper


def run_case(case_path: Path | None, out_dir: Path | None, sets: list[str] | None,
             quiet: bool = False, overwrite: bool = False) -> tuple[Path, dict]:
    """Load, solve and write one case; returns the output folder and the summary."""
    from lngswap.inputs.case import load_case
    from lngswap.inputs.dataset import load_dataset
    from lngswap.results.export import manifest, write_run
    from lngswap.results.summary import human_summary
    from lngswap.results.writer import check_folder_target
    from lngswap.solve.highs_backend import highs_options
    from lngswap.studies.api import solve

    case = load_case(case_path, sets)
    options = highs_options(case.solver)  # checked before anything is built
    target = out_dir or Path("runs") / case.name
    check_folder_target(target, overwrite=overwrite)  # refused before any work is done
    ds = load_dataset(case.dataset)
    res = solve(case, ds)
    man = manifest(case, res, ds.hashes, options)
    for note in write_run(target, res, man, overwrite=overwrite):
        err.print(note)
    if not quiet:
        out.print(human_summary(res.summary))
        out.print(f"wrote {target}")
    return target, res.summary


@app.command()
@guarded
def run(case: CaseArg = None,
        out_dir: Annotated[Path | None, typer.Option("--out", help="Output folder.")] = None,
        set_: SetOpt = None,
        baseline: Annotated[str | None, typer.Option(
            "--baseline", help="Also run this case (e.g. base) and compare.")] = None,
        without_rules: Annotated[str | None, typer.Option(
            "--without-rules", help="Comma-separated rule ids to switch off.")] = None,
        overwrite: OverwriteOpt = False) -> None:
    """Run a case and write schedule, inventory, markets, summary, results.nc, manifest."""
    sets = list(set_ or [])
    bpath = _resolve_baseline(baseline) if baseline else None
    if without_rules:
        from lngswap.inputs.case import load_case

        current = load_case(case, sets).rules.disable
        ids = sorted(set(current) | {r.strip() for r in without_rules.split(",") if r.strip()})
        sets.append("rules.disable=[" + ",".join(ids) + "]")
    target, _ = run_case(case, out_dir, sets, overwrite=overwrite)
    if bpath is not None:
        from lngswap.inputs.case import load_case
        from lngswap.results.compare import compare_runs, print_comparison

        bname = load_case(bpath).name
        bdir = target.parent / f"{target.name}-baseline-{bname}"
        run_case(bpath, bdir, [], quiet=True, overwrite=overwrite)
        table = compare_runs([bdir, target], target / "comparison", overwrite=overwrite)
        print_comparison(table, out)


def _resolve_baseline(baseline: str) -> Path:
    """A baseline case by path or by the name of a bundled case; refused before any run."""
    from lngswap.errors import InputError
    from lngswap.paths import bundled_models_dir

    bpath = Path(baseline)
    if bpath.is_file():
        return bpath
    bundled = bundled_models_dir() / f"{baseline}.yaml"
    if bundled.is_file():
        return bundled
    names = sorted(p.stem for p in bundled_models_dir().glob("*.yaml"))
    raise InputError(f"--baseline {baseline}: no such case file and no bundled case of that "
                     f"name; bundled cases: {', '.join(names)}")


@app.command()
@guarded
def validate(case: Annotated[Path, typer.Argument(help="Case file to check.")],
             set_: SetOpt = None) -> None:
    """Check a case file and its dataset without solving."""
    from lngswap.areas.extensions import apply_extensions, swap_partners
    from lngswap.inputs.case import load_case
    from lngswap.inputs.dataset import load_dataset
    from lngswap.solve.highs_backend import highs_options
    from lngswap.tables.indices import build_model_data

    c = load_case(case, set_ or [])
    highs_options(c.solver)
    ds = load_dataset(c.dataset)
    md = build_model_data(c, ds, swap_partners(c))
    apply_extensions(md, ds)
    out.print(f"{case}: valid ({md.counts['cargoes']} cargoes, {md.counts['arcs']} arcs, "
              f"{len(md.nodes)} import nodes, {md.cal.n} days)")


@app.command()
@guarded
def routes(dataset: Annotated[Path | None, typer.Option(
        "--dataset", help="Dataset folder (default: the bundled data).")] = None) -> None:
    """Recompute sea routes with searoute and write routes.csv into the dataset."""
    from lngswap.inputs.dataset import resolve_folder
    from lngswap.network.routes import write_routes

    folder = resolve_folder(str(dataset) if dataset else "default")
    path = write_routes(folder)
    out.print(f"wrote {path}")


@app.command()
@guarded
def compare(runs: Annotated[list[Path], typer.Argument(help="Run folders; the first is the "
                                                       "reference.")],
            out_dir: Annotated[Path | None, typer.Option("--out")] = None,
            overwrite: OverwriteOpt = False) -> None:
    """Side-by-side headline figures of several runs (comparison.csv and .md)."""
    from lngswap.results.compare import compare_runs, print_comparison

    table = compare_runs(runs, out_dir, overwrite=overwrite)
    print_comparison(table, out)


@app.command()
@guarded
def check(schedule: Annotated[Path, typer.Argument(help="Schedule CSV to audit.")],
          case: Annotated[Path, typer.Option("--case", help="Case whose rules apply.")],
          out_file: Annotated[Path | None, typer.Option("--out", help="Write violations CSV.")]
          = None,
          overwrite: OverwriteOpt = False) -> None:
    """Audit a schedule against a case's compliance rules; exit 1 if any rule is broken."""
    from lngswap.results.audit import audit_schedule, print_violations
    from lngswap.results.writer import write_file

    violations = audit_schedule(schedule, case)
    if out_file:
        write_file(out_file, lambda p: violations.to_csv(p, index=False, lineterminator="\n"),
                   overwrite=overwrite)
    print_violations(violations, out)
    if len(violations):
        raise typer.Exit(1)


@app.command("swap-terms")
@guarded
def swap_terms(case: Annotated[Path, typer.Argument(help="Case with a swap agreement.")],
               terms: Annotated[Path, typer.Option("--terms", help="Terms file (YAML).")],
               scenarios: Annotated[list[Path] | None, typer.Option(
                   "--scenarios", help="More cases to evaluate the terms under.")] = None,
               out_dir: Annotated[Path | None, typer.Option("--out")] = None,
               overwrite: OverwriteOpt = False) -> None:
    """Compare swap terms across scenarios, side by side, with each party's gain."""
    from lngswap.studies.swap_terms import evaluate_terms, print_terms

    table = evaluate_terms(case, terms, list(scenarios or []), out_dir, overwrite=overwrite)
    print_terms(table, out)


@app.command()
@guarded
def sweep(file: Annotated[Path, typer.Argument(help="Sweep file (YAML).")],
          out_dir: Annotated[Path | None, typer.Option(
              "--out", help="Sweep folder (default: runs/sweep-NAME).")] = None,
          scheduler: Annotated[str | None, typer.Option(
              "--scheduler", help="Address of an existing Dask scheduler (tcp://host:port); "
              "default: a local cluster.")] = None,
          workers: Annotated[int | None, typer.Option(
              "--workers", help="Local cluster size (default: one per core).")] = None,
          resume: Annotated[bool, typer.Option(
              "--resume", help="Finish an interrupted sweep in --out: finished scenarios are "
              "kept, the rest solved.")] = False,
          samples: Annotated[int | None, typer.Option(
              "--samples", help="Solve only the first N draws of the file's sample (a quick "
              "look; the same scenarios the whole sweep starts with).")] = None) -> None:
    """Monte Carlo of disruptions x swap terms on Dask: table, cube and statistics."""
    from lngswap.studies.sweep import run_sweep
    from lngswap.studies.sweep_progress import RichReporter, print_summary
    from lngswap.studies.sweep_results import summary, table

    if scheduler and workers:
        err.print("note: --workers is ignored with --scheduler (the cluster has its own)")
    try:
        run = run_sweep(file, out_dir, scheduler, None if scheduler else workers, resume,
                        RichReporter(err), samples)
    except (KeyboardInterrupt, Terminated):
        err.print("stopped; the scenarios finished so far are kept: run the same command "
                  "with --resume to finish the sweep")
        raise typer.Exit(130) from None
    print_summary(summary(run, table(run)), out)
    ok = run.done()
    out.print(f"{ok} of {len(run.scenarios)} scenarios done ({run.skipped} skipped as "
              f"already finished), {len(run.scenarios) - ok} failed; wrote {run.out}")


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
