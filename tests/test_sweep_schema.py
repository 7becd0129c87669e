"""Sweep files: strict validation naming the key, seeded draws, expansion, CVaR by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import yaml

from lngswap.errors import InputError
from lngswap.studies.sweep import check_paths, expand
from lngswap.studies.sweep_results import cvar, statistics
from lngswap.studies.sweep_schema import draws, load_sweep

DOC = {
    "case": "base.yaml",
    "grid": {"cooperation": ["isolated", "swaps"]},
    "sample": {
        "events.0.start": {"distribution": "uniform", "low": date(2026, 1, 5),
                           "high": date(2026, 2, 10)},
        "events.0.end": {"distribution": "discrete",
                         "values": [date(2026, 2, 20), date(2026, 3, 10)],
                         "probabilities": [0.6, 0.4]},
    },
    "samples": 50,
    "seed": 20260302,
}


def write(tmp_path, doc, name="sweep.yaml"):
    p = tmp_path / name
    p.write_text(yaml.safe_dump(doc, sort_keys=False))
    return p


def problems(tmp_path, doc) -> str:
    with pytest.raises(InputError) as e:
        load_sweep(write(tmp_path, doc))
    return str(e.value)


def test_unknown_key_is_named(tmp_path):
    msg = problems(tmp_path, {**DOC, "colour_of_sky": "blue"})
    assert "colour_of_sky" in msg
    assert "unknown key" in msg
    assert "sweep.yaml" in msg


def test_probabilities_must_add_to_one_naming_the_path(tmp_path):
    doc = yaml.safe_load(yaml.safe_dump(DOC))
    doc["sample"]["events.0.end"]["probabilities"] = [0.6, 0.5]
    msg = problems(tmp_path, doc)
    assert "sample.events.0.end" in msg
    assert "add up to 1.1" in msg


@pytest.mark.parametrize(("dist", "word"), [
    ({"distribution": "uniform", "low": 5, "high": 1}, "below low"),
    ({"distribution": "uniform", "low": date(2026, 1, 1), "high": 3}, "mixes dates"),
    ({"distribution": "triangular", "low": 0, "mode": 5, "high": 4}, "low <= mode <= high"),
    ({"distribution": "discrete", "values": [1, 2], "probabilities": [1.0]}, "one probability"),
    ({"distribution": "poisson", "lam": 3}, "distribution"),
])
def test_bad_distributions_are_named(tmp_path, dist, word):
    msg = problems(tmp_path, {**DOC, "sample": {"economics.regas_usd_per_mmbtu": dist}})
    assert "economics.regas_usd_per_mmbtu" in msg
    assert word in msg


def test_uniform_dates_stay_in_bounds_and_discrete_follows_probabilities(tmp_path):
    d = draws(load_sweep(write(tmp_path, {**DOC, "samples": 2000})))
    starts = d["events.0.start"]
    assert min(starts) >= date(2026, 1, 5)
    assert max(starts) <= date(2026, 2, 10)
    assert len(set(starts)) == 37  # every day of the window drawn in 2000 samples
    share = np.mean([e == date(2026, 2, 20) for e in d["events.0.end"]])
    assert abs(share - 0.6) < 0.04


def test_draws_depend_on_seed_and_path_only(tmp_path):
    a = draws(load_sweep(write(tmp_path, DOC, "a.yaml")))
    more = yaml.safe_load(yaml.safe_dump(DOC))
    more["sample"]["demand_factor"] = {"distribution": "triangular", "low": 1, "mode": 1.1,
                                       "high": 1.3}
    b = draws(load_sweep(write(tmp_path, more, "b.yaml")))
    assert a["events.0.start"] == b["events.0.start"]  # another parameter changes nothing
    assert a["events.0.end"] == b["events.0.end"]
    c = draws(load_sweep(write(tmp_path, {**DOC, "seed": 1}, "c.yaml")))
    assert c["events.0.start"] != a["events.0.start"]


def test_empirical_draws_from_a_csv_column(tmp_path):
    (tmp_path / "lengths.csv").write_text("weeks,source\n2,obs\n8,obs\n20,obs\n")
    doc = {**DOC, "sample": {"x": {"distribution": "empirical", "file": "lengths.csv",
                                   "column": "weeks"}}}
    d = draws(load_sweep(write(tmp_path, doc)))
    assert set(d["x"]) == {2.0, 8.0, 20.0}
    doc["sample"]["x"]["column"] = "days"
    with pytest.raises(InputError, match="no column 'days'"):
        draws(load_sweep(write(tmp_path, doc)))


def test_expansion_is_grid_times_variants_times_samples(tmp_path):
    doc = {**DOC, "samples": 3, "variants": [{"name": "a"}, {"name": "b", "seed_note": 1}]}
    scs = expand(load_sweep(write(tmp_path, doc)))
    assert len(scs) == 2 * 2 * 3
    assert [s.scenario for s in scs[:2]] == ["s0000", "s0001"]
    assert scs[0].params["cooperation"] == "isolated"
    assert scs[-1].params["cooperation"] == "swaps"
    # common random numbers: each grid point and variant sees the same draws
    assert scs[0].params["events.0.start"] == scs[3].params["events.0.start"] \
        == scs[6].params["events.0.start"]
    assert "seed_note=1" in scs[3].sets
    assert scs[3].group == {"variant": "b",
                                                            "cooperation": "isolated"}


def test_path_beyond_the_base_case_list_is_named(tmp_path):
    sweep = load_sweep(write(tmp_path, {**DOC, "sample": {"events.3.start": DOC["sample"][
        "events.0.start"]}}))
    with pytest.raises(InputError, match=r"sample\.events\.3\.start.*1 item"):
        check_paths(sweep, {"events": [{"type": "chokepoint_closure"}]})


def test_cvar_and_quantiles_by_hand():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    assert cvar(x, 0.5) == pytest.approx(3.5)          # mean of the worst two
    assert cvar(x, 0.625) == pytest.approx((4 + 0.5 * 3) / 1.5)  # 1.5 samples in the tail
    assert cvar(np.arange(1.0, 11.0), 0.9) == pytest.approx(10.0)
    s = statistics(np.arange(1.0, 11.0))
    assert s["mean"] == pytest.approx(5.5)
    assert s["worst"] == 10.0
    assert s["p90"] == pytest.approx(9.1)
    assert s["cvar90"] == pytest.approx(10.0)


def test_after_draws_days_from_another_draw_and_levels_set_paths_together(tmp_path):
    doc = {"case": "base.yaml", "samples": 40, "seed": 3,
           "set": {"horizon.end": date(2026, 6, 30)},
           "grid": {"ras_laffan": {"damaged": {"events.1.factor": 0.0},
                                   "intact": {"events.1.factor": 1.0}}},
           "sample": {"events.0.end": {"distribution": "uniform", "low": 14, "high": 140,
                                       "after": "events.0.start"},
                      "events.0.start": {"distribution": "uniform", "low": date(2026, 1, 1),
                                         "high": date(2026, 3, 31)},
                      "events.1.end": {"distribution": "discrete", "values": [14],
                                       "after": "events.0.end"}}}
    sweep = load_sweep(write(tmp_path, doc))
    d = draws(sweep)
    for s, e, e1 in zip(d["events.0.start"], d["events.0.end"], d["events.1.end"], strict=True):
        assert 14 <= (e - s).days <= 140
        assert (e1 - e).days == 14
    scs = expand(sweep)
    assert [s.params["ras_laffan"] for s in scs[::40]] == ["damaged", "intact"]
    assert "events.1.factor=1.0" in scs[40].sets
    assert scs[0].sets[0] == "horizon.end=2026-06-30"
    doc["sample"]["events.0.end"]["after"] = "events.1.end"
    msg = problems(tmp_path, doc)
    assert "sample.events.0.end.after" in msg
    assert "loops back" in msg


def test_fewer_samples_are_the_first_draws_of_more(tmp_path):
    doc = {**DOC, "sample": {**DOC["sample"],
                             "x": {"distribution": "triangular", "low": 0, "mode": 1, "high": 3},
                             "y": {"distribution": "uniform", "low": 7, "high": 28,
                                   "after": "events.0.start"}}}
    many = draws(load_sweep(write(tmp_path, {**doc, "samples": 200}, "many.yaml")))
    few = draws(load_sweep(write(tmp_path, {**doc, "samples": 5}, "few.yaml")))
    for k in few:
        assert few[k] == many[k][:5]
