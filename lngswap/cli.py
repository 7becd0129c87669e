"""The `lngswap` command: each subcommand maps library errors to a message and an exit code.

Exit codes: 0 done; 1 `check` found violations or `verify` found changes; 2 bad input
(nothing written); 3 the solver found no plan (explained in domain words).
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

CaseArg = Annotated[Path | None, typer.Argument(
    help="Case file, or the name of a bundled case (`lngswap cases`); default: base.")]
SetOpt = Annotated[list[str] | None, typer.Option("--set", help="Override: key.path=value.")]
OverwriteOpt = Annotated[bool, typer.Option(
    "--overwrite", help="Write into an output folder that holds other files: only lngswap's "
    "own files are replaced, the rest are kept.")]
XlsxOpt = Annotated[bool, typer.Option(
    "--xlsx", help="Also write the tables as one Excel workbook in the output folder (summary "
    "sheet first).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print no progress and no "
                                        "summary.")]
UnitsOpt = Annotated[str, typer.Option("--units", help="Energy in summaries and reports: mt "
                                       "(Mt LNG), bcm or mmbtu.")]
ByOpt = Annotated[str, typer.Option("--by", help="'month': monthly views (in the summary; "
                                    "series by month in a report).")]


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
            err.print(f"error: {e}", markup=False)
            raise typer.Exit(2) from None
        except SolveError as e:
            err.print(f"no plan: {e}", markup=False)
            raise typer.Exit(3) from None
        finally:
            signal.signal(signal.SIGTERM, previous)

    return wrapper


def run_case(case_path: Path | None, out_dir: Path | None, sets: list[str] | None,
             quiet: bool = False, overwrite: bool = False) -> tuple[Path, dict]:
    """Load, solve and write one case; returns the output folder and the summary."""
    from lngswap import progress
    from lngswap.inputs.case import load_case
    from lngswap.inputs.dataset import load_dataset
    from lngswap.paths import resolve_case
    from lngswap.results.export import manifest, write_run
    from lngswap.results.writer import check_folder_target
    from lngswap.solve.highs_backend import highs_options
    from lngswap.studies.api import solve

    case = load_case(resolve_case(case_path) if case_path else None, sets)
    options = highs_options(case.solver)  # checked before anything is built
    target = out_dir or Path("runs") / case.name
    check_folder_target(target, overwrite=overwrite)  # refused before any work is done
    progress.phase(f"{case.name}: loading the dataset")
    ds = load_dataset(case.dataset)
    progress.phase(f"{case.name}: building and solving the LP over {case.horizon.start} to "
                   f"{case.horizon.end} (HiGHS; a short case takes seconds, a year a minute "
                   "or more)")
    if case.foresight == "rolling":
        return _run_rolling(case, ds, target, options, overwrite)
    res = solve(case, ds)
    progress.phase(f"{case.name}: writing {target}")
    man = manifest(case, res, ds.hashes, options)
    for note in write_run(target, res, man, overwrite=overwrite):
        err.print(note)
    return target, res.summary


def _run_rolling(case, ds, target: Path, options: dict, overwrite: bool) -> tuple[Path, dict]:
    """A `foresight: rolling` case: one result per realised scenario (studies/rolling.py)."""
    import json

    from lngswap.results.export import case_inputs, command_manifest
    from lngswap.results.scenarios import rolling_lines, write_rolling
    from lngswap.studies.rolling import run_rolling

    run_ = run_rolling(case, ds)
    man = command_manifest("run", case_inputs(case), options)
    man["case_resolved"] = json.loads(case.model_dump_json(exclude={"source_path"}))
    for note in write_rolling(target, run_, man, overwrite=overwrite):
        err.print(note)
    run_.summary["_printed"] = rolling_lines(run_.summary)
    return target, run_.summary


@app.command()
@guarded
def run(case: CaseArg = None,
        out_dir: Annotated[Path | None, typer.Option("--out", help="Output folder.")] = None,
        set_: SetOpt = None,
        baseline: Annotated[str | None, typer.Option(
            "--baseline", help="Also run this case (e.g. base) and compare.")] = None,
        without_rules: Annotated[str | None, typer.Option(
            "--without-rules", help="Comma-separated rule ids to switch off.")] = None,
        overwrite: OverwriteOpt = False,
        xlsx: XlsxOpt = False, quiet: QuietOpt = False, units: UnitsOpt = "mt",
        by: ByOpt = "horizon") -> None:
    """Run a case and write schedule, inventory, markets, summary, results.nc, manifest."""
    from lngswap import progress
    from lngswap.paths import resolve_case

    sets = list(set_ or [])
    bpath = resolve_case(baseline, key="--baseline") if baseline else None
    u, by_month = _display(units, by)
    if without_rules:
        from lngswap.inputs.case import load_case

        current = load_case(resolve_case(case) if case else None, sets).rules.disable
        ids = sorted(set(current) | {r.strip() for r in without_rules.split(",") if r.strip()})
        sets.append("rules.disable=[" + ",".join(ids) + "]")
    with progress.reporting("quiet" if quiet else "auto"):
        target, summ = run_case(case, out_dir, sets, overwrite=overwrite)
        if "_printed" in summ:
            if not quiet:
                out.print("\n".join(summ["_printed"]), markup=False)
                out.print(f"wrote {target}")
            return
        if xlsx:
            _add_workbook(target, "run.xlsx", overwrite)
        bdir = None
        if bpath is not None:
            from lngswap.inputs.case import load_case
            from lngswap.results.compare import compare_runs

            bname = load_case(bpath).name
            bdir = target.parent / f"{target.name}-baseline-{bname}"
            run_case(bpath, bdir, [], quiet=True, overwrite=overwrite)
            compare_runs([bdir, target], target / "comparison", overwrite=overwrite)
    _print_run(target, bdir, u, by_month, quiet, xlsx)


def _display(units: str, by: str):
    """The display unit and whether monthly views are asked for; InputError otherwise."""
    from lngswap.reports.runs import unit

    if by not in ("horizon", "month"):
        raise InputError(f"--by {by}: expected 'month' (or 'horizon', the default)")
    return unit(units), by == "month"


def _add_workbook(folder: Path, name: str, overwrite: bool = False) -> Path:
    """Add an Excel workbook of the folder's tables to the folder (atomically)."""
    from lngswap import progress
    from lngswap.reports.folder import add_to_folder
    from lngswap.reports.workbook import write_workbook

    progress.phase(f"writing {folder / name}")
    add_to_folder(folder, {name: lambda p: write_workbook(folder, p)}, overwrite=overwrite)
    return folder / name


def _print_run(target: Path, bdir: Path | None, u, by_month: bool, quiet: bool,
               xlsx: bool) -> None:
    """The run's headline on the console (against the baseline run, if one was made)."""
    if quiet:
        return
    from lngswap.reports.headline import print_headline
    from lngswap.reports.runs import read_run

    base = read_run(bdir) if bdir is not None else None
    print_headline(read_run(target), u, out, baseline=base, by_month=by_month)
    out.print(f"wrote {target}" + (f" (and {target / 'run.xlsx'})" if xlsx else "")
              + (f"; comparison in {target / 'comparison'}" if bdir else "")
              + f"; see it with: lngswap report {target}")


@app.command()
@guarded
def validate(case: Annotated[Path, typer.Argument(help="Case file to check.")],
             set_: SetOpt = None) -> None:
    """Check a case file and its dataset without solving."""
    from lngswap.areas.extensions import apply_extensions, swap_partners
    from lngswap.inputs.case import load_case
    from lngswap.inputs.conditions import check_conditions
    from lngswap.inputs.dataset import load_dataset
    from lngswap.paths import resolve_case
    from lngswap.solve.highs_backend import highs_options
    from lngswap.tables.indices import build_model_data

    c = load_case(resolve_case(case), set_ or [])
    highs_options(c.solver)
    ds = load_dataset(c.dataset)
    check_conditions(c, ds)
    md = build_model_data(c, ds, swap_partners(c))
    apply_extensions(md, ds)
    out.print(f"{case}: valid ({md.counts['cargoes']} cargoes, {md.counts['arcs']} arcs, "
              f"{len(md.nodes)} import nodes, {md.cal.n} days)")


@app.command()
@guarded
def routes(dataset: Annotated[Path | None, typer.Option(
        "--dataset", help="Dataset folder (default: the bundled data).")] = None,
        out_file: Annotated[Path | None, typer.Option(
            "--out", help="Where to write routes.csv (default: into --dataset; for the "
            "bundled data of an installed package, ./routes.csv).")] = None) -> None:
    """Recompute sea routes with searoute and write routes.csv."""
    from lngswap.inputs.dataset import resolve_folder
    from lngswap.network.routes import write_routes

    folder = resolve_folder(str(dataset) if dataset else "default")
    target = out_file or _routes_target(folder, dataset is None)
    if target == folder / "routes.csv":
        path = write_routes(folder)
    else:
        path = _routes_elsewhere(folder, target)
    out.print(f"wrote {path}")


def _routes_target(folder: Path, bundled: bool) -> Path:
    """routes.csv in the dataset, except for the data inside an installed package (never
    written to): ./routes.csv then."""
    if bundled and "_bundled" in folder.parts:
        return Path("routes.csv")
    return folder / "routes.csv"


def _routes_elsewhere(folder: Path, target: Path) -> Path:
    """Compute the routes of `folder` in a scratch copy of its coordinates; move the file."""
    import shutil
    import tempfile

    from lngswap.network.routes import write_routes
    from lngswap.results.writer import write_file

    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / folder.name  # the same name: routes.csv cites its folder
        scratch.mkdir()
        for name in ("sources.csv", "terminals.csv"):
            shutil.copy2(folder / name, scratch / name)
        made = write_routes(scratch)
        return write_file(target, lambda p: shutil.copyfile(made, p), overwrite=True)


@app.command()
@guarded
def compare(runs: Annotated[list[Path], typer.Argument(help="Run folders; the first is the "
                                                       "reference.")],
            out_dir: Annotated[Path | None, typer.Option("--out")] = None,
            overwrite: OverwriteOpt = False, xlsx: XlsxOpt = False,
            units: UnitsOpt = "mt") -> None:
    """Side-by-side headline figures of several runs (comparison.csv and .md)."""
    from lngswap.results.compare import compare_runs

    u, _ = _display(units, "horizon")
    if xlsx and out_dir is None:
        raise InputError("--xlsx: give --out FOLDER too; the workbook is written there")
    table = compare_runs(runs, out_dir, overwrite=overwrite)
    if xlsx:
        _add_workbook(out_dir, "comparison.xlsx", overwrite)
    _print_compare(runs, table, out_dir, u)


def _print_compare(runs: list[Path], table, out_dir: Path | None, u) -> None:
    """A short headline table; the full comparison goes to files (or is summed up)."""
    from lngswap.reports.headline import print_compare_headline
    from lngswap.reports.runs import read_runs

    print_compare_headline(read_runs(runs), u, out)
    if out_dir is not None:
        out.print(f"all {len(table)} figures in {out_dir / 'comparison.csv'} and .md")
    else:
        out.print(f"{len(table)} figures in all: give --out FOLDER to write them")


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


@app.command()
@guarded
def linkage(case: Annotated[Path, typer.Argument(help="Case with a conditional agreement.")],
            out_dir: Annotated[Path | None, typer.Option("--out", help="Output folder.")] = None,
            set_: SetOpt = None, overwrite: OverwriteOpt = False) -> None:
    """Price the linkage bargain: per party, the cost of adhering to the agreement's rules,
    the agreement's value given adherence (expected and worst case), and the net."""
    from lngswap.inputs.case import load_case
    from lngswap.inputs.dataset import load_dataset
    from lngswap.paths import resolve_case
    from lngswap.results.export import case_inputs, command_manifest
    from lngswap.results.writer import check_folder_target, write_folder
    from lngswap.studies.linkage import linkage_table

    c = load_case(resolve_case(case), set_ or [])
    target = out_dir or Path("runs") / f"{c.name}-linkage"
    check_folder_target(target, overwrite=overwrite)
    table = linkage_table(c, load_dataset(c.dataset))
    man = command_manifest("linkage", case_inputs(c), {})
    write_folder(target, lambda tmp: table.to_csv(tmp / "linkage.csv", index=False,
                                                  lineterminator="\n"), man,
                 overwrite=overwrite)
    for _, r in table.iterrows():
        out.print(f"{r['agreement']} {r['party']}: cost of adhering "
                  f"{r['cost_of_adhering_usd'] / 1e6:,.1f} M USD, value of the agreement "
                  f"{r['value_of_agreement_expected_usd'] / 1e6:,.1f} M (worst "
                  f"{r['value_of_agreement_worst_usd'] / 1e6:,.1f} M), net "
                  f"{r['net_expected_usd'] / 1e6:,.1f} M: worth it {r['worth_it']}",
                  markup=False)
    out.print(f"wrote {target / 'linkage.csv'}")


@app.command("swap-terms")
@guarded
def swap_terms(case: Annotated[Path, typer.Argument(help="Case with a swap agreement.")],
               terms: Annotated[Path, typer.Option("--terms", help="Terms file (YAML).")],
               scenarios: Annotated[list[Path] | None, typer.Option(
                   "--scenarios", help="More cases to evaluate the terms under.")] = None,
               out_dir: Annotated[Path | None, typer.Option("--out")] = None,
               overwrite: OverwriteOpt = False, xlsx: XlsxOpt = False,
               quiet: QuietOpt = False, units: UnitsOpt = "mt") -> None:
    """Compare swap terms across scenarios, side by side, with each party's gain."""
    from lngswap import progress
    from lngswap.paths import resolve_case
    from lngswap.studies.swap_terms import evaluate_terms

    u, _ = _display(units, "horizon")
    target = out_dir or Path("runs") / "swap-terms"
    from lngswap.inputs.case import load_case

    if load_case(resolve_case(case)).foresight == "rolling":  # the swap as insurance
        from lngswap.studies.terms_uncertain import evaluate_terms_uncertain, terms_lines

        table = evaluate_terms_uncertain(resolve_case(case), terms, target, overwrite)
        if not quiet:
            out.print("\n".join(terms_lines(table)), markup=False)
            out.print(f"wrote {target / 'swap_terms.csv'}")
        return
    with progress.reporting("quiet" if quiet else "auto"):
        table = evaluate_terms(resolve_case(case), terms,
                               [resolve_case(s, key="--scenarios") for s in scenarios or []],
                               target, overwrite=overwrite)
        _terms_extras(target, table, u, xlsx, overwrite)
    if not quiet:
        from lngswap.reports.headline import print_terms_headline

        print_terms_headline(table, u, out)
        out.print(f"wrote {target} (swap_terms.csv, .md, .html"
                  + (", .xlsx" if xlsx else "") + ")")


def _terms_extras(target: Path, table, u, xlsx: bool, overwrite: bool = False) -> None:
    """Add the study's page (and workbook) to its folder."""
    import json

    from lngswap import progress
    from lngswap.reports.folder import add_to_folder
    from lngswap.reports.terms import terms_page
    from lngswap.reports.workbook import write_workbook

    progress.phase(f"writing {target / 'swap_terms.html'}")
    man = json.loads((target / "manifest.json").read_text())
    files = {"swap_terms.html": lambda p: p.write_text(terms_page(table, u, man),
                                                       encoding="utf-8")}
    if xlsx:
        files["swap_terms.xlsx"] = lambda p: write_workbook(target, p)
    add_to_folder(target, files, overwrite=overwrite)


@app.command()
@guarded
def report(runs: Annotated[list[Path], typer.Argument(help="Run folders (of `lngswap run`).")],
           baseline: Annotated[Path | None, typer.Option(
               "--baseline", help="A run folder to draw against (dashed).")] = None,
           out_file: Annotated[Path | None, typer.Option(
               "--out", help="The HTML file (default: report.html in the first run's "
               "folder's parent, named after the runs).")] = None,
           units: UnitsOpt = "mt", by: ByOpt = "day", overwrite: OverwriteOpt = False
           ) -> None:
    """Write one self-contained HTML report of runs (opens offline: no CDN, no server)."""
    from lngswap.reports.report import build_report
    from lngswap.results.writer import write_file

    u, monthly = _display(units, "horizon" if by == "day" else by)
    target = out_file or runs[0].parent / ("report-" + "-".join(r.name for r in runs)
                                           + ".html")
    text = build_report(runs, baseline, u, monthly)
    write_file(target, lambda p: p.write_text(text, encoding="utf-8"),
               overwrite=overwrite or target.exists() and _is_report(target))
    out.print(f"wrote {target} ({len(text) / 1e6:.1f} MB); open it in a browser")


def _is_report(path: Path) -> bool:
    """True if `path` is a page an earlier `lngswap report` wrote (safe to replace)."""
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            return "<title>lngswap " in f.read(4096)
    except OSError:
        return False


@app.command()
@guarded
def schema(what: Annotated[str, typer.Argument(help="case, rules, swaps or terms")] = "case"
           ) -> None:
    """Print the JSON schema of a case file (or of a rules file, a swap agreement)."""
    import json

    from lngswap.reports.schema_doc import json_schema

    out.print(json.dumps(json_schema(what), indent=2), markup=False, highlight=False)


@app.command()
@guarded
def cases() -> None:
    """List the bundled cases with their one-line descriptions."""
    from lngswap.reports.schema_doc import case_descriptions

    for name, text in case_descriptions().items():
        out.print(f"{name:<20} {text}", markup=False, highlight=False)


def _version_callback(value: bool) -> None:
    if value:
        from lngswap.versions import package_version

        out.print(f"lngswap {package_version()}")
        raise typer.Exit(0)


@app.callback()
def _main(version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", callback=_version_callback,
        is_eager=True)] = False) -> None:
    """Allocate LNG cargoes between Japan, Korea and Europe under disruptions."""


@app.command()
@guarded
def verify(run_dir: Annotated[Path, typer.Argument(help="Run folder (or any folder lngswap "
                                                   "wrote) to check.")]) -> None:
    """Re-hash a run folder and the inputs its manifest names; exit 1 if anything changed."""
    from lngswap.results.verify import verify_run

    v = verify_run(run_dir)
    if v.unchanged:
        out.print(f"{run_dir}: unchanged ({v.outputs_checked} outputs and {v.inputs_checked} "
                  "inputs match the manifest)", markup=False)
        return
    out.print(f"{run_dir}: {len(v.changes)} change(s) since the run:", markup=False)
    for c in v.changes:
        out.print(f"  - {c}", markup=False)
    raise typer.Exit(1)


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
