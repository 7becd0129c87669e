"""`lngswap check`: clean schedules pass, planted violations are found, bad input exits 2."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import START, rule, rules_file, world
from typer.testing import CliRunner

from lngswap.cli import app
from lngswap.results.audit import audit_schedule

runner = CliRunner()


def said(result) -> str:
    return (result.stdout or "") + (result.stderr or "")


def check(schedule: Path, case: Path, *extra: str):
    return runner.invoke(app, ["check", str(schedule), "--case", str(case), *extra])


def leg(cargo_id: str, source: str, dest: str, load: str, arrive: str, **keys) -> dict:
    """A hand-written schedule row with the model's columns that rules read."""
    row = {"cargo_id": cargo_id, "source": source, "owner": "spot", "contract": "spot",
           "term": "spot", "load_date": load, "destination": dest, "arrival_date": arrive,
           "fraction": 1.0, "delivered_mmbtu": 2_000_000.0, "price_usd_per_mmbtu": 2.0}
    row.update(keys)
    return row


def write(tmp_path: Path, rows: list[dict], name: str = "plan.csv") -> Path:
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture
def ruled(toy, tmp_path):
    """A toy case with a JP ban on src-a, a KR-hub transshipment ban on src-a, a JP price
    cap at 4 USD/MMBtu on src-b and a yearly KR cap of 3 million MMBtu on src-b."""
    rf = rules_file(tmp_path, [
        rule("ban-a", "ban"),
        rule("tx-a", "transshipment_ban", adherents=["KR"]),
        rule("cap-b", "price_cap", origin={"sources": ["src-b"]},
             caps=[{"from": START, "usd_per_mmbtu": 4.0, "source": "t"}]),
        rule("vol-b", "volume_cap", origin={"sources": ["src-b"]}, adherents=["KR"],
             max_mmbtu=3_000_000.0, per="year"),
    ])
    return toy(world, days=365, rules={"files": [str(rf)]})


def test_own_schedule_passes_and_planted_violation_is_found(toy, tmp_path):
    """The model's schedule under a ban passes (src-a then sells nothing); the same schedule
    with one src-a leg to jp-t added fails with exit 1, naming that row, and --out writes it."""
    rf = rules_file(tmp_path, [rule("ban-a", "ban")])
    case = toy(world, rules={"files": [str(rf)]})
    out = tmp_path / "run"
    assert runner.invoke(app, ["run", str(case), "--out", str(out)]).exit_code == 0
    r = check(out / "schedule.csv", case)
    assert r.exit_code == 0, said(r)
    assert "no violations" in said(r)
    sch = pd.read_csv(out / "schedule.csv")
    assert sch[sch["source"] == "src-a"].empty
    bad = sch[sch["source"] == "src-b"].iloc[[0]].assign(source="src-a", destination="jp-t",
                                                         market="JP", party="JP")
    planted = pd.concat([sch, bad], ignore_index=True)
    planted.to_csv(tmp_path / "planted.csv", index=False)
    r = check(tmp_path / "planted.csv", case, "--out", str(tmp_path / "v.csv"))
    assert r.exit_code == 1, said(r)
    v = pd.read_csv(tmp_path / "v.csv")
    assert v["rule_id"].tolist() == ["ban-a"]
    assert v["row"].tolist() == [len(planted) + 1]
    assert f"row {len(planted) + 1}" in said(r)
    assert "ban-a" in said(r)


def test_each_kind_in_a_hand_written_schedule(ruled, tmp_path):
    """One planted violation per rule kind, among legs that break nothing."""
    rows = [
        leg("a1", "src-a", "kr-t", "2026-02-01", "2026-02-04"),             # fine
        leg("a2", "src-a", "jp-t", "2026-02-01", "2026-02-03"),             # ban-a
        leg("a3", "src-a", "kr-t", "2026-03-01", "2026-03-04"),             # hub arrival
        leg("a3", "src-a", "row-x", "2026-03-06", "2026-03-08"),            # tx-a: reload
        leg("a4", "src-a", "kr-t", "2026-04-01", "2026-04-04"),
        leg("a4", "src-a", "jp-t", "2026-04-06", "2026-04-08"),             # ban-a and tx-a
        leg("b1", "src-b", "jp-t", "2026-05-01", "2026-05-04", price_usd_per_mmbtu=3.9),
        leg("b2", "src-b", "jp-t", "2026-05-06", "2026-05-09", price_usd_per_mmbtu=4.5),
        leg("b3", "src-b", "row-x", "2026-05-06", "2026-05-08", price_usd_per_mmbtu=9.0),
        leg("b4", "src-b", "kr-t", "2026-06-01", "2026-06-03"),
        leg("b5", "src-b", "kr-t", "2026-07-01", "2026-07-03"),             # vol-b: 4 > 3 M
        leg("b6", "src-b", "kr-t", "2026-08-01", "2026-08-03", fraction=0.0),  # skipped
    ]
    v = audit_schedule(write(tmp_path, rows), ruled)
    got = sorted(zip(v["row"], v["rule_id"], strict=True))
    assert got == [(3, "ban-a"), (5, "tx-a"), (7, "ban-a"), (7, "tx-a"), (9, "cap-b"),
                   (12, "vol-b")]
    why = v.drop_duplicates("rule_id").set_index("rule_id")["why"]
    assert "reloaded" in why["tx-a"]
    assert "kr-t" in why["tx-a"]
    assert "4.5 USD/MMBtu above the cap 4" in why["cap-b"]
    assert "4,000,000 MMBtu above the cap of 3,000,000 MMBtu" in why["vol-b"]


def test_rules_switched_off_are_not_checked(ruled, tmp_path):
    rows = [leg("a2", "src-a", "jp-t", "2026-02-01", "2026-02-03")]
    assert len(audit_schedule(write(tmp_path, rows), ruled)) == 1
    doc = ruled.read_text().replace("rules:\n", "rules:\n  disable: [ban-a]\n")
    off = ruled.with_name("off.yaml")
    off.write_text(doc)
    assert audit_schedule(write(tmp_path, rows), off).empty


def test_dates_outside_a_rule_are_fine(toy, tmp_path):
    """A ban from 2026-03-01 (on arrival): a leg arriving the day before passes."""
    rf = rules_file(tmp_path, [rule("ban-a", "ban", **{"from": "2026-03-01"})])
    case = toy(world, days=365, rules={"files": [str(rf)]})
    rows = [leg("a1", "src-a", "jp-t", "2026-02-25", "2026-02-28"),
            leg("a2", "src-a", "jp-t", "2026-02-26", "2026-03-01")]
    v = audit_schedule(write(tmp_path, rows), case)
    assert v["cargo_id"].tolist() == ["a2"]


@pytest.mark.parametrize(("rows", "words"), [
    (None, ["missing.csv", "not found"]),
    ([{"cargo_id": "x", "source": "src-a"}], ["missing column(s)", "destination",
                                              "load_date", "arrival_date"]),
    ([leg("a", "atlantis", "jp-t", "2026-02-01", "2026-02-03")],
     ["row 2, column 'source'", "unknown source 'atlantis'"]),
    ([leg("a", "src-a", "moon", "2026-02-01", "2026-02-03")],
     ["row 2, column 'destination'", "unknown terminal 'moon'"]),
    ([leg("a", "src-a", "jp-t", "01/02/2026", "2026-02-03")],
     ["row 2, column 'load_date'", "not an ISO date"]),
])
def test_bad_schedules_exit_2(ruled, tmp_path, rows, words):
    path = tmp_path / "missing.csv" if rows is None else write(tmp_path, rows)
    r = check(path, ruled)
    assert r.exit_code == 2, said(r)
    for w in words:
        assert w in said(r)
    assert "Traceback" not in said(r)


def test_columns_a_rule_needs_are_named(ruled, tmp_path):
    """The price cap needs prices, the volume cap delivered volumes, and so on."""
    rows = [{k: v for k, v in leg("a", "src-a", "jp-t", "2026-02-01", "2026-02-03").items()
             if k not in ("price_usd_per_mmbtu", "delivered_mmbtu")}]
    r = check(write(tmp_path, rows), ruled)
    assert r.exit_code == 2
    assert "price_usd_per_mmbtu" in said(r)
    assert "delivered_mmbtu" in said(r)
