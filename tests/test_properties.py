"""Property tests: generated datasets, case files and schedules either run or are refused with
exit 2 and a message naming the file and the row or key; never a traceback, never output left
behind.

Each property draws a mutation of the toy world (a column dropped, a value out of range or not
a number, a name misspelt, a row duplicated, a date reversed), runs the command in-process and
checks the outcome. A few dozen examples each keep the suite well under three minutes.
"""

from __future__ import annotations

import copy
import re
import tempfile
from pathlib import Path

import pandas as pd
import yaml
from conftest import BASE_TABLES, write_case, write_dataset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lngswap.cli import app

runner = CliRunner()
SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def world() -> dict:
    """The toy tables with some supply and a contract, so every table has rows to mutate."""
    t = copy.deepcopy(BASE_TABLES)
    for s in t["sources"]:
        s["capacity_mtpa"] = 5.0
    t["markets"][0]["lng_demand_mtpa"] = 2.0
    t["contracts"] = [{
        "contract": "jp-a", "owner": "JP", "market": "JP", "seller": "src-a", "acq_mtpa": 1.0,
        "term": "long", "start_date": "2020-01-01", "end_date": "2030-12-31",
        "price_formula": "oil", "index": "brent", "slope": 0.12, "constant_usd_per_mmbtu": 0.5,
        "destination": "DES", "cancel_fee_usd_per_mmbtu": ""}]
    t["storage"] = [{"market": "KR", "capacity_mmbtu": 1e6, "initial_fill": 0.5,
                     "injection_mmbtu_per_day": 1e5, "withdrawal_mmbtu_per_day": 1e5}]
    return t


TABLES = sorted(world())
ODD_VALUES = st.sampled_from(["-1", "0", "inf", "-inf", "nan", "1e300", "", "abc", "2026-02-30",
                              "1,5", "  7  ", "81000000", "0.5", "1", "99999", "x" * 40])


def invoke(args: list[str]) -> tuple[int, str, BaseException | None]:
    r = runner.invoke(app, args)
    exc = r.exception if not isinstance(r.exception, SystemExit) else None
    return r.exit_code, (r.stdout or "") + (r.stderr or ""), exc


def judge(folder: Path, code: int, text: str, exc, named: str, codes=(0, 2)) -> None:
    """The outcome every generated input must have."""
    assert exc is None, f"{type(exc).__name__}: {exc}\n{text}"
    assert "Traceback" not in text
    assert code in codes, text
    if code != 0:
        assert re.search(named, text), f"message does not name {named!r}: {text}"
        assert not (folder / "out").exists(), "output left after a failed run"
    left = [p.name for p in folder.iterdir() if p.name.startswith(".")]
    assert not left, f"left behind: {left}"


@st.composite
def dataset_mutation(draw):
    """(table, description, edit function) for one mutation of the toy world."""
    name = draw(st.sampled_from(TABLES))
    rows = world()[name]
    kind = draw(st.sampled_from(["drop_column", "set_cell", "misspell", "duplicate",
                                 "reverse_dates"]))
    cols = list(rows[0])
    col = draw(st.sampled_from(cols))
    row = draw(st.integers(0, len(rows) - 1))
    value = draw(ODD_VALUES)

    def edit(t: dict) -> None:
        r = t[name]
        if kind == "drop_column":
            for x in r:
                x.pop(col, None)
        elif kind == "set_cell":
            r[row][col] = value
        elif kind == "misspell":
            r[row][cols[0]] = f"{r[row][cols[0]]}x"
        elif kind == "duplicate":
            r.append(dict(r[row]))
        elif kind == "reverse_dates" and name == "contracts":
            r[row]["start_date"], r[row]["end_date"] = "2031-01-01", "2020-01-01"
        elif kind == "reverse_dates":
            r[row][col] = "2026-13-01"

    return name, f"{kind} {name}.{col}[{row}] = {value!r}", edit


@SETTINGS
@given(dataset_mutation())
def test_mutated_datasets_run_or_are_refused_by_name(mutation):
    name, _what, edit = mutation
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = world()
        edit(t)
        data = write_dataset(folder / "data", t)
        case = write_case(folder, data, days=6)
        code, text, exc = invoke(["run", str(case), "--out", str(folder / "out")])
        judge(folder, code, text, exc, r"\w+\.csv.*(row \d+|column|line \d+|missing|no "
                                         r"level|no route|needs)")


EVENT = st.fixed_dictionaries({
    "type": st.sampled_from(["supply_outage", "chokepoint_closure", "canal_restriction",
                             "demand_shock", "terminal_outage", "fleet_shortage",
                             "price_shock", "no_such_event"]),
    "start": st.sampled_from(["2026-01-02", "2026-01-04", "2025-12-01", "2026-02-30", "x"]),
    "end": st.sampled_from(["2026-01-03", "2026-01-05", "2026-01-01", "2027-01-01"]),
}, optional={
    "factor": st.sampled_from([0.0, 0.5, 1.0, -1.0, 2.0, float("inf"), 1e9]),
    "sources": st.sampled_from([["src-a"], ["nowhere"], []]),
    "country": st.sampled_from(["Aland", "Nowhere"]),
    "passage": st.sampled_from(["suez", "hormuz", "atlantis"]),
    "transits_per_day": st.sampled_from([0, 1, -2]),
    "market": st.sampled_from(["JP", "XX"]),
    "terminal": st.sampled_from(["jp-t", "nowhere"]),
    "index": st.sampled_from(["jkm", "brent", "gold"]),
    "value": st.sampled_from([5.0, -1.0, 1e6]),
})

CASE_KEYS = st.fixed_dictionaries({}, optional={
    "events": st.lists(EVENT, max_size=3),
    "economics": st.fixed_dictionaries({}, optional={
        "storage_target_day": st.sampled_from(["11-01", "11-31", "02-29", "1-1"]),
        "end_stock_value_usd_per_mmbtu": st.sampled_from([10.5, -1.0, float("inf"), 1e9]),
        "regas_usd_per_mmbtu": st.sampled_from([0.4, float("nan")]),
    }),
    "shipping": st.fixed_dictionaries({}, optional={
        "speed_knots": st.sampled_from([17, 0, -3, 400]),
    }),
    "cooperation": st.sampled_from(["isolated", "pooled", "merged"]),
    "foresight": st.sampled_from(["surprise", "perfect", "hindsight"]),
    "shortfall": st.sampled_from(["soft", "hard", "maybe"]),
    "nmae": st.just("typo"),
})


@SETTINGS
@given(CASE_KEYS, st.sampled_from([3, 6]))
def test_generated_case_files_run_or_are_refused_by_key(keys, days):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = write_dataset(folder / "data", world())
        economics = {"tank_heel_share": 0.0, **keys.pop("economics", {})}
        case = write_case(folder, data, days=days, economics=economics, **keys)
        code, text, exc = invoke(["run", str(case), "--out", str(folder / "out")])
        # a hard-shortfall case may have no plan (exit 3), explained
        codes = (0, 2, 3) if keys.get("shortfall") == "hard" else (0, 2)
        pattern = r"toy\.yaml.*key '[\w.]+'|toy\.yaml line \d+|\.csv|no plan: case toy"
        judge(folder, code, text, exc, pattern, codes)
        if code == 3:
            assert "shortfall: hard" in text


SCHEDULE_CELLS = {
    "cargo_id": st.sampled_from(["c1", "c2", ""]),
    "source": st.sampled_from(["src-a", "src-b", "nowhere", ""]),
    "destination": st.sampled_from(["jp-t", "kr-t", "row-x", "atlantis"]),
    "load_date": st.sampled_from(["2026-01-01", "2026-01-05", "2026-02-30", "soon"]),
    "arrival_date": st.sampled_from(["2026-01-03", "2026-01-02", "2026-01-09", ""]),
    "fraction": st.sampled_from(["1", "0.5", "0", "-5", "2", "abc", "nan"]),
}


@SETTINGS
@given(st.lists(st.fixed_dictionaries(SCHEDULE_CELLS), min_size=1, max_size=6),
       st.sets(st.sampled_from(sorted(SCHEDULE_CELLS)), max_size=1))
def test_generated_schedules_are_checked_or_refused_by_row(rows, dropped):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = write_dataset(folder / "data", world())
        case = write_case(folder, data, days=6)
        sched = pd.DataFrame(rows).drop(columns=sorted(dropped))
        sched.to_csv(folder / "schedule.csv", index=False)
        code, text, exc = invoke(["check", str(folder / "schedule.csv"), "--case", str(case)])
        judge(folder, code, text, exc, r"schedule\.csv.*(row \d+|missing column)", (0, 1, 2))


def test_the_world_itself_runs(tmp_path):
    """The unmutated toy world solves: the properties above start from a valid input."""
    data = write_dataset(tmp_path / "data", world())
    case = write_case(tmp_path, data, days=6)
    code, text, exc = invoke(["run", str(case), "--out", str(tmp_path / "out")])
    assert (code, exc) == (0, None), text
    assert yaml.safe_load((tmp_path / "out" / "summary.json").read_text())["objective_usd"]
