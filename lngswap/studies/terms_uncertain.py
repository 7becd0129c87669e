"""Swap terms as insurance: `lngswap swap-terms` on a case with uncertain event ends.

Each variant of the terms file is run under rolling foresight (`rolling.py`) with the
agreement on its terms, and once without any agreement; a party's gain in a realised scenario
is its cost alone less its cost with the agreement. Per variant and party the table gives the
expected gain, the worst-scenario gain, the CVaR gain (the mean of the worst 1 - alpha share
of outcomes) and the expected unserved energy; the terms best for both parties are marked by
expected gain and by worst case (the variant whose smaller party gain is largest).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lngswap.inputs.case import Case, load_case
from lngswap.inputs.dataset import load_dataset
from lngswap.results.export import command_manifest
from lngswap.results.writer import check_folder_target, write_folder
from lngswap.studies.rolling import cvar, run_rolling
from lngswap.studies.study import Study
from lngswap.studies.swap_terms import load_terms, variant_agreements


def gain_cvar(gain: np.ndarray, probs: np.ndarray, alpha: float) -> float:
    """Mean of the worst (1 - alpha) probability mass of gains."""
    return -cvar(-np.asarray(gain, float), np.asarray(probs, float), alpha)


def terms_table(case: Case, terms_path: str | Path) -> pd.DataFrame:
    """One row per variant and party of the agreement (see the module docstring)."""
    terms = load_terms(terms_path)
    ds = load_dataset(case.dataset)
    study = Study(ds)
    alpha = case.risk.cvar_alpha if case.risk else 0.9
    alone = run_rolling(case.model_copy(update={"cooperation": "isolated", "swaps": []}), ds,
                        study, perfect=False).table.set_index(["scenario", "party"])
    rows = []
    for i, v in enumerate(terms.variants):
        ags = variant_agreements(list(case.swaps), v, f"{terms.path}: variants.{i}")
        upd = {"cooperation": "swaps", "swaps": ags}
        if v.require_mutual_benefit is not None:
            upd["require_mutual_benefit"] = v.require_mutual_benefit
        with_ = run_rolling(case.model_copy(update=upd), ds, study, perfect=False).table
        parties = sorted({p for ag in ags for p in ag.parties})
        for p in parties:
            g = with_[with_["party"] == p].set_index("scenario")
            base = alone.xs(p, level="party").reindex(g.index)
            gain = (base["total_cost_usd"] - g["total_cost_usd"]).to_numpy()
            pr = g["probability"].to_numpy()
            rows.append({"variant": v.name, "party": p, **{k: val for k, val in v.terms.items()
                                                           if not isinstance(val, dict)},
                         "expected_gain_usd": round(float(np.dot(gain, pr)), 2),
                         "worst_gain_usd": round(float(gain.min()), 2),
                         "cvar_gain_usd": round(gain_cvar(gain, pr, alpha), 2),
                         "expected_unserved_mmbtu": round(float(np.dot(g["unserved_mmbtu"],
                                                                       pr)), 1)})
    return mark_best(pd.DataFrame(rows))


def mark_best(t: pd.DataFrame) -> pd.DataFrame:
    """Mark the variants whose smaller party gain is largest, by expected and worst gain."""
    t = t.copy()
    for col, mark in (("expected_gain_usd", "best_for_both_expected"),
                      ("worst_gain_usd", "best_for_both_worst")):
        low = t.groupby("variant")[col].min()
        best = low.idxmax() if len(low) else None
        t[mark] = np.where(t["variant"] == best, "best", "")
    return t


def evaluate_terms_uncertain(case_path: Path, terms_path: Path, out_dir: Path | None,
                             overwrite: bool = False) -> pd.DataFrame:
    """Evaluate the terms file under the case's scenarios; write swap_terms.csv."""
    case = load_case(case_path)
    target = Path(out_dir) if out_dir else Path("runs") / "swap-terms"
    check_folder_target(target, overwrite=overwrite)
    table = terms_table(case, terms_path)
    man = command_manifest("swap-terms", {"terms": Path(terms_path), "case": Path(case_path)},
                           {"foresight": "rolling"}, cases=[case])
    write_folder(target, lambda tmp: table.to_csv(tmp / "swap_terms.csv", index=False,
                                                  lineterminator="\n", float_format="%.10g"),
                 man, overwrite=overwrite)
    return table


def terms_lines(table: pd.DataFrame) -> list[str]:
    """The table as printed lines."""
    out = []
    for _, r in table.iterrows():
        marks = " ".join(x for x in (r["best_for_both_expected"] and "best by expected gain",
                                     r["best_for_both_worst"] and "best by worst case") if x)
        out.append(f"{r['variant']:<12} {r['party']}: expected gain "
                   f"{r['expected_gain_usd'] / 1e6:,.1f} M USD, worst "
                   f"{r['worst_gain_usd'] / 1e6:,.1f} M, CVaR "
                   f"{r['cvar_gain_usd'] / 1e6:,.1f} M, expected unserved "
                   f"{r['expected_unserved_mmbtu']:,.0f} MMBtu {marks}".rstrip())
    return out
