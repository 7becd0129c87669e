"""`lngswap swap-terms`: term variants re-solved in place, compared side by side (toy world of
test_swaps.py: Japan long early, Korea short until day 16)."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from conftest import AGREEMENT, DAILY, swap_world
from typer.testing import CliRunner

import lngswap
from lngswap.cli import app
from lngswap.errors import InputError
from lngswap.inputs.case import load_case
from lngswap.studies.swap_terms import build_for_terms, load_terms, resolve_variants

runner = CliRunner()
VARIANTS = [
    {"name": "no-swap", "max_outstanding_cargoes": 0},
    {"name": "short", "repay_within_days": 8},
    {"name": "fee5", "fee_usd_per_mmbtu": 5.0},
    {"name": "fee150", "fee_usd_per_mmbtu": 150.0},
]


def swap_case(toy, **keys):
    return toy(swap_world, days=40, name="toy-terms", cooperation="swaps", swaps=[AGREEMENT],
               **keys)


def terms_file(tmp_path, doc: dict):
    path = tmp_path / "terms.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def test_grid_expands_to_named_variants(tmp_path):
    path = terms_file(tmp_path, {"grid": {"max_outstanding_cargoes": [0, 4],
                                          "repay_within_days": [30, 90],
                                          "fee_usd_per_mmbtu": [0.5]}})
    t = load_terms(path)
    assert [v.name for v in t.variants] == ["cap0-repay30-fee0.5", "cap0-repay90-fee0.5",
                                            "cap4-repay30-fee0.5", "cap4-repay90-fee0.5"]
    assert t.variants[3].terms == {"max_outstanding_cargoes": 4, "repay_within_days": 90,
                                   "fee_usd_per_mmbtu": 0.5}


def test_file_defaults_apply_unless_a_variant_sets_its_own(tmp_path):
    path = terms_file(tmp_path, {"agreement": "jp-kr", "require_mutual_benefit": True,
                                 "variants": [{"name": "a", "fee_usd_per_mmbtu": 1.0},
                                              {"name": "b", "require_mutual_benefit": False}],
                                 "grid": {"max_outstanding_cargoes": [2]}})
    by_name = {v.name: v for v in load_terms(path).variants}
    assert {n: v.require_mutual_benefit for n, v in by_name.items()} == {
        "a": True, "b": False, "cap2": True}
    assert {v.agreement for v in by_name.values()} == {"jp-kr"}


@pytest.mark.parametrize(("doc", "what"), [
    ({"variants": [{"name": "a", "parties": ["JP", "EU"]}]}, "variants.0.parties': unknown key"),
    ({"grid": {"fee": [1]}}, "grid.fee': unknown key"),
    ({"grid": {"fee_usd_per_mmbtu": []}}, "non-empty list"),
    ({"scenario": ["x"]}, "key 'scenario': unknown key"),
    ({"require_mutual_benefit": "yes", "grid": {"fee_usd_per_mmbtu": [0]}},
     "key 'require_mutual_benefit': expected true or false"),
])
def test_bad_terms_file(tmp_path, doc, what):
    with pytest.raises(InputError, match="terms.yaml") as e:
        load_terms(terms_file(tmp_path, doc))
    assert what in str(e.value)


def test_in_place_variants_match_cold_solves(toy):
    """Each variant re-solved in place (warm) gives the optimum of a fresh solve of the case
    with those terms; `no-swap` (cap 0) is the isolated optimum; timings are per variant."""
    path = swap_case(toy)
    case = load_case(path)
    built = build_for_terms(case, VARIANTS)
    runs = resolve_variants(built, VARIANTS)
    assert [r.name for r in runs] == [v["name"] for v in VARIANTS]
    assert [r.warm for r in runs] == [False, True, True, True]
    assert all(r.seconds > 0 for r in runs)
    iso = lngswap.solve(load_case(path, ["cooperation=isolated"])).summary["objective_usd"]
    assert runs[0].outcome.objective * 1e6 == pytest.approx(iso, rel=1e-9)
    for r, v in zip(runs[1:], VARIANTS[1:], strict=True):
        sets = [f"swaps.0.{k}={val}" for k, val in v.items() if k != "name"]
        cold = lngswap.solve(load_case(path, sets)).summary["objective_usd"]
        assert r.outcome.objective * 1e6 == pytest.approx(cold, rel=1e-9)


def test_window_without_rows_is_refused(toy):
    built = lngswap.build(load_case(swap_case(toy)))
    with pytest.raises(InputError, match="build_for_terms"):
        resolve_variants(built, [{"name": "w", "repay_within_days": 9}])


def test_swap_terms_command_writes_the_table(toy, tmp_path):
    """The table names every variant with gains against isolated and the pooled share; the
    fee of 5 USD/MMBtu leaves both parties better off (best for both), the fee of 150 stops
    the swap, and cap 0 changes nothing."""
    case = swap_case(toy)
    terms = terms_file(tmp_path, {"variants": VARIANTS})
    out = tmp_path / "terms-out"
    r = runner.invoke(app, ["swap-terms", str(case), "--terms", str(terms), "--out", str(out)])
    assert r.exit_code == 0, (r.stdout or "") + (r.stderr or "")
    t = pd.read_csv(out / "swap_terms.csv").set_index("variant")
    assert (out / "swap_terms.md").read_text().count("| fee5") == 1
    assert list(t.index) == ["isolated", "pooled", "no-swap", "short", "fee5", "fee150"]
    assert t.loc["no-swap", "gain_usd"] == pytest.approx(0.0, abs=1.0)
    assert t.loc["fee150", "cargoes_swapped"] == pytest.approx(0.0, abs=1e-6)
    assert t.loc["fee5", "unserved_KR_mmbtu"] == pytest.approx(4 * DAILY, rel=1e-6)
    assert t.loc["short", "unserved_KR_mmbtu"] == pytest.approx(9 * DAILY, rel=1e-6)
    assert t.loc["fee5", "gain_JP_usd"] > 0
    assert t.loc["fee5", "gain_KR_usd"] > 0
    assert bool(t.loc["fee5", "best_for_both"])
    assert t.loc["fee5", "pooled_share"] == pytest.approx(1.0, abs=0.05)
    assert t.loc["pooled", "gain_usd"] >= t.loc["fee5", "gain_usd"] - 1.0
    assert "best for both across scenarios: fee5" in r.stdout


def test_swap_terms_bad_input_exits_2(toy, tmp_path):
    case = toy(swap_world, days=20, name="toy-noswap")
    terms = terms_file(tmp_path, {"variants": VARIANTS})
    r = runner.invoke(app, ["swap-terms", str(case), "--terms", str(terms),
                            "--out", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert "no swap agreement" in (r.stdout or "") + (r.stderr or "")
    bad = terms_file(tmp_path, {"variants": [{"name": "x", "fee_usd_per_mmbtu": -1}]})
    r = runner.invoke(app, ["swap-terms", str(swap_case(toy)), "--terms", str(bad)])
    assert r.exit_code == 2
    assert "fee_usd_per_mmbtu" in (r.stdout or "") + (r.stderr or "")


@pytest.mark.parametrize(("doc", "what"), [
    ({"grid": [1, 2]}, "key 'grid': Input should be a valid dictionary"),
    ({"variants": [{"name": "a"}], "scenarios": "hormuz-2026"},
     "key 'scenarios': Input should be a valid list"),
    ({"description": "no variants"}, "expected 'variants:'"),
])
def test_terms_file_structure_is_checked_by_its_schema(tmp_path, doc, what):
    """The top level of a terms file goes through its pydantic schema (`TermsDoc`): a wrong
    type is named by key, with the file."""
    with pytest.raises(InputError, match="terms.yaml") as e:
        load_terms(terms_file(tmp_path, doc))
    assert what in str(e.value)
