"""Input readers and checks: YAML without duplicate keys, UTF-8 only, CSV line numbers,
plausibility bounds, one date-window check, the model-size guard."""

from __future__ import annotations

from datetime import date

import pytest

import lngswap
from lngswap.errors import InputError
from lngswap.inputs.bounds import BOUNDS, FLEET_BOUNDS
from lngswap.inputs.case import Economics, Horizon
from lngswap.inputs.events import FleetShortage
from lngswap.inputs.files import load_yaml, read_csv_lines
from lngswap.inputs.rules_schema import CapStep
from lngswap.inputs.size import check_model_size, estimate
from lngswap.inputs.swaps_schema import Window
from lngswap.inputs.windows import reversed_window


def test_duplicate_yaml_keys_are_refused_at_any_depth(tmp_path):
    p = tmp_path / "a.yaml"
    p.write_text("a: 1\nb:\n  c: 2\n  c: 3\n")
    with pytest.raises(InputError, match=r"a\.yaml line 4: .*duplicate key 'c' \(first on "
                                         r"line 3, again on line 4\)"):
        load_yaml(p)
    p.write_text("a: 1\nb: {c: 2, d: 3}\n")
    assert load_yaml(p) == {"a": 1, "b": {"c": 2, "d": 3}}


def test_yaml_tags_and_non_utf8_are_refused_by_file_and_line(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text("a: !!python/object:os.system x\n")
    with pytest.raises(InputError, match=r"t\.yaml line 1: not valid YAML"):
        load_yaml(p)
    p.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(InputError, match=r"t\.yaml line 2: not UTF-8 text \(byte 0xe9"):
        load_yaml(p)


def test_csv_rows_carry_the_line_the_user_sees(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n\n1,2\n\n\n3,\"4\n5\"\n6,7\n")
    df, lines = read_csv_lines(p)
    assert df["a"].tolist() == ["1", "3", "6"]
    assert lines == [3, 6, 8]  # a quoted cell spanning two lines counts both
    p.write_text("a,b\n1,2,3\n")
    with pytest.raises(InputError, match=r"x\.csv line 2: 3 cells, the header has 2"):
        read_csv_lines(p)


def test_every_bound_refuses_just_outside_and_takes_its_ends():
    for cols in BOUNDS.values():
        for b in cols.values():
            assert b.holds(b.hi)
            assert not b.holds(b.hi * 1.001 + 1e-9)
            assert b.holds(b.lo) != b.lo_open
            assert not b.holds(b.lo - 1)
    assert not FLEET_BOUNDS["speed_knots"].holds(0.0)
    assert not FLEET_BOUNDS["boil_off_pct_per_day"].holds(50.0)


@pytest.mark.parametrize(("make", "words"), [
    (lambda: Horizon(start=date(2026, 2, 1), end=date(2026, 1, 1)),
     "dates reversed: end 2026-01-01 is before start 2026-02-01"),
    (lambda: Window(start=date(2026, 2, 1), end=date(2026, 1, 1)),
     "dates reversed: end 2026-01-01 is before start 2026-02-01"),
    (lambda: FleetShortage(type="fleet_shortage", factor=0.5, start=date(2026, 2, 1),
                           end=date(2026, 1, 1)),
     "dates reversed: end 2026-01-01 is before start 2026-02-01"),
    (lambda: CapStep(**{"from": date(2026, 2, 1)}, to=date(2026, 1, 1), usd_per_bbl=60,
                     source="x"),
     "dates reversed: to 2026-01-01 is before from 2026-02-01"),
])
def test_one_window_check_gives_one_message(make, words):
    with pytest.raises(ValueError, match=words):
        make()
    assert reversed_window(date(2026, 1, 1), None) is None
    assert reversed_window(date(2026, 1, 1), date(2026, 1, 1)) is None


@pytest.mark.parametrize("day", ["11-31", "02-29", "13-01", "00-10"])
def test_storage_target_day_must_exist(day):
    with pytest.raises(ValueError, match="not a day of the year"):
        Economics(storage_target_day=day)
    assert Economics(storage_target_day="10-01").storage_target_day == "10-01"


@pytest.mark.parametrize("value", [float("inf"), float("nan"), -1.0, 1e6])
def test_case_numbers_must_be_finite_and_plausible(value):
    with pytest.raises(ValueError, match="end_stock_value_usd_per_mmbtu"):
        Economics(end_stock_value_usd_per_mmbtu=value)


def test_size_guard_passes_the_bundled_year_and_names_a_capacity_in_tonnes(monkeypatch):
    case, ds = lngswap.load_case(), lngswap.load_dataset()
    e = estimate(case, ds)
    assert 3000 < e["cargoes"] < 20000  # a year of world LNG trade in standard cargoes
    check_model_size(case, ds)
    ds.tables["sources"].loc[0, "capacity_mtpa"] = 81e6  # past the bounds, as if unchecked
    with pytest.raises(InputError, match=r"too large to build.*source 'ras-laffan' "
                                         r"capacity_mtpa 8.1e\+07"):
        check_model_size(case, ds)
