"""Bad input gets a message naming the file and row or key, exit code 2, and no output."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from lngswap.cli import app

runner = CliRunner()


def said(result) -> str:
    return (result.stdout or "") + (result.stderr or "")


def edit_csv(folder: Path, name: str, fn) -> None:
    path = folder / f"{name}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    fn(df).to_csv(path, index=False)


def run_bad(case: Path, out: Path) -> tuple[int, str]:
    r = runner.invoke(app, ["run", str(case), "--out", str(out)])
    return r.exit_code, said(r)


def test_unknown_terminal_in_routes(toy, tmp_path):
    case = toy()
    edit_csv(tmp_path / "data", "routes",
             lambda df: pd.concat([df, df.iloc[[0]].assign(terminal="atlantis")]))
    code, msg = run_bad(case, tmp_path / "out")
    assert code == 2
    assert "routes.csv row 8" in msg
    assert "unknown terminal 'atlantis'" in msg
    assert not (tmp_path / "out").exists()


def test_negative_capacity(toy, tmp_path):
    case = toy()
    edit_csv(tmp_path / "data", "sources",
             lambda df: df.assign(capacity_mtpa=["-1", "1"]))
    code, msg = run_bad(case, tmp_path / "out")
    assert code == 2
    assert "sources.csv row 2, column 'capacity_mtpa': -1 is negative" in msg
    assert not (tmp_path / "out").exists()


def test_reversed_horizon(toy, tmp_path):
    case = toy()
    doc = yaml.safe_load(case.read_text())
    doc["horizon"] = {"start": "2026-03-01", "end": "2026-02-01"}
    case.write_text(yaml.safe_dump(doc))
    code, msg = run_bad(case, tmp_path / "out")
    assert code == 2
    assert "horizon" in msg
    assert "before start" in msg


def test_missing_column(toy, tmp_path):
    case = toy()
    edit_csv(tmp_path / "data", "terminals", lambda df: df.drop(columns=["regas_mtpa"]))
    code, msg = run_bad(case, tmp_path / "out")
    assert code == 2
    assert "terminals.csv: missing column(s) regas_mtpa" in msg


def test_missing_source_provenance(toy, tmp_path):
    case = toy()
    edit_csv(tmp_path / "data", "markets", lambda df: df.assign(source=["", "x", "x"]))
    code, msg = run_bad(case, tmp_path / "out")
    assert code == 2
    assert "markets.csv row 2: empty 'source'" in msg


def test_number_that_does_not_parse(toy, tmp_path):
    case = toy()
    edit_csv(tmp_path / "data", "fleet",
             lambda df: df.assign(value=["1000", "100 kt", "10", "0", "0", "0"]))
    code, msg = run_bad(case, tmp_path / "out")
    assert code == 2
    assert "fleet.csv row 3, column 'value': '100 kt' is not a number" in msg


def test_unknown_case_key_and_missing_case(toy, tmp_path):
    case = toy(solvr={"threads": 1})
    code, msg = run_bad(case, tmp_path / "out")
    assert code == 2
    assert "key 'solvr': unknown key" in msg
    r = runner.invoke(app, ["validate", str(tmp_path / "no-such-case.yaml")])
    assert r.exit_code == 2
    assert "no-such-case.yaml: case file not found" in said(r)


@pytest.mark.parametrize(("event", "word"), [
    ({"type": "chokepoint_closure", "passage": "atlantis", "start": "2026-01-02",
      "end": "2026-01-05"}, "expected one of: "),
    ({"type": "demand_shock", "market": "JP", "factor": 1.2, "start": "2026-01-05",
      "end": "2026-01-02"}, "end 2026-01-02 is before start 2026-01-05"),
    ({"type": "demand_shock", "market": "JP", "factor": 1.2, "start": "2026-02-05",
      "end": "2026-03-02"}, "outside the horizon"),
    ({"type": "supply_outage", "sources": ["src-a"], "factor": -0.5, "start": "2026-01-02",
      "end": "2026-01-05"}, "factor"),
    ({"type": "terminal_outage", "terminal": "nowhere", "factor": 0.5, "start": "2026-01-02",
      "end": "2026-01-05"}, "unknown terminal 'nowhere'"),
    ({"type": "demand_shock", "market": "XX", "factor": 1.2, "start": "2026-01-02",
      "end": "2026-01-05"}, "unknown market 'XX'"),
])
def test_invalid_events(toy, tmp_path, event, word):
    case = toy(events=[event])
    r = runner.invoke(app, ["validate", str(case)])
    assert r.exit_code == 2, said(r)
    assert word in said(r)
    assert "events" in said(r)
    assert "Traceback" not in said(r)


def test_set_override_and_atomic_output(toy, tmp_path):
    case = toy(days=6)
    out = tmp_path / "out"
    r = runner.invoke(app, ["run", str(case), "--out", str(out), "--set", "horizon.end=2026-01-04"])
    assert r.exit_code == 0, said(r)
    assert sorted(p.name for p in out.iterdir()) == [
        "compliance.csv", "inventory.csv", "manifest.json", "markets.csv", "parties.csv",
        "results.nc", "schedule.csv", "summary.json", "swaps.csv"]
    mk = pd.read_csv(out / "markets.csv")
    assert mk["date"].max() == "2026-01-04"
    # no temporary folders left beside the output
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_presolve_off_as_yaml_reads_it(toy, tmp_path):
    """`off` is a YAML boolean: `--set solver.presolve=off` must still mean HiGHS's "off",
    and the optimum must not depend on it."""
    case = toy(days=6)
    objective = {}
    for value in ("on", "off"):
        out = tmp_path / f"out-{value}"
        r = runner.invoke(app, ["run", str(case), "--out", str(out),
                                "--set", f"solver.presolve={value}"])
        assert r.exit_code == 0, said(r)
        man = yaml.safe_load((out / "manifest.json").read_text())
        assert man["solver"]["options"]["presolve"] == value
        objective[value] = yaml.safe_load((out / "summary.json").read_text())["objective_usd"]
    assert objective["off"] == pytest.approx(objective["on"], rel=1e-9)


def test_other_highs_options_are_checked_by_highs(toy, tmp_path):
    """`solver.extra` reaches HiGHS: an unknown option or a value of the wrong kind is a
    named error (exit 2, no output), and a bare `off` means HiGHS's "off"."""
    bad = toy(solver={"extra": {"no_such_option": 1, "threads": "many"}})
    for cmd in (["validate", str(bad)], ["run", str(bad), "--out", str(tmp_path / "bad")]):
        r = runner.invoke(app, cmd)
        assert r.exit_code == 2, said(r)
        assert "solver.extra.no_such_option': HiGHS has no option" in said(r)
        assert "solver.extra.threads': HiGHS does not accept 'many'" in said(r)
    assert not (tmp_path / "bad").exists()
    case = toy(days=6)
    out = tmp_path / "out"
    r = runner.invoke(app, ["run", str(case), "--out", str(out),
                            "--set", "solver.extra.run_crossover=off"])
    assert r.exit_code == 0, said(r)
    man = yaml.safe_load((out / "manifest.json").read_text())
    assert man["solver"]["options"]["run_crossover"] == "off"
