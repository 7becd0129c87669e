"""The benchmark peers: each writes the formulation in its own tool from the index tables and
must reach lngswap's optimum with a model of the same size (smoke runs, timings not asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import lngswap
from benchmarks.__main__ import main as bench_main
from benchmarks.peers import linopy_peer, pyomo_peer
from benchmarks.synthetic import SIZES, write_instance
from lngswap.solve.highs_backend import HighsSession, highs_options
from lngswap.studies.api import build

TINY = SIZES["small"].__class__("tiny", sources=4, core_markets=2, nodes_per_market=2,
                                row_markets=1, days=40)


@pytest.fixture(scope="module")
def instance(tmp_path_factory) -> Path:
    return write_instance(TINY, tmp_path_factory.mktemp("tiny"))


def ours(path: Path, sets: list[str]) -> tuple[float, tuple[int, int], int]:
    case = lngswap.load_case(path, sets)
    b = build(case)
    out = HighsSession(b.form, highs_options(case.solver)).solve()
    assert out.status.value == "optimal"
    return out.objective, b.form.shape, int(b.form.a.nnz)


# the storage target tested inside the horizon exercises the storage target family too
@pytest.mark.parametrize("sets", [[], ["economics.storage_target_day=01-20"]])
@pytest.mark.parametrize("peer", [linopy_peer, pyomo_peer], ids=["linopy", "pyomo"])
def test_peer_reaches_the_same_optimum(instance: Path, peer, sets: list[str]) -> None:
    obj, (m, n), nnz = ours(instance, sets)
    run, size = peer.run_once(instance, sets)
    assert run["objective"] == pytest.approx(obj, rel=1e-9, abs=1e-6)
    assert size["variables"] == n
    assert size["nonzeros"] == nnz
    assert 0 < size["constraints"] <= m  # a row with no terms may be left out


def test_peer_refuses_what_it_does_not_model(instance: Path) -> None:
    with pytest.raises(ValueError, match="isolated"):
        linopy_peer.run_once(instance, ["cooperation=pooled"])


def test_benchmark_records_name_the_peer_code(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    assert bench_main(["--quick", "--peers", "--out", str(out)]) == 0
    recs = {r["method"]: r for r in json.loads(out.read_text())}
    assert set(recs) == {"lngswap", "pyomo-highs", "linopy"}
    for method in ("pyomo-highs", "linopy"):
        r = recs[method]
        assert Path(r["model_code"]).is_file(), r["model_code"]
        assert r["objective_rel_diff"] < 1e-9
        assert r["variables"] == recs["lngswap"]["variables"]
    assert recs["lngswap"]["peak_rss_mib"] > 0
