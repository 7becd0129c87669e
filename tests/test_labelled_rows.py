"""Terms placed by labels (`ConBlock.add_on`): the right rows, and a wrong label raises."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lngswap.model.lp import LinearProgram, locate, shifted


def grid(nodes: int, days: int) -> pd.DataFrame:
    return pd.DataFrame({"node": np.repeat(np.arange(nodes), days),
                         "day": np.tile(np.arange(days), nodes)})


def test_locate_on_a_grid_and_by_hash_agree():
    idx = grid(3, 4)
    keys = pd.DataFrame({"node": [2, 0, 1, 5], "day": [3, 0, 2, 0]})
    assert locate(idx, keys).tolist() == [11, 0, 6, -1]
    shuffled = idx.sample(frac=1.0, random_state=1).reset_index(drop=True)  # not a grid order
    pos = locate(shuffled, keys)
    assert pos[-1] == -1
    for k in range(3):
        assert shuffled.iloc[pos[k]].tolist() == keys.iloc[k].tolist()


def test_text_labels_are_found():
    idx = pd.DataFrame({"party": ["JP", "JP", "KR"], "day": [0, 1, 0]})
    assert locate(idx, {"party": np.array(["KR", "JP"]), "day": np.array([0, 1])}).tolist() == [
        2, 1]


def test_previous_day_is_a_shift_along_day():
    """s_d - s_{d-1} = 0 for d >= 1 and s_0 = 5: the assembled rows say exactly that."""
    lp = LinearProgram()
    s = lp.var("s", grid(2, 3))
    con = lp.con("balance", s.index, lo=0.0, hi=0.0)
    con.add_on(s, 1.0, rows=s.index)
    con.add_on(s, -1.0, rows=shifted(s.index, day=1), missing="drop")
    a = lp.matrices().a.toarray()
    want = np.eye(6)
    for n in range(2):
        for d in range(1, 3):
            want[n * 3 + d, n * 3 + d - 1] = -1.0
    np.testing.assert_array_equal(a, want)


def test_a_label_with_no_row_raises_naming_it():
    lp = LinearProgram()
    s = lp.var("s", grid(2, 3))
    con = lp.con("balance", s.index)
    with pytest.raises(ValueError, match=r"no row of balance with labels \{'node': 0, 'day': 3\}"):
        con.add_on(s, -1.0, rows=shifted(s.index, day=1))


def test_columns_by_labels_and_by_selection():
    lp = LinearProgram()
    s = lp.var("s", grid(2, 3))
    con = lp.con("pick", pd.DataFrame({"k": [0, 1]}))
    con.add_on(s, [2.0, 3.0], cols={"node": np.array([1, 0]), "day": np.array([2, 0])})
    con.add_on(s, 7.0, rows={"k": np.array([1])}, cols=np.array([4]))
    a = lp.matrices().a.toarray()
    assert a[0, 5] == 2.0
    assert a[1, 0] == 3.0
    assert a[1, 4] == 7.0
    assert np.count_nonzero(a) == 3
