"""Memory: the LP's terms are freed once HiGHS holds the matrix, results still extract, and a
released LP refuses to be assembled again (never an empty matrix); the manifest records the
run's peak memory."""

from __future__ import annotations

from pathlib import Path

import pytest

import lngswap
from benchmarks.synthetic import write_instance
from lngswap.results.export import manifest
from lngswap.studies.api import build, extract, solve_built
from tests.test_benchmarks_peers import TINY


def test_terms_released_after_hand_over(tmp_path: Path) -> None:
    case = lngswap.load_case(write_instance(TINY, tmp_path), [])
    b = build(case)
    nnz = b.form.a.nnz
    out, _ = solve_built(b)
    assert b.lp.terms_released
    assert all(c.terms == [] for c in b.lp.cons.values())
    assert b.form.a.nnz == nnz  # the assembled matrix itself is kept
    with pytest.raises(RuntimeError, match="released"):
        b.lp.matrices()
    res = extract(b, out)
    again = build(case)
    assert out.objective == pytest.approx(solve_built(again)[0].objective, rel=1e-12)
    assert len(res.schedule) > 0
    man = manifest(case, res, b.md.extras["dataset_hashes"], {})
    assert man["memory"]["peak_rss_mib"] > 50  # a Python process with numpy and pandas
